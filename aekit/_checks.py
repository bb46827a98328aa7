"""Argument validation shared by every public function: one clear error per bad input."""

from __future__ import annotations

import math
import numbers
import os
from pathlib import Path

import numpy as np


def check_int(name: str, value, low: int | None = None, high: int | None = None) -> int:
    """Return ``value`` as an int, or raise a ValueError naming ``name`` and the valid range."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer{_range(low, high)}, got {value!r}")
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"{name} must be an integer{_range(low, high)}, got {value}")
    return value


def check_float(name: str, value, low: float | None = None, high: float | None = None,
                *, low_open: bool = False) -> float:
    """Return ``value`` as a finite float within [low, high] (or (low, high] if ``low_open``)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number{_range(low, high, low_open)}, got {value!r}")
    value = float(value)
    too_low = low is not None and (value <= low if low_open else value < low)
    if too_low or (high is not None and value > high):
        raise ValueError(f"{name} must be a finite number{_range(low, high, low_open)}, got {value}")
    return value


def check_array(name: str, value, *, ndim: tuple[int, ...] | None = (2,)) -> np.ndarray:
    """Return ``value`` as a float32 array of one of the ranks ``ndim`` (any if None) with finite
    numbers; say how many NaN or infinite values it holds, or that it is not numbers at all."""
    if isinstance(value, (str, bytes)):
        raise ValueError(f"{name} must be an array of numbers, got the {type(value).__name__} {value!r:.40}")
    try:
        array = np.asarray(value, dtype=np.float32)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of numbers, got {describe(value)}") from None
    if ndim is not None and array.ndim not in ndim:
        raise ValueError(f"{name} must have {' or '.join(map(str, ndim))} dimensions, got shape {array.shape}")
    finite = np.isfinite(array)
    if not finite.all():
        nan, inf = int(np.isnan(array).sum()), int(np.isinf(array).sum())
        raise ValueError(f"{name} must hold finite numbers, but holds "
                         + " and ".join(part for part in (f"{nan:,} NaN" if nan else "",
                                                          f"{inf:,} infinite" if inf else "") if part)
                         + f" value{'s' if nan + inf > 1 else ''} (of {array.size:,})")
    return array


def check_images(name: str, images, pixels: int | None = None) -> np.ndarray:
    """Return images as a float32 array of shape (n, pixels) with finite values in [0, 1]."""
    array = check_array(name, images, ndim=None)
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2 or array.shape[0] == 0 or (pixels is not None and array.shape[1] != pixels):
        want = f"(n, {pixels})" if pixels is not None else "(n, pixels)"
        raise ValueError(f"{name} must have shape {want} with n >= 1, got shape {np.shape(images)}")
    if array.min() < 0.0 or array.max() > 1.0:
        raise ValueError(f"{name} must hold pixel values in [0, 1], got values in "
                         f"[{array.min():g}, {array.max():g}]")
    return array


def check_labels(name: str, labels, n: int) -> np.ndarray:
    """Return at least ``n`` integer class labels (one per image) as an int64 array."""
    array = np.asarray(labels)
    if array.ndim != 1 or len(array) < n:
        raise ValueError(f"{name} must hold at least {n} values (one per image), got shape {array.shape}")
    if not (np.issubdtype(array.dtype, np.integer) or array.dtype == bool):
        if not (np.issubdtype(array.dtype, np.floating) and np.all(np.isfinite(array))
                and np.all(array == np.round(array))):
            raise ValueError(f"{name} must be integer class labels, got {array.dtype} values "
                             f"such as {array.ravel()[:3].tolist()}")
    return array.astype(np.int64)


def check_path(name: str, value, *, suffix: str | None = None) -> Path:
    """Return ``value`` as a Path; it must be a non-empty str or os.PathLike (with ``suffix``)."""
    if not isinstance(value, (str, os.PathLike)) or not os.fspath(value):
        raise ValueError(f"{name} must be a file path (a non-empty str or pathlib.Path), got {value!r}")
    path = Path(value)
    if suffix is not None and path.suffix.lower() != suffix:
        raise ValueError(f"{name} must end in {suffix}, got {str(path)!r}")
    return path


def check_text(name: str, value) -> str | None:
    """A title or label: a str, or None."""
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{name} must be a str or None, got {value!r}")
    return value


def describe(value) -> str:
    """A value as an error message shows it: its type and a short repr."""
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) <= 40 else text[:37] + '...'}"


def check_choice(name: str, value, choices) -> str:
    """Return ``value`` if it is one of ``choices``; otherwise say which ones are valid."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}")
    return value


def _range(low, high, low_open: bool = False) -> str:
    if low is not None and high is not None:
        return f" in {'(' if low_open else '['}{low}, {high}]"
    if low is not None:
        return f" {'>' if low_open else '>='} {low}"
    if high is not None:
        return f" <= {high}"
    return ""
