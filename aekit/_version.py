"""aekit's version, in one place (pyproject.toml's is checked against it by a test)."""

__version__ = "0.1.0"
