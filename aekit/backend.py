"""Keras, imported once for the whole package, without TensorFlow's C++ start-up chatter.

TensorFlow writes lines such as ``oneDNN custom operations are on`` and ``Could not find cuda
drivers`` to the process's stderr while it loads, before its own log level applies. A notebook
shows them as red error boxes, so aekit imports Keras with file descriptor 2 pointed at
/dev/null; Python-level errors still surface as exceptions.
"""

import os
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def _import_keras_quietly():
    if "keras" in sys.modules:
        import keras
        return keras
    sys.stderr.flush()
    saved, null = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 2)
        import keras
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)
    return keras


keras = _import_keras_quietly()

# Register aekit's Keras classes (the models of every variation) as soon as Keras is in: saved
# models then load. They take `keras` from this module, set above.
import aekit.variations  # noqa: E402

aekit.variations.load_all()
