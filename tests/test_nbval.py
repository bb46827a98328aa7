"""Strict nbval over the committed notebooks, as on this machine and as on another CPU.

nbval runs a notebook in place, so its figures would land in figures/ and, on any machine whose
floats differ from the one that stored them, change the working tree. Each run therefore works on
a copy of notebooks/ in a temporary folder (figures_dir = "../figures" then points there too).
"""

import json
import os
import shutil
import subprocess
import sys

import pytest
from nbval.plugin import comment_markers, find_comment_markers, metadata_tags

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
NUMERICS = {
    "this CPU": {},
    # oneDNN's fused kernels change the last bits of every float here, as another CPU would.
    "another CPU": {"TF_ENABLE_ONEDNN_OPTS": "0"},
}


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


@pytest.mark.parametrize("numerics", NUMERICS)
def test_strict_nbval_reproduces_the_committed_outputs(numerics, tmp_path):
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    (tmp_path / "pytest.ini").write_text("[pytest]\n")  # keeps the repository's settings out
    env = {**os.environ, **NUMERICS[numerics], "PYTHONPATH": str(ROOT / "tests")}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env",
         "--nbval-sanitize-with", str(ROOT / "tests" / "nbval_sanitize.cfg"), "-p", "nbval_hooks",
         "-p", "no:cacheprovider", "-q", "--rootdir", str(tmp_path), str(tmp_path / "notebooks")],
        cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"strict nbval failed ({numerics}):\n{done.stdout[-6000:]}"
    assert f"{sum(len(code_cells(p)) for p in NOTEBOOKS)} passed" in done.stdout
