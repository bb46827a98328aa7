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

from conftest import ROOT, git_status

README = (ROOT / "README.md").read_text()
BIN = str(Path(sys.executable).parent)
INSTALL = "python3 -m venv .venv && .venv/bin/pip install -q -r requirements.txt -e . && "
BLOCKS = re.findall(r"^```(bash|python)\n(.*?)^```", README, flags=re.S | re.M)


def shell_commands():
    commands = []
    for language, body in BLOCKS:
        if language == "bash":
            joined = re.sub(r"\\\n\s*", "", body)  # continuation lines
            commands += [line.strip() for line in joined.splitlines()
                         if line.strip() and not line.strip().startswith("#")]
    return commands


SETUP = [c for c in shell_commands() if c.startswith(INSTALL)]
OTHERS = [c for c in shell_commands() if not c.startswith(INSTALL)]
PYTHON = [body for language, body in BLOCKS if language == "python"]


def run(command, cwd):
    done = subprocess.run(["bash", "-c", command.replace(".venv/bin/", f"{BIN}/")], cwd=cwd,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"`{command}` failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def test_the_readme_has_the_two_setup_commands_and_ci_runs_the_test_command():
    assert len(SETUP) == 2, "the README's set-up block must hold the main and the test command"
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines()
          if line and not line.startswith(("#", "set ", "cd "))]
    assert ci == [SETUP[1]], ".ci/run must be exactly the README's test command"
    assert SETUP[1].endswith("&& .venv/bin/python -m pytest")


def test_the_main_command_regenerates_the_report_and_only_the_figures(checkout):
    main = SETUP[0][len(INSTALL):]
    run(main, checkout)
    assert (checkout / "build" / "report" / "index.html").is_file()
    changed = {line[3:] for line in git_status(checkout).splitlines()}
    assert all(path.startswith("figures/") for path in changed), changed  # build/ is ignored


@pytest.mark.parametrize("command", OTHERS, ids=lambda c: c[:60])
def test_each_other_command_runs_and_leaves_the_tree_clean(command, checkout):
    before = git_status(checkout)
    run(command, checkout)
    assert git_status(checkout) == before


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
        assert (Path(BIN) / program).exists(), f".venv/bin/{program} is not installed"
