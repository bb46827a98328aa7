"""Q1's evidence for the contractive autoencoder (Rifai et al.): codes that move little when the
input does, against a costlier training step."""

from __future__ import annotations

import numpy as np

from aekit.latent import encode
from aekit.models.contractive import ContractiveConfig, jacobian_norms
from aekit.plots import plot_curves
from aekit.variations.evidence import (Evidence, Measured, Paper, Run, Shown, Variation, change, mse, mse_row,
                                       parameters_row, reconstructions_shown, seconds_per_epoch)

STEP = 0.05         # standard deviation of the small input perturbations the sensitivity is measured with
LEVELS = (0.02, 0.05, 0.1, 0.2)


def sensitivity(encoder, images, level: float, seed: int) -> np.ndarray:
    """Per image, how far the code moves when the input does: ‖z(x + δ) − z(x)‖ / ‖δ‖ for
    Gaussian δ of standard deviation ``level``, divided by the spread of the codes (the root mean
    squared distance of a code from the mean code), so a mere rescaling of the code does not count."""
    rng = np.random.default_rng(seed)
    delta = (level * rng.standard_normal(images.shape)).astype(np.float32)
    moved = np.clip(images + delta, 0.0, 1.0)
    codes = encode(encoder, images)
    spread = np.sqrt(np.mean(np.sum((codes - codes.mean(axis=0)) ** 2, axis=1)))
    moves = np.linalg.norm(encode(encoder, moved) - codes, axis=1) / np.linalg.norm(moved - images, axis=1)
    return moves / spread


def measure(model, plain, run: Run) -> Evidence:
    x_test = run.data.x_test
    scores = {}
    for name, each in (("plain", plain), ("contractive", model)):
        scores[name] = {
            "reconstructions": each.reconstruct(x_test),
            "curve": [float(np.median(sensitivity(each.encoder, x_test, level, run.seed))) for level in LEVELS],
            "jacobian": float(np.mean(np.asarray(jacobian_norms(each.encoder, x_test)))),
        }
        scores[name]["mse"] = mse(scores[name]["reconstructions"], x_test)
    timing = {"plain": seconds_per_epoch(run.plain_model, run), "contractive": seconds_per_epoch(run.model, run)}
    plain_s, cae = scores["plain"], scores["contractive"]
    k = LEVELS.index(STEP)
    ratio = cae["curve"][k] / plain_s["curve"][k]
    slower = timing["contractive"] / timing["plain"]
    advantage = (
        f"**Advantage — codes that move little when the input does.** Perturbing held-out images with "
        f"noise of σ = {STEP:g}, the contractive autoencoder's code moves (median over images) "
        f"{cae['curve'][k]:.3f} of the codes' spread per unit of input change, against "
        f"{plain_s['curve'][k]:.3f} for the plain autoencoder ("
        + (f"{1 - ratio:.0%} less" if ratio < 1 else "not less on this run") + "). "
        f"Measured relative to the spread of the codes, so that merely shrinking the code does not "
        f"count; in raw terms its Jacobian's squared norm is {cae['jacobian']:.3g} against "
        f"{plain_s['jacobian']:.3g}."
        + (" Images close together keep close codes, which is what makes a code robust to small, "
           "irrelevant changes." if ratio < 1 else ""))
    disadvantage = (
        f"**Disadvantage — a costlier step, and reconstruction error.** With the Jacobian's norm on "
        f"every step, an epoch takes {timing['contractive']:.2f} s against {timing['plain']:.2f} s for the "
        f"plain autoencoder ({slower:.1f}× on this machine, measured over {run.data.x_train.shape[0]:,} "
        f"images at batch {run.batch_size}), and its held-out error is {cae['mse']:.4f} MSE per pixel "
        f"against {plain_s['mse']:.4f} ({change(cae['mse'], plain_s['mse'])})"
        + (": codes that ignore small changes also lose some detail." if cae["mse"] > plain_s["mse"] else "."))
    return Evidence(
        title="contractive autoencoder",
        rows=[mse_row(plain_s["mse"], cae["mse"]),
              Measured(f"code change per unit input change, share of the codes' spread (σ = {STEP:g})",
                       f"{plain_s['curve'][k]:.3f}", f"{cae['curve'][k]:.3f}"),
              Measured("squared Jacobian norm ‖∂z/∂x‖², mean", f"{plain_s['jacobian']:.3g}", f"{cae['jacobian']:.3g}"),
              Measured("seconds per epoch", f"{timing['plain']:.2f}", f"{timing['contractive']:.2f}"),
              parameters_row(plain, model)],
        advantage=advantage, disadvantage=disadvantage,
        advantage_figures=[
            Shown("q1_contractive_sensitivity.png", "How far each model's code moves when held-out images "
                  "are perturbed by noise of growing size, per unit of input change and relative to the "
                  "spread of its codes (median over images).",
                  plot_curves({"plain autoencoder": (LEVELS, plain_s["curve"]),
                               "contractive": (LEVELS, cae["curve"])},
                              xlabel="σ of the input perturbation",
                              ylabel="code change per input change / code spread",
                              marked="contractive", title="Sensitivity of the code to its input"))],
        disadvantage_figures=[
            reconstructions_shown("contractive", {"plain": plain_s["reconstructions"],
                                                  "contractive": cae["reconstructions"]}, run)],
        mse=mse_row(plain_s["mse"], cae["mse"], "held-out MSE per pixel"),
        key=Measured(f"code sensitivity to input noise σ = {STEP:g}", f"{plain_s['curve'][k]:.3f}",
                     f"{cae['curve'][k]:.3f}"))


IDEA = r"""A plain autoencoder is free to give two almost identical images very different codes. A
**contractive autoencoder** adds a penalty on how much the code changes when the input does:
the squared Frobenius norm of the encoder's Jacobian,

$$\mathcal{L}(x) = \frac{1}{784}\big\lVert g(f(x)) - x \big\rVert^2 + \lambda \left\lVert \frac{\partial f(x)}{\partial x} \right\rVert_F^2
= \frac{1}{784}\big\lVert g(f(x)) - x \big\rVert^2 + \lambda \sum_{i,j} \left(\frac{\partial z_j}{\partial x_i}\right)^2 ,$$

with $\lambda$ = `contraction`. The reconstruction term wants codes that tell images apart; the
penalty wants the code flat in every direction; together they keep the code sensitive only to
the directions along which real images vary. aekit computes the Jacobian of the fully connected
encoder exactly, layer by layer (weights times activation slopes), on every training step."""

VARIATION = Variation(
    config=ContractiveConfig,
    paper=Paper("S. Rifai, P. Vincent, X. Muller, X. Glorot and Y. Bengio",
                "Contractive auto-encoders: explicit invariance during feature extraction", "ICML 2011",
                "https://icml.cc/2011/papers/455_icmlpaper.pdf"),
    idea=IDEA, measure=measure,
    advantage="how far the code moves per unit of input change, relative to the codes' spread (so rescaling the code does not count); the Jacobian's norm",
    disadvantage="seconds per epoch (the exact Jacobian on every step), held-out error")
