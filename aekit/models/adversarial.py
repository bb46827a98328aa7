"""The adversarial autoencoder (Makhzani et al.): a discriminator on the code space pushes the
codes of the training images towards the prior N(0, I), a GAN on the codes in place of the VAE's
KL term."""

from __future__ import annotations

import dataclasses

from aekit._checks import check_int
from aekit._keras import check_model, keras
from aekit.models.autoencoder import DenseShape
from aekit.models.base import Autoencoder, Step, dense_parts, dense_stack, hidden_widths

ops = keras.ops


@dataclasses.dataclass(frozen=True)
class AdversarialConfig(DenseShape):
    name = "adversarial"
    title = "Adversarial autoencoder (AAE)"

    def build(self, *, seed=None) -> "AdversarialAutoencoder":
        return make_adversarial_autoencoder(hidden_units=self.hidden_units, latent_dim=self.latent_dim, seed=seed)


CONFIG = AdversarialConfig


@keras.saving.register_keras_serializable(package="aekit")
class AdversarialAutoencoder(Autoencoder):
    """An autoencoder with a third network, the discriminator D, which tells codes z = f(x) of
    training images from draws of the prior N(0, I). Each training step has three players, each
    updating only its own weights (Makhzani et al., section 2):

    - reconstruction: the encoder and the decoder minimise the mean squared error per pixel;
    - discriminator: D minimises the cross-entropy of "prior draw" (1) against "code" (0);
    - generator: the encoder minimises the cross-entropy of its codes being taken for prior draws.

    ``discriminator_accuracy`` is the share of codes and prior draws D tells apart (½ when the
    codes match the prior). The graph (and ``predict``) is image → encoder → decoder. Keras's own
    ``fit`` would train the reconstruction alone (:meth:`losses_for`); :func:`aekit.train` plays
    all three steps.
    """

    loss_names = ("reconstruction_mse", "discriminator_loss", "discriminator_accuracy", "generator_loss")

    def __init__(self, encoder: keras.Model, decoder: keras.Model, discriminator: keras.Model,
                 seed: int | None = None, **kwargs):
        super().__init__(encoder, decoder, **kwargs)
        check_model("discriminator", discriminator)
        self.discriminator = discriminator
        self.seed = seed
        self.prior = keras.random.SeedGenerator(seed)

    def steps(self) -> list[Step]:
        encoder, decoder = self.encoder.trainable_variables, self.decoder.trainable_variables
        return [Step("reconstruction", encoder + decoder, self._reconstruction, ("reconstruction_mse",)),
                Step("discriminator", self.discriminator.trainable_variables, self._discriminator,
                     ("discriminator_loss", "discriminator_accuracy"), beta_1=0.5),
                Step("generator", encoder, self._generator, ("generator_loss",), beta_1=0.5)]

    def _reconstruction(self, images, training=False):
        return (ops.mean(ops.square(self(images, training=training) - images)),)

    def _discriminator(self, images, training=False):
        codes = self.encoder(images, training=training)
        drawn = keras.random.normal(ops.shape(codes), seed=self.prior)
        on_codes = self.discriminator(codes, training=training)
        on_prior = self.discriminator(drawn, training=training)
        loss = (ops.mean(ops.binary_crossentropy(ops.ones_like(on_prior), on_prior, from_logits=True))
                + ops.mean(ops.binary_crossentropy(ops.zeros_like(on_codes), on_codes, from_logits=True)))
        accuracy = 0.5 * (ops.mean(ops.cast(on_prior > 0, "float32")) + ops.mean(ops.cast(on_codes <= 0, "float32")))
        return loss, accuracy

    def _generator(self, images, training=False):
        on_codes = self.discriminator(self.encoder(images, training=training), training=training)
        return (ops.mean(ops.binary_crossentropy(ops.ones_like(on_codes), on_codes, from_logits=True)),)

    def parts(self) -> list:
        return [self.encoder, self.decoder, self.discriminator]

    def diagram_notes(self) -> dict:
        return {"title": "Adversarial autoencoder"}

    def settings(self) -> dict:
        return {"seed": self.seed}

    def get_config(self):
        return {**super().get_config(), "discriminator": keras.saving.serialize_keras_object(self.discriminator)}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["discriminator"] = keras.saving.deserialize_keras_object(config["discriminator"])
        return super().from_config(config)


def make_adversarial_autoencoder(input_dim: int = 784, hidden_units=DenseShape.hidden_units,
                                 latent_dim: int = DenseShape.latent_dim, *, seed: int | None = None,
                                 name: str = "adversarial_autoencoder"):
    """An adversarial autoencoder of the autoencoder's shape (a linear code, as the plain model's)
    and its discriminator: code → two ReLU layers as wide as the encoder's last → one logit."""
    if seed is not None:
        seed = check_int("seed", seed, 0, 2**31 - 1)
    encoder, decoder = dense_parts(input_dim, hidden_units, latent_dim)
    code = keras.Input(shape=(encoder.outputs[0].shape[-1],), name="code")
    hidden = dense_stack(code, hidden_widths(hidden_units)[-1:] * 2, "relu", "discriminator_hidden")
    discriminator = keras.Model(code, keras.layers.Dense(1, name="real_or_code")(hidden), name="discriminator")
    return AdversarialAutoencoder(encoder, decoder, discriminator, seed=seed, name=name)
