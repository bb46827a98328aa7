"""The variational autoencoder (Kingma & Welling): a distribution over codes, a prior to sample from."""

from __future__ import annotations

import dataclasses

from aekit._checks import check_int
from aekit._keras import keras
from aekit.models.autoencoder import DenseShape
from aekit.models.base import Autoencoder, dense_parts
from aekit.models.config import Float, setting

ops = keras.ops


@keras.saving.register_keras_serializable(package="aekit")
class Sampling(keras.layers.Layer):
    """Reparameterisation: z = μ + exp(½·log σ²)·ε with ε ~ N(0, I) from a seeded generator."""

    def __init__(self, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        epsilon = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


def kl_divergence(z_mean, z_log_var):
    """KL(N(μ, σ²) ‖ N(0, I)) in nats, summed over latent dimensions: one value per example."""
    return -0.5 * ops.sum(1.0 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=-1)


def reconstruction_nll(images, reconstructions):
    """Bernoulli negative log-likelihood in nats, summed over pixels: one value per example."""
    return ops.sum(ops.binary_crossentropy(images, reconstructions), axis=-1)


@dataclasses.dataclass(frozen=True)
class VAEConfig(DenseShape):
    name = "vae"
    title = "Variational autoencoder (VAE)"

    beta: float = setting(1.0, Float(0.0, 1000.0, low_open=True),
                          "weight β of the KL term (> 0; at 0 it is no longer a VAE)")

    def build(self, *, seed=None) -> "VAE":
        return make_vae(hidden_units=self.hidden_units, latent_dim=self.latent_dim, beta=self.beta, seed=seed,
                        name=self.name)


CONFIG = VAEConfig


@keras.saving.register_keras_serializable(package="aekit")
class VAE(Autoencoder):
    """Variational autoencoder whose losses are per-example nats, averaged over the batch.

    ``loss`` is reconstruction + β·KL, reported with ``reconstruction_loss`` and ``kl_loss``.
    The graph (and ``predict``) decodes the posterior mean μ, so a reconstruction is
    deterministic; the losses use a sampled z, as the ELBO requires. The encoder's outputs are
    named ``z_mean``, ``z_log_var`` and ``z``.
    """

    loss_names = ("loss", "reconstruction_loss", "kl_loss")

    def __init__(self, encoder: keras.Model, decoder: keras.Model, beta: float = VAEConfig.beta, **kwargs):
        super().__init__(encoder, decoder, **kwargs)
        self.beta = VAEConfig.check("beta", beta)

    def losses_for(self, images, training=False):
        z_mean, z_log_var, z = self.encoder(images, training=training)
        reconstruction = ops.mean(reconstruction_nll(images, self.decoder(z, training=training)))
        kl = ops.mean(kl_divergence(z_mean, z_log_var))
        return reconstruction + self.beta * kl, reconstruction, kl

    def posterior(self, images):
        """The parameters ``(μ, log σ²)`` of q(z | x) for each image, as tensors."""
        z_mean, z_log_var, _ = self.encoder(images, training=False)
        return z_mean, z_log_var

    def settings(self) -> dict:
        return {"beta": self.beta}


def build_vae(input_dim: int = 784, hidden_units=DenseShape.hidden_units, latent_dim: int = VAEConfig.latent_dim,
              *, hidden_activation: str = "relu", beta: float = VAEConfig.beta, seed: int | None = None,
              name: str = "vae"):
    """Return ``(encoder, decoder, vae)`` with the autoencoder's default shape.

    The encoder maps an image to ``(z_mean, z_log_var, z)``, drawing z = μ + σ·ε through a
    seeded :class:`Sampling` layer; the decoder is the autoencoder's decoder. ``beta`` weighs
    the KL term of the loss (1 gives the ELBO of Kingma & Welling).
    """
    vae = make_vae(input_dim, hidden_units, latent_dim, hidden_activation=hidden_activation, beta=beta, seed=seed,
                   name=name)
    return vae.encoder, vae.decoder, vae


def make_vae(input_dim: int = 784, hidden_units=DenseShape.hidden_units, latent_dim: int = VAEConfig.latent_dim,
             *, hidden_activation: str = "relu", beta: float = VAEConfig.beta, seed: int | None = None,
             name: str = "vae") -> VAE:
    """The VAE :func:`build_vae` describes, as the model alone."""
    beta = VAEConfig.check("beta", beta)
    if seed is not None:
        seed = check_int("seed", seed, 0, 2**31 - 1)
    heads, decoder = dense_parts(input_dim, hidden_units, latent_dim, hidden_activation=hidden_activation,
                                 heads=("z_mean", "z_log_var"))
    z_mean, z_log_var = heads.outputs
    z = Sampling(seed=seed, name="z")([z_mean, z_log_var])
    encoder = keras.Model(heads.inputs[0], [z_mean, z_log_var, z], name="encoder")
    return VAE(encoder, decoder, beta=beta, name=name)
