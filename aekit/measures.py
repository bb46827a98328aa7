"""The instruments every piece of evidence measures with: statistics of the images (strokes for
digits, shape for garments, brightness, contrast and colour for photographs), a small
classifier that tells which class an image shows, and, in its features, the Fréchet distance,
precision and recall; the share of each class among generated images."""

from __future__ import annotations

import dataclasses

import numpy as np

from aekit._checks import check_array, check_images, check_int, check_labels
from aekit._keras import check_model, keras
from aekit.backend import seed_keras
from aekit.models.classifier import Classifier, ClassifierConfig
from aekit.training import train

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
    return ImageMeasures(ink, thickness, slant, width, cx, cy, sharpness(x))


def sharpness(images) -> np.ndarray:
    """The share of each image's pixels that are confidently dark or light (< 0.1 or > 0.9)."""
    pixels = np.asarray(images)
    return ((pixels < 0.1) | (pixels > 0.9)).reshape(len(pixels), -1).mean(axis=1)


def image_shape(width: int, name: str = "images") -> tuple:
    """The shape of a flattened square image: (s, s) for grey, (s, s, 3) for colour."""
    for channels in (1, 3):
        side = int(round((width / channels) ** 0.5))
        if side * side * channels == width:
            return (side, side) if channels == 1 else (side, side, 3)
    raise ValueError(f"{name} must be flattened square images, grey or colour (s² or 3·s² values "
                     f"each, such as 784 for 28 × 28), got {width} values per image")


@dataclasses.dataclass(frozen=True)
class Measure:
    """One statistic of an image, with how a table and a sentence show it."""

    name: str      # "ink", "brightness"
    unit: str      # " px", "°", "" — appended to values in sentences
    format: str    # "{:.1f}"
    compute: object  # images (n, h, w) or (n, h, w, 3) in [0, 1] → (n,)


@dataclasses.dataclass(frozen=True)
class Kind:
    """What a data set's images show: the words for them, and what to measure in them."""

    noun: str       # "digit", "garment", "image"
    plural: str
    measures: tuple
    compute_all: object = None  # pictures → {name: values}, when the measures share their work

    def measure(self, images) -> dict:
        """{measure name: one value per image} for flattened ``images`` (n, width)."""
        images = check_images("images", images)
        pictures = images.reshape((len(images),) + image_shape(images.shape[1])).astype(np.float64)
        if self.compute_all is not None:
            return self.compute_all(pictures)
        return {m.name: m.compute(pictures) for m in self.measures}

    def name_of(self, data, label: int) -> str:
        """A class as a sentence speaks of it: "a 1", "an 8", "“Ankle boot”"."""
        name = data.class_names[label]
        if self.noun == "digit":
            return f"{'an' if name == '8' else 'a'} {name}"
        return f"“{name}”"


def _digit_measures(pictures) -> dict:
    m = measure_images(pictures.reshape(len(pictures), -1))
    return {"ink": m.ink, "thickness": m.thickness, "slant": m.slant, "width": m.width,
            "centre x": m.centre_x, "centre y": m.centre_y}


def _luminance(pictures):
    return pictures.mean(axis=-1) if pictures.ndim == 4 else pictures


def _coverage(pictures):
    """The share of the image the garment covers: pixels brighter than 0.2."""
    return (pictures > 0.2).mean(axis=(1, 2))


def _brightness(pictures):
    """How light the garment is: the mean of the pixels it covers (0 where it covers none)."""
    covered = pictures > 0.2
    return np.where(covered.any(axis=(1, 2)), (pictures * covered).sum(axis=(1, 2))
                    / np.maximum(covered.sum(axis=(1, 2)), 1), 0.0)


def _extent(axis):
    """Spread of the intensity along rows (axis 1: height) or columns (axis 2: width), in pixels:
    4 × its standard deviation."""
    def extent(pictures):
        profile = _luminance(pictures).sum(axis=3 - axis)  # summed over the other axis
        total = np.maximum(profile.sum(axis=1), 1e-12)
        position = np.arange(profile.shape[1])
        mean = (profile * position).sum(axis=1) / total
        return 4.0 * np.sqrt((profile * (position - mean[:, None]) ** 2).sum(axis=1) / total)
    return extent


def _background_minus_centre(pictures):
    grey = _luminance(pictures)
    side = grey.shape[1]
    ring = np.ones(grey.shape[1:], bool)
    ring[side // 8: side - side // 8, side // 8: side - side // 8] = False
    centre = grey[:, side // 4: side - side // 4, side // 4: side - side // 4]
    return grey[:, ring].mean(axis=1) - centre.mean(axis=(1, 2))


def _gradient(pictures):
    grey = _luminance(pictures)
    return (np.abs(np.diff(grey, axis=1)).mean(axis=(1, 2)) + np.abs(np.diff(grey, axis=2)).mean(axis=(1, 2)))


_CONFIDENT = Measure("sharpness", "", "{:.0%}", sharpness)
DIGITS = Kind("digit", "digits", (
    Measure("ink", "", "{:.0f}", None), Measure("thickness", " px", "{:.2f}", None),
    Measure("slant", "°", "{:+.0f}", None), Measure("width", " px", "{:.1f}", None),
    Measure("centre x", " px", "{:.1f}", None), Measure("centre y", " px", "{:.1f}", None)),
    compute_all=_digit_measures)
GARMENTS = Kind("garment", "garments", (
    Measure("coverage", "", "{:.0%}", _coverage),
    Measure("brightness", "", "{:.2f}", _brightness),
    Measure("width", " px", "{:.1f}", _extent(2)),
    Measure("height", " px", "{:.1f}", _extent(1)),
    _CONFIDENT))
IMAGES = Kind("image", "images", (
    Measure("brightness", "", "{:.2f}", lambda p: _luminance(p).mean(axis=(1, 2))),
    Measure("contrast", "", "{:.2f}", lambda p: _luminance(p).std(axis=(1, 2))),
    Measure("colour balance (red − blue)", "", "{:+.2f}",
            lambda p: (p[..., 0] - p[..., 2]).mean(axis=(1, 2)) if p.ndim == 4 else np.zeros(len(p))),
    Measure("background − centre", "", "{:+.2f}", _background_minus_centre),
    Measure("sharpness", "", "{:.3f}", _gradient)))


def kind_of(data) -> Kind:
    """The kind of images a :class:`~aekit.data.Dataset` holds."""
    return {"mnist": DIGITS, "fashion_mnist": GARMENTS}.get(data.name, IMAGES)


def train_classifier(x_train, y_train, *, epochs: int = 15, seed: int = 0) -> Classifier:
    """A small softmax classifier (pixels → 128 relu → one unit per class) that tells which class
    an image shows; its labels are 0 … the largest label. It trains through aekit.train (Adam from
    0.01, cosine-decayed, batches of 128): 94% of the official MNIST test digits read right after
    training on the embedded sample's 4,000, in about a second on two cores."""
    x_train = check_images("x_train", x_train)
    y_train = check_labels("y_train", y_train, len(x_train))
    if len(y_train) != len(x_train) or y_train.min() < 0:
        raise ValueError(f"y_train must hold one class label >= 0 per image ({len(x_train)}), got "
                         f"{len(y_train)} labels in [{y_train.min()}, {y_train.max()}]")
    classes = int(y_train.max()) + 1
    if len(np.unique(y_train)) < 2:
        raise ValueError(f"y_train must hold at least two distinct classes to train a classifier, "
                         f"got only {y_train[0]}")
    epochs = check_int("epochs", epochs, 1, 1000)
    seed_keras(check_int("seed", seed, 0, 2**31 - 1))
    classifier = ClassifierConfig(classes=classes).build(input_dim=x_train.shape[1])
    train(classifier, x_train, y_train, epochs=epochs, batch_size=128, learning_rate=0.01)
    return classifier


def classifier_for(data, *, seed: int = 0) -> keras.Model | None:
    """A classifier trained on ``data``'s training images, or None when they hold fewer than two
    classes (a folder of images without subfolders): there is nothing to tell apart."""
    if len(np.unique(data.y_train)) < 2:
        return None
    return train_classifier(data.x_train, data.y_train, seed=seed)


def classify(classifier: keras.Model, images) -> tuple[np.ndarray, np.ndarray]:
    """Return the predicted class and its probability for each image."""
    check_model("classifier", classifier)
    probabilities = keras.ops.convert_to_numpy(
        classifier(check_images("images", images, classifier.inputs[0].shape[-1])))
    return probabilities.argmax(axis=1), probabilities.max(axis=1)


def classifier_features(classifier: keras.Model, images) -> np.ndarray:
    """The classifier's last hidden layer for each image: a feature space for Fréchet distances
    (for a Keras model of another kind, the output of its last layer but one)."""
    check_model("classifier", classifier)
    x = keras.ops.convert_to_tensor(check_images("images", images, classifier.inputs[0].shape[-1]))
    features = classifier.features(x) if isinstance(classifier, Classifier) else \
        keras.Model(classifier.inputs, classifier.layers[-2].output)(x)
    return keras.ops.convert_to_numpy(features).astype(np.float64)


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




@dataclasses.dataclass(frozen=True)
class PrecisionRecall:
    """How generated images cover real ones (Kynkäänniemi et al., "Improved Precision and Recall
    Metric for Assessing Generative Models", NeurIPS 2019, arXiv:1904.06991), in a feature space.

    ``precision``: the share of generated images that fall within the real images' manifold (each
    real image's ball reaching its k-th nearest real neighbour): how many look real.
    ``recall``: the share of real images within the generated images' manifold: how much of the
    data's variety the generator draws. Samples of a few kinds score high precision and low recall;
    samples spread beyond the data the reverse (blurry images need not: in a classifier's features
    a blurred prototype may land among real images)."""

    precision: float
    recall: float
    k: int
    n_real: int
    n_generated: int


def precision_recall(real_features, generated_features, *, k: int = 3) -> PrecisionRecall:
    """:class:`PrecisionRecall` of ``generated_features`` (n, d) against ``real_features`` (m, d),
    with manifolds of ``k`` nearest neighbours (the paper's k = 3)."""
    real = check_array("real_features", real_features).astype(np.float64)
    generated = check_array("generated_features", generated_features).astype(np.float64)
    if real.shape[1] != generated.shape[1]:
        raise ValueError(f"real_features and generated_features must have as many columns, got "
                         f"{real.shape} and {generated.shape}")
    k = check_int("k", k, 1, 100)
    if min(len(real), len(generated)) <= k:
        raise ValueError(f"real_features and generated_features must each hold more than k = {k} rows, got "
                         f"{len(real)} and {len(generated)}")
    real_radii, generated_radii = _kth_neighbour_distance(real, k), _kth_neighbour_distance(generated, k)
    return PrecisionRecall(precision=_share_inside(generated, real, real_radii),
                           recall=_share_inside(real, generated, generated_radii),
                           k=k, n_real=len(real), n_generated=len(generated))


_ROWS = 2048  # rows of a distance matrix computed at once (2,048 × 10,000 float64 = 160 MB)


def _squared_distances(a, b) -> np.ndarray:
    return np.maximum((a ** 2).sum(1)[:, None] + (b ** 2).sum(1)[None, :] - 2 * a @ b.T, 0.0)


def _kth_neighbour_distance(points, k: int) -> np.ndarray:
    """Each point's squared distance to its k-th nearest other point."""
    found = np.empty(len(points))
    for start in range(0, len(points), _ROWS):
        rows = _squared_distances(points[start:start + _ROWS], points)
        found[start:start + _ROWS] = np.partition(rows, k, axis=1)[:, k]  # column 0 is the point itself
    return found


def _share_inside(points, centres, radii) -> float:
    """The share of ``points`` within at least one ball (``centres``, squared ``radii``)."""
    inside = 0
    for start in range(0, len(points), _ROWS):
        inside += int(np.any(_squared_distances(points[start:start + _ROWS], centres) <= radii[None, :], axis=1).sum())
    return inside / len(points)


def class_shares(classifier: keras.Model, images, classes: int) -> np.ndarray:
    """The share of ``images`` the classifier reads as each of its ``classes`` classes (summing
    to 1): a generator that covers every class shows each near its share of the data; a collapsed
    one shows classes at 0."""
    classes = check_int("classes", classes, 2, 10_000)
    if classes != classifier.outputs[0].shape[-1]:
        raise ValueError(f"classes must be the classifier's number of classes, "
                         f"{classifier.outputs[0].shape[-1]}, got {classes}")
    read, _ = classify(classifier, images)
    return np.bincount(read, minlength=classes) / len(read)
