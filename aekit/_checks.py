"""Argument validation shared by every public function: one clear error per bad input."""

from __future__ import annotations

import math
import numbers

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


def check_images(name: str, images, pixels: int | None = None) -> np.ndarray:
    """Return images as a float32 array of shape (n, pixels) with finite values in [0, 1]."""
    array = np.asarray(images, dtype=np.float32)
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2 or array.shape[0] == 0 or (pixels is not None and array.shape[1] != pixels):
        want = f"(n, {pixels})" if pixels is not None else "(n, pixels)"
        raise ValueError(f"{name} must have shape {want} with n >= 1, got shape {np.shape(images)}")
    if not np.all(np.isfinite(array)) or array.min() < 0.0 or array.max() > 1.0:
        raise ValueError(f"{name} must hold finite pixel values in [0, 1], "
                         f"got values in [{np.nanmin(array):g}, {np.nanmax(array):g}]")
    return array


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
