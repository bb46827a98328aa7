"""One notebook, executed by papermill in a process of its own, as ``aekit report`` runs each one.

    python aekit/report/notebook_process.py NOTEBOOK OUTPUT CWD PARAMETERS_JSON RUNNER_PID TEMP_DIR

Run as a script, not as a module of aekit, so this process imports neither aekit nor Keras (the
kernel does); a process of its own because papermill's ``cwd`` changes the working directory of
the whole process. It dies with the runner, even one killed with SIGKILL (Linux: the parent-death
signal), and on SIGTERM it stops its kernel and exits at once. Every temporary file of this
process and of its kernel (the kernel's connection file, TensorFlow's AutoGraph modules) goes to
TEMP_DIR, a folder the runner made for this notebook and removes however the run ends.
"""

import json
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path

try:  # loaded now, not in the SIGTERM handler: on a busy machine an import there took seconds
    import psutil
except ImportError:
    psutil = None  # the kernel's own parent poller then ends it within a second

# This file's folder, which Python puts first on sys.path, holds aekit's report modules: keep
# their names (pages, index, cli, runner) from shadowing anything papermill imports.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).resolve().parent]


def main(argv: list[str]) -> int:
    global _private
    notebook, output, cwd, parameters, parent, _private = argv
    _die_with(int(parent))
    signal.signal(signal.SIGTERM, _stop)
    os.environ["TMPDIR"] = tempfile.tempdir = _private  # the kernel inherits it
    try:
        return _execute(notebook, output, cwd, json.loads(parameters))
    finally:
        shutil.rmtree(_private, ignore_errors=True)


def _execute(notebook, output, cwd, parameters) -> int:
    import papermill  # after TMPDIR is set: nothing it loads has made a temporary file elsewhere

    try:
        papermill.execute_notebook(notebook, output, cwd=cwd, parameters=parameters,
                                   progress_bar=False, log_output=False)
    except papermill.PapermillExecutionError as error:
        print(f"{error.ename}: {error.evalue}", file=sys.stderr)
        return 1
    return 0


_private = None


def _die_with(parent: int) -> None:
    """Get SIGTERM when the runner dies (Linux's PR_SET_PDEATHSIG), however it dies."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: the runner stops its children itself on SIGTERM and Ctrl-C
    if os.getppid() != parent:  # the runner died before the signal was armed
        _stop()


def _stop(*_) -> None:
    """Kill the kernel (and anything else this process started), then exit at once."""
    if psutil is not None:
        for child in psutil.Process().children(recursive=True):
            try:
                child.kill()
            except psutil.Error:
                pass  # already gone
    if _private is not None:
        shutil.rmtree(_private, ignore_errors=True)
    os._exit(128 + signal.SIGTERM)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
