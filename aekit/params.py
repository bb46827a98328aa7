"""Validation of the notebooks' parameters, so a papermill run fails fast with a clear message."""

from __future__ import annotations

from pathlib import Path

from aekit._checks import check_float, check_int
from aekit.data import SOURCES


def check_q2_parameters(*, epochs, batch_size, learning_rate, hidden_units, latent_dim,
                        adjust_dims, factors, image_index, seed, data_source, figures_dir) -> None:
    """Raise a ValueError naming the first bad parameter of the Q2 (autoencoder) notebook."""
    _check_training(epochs, batch_size, learning_rate, hidden_units, latent_dim, seed)
    if not isinstance(adjust_dims, (list, tuple)) or not adjust_dims:
        raise ValueError(f"adjust_dims must be a non-empty list of latent elements, got {adjust_dims!r}")
    for dim in adjust_dims:
        check_int("adjust_dims", dim, 0, latent_dim - 1)
    if not isinstance(factors, (list, tuple)) or not factors:
        raise ValueError(f"factors must be a non-empty list of numbers, got {factors!r}")
    for factor in factors:
        check_float("factors", factor, -1000.0, 1000.0)
    check_int("image_index", image_index, 0)
    check_data_source(data_source)
    check_figures_dir(figures_dir)


def check_q1_parameters(*, epochs, batch_size, learning_rate, hidden_units, latent_dim, beta,
                        prior_samples, seed, data_source, figures_dir) -> None:
    """Raise a ValueError naming the first bad parameter of the Q1 (VAE) notebook."""
    _check_training(epochs, batch_size, learning_rate, hidden_units, latent_dim, seed)
    check_float("beta", beta, 0.0, 1000.0, low_open=True)
    check_int("prior_samples", prior_samples, 10, 100_000)
    check_data_source(data_source)
    check_figures_dir(figures_dir)


def check_data_source(value) -> str:
    """A data source is one of aekit.data.SOURCES or an existing path."""
    if not isinstance(value, str) or (value not in SOURCES and not Path(value).expanduser().exists()):
        raise ValueError(f"data_source must be one of {', '.join(map(repr, SOURCES))} or the path "
                         f"of an existing mnist.npz or IDX folder, got {value!r}")
    return value


def check_figures_dir(value) -> Path:
    """Figures go to a folder that exists or can be created (not to an existing file)."""
    if not isinstance(value, str) or not value or Path(value).is_file():
        raise ValueError(f"figures_dir must be the path of a folder, got {value!r}")
    return Path(value)


def _check_training(epochs, batch_size, learning_rate, hidden_units, latent_dim, seed):
    check_int("epochs", epochs, 1, 10_000)
    check_int("batch_size", batch_size, 1, 100_000)
    check_float("learning_rate", learning_rate, 0.0, 1.0, low_open=True)
    check_int("hidden_units", hidden_units, 1, 4096)
    check_int("latent_dim", latent_dim, 1, 64)
    check_int("seed", seed, 0, 2**31 - 1)


def check_image_index(image_index, n_images: int) -> int:
    """The index of a test image must exist in the loaded data."""
    return check_int("image_index", image_index, 0, n_images - 1)
