"""Strict nbval over the committed notebooks, as this CPU computes and as another CPU would.

Each notebook is executed at its defaults once per numerics setting, in the copy of the repository
that tests/conftest.py makes (a run writes figures, and on another CPU they would change the tree):

- as this CPU computes, by `pytest --nbval notebooks/` itself, the command docs/CONTRIBUTING.md
  gives (tests/test_docs.py runs it; here its outcome is read);
- as another CPU would (TF_ENABLE_ONEDNN_OPTS=0 changes the last bits of every float here), by the
  README's main command, whose executed notebooks are the committed ones run with no injected
  parameter: each code cell's outputs are compared with the stored ones by nbval's own comparison.
"""

import json
from types import SimpleNamespace

import nbformat
import pytest
from nbval.plugin import (IPyNbCell, coalesce_streams, comment_markers, find_comment_markers, find_metadata_tags,
                          get_sanitize_patterns, metadata_tags)

from conftest import ROOT, documented

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
NBVAL = next(c for c in documented("bash") if c.endswith("pytest --nbval notebooks/"))


def code_cells(path):
    return [cell for cell in json.loads(path.read_text())["cells"] if cell["cell_type"] == "code"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_nbval_marker_is_one_nbval_reads(path):
    for cell in code_cells(path):
        source = "".join(cell["source"])
        recognised = {marker for marker, _ in find_comment_markers(source)}
        for line in source.splitlines():
            if line.strip().startswith("#") and "NBVAL" in line.upper():
                comment = line.strip().lstrip("#").strip()
                assert comment in comment_markers and recognised, (
                    f"{path.name}: nbval ignores the marker line {line!r}: the whole comment must "
                    f"be the marker (put the reason on the next line)")
        for tag in cell["metadata"].get("tags", []):
            if tag.startswith("nbval") or tag == "raises-exception":
                assert tag in metadata_tags, f"{path.name}: nbval does not know the tag {tag!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_outputs_hold_no_stderr_and_every_cell_ran(path):
    for number, cell in enumerate(code_cells(path)):
        streams = [out.get("name") for out in cell["outputs"] if out["output_type"] == "stream"]
        assert "stderr" not in streams, f"{path.name}: code cell {number} stored stderr output"
        assert cell["execution_count"] is not None, f"{path.name}: code cell {number} never ran"
        assert not any(out["output_type"] == "error" for out in cell["outputs"])
        assert "WARNING:tensorflow" not in json.dumps(cell["outputs"]), f"{path.name}: code cell {number}"
        assert set(cell["metadata"]) <= {"tags", "editable", "slideshow"}, \
            f"{path.name}: code cell {number} stores run metadata (timings): refresh it with --refresh-committed"


def test_strict_nbval_passes_as_this_cpu_computes(run_in_checkout):
    code, output, before, after = run_in_checkout(NBVAL)
    assert code == 0, f"strict nbval failed:\n{output[-6000:]}"
    assert f"{sum(len(code_cells(p)) for p in NOTEBOOKS)} passed" in output
    assert after == before  # the figures went to notebooks/figures/, which git ignores


class Referee:
    """nbval's own comparison of a cell's outputs (IPyNbCell.compare_outputs and sanitize), with
    the settings `pytest --nbval` runs with here: nbval's defaults (the comparison skips metadata,
    tracebacks and images), the repository's conftest.py (it skips stderr) and the patterns of
    tests/nbval_sanitize.cfg."""

    compare_outputs = IPyNbCell.compare_outputs
    sanitize = IPyNbCell.sanitize
    colors = SimpleNamespace(FAIL="", OKBLUE="", ENDC="")
    SKIP = ("metadata", "traceback", "prompt_number", "output_type", "name", "execution_count",
            "application/vnd.jupyter.widget-view+json", "image/png", "image/jpeg", "stderr")

    def __init__(self):
        patterns = get_sanitize_patterns((ROOT / "tests" / "nbval_sanitize.cfg").read_text())
        self.parent = SimpleNamespace(skip_compare=self.SKIP, sanitize_patterns=dict(patterns))  # as nbval keeps them

    def format_output_compare(self, key, left, right):
        self.comparison_traceback.append(f"{key}: stored {left!r:.600}\n   now {right!r:.600}")

    def differences(self, executed, committed) -> list[str]:
        found = []
        for number, (now, stored) in enumerate(zip(executed.cells, committed.cells)):
            if stored.cell_type != "code":
                continue
            assert now.source == stored.source, f"cell {number}: the report ran another notebook"
            options = {**dict(find_metadata_tags(stored.metadata)), **dict(find_comment_markers(stored.source))}
            if options.get("check", True) and not self.compare_outputs(coalesce_streams(now.outputs),
                                                                        coalesce_streams(stored.outputs)):
                found.append(f"cell {number}:\n" + "\n".join(self.comparison_traceback))
        return found


def test_the_main_commands_notebooks_match_the_committed_outputs_as_another_cpu_computes(main_report):
    (code, output, _, _), folder = main_report
    assert code == 0, output[-3000:]
    for path in NOTEBOOKS:
        executed = nbformat.read(folder / path.stem / path.name, as_version=4)
        committed = nbformat.read(path, as_version=4)
        assert len(executed.cells) == len(committed.cells), f"{path.name}: parameters were injected"
        differences = Referee().differences(executed, committed)
        assert differences == [], f"{path.name} (TF_ENABLE_ONEDNN_OPTS=0):\n" + "\n".join(differences)
