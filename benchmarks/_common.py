"""What the benchmarks share: where ../shared keeps its data sets, the machine's name, and a
worker run in a Python process of its own (its own backend and peak memory, nothing shared)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def machine() -> str:
    """The CPU's name and its number of cores."""
    from aekit.report.index import cpu_name

    return f"{cpu_name()}, {os.cpu_count()} cores"


def run_worker(script: str, arguments: list[str], *, label: str, env: dict | None = None) -> dict:
    """Run ``script`` with ``arguments`` in a new process and return the JSON line it prints last;
    stop with the end of its stderr if it fails."""
    print(f"measuring {label} …", file=sys.stderr, flush=True)
    done = subprocess.run([sys.executable, script, *arguments], capture_output=True, text=True, env=env)
    if done.returncode:
        raise SystemExit(f"{label} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])
