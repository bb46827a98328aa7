"""Shared fixtures; quiet TensorFlow before anything imports it."""

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


@pytest.fixture(scope="session")
def checkout(tmp_path_factory):
    """A copy of the repository as it stands (tracked files, with their changes), committed in a
    fresh git repository, so a test can run the README's commands there and ask `git status`."""
    import shutil
    import subprocess

    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
    copy = tmp_path_factory.mktemp("checkout") / "aekit"
    for name in filter(None, listed.stdout.decode().split("\0")):
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.org"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "copy"]):
        subprocess.run(git + command, cwd=copy, check=True)
    return copy


@pytest.fixture(scope="session")
def run_in_checkout(checkout):
    """Run a shell command in the checkout once per session (`.venv/bin/` standing for this
    environment); return (exit code, output, git status before, git status after)."""
    import subprocess
    import sys

    done = {}

    def run(command):
        if command not in done:
            before = git_status(checkout)
            result = subprocess.run(["bash", "-c", command.replace(".venv/bin/", f"{Path(sys.executable).parent}/")],
                                    cwd=checkout, capture_output=True, text=True, timeout=900)
            done[command] = (result.returncode, result.stdout + result.stderr, before, git_status(checkout))
        return done[command]

    return run


def readme_commands(language: str) -> list[str]:
    """The README's commands (bash: one per line, continuations joined) or Python examples."""
    import re

    blocks = re.findall(r"^```(bash|python)\n(.*?)^```", (ROOT / "README.md").read_text(),
                        flags=re.S | re.M)
    if language == "python":
        return [body for kind, body in blocks if kind == "python"]
    lines = "\n".join(re.sub(r"\\\n\s*", "", body) for kind, body in blocks if kind == "bash")
    return [line.strip() for line in lines.splitlines()
            if line.strip() and not line.strip().startswith("#")]


def git_status(folder) -> str:
    import subprocess

    return subprocess.run(["git", "status", "--porcelain"], cwd=folder, capture_output=True,
                          text=True, check=True).stdout


def pytest_collection_modifyitems(items):
    """Tests that use the checkout share one worker under pytest-xdist, so the README's commands
    run once per session there."""
    for item in items:
        if {"checkout", "run_in_checkout"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.xdist_group("checkout"))
