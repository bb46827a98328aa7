"""Q3's data: a data set divided into normal training images, held-out normal images and the
left-out class; the other data set; every held-out image of a run, captioned."""

from __future__ import annotations

import dataclasses

import numpy as np

from aekit._checks import check_int
from aekit.data import DataError, load_dataset

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
