"""Seeding and the training path the notebooks use."""

from __future__ import annotations

import math

import numpy as np

from aekit.backend import epoch_runner, keras, make_deterministic, seed_keras

from aekit._checks import check_float, check_images, check_int
from aekit.models import Autoencoder, model_widths

_FINAL_LR_SHARE = 0.05


def set_seed(seed: int) -> None:
    """Seed Python, NumPy and Keras, and make the backend's kernels deterministic."""
    seed = check_int("seed", seed, 0, 2**31 - 1)
    seed_keras(seed)
    make_deterministic()


def train(model: keras.Model, x_train, *, epochs: int = 40, batch_size: int = 16,
          learning_rate: float = 1e-2, x_val=None, verbose: int = 0,
          on_epoch_end=None) -> keras.callbacks.History:
    """Train ``model`` to reconstruct ``x_train``; return a Keras History of per-epoch losses.

    Adam with a cosine-decayed learning rate (to 5% of ``learning_rate`` at the last step). The
    model minimises the loss it states itself (:meth:`~aekit.models.Autoencoder.losses_for`: the
    mean squared error per pixel for the plain autoencoder, the ELBO for a VAE, …) and the
    history holds each of its ``loss_names`` per epoch. ``x_val`` adds ``val_`` curves;
    ``on_epoch_end(epoch, logs)``, if given, is called after each epoch, as a Keras callback is.

    The data stay on the device and each epoch is one compiled call of the Keras backend
    (TensorFlow or JAX; see :func:`aekit.backend.epoch_runner`): shuffle, batches, gradient
    steps. For a model this small, Keras ``fit``'s per-step overhead costs more than the
    arithmetic (see benchmarks/). The model is compiled as usual, so ``evaluate``,
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
    x_train = check_images("x_train", x_train, width)
    x_val = None if x_val is None else check_images("x_val", x_val, width)

    steps = math.ceil(len(x_train) / batch_size)
    schedule = keras.optimizers.schedules.CosineDecay(
        learning_rate, decay_steps=epochs * steps, alpha=_FINAL_LR_SHARE)
    shuffle_seed = int(np.random.randint(2**31 - 1))  # fixed by set_seed, so runs repeat
    run_epoch, evaluate = epoch_runner(model, x_train, x_val, batch_size, shuffle_seed, schedule)

    names = model.loss_names
    history = keras.callbacks.History()
    history.set_model(model)
    history.history, history.epoch = {}, []
    for epoch in range(epochs):
        record = dict(zip(names, run_epoch(epoch)))
        if evaluate is not None:
            record.update({f"val_{name}": value for name, value in zip(names, evaluate())})
        for name, value in record.items():
            history.history.setdefault(name, []).append(value)
        history.epoch.append(epoch)
        if verbose:
            print(f"epoch {epoch + 1}/{epochs}: "
                  + ", ".join(f"{name} {value:.4g}" for name, value in record.items()))
        if on_epoch_end is not None:
            on_epoch_end(epoch, {name: values[-1] for name, values in history.history.items()})
    return history
