"""Every command and code example of the README and of docs/, run as written, in a copy of the
repository (docs/CONTRIBUTING.md's `python docs/tables.py` among them: it leaves the tree as it is
only while the docs' tables state what the code states).

The two set-up commands share their install step with .ci/run, which CI runs on a fresh machine;
the test command is .ci/run's own last line. Everything after the install runs here, with
`.venv/bin/` standing for the environment running these tests. The main command and the quick
report run once per session (tests/conftest.py), shared by every test that reads them.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DOCS, FASHION, INSTALL, MAIN, QUICK, ROOT, documented, git_status

BIN = Path(sys.executable).parent
SETUP = [c for c in documented("bash") if c.startswith(INSTALL)]
OTHERS = [c for c in documented("bash") if not c.startswith(INSTALL) and c != QUICK]
PYTHON = documented("python")


def test_the_readme_has_the_two_setup_commands_and_ci_runs_the_test_command():
    readme = [c for c in documented("bash") if c.startswith(INSTALL) and c in (ROOT / "README.md").read_text()]
    assert SETUP == readme and len(SETUP) == 2, "the README's set-up block must hold the main and the test command"
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines()
          if line and not line.startswith(("#", "set ", "cd "))]
    assert ci == [SETUP[1]], ".ci/run must be exactly the README's test command"
    assert SETUP[1].endswith("&& .venv/bin/python -m pytest") and SETUP[0] == INSTALL + MAIN


def test_the_main_command_regenerates_the_report_and_only_the_figures(main_report):
    (code, output, _, after), folder = main_report
    assert code == 0, output[-3000:]
    assert (folder / "index.html").is_file()
    changed = {line[3:] for line in after.splitlines()}
    assert all(path.startswith("figures/") for path in changed), changed  # build/ is ignored
    assert "figures: figures/ refreshed with q2_autoencoder's 6 figures" in output
    assert "figures: figures/ refreshed with q4_generative's 9 figures" in output
    if FASHION.is_dir():  # the committed figures compare MNIST with Fashion-MNIST; so does this run
        assert "figures: figures/ refreshed with q3_anomaly's 3 figures" in output


@pytest.mark.parametrize("command", OTHERS, ids=lambda c: c[:60])
def test_each_other_command_runs_and_leaves_the_tree_clean(command, run_in_checkout):
    code, output, before, after = run_in_checkout(command)
    assert code == 0, f"`{command}` failed:\n{output[-3000:]}"
    assert after == before


@pytest.mark.parametrize("number", range(len(PYTHON)))
def test_each_python_example_runs(number, checkout, in_checkout):
    with in_checkout():
        before = git_status(checkout)
        done = subprocess.run([sys.executable, "-c", PYTHON[number]], cwd=checkout, capture_output=True,
                              text=True, timeout=900)
        after = git_status(checkout)
    assert done.returncode == 0, done.stderr[-3000:]
    assert after == before


def test_inline_commands_name_programs_that_exist():
    """Commands the docs name in their prose (Jupyter, a browser) are not run; their programs must exist."""
    for path in DOCS:
        for program in re.findall(r"`\.venv/bin/(\w+)", path.read_text()):
            assert (BIN / program).exists(), f"{path.name}: .venv/bin/{program} is not installed"


def test_every_link_between_the_pages_leads_to_a_file():
    for path in DOCS:
        for target in re.findall(r"\]\(([^)#:]+)\)", path.read_text()) + re.findall(r'src="([^"]+)"', path.read_text()):
            assert (path.parent / target).exists(), f"{path.name} links to {target}, which does not exist"


def test_the_readme_is_short():
    """What a student reads in three minutes; the rest is in docs/."""
    assert len((ROOT / "README.md").read_text()) < 8_000


def test_every_generated_table_in_the_docs_has_rows_written_from_the_code():
    """Each `<!-- table: NAME -->` marker is one docs/tables.py writes, and what it wrote has rows:
    a marker the script does not match would leave its table empty, and `--check` would pass."""
    sys.path.insert(0, str(ROOT / "docs"))
    try:
        import tables
    finally:
        sys.path.remove(str(ROOT / "docs"))
    markers = [name for page in (ROOT / "docs").glob("*.md")
               for name in re.findall(r"<!-- table: (.+?) -->", page.read_text())]
    written = [match for page in (ROOT / "docs").glob("*.md") for match in tables._TABLE.finditer(page.read_text())]
    assert sorted(markers) == sorted(m.group(2) for m in written) and set(markers) == set(tables.TABLES)
    for match in written:
        rows = match.group(3).strip().splitlines()
        assert len(rows) >= 3 and rows[1].startswith("|---"), f"table {match.group(2)!r} is empty"
