"""Q1's evidence for the denoising autoencoder (Vincent et al.): clean reconstructions from
corrupted inputs, against the cost on clean inputs and the choice of the noise level."""

from __future__ import annotations

import numpy as np

from aekit.models.denoising import DenoisingConfig
from aekit.plots import plot_curves, plot_image_rows
from aekit.variations.evidence import (Evidence, Measured, Paper, Run, Shown, Variation, change, mse, mse_row,
                                       parameters_row)

TEST_NOISE = (0.0, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9)  # noise levels the held-out images are scored at,
                                                  # with the level the model was trained at
OTHER_LEVELS = (0.2, 0.8)                         # training levels compared with the chosen one


def corrupt(images, noise: float, seed: int) -> np.ndarray:
    """``images`` plus Gaussian noise of standard deviation ``noise``, clipped to [0, 1] (seeded)."""
    rng = np.random.default_rng(seed)
    return np.clip(images + noise * rng.standard_normal(images.shape), 0.0, 1.0).astype(np.float32)


def levels(noise: float) -> tuple:
    """The test noise levels: TEST_NOISE and the training level."""
    return tuple(sorted(set(TEST_NOISE) | {noise}))


def errors(model, images, seed, test_levels) -> np.ndarray:
    """Mean squared error to the clean ``images`` when ``model`` is fed each of ``test_levels`` of noise."""
    return np.array([mse(model.reconstruct(corrupt(images, level, seed + k)), images)
                     for k, level in enumerate(test_levels)])


def measure(model, plain, run: Run) -> Evidence:
    noise, x_test = run.config.noise, run.data.x_test
    tested = levels(noise)
    chosen = errors(model, x_test, run.seed, tested)
    baseline = errors(plain, x_test, run.seed, tested)
    others = run.sweep([level for level in OTHER_LEVELS if abs(level - noise) > 1e-9],
                       lambda level: run.model(noise=level), lambda other: errors(other, x_test, run.seed, tested))
    at = tested.index(noise)
    gain = 1 - chosen[at] / baseline[at]
    better = [level for level, a, b in zip(tested, chosen, baseline) if a < b]

    table = [mse_row(baseline[0], chosen[0], "held-out MSE to the clean image, clean input")]
    table += [Measured(f"… with Gaussian noise σ = {level:g} on the input", f"{b:.4f}", f"{a:.4f}")
              for level, a, b in zip(tested[1:], chosen[1:], baseline[1:])]
    table.append(parameters_row(plain, model))

    advantage = (
        f"**Advantage — clean reconstructions from corrupted inputs.** Fed held-out {run.kind.plural} with "
        f"Gaussian noise of σ = {tested[at]:g} (the level it was trained with), the denoising "
        f"autoencoder's reconstructions are at MSE {chosen[at]:.4f} from the clean images against "
        f"{baseline[at]:.4f} for the plain autoencoder given the same noisy images ("
        + (f"{gain:.0%} lower" if gain > 0 else "not lower on this run") + "). "
        + (f"It is the better of the two at every noise level from σ = {min(better):g} to "
           f"{max(better):g} that was measured." if better and better == [l for l in tested if l >= min(better)]
           else f"It is the better of the two at σ = {', '.join(f'{l:g}' for l in better)}." if better
           else "It is not the better of the two at any noise level measured."))
    best = {level: min([(noise, chosen[k])] + [(lvl, errs[k]) for lvl, errs in others.items()],
                       key=lambda pair: pair[1])[0] for k, level in enumerate(tested)}
    disadvantage = (
        f"**Disadvantage — noise costs on clean inputs, and the noise level is a choice.** On clean "
        f"held-out {run.kind.plural} its error is {chosen[0]:.4f} against {baseline[0]:.4f} for the plain "
        f"autoencoder ({change(chosen[0], baseline[0])})"
        + (": it learned to smooth away detail that looks like noise." if chosen[0] > baseline[0] else ".")
        + f" And what it learns depends on the "
        f"training noise: denoisers trained the same way at σ = "
        f"{', '.join(f'{l:g}' for l in others)} reach MSE "
        f"{', '.join(f'{errs[at]:.4f}' for errs in others.values())} at test noise σ = {tested[at]:g}, "
        f"and the best training level for each test level is: "
        + ", ".join(f"{best[level]:g} for {level:g}" for level in tested) + ".")

    labels = run.data.y_test
    noisy = corrupt(x_test[:10], noise, run.seed + at)
    rows = {"clean": x_test[:10], f"noisy, σ = {noise:g}": noisy,
            "plain autoencoder": plain.reconstruct(noisy), "denoising": model.reconstruct(noisy)}
    curves = {"plain autoencoder": (tested, baseline), f"denoising, trained at σ = {noise:g}": (tested, chosen)}
    curves.update({f"denoising, trained at σ = {level:g}": (tested, errs) for level, errs in others.items()})
    return Evidence(
        title="denoising autoencoder", rows=table, advantage=advantage, disadvantage=disadvantage,
        advantage_figures=[
            Shown("q1_denoising_noisy_inputs.png", f"Held-out {run.kind.plural} with noise of σ = {noise:g}, "
                  "and what each model makes of them (captions: the image's class).",
                  plot_image_rows(rows, captions={"clean": [run.data.class_names[d] for d in labels[:10]]},
                                  title=f"Reconstructing noisy {run.kind.plural}"))],
        disadvantage_figures=[
            Shown("q1_denoising_noise_levels.png", "Error to the clean image at each test noise level, for "
                  "the plain autoencoder and for denoisers trained at several noise levels (the thick line "
                  "is the one this notebook trained).",
                  plot_curves(curves, xlabel="σ of the Gaussian noise on the test images",
                              ylabel="MSE to the clean image", marked=f"denoising, trained at σ = {noise:g}",
                              title="Held-out error against input noise"))],
        mse=mse_row(baseline[0], chosen[0], "held-out MSE per pixel"),
        key=Measured(f"MSE to the clean image from noisy input (σ = {tested[at]:g})", f"{baseline[at]:.4f}",
                     f"{chosen[at]:.4f}"))


IDEA = r"""A plain autoencoder learns $g(f(x)) \approx x$ and, given enough room in its code, can come close
to copying its input, noise and all. A **denoising autoencoder** is trained on a corrupted copy
$\tilde{x}$ of each image and asked for the clean one:

$$\tilde{x} = \operatorname{clip}\big(x + \sigma\,\varepsilon,\; 0,\; 1\big), \quad \varepsilon \sim \mathcal{N}(0, I),
\qquad \mathcal{L}(x) = \big\lVert g\big(f(\tilde{x})\big) - x \big\rVert^2 .$$

Only what survives the noise (the strokes, not the speckle) is worth encoding, so the code keeps
the structure of the images and the decoder learns to put clean strokes and edges back. The architecture is the
plain autoencoder's; only the training changes (fresh noise for every batch, with `noise` = σ).
Vincent et al. corrupted images mostly by setting a random share of pixels to zero ("masking
noise"); additive Gaussian noise, used here, is the other corruption they discuss and the one
the TensorFlow tutorial uses."""

VARIATION = Variation(
    config=DenoisingConfig,
    paper=Paper("P. Vincent, H. Larochelle, Y. Bengio and P.-A. Manzagol",
                "Extracting and composing robust features with denoising autoencoders", "ICML 2008",
                "https://dl.acm.org/doi/10.1145/1390156.1390294"),
    idea=IDEA, measure=measure,
    advantage="error to the clean image from noisy inputs at σ = 0 … 0.9, against the plain autoencoder fed the same noisy images",
    disadvantage="the error on clean inputs, and how the result depends on the training noise (denoisers trained at other levels)")
