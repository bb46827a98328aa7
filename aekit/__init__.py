"""aekit: autoencoders and their variations on MNIST, Fashion-MNIST or your own images, with
latent editing, measured evidence and figures.

>>> import aekit
>>> data = aekit.load_mnist()                    # Keras's MNIST, else the embedded sample
>>> encoder, decoder, autoencoder = aekit.build_autoencoder()   # 784 → 64 → 2 → 64 → 784

The names below load their module (and TensorFlow) on first use, so tools that need none of
them, such as ``python -m aekit report``, start without paying for the TensorFlow import.
Keras still finds aekit's saved models: ``import aekit; keras.models.load_model("vae.keras")``.
"""

import importlib
import importlib.abc
import importlib.util
import sys

__version__ = "0.1.0"
_EXPORTS = {
    "aekit.data": ["DataError", "Dataset", "load_dataset", "load_fashion_mnist", "load_images", "load_mnist"],
    "aekit.latent": ["Adjustment", "adjust_latent", "decode", "encode", "scale_adjustments"],
    "aekit.models": ["Autoencoder", "build_autoencoder", "load_model"],
    "aekit.variations.vae": ["VAE", "Sampling", "build_vae", "kl_divergence"],
    "aekit.training": ["set_seed", "train"],
}
_HOME = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_HOME)


def __getattr__(name):
    if name in _HOME:
        value = getattr(importlib.import_module(_HOME[name]), name)
        globals()[name] = value  # later look-ups skip this function
        return value
    raise AttributeError(f"module 'aekit' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_HOME))


class _RegisterWithKeras(importlib.abc.MetaPathFinder):
    """Keras finds aekit's classes in a saved model (VAE, Sampling, …) only once their modules
    have registered them, and a variation cannot be imported while aekit.models is half-imported.
    This finder wraps the loading of Keras and of every aekit module: when the outermost of those
    imports finishes with Keras loaded, it registers every variation (once). A mere look-up, such
    as TensorFlow's own ``find_spec("keras")``, loads nothing and so registers nothing."""

    def __init__(self):
        self._looking, self._depth = False, 0

    def find_spec(self, name, path=None, target=None):
        if self._looking or not (name == "keras" or name.startswith("aekit.")):
            return None
        self._looking = True  # the look-up below passes through sys.meta_path, and so through here
        try:
            spec = importlib.util.find_spec(name)
        finally:
            self._looking = False
        if spec is None or spec.loader is None:
            return spec
        load = spec.loader.exec_module

        def load_then_register(module):
            self._depth += 1
            try:
                load(module)
            finally:
                self._depth -= 1
            if self._depth == 0 and "keras" in sys.modules:
                importlib.import_module("aekit.backend").register_variations()

        spec.loader.exec_module = load_then_register
        return spec


sys.meta_path.insert(0, _RegisterWithKeras())
if "keras" in sys.modules:
    importlib.import_module("aekit.backend")
