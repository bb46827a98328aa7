"""The layout of the package, read from its imports: layers that only point down, no cycle, no
import machinery, and imports inside functions only for optional dependencies."""

import ast
import re
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "aekit"
# From the bottom up. A module belongs to the last layer that names it or a package holding it.
LAYERS = [
    ("aekit._checks", "aekit._markdown", "aekit._version", "aekit._files"),
    ("aekit._keras",),
    ("aekit.models",),
    ("aekit.backend", "aekit.data", "aekit.results"),
    ("aekit.training", "aekit.latent", "aekit.measures", "aekit.colab"),
    ("aekit.likelihood", "aekit.editing"),
    ("aekit.plots",),
    ("aekit.variations", "aekit.anomaly", "aekit.generation"),
    ("aekit.params",),
    ("aekit.report",),
    ("aekit", "aekit.__main__"),
]
# Imported inside a function, and only there: a backend's own library (loaded only on that
# backend), the report's and the sample's extras, a notebook's IPython, and platform modules.
OPTIONAL = {"tensorflow", "jax", "keras.src", "papermill", "nbformat", "nbconvert", "jinja2", "latex2mathml",
            "yaml", "psutil", "mlxtend", "IPython", "ctypes", "fcntl"}


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


MODULES = modules()


def layer(module: str) -> int:
    best = None
    for index, names in enumerate(LAYERS):
        for name in names:
            if (module == name or module.startswith(name + ".")) and (best is None or len(name) >= best[1]):
                best = (index, len(name))
    assert best is not None, f"{module} is in no layer of tests/test_house.py: place it"
    return best[0]


def imports(path: Path):
    """Yield (imported aekit module, inside a function?, line) for every import in ``path``."""
    tree = ast.parse(path.read_text())
    nested = {id(node) for function in ast.walk(tree) if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
              for node in ast.walk(function) if isinstance(node, (ast.Import, ast.ImportFrom))}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in MODULES else node.module
                     for alias in node.names]
        else:
            continue
        for name in names:
            yield name, id(node) in nested, node.lineno


EDGES = {module: [(name, inside, line) for name, inside, line in imports(path)] for module, path in MODULES.items()}


@pytest.mark.parametrize("module", MODULES)
def test_no_module_imports_one_above_it(module):
    for name, _, line in EDGES[module]:
        if name not in MODULES or name == module:
            continue
        assert not module.startswith(name + "."), (
            f"{module}:{line} imports {name}, the package that holds it: import the module you need")
        assert layer(name) <= layer(module), (
            f"{module}:{line} imports {name}, a layer above it ({LAYERS[layer(name)]} over {LAYERS[layer(module)]})")


def test_the_imports_have_no_cycle():
    graph = {m: {n for n, _, _ in EDGES[m] if n in MODULES and n != m and not n.startswith(m + ".")} for m in MODULES}
    state, cycles = {}, []

    def visit(node, path):
        state[node] = "open"
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                cycles.append(path[path.index(target):] + [target])
            elif target not in state:
                visit(target, path + [target])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == [], f"import cycles: {cycles}"


@pytest.mark.parametrize("module", MODULES)
def test_imports_inside_functions_are_only_optional_dependencies(module):
    for name, inside, line in EDGES[module]:
        if inside:
            assert any(name == o or name.startswith(o + ".") for o in OPTIONAL), (
                f"{module}:{line} imports {name} inside a function: import it at the top (only optional "
                f"dependencies are imported where they are used)")


def test_no_import_machinery():
    for module, path in MODULES.items():
        text = path.read_text()
        assert not re.search(r"sys\.meta_path|sys\.path_hooks|importlib\.abc", text), module


def test_every_keras_class_lives_in_the_models_package():
    for module, path in MODULES.items():
        if re.search(r"^@keras\.saving\.register_keras_serializable", path.read_text(), re.M):
            assert module.startswith("aekit.models."), f"{module} defines a Keras class outside aekit.models"
