"""The convolutional autoencoder (Masci et al.): filters shared across the image instead of one
weight per pixel pair."""

from __future__ import annotations

import dataclasses

from aekit._keras import keras
from aekit.models.base import Autoencoder
from aekit.models.config import Int, ModelConfig, setting

CHANNELS = (12, 24, 48)  # the course material's shape: 1 → 12 → 24 → 48, 4 × 4 kernels, stride 2


@dataclasses.dataclass(frozen=True)
class ConvolutionalConfig(ModelConfig):
    """28×28 → 14×14×12 → 7×7×24 → 4×4×48 → ``latent_dim``, and back through transposed
    convolutions to 32×32, cropped to 28×28. Inputs and outputs stay flat (784 pixels)."""

    name = "convolutional"
    title = "Convolutional autoencoder"

    latent_dim: int = setting(8, Int(1, 1024), "length of the latent code")

    def build(self, *, seed=None) -> Autoencoder:
        image = keras.Input(shape=(784,), name="image")
        x = keras.layers.Reshape((28, 28, 1), name="as_image")(image)
        for depth, channels in enumerate(CHANNELS, start=1):
            x = keras.layers.Conv2D(channels, 4, strides=2, padding="same", activation="elu",
                                    name=f"encoder_conv_{depth}")(x)
        x = keras.layers.Flatten(name="flatten")(x)
        encoder = keras.Model(image, keras.layers.Dense(self.latent_dim, name="latent")(x), name="encoder")

        code = keras.Input(shape=(self.latent_dim,), name="latent_code")
        x = keras.layers.Dense(4 * 4 * CHANNELS[-1], activation="elu", name="decoder_dense")(code)
        x = keras.layers.Reshape((4, 4, CHANNELS[-1]), name="as_feature_maps")(x)
        for depth, channels in enumerate(CHANNELS[-2::-1], start=1):
            x = keras.layers.Conv2DTranspose(channels, 4, strides=2, padding="same", activation="elu",
                                             name=f"decoder_deconv_{depth}")(x)
        x = keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="sigmoid",
                                         name=f"decoder_deconv_{len(CHANNELS)}")(x)
        x = keras.layers.Cropping2D(2, name="crop_to_28")(x)
        decoder = keras.Model(code, keras.layers.Flatten(name="reconstruction")(x), name="decoder")
        return Autoencoder(encoder, decoder, name="convolutional_autoencoder")


CONFIG = ConvolutionalConfig
