"""The contractive autoencoder (Rifai et al.): codes that change little when the input does."""

from __future__ import annotations

import numpy as np

from aekit._checks import check_float
from aekit.backend import keras
from aekit.models import Autoencoder, dense_parts
from aekit.variations import (Evidence, Paper, Run, Shown, Variation, parameters_row,
                              reconstructions_shown)

ops = keras.ops
STEP = 0.05         # standard deviation of the small input perturbations the sensitivity is measured with
LEVELS = (0.02, 0.05, 0.1, 0.2)

# d activation / d pre-activation, from the pre-activation a and the output y
_DERIVATIVES = {
    "relu": lambda a, y: ops.cast(a > 0, a.dtype),
    "linear": lambda a, y: ops.ones_like(a),
    "tanh": lambda a, y: 1.0 - ops.square(y),
    "sigmoid": lambda a, y: y * (1.0 - y),
    "softplus": lambda a, y: ops.sigmoid(a),
    "elu": lambda a, y: ops.where(a > 0, ops.ones_like(a), y + 1.0),
}


def jacobian_norms(encoder, images):
    """‖∂z/∂x‖²_F per image for a fully connected encoder, in closed form (no automatic
    differentiation, so it is the same on every Keras backend).

    With kernels W_l and activation slopes s_l, ∂z/∂x = W_1 diag(s_1) W_2 … W_L diag(s_L). The
    product is carried from the code's side (latent_dim columns, cheap), and the first kernel
    enters through its Gram matrix W_1ᵀW_1, computed once per batch.
    """
    dense = [layer for layer in encoder.layers if isinstance(layer, keras.layers.Dense)]
    hidden, slopes = images, []
    for layer in dense:
        name = layer.activation.__name__
        if name not in _DERIVATIVES:
            raise ValueError(f"the contractive penalty supports activations {', '.join(_DERIVATIVES)}, "
                             f"but layer {layer.name!r} uses {name}")
        before = ops.matmul(hidden, layer.kernel) + layer.bias
        hidden = layer.activation(before)
        slopes.append(_DERIVATIVES[name](before, hidden))
    carried = slopes[-1][:, :, None] * ops.eye(dense[-1].units)[None]          # (n, d, d)
    for layer, slope in zip(dense[:0:-1], slopes[-2::-1]):                       # from the code back
        carried = slope[:, :, None] * ops.einsum("ij,njk->nik", layer.kernel, carried)
    gram = ops.matmul(ops.transpose(dense[0].kernel), dense[0].kernel)           # W_1ᵀ W_1
    return ops.sum(carried * ops.einsum("ij,njk->nik", gram, carried), axis=(1, 2))


@keras.saving.register_keras_serializable(package="aekit")
class ContractiveAutoencoder(Autoencoder):
    """The loss adds ``contraction`` × the squared Frobenius norm of the encoder's Jacobian."""

    loss_names = ("loss", "reconstruction_loss", "contraction_penalty")

    def __init__(self, encoder, decoder, contraction: float = 0.1, **kwargs):
        super().__init__(encoder, decoder, **kwargs)
        self.contraction = check_float("contraction", contraction, 0.0, 10.0, low_open=True)

    def losses_for(self, images, training=False):
        reconstruction = ops.mean(ops.square(self(images, training=training) - images))
        penalty = ops.mean(jacobian_norms(self.encoder, images))
        return reconstruction + self.contraction * penalty, reconstruction, penalty

    def settings(self) -> dict:
        return {"contraction": self.contraction}

    def diagram_notes(self) -> dict:
        return {"latent": f"the loss adds\n{self.contraction:g} · ‖∂z/∂x‖²"}


def build(*, hidden_units=64, latent_dim=2, seed=None, contraction=0.1):
    """``(encoder, decoder, model)``: the plain shape, its encoder's Jacobian penalised."""
    encoder, decoder = dense_parts(784, hidden_units, latent_dim)
    return encoder, decoder, ContractiveAutoencoder(encoder, decoder, contraction=contraction,
                                                    name="contractive_autoencoder")


def sensitivity(encoder, images, level: float, seed: int) -> np.ndarray:
    """Per image, how far the code moves when the input does: ‖z(x + δ) − z(x)‖ / ‖δ‖ for
    Gaussian δ of standard deviation ``level``, divided by the spread of the codes (the root mean
    squared distance of a code from the mean code), so a mere rescaling of the code does not count."""
    from aekit.latent import encode

    rng = np.random.default_rng(seed)
    delta = (level * rng.standard_normal(images.shape)).astype(np.float32)
    moved = np.clip(images + delta, 0.0, 1.0)
    codes = encode(encoder, images)
    spread = np.sqrt(np.mean(np.sum((codes - codes.mean(axis=0)) ** 2, axis=1)))
    change = np.linalg.norm(encode(encoder, moved) - codes, axis=1) / np.linalg.norm(moved - images, axis=1)
    return change / spread


def measure(parts, plain, run: Run) -> Evidence:
    from aekit import plots
    from aekit.latent import decode, encode
    from aekit.variations import seconds_per_epoch

    x_test = run.data.x_test
    scores = {}
    for name, (encoder, decoder, _) in (("plain", plain), ("contractive", parts)):
        scores[name] = {
            "mse": float(np.mean((decode(decoder, encode(encoder, x_test)) - x_test) ** 2)),
            "curve": [float(np.median(sensitivity(encoder, x_test, level, run.seed))) for level in LEVELS],
            "jacobian": float(np.mean(keras.ops.convert_to_numpy(jacobian_norms(encoder, x_test)))),
        }
    timing = {"plain": seconds_per_epoch(run.plain_model, run),
              "contractive": seconds_per_epoch(lambda: build(hidden_units=run.hidden_units,
                                                             latent_dim=run.latent_dim, seed=run.seed,
                                                             contraction=run.settings["contraction"])[2], run)}
    plain_s, cae = scores["plain"], scores["contractive"]
    k = LEVELS.index(STEP)
    ratio = cae["curve"][k] / plain_s["curve"][k]
    cost = cae["mse"] / plain_s["mse"] - 1
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
        f"against {plain_s['mse']:.4f} ({cost:+.0%}: {'worse' if cost > 0 else 'not worse on this run'})"
        + (": codes that ignore small changes also lose some detail." if cost > 0 else "."))
    return Evidence(
        title="contractive autoencoder",
        rows=[["held-out reconstruction MSE per pixel", f"{plain_s['mse']:.4f}", f"{cae['mse']:.4f}"],
              [f"code change per unit input change, share of the codes' spread (σ = {STEP:g})",
               f"{plain_s['curve'][k]:.3f}", f"{cae['curve'][k]:.3f}"],
              ["squared Jacobian norm ‖∂z/∂x‖², mean", f"{plain_s['jacobian']:.3g}", f"{cae['jacobian']:.3g}"],
              ["seconds per epoch", f"{timing['plain']:.2f}", f"{timing['contractive']:.2f}"],
              parameters_row(plain, parts)],
        advantage=advantage, disadvantage=disadvantage,
        advantage_figures=[
            Shown("q1_contractive_sensitivity.png", "How far each model's code moves when held-out images "
                  "are perturbed by noise of growing size, per unit of input change and relative to the "
                  "spread of its codes (median over images).",
                  plots.plot_curves({"plain autoencoder": (LEVELS, plain_s["curve"]),
                                     "contractive": (LEVELS, cae["curve"])},
                                    xlabel="σ of the input perturbation",
                                    ylabel="code change per input change / code spread",
                                    marked="contractive", title="Sensitivity of the code to its input"))],
        disadvantage_figures=[
            reconstructions_shown("contractive", {"plain": decode(plain[1], encode(plain[0], x_test)),
                                                  "contractive": decode(parts[1], encode(parts[0], x_test))},
                                  run)],
        headline={"held-out MSE per pixel, plain / variation": f"{plain_s['mse']:.4f} / {cae['mse']:.4f}",
                  f"advantage: code sensitivity to input noise σ = {STEP:g}, plain / variation":
                      f"{plain_s['curve'][k]:.3f} / {cae['curve'][k]:.3f}"})


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
    name="contractive", title="Contractive autoencoder",
    paper=Paper("S. Rifai, P. Vincent, X. Muller, X. Glorot and Y. Bengio",
                "Contractive auto-encoders: explicit invariance during feature extraction", "ICML 2011",
                "https://icml.cc/2011/papers/455_icmlpaper.pdf"),
    idea=IDEA, defaults={"latent_dim": 2}, settings=("contraction",), build=build,
    measure=measure)
