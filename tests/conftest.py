"""Shared fixtures; quiet TensorFlow before anything imports it."""

import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
T10K = ROOT.parent / "shared" / "data" / "mnist-t10k"


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
