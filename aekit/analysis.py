"""Measures that turn figures into evidence: image statistics, a digit classifier, and the
descriptions of latent edits the notebooks print, computed from each run so they stay true."""

from __future__ import annotations

import dataclasses
import math

import keras
import numpy as np

from aekit._checks import check_images, check_int
from aekit.latent import Adjustment, check_codes, decode, encode

_INK_THRESHOLD = 0.5  # a pixel is part of the stroke above half intensity


@dataclasses.dataclass(frozen=True)
class ImageMeasures:
    """Per-image statistics of 28 × 28 digits (arrays of length n)."""

    ink: np.ndarray        # total intensity: the sum of pixel values
    thickness: np.ndarray  # mean stroke width in pixels: 2 · area / perimeter of the inked region
    slant: np.ndarray      # degrees the stroke leans right of vertical (from second moments)
    centre_x: np.ndarray   # centre of mass, pixels from the left
    centre_y: np.ndarray   # centre of mass, pixels from the top
    sharpness: np.ndarray  # share of intensity in confident pixels (< 0.1 or > 0.9): 1 is crisp


def measure_images(images) -> ImageMeasures:
    """Measure ink, stroke thickness, slant, position and sharpness of each image (n, 784)."""
    x = check_images("images", images, 784).reshape(-1, 28, 28).astype(np.float64)
    ink = x.sum(axis=(1, 2))
    weight = np.where(ink > 0, ink, 1.0)
    rows, cols = np.mgrid[0:28, 0:28]
    cy = (x * rows).sum(axis=(1, 2)) / weight
    cx = (x * cols).sum(axis=(1, 2)) / weight
    dy = -(rows[None] - cy[:, None, None])  # upwards positive
    dx = cols[None] - cx[:, None, None]
    var_y = (x * dy ** 2).sum(axis=(1, 2)) / weight
    cov_xy = (x * dx * dy).sum(axis=(1, 2)) / weight
    slant = np.degrees(np.arctan2(cov_xy, np.where(var_y > 0, var_y, 1.0)))
    inked = np.pad(x > _INK_THRESHOLD, ((0, 0), (1, 1), (1, 1)))
    perimeter = (np.abs(np.diff(inked, axis=1)).sum(axis=(1, 2))
                 + np.abs(np.diff(inked, axis=2)).sum(axis=(1, 2)))
    area = inked.sum(axis=(1, 2))
    thickness = np.where(perimeter > 0, 2.0 * area / np.maximum(perimeter, 1), 0.0)
    confident = ((x < 0.1) | (x > 0.9)).mean(axis=(1, 2))
    return ImageMeasures(ink, thickness, slant, cx, cy, confident)


def train_digit_classifier(x_train, y_train, *, epochs: int = 15, seed: int = 0) -> keras.Model:
    """A small softmax classifier (784 → 128 relu → 10) that tells which digit an image shows."""
    x_train = check_images("x_train", x_train, 784)
    y_train = np.asarray(y_train)
    if y_train.shape != (len(x_train),):
        raise ValueError(f"y_train must hold one label per image ({len(x_train)}), got {y_train.shape}")
    epochs = check_int("epochs", epochs, 1, 1000)
    keras.utils.set_random_seed(check_int("seed", seed, 0, 2**31 - 1))
    classifier = keras.Sequential([keras.Input((784,)),
                                   keras.layers.Dense(128, activation="relu"),
                                   keras.layers.Dense(10, activation="softmax")], name="digit_classifier")
    classifier.compile(keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                       metrics=["accuracy"])
    classifier.fit(x_train, y_train, epochs=epochs, batch_size=64, verbose=0)
    return classifier


def classify(classifier: keras.Model, images) -> tuple[np.ndarray, np.ndarray]:
    """Return the predicted digit and its probability for each image."""
    probabilities = keras.ops.convert_to_numpy(classifier(check_images("images", images, 784)))
    return probabilities.argmax(axis=1), probabilities.max(axis=1)


@dataclasses.dataclass(frozen=True, repr=False)
class EditReport:
    """Measured effect of each latent edit on one image; shows itself as Markdown in Jupyter."""

    rows: list[dict]
    sentences: list[str]

    def to_markdown(self) -> str:
        header = ("| panel | code | edited element vs training codes | pixel MSE vs reconstruction "
                  "| ink | thickness (px) | slant (°) | centre (x, y) px | classifier sees |\n"
                  "|---|---|---|---|---|---|---|---|---|\n")
        lines = [f"| {r['panel']} | {r['code']} | {r['position']} | {r['mse']} | {r['ink']:.0f} "
                 f"| {r['thickness']:.2f} | {r['slant']:+.0f} | ({r['cx']:.1f}, {r['cy']:.1f}) "
                 f"| {r['digit']} ({r['confidence']:.0%}) |" for r in self.rows]
        return header + "\n".join(lines) + "\n\n" + "\n".join(f"- {s}" for s in self.sentences)

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    __repr__ = __str__ = to_markdown


def describe_adjustments(encoder, decoder, image, adjustments, train_codes,
                         classifier: keras.Model) -> EditReport:
    """Compare the reconstruction of ``image`` after each edit with the unedited reconstruction.

    For each :class:`~aekit.Adjustment` it reports where the edited element lies among the
    training codes (standard deviations from their mean, and percentile), and how the decoded
    image changed: pixel error, ink, stroke thickness, slant, position and the digit a
    classifier trained on the same data sees.
    """
    image = check_images("image", image, 784)[:1]
    adjustments = list(adjustments)
    if not adjustments or not all(isinstance(a, Adjustment) for a in adjustments):
        raise ValueError("adjustments must be a non-empty list of aekit.Adjustment")
    code = encode(encoder, image)[0]
    train_codes = check_codes("train_codes", train_codes, len(code))
    edited = [a.apply(code) for a in adjustments]
    pictures = decode(decoder, np.stack([code] + edited))
    measures = measure_images(pictures)
    digits, confidence = classify(classifier, pictures)
    mean, std = train_codes.mean(axis=0), train_codes.std(axis=0)

    rows = []
    for k, (label, z) in enumerate([("reconstruction", code)] + [(a.label, e) for a, e in zip(adjustments, edited)]):
        dim = adjustments[k - 1].dim if k else None
        rows.append({
            "panel": label, "code": "(" + ", ".join(f"{v:.2f}" for v in z) + ")",
            "position": "—" if dim is None else _position(z[dim], train_codes[:, dim], mean[dim], std[dim]),
            "mse": "—" if k == 0 else f"{np.mean((pictures[k] - pictures[0]) ** 2):.4f}",
            "ink": measures.ink[k], "thickness": measures.thickness[k], "slant": measures.slant[k],
            "cx": measures.centre_x[k], "cy": measures.centre_y[k],
            "digit": int(digits[k]), "confidence": float(confidence[k]),
        })
    sentences = [_sentence(adjustment, code, edited[k], rows[0], rows[k + 1], train_codes)
                 for k, adjustment in enumerate(adjustments)]
    return EditReport(rows, sentences)


def _position(value, column, mean, std) -> str:
    sigmas = (value - mean) / std if std > 0 else math.inf
    below = float((column < value).mean())
    if value < column.min() or value > column.max():
        where = "outside every training code"
    elif 0.01 <= below <= 0.99:
        where = f"{_ordinal(round(100 * below))} percentile"
    else:
        where = f"{100 * below:.1f}th percentile, at the edge"
    return f"{sigmas:+.1f} σ, {where}"


def _sentence(adjustment, code, edited, base, new, train_codes) -> str:
    d = adjustment.dim
    column = train_codes[:, d]
    inside = column.min() <= edited[d] <= column.max()
    where = (f"still inside the range of the {len(column):,} training codes "
             f"({column.min():.2f} to {column.max():.2f})" if inside else
             f"outside the range of all {len(column):,} training codes "
             f"({column.min():.2f} to {column.max():.2f}), where the decoder never learned what to draw")
    ink_change = (new["ink"] - base["ink"]) / base["ink"] if base["ink"] > 0 else 0.0
    dx, dy = new["cx"] - base["cx"], new["cy"] - base["cy"]
    moves = _movement(dx, dy)
    sigmas = new["position"].split(",")[0]
    if new["digit"] == base["digit"]:
        verdict = (f"the classifier still sees {_a(new['digit'])} "
                   f"({base['confidence']:.0%} → {new['confidence']:.0%} confident)")
    else:
        verdict = (f"the classifier now sees {_a(new['digit'])} ({new['confidence']:.0%} confident) "
                   f"instead of {_a(base['digit'])}")
    return (f"**{adjustment.label}** moves z[{d}] from {code[d]:.2f} to {edited[d]:.2f} "
            f"({sigmas} from the training codes' mean), {where}. Against the unedited "
            f"reconstruction the image changes by pixel MSE {float(new['mse']):.4f}: ink "
            f"{ink_change:+.0%}, strokes {base['thickness']:.1f} → {new['thickness']:.1f} px thick, "
            f"slant {base['slant']:+.0f}° → {new['slant']:+.0f}°, {moves}; {verdict}.")


def _a(digit: int) -> str:
    return f"{'an' if digit == 8 else 'a'} {digit}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _movement(dx: float, dy: float) -> str:
    if math.hypot(dx, dy) < 0.5:
        return "its centre stays put"
    parts = [f"{abs(dx):.1f} px {'right' if dx > 0 else 'left'}" if abs(dx) >= 0.5 else "",
             f"{abs(dy):.1f} px {'down' if dy > 0 else 'up'}" if abs(dy) >= 0.5 else ""]
    return "its centre moves " + " and ".join(p for p in parts if p)
