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

    from aekit.models import Autoencoder

    if not isinstance(check_model("model", model), Autoencoder):
        raise ValueError(f"model must be an aekit model with an encoder and a decoder, got the "
                         f"{type(model).__name__} {model.name!r}")
    return decode(model.decoder, encode(model.encoder, images))


def reconstruction_error(model, images, reconstructions=None) -> np.ndarray:
    """Each image's mean squared error per pixel after ``model`` (an aekit model) reconstructs it;
    pass ``reconstructions`` if you have them already, and they are not computed again."""
    images = check_images("images", images)
    if reconstructions is None:
        reconstructions = reconstruct(model, images)
    return np.mean((check_images("reconstructions", reconstructions, images.shape[1]) - images) ** 2, axis=1)


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
    ("MNIST images other than digit 0", "images of digit 0").
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
        """The lowest threshold that flags at most ``false_alarm_rate`` of the calibration images,
        and what it catches and flags among the evaluation images."""
        self._labelled(score)  # checks the name
        rate = check_float("false_alarm_rate", false_alarm_rate, 0.0, 0.5, low_open=True)
        if rate * len(self.calibration[score]) < 1:
            raise ValueError(f"false_alarm_rate must be at least 1/{len(self.calibration[score])} here: with "
                             f"{len(self.calibration[score])} calibration images, {rate:g} of them is no image")
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
    normal_images = check_images("normal_images", normal_images, 784)
    if len(normal_images) < 4:
        raise ValueError(f"normal_images must hold at least 4 images (half calibrate, half are "
                         f"evaluated), got {len(normal_images)}")
    if not isinstance(anomalies, dict) or not anomalies or not all(
            isinstance(v, tuple) and len(v) == 2 for v in anomalies.values()):
        raise ValueError("anomalies must be a non-empty dict of {title: (name, images)}")
    normal = detectors.scores(normal_images)
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
    other_title = other.title if other is not None else "Fashion-MNIST" if data.name == "mnist" else "MNIST"
    titles = (f"trained on {data.title}: {other_title}", f"trained on {other_title}: {data.title}")
    anomalies = {f"trained on {data.title}: left-out {here.left_out}": (f"images of {here.left_out}", here.anomalous)}
    if other is None or trained_there is None:
        found = compare(trained_here, here.normal, anomalies, normal_name=normal_name)
        return {**found, **{title: missing or "no other data set was given" for title in titles}}
    anomalies[titles[0]] = (f"{other.title} images", other.x_test)
    found = compare(trained_here, here.normal, anomalies, normal_name=normal_name)
    found.update(compare(trained_there, other.x_test, {titles[1]: (f"{data.title} images", data.x_test)},
                         normal_name=f"{other.title} images"))
    return found


def table(made: dict, false_alarm_rate: float) -> str:
    """A Markdown table: for each comparison made and each score, the AUROC, the threshold for
    ``false_alarm_rate`` and what it catches and flags."""
    from aekit._markdown import markdown_table

    rows = []
    for comparison in _made(made):
        for score in SCORES:
            found = comparison.detection(score, false_alarm_rate)
            rows.append([comparison.title, score, f"{comparison.auroc(score):.3f}", f"{found.threshold:.4g}",
                         f"{found.detection_rate:.1%}", f"{found.false_alarm_rate:.1%}"])
    return markdown_table(["comparison", "score", "AUROC", f"threshold for {false_alarm_rate:.1%} false alarms",
                           "anomalies flagged", "normal images flagged"], rows)


def headline(made: dict) -> dict:
    """The AUROCs the report's index shows: the autoencoder's and the VAE's per comparison made."""
    return {f"AUROC {c.title}, autoencoder / VAE": f"{c.auroc(AUTOENCODER):.3f} / {c.auroc(NELBO):.3f}"
            for c in _made(made)}


def _made(made: dict) -> list:
    return [c for c in made.values() if isinstance(c, Comparison)]


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


def pixel_table(images, reconstructions, names, *, pixels: int = 5):
    """A pandas DataFrame of each image's ``pixels`` worst-reconstructed pixels: where they are
    (row, column), the original and reconstructed values, and reconstructed − original
    (``names`` labels the images)."""
    import pandas as pd

    from aekit.measures import image_shape

    images = check_images("images", images)
    reconstructions = check_images("reconstructions", reconstructions, images.shape[1])
    pixels = check_int("pixels", pixels, 1, images.shape[1])
    shape = image_shape(images.shape[1])
    if len(reconstructions) != len(images) or len(names) != len(images):
        raise ValueError(f"reconstructions and names must hold one entry per image ({len(images)}), "
                         f"got {len(reconstructions)} and {len(names)}")
    rows = []
    for name, image, reconstruction in zip(names, images, reconstructions):
        difference = reconstruction - image
        for index in np.argsort(-np.abs(difference), kind="stable")[:pixels]:
            row, column = np.unravel_index(index, shape)[:2]
            rows.append({"image": name, "pixel (row, column)": f"({row}, {column})",
                         "original": round(float(image[index]), 2),
                         "reconstructed": round(float(reconstruction[index]), 2),
                         "reconstructed − original": round(float(difference[index]), 2)})
    return pd.DataFrame(rows).set_index("image")  # one level: a plain table, no merged cells


WRONG_WAY = 0.45  # an AUROC below this ranks anomalies below normal images (0.5 ± 0.05: chance)


def verdict(auroc: float) -> str:
    """A few words on what an AUROC means for a detector."""
    if auroc >= 0.9:
        return "separates them well"
    if auroc >= 0.55:
        return "separates them in part"
    if auroc >= WRONG_WAY:
        return "does no better than chance"
    return "ranks them the wrong way round"


def findings(made: dict, *, false_alarm_rate: float) -> str:
    """What :func:`comparisons` showed (``made``, its result), in sentences computed from the
    numbers (Markdown bullets)."""
    if not isinstance(made, dict) or len(made) != 3:
        raise ValueError("made must be the dict of three comparisons that aekit.anomaly.comparisons returns")
    left_out, other, reverse = (c if isinstance(c, Comparison) else None for c in made.values())
    missing = next((c for c in made.values() if isinstance(c, str)), "")
    rate = f"{100 * check_float('false_alarm_rate', false_alarm_rate, 0.0, 0.5, low_open=True):.3g}%"
    lines = []
    for comparison in filter(None, (left_out, other, reverse)):
        ranked = sorted(SCORES, key=comparison.auroc, reverse=True)
        found = comparison.detection(AUTOENCODER, false_alarm_rate)
        lines.append(
            f"**{comparison.title[0].upper() + comparison.title[1:]}.** The autoencoder's error "
            f"{verdict(comparison.auroc(AUTOENCODER))} "
            f"(AUROC {comparison.auroc(AUTOENCODER):.3f}): at a {rate} false-alarm rate it "
            f"flags {found.detection_rate:.0%} of the {comparison.anomaly_name}, and "
            f"{found.false_alarm_rate:.1%} of the evaluation {comparison.normal_name}. Best score here: "
            f"*{ranked[0]}* (AUROC {comparison.auroc(ranked[0]):.3f}); worst: *{ranked[-1]}* "
            f"(AUROC {comparison.auroc(ranked[-1]):.3f}, it {verdict(comparison.auroc(ranked[-1]))})."
            + _why(comparison))
    if reverse is not None and other is not None:
        lines.append(_both_directions(other, reverse))
    elif missing:
        lines.append(f"**Another data set.** Not compared in this run: {missing}")
    shown = [c for c in (left_out, other, reverse) if c is not None]
    if len(shown) > 1:
        robust = max(SCORES, key=lambda score: min(c.auroc(score) for c in shown))
        lines.append(f"**Across the {len(shown)} comparisons**, the score whose worst AUROC is highest is "
                     f"*{robust}* (worst {min(c.auroc(robust) for c in shown):.3f}).")
    return "\n".join(f"- {line}" for line in lines)


def _why(comparison: Comparison) -> str:
    """Why a score ranks anomalies below normal images, when the numbers say so: the errors and the
    likelihood favour the simpler images, and the zlib correction the more complex ones."""
    bits = {name: float(np.median(complexity_of(scores)) / math.log(2))
            for name, scores in (("normal", comparison.normal), ("anomalous", comparison.anomalous))}
    simpler = bits["anomalous"] < bits["normal"]
    fooled = [score for score in ((AUTOENCODER, CONVOLUTIONAL, NELBO) if simpler else (SERRA,))
              if comparison.auroc(score) < WRONG_WAY]
    if not fooled:
        return ""
    names = ", ".join(f"*{score}*" for score in fooled)
    sizes = (f"zlib needs a median of {bits['anomalous']:,.0f} bits for one, against {bits['normal']:,.0f} "
             f"for the {comparison.normal_name}")
    if simpler:
        return (f" The {comparison.anomaly_name} are the simpler images ({sizes}), and simple images are cheap "
                f"to reconstruct and to explain whatever the model learned: {names} rank"
                f"{'s' if len(fooled) == 1 else ''} them below normal images.")
    return (f" The {comparison.anomaly_name} are the more complex images ({sizes}), and {names} subtracts "
            f"that complexity from a likelihood that grows less with it, so it ranks them below normal images.")


def complexity_of(scores: dict) -> np.ndarray:
    """The zlib length in nats that the scores of :data:`SERRA` subtracted, image by image."""
    return scores[NELBO] - scores[SERRA]


def _both_directions(other: Comparison, reverse: Comparison) -> str:
    """Which score works in which direction between two data sets, and why, from the numbers."""
    fails, works = sorted((other, reverse), key=lambda c: c.auroc(NELBO))
    nelbo = {name: float(np.median(values)) for name, values in (("seen", fails.normal[NELBO]),
                                                                  ("unseen", fails.anomalous[NELBO]))}
    floor = {name: float(np.median(scores[NELBO] - scores[FLOOR]))
             for name, scores in (("seen", fails.normal), ("unseen", fails.anomalous))}
    text = (f"**Both directions.** Trained on {fails.trained_on}, the VAE gives {fails.anomaly_name} a median "
            f"negative ELBO of {nelbo['unseen']:.0f} nats against {nelbo['seen']:.0f} for {fails.trained_on}'s "
            f"own held-out images: AUROC {fails.auroc(NELBO):.3f}, against {works.auroc(NELBO):.3f} trained on "
            f"{works.trained_on}")
    if fails.auroc(NELBO) < WRONG_WAY:
        text += (". It finds images it never saw *more* likely than those it learned, as Nalisnick et al. "
                 f"found for Fashion-MNIST and MNIST. Their entropy floor, the least binary cross-entropy any "
                 f"reconstruction reaches, is a median of {floor['unseen']:.0f} nats for {fails.anomaly_name} "
                 f"against {floor['seen']:.0f} for {fails.trained_on}'s images"
                 + (": the simpler images are cheap to explain whatever the model learned. "
                    if floor["unseen"] < floor["seen"] else "; complexity alone does not explain it here. "))
    else:
        text += ". "
    text += (f"Subtracting the floor gives AUROC {fails.auroc(FLOOR):.3f} trained on {fails.trained_on} and "
             f"{works.auroc(FLOOR):.3f} trained on {works.trained_on}; subtracting the zlib length (Serrà et al.) "
             f"gives {fails.auroc(SERRA):.3f} and {works.auroc(SERRA):.3f}")
    worse = min((fails, works), key=lambda c: c.auroc(SERRA))
    if worse.auroc(SERRA) < WRONG_WAY:
        gap = {name: float(np.median(f(worse.anomalous)) - np.median(f(worse.normal)))
               for name, f in (("zlib", complexity_of), ("nelbo", lambda scores: scores[NELBO]))}
        text += (f". Trained on {worse.trained_on}, zlib's length grows by a median of {gap['zlib']:,.0f} nats "
                 f"from the {worse.normal_name} to the {worse.anomaly_name}, the negative ELBO by only "
                 f"{gap['nelbo']:,.0f}: zlib codes 256 grey levels per pixel, a Bernoulli likelihood of grey "
                 f"values does not, so on grey images the two are not in the same units and the correction "
                 f"overshoots")
    text += (f". The autoencoder's squared error has no such floor (a perfect reconstruction of any image "
             f"scores 0): AUROC {other.auroc(AUTOENCODER):.3f} trained on {other.trained_on} and "
             f"{reverse.auroc(AUTOENCODER):.3f} trained on {reverse.trained_on}.")
    return text
