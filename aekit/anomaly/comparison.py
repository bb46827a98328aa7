"""Normal against anomalous held-out images, scored by each detector: ROC curves, AUROCs, and the
threshold for a chosen false-alarm rate.

:func:`compare` splits the held-out normal images into a calibration half (it sets the
threshold for a chosen false-alarm rate) and an evaluation half (it measures everything else).
"""

from __future__ import annotations

import dataclasses

import numpy as np
from sklearn.metrics import roc_auc_score, roc_curve

from aekit._checks import check_float, check_images
from aekit.anomaly.scores import UNITS, Detectors
from aekit.anomaly.splits import Split

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
    ("MNIST images other than digit 0", "images of digit 0"); ``units`` what each score counts in.
    """

    title: str
    trained_on: str
    normal_name: str
    anomaly_name: str
    calibration: dict
    normal: dict
    anomalous: dict
    units: dict = dataclasses.field(default_factory=lambda: dict(UNITS))

    def roc(self, score: str):
        """``(false-alarm rates, detection rates, AUROC)`` of ``score`` over every threshold."""
        truth, values = self._labelled(score)
        fpr, tpr, _ = roc_curve(truth, values)
        return fpr, tpr, float(roc_auc_score(truth, values))

    def auroc(self, score: str) -> float:
        """The area under the ROC curve: the chance that a random anomaly scores above a random
        normal image (0.5: no better than a coin, below 0.5: the score ranks them the wrong way)."""
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
