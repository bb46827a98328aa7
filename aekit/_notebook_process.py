"""One notebook, executed by papermill in a process of its own, as ``aekit report`` runs each one.

    python -m aekit._notebook_process NOTEBOOK OUTPUT CWD PARAMETERS_JSON RUNNER_PID

A process of its own because papermill's ``cwd`` changes the working directory of the whole
process. It dies with the runner, even one killed with SIGKILL (Linux: the parent-death signal),
and on SIGTERM it stops its kernel and removes its temporary files before it exits, so no kernel
and no file outlives an interrupted report.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import tempfile


def main(argv: list[str]) -> int:
    global _private
    notebook, output, cwd, parameters, parent = argv
    _die_with(int(parent))
    signal.signal(signal.SIGTERM, _stop)
    # This process's temporary files (the kernel's connection file among them) go to a folder of
    # its own, removed however the process ends: a stopped kernel never removes its file itself.
    _private = tempfile.tempdir = tempfile.mkdtemp(prefix="aekit-notebook-")
    try:
        import papermill

        papermill.execute_notebook(notebook, output, cwd=cwd, parameters=json.loads(parameters),
                                   progress_bar=False, log_output=False)
    except papermill.PapermillExecutionError as error:
        print(f"{error.ename}: {error.evalue}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(_private, ignore_errors=True)
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
    try:
        import psutil
    except ImportError:
        psutil = None  # the kernel's own parent poller then ends it within a second
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
