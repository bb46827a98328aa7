"""How well a VAE explains held-out images, in the literature's terms.

:func:`log_likelihood` estimates log p(x) by importance sampling (Burda, Grosse & Salakhutdinov,
"Importance Weighted Autoencoders", arXiv:1509.00519): with z₁ … z_k drawn from q(z | x),

    log p(x) ≥ log (1/k) Σᵢ p(x, zᵢ) / q(zᵢ | x),

a bound that is the ELBO for k = 1 and tightens towards log p(x) as k grows (:func:`elbo` averages
the k = 1 bound over samples instead). :func:`active_units`
and :func:`kl_per_element` say which latent elements carry information; :func:`binarise` gives
the binary images published log-likelihoods are measured on.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from aekit._checks import check_float, check_images, check_int
from aekit._keras import check_model, keras
from aekit.backend import compiled
from aekit.models.base import CHUNK
from aekit.models.vae import VAE

ops = keras.ops
ACTIVE = 0.01  # Burda et al.: a unit is active when Var_x E_q[z_u | x] exceeds this
_VALUES = 16_384 * 784  # pixels decoded at once (about 50 MB of float32), whatever the image size


def log_likelihood(vae, images, *, k: int = 1000, seed: int = 0) -> np.ndarray:
    """The importance-weighted lower bound on log p(x) of each image, in nats, from ``k`` samples
    of the VAE's q(z | x) (numerically stable: the log of the mean weight is a log-sum-exp).

    ``vae`` is an aekit VAE (its encoder gives μ and log σ²; its decoder, Bernoulli pixel
    probabilities). The samples come from a NumPy generator seeded with ``seed``, in batches
    that fit in memory: the same images, ``k`` and seed give the same estimates.
    """
    posterior = _posterior(vae, images)
    k = check_int("k", k, 1, 1_000_000)
    estimates = np.full(len(posterior.images), -np.inf)
    for rows, log_w in _log_weights(*posterior, k, seed):
        estimates[rows] = np.logaddexp(estimates[rows], _logsumexp(log_w))
    return estimates - math.log(k)


def elbo(vae, images, *, samples: int = 10, seed: int = 0) -> np.ndarray:
    """The evidence lower bound of each image in nats, E_q[log p(x, z) − log q(z | x)],
    averaged over ``samples`` draws from q(z | x) (seeded as in :func:`log_likelihood`)."""
    posterior = _posterior(vae, images)
    samples = check_int("samples", samples, 1, 1_000_000)
    totals = np.zeros(len(posterior.images))
    for rows, log_w in _log_weights(*posterior, samples, seed):
        totals[rows] += log_w.sum(axis=-1)
    return totals / samples


def _log_weights(decoder, images, z_mean, z_log_var, k: int, seed):
    """Yield ``(rows, log w)``: for a slice of the images, log p(x, z) − log q(z | x) for a
    batch of their samples z ~ q(z | x), until each image has had ``k``."""
    rng = np.random.default_rng(check_int("seed", seed, 0, 2**31 - 1))
    log_p_x_given_z = compiled(lambda x, z: _log_p_x_given_z(decoder, x, z))
    latent = z_mean.shape[1]
    rows_at_once = max(1, _VALUES // images.shape[1])  # (image, sample) pairs per decoder call
    per_image = max(1, rows_at_once // k)  # images per batch when one image's k samples fit in a batch
    for start in range(0, len(images), per_image):
        rows = slice(start, start + per_image)
        x, mu, log_var = images[rows], z_mean[rows], z_log_var[rows]
        step = min(k, max(1, rows_at_once // len(x)))
        for drawn in range(0, k, step):
            s = min(step, k - drawn)
            epsilon = rng.standard_normal((len(x), s, latent))
            z = mu[:, None] + np.exp(0.5 * log_var)[:, None] * epsilon
            yield rows, (log_p_x_given_z(x.astype(np.float32), z.reshape(-1, latent).astype(np.float32)
                                         ).astype(np.float64).reshape(len(x), s)
                         - 0.5 * np.sum(z ** 2, axis=-1)                          # log p(z), up to a constant…
                         + 0.5 * np.sum(epsilon ** 2 + log_var[:, None], axis=-1))  # … − log q(z | x): it cancels


def _log_p_x_given_z(decoder, x, z):
    """log p(x | z) under the decoder's Bernoulli pixels for images ``x`` (n, pixels) and their
    samples ``z`` (n · s, latent), image by image, computed as the training loss computes it
    (Keras's binary cross-entropy); compiled by :func:`_log_weights` (five times faster on a CPU
    than op by op: the decoder and the loss are fused)."""
    probabilities = decoder(z, training=False)
    targets = ops.repeat(x, ops.shape(z)[0] // ops.shape(x)[0], axis=0)
    return -ops.sum(ops.binary_crossentropy(targets, probabilities), axis=-1)


def _logsumexp(values) -> np.ndarray:
    top = values.max(axis=-1)
    return top + np.log(np.sum(np.exp(values - top[:, None]), axis=-1))


def active_units(vae, images, *, threshold: float = ACTIVE) -> np.ndarray:
    """Whether each latent element is active: the variance over the images of its posterior mean
    E_q[z_u | x] = μ_u(x) exceeds ``threshold`` (Burda et al.'s measure)."""
    threshold = check_float("threshold", threshold, 0.0, 100.0)
    z_mean = _posterior(vae, images).z_mean
    return np.var(z_mean, axis=0) > threshold


def kl_per_element(vae, images) -> np.ndarray:
    """The KL of q(z_j | x) to the prior N(0, 1) of each latent element j, in nats, averaged over
    the images: the information each element carries (near 0: collapsed to the prior)."""
    posterior = _posterior(vae, images)
    z_mean, z_log_var = posterior.z_mean, posterior.z_log_var
    return np.mean(-0.5 * (1 + z_log_var - z_mean ** 2 - np.exp(z_log_var)), axis=0)


def binarise(images, *, seed: int = 0) -> np.ndarray:
    """Binary images, each pixel drawn as Bernoulli(its intensity) from a generator seeded with
    ``seed``: the "stochastically binarised MNIST" of the literature."""
    images = check_images("images", images)
    rng = np.random.default_rng(check_int("seed", seed, 0, 2**31 - 1))
    return (rng.random(images.shape) < images).astype(np.float32)


class _Posterior(NamedTuple):
    """An aekit VAE's decoder, the checked images, and the parameters of q(z | x) for each (float64)."""

    decoder: object
    images: np.ndarray
    z_mean: np.ndarray
    z_log_var: np.ndarray


def _posterior(vae, images) -> _Posterior:
    """The :class:`_Posterior` of ``images`` under ``vae``; or an error saying what was passed instead."""
    check_model("vae", vae)
    if not isinstance(vae, VAE):
        raise ValueError(f"vae must be an aekit VAE (from aekit.build_vae or the vae and beta_vae "
                         f"models), got {type(vae).__name__}")
    images = check_images("images", images, vae.decoder.output_shape[-1])
    chunks = [vae.posterior(images[start:start + CHUNK]) for start in range(0, len(images), CHUNK)]
    z_mean, z_log_var = (np.concatenate([ops.convert_to_numpy(chunk[k]) for chunk in chunks]).astype(np.float64)
                         for k in (0, 1))
    return _Posterior(vae.decoder, images, z_mean, z_log_var)
