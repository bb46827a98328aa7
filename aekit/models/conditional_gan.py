"""The conditional GAN (Mirza & Osindero, 2014): the generator and the discriminator also receive
the label, so the generator must draw the class it is asked for, and draw it well enough to pass
for a real image of that class. The discriminator takes the label by projection (Miyato & Koyama,
2018), which conditions it far more strongly than a one-hot beside 784 pixels."""

from __future__ import annotations

import dataclasses

from aekit._keras import keras
from aekit.models.base import dense_stack
from aekit.models.conditional import CLASSES
from aekit.models.gan import GAN, GANConfig

ops = keras.ops


@dataclasses.dataclass(frozen=True)
class ConditionalGANConfig(GANConfig):
    name = "conditional_gan"
    title = "Conditional GAN (CGAN)"

    def build(self, *, seed=None, input_dim: int = 784) -> "ConditionalGAN":
        return ConditionalGAN(input_dim, self.hidden_units, self.latent_dim, seed=seed, name="conditional_gan")


CONFIG = ConditionalGANConfig


@keras.saving.register_keras_serializable(package="aekit")
class ConditionalGAN(GAN):
    """A GAN whose generator reads (noise, label), the label one-hot beside the noise, and whose
    discriminator reads (image, label) by projection: its logit is w·φ(x) + e_y·φ(x), with φ(x) its
    hidden features and e_y a learned embedding of the label. D learns "a real image *of this
    class*", so G must draw the class it is given. The generator draws under the labels of the
    batch's real images.

    The graph takes ``[noise, labels]`` (integer labels in [0, ``classes``)) and gives images.
    """

    needs_labels = True
    classes = CLASSES

    def _networks(self, input_dim, units, latent_dim):
        noise = keras.Input(shape=(latent_dim,), name="noise")
        label = keras.Input(shape=(), dtype="int32", name="label")
        joined = keras.layers.Concatenate(name="noise_and_label")([noise, ops.one_hot(label, self.classes)])
        pixels = keras.layers.Dense(input_dim, activation="sigmoid", name="pixels")(
            dense_stack(joined, units, "leaky_relu", "generator_hidden"))
        image = keras.Input(shape=(input_dim,), name="image")
        label_too = keras.Input(shape=(), dtype="int32", name="label")
        features = dense_stack(image, units[::-1], "leaky_relu", "discriminator_hidden")
        match = keras.layers.Dot(axes=1, name="matches_label")(
            [keras.layers.Embedding(self.classes, units[0], name="label_embedding")(label_too), features])
        logit = keras.layers.Add(name="real")([keras.layers.Dense(1, name="looks_real")(features), match])
        return (keras.Model([noise, label], pixels, name="generator"),
                keras.Model([image, label_too], logit, name="discriminator"))

    def _generated(self, images, labels, training):
        return self.generator([self._noise(images), ops.convert_to_tensor(labels, "int32")], training=training)

    def _judged(self, images, labels, training):
        return self.discriminator([ops.convert_to_tensor(images, "float32"), ops.convert_to_tensor(labels, "int32")],
                                  training=training)

    def diagram_notes(self) -> dict:
        return {"title": "Conditional GAN",
                "input": f"+ label y, one-hot ({self.classes}), beside z",
                "critic": "+ label y: its embedding e_y · φ(x) added to the logit (projection)"}
