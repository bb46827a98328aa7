"""pytest's settings for the notebooks, wherever a command from the repository root collects them:
``pytest --nbval notebooks/`` (nbval re-executes each committed notebook and compares its outputs
with the stored ones) as well as the test suite.

- the notebook runs in this environment's kernel, with the volatile text that
  ``tests/nbval_sanitize.cfg`` lists (memory addresses, figure sizes) sanitised;
- stderr is left out of the comparison: what a library warns about differs between machines and
  versions (the committed notebooks hold no stderr at all; tests/test_nbval.py checks that);
- the cells of one notebook share one kernel, so under pytest-xdist they stay on one worker
  (``--dist loadscope`` in pyproject.toml: a notebook is one scope).
"""

from pathlib import Path

SANITIZE = Path(__file__).resolve().parent / "tests" / "nbval_sanitize.cfg"


def pytest_configure(config):
    """The tests' own folders (``tmp_path``) go to build/pytest, which git ignores, rather than to
    the temporary folder: a run leaves nothing there, and a `pytest` run inside a test (the docs'
    `pytest --nbval notebooks/` in a copy of the repository) prunes no other run's folders."""
    option = config.option
    if not option.basetemp:  # in a pytest-xdist worker it is the controller's, set already
        option.basetemp = str(Path(config.rootpath) / "build" / "pytest")
        Path(option.basetemp).mkdir(parents=True, exist_ok=True)
    if getattr(option, "nbval", False) or getattr(option, "nbval_lax", False):
        if option.nbval_sanitize_with is None:
            option.nbval_sanitize_with = str(SANITIZE)
        if not option.nbval_kernel_name:
            option.nbval_current_env = True


def pytest_collectstart(collector):
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr",)
