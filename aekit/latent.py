"""Encoding, decoding and editing latent codes."""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from aekit._checks import check_array, check_images, check_int, check_labels
from aekit._keras import check_model, keras
from aekit.models.base import call_in_chunks, model_widths


def encode(encoder: keras.Model, images) -> np.ndarray:
    """Return the latent codes of ``images`` (n, pixels); for a VAE encoder, the means μ."""
    width, _ = _check_part("encoder", encoder, "images", images, "a decoder (it draws images from codes)")
    images = check_images("images", images, width)
    return call_in_chunks(encoder, images, output=0 if len(encoder.outputs) > 1 else None)


def decode(decoder: keras.Model, codes) -> np.ndarray:
    """Return the images (n, pixels) that ``decoder`` draws for latent ``codes`` (n, latent_dim)."""
    width, _ = _check_part("decoder", decoder, "codes", codes, "an encoder (it maps images to codes)")
    return call_in_chunks(decoder, check_codes("codes", codes, width))


def _check_part(name, model, data_name, data, other) -> tuple[int, int]:
    """The widths of ``model``; if ``data`` fits its output rather than its input, say it looks
    like ``other``, the wrong half of the autoencoder."""
    width_in, width_out = model_widths(name, model)
    shape = np.shape(data) if not isinstance(data, (str, bytes)) else ()
    if len(shape) in (1, 2) and shape[-1] != width_in and shape[-1] == width_out:
        raise ValueError(f"{name} takes inputs of width {width_in}, but {data_name} have width "
                         f"{shape[-1]}, which is what it gives: it looks like {other}")
    return width_in, width_out


def adjust_latent(z, dim: int, *, scale: float | None = None, offset: float | None = None,
                  value: float | None = None) -> np.ndarray:
    """Return a copy of ``z`` with element ``dim`` multiplied by ``scale``, shifted by ``offset``
    or set to ``value`` (exactly one of them). ``z`` is one code (d,) or a batch (n, d); it is
    never modified, so one edit cannot leak into the next.
    """
    z = check_array("z", z, ndim=(1, 2))
    if z.shape[-1] == 0:
        raise ValueError(f"z must be one latent code (d,) or a batch (n, d), got shape {z.shape}")
    dim = check_int("dim", dim, 0, z.shape[-1] - 1)
    operation, amount = _check_edit(scale, offset, value)
    edited = z.copy()
    if operation == "scale":
        edited[..., dim] *= amount
    elif operation == "offset":
        edited[..., dim] += amount
    else:
        edited[..., dim] = amount
    return edited


@dataclasses.dataclass(frozen=True)
class Adjustment:
    """One edit of one latent element, e.g. ``Adjustment(0, scale=5)``; its label is ``z[0] × 5``."""

    dim: int
    scale: float | None = None
    offset: float | None = None
    value: float | None = None

    def __post_init__(self):
        check_int("dim", self.dim, 0)
        _check_edit(self.scale, self.offset, self.value)

    def apply(self, z) -> np.ndarray:
        """The edited copy of ``z`` (see :func:`adjust_latent`)."""
        return adjust_latent(z, self.dim, scale=self.scale, offset=self.offset, value=self.value)

    @property
    def label(self) -> str:
        if self.scale is not None:
            inverse = 1.0 / self.scale if self.scale else math.inf
            if 0 < abs(self.scale) < 1 and abs(inverse - round(inverse)) < 1e-6:
                return f"z[{self.dim}] ÷ {_number(inverse)}"
            return f"z[{self.dim}] × {_number(self.scale)}"
        if self.offset is not None:
            return f"z[{self.dim}] {'−' if self.offset < 0 else '+'} {_number(abs(self.offset))}"
        return f"z[{self.dim}] = {_number(self.value)}"


def check_adjustments(adjustments) -> list[Adjustment]:
    """Return ``adjustments`` as a list, or raise if it is empty or holds anything but Adjustment."""
    adjustments = list(adjustments)
    if not adjustments or not all(isinstance(a, Adjustment) for a in adjustments):
        raise ValueError("adjustments must be a non-empty list of aekit.Adjustment")
    return adjustments


def scale_adjustments(dims, factors) -> list[Adjustment]:
    """Every dim in ``dims`` scaled by every factor in ``factors``, in that order."""
    dims, factors = list(dims), list(factors)
    if not dims or not factors:
        raise ValueError(f"dims and factors must each hold at least one value, got {dims}, {factors}")
    return [Adjustment(dim, scale=factor) for dim in dims for factor in factors]


def _check_edit(scale, offset, value):
    given = {name: amount for name, amount in (("scale", scale), ("offset", offset),
                                               ("value", value)) if amount is not None}
    if len(given) != 1:
        raise ValueError(f"give exactly one of scale=, offset= or value=, got {sorted(given) or 'none'}")
    (operation, amount), = given.items()
    if isinstance(amount, bool) or not isinstance(amount, (int, float, np.number)) \
            or not math.isfinite(amount):
        raise ValueError(f"{operation} must be a finite number, got {amount!r}")
    return operation, float(amount)


def _number(x: float) -> str:
    return f"{x:g}"


def check_codes(name: str, codes, latent_dim: int) -> np.ndarray:
    """Return codes as a finite float32 array of shape (n, latent_dim)."""
    array = check_array(name, codes, ndim=(1, 2))
    if array.ndim == 1:
        array = array[None, :]
    if array.shape[0] == 0 or array.shape[1] != latent_dim:
        raise ValueError(f"{name} must have shape (n, {latent_dim}) with n >= 1, "
                         f"got shape {np.shape(codes)}")
    return array


def sample_codes(n: int, latent_dim: int, *, seed: int = 0, codes=None) -> np.ndarray:
    """Draw ``n`` latent codes: from the prior N(0, I), or, given the ``codes`` of real images,
    from the Gaussian fitted to them (the best a plain autoencoder, which has no prior, can do)."""
    n = check_int("n", n, 1, 1_000_000)
    rng = np.random.default_rng(check_int("seed", seed, 0, 2**31 - 1))
    if codes is None:
        return rng.standard_normal((n, check_int("latent_dim", latent_dim, 1))).astype(np.float32)
    codes = check_codes("codes", codes, latent_dim)
    covariance = np.atleast_2d(np.cov(codes, rowvar=False))
    return rng.multivariate_normal(codes.mean(axis=0), covariance, size=n).astype(np.float32)


def interpolate_codes(start, end, steps: int = 9) -> np.ndarray:
    """Codes on the straight lines from each ``start`` to each ``end`` code: (pairs, steps, d)."""
    start, end = check_array("start", start, ndim=(1, 2)), check_array("end", end, ndim=(1, 2))
    start, end = np.atleast_2d(start), np.atleast_2d(end)
    if start.shape != end.shape:
        raise ValueError(f"start and end must have the same shape, got {start.shape} and {end.shape}")
    weights = np.linspace(0.0, 1.0, check_int("steps", steps, 2, 100), dtype=np.float32)[None, :, None]
    return ((1 - weights) * start[:, None, :] + weights * end[:, None, :]).astype(np.float32)


def generate(model: keras.Model, n: int | None = None, *, labels=None, seed: int = 0) -> np.ndarray:
    """Images (n, pixels) a generative model draws from its prior: a VAE's decoder on z ~ N(0, I)
    (or a plain autoencoder's, which has no prior to match), a GAN's generator on its noise; a conditional model (a conditional VAE or GAN) draws one image
    per entry of ``labels``, of the class it names. The codes come from :func:`sample_codes` with
    ``seed``, so the same seed draws the same images (and two models of one latent width, the
    same codes)."""
    check_model("model", model)
    network = next((getattr(model, part) for part in ("generator", "decoder") if hasattr(model, part)), None)
    if network is None:
        raise ValueError(f"model must be an aekit model that draws images (a VAE, an autoencoder, a GAN or a "
                         f"conditional one), got the {type(model).__name__} {model.name!r}")
    latent_dim = network.inputs[0].shape[-1]
    if not model.needs_labels:
        if labels is not None:
            raise ValueError(f"labels are only for a conditional model; {model.name!r} draws from its prior alone")
        return call_in_chunks(network, sample_codes(n, latent_dim, seed=seed))
    if n is not None or labels is None:
        raise ValueError(f"labels must name the class of each image to draw ({model.name!r} is conditional), "
                         f"and n must be left out, got n={n!r}")
    labels = check_labels("labels", labels, 1)
    if labels.min() < 0 or labels.max() >= model.classes:
        raise ValueError(f"labels must be classes in [0, {model.classes - 1}], got [{labels.min()}, {labels.max()}]")
    return call_in_chunks(network, sample_codes(len(labels), latent_dim, seed=seed), labels=labels)
