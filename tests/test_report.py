"""The report runner: `python -m aekit report` as an instructor uses it."""

import json
import os
import re
import subprocess
import sys

import nbformat
import pytest

from aekit.report import cli, runner
from conftest import ROOT


def make_notebook(folder, name, body):
    """A tiny notebook with a parameters cell that writes one figure, then runs ``body``."""
    cells = [nbformat.v4.new_code_cell('figures_dir = "figures"  # where figures go\nfail = False  # raise at the end',
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


def test_the_quick_report_writes_a_folder_per_page_and_the_index_compares_q1s_variations(quick_report, checkout):
    (code, printed, before, after), output = quick_report
    assert code == 0 and after == before, printed[-3000:]  # figures/ untouched
    pages = {"q1_vae": "q1_vae_", "q1_conditional": "q1_conditional_", "q1_adversarial": "q1_adversarial_",
             "q2_autoencoder": "q2_", "q3_anomaly": "q3_", "q4_generative": "q4_"}
    index = (output / "index.html").read_text()
    for name, prefix in pages.items():
        written = {p.name for p in (output / name / "figures").glob("*.png")}
        assert written and all(figure.startswith(prefix) for figure in written), written
        if name in ("q1_vae", "q2_autoencoder", "q3_anomaly", "q4_generative"):
            assert written == {p.name for p in (checkout / "figures").glob(f"{prefix}*.png")}  # as committed
        page = (output / f"{name}.html").read_text()
        assert "data:image/png;base64" in page  # figures embedded: the page stands alone
        assert f'href="{name}.html"' in index
        executed = json.loads((output / name / f"{name}.ipynb").read_text())
        injected = next("".join(c["source"]) for c in executed["cells"]
                        if "injected-parameters" in c["metadata"].get("tags", []))
        assert "epochs = 2" in injected and "figures_dir" not in injected  # the page's folder is its own
        assert re.search(rf"^{name} +ok ", printed, flags=re.M)  # its row in the summary
    assert "Q1's variations side by side" in index and "samples read as the class asked for" in index
    assert "MMD² of the codes to N(0, I)" in index
    assert f"figures: in each page's folder under {output.relative_to(checkout)}/" in printed


def test_all_notebooks_run_and_figures_are_swapped_in(project, capsys):
    notebooks, figures, output = project
    results = runner.run_report(notebooks, output, figures, jobs=2)
    assert [(r.name, r.status, [f.name for f in r.figures]) for r in results] == [
        ("a_first", "ok", ["a_first.png"]), ("b_second", "ok", ["b_second.png"])]
    assert (figures / "a_first.png").read_bytes() == b"new" == (figures / "b_second.png").read_bytes()
    assert sorted(p.name for p in figures.iterdir()) == ["a_first.png", "b_second.png", "sources.json"]
    assert (output / "a_first" / "a_first.ipynb").is_file() and (output / "a_first.html").is_file()


def test_a_run_with_less_data_keeps_the_figures_that_show_more(project, monkeypatch, capsys):
    """Q3 offline without Fashion-MNIST must not replace figures that compare MNIST with it."""
    notebooks, figures, output = project
    make_notebook(notebooks, "a_first", "import os\nfrom IPython.display import display\n"
                  "display({'application/vnd.aekit.results+json': {'missing': os.environ.get('MISSING', ''), "
                  "'train_images': 100, 'source': 'd', 'data': 'd (offline)'}, 'text/plain': 'results'}, raw=True)")
    runner.run_report(notebooks, output, figures, only=["a"])
    assert json.loads((figures / "sources.json").read_text())["a_first"] == {"source": "d", "missing": "",
                                                                             "train_images": 100}
    (figures / "a_first.png").write_bytes(b"complete")
    monkeypatch.setenv("MISSING", "Fashion-MNIST is not available")
    runner.run_report(notebooks, output, figures, only=["a"])
    assert (figures / "a_first.png").read_bytes() == b"complete"
    assert ("keeps a_first's figures, which show more data (this run could not: Fashion-MNIST is not "
            "available)") in capsys.readouterr().out


def test_a_run_with_other_parameters_leaves_the_committed_figures_alone(project, capsys):
    notebooks, figures, output = project
    values = output.parent / "params.yaml"
    values.write_text("a_first:\n  fail: false\n")
    for extra in (["-p", "fail", "False"], ["--quick"], ["-f", str(values)]):
        assert cli.main(["report", "--notebooks", str(notebooks), "--figures", str(figures),
                         "--output", str(output), "--only", "a"] + extra) == 0
        assert (figures / "a_first.png").read_bytes() == b"old"
        assert (output / "a_first" / "figures" / "a_first.png").read_bytes() == b"new"
        assert f"figures: in each page's folder under {output}/" in capsys.readouterr().out


def test_figures_dir_is_the_reports_to_choose(project, capsys):
    notebooks, figures, output = project
    assert cli.main(["report", "--notebooks", str(notebooks), "--figures", str(figures),
                        "--output", str(output), "-p", "figures_dir", "elsewhere"]) == 2
    assert "figures_dir is chosen by the report" in capsys.readouterr().err


def test_a_failing_notebook_stops_the_run_and_leaves_figures_intact(project, capsys):
    notebooks, figures, output = project
    code = cli.main(["report", "--notebooks", str(notebooks), "--figures", str(figures),
                        "--output", str(output), "-p", "fail", "True", "--jobs", "1"])
    assert code == 1
    error = capsys.readouterr().err
    assert "b_second failed: ValueError: fail must be False, got True" in error
    assert f"partial output: {output / 'b_second' / 'b_second.ipynb'}" in error
    assert (output / "b_second" / "b_second.ipynb").exists()  # papermill keeps the partial notebook
    assert (figures / "a_first.png").read_bytes() == b"old"  # a_first succeeded, yet nothing swapped
    assert (figures / "b_second.png").read_bytes() == b"old"
    assert sorted(p.name for p in figures.iterdir()) == ["a_first.png", "b_second.png"]


def test_unknown_parameter_is_an_error_naming_it(project, capsys):
    notebooks, figures, output = project
    code = cli.main(["report", "--notebooks", str(notebooks), "--figures", str(figures),
                        "--output", str(output), "-p", "epoch", "3"])
    assert code == 2
    assert "unknown parameter 'epoch': no notebook declares it (known: fail, figures_dir)" in capsys.readouterr().err
    assert not output.exists()


def test_parameters_file_sets_values_per_notebook(project, tmp_path):
    notebooks, figures, output = project
    values = tmp_path / "params.yaml"
    values.write_text("b_second:\n  fail: true\n")
    with pytest.raises(runner.ReportError, match="b_second failed"):
        runner.run_report(notebooks, output, figures, per_notebook=cli._read_parameters_file(values),
                          log=lambda *a, **k: None)
    values.write_text("c_third:\n  fail: true\n")
    with pytest.raises(runner.ReportError, match="names notebook 'c_third', which is not being run"):
        runner.run_report(notebooks, output, figures, per_notebook=cli._read_parameters_file(values))
    values.write_text("a_first:\n  epochs: 3\n")
    with pytest.raises(runner.ReportError, match="a_first declares no parameter 'epochs'"):
        runner.run_report(notebooks, output, figures, per_notebook=cli._read_parameters_file(values))


def test_only_and_refresh_committed(project, capsys):
    notebooks, figures, output = project
    assert cli.main(["report", "--notebooks", str(notebooks), "--only", "c"]) == 2
    assert "--only 'c' names no notebook; choose from a_first, b_second" in capsys.readouterr().err
    assert cli.main(["report", "--notebooks", str(notebooks), "--refresh-committed", "--quick"]) == 2
    before = (notebooks / "a_first.ipynb").read_text()
    assert cli.main(["report", "--notebooks", str(notebooks), "--output", str(output),
                        "--refresh-committed", "--only", "a"]) == 0
    refreshed = json.loads((notebooks / "a_first.ipynb").read_text())
    assert "".join(refreshed["cells"][2]["outputs"][0]["text"]) == "fine\n" and before != json.dumps(refreshed)
    assert len(refreshed["cells"]) == 3  # no injected-parameters cell


def test_the_help_lists_every_option_docs_report_md_explains(capsys):
    """(`python -m aekit report` itself runs in the tests of an interrupted run.)"""
    with pytest.raises(SystemExit):
        cli.main(["report", "--help"])
    options = set(re.findall(r"(--[a-z-]+)", capsys.readouterr().out)) - {"--help"}
    options = options - {"--parameter", "--parameters-file"} | {"-p", "-f"}  # the docs use the short forms
    documented = set(re.findall(r"^\| `(-[-a-z]+)", (ROOT / "docs" / "report.md").read_text(), flags=re.M))
    assert options == documented


def test_the_notebook_process_loads_neither_aekit_nor_keras():
    """Each notebook runs in a process of its own that starts papermill, not TensorFlow (its
    kernel does): the module is run as a script and imports only the standard library there."""
    import ast

    from aekit.report import notebook_process

    tree = ast.parse(open(notebook_process.__file__).read())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names} | {node.module.split(".")[0] for node in ast.walk(tree)
                                            if isinstance(node, ast.ImportFrom)}
    assert imported <= set(sys.stdlib_module_names) | {"papermill", "psutil"}, imported


def test_parallel_runs_leave_the_working_directory_alone(project):
    import os

    notebooks, figures, output = project
    before = os.getcwd()
    runner.run_report(notebooks, output, figures, jobs=2, log=lambda *a, **k: None)
    assert os.getcwd() == before


TRAIN_THEN_SLEEP = ("import pathlib, time\nimport aekit\n"
                    "aekit.train(aekit.build_autoencoder()[2], aekit.load_mnist('sample').x_train[:64], epochs=1)\n"
                    "pathlib.Path('trained').touch()\ntime.sleep(120)")


@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT", "SIGKILL"])
def test_a_killed_runner_leaves_no_process_no_partial_output_and_no_temporary_file(project, how, tmp_path):
    """SIGTERM and Ctrl-C stop every notebook process and kernel and remove what they half wrote;
    after SIGKILL the notebook processes die with the runner (Linux's parent-death signal). None
    leaves a temporary file behind: not a kernel's connection file, nor the modules TensorFlow's
    AutoGraph writes while the first notebook trains (it removes them only when a process exits
    cleanly, and a stopped kernel does not)."""
    import signal
    import time

    import psutil

    notebooks, figures, output = project
    (temporary := tmp_path / "temporary").mkdir()
    make_notebook(notebooks, "a_first", TRAIN_THEN_SLEEP if how != "SIGTERM" else "import time\ntime.sleep(120)")
    make_notebook(notebooks, "b_second", "import time\ntime.sleep(120)")
    runner = subprocess.Popen(
        [sys.executable, "-m", "aekit", "report", "--notebooks", str(notebooks), "--figures",
         str(figures), "--output", str(output)], stderr=subprocess.PIPE, text=True,
        env={**os.environ, "TMPDIR": str(temporary)},
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # as a terminal starts it
    def command_line(process):
        try:
            return " ".join(process.cmdline())
        except psutil.Error:  # a short-lived child that exited (or is a zombie) between two looks
            return ""

    deadline = time.monotonic() + 120
    while True:  # until both kernels run (in the sleeping cell) and the first has trained
        family = psutil.Process(runner.pid).children(recursive=True)
        kernels = [p for p in family if "ipykernel" in command_line(p)]
        trained = how == "SIGTERM" or (output / "a_first" / "trained").exists()
        if len(kernels) == 2 and trained and all(time.time() - p.create_time() > 3 for p in kernels) \
                or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert len(kernels) == 2 and trained, "the kernels never started, or the first never trained"
    runner.send_signal(getattr(signal, how))
    runner.wait(timeout=30)  # seconds on an idle machine; the suite's other worker may hold both cores

    def alive(process):
        try:
            return process.status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:  # it exited between two looks
            return False

    gone = time.monotonic()
    while any(alive(p) for p in family):
        assert time.monotonic() - gone < 1.5, f"still running: {[p.pid for p in family if alive(p)]}"
        time.sleep(0.05)
    assert sorted(p.name for p in figures.iterdir()) == ["a_first.png", "b_second.png"]
    assert (figures / "a_first.png").read_bytes() == b"old"
    assert [p.name for p in temporary.rglob("*")] == []
    if how != "SIGKILL":
        stderr = runner.stderr.read()
        assert runner.returncode == 130 and "interrupted" in stderr, (runner.returncode, stderr[-3000:])
        left = sorted(str(p.relative_to(output)) for p in output.rglob("*")) if output.exists() else []
        assert not output.exists(), f"left behind: {left}"  # it created the folder: nothing is left


def test_output_must_be_a_writable_folder_and_one_run_at_a_time(project, capsys):
    import fcntl
    import os

    notebooks, figures, output = project
    afile = output.parent / "afile"
    afile.write_text("")
    assert cli.main(["report", "--notebooks", str(notebooks), "--output", str(afile)]) == 2
    assert f"--output {afile} is a file, not a folder" in capsys.readouterr().err
    locked = output.parent / "readonly"
    locked.mkdir()
    os.chmod(locked, 0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user who may write anywhere")
        assert cli.main(["report", "--notebooks", str(notebooks), "--output", str(locked / "r")]) == 2
        assert "cannot write to --output" in capsys.readouterr().err
    finally:
        os.chmod(locked, 0o700)
    output.mkdir()
    held = os.open(output, os.O_RDONLY)
    try:
        fcntl.flock(held, fcntl.LOCK_EX)  # as a run in progress holds it
        assert cli.main(["report", "--notebooks", str(notebooks), "--output", str(output)]) == 2
    finally:
        os.close(held)
    assert f"another aekit report is writing to {output}" in capsys.readouterr().err
    assert list(output.iterdir()) == []  # no lock file, nothing written


def test_colab_badges_and_setup_cells_follow_the_repository_url(tmp_path, capsys):
    from aekit import colab

    url = colab.repository_url(ROOT / "pyproject.toml")
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        badges, installs = colab.links_in(path)
        assert badges == [f"https://colab.research.google.com/github/{url[19:]}/blob/main/notebooks/{path.name}"]
        assert installs == [f"aekit @ git+{url}"]
    # a fork: one line in pyproject.toml, then `python -m aekit links`
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        (notebooks / path.name).write_bytes(path.read_bytes())
    fork = tmp_path / "pyproject.toml"
    fork.write_text((ROOT / "pyproject.toml").read_text().replace(url, "https://github.com/student/aekit"))
    assert cli.main(["links", "--notebooks", str(notebooks), "--pyproject", str(fork)]) == 0
    for path in notebooks.glob("*.ipynb"):
        badges, installs = colab.links_in(path)
        assert badges == [f"https://colab.research.google.com/github/student/aekit/blob/main/notebooks/{path.name}"]
        assert installs == ["aekit @ git+https://github.com/student/aekit"]
    assert "updated" in capsys.readouterr().out
    fork.write_text(fork.read_text().replace("https://github.com/student/aekit", "https://example.org/x"))
    assert cli.main(["links", "--notebooks", str(notebooks), "--pyproject", str(fork)]) == 2
    assert "Repository must be a GitHub URL" in capsys.readouterr().err
