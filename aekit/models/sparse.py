"""The sparse autoencoder (Ng's CS294A notes): a wider code, most of it zero for any one image."""

from __future__ import annotations

import dataclasses

from aekit._keras import keras
from aekit.models.autoencoder import DenseShape
from aekit.models.base import Autoencoder, dense_parts
from aekit.models.config import Float, Int, setting

ops = keras.ops


@dataclasses.dataclass(frozen=True)
class SparseConfig(DenseShape):
    name = "sparse"
    title = "Sparse autoencoder"

    latent_dim: int = setting(32, Int(8, 1024, hint="a sparse code needs room to leave units unused"),
                              "length of the latent code (ReLU units)")
    sparsity: float = setting(0.01, Float(0.0, 10.0, low_open=True), "weight λ of the L1 penalty on the code")

    def build(self, *, seed=None) -> "SparseAutoencoder":
        encoder, decoder = dense_parts(784, self.hidden_units, self.latent_dim, latent_activation="relu")
        return SparseAutoencoder(encoder, decoder, sparsity=self.sparsity, name="sparse_autoencoder")


CONFIG = SparseConfig


@keras.saving.register_keras_serializable(package="aekit")
class SparseAutoencoder(Autoencoder):
    """A ReLU code with an L1 penalty: the loss adds ``sparsity`` × the mean absolute code value,
    so each image is described by few active units."""

    loss_names = ("loss", "reconstruction_loss", "sparsity_penalty")

    def __init__(self, encoder, decoder, sparsity: float = SparseConfig.sparsity, **kwargs):
        super().__init__(encoder, decoder, **kwargs)
        self.sparsity = SparseConfig.check("sparsity", sparsity)

    def losses_for(self, images, training=False):
        codes = self.code(images, training=training)
        reconstruction = ops.mean(ops.square(self.decoder(codes, training=training) - images))
        penalty = ops.mean(ops.abs(codes))
        return reconstruction + self.sparsity * penalty, reconstruction, penalty

    def settings(self) -> dict:
        return {"sparsity": self.sparsity}

    def diagram_notes(self) -> dict:
        return {"latent": f"ReLU code; the loss adds\n{self.sparsity:g} · mean |z|"}
