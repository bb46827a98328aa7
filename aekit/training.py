"""Seeding and the training path the notebooks use."""

from __future__ import annotations

import random

import keras
import numpy as np
import tensorflow as tf

from aekit._checks import check_float, check_images, check_int
from aekit.models import VAE, input_width


def set_seed(seed: int) -> None:
    """Seed Python, NumPy and Keras, and make TensorFlow ops deterministic."""
    seed = check_int("seed", seed, 0, 2**31 - 1)
    random.seed(seed)
    np.random.seed(seed)
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()


def train(model: keras.Model, x_train, *, epochs: int = 20, batch_size: int = 128,
          learning_rate: float = 1e-3, x_val=None, verbose: int = 0) -> keras.callbacks.History:
    """Compile ``model`` with Adam and fit it to reconstruct ``x_train``; return the History.

    An autoencoder is trained on binary cross-entropy (its history also reports MSE); a
    :class:`~aekit.models.VAE` on its own ELBO losses. ``x_val`` adds validation curves.
    """
    epochs = check_int("epochs", epochs, 1, 100_000)
    batch_size = check_int("batch_size", batch_size, 1, 1_000_000)
    learning_rate = check_float("learning_rate", learning_rate, 0.0, 10.0, low_open=True)
    verbose = check_int("verbose", verbose, 0, 2)
    width = input_width(model)
    x_train = check_images("x_train", x_train, width)
    x_val = None if x_val is None else check_images("x_val", x_val, width)

    optimizer = keras.optimizers.Adam(learning_rate)
    if isinstance(model, VAE):
        model.compile(optimizer=optimizer)
        targets = None
    else:
        model.compile(optimizer=optimizer, loss="binary_crossentropy", metrics=["mse"])
        targets = x_train
    validation = None if x_val is None else ((x_val,) if targets is None else (x_val, x_val))
    return model.fit(x_train, targets, epochs=epochs, batch_size=batch_size, shuffle=True,
                     validation_data=validation, verbose=verbose)
