"""Seeding, and the one training path every aekit model takes: :func:`train`."""

from __future__ import annotations

import math

import numpy as np

from aekit._checks import check_float, check_images, check_int, check_labels
from aekit._keras import check_model, keras
from aekit.backend import epoch_runner, make_deterministic, seed_keras
from aekit.models import Trainable, model_widths

_FINAL_LR_SHARE = 0.05


def set_seed(seed: int) -> None:
    """Seed Python, NumPy and Keras, and make the backend's kernels deterministic."""
    seed = check_int("seed", seed, 0, 2**31 - 1)
    seed_keras(seed)
    make_deterministic()


def train(model: keras.Model, x_train, y_train=None, *, epochs: int = 40, batch_size: int = 16,
          learning_rate: float = 1e-2, x_val=None, y_val=None, verbose: int = 0,
          on_epoch_end=None) -> keras.callbacks.History:
    """Train ``model`` on ``x_train`` (and its labels ``y_train``, which a conditional model
    learns from and any other model ignores); return a Keras History of per-epoch losses.

    Adam with a cosine-decayed learning rate (to 5% of ``learning_rate`` at the last step). The
    model minimises the loss it states itself (:meth:`~aekit.models.Trainable.losses_for`: the
    mean squared error per pixel for the plain autoencoder, the ELBO for a VAE, …), or, with two
    players (a GAN), takes each player's own step with its own optimiser; the history holds each
    of its ``loss_names`` per epoch. ``x_val`` (and ``y_val``) add ``val_`` curves;
    ``on_epoch_end(epoch, logs)``, if given, is called after each epoch, as a Keras callback is.

    The data stay on the device and each epoch is one compiled call of the Keras backend
    (TensorFlow or JAX; see :func:`aekit.backend.epoch_runner`): shuffle, batches, gradient
    steps. For a model this small, Keras ``fit``'s per-step overhead costs more than the
    arithmetic (docs/performance.md). A model with one player is compiled as usual, so
    ``evaluate``, ``predict``, ``save`` and further ``fit`` calls work afterwards.
    """
    epochs = check_int("epochs", epochs, 1, 100_000)
    batch_size = check_int("batch_size", batch_size, 1, 1_000_000)
    learning_rate = check_float("learning_rate", learning_rate, 0.0, 10.0, low_open=True)
    verbose = check_int("verbose", verbose, 0, 1)
    if on_epoch_end is not None and not callable(on_epoch_end):
        raise ValueError(f"on_epoch_end must be callable(epoch, logs), got {on_epoch_end!r}")
    _check_trainable(model)
    data = _data("x_train", x_train, "y_train", y_train, model)
    validation = None if x_val is None else _data("x_val", x_val, "y_val", y_val, model)

    steps = math.ceil(len(data[0]) / batch_size)
    schedule = keras.optimizers.schedules.CosineDecay(
        learning_rate, decay_steps=epochs * steps, alpha=_FINAL_LR_SHARE)
    shuffle_seed = int(np.random.randint(2**31 - 1))  # fixed by set_seed, so runs repeat
    run_epoch, evaluate = epoch_runner(model, data, validation, batch_size, shuffle_seed, schedule)

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


def _check_trainable(model) -> None:
    """An aekit model that states how it trains; a Keras half of an autoencoder is named as such."""
    check_model("model", model)
    if isinstance(model, Trainable):
        return
    width, width_out = model_widths("model", model)
    if width_out != width:
        raise ValueError(f"model must reconstruct its input (an autoencoder or a VAE), but "
                         f"{model.name!r} maps {width} features to {width_out}: is it the encoder "
                         f"or the decoder? Pass the third model aekit.build_autoencoder returns")
    raise ValueError(f"model must be an aekit model that states its loss (aekit.build_autoencoder, "
                     f"build_vae or a model from aekit.models), got the {type(model).__name__} {model.name!r}")


def _data(x_name, images, y_name, labels, model) -> tuple:
    """``(images,)`` or ``(images, labels)`` as the model trains on them, checked. Labels given to
    a model that learns from the images alone must still be one per image; it does not use them
    (so one call trains any model on a labelled data set)."""
    images = check_images(x_name, images, model.data_width)
    if labels is None:
        if model.needs_labels:
            raise ValueError(f"{y_name} must hold the class label of each image: {model.name!r} takes labels")
        return (images,)
    labels = check_labels(y_name, labels, len(images))
    classes = model.classes if model.needs_labels else np.iinfo(np.int32).max
    if len(labels) != len(images) or labels.min() < 0 or labels.max() >= classes:
        raise ValueError(f"{y_name} must hold one class label in [0, {classes - 1}] per image "
                         f"({len(images)}), got {len(labels)} labels in [{labels.min()}, {labels.max()}]")
    return (images, labels.astype(np.int32)) if model.needs_labels else (images,)


def evaluate(model, x, y=None, *, batch_size: int = 256) -> dict[str, float]:
    """The mean of each of ``model``'s ``loss_names`` over ``x`` (and its labels ``y``), in batches
    of ``batch_size``, as Keras's ``evaluate`` reports them; called directly, so evaluating many
    models in one process traces no new function for each (TensorFlow would warn about retracing)."""
    _check_trainable(model)
    batch_size = check_int("batch_size", batch_size, 1, 1_000_000)
    data = _data("x", x, "y", y, model)
    totals, n = np.zeros(len(model.loss_names)), len(data[0])
    for start in range(0, n, batch_size):
        batch = tuple(array[start:start + batch_size] for array in data)
        values = [value for step in model.steps() for value in step.losses(*batch, training=False)]
        totals += len(batch[0]) * np.array([float(value) for value in values])
    return dict(zip(model.loss_names, (totals / n).tolist()))
