"""The instruments every piece of evidence measures with: statistics of digit images, a small
digit classifier that tells which digit an image shows, and the Fréchet distance in its features."""

from __future__ import annotations

import dataclasses

import numpy as np

from aekit._checks import check_array, check_images, check_int, check_labels, check_model
from aekit.backend import keras

_INK_THRESHOLD = 0.5  # a pixel is part of the stroke above half intensity


@dataclasses.dataclass(frozen=True)
class ImageMeasures:
    """Per-image statistics of 28 × 28 digits (arrays of length n)."""

    ink: np.ndarray        # total intensity: the sum of pixel values
    thickness: np.ndarray  # mean stroke width in pixels: 2 · area / perimeter of the inked region
    slant: np.ndarray      # degrees the stroke leans right of vertical (from second moments)
    width: np.ndarray      # horizontal extent of the ink in pixels: 4 × its standard deviation in x
    centre_x: np.ndarray   # centre of mass, pixels from the left
    centre_y: np.ndarray   # centre of mass, pixels from the top
    sharpness: np.ndarray  # share of intensity in confident pixels (< 0.1 or > 0.9): 1 is crisp


def measure_images(images) -> ImageMeasures:
    """Measure ink, stroke thickness, slant, width, position and sharpness of each image (n, 784)."""
    x = check_images("images", images, 784).reshape(-1, 28, 28).astype(np.float64)
    ink = x.sum(axis=(1, 2))
    weight = np.where(ink > 0, ink, 1.0)
    rows, cols = np.mgrid[0:28, 0:28]
    cy = (x * rows).sum(axis=(1, 2)) / weight
    cx = (x * cols).sum(axis=(1, 2)) / weight
    dy = -(rows[None] - cy[:, None, None])  # upwards positive
    dx = cols[None] - cx[:, None, None]
    var_y = (x * dy ** 2).sum(axis=(1, 2)) / weight
    width = 4.0 * np.sqrt((x * dx ** 2).sum(axis=(1, 2)) / weight)
    cov_xy = (x * dx * dy).sum(axis=(1, 2)) / weight
    slant = np.degrees(np.arctan2(cov_xy, np.where(var_y > 0, var_y, 1.0)))
    inked = np.pad(x > _INK_THRESHOLD, ((0, 0), (1, 1), (1, 1)))
    perimeter = (np.abs(np.diff(inked, axis=1)).sum(axis=(1, 2))
                 + np.abs(np.diff(inked, axis=2)).sum(axis=(1, 2)))
    area = inked.sum(axis=(1, 2))
    thickness = np.where(perimeter > 0, 2.0 * area / np.maximum(perimeter, 1), 0.0)
    confident = ((x < 0.1) | (x > 0.9)).mean(axis=(1, 2))
    return ImageMeasures(ink, thickness, slant, width, cx, cy, confident)


def train_digit_classifier(x_train, y_train, *, epochs: int = 15, seed: int = 0) -> keras.Model:
    """A small softmax classifier (784 → 128 relu → 10) that tells which digit an image shows."""
    x_train = check_images("x_train", x_train, 784)
    y_train = check_labels("y_train", y_train, len(x_train))
    if len(y_train) != len(x_train) or y_train.min() < 0 or y_train.max() > 9:
        raise ValueError(f"y_train must hold one digit 0-9 per image ({len(x_train)}), got "
                         f"{len(y_train)} labels in [{y_train.min()}, {y_train.max()}]")
    epochs = check_int("epochs", epochs, 1, 1000)
    keras.utils.set_random_seed(check_int("seed", seed, 0, 2**31 - 1))
    classifier = keras.Sequential([keras.Input((784,)),
                                   keras.layers.Dense(128, activation="relu"),
                                   keras.layers.Dense(10, activation="softmax")], name="digit_classifier")
    classifier.compile(keras.optimizers.Adam(2e-3), loss="sparse_categorical_crossentropy",
                       metrics=["accuracy"], steps_per_execution=32)
    classifier.fit(x_train, y_train, epochs=epochs, batch_size=128, verbose=0)
    return classifier


def classify(classifier: keras.Model, images) -> tuple[np.ndarray, np.ndarray]:
    """Return the predicted digit and its probability for each image."""
    check_model("classifier", classifier)
    probabilities = keras.ops.convert_to_numpy(classifier(check_images("images", images, 784)))
    return probabilities.argmax(axis=1), probabilities.max(axis=1)


def classifier_features(classifier: keras.Model, images) -> np.ndarray:
    """The classifier's last hidden layer for each image: a feature space for Fréchet distances."""
    check_model("classifier", classifier)
    x = keras.ops.convert_to_tensor(check_images("images", images, 784))
    for layer in classifier.layers[:-1]:
        x = layer(x)
    return keras.ops.convert_to_numpy(x).astype(np.float64)


def frechet_distance(features_a, features_b) -> float:
    """Fréchet distance between Gaussians fitted to two feature sets (FID's formula): 0 when the
    two sets have the same mean and covariance, growing as they differ in quality or variety."""
    a = check_array("features_a", features_a).astype(np.float64)
    b = check_array("features_b", features_b).astype(np.float64)
    if a.shape[1] != b.shape[1] or min(len(a), len(b)) < 2:
        raise ValueError(f"features must be two (n, k) arrays with n >= 2, got {a.shape} and {b.shape}")
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    values, vectors = np.linalg.eigh(cov_a)
    root_a = (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T
    cross = np.sqrt(np.clip(np.linalg.eigvalsh(root_a @ cov_b @ root_a), 0, None)).sum()
    return float(np.sum((a.mean(0) - b.mean(0)) ** 2) + np.trace(cov_a) + np.trace(cov_b) - 2 * cross)


