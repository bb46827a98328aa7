"""Keras, imported once for the whole package, without TensorFlow's C++ start-up chatter.

TensorFlow writes lines such as ``oneDNN custom operations are on`` and ``Could not find cuda
drivers`` to the process's stderr while it loads, before its own log level applies. A notebook
shows them as red error boxes, so aekit imports Keras with file descriptor 2 captured, then
passes on every line that is not one of those known start-up messages. Once Keras is in, it
registers every variation's classes with it, so saved models load.
"""

import os
import re
import sys
import tempfile
import warnings

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

_CHATTER = re.compile(r"All log messages before absl::InitializeLog|oneDNN custom operations are on|"
                      r"Could not find cuda drivers|cpu_feature_guard|This TensorFlow binary is optimized|"
                      r"To enable the following instructions|rebuild TensorFlow with the appropriate|"
                      r"failed call to cuInit|Unable to register cu(DNN|FFT|BLAS) factory|TF-TRT Warning|"
                      r"computation placer already registered|^\s*$")


def _import_keras_quietly():
    if "keras" in sys.modules:
        import keras
        return keras
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        try:
            os.dup2(captured.fileno(), 2)
            import keras
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            lines = captured.read().decode(errors="replace").splitlines()
    kept = [line for line in lines if not _CHATTER.search(line)]
    if kept:
        print("\n".join(kept), file=sys.stderr)
    return keras


keras = _import_keras_quietly()


def register_variations() -> None:
    """Import every variation so Keras knows their classes (a broken one is reported, not fatal).

    aekit's import hook (in ``aekit/__init__.py``) calls this once no aekit module is half-imported."""
    global _registered
    if _registered:
        return
    _registered = True
    import aekit.variations  # it takes `keras` from this module, set above

    for name in aekit.variations.names():
        try:
            aekit.variations.get(name)
        except Exception as error:  # a variation with a bug must not break every import of Keras
            warnings.warn(f"aekit could not load the variation {name!r}: {error}", stacklevel=2)


_registered = False
