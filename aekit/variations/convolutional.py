"""Q1's evidence for the convolutional autoencoder (Masci et al.): lower error with fewer
parameters, against a slower epoch on a CPU."""

from __future__ import annotations

from aekit.models.convolutional import ConvolutionalConfig
from aekit.variations.evidence import (Evidence, Measured, Paper, Run, Variation, mse, mse_row, parameters_row,
                                       reconstructions_shown, seconds_per_epoch)


def measure(model, plain, run: Run) -> Evidence:
    x_test = run.data.x_test
    recon = {"plain": plain.reconstruct(x_test), "convolutional": model.reconstruct(x_test)}
    error = {name: mse(images, x_test) for name, images in recon.items()}
    params = {"plain": plain.count_params(), "convolutional": model.count_params()}
    seconds = {"plain": seconds_per_epoch(run.plain_model, run), "convolutional": seconds_per_epoch(run.model, run)}
    gain = 1 - error["convolutional"] / error["plain"]
    fewer = params["convolutional"] < params["plain"]
    slower = seconds["convolutional"] / seconds["plain"]
    advantage = (
        f"**Advantage — lower held-out error with fewer parameters.** With the same {run.latent_dim}-number "
        f"code and training budget, the convolutional autoencoder reconstructs held-out {run.kind.plural} at "
        f"{error['convolutional']:.4f} MSE per pixel against {error['plain']:.4f} for the fully connected one ("
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
        rows=[mse_row(error["plain"], error["convolutional"]), parameters_row(plain, model),
              Measured("seconds per epoch (this machine)", f"{seconds['plain']:.2f}", f"{seconds['convolutional']:.2f}")],
        advantage=advantage, disadvantage=disadvantage,
        advantage_figures=[
            reconstructions_shown("convolutional", {"fully connected": recon["plain"],
                                                    "convolutional": recon["convolutional"]}, run)],
        disadvantage_figures=[],
        mse=mse_row(error["plain"], error["convolutional"], "held-out MSE per pixel"),
        key=parameters_row(plain, model))


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
    config=ConvolutionalConfig,
    paper=Paper("J. Masci, U. Meier, D. Cireşan and J. Schmidhuber",
                "Stacked convolutional auto-encoders for hierarchical feature extraction", "ICANN 2011",
                "https://doi.org/10.1007/978-3-642-21735-7_7"),
    idea=IDEA, measure=measure,
    advantage="held-out error and parameter count (1 → 12 → 24 → 48 channels, 4×4 kernels, stride 2)",
    disadvantage="seconds per epoch on the CPU", budget={"epochs": 15, "batch_size": 32, "learning_rate": 0.005})
