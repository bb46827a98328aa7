"""The conditional VAE (Sohn, Lee & Yan): the encoder and the decoder also receive the label, so the
code keeps only what the label does not say, and the decoder draws the class it is asked for."""

from __future__ import annotations

import dataclasses

from aekit._checks import check_int
from aekit._keras import keras
from aekit.models.autoencoder import DenseShape
from aekit.models.base import Autoencoder, dense_stack, hidden_widths
from aekit.models.vae import Sampling, kl_divergence, reconstruction_nll

ops = keras.ops
CLASSES = 10  # MNIST's digits and Fashion-MNIST's garments: the data sets Q1 runs on


@dataclasses.dataclass(frozen=True)
class ConditionalVAEConfig(DenseShape):
    name = "conditional"
    title = "Conditional VAE (CVAE)"

    def build(self, *, seed=None) -> "ConditionalVAE":
        return make_conditional_vae(hidden_units=self.hidden_units, latent_dim=self.latent_dim, seed=seed)


CONFIG = ConditionalVAEConfig


@keras.saving.register_keras_serializable(package="aekit")
class ConditionalVAE(Autoencoder):
    """A VAE whose encoder reads (image, label) and whose decoder reads (code, label): ``loss`` is
    the negative ELBO of the image given its label, in nats (``reconstruction_loss`` + ``kl_loss``).

    The graph takes ``[images, labels]`` (integer labels in [0, ``classes``)) and decodes the
    posterior mean; :meth:`generate` decodes codes under the labels asked for.
    """

    loss_names = ("loss", "reconstruction_loss", "kl_loss")
    needs_labels = True
    classes = CLASSES

    def losses_for(self, images, labels, training=False):
        images, labels = ops.convert_to_tensor(images, "float32"), ops.convert_to_tensor(labels, "int32")
        z_mean, z_log_var, z = self.encoder([images, labels], training=training)
        reconstruction = ops.mean(reconstruction_nll(images, self.decoder([z, labels], training=training)))
        kl = ops.mean(kl_divergence(z_mean, z_log_var))
        return reconstruction + kl, reconstruction, kl

    def code(self, images, labels, training=False):
        """The posterior mean μ of each image given its label, as a tensor."""
        images, labels = ops.convert_to_tensor(images, "float32"), ops.convert_to_tensor(labels, "int32")
        return self.encoder([images, labels], training=training)[0]

    def diagram_notes(self) -> dict:
        return {"title": "Conditional VAE",
                "input": f"+ label y, one-hot ({self.classes}),\nbeside the image",
                "decoder": f"+ label y, one-hot ({self.classes}),\nbeside the code z"}


def make_conditional_vae(input_dim: int = 784, hidden_units=DenseShape.hidden_units,
                         latent_dim: int = DenseShape.latent_dim, *, classes: int = CLASSES,
                         seed: int | None = None, name: str = "conditional_vae") -> ConditionalVAE:
    """A conditional VAE of the autoencoder's shape: the one-hot label is concatenated to the
    image at the encoder's input and to the code at the decoder's input."""
    input_dim = check_int("input_dim", input_dim, 1)
    latent_dim = check_int("latent_dim", latent_dim, 1, 1024)
    if not isinstance(classes, int) or isinstance(classes, bool) or classes != CLASSES:
        raise ValueError(f"classes must be {CLASSES} (the data sets Q1 runs on), got {classes!r}")
    if seed is not None:
        seed = check_int("seed", seed, 0, 2**31 - 1)
    units = hidden_widths(hidden_units)

    image = keras.Input(shape=(input_dim,), name="image")
    label = keras.Input(shape=(), dtype="int32", name="label")
    hidden = dense_stack(keras.layers.Concatenate(name="image_and_label")([image, ops.one_hot(label, classes)]),
                          units, "relu", "encoder_hidden")
    z_mean = keras.layers.Dense(latent_dim, name="z_mean")(hidden)
    z_log_var = keras.layers.Dense(latent_dim, name="z_log_var")(hidden)
    z = Sampling(seed=seed, name="z")([z_mean, z_log_var])
    encoder = keras.Model([image, label], [z_mean, z_log_var, z], name="encoder")

    code = keras.Input(shape=(latent_dim,), name="latent_code")
    label = keras.Input(shape=(), dtype="int32", name="label")
    hidden = dense_stack(keras.layers.Concatenate(name="code_and_label")([code, ops.one_hot(label, classes)]),
                          units[::-1], "relu", "decoder_hidden")
    output = keras.layers.Dense(input_dim, activation="sigmoid", name="reconstruction")(hidden)
    decoder = keras.Model([code, label], output, name="decoder")
    return ConditionalVAE(encoder, decoder, name=name)
