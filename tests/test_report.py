"""The report runner: `python -m aekit report` as an instructor uses it."""

import json
import re
import subprocess
import sys

import nbformat
import pytest

from aekit import report
from conftest import ROOT, readme_commands


def make_notebook(folder, name, body):
    """A tiny notebook with a parameters cell that writes one figure, then runs ``body``."""
    cells = [nbformat.v4.new_code_cell('figures_dir = "figs"  # where figures go\nfail = False  # raise at the end',
                                       metadata={"tags": ["parameters"]}),
             nbformat.v4.new_code_cell("from pathlib import Path\n"
                                       "Path(figures_dir).mkdir(parents=True, exist_ok=True)\n"
                                       f"(Path(figures_dir) / '{name}.png').write_bytes(b'new')"),
             nbformat.v4.new_code_cell(body)]
    notebook = nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {
        "name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(notebook, folder / f"{name}.ipynb")


@pytest.fixture
def project(tmp_path):
    notebooks, figures = tmp_path / "notebooks", tmp_path / "figures"
    notebooks.mkdir()
    figures.mkdir()
    make_notebook(notebooks, "a_first", "print('fine')")
    make_notebook(notebooks, "b_second", "if fail:\n    raise ValueError('fail must be False, got True')")
    for name in ("a_first", "b_second"):
        (figures / f"{name}.png").write_bytes(b"old")
    return notebooks, figures, tmp_path / "build"


def test_the_readmes_quick_report_writes_its_own_folder_and_relative_figures_dir(checkout, run_in_checkout):
    quick = next(c for c in readme_commands("bash") if "aekit report --quick" in c)
    code, printed, before, after = run_in_checkout(quick)
    assert code == 0 and after == before  # figures/ untouched
    folder = quick.split("--output ")[1].split()[0]  # as the README writes it: build/quick
    output = checkout / folder
    for name, count in (("q1_vae", 8), ("q2_autoencoder", 6)):
        assert len(list((output / "figures" / name).glob("*.png"))) == count
        page = (output / f"{name}.html").read_text()
        assert "data:image/png;base64" in page  # figures embedded: the page stands alone
        assert f'href="{name}.html"' in (output / "index.html").read_text()
        executed = json.loads((output / f"{name}.ipynb").read_text())
        injected = next("".join(c["source"]) for c in executed["cells"]
                        if "injected-parameters" in c["metadata"].get("tags", []))
        # a figures_dir a reader can reuse, relative to the notebook, not a temporary folder
        assert "epochs = 2" in injected and f'figures_dir = "../{folder}/figures/{name}"' in injected
        assert re.search(rf"^{name} +ok ", printed, flags=re.M)  # its row in the summary
    assert f"figures: {folder}/figures/" in printed


def test_all_notebooks_run_and_figures_are_swapped_in(project, capsys):
    notebooks, figures, output = project
    results = report.run_report(notebooks, output, figures, jobs=2)
    assert [(r.name, r.status, [f.name for f in r.figures]) for r in results] == [
        ("a_first", "ok", ["a_first.png"]), ("b_second", "ok", ["b_second.png"])]
    assert (figures / "a_first.png").read_bytes() == b"new" == (figures / "b_second.png").read_bytes()
    assert sorted(p.name for p in figures.iterdir()) == ["a_first.png", "b_second.png"]


def test_a_run_with_other_parameters_leaves_the_committed_figures_alone(project, capsys):
    notebooks, figures, output = project
    values = output.parent / "params.yaml"
    values.write_text("a_first:\n  fail: false\n")
    for extra in (["-p", "fail", "False"], ["--quick"], ["-f", str(values)]):
        assert report.main(["report", "--notebooks", str(notebooks), "--figures", str(figures),
                            "--output", str(output)] + extra) == 0
        assert (figures / "a_first.png").read_bytes() == b"old"
        assert (output / "figures" / "a_first" / "a_first.png").read_bytes() == b"new"
        assert f"figures: {output / 'figures'}/" in capsys.readouterr().out


def test_figures_dir_is_the_reports_to_choose(project, capsys):
    notebooks, figures, output = project
    assert report.main(["report", "--notebooks", str(notebooks), "--figures", str(figures),
                        "--output", str(output), "-p", "figures_dir", "elsewhere"]) == 2
    assert "figures_dir is chosen by the report" in capsys.readouterr().err


def test_a_failing_notebook_stops_the_run_and_leaves_figures_intact(project, capsys):
    notebooks, figures, output = project
    code = report.main(["report", "--notebooks", str(notebooks), "--figures", str(figures),
                        "--output", str(output), "-p", "fail", "True", "--jobs", "1"])
    assert code == 1
    error = capsys.readouterr().err
    assert "b_second failed: ValueError: fail must be False, got True" in error
    assert f"partial output: {output / 'b_second.ipynb'}" in error
    assert (output / "b_second.ipynb").exists()  # papermill keeps the partial notebook
    assert (figures / "a_first.png").read_bytes() == b"old"  # a_first succeeded, yet nothing swapped
    assert (figures / "b_second.png").read_bytes() == b"old"
    assert sorted(p.name for p in figures.iterdir()) == ["a_first.png", "b_second.png"]


def test_unknown_parameter_is_an_error_naming_it(project, capsys):
    notebooks, figures, output = project
    code = report.main(["report", "--notebooks", str(notebooks), "--figures", str(figures),
                        "--output", str(output), "-p", "epoch", "3"])
    assert code == 2
    assert "unknown parameter 'epoch': no notebook declares it (known: fail, figures_dir)" in capsys.readouterr().err
    assert not output.exists()


def test_parameters_file_sets_values_per_notebook(project, tmp_path):
    notebooks, figures, output = project
    values = tmp_path / "params.yaml"
    values.write_text("b_second:\n  fail: true\n")
    with pytest.raises(report.ReportError, match="b_second failed"):
        report.run_report(notebooks, output, figures, per_notebook=report._read_parameters_file(values),
                          log=lambda *a, **k: None)
    values.write_text("c_third:\n  fail: true\n")
    with pytest.raises(report.ReportError, match="names notebook 'c_third', which is not being run"):
        report.run_report(notebooks, output, figures, per_notebook=report._read_parameters_file(values))
    values.write_text("a_first:\n  epochs: 3\n")
    with pytest.raises(report.ReportError, match="a_first declares no parameter 'epochs'"):
        report.run_report(notebooks, output, figures, per_notebook=report._read_parameters_file(values))


def test_only_and_refresh_committed(project, capsys):
    notebooks, figures, output = project
    assert report.main(["report", "--notebooks", str(notebooks), "--only", "c"]) == 2
    assert "--only 'c' names no notebook; choose from a_first, b_second" in capsys.readouterr().err
    assert report.main(["report", "--notebooks", str(notebooks), "--refresh-committed", "--quick"]) == 2
    before = (notebooks / "a_first.ipynb").read_text()
    assert report.main(["report", "--notebooks", str(notebooks), "--output", str(output),
                        "--refresh-committed", "--only", "a"]) == 0
    refreshed = json.loads((notebooks / "a_first.ipynb").read_text())
    assert "".join(refreshed["cells"][2]["outputs"][0]["text"]) == "fine\n" and before != json.dumps(refreshed)
    assert len(refreshed["cells"]) == 3  # no injected-parameters cell


def test_python_dash_m_entry_point():
    done = subprocess.run([sys.executable, "-m", "aekit", "report", "--help"], capture_output=True,
                          text=True, check=True)
    assert "--refresh-committed" in done.stdout and "--quick" in done.stdout


def test_the_runner_does_not_import_tensorflow():
    """Notebooks run in their own processes; the runner itself must start in a blink."""
    code = "import sys, aekit.report; print('tensorflow' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_parallel_runs_leave_the_working_directory_alone(project):
    import os

    notebooks, figures, output = project
    before = os.getcwd()
    report.run_report(notebooks, output, figures, jobs=2, log=lambda *a, **k: None)
    assert os.getcwd() == before
