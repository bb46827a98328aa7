"""The report's runner: every notebook executed with papermill in a process of its own, into a
build folder, each exported as a page; the index; and, after a run with the notebooks' own
defaults, the committed figures refreshed.

Notebooks run in a build folder, never over the committed ones (unless :func:`refresh_committed`),
and write their figures there. Only a run with the notebooks' own defaults copies them into
``figures/``, and only once every notebook has succeeded: a failed run, a ``--quick`` smoke run,
a run with other parameters or on another Keras backend than TensorFlow leaves the committed
figures as they are. Ctrl-C or SIGTERM stops every notebook process (each stops its kernel) and
removes what they half wrote.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from aekit import variations as registry
from aekit._checks import check_int
from aekit._files import write_atomically
from aekit._keras import BACKENDS
from aekit.data import SOURCES
from aekit.report import notebook_process
from aekit.report.index import write_index
from aekit.report.pages import export_html
from aekit.results import RESULTS_MIME

QUICK = {"epochs": 2, "prior_samples": 100}  # a smoke configuration: every cell runs, fast


@dataclass
class Result:
    """What happened to one page: a notebook run with its parameters (Q1 once per variation)."""

    name: str
    notebook: Path | None = None
    parameters: dict = field(default_factory=dict)
    status: str = "not run"
    seconds: float = 0.0
    figures: list[Path] = field(default_factory=list)
    output: Path | None = None
    error: str = ""
    record: dict = field(default_factory=dict)  # what the notebook's Results said


class ReportError(Exception):
    """A problem with the request: a bad parameter, an unknown notebook (exit code 2)."""


class NotebookFailed(ReportError):
    """A notebook raised while it ran (exit code 1)."""


class Interrupted(BaseException):
    """SIGTERM, handled as Ctrl-C is: the notebooks are stopped and their partial output removed."""


def run_report(notebooks_dir: Path, output_dir: Path, figures_dir: Path, *, overrides=None,
               per_notebook=None, only=(), variations=(), jobs: int = 1, quick: bool = False,
               log=print) -> list[Result]:
    """Execute the notebooks into ``output_dir``, one folder per page, export HTML pages and an
    index; return one Result per page.

    Each notebook runs in its page's folder (``output_dir/NAME/``), so its default ``figures_dir``
    ("figures") puts its figures there and a run with the notebooks' own defaults injects no
    parameter at all: its notebooks are the committed ones, executed. ``variations`` (names, or
    ["all"]) runs the notebook that declares ``variation`` (Q1) once for each, into pages named
    ``q1_<variation>``. Only a run of the notebooks with their own defaults (no overrides, no
    parameters file, no variations, not ``quick``) on TensorFlow refreshes ``figures_dir``, once
    every notebook has succeeded, and only with figures that show no less data than the ones there
    (:func:`refresh_figures`). Raises NotebookFailed, after printing the summary, if a notebook fails.
    """
    notebooks = _select(notebooks_dir, only)
    parameters = _plan_parameters(notebooks, overrides or {}, per_notebook or {}, quick)
    results = _pages(notebooks, parameters, list(variations), output_dir)
    refresh = not (overrides or per_notebook or quick or variations
                   or os.environ.get("KERAS_BACKEND", BACKENDS[0]) != BACKENDS[0])
    with _locked(output_dir), _Children() as children:
        return _run(results, refresh, output_dir, figures_dir, jobs, children, log)


def _pages(notebooks, parameters, variations, output_dir) -> list[Result]:
    """One page per notebook, or one per variation for the notebook that declares ``variation``."""
    import papermill  # the report's extra (aekit[report])

    if variations:
        names = registry.names() if variations == ["all"] else list(dict.fromkeys(variations))
        for name in names:
            if name not in registry.names():
                raise ReportError(f"--variations: {name!r} is not a variation; choose from "
                                  f"{', '.join(registry.names())} or all")
    pages = []
    for path in notebooks:
        if variations and "variation" in papermill.inspect_notebook(str(path)):
            prefix = path.stem.split("_")[0]
            pages += [Result(f"{prefix}_{name}", path, {**parameters[path.stem], "variation": name})
                      for name in names]
        else:
            pages.append(Result(path.stem, path, parameters[path.stem]))
    for page in pages:
        page.output = output_dir / page.name / f"{page.name}.ipynb"
    return pages


def _run(results, refresh, output_dir, figures_dir, jobs, children, log):
    def execute(number, result):
        started = time.perf_counter()
        result.status = "running"
        folder = result.output.parent
        shutil.rmtree(folder, ignore_errors=True)  # a previous run's output is not this run's
        folder.mkdir(parents=True)
        result.error = _papermill(result.notebook, result.output, folder, result.parameters, children)
        if children.stopped:
            return
        result.status = "failed" if result.error else "ok"
        if not result.error:
            result.figures = sorted((folder / "figures").glob("*.png"))
            result.record = _read_record(result.output)
        result.seconds = time.perf_counter() - started
        log(f"[{number}/{len(results)}] {result.name}: {result.status} in {result.seconds:.1f} s"
            + (f", {len(result.figures)} figures" if result.status == "ok" else ""), flush=True)

    pool = ThreadPoolExecutor(max_workers=check_int("jobs", jobs, 1, 16))
    try:
        futures = [pool.submit(execute, n, r) for n, r in enumerate(results, start=1)]
        for future in futures:
            if not future.cancelled():
                future.result()
            if any(r.status == "failed" for r in results):
                for pending in futures:
                    pending.cancel()  # stop what has not started; running ones finish
    except BaseException:  # Ctrl-C or SIGTERM: stop every notebook, drop what they half wrote
        _ignore_signals()  # a second Ctrl-C must not cut the clean-up short
        children.stop()
        pool.shutdown(wait=True, cancel_futures=True)
        for result in results:
            if result.status == "running":
                shutil.rmtree(result.output.parent, ignore_errors=True)
        raise
    pool.shutdown(wait=True)
    failed = [r for r in results if r.status == "failed"]
    if not failed:
        for result in results:
            export_html(result.output, output_dir / f"{result.name}.html")
        write_index(output_dir, results)
        if refresh:  # every notebook succeeded with its own defaults: these are the figures
            refresh_figures(results, figures_dir, log)
    log(_summary(results, output_dir))
    if failed:
        raise NotebookFailed(f"{failed[0].name} failed: {failed[0].error}\n"
                             f"partial output: {failed[0].output}\n"
                             f"{figures_dir}/ was left as it was")
    if not refresh:
        log(f"figures: in each page's folder under {output_dir}/ ({figures_dir}/ is refreshed only by "
            f"a run with the notebooks' own defaults)")
    return results


MANIFEST = "sources.json"  # in the committed figures' folder: what data each page's figures show


def refresh_figures(results, figures_dir: Path, log=print) -> None:
    """Copy each page's figures into ``figures_dir``, unless they show less data than the ones
    there: fewer training images, or a comparison the committed figures make and this run could
    not (Q3 offline without Fashion-MNIST). ``figures_dir/sources.json`` records what each page's
    committed figures show."""
    path = figures_dir / MANIFEST
    try:
        sources = json.loads(path.read_text())
    except (OSError, ValueError):
        sources = {}
    for result in results:
        now = {key: result.record.get(key, default) for key, default in
               (("source", ""), ("train_images", 0), ("missing", ""))}
        had = sources.get(result.name, {})
        less = ([f"this run could not: {now['missing']}"] if now["missing"] and not had.get("missing") else []) \
            + ([f"this run trained on {now['train_images']:,} images, they on {had['train_images']:,}"]
               if now["train_images"] < had.get("train_images", 0) else [])
        if less:
            log(f"figures: {figures_dir}/ keeps {result.name}'s figures, which show more data ({'; '.join(less)})")
            continue
        for figure in result.figures:
            write_atomically(figures_dir / figure.name, figure.read_bytes())
        sources[result.name] = now
        log(f"figures: {figures_dir}/ refreshed with {result.name}'s {len(result.figures)} figures")
    write_atomically(path, json.dumps(sources, indent=1, sort_keys=True, ensure_ascii=False) + "\n")


def _ignore_signals() -> None:
    """During clean-up, further Ctrl-C or SIGTERM wait; main() restores them afterwards."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)


def refresh_committed(notebooks_dir: Path, output_dir: Path, *, only=(), log=print) -> list[Result]:
    """Re-execute the committed notebooks with their own defaults (no injected parameters) and,
    for each that succeeds, replace the committed copy: this keeps nbval's reference outputs current."""
    with _locked(output_dir), _Children() as children:
        return _refresh(_select(notebooks_dir, only), notebooks_dir, output_dir, children, log)


def _refresh(notebooks, notebooks_dir, output_dir, children, log):
    results = []
    for path in notebooks:
        result = Result(path.stem, path, output=output_dir / f"committed-{path.name}")
        log(f"refreshing {path} …", flush=True)
        started = time.perf_counter()
        try:
            result.error = _papermill(path, result.output, notebooks_dir, {}, children)
        except BaseException:  # interrupted: the notebook was stopped; drop its partial output
            _ignore_signals()
            result.output.unlink(missing_ok=True)
            raise
        result.seconds = time.perf_counter() - started
        results.append(result)
        if result.error:
            result.status = "failed"
            raise NotebookFailed(f"{path.stem} failed: {result.error}\npartial output: "
                                 f"{result.output}\n{path} was left as it was")
        result.status = "ok"
        write_atomically(path, without_run_metadata(result.output.read_text()))
        log(f"{path.stem}: ok in {result.seconds:.1f} s")
    return results


def without_run_metadata(text: str) -> str:
    """An executed notebook without what changes on every run and says nothing of its outputs:
    papermill's timings and paths, Jupyter's execution timestamps. Stored that way, a refresh
    changes only the cells whose outputs changed."""
    notebook = json.loads(text)
    notebook.get("metadata", {}).pop("papermill", None)
    for cell in notebook.get("cells", []):
        for key in ("papermill", "execution"):
            cell.get("metadata", {}).pop(key, None)
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _papermill(notebook: Path, output: Path, cwd: Path, parameters: dict, children) -> str:
    """Execute ``notebook`` in its own process (:mod:`aekit.report.notebook_process`, run as a
    script, so that process loads neither aekit nor Keras); return "" or the failing cell's
    error. No parameters: no injected cell. The process and its kernel keep their temporary files
    in a folder of their own, removed here however the run ended."""
    private = tempfile.mkdtemp(prefix="aekit-notebook-")
    command = [sys.executable, notebook_process.__file__, str(notebook), str(output), str(cwd),
               json.dumps(parameters), str(os.getpid()), private]
    try:
        code, stderr = children.run(command)
    finally:
        shutil.rmtree(private, ignore_errors=True)
    if code == 0 or children.stopped:
        return ""
    try:
        cells = json.loads(output.read_text())["cells"]
        for index, cell in enumerate(cells):
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    return f"{out['ename']}: {out['evalue']} (cell {index})"
    except (OSError, ValueError, KeyError):
        pass
    lines = [line for line in stderr.splitlines() if line.strip()]
    return lines[-1] if lines else f"the notebook's process exited with code {code}"


class _Children:
    """The notebook processes of one run; ``stop()`` ends them all, and no new one starts after."""

    def __init__(self):
        self._lock, self._running, self.stopped = threading.Lock(), set(), False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def run(self, command) -> tuple[int, str]:
        with self._lock:
            if self.stopped:
                return -1, ""
            # A session of its own: a terminal's Ctrl-C reaches only the runner, which stops it.
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                       text=True, start_new_session=True)
            self._running.add(process)
        try:
            _, stderr = process.communicate()
            return process.returncode, stderr
        except BaseException:  # interrupted while waiting: stop this and every other notebook
            self.stop()
            raise
        finally:
            with self._lock:
                self._running.discard(process)

    def stop(self, grace: float = 0.8) -> None:
        """SIGTERM every notebook process (each kills its kernel), SIGKILL what is left after ``grace``."""
        with self._lock:
            self.stopped, running = True, list(self._running)
        for process in running:
            process.terminate()
        deadline = time.monotonic() + grace
        for process in running:
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


@contextlib.contextmanager
def _locked(output_dir: Path):
    """Create ``output_dir`` and hold a lock on the folder itself (no lock file to leave behind):
    two runs must not write into one folder at once."""
    created = not output_dir.exists()
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        if not os.access(output_dir, os.W_OK):
            raise PermissionError(13, "permission denied")
        handle = os.open(output_dir, os.O_RDONLY)
    except (FileExistsError, NotADirectoryError):
        raise ReportError(f"--output {output_dir} is a file, not a folder") from None
    except OSError as error:
        raise ReportError(f"cannot write to --output {output_dir}: {error.strerror}") from None
    try:
        try:
            import fcntl  # POSIX only

            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:
            pass  # not POSIX: no lock
        except OSError:
            raise ReportError(f"another aekit report is writing to {output_dir}: wait for it to "
                              f"finish, or choose another --output") from None
        try:
            yield
        finally:
            if created and not any(output_dir.iterdir()):
                output_dir.rmdir()  # an interrupted first run leaves no empty folder behind
    finally:
        os.close(handle)


def _select(notebooks_dir: Path, only) -> list[Path]:
    notebooks = sorted(notebooks_dir.glob("*.ipynb"))
    if not notebooks:
        raise ReportError(f"no notebooks in {notebooks_dir}/: run from the repository root "
                          f"or pass --notebooks DIR")
    if not only:
        return notebooks
    chosen = [p for p in notebooks if any(p.stem == o or p.stem.startswith(f"{o}_") for o in only)]
    unknown = [o for o in only if not any(p.stem == o or p.stem.startswith(f"{o}_") for p in notebooks)]
    if unknown:
        raise ReportError(f"--only {unknown[0]!r} names no notebook; choose from "
                          f"{', '.join(p.stem for p in notebooks)}")
    return chosen


def _plan_parameters(notebooks, overrides: dict, per_notebook: dict, quick: bool) -> dict[str, dict]:
    """Per notebook: the QUICK values it declares (if ``quick``), the overrides it declares, then
    its own file entries. A name the user gives that no notebook declares is an error."""
    import papermill  # the report's extra (aekit[report])

    declared = {p.stem: set(papermill.inspect_notebook(str(p))) for p in notebooks}
    known = set().union(*declared.values())
    if "figures_dir" in overrides or any("figures_dir" in v for v in per_notebook.values()):
        raise ReportError("figures_dir is chosen by the report (OUTPUT/NOTEBOOK/figures): "
                          "choose the folder with --output instead")
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise ReportError(f"unknown parameter {unknown[0]!r}: no notebook declares it "
                          f"(known: {', '.join(sorted(known))})")
    plan = {}
    for stem, names in declared.items():
        plan[stem] = {k: v for k, v in {**(QUICK if quick else {}), **overrides}.items() if k in names}
    for key, values in per_notebook.items():
        stems = [s for s in declared if s == key or s.startswith(f"{key}_")]
        if not stems:
            raise ReportError(f"parameters file names notebook {key!r}, which is not being run "
                              f"(running: {', '.join(declared)})")
        for stem in stems:
            extra = sorted(set(values) - declared[stem])
            if extra:
                raise ReportError(f"parameters file: {stem} declares no parameter {extra[0]!r} "
                                  f"(it declares: {', '.join(sorted(declared[stem]))})")
            plan[stem].update(values)
    return {stem: {k: _absolute(v) if k in DATA_PATHS else v for k, v in values.items()}
            for stem, values in plan.items()}


DATA_PATHS = ("data_source", "other_source")  # parameters that may name a path


def _absolute(source):
    """A data path given from here, made absolute: each notebook runs in its page's folder."""
    if not isinstance(source, str) or source in SOURCES or not Path(source).expanduser().exists():
        return source  # a keyword, or a path the notebook will reject with its own message
    return str(Path(source).expanduser().resolve())


def _read_record(notebook: Path) -> dict:
    """The record a notebook's Results displayed (empty if it displayed none)."""
    try:
        cells = json.loads(notebook.read_text())["cells"]
    except (OSError, ValueError, KeyError):
        return {}
    for cell in cells:
        for output in cell.get("outputs", []):
            if RESULTS_MIME in output.get("data", {}):
                return output["data"][RESULTS_MIME]
    return {}


def _summary(results: list[Result], output_dir: Path) -> str:
    width = max(len(r.name) for r in results)
    lines = [f"{'notebook':<{width}}  status   seconds  figures"]
    lines += [f"{r.name:<{width}}  {r.status:<7}  {r.seconds:7.1f}  {len(r.figures):7d}" for r in results]
    if all(r.status == "ok" for r in results):
        lines.append(f"report: {output_dir / 'index.html'}")
    return "\n".join(lines)