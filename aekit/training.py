"""Seeding and the training path the notebooks use."""

from __future__ import annotations

import math
import random

from aekit.backend import keras
import numpy as np
import tensorflow as tf

from aekit._checks import check_float, check_images, check_int
from aekit.models import Autoencoder, model_widths

_FINAL_LR_SHARE = 0.05


def set_seed(seed: int) -> None:
    """Seed Python, NumPy and Keras, and make TensorFlow ops deterministic."""
    seed = check_int("seed", seed, 0, 2**31 - 1)
    random.seed(seed)
    np.random.seed(seed)
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()


def train(model: keras.Model, x_train, *, epochs: int = 40, batch_size: int = 16,
          learning_rate: float = 1e-2, x_val=None, verbose: int = 0,
          on_epoch_end=None) -> keras.callbacks.History:
    """Train ``model`` to reconstruct ``x_train``; return a Keras History of per-epoch losses.

    Adam with a cosine-decayed learning rate (to 5% of ``learning_rate`` at the last step). The
    model minimises the loss it states itself (:meth:`~aekit.models.Autoencoder.losses_for`: the
    mean squared error per pixel for the plain autoencoder, the ELBO for a VAE, …) and the
    history holds each of its ``loss_names`` per epoch. ``x_val`` adds ``val_`` curves;
    ``on_epoch_end(epoch, logs)``, if given, is called after each epoch, as a Keras callback is.

    The data stay on the device and each epoch is one TensorFlow call (shuffle, batches,
    gradient steps): for a model this small, Keras ``fit``'s per-step overhead costs more than
    the arithmetic (see benchmarks/). The model is compiled as usual, so ``evaluate``,
    ``predict``, ``save`` and further ``fit`` calls work afterwards.
    """
    epochs = check_int("epochs", epochs, 1, 100_000)
    batch_size = check_int("batch_size", batch_size, 1, 1_000_000)
    learning_rate = check_float("learning_rate", learning_rate, 0.0, 10.0, low_open=True)
    verbose = check_int("verbose", verbose, 0, 1)
    if on_epoch_end is not None and not callable(on_epoch_end):
        raise ValueError(f"on_epoch_end must be callable(epoch, logs), got {on_epoch_end!r}")
    width, width_out = model_widths("model", model)
    if width_out != width:
        raise ValueError(f"model must reconstruct its input (an autoencoder or a VAE), but "
                         f"{model.name!r} maps {width} features to {width_out}: is it the encoder "
                         f"or the decoder? Pass the third model aekit.build_autoencoder returns")
    if not isinstance(model, Autoencoder):
        raise ValueError(f"model must be an aekit model that states its loss (aekit.build_autoencoder, "
                         f"build_vae or a variation from aekit.variations), got the "
                         f"{type(model).__name__} {model.name!r}")
    x_train = tf.constant(check_images("x_train", x_train, width))
    x_val = None if x_val is None else tf.constant(check_images("x_val", x_val, width))

    steps = math.ceil(len(x_train) / batch_size)
    schedule = keras.optimizers.schedules.CosineDecay(
        learning_rate, decay_steps=epochs * steps, alpha=_FINAL_LR_SHARE)
    model.compile(optimizer=keras.optimizers.Adam(schedule))
    model.optimizer.build(model.trainable_variables)
    names, losses = model.loss_names, model.losses_for
    run_epoch = _epoch_function(model, losses, len(names), len(x_train), batch_size)
    evaluate = tf.function(lambda x: losses(x, training=False))

    shuffle_seed = int(np.random.randint(2**31 - 1))  # fixed by set_seed, so runs repeat
    history = keras.callbacks.History()
    history.set_model(model)
    history.history, history.epoch = {}, []
    for epoch in range(epochs):
        record = dict(zip(names, run_epoch(x_train, tf.constant([shuffle_seed, epoch]))))
        if x_val is not None:
            record.update({f"val_{name}": value for name, value in zip(names, evaluate(x_val))})
        for name, value in record.items():
            history.history.setdefault(name, []).append(float(value))
        history.epoch.append(epoch)
        if verbose:
            print(f"epoch {epoch + 1}/{epochs}: "
                  + ", ".join(f"{name} {float(value):.4g}" for name, value in record.items()))
        if on_epoch_end is not None:
            on_epoch_end(epoch, {name: values[-1] for name, values in history.history.items()})
    return history


def _epoch_function(model, losses, n_losses: int, n: int, batch_size: int):
    """One compiled epoch: shuffle on the device, then a gradient step per batch; the last,
    smaller batch is kept, as Keras does. Returns the mean of each loss over the steps."""
    steps = math.ceil(n / batch_size)
    variables = model.trainable_variables

    @tf.function
    def run_epoch(x, seed):
        order = tf.random.experimental.stateless_shuffle(tf.range(n), seed=seed)
        totals = [tf.constant(0.0)] * n_losses
        for step in tf.range(steps):
            batch = tf.gather(x, order[step * batch_size:(step + 1) * batch_size])
            with tf.GradientTape() as tape:
                values = losses(batch, training=True)
            model.optimizer.apply(tape.gradient(values[0], variables), variables)
            totals = [total + value for total, value in zip(totals, values)]
        return [t / steps for t in totals]

    return run_epoch
