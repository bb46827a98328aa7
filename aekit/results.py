"""A notebook's closing table of key results, and the record ``aekit report`` reads back for its index."""

from __future__ import annotations

import platform
import sys

from aekit._markdown import markdown_table
from aekit._version import __version__

RESULTS_MIME = "application/vnd.aekit.results+json"


class Results:
    """A notebook's key results: a table for its reader, and the record (data source, parameters,
    results, versions) that ``aekit report`` reads back from the executed notebook for its index.

    ``results`` maps a description to its value as the notebook formats it; ``data`` is the
    loaded data set (its ``source`` and ``note`` say what was used); ``parameters`` the
    notebook's checked parameters; ``compared``, for Q1, what the index puts side by side for
    each variation (:meth:`aekit.variations.Evidence.compared`); ``missing``, what the run could
    not do for want of data (Q3 without the other data set), so that the report does not replace
    figures that show it with figures that do not.
    """

    def __init__(self, results: dict, *, data, parameters, compared: dict | None = None, missing: str = ""):
        if not isinstance(results, dict) or not results:
            raise ValueError("results must be a non-empty dict of {description: value}")
        # Lists of pairs, not dicts: Jupyter's messages sort the keys of a dict.
        self.record = {"data": data.source + (f" ({data.note})" if getattr(data, "note", "") else ""),
                       "source": data.source,  # without the note: the same on every machine
                       "parameters": [[k, v] for k, v in vars(parameters).items() if not k.startswith("_")],
                       "results": [[str(k), str(v)] for k, v in results.items()],
                       "compared": [[str(k), str(v)] for k, v in (compared or {}).items()],
                       "train_images": len(data.x_train), "missing": str(missing),
                       "versions": versions()}

    def _repr_mimebundle_(self, include=None, exclude=None):
        rows = self.record["results"]
        listed = ", ".join(f"{k} {v}" for k, v in self.record["versions"])
        return {"text/markdown": markdown_table(["result of this run", "value"], rows)
                + f"\n\nData: {self.record['data']}. Versions: {listed}.",
                "text/plain": "\n".join(f"{k}: {v}" for k, v in rows),
                RESULTS_MIME: self.record}


def versions() -> list:
    """aekit's, Python's and NumPy's versions, Keras's and its backend's, as [name, version] pairs
    (TensorFlow loads JAX where it is installed, so what is loaded is not what runs)."""
    found = [["aekit", __version__], ["Python", platform.python_version()]]
    keras = sys.modules.get("keras")
    backend = keras.backend.backend() if keras is not None else None
    for name, label in (("numpy", "NumPy"), ("keras", "Keras"), ("tensorflow", "TensorFlow"), ("jax", "JAX")):
        if name in sys.modules and (name in ("numpy", "keras") or name == backend):
            found.append([label, getattr(sys.modules[name], "__version__", "?")])
    return found
