"""Q3's detectors and their scores: models trained on normal images score how badly they explain
a new one.

Three models learn the normal images (:func:`train_detectors`): the plain autoencoder and the
convolutional one score an image by their reconstruction error, the VAE by its negative ELBO.
A likelihood is known to favour simple images whatever it was trained on (Nalisnick et al.,
"Do deep generative models know what they don't know?", ICLR 2019, arXiv:1810.09136), so two
scores correct the VAE's for the image's own complexity: Serrà et al.'s (ICLR 2020,
arXiv:1909.11480), which subtracts what a general-purpose compressor (zlib) needs for the image,
and the image's entropy floor, the least binary cross-entropy any reconstruction of it can reach.
"""

from __future__ import annotations

import dataclasses
import math
import zlib

import numpy as np

from aekit._checks import check_images, check_int
from aekit._keras import check_model
from aekit.likelihood import elbo
from aekit.models import VAE, Autoencoder, config
from aekit.training import set_seed, train

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
    if not isinstance(check_model("model", model), Autoencoder):
        raise ValueError(f"model must be an aekit model with an encoder and a decoder, got the "
                         f"{type(model).__name__} {model.name!r}")
    return model.reconstruct(images)


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


@dataclasses.dataclass(frozen=True)
class Detectors:
    """The three models trained on one data set's normal images."""

    autoencoder: Autoencoder
    convolutional: Autoencoder
    vae: VAE
    trained_on: str
    seed: int = 0

    def scores(self, images) -> dict[str, np.ndarray]:
        """Every score of :data:`SCORES` for each image: the higher, the more anomalous."""
        images = check_images("images", images, 784)
        nelbo = -elbo(self.vae, images, samples=ELBO_SAMPLES, seed=self.seed)
        return {AUTOENCODER: reconstruction_error(self.autoencoder, images),
                CONVOLUTIONAL: reconstruction_error(self.convolutional, images),
                NELBO: nelbo,
                SERRA: nelbo - complexity(images) * math.log(2),
                FLOOR: nelbo - entropy_floor(images)}


def train_detectors(x_train, *, trained_on: str, epochs: int = 15, batch_size: int = 64,
                    learning_rate: float = 0.01, hidden_units: int = 64, latent_dim: int = 8,
                    seed: int = 0) -> Detectors:
    """Train the autoencoder (784 → ``hidden_units`` → ``latent_dim`` → …), the convolutional
    autoencoder and the VAE of the same code size on the normal images ``x_train`` (28 × 28),
    each with the same budget; ``trained_on`` names the images for captions."""
    x_train = check_images("x_train", x_train, 784)
    seed = check_int("seed", seed, 0, 2**31 - 1)
    set_seed(seed)
    models = (config("autoencoder")(hidden_units=hidden_units, latent_dim=latent_dim).build(),
              config("convolutional")(latent_dim=latent_dim).build(),
              config("vae")(hidden_units=hidden_units, latent_dim=latent_dim).build(seed=seed))
    for model in models:
        train(model, x_train, epochs=epochs, batch_size=batch_size, learning_rate=learning_rate)
    return Detectors(*models, trained_on=str(trained_on), seed=seed)
