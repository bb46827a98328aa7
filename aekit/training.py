"""Seeding and the training path the notebooks use."""

from __future__ import annotations

import math
import random

import keras
import numpy as np
import tensorflow as tf

from aekit._checks import check_float, check_images, check_int
from aekit.models import VAE, input_width

_FINAL_LR_SHARE = 0.05
_STEPS_PER_EXECUTION = 32


def set_seed(seed: int) -> None:
    """Seed Python, NumPy and Keras, and make TensorFlow ops deterministic."""
    seed = check_int("seed", seed, 0, 2**31 - 1)
    random.seed(seed)
    np.random.seed(seed)
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()


def train(model: keras.Model, x_train, *, epochs: int = 20, batch_size: int = 64,
          learning_rate: float = 3e-3, x_val=None, verbose: int = 0) -> keras.callbacks.History:
    """Compile ``model`` and fit it to reconstruct ``x_train``; return the History.

    Adam with a cosine-decayed learning rate (to 5% of ``learning_rate`` at the last step),
    several steps per TensorFlow call to cut per-step overhead. An autoencoder minimises the
    mean squared error per pixel; a :class:`~aekit.models.VAE` its own ELBO losses.
    ``x_val`` adds validation curves.
    """
    epochs = check_int("epochs", epochs, 1, 100_000)
    batch_size = check_int("batch_size", batch_size, 1, 1_000_000)
    learning_rate = check_float("learning_rate", learning_rate, 0.0, 10.0, low_open=True)
    verbose = check_int("verbose", verbose, 0, 2)
    width = input_width(model)
    x_train = check_images("x_train", x_train, width)
    x_val = None if x_val is None else check_images("x_val", x_val, width)

    steps_per_epoch = math.ceil(len(x_train) / batch_size)
    schedule = keras.optimizers.schedules.CosineDecay(
        learning_rate, decay_steps=epochs * steps_per_epoch, alpha=_FINAL_LR_SHARE)
    variational = isinstance(model, VAE)
    model.compile(optimizer=keras.optimizers.Adam(schedule),
                  loss=None if variational else "mse",
                  steps_per_execution=min(steps_per_epoch, _STEPS_PER_EXECUTION))
    targets = None if variational else x_train
    validation = None if x_val is None else ((x_val,) if variational else (x_val, x_val))
    return model.fit(x_train, targets, epochs=epochs, batch_size=batch_size, shuffle=True,
                     validation_data=validation, verbose=verbose)
