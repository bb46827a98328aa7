"""Keras, imported once for the whole package: quietly, and only on a backend aekit runs on.

aekit trains on Keras's TensorFlow backend (the default) and its JAX backend. Any other backend
(``KERAS_BACKEND=torch``, ``numpy``, ``openvino``) is refused here, when aekit is first imported,
with the message the report gives, rather than failing later inside Keras.

On its backend, TensorFlow writes lines such as ``oneDNN custom operations are on`` and ``Could not
find cuda drivers`` to the process's stderr while it loads, before its own log level applies. A
notebook shows them as red error boxes, so Keras is imported with file descriptor 2 captured, and
every line that is not one of those known start-up messages is passed on.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import sys
import tempfile

from aekit._checks import describe

BACKENDS = ("tensorflow", "jax")  # the Keras backends aekit runs on; the first is the default

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

_CHATTER = re.compile(r"All log messages before absl::InitializeLog|oneDNN custom operations are on|"
                      r"Could not find cuda drivers|cpu_feature_guard|This TensorFlow binary is optimized|"
                      r"To enable the following instructions|rebuild TensorFlow with the appropriate|"
                      r"failed call to cuInit|Unable to register cu(DNN|FFT|BLAS) factory|TF-TRT Warning|"
                      r"computation placer already registered|^\s*$")


class UnsupportedBackend(ImportError):
    """Keras is set to a backend aekit does not run on, or that is not installed."""


def backend_problem(backend: str, origin: str) -> str:
    """What is wrong with running aekit on ``backend`` (named by ``origin``), or "" if nothing."""
    if backend not in BACKENDS:
        return f"the Keras backend must be one of {', '.join(BACKENDS)}, got {backend!r} (from {origin})"
    if importlib.util.find_spec(backend) is None:
        return (f"the Keras backend {backend!r} (from {origin}) is not installed: pip install 'aekit[jax]'"
                if backend == "jax" else f"the Keras backend {backend!r} (from {origin}) is not installed")
    return ""


def _import_keras_quietly():
    if "keras" not in sys.modules:
        requested = os.environ.get("KERAS_BACKEND")
        problem = requested and backend_problem(requested, "KERAS_BACKEND")
        if problem:  # Keras would fail on it inside its own import, or load a backend we refuse
            raise UnsupportedBackend(f"aekit: {problem}")
        sys.stderr.flush()
        saved = os.dup(2)
        with tempfile.TemporaryFile() as captured:
            try:
                os.dup2(captured.fileno(), 2)
                importlib.import_module("keras")
            finally:
                os.dup2(saved, 2)
                os.close(saved)
                captured.seek(0)
                lines = captured.read().decode(errors="replace").splitlines()
        kept = [line for line in lines if not _CHATTER.search(line)]
        if kept:
            print("\n".join(kept), file=sys.stderr)
    keras = importlib.import_module("keras")
    name = keras.backend.backend()
    if name not in BACKENDS:  # imported before aekit, or chosen in ~/.keras/keras.json
        origin = "KERAS_BACKEND" if os.environ.get("KERAS_BACKEND") else "Keras's configuration"
        raise UnsupportedBackend(f"aekit: {backend_problem(name, origin)}")
    return keras


keras = _import_keras_quietly()


def check_model(name: str, value):
    """Return ``value`` if it is a Keras model; otherwise say what was passed."""
    if not isinstance(value, keras.Model):
        raise ValueError(f"{name} must be a Keras model (such as the encoder, decoder or model that "
                         f"aekit.build_autoencoder returns), got {describe(value)}")
    return value
