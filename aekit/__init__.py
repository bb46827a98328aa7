"""aekit: a fully connected autoencoder and a VAE on MNIST, with latent editing and figures.

>>> import aekit
>>> data = aekit.load_mnist()                    # Keras's MNIST, else the embedded sample
>>> encoder, decoder, autoencoder = aekit.build_autoencoder()   # 784 → 64 → 2 → 64 → 784

The names below load their module (and TensorFlow) on first use, so tools that need none of
them, such as ``python -m aekit report``, start without paying for the TensorFlow import.
"""

import importlib

__version__ = "0.1.0"
_EXPORTS = {
    "aekit.data": ["MNIST", "MNISTError", "load_mnist"],
    "aekit.latent": ["Adjustment", "adjust_latent", "decode", "encode", "scale_adjustments"],
    "aekit.models": ["VAE", "Sampling", "build_autoencoder", "build_vae", "kl_divergence"],
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
