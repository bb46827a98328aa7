"""Anomaly detection: models trained on normal images score how badly they explain a new one.

Three models learn the normal images (:func:`train_detectors`): the plain autoencoder and the
convolutional one score an image by their reconstruction error, the VAE by its negative ELBO.
A likelihood is known to favour simple images whatever it was trained on (Nalisnick et al.,
"Do deep generative models know what they don't know?", ICLR 2019, arXiv:1810.09136), so two
scores correct the VAE's for the image's own complexity: Serrà et al.'s (ICLR 2020,
arXiv:1909.11480), which subtracts what a general-purpose compressor (zlib) needs for the image,
and the image's entropy floor, the least binary cross-entropy any reconstruction of it can reach.

:func:`compare` splits the held-out normal images into a calibration half (it sets the
threshold for a chosen false-alarm rate) and an evaluation half (it measures everything else).
"""

from __future__ import annotations

import dataclasses
import math
import zlib

import numpy as np

from aekit._checks import check_float, check_images, check_int, check_model

AUTOENCODER = "autoencoder: reconstruction error"
CONVOLUTIONAL = "convolutional: reconstruction error"
NELBO = "VAE: negative ELBO"
SERRA = "VAE: negative ELBO − zlib length"
FLOOR = "VAE: negative ELBO − entropy floor"
SCORES = (AUTOENCODER, CONVOLUTIONAL, NELBO, SERRA, FLOOR)
UNITS = {AUTOENCODER: "MSE per pixel", CONVOLUTIONAL: "MSE per pixel", NELBO: "nats", SERRA: "nats",
         FLOOR: "nats"}
ELBO_SAMPLES = 10  # draws from q(z | x) per image for its ELBO


def reconstruct(model, images) -> np.ndarray:
    """``model``'s reconstructions of ``images`` (an aekit model: a VAE decodes its mean code)."""
    from aekit.latent import decode, encode

    check_model("model", model)
    return decode(model.decoder, encode(model.encoder, images))


def reconstruction_error(model, images) -> np.ndarray:
    """Each image's mean squared error per pixel after ``model`` (an aekit model) reconstructs it."""
    images = check_images("images", images)
    return np.mean((reconstruct(model, images) - images) ** 2, axis=1)


def complexity(images) -> np.ndarray:
    """Each image's length in bits once its 8-bit pixels are compressed by zlib (level 9): the
    general-purpose complexity estimate of Serrà et al."""
    pixels = np.round(check_images("images", images) * 255).astype(np.uint8)
    return np.array([8 * len(zlib.compress(image.tobytes(), 9)) for image in pixels], np.float64)


def entropy_floor(images) -> np.ndarray:
    """Σᵢ H(xᵢ) in nats: the binary cross-entropy of each image with itself, the least that any
    reconstruction reaches under a Bernoulli decoder (0 for black-and-white pixels, ln 2 for grey 0.5)."""
    x = np.clip(check_images("images", images).astype(np.float64), 1e-7, 1 - 1e-7)
    return -np.sum(x * np.log(x) + (1 - x) * np.log1p(-x), axis=1)


@dataclasses.dataclass(frozen=True, repr=False)
class Split:
    """A data set divided for anomaly detection: training images without the left-out class
    (at most ``train_images``), and the held-out images of the other classes and of that class."""

    data: object
    anomaly_class: int
    x_train: np.ndarray
    normal: np.ndarray
    normal_labels: np.ndarray
    anomalous: np.ndarray

    @property
    def left_out(self) -> str:
        """The left-out class as a reader names it: "digit 0", "Sandal"."""
        return name_of(self.data, self.anomaly_class)

    def __repr__(self) -> str:
        return (f"{self.data.title}: {len(self.x_train):,} training images without {self.left_out}; held out: "
                f"{len(self.normal):,} normal images and {len(self.anomalous):,} of {self.left_out}")


def split(data, anomaly_class: int, *, train_images: int = 4000) -> Split:
    """Leave ``anomaly_class`` out of ``data``'s training images (keeping at most ``train_images``)."""
    anomaly_class = check_int("anomaly_class", anomaly_class, 0, len(data.class_names) - 1)
    train_images = check_int("train_images", train_images, 1, 10_000_000)
    kept = data.y_test != anomaly_class
    return Split(data, anomaly_class, data.x_train[data.y_train != anomaly_class][:train_images],
                 data.x_test[kept], data.y_test[kept], data.x_test[~kept])


def load_other(dataset: str, source: str = "auto"):
    """``(the other data set, "")``: Fashion-MNIST for "mnist" and MNIST for "fashion_mnist", from
    ``source``; or ``(None, why)`` when ``source`` is "auto" and no copy can be had (offline)."""
    from aekit.data import DataError, load_dataset

    name = {"mnist": "fashion_mnist", "fashion_mnist": "mnist"}.get(dataset)
    if name is None:
        raise ValueError(f"dataset must be 'mnist' or 'fashion_mnist', got {dataset!r}")
    try:
        return load_dataset(name, source), ""
    except DataError as error:
        if source != "auto":
            raise  # a source the user chose must work
        return None, f"the other data set could not be loaded: {error}"


def name_of(data, label: int) -> str:
    """A class as a reader names it: "digit 3" for MNIST, else the class name ("Sneaker")."""
    return f"digit {label}" if data.name == "mnist" else str(data.class_names[label])


@dataclasses.dataclass(frozen=True)
class Detectors:
    """The three models trained on one data set's normal images (each ``(encoder, decoder, model)``)."""

    autoencoder: tuple
    convolutional: tuple
    vae: tuple
    trained_on: str
    seed: int = 0

    def scores(self, images) -> dict[str, np.ndarray]:
        """Every score of :data:`SCORES` for each image: the higher, the more anomalous."""
        from aekit.likelihood import elbo

        images = check_images("images", images, 784)
        nelbo = -elbo(self.vae[2], images, samples=ELBO_SAMPLES, seed=self.seed)
        return {AUTOENCODER: reconstruction_error(self.autoencoder[2], images),
                CONVOLUTIONAL: reconstruction_error(self.convolutional[2], images),
                NELBO: nelbo,
                SERRA: nelbo - complexity(images) * math.log(2),
                FLOOR: nelbo - entropy_floor(images)}


def train_detectors(x_train, *, trained_on: str, epochs: int = 15, batch_size: int = 64,
                    learning_rate: float = 0.01, hidden_units: int = 64, latent_dim: int = 8,
                    seed: int = 0) -> Detectors:
    """Train the autoencoder (784 → ``hidden_units`` → ``latent_dim`` → …), the convolutional
    autoencoder and the VAE of the same code size on the normal images ``x_train`` (28 × 28),
    each with the same budget; ``trained_on`` names the images for captions."""
    from aekit.models import build_autoencoder
    from aekit.training import set_seed, train
    from aekit.variations import get
    from aekit.variations.vae import build_vae

    x_train = check_images("x_train", x_train, 784)
    seed = check_int("seed", seed, 0, 2**31 - 1)
    set_seed(seed)
    models = (build_autoencoder(784, hidden_units, latent_dim),
              get("convolutional").build(latent_dim=latent_dim),
              build_vae(784, hidden_units, latent_dim, seed=seed))
    for _, _, model in models:
        train(model, x_train, epochs=epochs, batch_size=batch_size, learning_rate=learning_rate)
    return Detectors(*models, trained_on=str(trained_on), seed=seed)


@dataclasses.dataclass(frozen=True)
class Detection:
    """Flagging every image whose score exceeds ``threshold``: the share of anomalies caught and
    the share of (evaluation) normal images flagged."""

    threshold: float
    detection_rate: float
    false_alarm_rate: float


@dataclasses.dataclass(frozen=True)
class Comparison:
    """Normal against anomalous held-out images, scored by each model.

    ``calibration`` holds the scores of the held-out normal images that set thresholds,
    ``normal`` those of the others; ``anomalous``, the anomalies'. ``trained_on`` names the
    training images ("MNIST"), ``normal_name`` and ``anomaly_name`` the images compared
    ("digits other than 0", "Fashion-MNIST images").
    """

    title: str
    trained_on: str
    normal_name: str
    anomaly_name: str
    calibration: dict
    normal: dict
    anomalous: dict

    def roc(self, score: str):
        """``(false-alarm rates, detection rates, AUROC)`` of ``score`` over every threshold."""
        from sklearn.metrics import roc_auc_score, roc_curve

        truth, values = self._labelled(score)
        fpr, tpr, _ = roc_curve(truth, values)
        return fpr, tpr, float(roc_auc_score(truth, values))

    def auroc(self, score: str) -> float:
        """The area under the ROC curve: the chance that a random anomaly scores above a random
        normal image (0.5: no better than a coin, below 0.5: the score ranks them the wrong way)."""
        from sklearn.metrics import roc_auc_score

        return float(roc_auc_score(*self._labelled(score)))

    def detection(self, score: str, false_alarm_rate: float) -> Detection:
        """The threshold that flags ``false_alarm_rate`` of the calibration images, and what it
        catches and flags among the evaluation images."""
        rate = check_float("false_alarm_rate", false_alarm_rate, 0.0, 0.5, low_open=True)
        threshold = float(np.quantile(self.calibration[score], 1 - rate, method="higher"))
        return Detection(threshold, float(np.mean(self.anomalous[score] > threshold)),
                         float(np.mean(self.normal[score] > threshold)))

    def _labelled(self, score: str):
        if score not in self.normal:
            raise ValueError(f"score must be one of {', '.join(map(repr, self.normal))}, got {score!r}")
        normal, anomalous = self.normal[score], self.anomalous[score]
        return np.r_[np.zeros(len(normal)), np.ones(len(anomalous))], np.r_[normal, anomalous]


def compare(detectors: Detectors, normal_images, anomalies: dict, *, normal_name: str) -> dict:
    """Score the held-out ``normal_images`` and each set of ``anomalies`` ({title: (name,
    images)}) with every model; return {title: :class:`Comparison`}. Every other normal image
    (the 1st, 3rd, …) calibrates thresholds; the rest are evaluated."""
    normal = detectors.scores(normal_images)
    if len(next(iter(normal.values()))) < 4:
        raise ValueError(f"normal_images must hold at least 4 images (half calibrate, half are "
                         f"evaluated), got {len(normal_images)}")
    calibration = {name: values[0::2] for name, values in normal.items()}
    evaluation = {name: values[1::2] for name, values in normal.items()}
    return {title: Comparison(title, detectors.trained_on, normal_name, name, calibration, evaluation,
                              detectors.scores(images))
            for title, (name, images) in anomalies.items()}


def comparisons(here: Split, trained_here: Detectors, other=None, trained_there: Detectors | None = None,
                *, missing: str = "") -> dict:
    """Q3's three comparisons by title: the left-out class and the ``other`` data set scored by the
    models trained ``here``, and ``here``'s data set scored by the models trained on ``other``.
    Without ``other``, the last two hold ``missing``, the reason, instead of a :class:`Comparison`."""
    data = here.data
    normal_name = f"{data.title} images other than {here.left_out}"
    found = compare(trained_here, here.normal, {f"trained on {data.title}: left-out {here.left_out}":
                                                (f"images of {here.left_out}", here.anomalous)},
                    normal_name=normal_name)
    other_title = other.title if other is not None else "Fashion-MNIST" if data.name == "mnist" else "MNIST"
    titles = (f"trained on {data.title}: {other_title}", f"trained on {other_title}: {data.title}")
    if other is None or trained_there is None:
        return {**found, **{title: missing or "not run" for title in titles}}
    found.update(compare(trained_here, here.normal, {titles[0]: (f"{other.title} images", other.x_test)},
                         normal_name=normal_name))
    found.update(compare(trained_there, other.x_test, {titles[1]: (f"{data.title} images", data.x_test)},
                         normal_name=f"{other.title} images"))
    return found


def table(comparisons: dict, false_alarm_rate: float) -> str:
    """A Markdown table: for each comparison made and each score, the AUROC, the threshold for
    ``false_alarm_rate`` and what it catches and flags."""
    from aekit._markdown import markdown_table

    rows = []
    for comparison in _made(comparisons):
        for score in SCORES:
            found = comparison.detection(score, false_alarm_rate)
            rows.append([comparison.title, score, f"{comparison.auroc(score):.3f}", f"{found.threshold:.4g}",
                         f"{found.detection_rate:.1%}", f"{found.false_alarm_rate:.1%}"])
    return markdown_table(["comparison", "score", "AUROC", f"threshold for {false_alarm_rate:.1%} false alarms",
                           "anomalies flagged", "normal images flagged"], rows)


def headline(comparisons: dict) -> dict:
    """The AUROCs the report's index shows: the autoencoder's and the VAE's per comparison."""
    return {f"AUROC {c.title}, autoencoder / VAE": f"{c.auroc(AUTOENCODER):.3f} / {c.auroc(NELBO):.3f}"
            for c in _made(comparisons)}


def _made(comparisons: dict) -> list:
    return [c for c in comparisons.values() if isinstance(c, Comparison)]


@dataclasses.dataclass(frozen=True)
class Pool:
    """Every held-out image of a run (normal, left-out class, other data set) with its caption;
    ``firsts`` indexes the first of each kind."""

    images: np.ndarray
    captions: list
    firsts: list


def pool(here: Split, other=None) -> Pool:
    """The held-out images of ``here`` and of the ``other`` data set (if any), captioned."""
    parts = [(here.normal, [name_of(here.data, y) for y in here.normal_labels]),
             (here.anomalous, [f"{here.left_out} (left out)"] * len(here.anomalous))]
    if other is not None:
        parts.append((other.x_test, [f"{other.title}: {name_of(other, y)}" for y in other.y_test]))
    sizes = np.cumsum([0] + [len(images) for images, _ in parts])
    return Pool(np.concatenate([images for images, _ in parts]), [c for _, names in parts for c in names],
                [int(start) for start, (images, _) in zip(sizes, parts) if len(images)])


def pixel_table(images, reconstructions, names, *, pixels: int = 5, side: int = 28):
    """A pandas DataFrame of each image's ``pixels`` worst-reconstructed pixels: where they are,
    the original and reconstructed values, and their difference (``names`` labels the images)."""
    import pandas as pd

    images = check_images("images", images)
    reconstructions = check_images("reconstructions", reconstructions, images.shape[1])
    pixels = check_int("pixels", pixels, 1, images.shape[1])
    if len(reconstructions) != len(images) or len(names) != len(images):
        raise ValueError(f"reconstructions and names must hold one entry per image ({len(images)}), "
                         f"got {len(reconstructions)} and {len(names)}")
    rows = []
    for name, image, reconstruction in zip(names, images, reconstructions):
        difference = reconstruction - image
        for index in np.argsort(-np.abs(difference), kind="stable")[:pixels]:
            rows.append({"image": name, "pixel (row, column)": f"({index // side}, {index % side})",
                         "original": round(float(image[index]), 2),
                         "reconstructed": round(float(reconstruction[index]), 2),
                         "difference": round(float(difference[index]), 2)})
    return pd.DataFrame(rows).set_index(["image", "pixel (row, column)"])


def verdict(auroc: float) -> str:
    """A few words on what an AUROC means for a detector."""
    if auroc >= 0.9:
        return "separates them well"
    if auroc >= 0.6:
        return "separates them in part"
    if auroc > 0.4:
        return "does no better than chance"
    return "ranks them the wrong way round"


def findings(comparisons: dict, *, false_alarm_rate: float) -> str:
    """What :func:`comparisons` showed, in sentences computed from their numbers (Markdown bullets)."""
    left_out, other, reverse = (c if isinstance(c, Comparison) else None for c in comparisons.values())
    missing = next((c for c in comparisons.values() if isinstance(c, str)), "")
    lines = []
    for comparison in filter(None, (left_out, other, reverse)):
        ranked = sorted(SCORES, key=comparison.auroc, reverse=True)
        found = comparison.detection(AUTOENCODER, false_alarm_rate)
        lines.append(
            f"**{comparison.title[0].upper() + comparison.title[1:]}.** The autoencoder's error "
            f"{verdict(comparison.auroc(AUTOENCODER))} "
            f"(AUROC {comparison.auroc(AUTOENCODER):.3f}): at a {false_alarm_rate:.0%} false-alarm rate it "
            f"flags {found.detection_rate:.0%} of the {comparison.anomaly_name}, and "
            f"{found.false_alarm_rate:.1%} of the evaluation {comparison.normal_name}. Best score here: "
            f"*{ranked[0]}* (AUROC {comparison.auroc(ranked[0]):.3f}); worst: *{ranked[-1]}* "
            f"(AUROC {comparison.auroc(ranked[-1]):.3f}, it {verdict(comparison.auroc(ranked[-1]))})."
            + _simpler(comparison))
    if reverse is not None and other is not None:
        lines.append(_nalisnick(other, reverse))
    elif missing:
        lines.append(f"**Another data set.** Not compared in this run: {missing}")
    shown = [c for c in (left_out, other, reverse) if c is not None]
    robust = max(SCORES, key=lambda score: min(c.auroc(score) for c in shown))
    lines.append(f"**Across the {len(shown)} comparison{'s' if len(shown) > 1 else ''}**, the score whose "
                 f"worst AUROC is highest is *{robust}* (worst {min(c.auroc(robust) for c in shown):.3f}).")
    return "\n".join(f"- {line}" for line in lines)


def _simpler(comparison: Comparison) -> str:
    """Why an error or a likelihood ranks anomalies below normal images, when the numbers say so:
    the anomalies are the simpler images (shorter under zlib)."""
    fooled = [score for score in (AUTOENCODER, CONVOLUTIONAL, NELBO) if comparison.auroc(score) < 0.5]
    bits = {name: float(np.median((scores[NELBO] - scores[SERRA]) / math.log(2)))
            for name, scores in (("normal", comparison.normal), ("anomalous", comparison.anomalous))}
    if not fooled or bits["anomalous"] >= bits["normal"]:
        return ""
    return (f" The {comparison.anomaly_name} are the simpler images (zlib needs a median of "
            f"{bits['anomalous']:,.0f} bits for one, against {bits['normal']:,.0f} for the "
            f"{comparison.normal_name}), and simple images are cheap to reconstruct and to explain whatever "
            f"the model learned: {', '.join(f'*{score}*' for score in fooled)} rank"
            f"{'s' if len(fooled) == 1 else ''} them below normal images.")


def _nalisnick(other: Comparison, reverse: Comparison) -> str:
    """Which score works in which direction between two data sets, and why, from the numbers."""
    here, there = other.trained_on, reverse.trained_on
    nelbo = {"seen": float(np.median(reverse.normal[NELBO])), "unseen": float(np.median(reverse.anomalous[NELBO]))}
    floor = {name: float(np.median(scores[NELBO] - scores[FLOOR]))
             for name, scores in (("seen", reverse.normal), ("unseen", reverse.anomalous))}
    wrong_way = reverse.auroc(NELBO) < 0.5
    text = (f"**Both directions.** Trained on {there}, the VAE gives {reverse.anomaly_name} a median negative "
            f"ELBO of {nelbo['unseen']:.0f} nats against {nelbo['seen']:.0f} for {there}'s own held-out "
            f"images (AUROC {reverse.auroc(NELBO):.3f}; {other.auroc(NELBO):.3f} trained on {here})")
    if wrong_way:
        text += (": it finds images it never saw *more* likely than those it learned, as Nalisnick et al. "
                 "found for Fashion-MNIST and MNIST. ")
        text += (f"The images' own complexity explains it: their entropy floor, the least binary cross-entropy "
                 f"any reconstruction reaches, is a median of {floor['unseen']:.0f} nats for "
                 f"{reverse.anomaly_name} against {floor['seen']:.0f} for {there}'s images, so "
                 + ("the simpler images are cheap to explain whatever the model learned. "
                    if floor["unseen"] < floor["seen"] else "complexity alone does not explain it here. "))
    else:
        text += ". "
    text += (f"Subtracting the floor gives AUROC {reverse.auroc(FLOOR):.3f} trained on {there} and "
             f"{other.auroc(FLOOR):.3f} trained on {here}; subtracting the zlib length (Serrà et al.) gives "
             f"{reverse.auroc(SERRA):.3f} and {other.auroc(SERRA):.3f}")
    if min(reverse.auroc(SERRA), other.auroc(SERRA)) < 0.5:
        worse = min((reverse, other), key=lambda c: c.auroc(SERRA))
        zlib_nats = float(np.median(worse.anomalous[NELBO] - worse.anomalous[SERRA]))
        text += (f": zlib codes 256 grey levels per pixel, which a Bernoulli likelihood of grey values does "
                 f"not, so the two are not in the same units. zlib needs a median of {zlib_nats:,.0f} nats for "
                 f"{worse.anomaly_name}, more than their whole negative ELBO "
                 f"({float(np.median(worse.anomalous[NELBO])):,.0f}), and the correction overshoots"
                 if zlib_nats > float(np.median(worse.anomalous[NELBO])) else
                 ": zlib codes 256 grey levels per pixel, which a Bernoulli likelihood of grey values does "
                 "not, so the two are not in the same units")
    text += (f". The autoencoder's squared error has no such floor (a perfect reconstruction of any image "
             f"scores 0): AUROC {other.auroc(AUTOENCODER):.3f} trained on {here} and "
             f"{reverse.auroc(AUTOENCODER):.3f} trained on {there}.")
    return text
