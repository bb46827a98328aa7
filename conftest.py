"""pytest set-up shared by the unit tests and the nbval notebook checks."""

import os

# Quiet TensorFlow's C++ start-up logs before any kernel or test imports it.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def pytest_collectstart(collector):
    """TensorFlow writes start-up lines to stderr from C++; nbval must not compare them."""
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr",)
