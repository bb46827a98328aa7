"""The plain autoencoder: 784 → 64 → 2 → 64 → 784 by default, the model every variation is measured against."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from aekit.models.base import Autoencoder, dense_parts
from aekit.models.config import Choice, Int, ModelConfig, setting


@dataclasses.dataclass(frozen=True)
class DenseShape(ModelConfig):
    """The shape every fully connected model shares: one hidden layer and a code."""

    hidden_units: int = setting(64, Int(1, 4096), "width of the hidden layer in the encoder and the decoder")
    latent_dim: int = setting(2, Int(1, 1024), "length of the latent code")


@dataclasses.dataclass(frozen=True)
class AutoencoderConfig(DenseShape):
    name = "autoencoder"
    title = "Autoencoder"

    output_activation: str = setting("sigmoid", Choice(("sigmoid", "tanh")),
                                     "the decoder's output: `sigmoid`, or `tanh` on inputs scaled to [−1, 1]")

    def build(self, *, seed=None, input_dim: int = 784) -> Autoencoder:
        return make_autoencoder(input_dim, self.hidden_units, self.latent_dim,
                                output_activation=self.output_activation)


CONFIG = AutoencoderConfig


def build_autoencoder(input_dim: int = 784, hidden_units: int | Sequence[int] = DenseShape.hidden_units,
                      latent_dim: int = DenseShape.latent_dim, *, hidden_activation: str = "relu",
                      latent_activation: str | None = None,
                      output_activation: str = AutoencoderConfig.output_activation):
    """Return ``(encoder, decoder, autoencoder)``.

    The defaults are the reference 784 → Dense(64, relu) → Dense(2) encoder and the mirrored
    2 → Dense(64, relu) → Dense(784, sigmoid) decoder; the autoencoder is the functional graph
    image → encoder → decoder. ``hidden_units`` lists the encoder's hidden widths (the decoder
    mirrors them), so ``hidden_units=(144, 72), latent_dim=48, hidden_activation="tanh",
    latent_activation="tanh"`` builds 784→144→72→48. With ``output_activation="tanh"`` the network
    works on inputs scaled to [−1, 1] (the encoder scales its [0, 1] input, the decoder scales its
    output back), as ``input_dim=12288, hidden_units=512, latent_dim=24`` on 64 × 64 colour images
    does in a common version of the assignment.
    """
    model = make_autoencoder(input_dim, hidden_units, latent_dim, hidden_activation=hidden_activation,
                             latent_activation=latent_activation, output_activation=output_activation)
    return model.encoder, model.decoder, model


def make_autoencoder(input_dim=784, hidden_units=DenseShape.hidden_units, latent_dim=DenseShape.latent_dim, *,
                     hidden_activation="relu", latent_activation=None,
                     output_activation=AutoencoderConfig.output_activation) -> Autoencoder:
    """The autoencoder :func:`build_autoencoder` describes, as the model alone."""
    encoder, decoder = dense_parts(input_dim, hidden_units, latent_dim, hidden_activation=hidden_activation,
                                   latent_activation=latent_activation, output_activation=output_activation)
    return Autoencoder(encoder, decoder, name="autoencoder")
