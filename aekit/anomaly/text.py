"""What Q3's comparisons showed, in tables and sentences computed from the numbers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from aekit._checks import check_float, check_images, check_int
from aekit._markdown import markdown_table
from aekit.anomaly.comparison import Comparison
from aekit.anomaly.scores import AUTOENCODER, CONVOLUTIONAL, FLOOR, NELBO, SCORES, SERRA
from aekit.measures import image_shape

def table(made: dict, false_alarm_rate: float) -> str:
    """A Markdown table: for each comparison made and each score, the AUROC, the threshold for
    ``false_alarm_rate`` and what it catches and flags."""
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


def pixel_table(images, reconstructions, names, *, pixels: int = 5):
    """A pandas DataFrame of each image's ``pixels`` worst-reconstructed pixels: where they are
    (row, column), the original and reconstructed values, and reconstructed − original
    (``names`` labels the images)."""
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
