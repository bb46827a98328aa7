"""The convolutional autoencoder (Masci et al.): filters shared across the image instead of one
weight per pixel pair."""

from __future__ import annotations

from aekit._checks import check_int
from aekit.backend import keras
from aekit.models import Autoencoder
from aekit.variations import Evidence, Paper, Run, Variation, reconstructions_shown

CHANNELS = (12, 24, 48)  # the course material's shape: 1 → 12 → 24 → 48, 4 × 4 kernels, stride 2


def build(*, hidden_units=None, latent_dim=2, seed=None):
    """``(encoder, decoder, model)``: 28×28 → 14×14×12 → 7×7×24 → 4×4×48 → ``latent_dim``, and
    back through transposed convolutions to 32×32, cropped to 28×28. Inputs and outputs stay flat
    (784 pixels), as for every aekit model; ``hidden_units`` does not apply."""
    latent_dim = check_int("latent_dim", latent_dim, 1, 1024)
    image = keras.Input(shape=(784,), name="image")
    x = keras.layers.Reshape((28, 28, 1), name="as_image")(image)
    for depth, channels in enumerate(CHANNELS, start=1):
        x = keras.layers.Conv2D(channels, 4, strides=2, padding="same", activation="elu",
                                name=f"encoder_conv_{depth}")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    encoder = keras.Model(image, keras.layers.Dense(latent_dim, name="latent")(x), name="encoder")

    code = keras.Input(shape=(latent_dim,), name="latent_code")
    x = keras.layers.Dense(4 * 4 * CHANNELS[-1], activation="elu", name="decoder_dense")(code)
    x = keras.layers.Reshape((4, 4, CHANNELS[-1]), name="as_feature_maps")(x)
    for depth, channels in enumerate(CHANNELS[-2::-1], start=1):
        x = keras.layers.Conv2DTranspose(channels, 4, strides=2, padding="same", activation="elu",
                                         name=f"decoder_deconv_{depth}")(x)
    x = keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="sigmoid",
                                     name=f"decoder_deconv_{len(CHANNELS)}")(x)
    x = keras.layers.Cropping2D(2, name="crop_to_28")(x)
    decoder = keras.Model(code, keras.layers.Flatten(name="reconstruction")(x), name="decoder")
    return encoder, decoder, Autoencoder(encoder, decoder, name="convolutional_autoencoder")


def measure(parts, plain, run: Run) -> Evidence:
    import numpy as np

    from aekit.latent import decode, encode
    from aekit.variations import seconds_per_epoch

    x_test = run.data.x_test
    recon = {name: decode(model[1], encode(model[0], x_test)) for name, model in (("plain", plain),
                                                                                   ("convolutional", parts))}
    mse = {name: float(np.mean((images - x_test) ** 2)) for name, images in recon.items()}
    params = {"plain": plain[2].count_params(), "convolutional": parts[2].count_params()}
    seconds = {"plain": seconds_per_epoch(run.plain_model, run),
               "convolutional": seconds_per_epoch(lambda: build(latent_dim=run.latent_dim)[2], run)}
    gain = 1 - mse["convolutional"] / mse["plain"]
    fewer = params["convolutional"] < params["plain"]
    slower = seconds["convolutional"] / seconds["plain"]
    advantage = (
        f"**Advantage — lower held-out error with fewer parameters.** With the same {run.latent_dim}-number "
        f"code and training budget, the convolutional autoencoder reconstructs held-out {run.kind.plural} at "
        f"{mse['convolutional']:.4f} MSE per pixel against {mse['plain']:.4f} for the fully connected one ("
        + (f"{gain:.0%} lower" if gain > 0 else "not lower on this run") + f"), with "
        f"{params['convolutional']:,} parameters against {params['plain']:,}"
        + ("" if fewer else " (not fewer with this shape)") + "."
        + (" A 4×4 filter is shared across the whole image, so an edge or a stroke is recognised "
           "wherever it is, instead of being learned once per position." if gain > 0 and fewer else ""))
    disadvantage = (
        f"**Disadvantage — slower on a CPU.** Each epoch takes {seconds['convolutional']:.2f} s against "
        f"{seconds['plain']:.2f} s for the fully connected autoencoder ({slower:.1f}× on this machine, "
        f"measured over {run.data.x_train.shape[0]:,} images at batch {run.batch_size})"
        + (": a convolution does its multiplications at every position of every feature map, and the "
           "small matrices of a fully connected layer are what a CPU does fastest." if slower > 1 else
           " — not slower on this machine, which may have a GPU."))
    return Evidence(
        title="convolutional autoencoder",
        rows=[["held-out reconstruction MSE per pixel", f"{mse['plain']:.4f}", f"{mse['convolutional']:.4f}"],
              ["parameters", f"{params['plain']:,}", f"{params['convolutional']:,}"],
              ["seconds per epoch (this machine)", f"{seconds['plain']:.2f}", f"{seconds['convolutional']:.2f}"]],
        advantage=advantage, disadvantage=disadvantage,
        advantage_figures=[
            reconstructions_shown("convolutional", {"fully connected": recon["plain"],
                                                    "convolutional": recon["convolutional"]}, run)],
        disadvantage_figures=[],
        headline={"held-out MSE per pixel, plain / variation": f"{mse['plain']:.4f} / {mse['convolutional']:.4f}",
                  "advantage: parameters, plain / variation": f"{params['plain']:,} / {params['convolutional']:,}"})


IDEA = r"""A fully connected layer gives every pair of (input pixel, unit) its own weight: a stroke in the
top-left corner and the same stroke in the centre are learned separately. A **convolutional
autoencoder** slides small filters over the image instead, sharing their weights across
positions: the encoder is a stack of convolutions (here 4×4 filters, stride 2:
28×28×1 → 14×14×12 → 7×7×24 → 4×4×48, then a dense layer to the code) and the decoder mirrors it
with transposed convolutions. The loss is the plain autoencoder's,

$$\mathcal{L}(x) = \frac{1}{784}\big\lVert g(f(x)) - x \big\rVert^2 ,$$

only $f$ and $g$ change: each feature map keeps the image's layout, so what a filter learns
applies everywhere in the image. The units are ELUs (a ReLU that does not die: with ReLUs
right after the code this model can lock into drawing nothing), and `hidden_units` does not
apply."""

VARIATION = Variation(
    name="convolutional", title="Convolutional autoencoder",
    paper=Paper("J. Masci, U. Meier, D. Cireşan and J. Schmidhuber",
                "Stacked convolutional auto-encoders for hierarchical feature extraction", "ICANN 2011",
                "https://doi.org/10.1007/978-3-642-21735-7_7"),
    idea=IDEA, defaults={"epochs": 15, "batch_size": 32, "learning_rate": 0.005, "latent_dim": 8},
    settings=(), ignores=("hidden_units",), build=build, measure=measure)
