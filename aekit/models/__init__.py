"""Every Keras model of aekit, one module per model, each with the one config that states its
settings (defaults, valid ranges, meaning).

This package is a leaf: it imports Keras (through :mod:`aekit._keras`) and :mod:`aekit._checks`,
nothing above them. Importing it imports every model module, so Keras knows every aekit class
(``@keras.saving.register_keras_serializable(package="aekit")``) and a saved model loads after a
plain ``import aekit``. A model module defines its classes and ``CONFIG``, its config class;
adding a model is adding a module.

>>> from aekit import models
>>> models.names()
['adversarial', 'autoencoder', 'beta_vae', 'classifier', 'conditional', 'conditional_gan', 'contractive',
 'convolutional', 'denoising', 'gan', 'sparse', 'vae']
>>> models.config("sparse")(latent_dim=16).build()   # a SparseAutoencoder, λ = 0.01
"""

from __future__ import annotations

import importlib
import pkgutil
import zipfile

from aekit._checks import check_path
from aekit._keras import keras
from aekit.models.autoencoder import AutoencoderConfig, build_autoencoder
from aekit.models.base import Autoencoder, Step, Trainable, input_width, model_widths
from aekit.models.config import ModelConfig
from aekit.models.vae import VAE, Sampling, build_vae, kl_divergence

_FOUNDATIONS = ("base", "config")  # modules that define no model
_CONFIGS = {module.CONFIG.name: module.CONFIG for module in (
    importlib.import_module(f"{__name__}.{info.name}") for info in pkgutil.iter_modules(__path__)
    if info.name not in _FOUNDATIONS and not info.name.startswith("_"))}


def names() -> list[str]:
    """The name of every model (its config's ``name``), sorted."""
    return sorted(_CONFIGS)


def config(name: str) -> type[ModelConfig]:
    """The config class of the model called ``name``."""
    if name not in _CONFIGS:
        raise ValueError(f"model must be one of {', '.join(map(repr, names()))}, got {name!r}")
    return _CONFIGS[name]


def load_model(path) -> keras.Model:
    """Load any model saved with ``model.save("name.keras")``; a missing, truncated or corrupt
    file gets an error that says so (Keras says "File not found" for a file that exists)."""
    path = check_path("path", path, suffix=".keras")
    if not path.is_file():
        raise ValueError(f"path {str(path)!r} does not exist or is not a file")
    try:
        with zipfile.ZipFile(path) as archive:
            broken = archive.testzip()
            names_inside = set(archive.namelist())
    except (zipfile.BadZipFile, OSError) as error:
        raise ValueError(f"{path} is not a readable .keras file (truncated or corrupt?): {error}") from None
    if broken is not None or "config.json" not in names_inside:
        raise ValueError(f"{path} is not a complete .keras file (truncated or corrupt?): "
                         + (f"{broken} is damaged" if broken else "it holds no config.json"))
    return keras.models.load_model(path)


__all__ = ["Autoencoder", "AutoencoderConfig", "ModelConfig", "Sampling", "Step", "Trainable", "VAE",
           "build_autoencoder", "build_vae", "config", "input_width", "kl_divergence", "load_model",
           "model_widths", "names"]
