"""The generative adversarial network (Goodfellow et al., 2014): a generator draws images from
noise, a discriminator tells them from real ones, and each updates only its own weights."""

from __future__ import annotations

import dataclasses

from aekit._checks import check_int
from aekit._keras import keras
from aekit.models.base import Step, Trainable, dense_stack, hidden_widths
from aekit.models.config import Int, ModelConfig, setting

ops = keras.ops


@dataclasses.dataclass(frozen=True)
class GANConfig(ModelConfig):
    name = "gan"
    title = "GAN"

    hidden_units: int = setting(256, Int(1, 4096), "width of the hidden layer of the generator and of the discriminator")
    latent_dim: int = setting(16, Int(1, 1024), "length of the noise vector z the generator turns into an image")

    def build(self, *, seed=None, input_dim: int = 784) -> "GAN":
        return GAN(input_dim, self.hidden_units, self.latent_dim, seed=seed, name="gan")


CONFIG = GANConfig


@keras.saving.register_keras_serializable(package="aekit")
class GAN(Trainable, keras.Model):
    """A generator G (noise z ~ N(0, I) → image) and a discriminator D (image → one logit, "real").
    Each training step has two players, each with its own Adam optimiser (β₁ = 0.5, as DCGAN's):

    - discriminator: D minimises the cross-entropy of "real" on the batch's images and "generated"
      on as many images G draws; ``real_accuracy`` and ``generated_accuracy`` are the shares of
      each it tells right (both ½ at the equilibrium where G draws what the data hold);
    - generator: G minimises the cross-entropy of its images being taken for real ones (the
      non-saturating loss of Goodfellow et al., section 3), D's weights untouched.

    The graph (``predict``, the summary) is the generator: noise → image. It trains with
    :func:`aekit.train`, which plays both steps (Keras's ``fit`` knows one optimiser only).
    """

    loss_names = ("discriminator_loss", "real_accuracy", "generated_accuracy", "generator_loss")

    def __init__(self, input_dim: int = 784, hidden_units=GANConfig.hidden_units,
                 latent_dim: int = GANConfig.latent_dim, seed: int | None = None, **kwargs):
        input_dim = check_int("input_dim", input_dim, 1)
        units = hidden_widths(hidden_units)
        latent_dim = GANConfig.check("latent_dim", latent_dim)
        if seed is not None:
            seed = check_int("seed", seed, 0, 2**31 - 1)
        generator, discriminator = self._networks(input_dim, units, latent_dim)
        inputs = generator.inputs if len(generator.inputs) > 1 else generator.inputs[0]  # noise (and label)
        super().__init__(inputs=inputs, outputs=generator(inputs), **kwargs)
        self.generator, self.discriminator = generator, discriminator
        self.input_dim, self.hidden_units, self.latent_dim, self.seed = input_dim, hidden_units, latent_dim, seed
        self.noise = keras.random.SeedGenerator(seed)

    def _networks(self, input_dim, units, latent_dim):
        """The generator (noise → hidden LeakyReLU layers → sigmoid pixels) and the discriminator
        (pixels → hidden LeakyReLU layers, the generator's mirrored → one logit)."""
        noise = keras.Input(shape=(latent_dim,), name="noise")
        pixels = keras.layers.Dense(input_dim, activation="sigmoid", name="pixels")(
            dense_stack(noise, units, "leaky_relu", "generator_hidden"))
        image = keras.Input(shape=(input_dim,), name="image")
        logit = keras.layers.Dense(1, name="real")(dense_stack(image, units[::-1], "leaky_relu", "discriminator_hidden"))
        return (keras.Model(noise, pixels, name="generator"),
                keras.Model(image, logit, name="discriminator"))

    @property
    def data_width(self) -> int:
        return self.input_dim

    def steps(self) -> list[Step]:
        return [Step("discriminator", self.discriminator.trainable_variables, self._discriminator_step,
                     self.loss_names[:3], beta_1=0.5),
                Step("generator", self.generator.trainable_variables, self._generator_step,
                     self.loss_names[3:], beta_1=0.5)]

    def losses_for(self, *batch, training=False):
        """Both players' values on a batch (what :func:`aekit.evaluate` reports)."""
        return (*self._discriminator_step(*batch, training=training), *self._generator_step(*batch, training=training))

    def _generated(self, images, labels, training):
        """As many images as the batch holds, drawn by the generator (under the batch's labels,
        for a conditional GAN)."""
        del labels  # an unconditional generator draws from the noise alone
        return self.generator(self._noise(images), training=training)

    def _noise(self, images):
        return keras.random.normal((ops.shape(images)[0], self.latent_dim), seed=self.noise)

    def _judged(self, images, labels, training):
        """The discriminator's logit "real" for each image."""
        del labels
        return self.discriminator(images, training=training)

    def _discriminator_step(self, images, labels=None, training=False):
        on_real = self._judged(images, labels, training)
        on_generated = self._judged(self._generated(images, labels, training), labels, training)
        loss = (ops.mean(ops.binary_crossentropy(ops.ones_like(on_real), on_real, from_logits=True))
                + ops.mean(ops.binary_crossentropy(ops.zeros_like(on_generated), on_generated, from_logits=True)))
        return (loss, ops.mean(ops.cast(on_real > 0, "float32")), ops.mean(ops.cast(on_generated <= 0, "float32")))

    def _generator_step(self, images, labels=None, training=False):
        on_generated = self._judged(self._generated(images, labels, training), labels, training)
        return (ops.mean(ops.binary_crossentropy(ops.ones_like(on_generated), on_generated, from_logits=True)),)

    def parts(self) -> list:
        """The networks it is made of, to show their summaries."""
        return [self.generator, self.discriminator]

    def diagram_notes(self) -> dict:
        """What the architecture diagram says beside the generator's input ("input") and the
        discriminator's ("critic"), and its title."""
        return {"title": "GAN"}

    def settings(self) -> dict:
        return {"hidden_units": self.hidden_units, "latent_dim": self.latent_dim, "seed": self.seed}

    def get_config(self):
        return {"name": self.name, "input_dim": self.input_dim, **self.settings()}
