"""The denoising autoencoder (Vincent et al.): reconstruct the clean image from a corrupted one."""

from __future__ import annotations

import dataclasses

from aekit._keras import keras
from aekit.models.autoencoder import DenseShape
from aekit.models.base import Autoencoder, dense_parts
from aekit.models.config import Float, Int, setting

ops = keras.ops


@dataclasses.dataclass(frozen=True)
class DenoisingConfig(DenseShape):
    name = "denoising"
    title = "Denoising autoencoder"

    latent_dim: int = setting(32, Int(1, 1024), "length of the latent code")
    noise: float = setting(0.5, Float(0.0, 1.0, low_open=True),
                           "standard deviation σ of the Gaussian noise added while training")

    def build(self, *, seed=None) -> "DenoisingAutoencoder":
        encoder, decoder = dense_parts(784, self.hidden_units, self.latent_dim)
        return DenoisingAutoencoder(encoder, decoder, noise=self.noise, seed=seed, name="denoising_autoencoder")


CONFIG = DenoisingConfig


@keras.saving.register_keras_serializable(package="aekit")
class DenoisingAutoencoder(Autoencoder):
    """Trained to give back the clean image from a corrupted one: each batch gets fresh Gaussian
    noise of standard deviation ``noise`` (clipped to [0, 1]); the loss is the mean squared error
    to the clean image. The graph reconstructs what it is given, without adding noise."""

    def __init__(self, encoder, decoder, noise: float = DenoisingConfig.noise, seed: int | None = None, **kwargs):
        super().__init__(encoder, decoder, **kwargs)
        self.noise = DenoisingConfig.check("noise", noise)
        self.seed = seed
        self.noise_generator = keras.random.SeedGenerator(seed)

    def losses_for(self, images, training=False):
        noisy = images + self.noise * keras.random.normal(ops.shape(images), seed=self.noise_generator)
        restored = self(ops.clip(noisy, 0.0, 1.0), training=training)
        return (ops.mean(ops.square(restored - images)),)

    def settings(self) -> dict:
        return {"noise": self.noise, "seed": self.seed}

    def diagram_notes(self) -> dict:
        return {"input": f"training input:\nx̃ = clip(x + {self.noise:g}·ε), ε ~ N(0, I)"}
