"""The sparse autoencoder (Ng's CS294A notes): a wider code, most of it zero for any one image."""

from __future__ import annotations

import numpy as np

from aekit._checks import check_float
from aekit.backend import keras
from aekit.models import Autoencoder, dense_parts
from aekit.variations import (Evidence, Paper, Run, Shown, Variation, parameters_row,
                              reconstructions_shown)

ops = keras.ops
ACTIVE = 0.1                      # a unit is active when above 10% of the image's largest code value
OTHER_WEIGHTS = (0.001, 0.1)      # sparsity weights trained too, for the trade-off curve
WHOLE = 0.9                       # a unit's image reads as a whole image of a class at this confidence


@keras.saving.register_keras_serializable(package="aekit")
class SparseAutoencoder(Autoencoder):
    """A ReLU code with an L1 penalty: the loss adds ``sparsity`` × the mean absolute code value,
    so each image is described by few active units."""

    loss_names = ("loss", "reconstruction_loss", "sparsity_penalty")

    def __init__(self, encoder, decoder, sparsity: float = 0.01, **kwargs):
        super().__init__(encoder, decoder, **kwargs)
        self.sparsity = check_float("sparsity", sparsity, 0.0, 10.0, low_open=True)

    def losses_for(self, images, training=False):
        codes = self.code(images, training=training)
        reconstruction = ops.mean(ops.square(self.decoder(codes, training=training) - images))
        penalty = ops.mean(ops.abs(codes))
        return reconstruction + self.sparsity * penalty, reconstruction, penalty

    def settings(self) -> dict:
        return {"sparsity": self.sparsity}

    def diagram_notes(self) -> dict:
        return {"latent": f"ReLU code; the loss adds\n{self.sparsity:g} · mean |z|"}


def build(*, hidden_units=64, latent_dim=32, seed=None, sparsity=0.01):
    """``(encoder, decoder, model)``: the plain shape with a ReLU code, penalised for activity."""
    encoder, decoder = dense_parts(784, hidden_units, latent_dim, latent_activation="relu")
    return encoder, decoder, SparseAutoencoder(encoder, decoder, sparsity=sparsity, name="sparse_autoencoder")


def activity(codes) -> np.ndarray:
    """Per image, the share of code units above ACTIVE × that image's largest absolute value."""
    magnitude = np.abs(codes)
    return (magnitude > ACTIVE * magnitude.max(axis=1, keepdims=True)).mean(axis=1)


def live_units(codes) -> np.ndarray:
    """The units active (see :func:`activity`) for at least 1% of the images, most used first."""
    magnitude = np.abs(codes)
    use = (magnitude > ACTIVE * magnitude.max(axis=1, keepdims=True)).mean(axis=0)
    order = np.argsort(-use, kind="stable")
    return order[use[order] >= 0.01]


def unit_images(decoder, codes, units) -> np.ndarray:
    """What each of ``units`` draws alone: the decoder given that unit at its 95th percentile of
    use (of absolute value, with the sign it mostly takes) and every other unit at 0."""
    from aekit.latent import decode

    level = np.percentile(np.abs(codes), 95, axis=0) * np.sign(np.median(codes, axis=0) + 1e-12)
    return decode(decoder, np.diag(level).astype(np.float32)[units])


def measure(parts, plain, run: Run) -> Evidence:
    from aekit import plots
    from aekit.latent import decode, encode
    from aekit.measures import classify

    x_test, weight, units = run.data.x_test, run.settings["sparsity"], run.latent_dim
    scores = {}
    for name, (encoder, decoder, _) in (("plain", plain), ("sparse", parts)):
        codes = encode(encoder, x_test)
        live = live_units(codes)
        drawn = unit_images(decoder, codes, live)
        scores[name] = {"codes": codes, "active": float(activity(codes).mean()), "units": drawn,
                        "live": len(live), "mse": float(np.mean((decode(decoder, codes) - x_test) ** 2)),
                        "wholes": float((classify(run.classifier, drawn)[1] >= WHOLE).mean()) if len(live) else 0.0}
    sweep = {weight: (scores["sparse"]["active"], scores["sparse"]["mse"])}
    for other in (w for w in OTHER_WEIGHTS if abs(w - weight) > 1e-12):
        model = build(hidden_units=run.hidden_units, latent_dim=units, seed=run.seed, sparsity=other)
        run.train(model[2])
        codes = encode(model[0], x_test)
        sweep[other] = (float(activity(codes).mean()), float(np.mean((decode(model[1], codes) - x_test) ** 2)))
    plain_s, sparse_s = scores["plain"], scores["sparse"]
    fewer = sparse_s["active"] < plain_s["active"]
    cost = sparse_s["mse"] / plain_s["mse"] - 1
    order = sorted(sweep)

    advantage = (
        f"**Advantage — few active code units per image.** Of its {units} "
        f"code units, {sparse_s['active'] * units:.1f} are active for an average held-out image (above "
        f"{ACTIVE:.0%} of that image's largest code value) against {plain_s['active'] * units:.1f} for "
        f"the plain autoencoder with the same {units}-number code"
        + ("" if fewer else " — on this run the sparse code is not sparser") + f"; {sparse_s['live']} "
        f"of its units are used at all (by at least 1% of the images; plain: {plain_s['live']})."
        + (f" What a unit in use draws on its own reads as a whole {run.kind.noun} to the classifier (at "
           f"least {WHOLE:.0%} confident) for {sparse_s['wholes']:.0%} of its units against "
           f"{plain_s['wholes']:.0%} of the plain autoencoder's: "
           + (f"its units draw parts of {run.kind.plural} rather than whole ones."
              if sparse_s["wholes"] < 0.5 else
              f"on this run its units draw whole {run.kind.plural}, prototypes of a class, rather than "
              f"parts — each image is described by a few prototypes; a wider code or a stronger "
              f"penalty (the trade-off below) is where parts begin.") if sparse_s["live"] else ""))
    disadvantage = (
        f"**Disadvantage — higher reconstruction error at the same size and budget.** Its held-out "
        f"error is {sparse_s['mse']:.4f} MSE per pixel against {plain_s['mse']:.4f} for the plain "
        f"autoencoder ({cost:+.0%}: {'worse' if cost > 0 else 'not worse on this run'}). The weight of the "
        f"penalty sets the trade-off: " + "; ".join(
            f"λ = {w:g} gives {sweep[w][0] * units:.1f} active units and error {sweep[w][1]:.4f}"
            for w in order) + ".")
    return Evidence(
        title="sparse autoencoder",
        rows=[["held-out reconstruction MSE per pixel", f"{plain_s['mse']:.4f}", f"{sparse_s['mse']:.4f}"],
              [f"active code units per image (of {units})", f"{plain_s['active'] * units:.1f}",
               f"{sparse_s['active'] * units:.1f}"],
              ["code units used by ≥ 1% of images", f"{plain_s['live']}", f"{sparse_s['live']}"],
              [f"units in use whose image alone reads as a whole {run.kind.noun}", f"{plain_s['wholes']:.0%}",
               f"{sparse_s['wholes']:.0%}"],
              parameters_row(plain, parts)],
        advantage=advantage, disadvantage=disadvantage,
        advantage_figures=[
            Shown("q1_sparse_units.png", "What each code unit draws on its own (every other unit at 0), "
                  "most used first: the sparse autoencoder's units in use, then the plain autoencoder's.",
                  plots.plot_image_rows({"sparse": sparse_s["units"][:12], "plain": plain_s["units"][:12]},
                                        title="Each code unit alone, most used first")),
            Shown("q1_sparse_activity.png", "How many code units each held-out image uses.",
                  plots.plot_curves({name: _histogram(scores[name]["codes"], units)
                                     for name in ("plain", "sparse")},
                                    xlabel="active code units", ylabel="share of held-out images",
                                    marked="sparse", title="Active code units per image"))],
        disadvantage_figures=[
            Shown("q1_sparse_tradeoff.png", "The sparsity weight's trade-off: active units against held-out "
                  "error, one point per weight (labelled).",
                  plots.plot_curves({"sparse autoencoder": ([sweep[w][0] * units for w in order],
                                                            [sweep[w][1] for w in order])},
                                    labels={"sparse autoencoder": [f"λ = {w:g}" for w in order]},
                                    xlabel="active code units per image", ylabel="held-out MSE per pixel",
                                    title="Sparsity against reconstruction error")),
            reconstructions_shown("sparse", {"plain": decode(plain[1], plain_s["codes"]),
                                             "sparse": decode(parts[1], sparse_s["codes"])}, run)],
        headline={"held-out MSE per pixel, plain / variation": f"{plain_s['mse']:.4f} / {sparse_s['mse']:.4f}",
                  f"advantage: active code units per image (of {units}), plain / variation":
                      f"{plain_s['active'] * units:.1f} / {sparse_s['active'] * units:.1f}"})


def _histogram(codes, units):
    counts = np.bincount(np.round(activity(codes) * units).astype(int), minlength=units + 1)
    return np.arange(units + 1), counts / counts.sum()


IDEA = r"""A plain autoencoder with a wide code has no reason to leave any of it unused: every image lights
up every unit. A **sparse autoencoder** keeps the code wide but charges for using it, so each image
is described by the few units that matter for it, and each unit comes to stand for a part that
many images share. Here the code units are ReLUs ($z_j \ge 0$) and the loss adds an L1 penalty:

$$\mathcal{L}(x) = \frac{1}{784}\big\lVert g(z) - x \big\rVert^2 + \lambda\,\frac{1}{d}\sum_{j=1}^{d} \lvert z_j\rvert,
\qquad z = f(x),$$

with $\lambda$ = `sparsity`. Ng's notes penalise the KL divergence between a target activation
$\rho$ and each sigmoid unit's mean activation instead; the L1 penalty on the code (as in
Makhzani and Frey's k-sparse autoencoders, which keep only the $k$ largest) is the common modern
form, with the same aim."""

VARIATION = Variation(
    name="sparse", title="Sparse autoencoder",
    paper=Paper("A. Ng", "Sparse autoencoder", "CS294A Lecture notes, Stanford University, 2011",
                "https://web.stanford.edu/class/cs294a/sparseAutoencoder.pdf"),
    idea=IDEA, defaults={"latent_dim": 32}, settings=("sparsity",), build=build,
    measure=measure, check=lambda values: _check(values))


def _check(values):
    if values["latent_dim"] < 8:
        raise ValueError(f"latent_dim must be at least 8 for the sparse variation (a sparse code needs "
                         f"room to leave units unused), got {values['latent_dim']}")
