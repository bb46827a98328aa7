"""Q1's evidence for the sparse autoencoder (Ng's CS294A notes): few active code units per image,
against a higher reconstruction error at the same size and budget."""

from __future__ import annotations

import numpy as np

from aekit.latent import decode, encode
from aekit.measures import classify
from aekit.models.sparse import SparseConfig
from aekit.plots import plot_curves, plot_image_rows
from aekit.variations.evidence import (Evidence, Measured, Paper, Run, Shown, Variation, change, mse, mse_row,
                                       parameters_row, reconstructions_shown)

ACTIVE = 0.1                      # a unit is active when above 10% of the image's largest code value
OTHER_WEIGHTS = (0.001, 0.1)      # sparsity weights trained too, for the trade-off curve
WHOLE = 0.9                       # a unit's image reads as a whole image of a class at this confidence


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
    level = np.percentile(np.abs(codes), 95, axis=0) * np.sign(np.median(codes, axis=0) + 1e-12)
    return decode(decoder, np.diag(level).astype(np.float32)[units])


def measure(model, plain, run: Run) -> Evidence:
    x_test, weight, units = run.data.x_test, run.config.sparsity, run.latent_dim
    scores = {}
    for name, each in (("plain", plain), ("sparse", model)):
        encoder, decoder = each.encoder, each.decoder
        codes = encode(encoder, x_test)
        live = live_units(codes)
        drawn = unit_images(decoder, codes, live)
        scores[name] = {"codes": codes, "active": float(activity(codes).mean()), "units": drawn,
                        "live": len(live), "reconstructions": decode(decoder, codes),
                        "wholes": float((classify(run.classifier, drawn)[1] >= WHOLE).mean()) if len(live) else 0.0}
        scores[name]["mse"] = mse(scores[name]["reconstructions"], x_test)

    def trade_off(other):
        codes = encode(other.encoder, x_test)
        return float(activity(codes).mean()), mse(decode(other.decoder, codes), x_test)

    sweep = {weight: (scores["sparse"]["active"], scores["sparse"]["mse"]),
             **run.sweep([w for w in OTHER_WEIGHTS if abs(w - weight) > 1e-12],
                         lambda other: run.model(sparsity=other), trade_off)}
    plain_s, sparse_s = scores["plain"], scores["sparse"]
    fewer = sparse_s["active"] < plain_s["active"]
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
        f"autoencoder ({change(sparse_s['mse'], plain_s['mse'])}). The weight of the "
        f"penalty sets the trade-off: " + "; ".join(
            f"λ = {w:g} gives {sweep[w][0] * units:.1f} active units and error {sweep[w][1]:.4f}"
            for w in order) + ".")
    active = Measured(f"active code units per image (of {units})", f"{plain_s['active'] * units:.1f}",
                      f"{sparse_s['active'] * units:.1f}")
    return Evidence(
        title="sparse autoencoder",
        rows=[mse_row(plain_s["mse"], sparse_s["mse"]), active,
              Measured("code units used by ≥ 1% of images", f"{plain_s['live']}", f"{sparse_s['live']}"),
              Measured(f"units in use whose image alone reads as a whole {run.kind.noun}", f"{plain_s['wholes']:.0%}",
                       f"{sparse_s['wholes']:.0%}"),
              parameters_row(plain, model)],
        advantage=advantage, disadvantage=disadvantage,
        advantage_figures=[
            Shown("q1_sparse_units.png", "What each code unit draws on its own (every other unit at 0), "
                  "most used first: the sparse autoencoder's units in use, then the plain autoencoder's.",
                  plot_image_rows({"sparse": sparse_s["units"][:12], "plain": plain_s["units"][:12]},
                                  title="Each code unit alone, most used first")),
            Shown("q1_sparse_activity.png", "How many code units each held-out image uses.",
                  plot_curves({name: _histogram(scores[name]["codes"], units)
                               for name in ("plain", "sparse")},
                              xlabel="active code units", ylabel="share of held-out images",
                              marked="sparse", title="Active code units per image"))],
        disadvantage_figures=[
            Shown("q1_sparse_tradeoff.png", "The sparsity weight's trade-off: active units against held-out "
                  "error, one point per weight (labelled).",
                  plot_curves({"sparse autoencoder": ([sweep[w][0] * units for w in order],
                                                      [sweep[w][1] for w in order])},
                              labels={"sparse autoencoder": [f"λ = {w:g}" for w in order]},
                              xlabel="active code units per image", ylabel="held-out MSE per pixel",
                              title="Sparsity against reconstruction error")),
            reconstructions_shown("sparse", {"plain": plain_s["reconstructions"],
                                             "sparse": sparse_s["reconstructions"]}, run)],
        mse=mse_row(plain_s["mse"], sparse_s["mse"], "held-out MSE per pixel"), key=active)


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
    config=SparseConfig,
    paper=Paper("A. Ng", "Sparse autoencoder", "CS294A Lecture notes, Stanford University, 2011",
                "https://web.stanford.edu/class/cs294a/sparseAutoencoder.pdf"),
    idea=IDEA, measure=measure,
    advantage="active code units per image; units in use; what each unit draws alone (and whether the classifier reads it as a whole image of a class)",
    disadvantage="held-out error at the same size and budget; the sparsity weight's trade-off curve")
