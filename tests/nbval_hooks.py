"""pytest plugin for the strict nbval runs of tests/test_nbval.py.

stderr is left out of the comparison: what a library warns about differs between machines and
versions. The committed notebooks hold no stderr at all (tests/test_nbval.py checks that).
"""


def pytest_collectstart(collector):
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr",)
