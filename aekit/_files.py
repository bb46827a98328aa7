"""Writing a file so that a reader, or an interrupted run, never sees half of it.

The content goes to a hidden temporary file beside the target (``.NAME.PID.RANDOM.partial``),
which is then renamed over it. A run killed in between (SIGKILL) cannot remove its temporary
file; the next write of the same target removes every one whose process is gone.
"""

from __future__ import annotations

import glob
import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def write_atomically(path, content: bytes | str | Callable) -> Path:
    """Write ``content`` (bytes, text, or a function that writes to a binary stream) to ``path``
    through a temporary file and a rename, with the permissions the user's umask gives; the
    folder is created. Returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".partial",
                                         dir=path.parent)
    try:
        os.fchmod(handle, 0o666 & ~umask())  # mkstemp's 0600 would hide the file from other users
        with os.fdopen(handle, "wb") as stream:
            if callable(content):
                content(stream)
            else:
                stream.write(content.encode("utf-8") if isinstance(content, str) else content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def remove_abandoned(path: Path) -> list[Path]:
    """Remove the temporary files that writers of ``path`` left behind when they were killed
    (those whose process no longer runs); return them."""
    removed = []
    for stale in Path(path).parent.glob(f".{glob.escape(Path(path).name)}.*.partial"):
        pid = stale.name[len(Path(path).name) + 2:].split(".", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            stale.unlink(missing_ok=True)
            removed.append(stale)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def umask() -> int:
    """The process's umask, read without changing it (Linux), else read by setting it back at once."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    current = os.umask(0o022)
    os.umask(current)
    return current
