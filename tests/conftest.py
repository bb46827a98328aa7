"""Shared fixtures; quiet TensorFlow before anything imports it."""

import contextlib
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
T10K = ROOT.parent / "shared" / "data" / "mnist-t10k"
FASHION = ROOT.parent / "shared" / "data" / "fashion-mnist"
if FASHION.is_dir():  # offline, the notebooks (and their kernels) find Fashion-MNIST here
    os.environ.setdefault("AEKIT_FASHION_MNIST", str(FASHION))


@pytest.fixture(scope="session")
def sample():
    """The embedded 5,000-digit sample, loaded once."""
    import aekit

    return aekit.load_mnist("sample")


@pytest.fixture(scope="session")
def t10k():
    """The official 10,000 MNIST test digits beside the checkout (skipped where absent)."""
    if not T10K.is_dir():
        pytest.skip(f"official MNIST test set not found at {T10K}")
    import aekit

    return aekit.load_mnist(T10K)


@pytest.fixture(scope="session")
def fashion():
    """The full Fashion-MNIST (60,000 + 10,000) beside the checkout (skipped where absent)."""
    if not FASHION.is_dir():
        pytest.skip(f"Fashion-MNIST not found at {FASHION}")
    import aekit

    return aekit.load_fashion_mnist(FASHION)


@pytest.fixture
def fashion_offline(monkeypatch, tmp_path):
    """Fashion-MNIST as a machine without internet or a local copy has it: Keras cannot download
    it, AEKIT_FASHION_MNIST is unset and Debian's package is absent."""
    from aekit import data as data_module

    def offline():
        raise OSError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr("keras.datasets.fashion_mnist.load_data", offline)
    monkeypatch.delenv("AEKIT_FASHION_MNIST", raising=False)
    monkeypatch.setattr(data_module, "DEBIAN_FASHION_MNIST", tmp_path / "absent")
    return monkeypatch


def write_images(folder, sizes, *, classes=("cats", "dogs"), colour=True, seed=0):
    """Write PNG and JPEG files of the given (width, height) sizes into one subfolder per class:
    a coloured disc on a background, its hue depending on the class."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    for i, (width, height) in enumerate(sizes):
        label = i % len(classes) if classes else 0
        yy, xx = np.mgrid[:height, :width]
        disc = (xx - width / 2) ** 2 + (yy - height / 2) ** 2 < (min(width, height) * rng.uniform(0.2, 0.4)) ** 2
        pixels = np.empty((height, width, 3), np.uint8)
        pixels[:] = rng.integers(0, 80, 3) if colour else rng.integers(0, 80)
        pixels[disc] = (200, 60 + (120 * label) % 190, 40) if colour else (200, 200, 200)
        target = folder / classes[label] if classes else folder
        target.mkdir(parents=True, exist_ok=True)
        Image.fromarray(pixels).save(target / f"image{i:03d}.{'png' if i % 3 else 'jpg'}")
    return folder


@contextlib.contextmanager
def locked(path: Path):
    """Hold an exclusive lock on ``path`` (created if need be), shared by every xdist worker."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def shared(tmp_path_factory, worker_id):
    """A folder this session's xdist workers share (pytest-xdist's recipe for fixtures that must
    run once per session): what one worker made there, another reuses."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if worker_id != "master" else base


@pytest.fixture(scope="session")
def checkout(shared):
    """A copy of the repository as it stands (tracked files, with their changes), committed in a
    fresh git repository, so a test can run the README's commands there and ask `git status`.
    Made once per session, whichever worker asks first; commands run there one at a time."""
    import shutil
    import subprocess

    copy = shared / "checkout" / "aekit"
    with locked(shared / "checkout.lock"):
        if not (copy / ".git").is_dir():
            listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
            for name in filter(None, listed.stdout.decode().split("\0")):
                if (ROOT / name).is_file():
                    (copy / name).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(ROOT / name, copy / name)
            git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.org"]
            for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "copy"]):
                subprocess.run(git + command, cwd=copy, check=True)
    return copy


@pytest.fixture(scope="session")
def in_checkout(shared):
    """A context manager that holds the checkout for one command at a time, across workers."""
    return lambda: locked(shared / "commands.lock")


@pytest.fixture(scope="session")
def run_in_checkout(checkout, shared, in_checkout):
    """Run a shell command in the checkout once per session, whichever worker asks first
    (`.venv/bin/` standing for this environment, ``env`` added to it); return (exit code, output,
    git status before, git status after)."""
    import hashlib
    import json
    import subprocess
    import sys

    def run(command, env=None):
        key = hashlib.sha1(json.dumps([command, sorted((env or {}).items())]).encode()).hexdigest()
        done = shared / "commands" / f"{key}.json"
        with in_checkout():
            if not done.is_file():
                before = git_status(checkout)
                environment = {k: v for k, v in {**os.environ, **(env or {})}.items() if v is not None}
                result = subprocess.run(
                    ["bash", "-c", command.replace(".venv/bin/", f"{Path(sys.executable).parent}/")],
                    cwd=checkout, capture_output=True, text=True, timeout=1200, env=environment)
                done.parent.mkdir(parents=True, exist_ok=True)
                done.write_text(json.dumps([result.returncode, result.stdout + result.stderr, before,
                                            git_status(checkout)]))
        return tuple(json.loads(done.read_text()))

    return run


DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
INSTALL = "python3 -m venv .venv && .venv/bin/pip install -q -r requirements.txt -e . && "


def documented(language: str) -> list[str]:
    """The commands of the README and the docs (bash: one per line, continuations joined), or
    their Python examples."""
    import re

    blocks = [found for path in DOCS for found in re.findall(r"^```(bash|python)\n(.*?)^```", path.read_text(),
                                                             flags=re.S | re.M)]
    if language == "python":
        return [body for kind, body in blocks if kind == "python"]
    lines = "\n".join(re.sub(r"\\\n\s*", "", body) for kind, body in blocks if kind == "bash")
    return [line.strip() for line in lines.splitlines()
            if line.strip() and not line.strip().startswith("#")]


MAIN = next(c for c in documented("bash") if c.startswith(INSTALL) and c.endswith("-m aekit report"))[len(INSTALL):]
QUICK = next(c for c in documented("bash") if "aekit report --quick" in c)
# "Another CPU": oneDNN's fused kernels off change the last bits of every float here, as another
# CPU would. The main command runs that way; `pytest --nbval notebooks/` (docs/CONTRIBUTING.md)
# runs as this CPU computes. Each notebook is executed at its defaults once per setting.
ANOTHER_CPU = {"TF_ENABLE_ONEDNN_OPTS": "0"}
# A machine without internet or a copy of Fashion-MNIST, as a student's laptop on a train.
OFFLINE = {"AEKIT_FASHION_MNIST": None, "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9",
           "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"}


@pytest.fixture(scope="session")
def main_report(checkout, run_in_checkout):
    """The README's main command, once per session, in the checkout: every notebook at its
    defaults (as another CPU computes them); returns (result, the report's folder)."""
    return run_in_checkout(MAIN, ANOTHER_CPU), checkout / "build" / "report"


@pytest.fixture(scope="session")
def quick_report(checkout, run_in_checkout):
    """The docs' quick report, once per session, in the checkout, offline without Fashion-MNIST;
    returns (result, the report's folder)."""
    return run_in_checkout(QUICK, OFFLINE), checkout / QUICK.split("--output ")[1].split()[0]


def git_status(folder) -> str:
    import subprocess

    return subprocess.run(["git", "status", "--porcelain"], cwd=folder, capture_output=True,
                          text=True, check=True).stdout
