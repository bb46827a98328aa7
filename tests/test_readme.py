"""Every command and code example in the README, run as written, in a copy of the repository.

The two set-up commands share their install step with .ci/run, which CI runs on a fresh machine;
the test command is .ci/run's own last line. Everything after the install runs here, with
`.venv/bin/` standing for the environment running these tests.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, git_status, readme_commands

README = (ROOT / "README.md").read_text()
BIN = Path(sys.executable).parent
INSTALL = "python3 -m venv .venv && .venv/bin/pip install -q -r requirements.txt -e . && "
SETUP = [c for c in readme_commands("bash") if c.startswith(INSTALL)]
OTHERS = [c for c in readme_commands("bash") if not c.startswith(INSTALL)]
PYTHON = readme_commands("python")


def test_the_readme_has_the_two_setup_commands_and_ci_runs_the_test_command():
    assert len(SETUP) == 2, "the README's set-up block must hold the main and the test command"
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines()
          if line and not line.startswith(("#", "set ", "cd "))]
    assert ci == [SETUP[1]], ".ci/run must be exactly the README's test command"
    assert SETUP[1].endswith("&& .venv/bin/python -m pytest")


def test_the_main_command_regenerates_the_report_and_only_the_figures(checkout, run_in_checkout):
    code, output, _, after = run_in_checkout(SETUP[0][len(INSTALL):])
    assert code == 0, output[-3000:]
    assert (checkout / "build" / "report" / "index.html").is_file()
    changed = {line[3:] for line in after.splitlines()}
    assert all(path.startswith("figures/") for path in changed), changed  # build/ is ignored


@pytest.mark.parametrize("command", OTHERS, ids=lambda c: c[:60])
def test_each_other_command_runs_and_leaves_the_tree_clean(command, run_in_checkout):
    code, output, before, after = run_in_checkout(command)
    assert code == 0, f"`{command}` failed:\n{output[-3000:]}"
    assert after == before


@pytest.mark.parametrize("number", range(len(PYTHON)))
def test_each_python_example_runs(number, checkout):
    before = git_status(checkout)
    done = subprocess.run([sys.executable, "-c", PYTHON[number]], cwd=checkout, capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    assert git_status(checkout) == before


def test_inline_commands_name_programs_that_exist():
    """Commands the README names in its prose (Jupyter, a browser) are not run; their programs must exist."""
    for program in re.findall(r"`\.venv/bin/(\w+)", README):
        assert (BIN / program).exists(), f".venv/bin/{program} is not installed"
