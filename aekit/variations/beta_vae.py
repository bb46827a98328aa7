"""The β-VAE (Higgins et al.): a VAE whose KL term weighs β > 1, for codes whose elements each
control one visible factor."""

from __future__ import annotations

import numpy as np

from aekit.variations import (Evidence, Paper, Run, Shown, Variation, parameters_row,
                              reconstructions_shown)

FACTORS = ("ink", "thickness", "slant", "width", "digit")
SWEEP = (0.25, 1.0, 4.0, 16.0)  # β values of the rate-distortion sweep
USED = 0.01                      # an element is in use when its variance is 1% of the largest one's


def associations(codes, images, labels) -> np.ndarray:
    """How strongly each latent element tracks each factor, in [0, 1]: the absolute Spearman
    correlation of the element with ink, stroke thickness, slant and width (the package's own
    image measures), and the correlation ratio η for the digit (a category)."""
    from aekit.measures import measure_images

    measured = measure_images(images)
    ranks = lambda values: np.argsort(np.argsort(values, kind="stable"), kind="stable").astype(float)
    table = np.zeros((codes.shape[1], len(FACTORS)))
    for j, element in enumerate(codes.T):
        for f, factor in enumerate(FACTORS[:-1]):
            table[j, f] = abs(np.corrcoef(ranks(element), ranks(getattr(measured, factor)))[0, 1])
        means = np.array([element[labels == d].mean() for d in np.unique(labels)])
        counts = np.array([np.sum(labels == d) for d in np.unique(labels)])
        spread = np.sum((element - element.mean()) ** 2)
        table[j, -1] = np.sqrt(np.sum(counts * (means - element.mean()) ** 2) / spread) if spread > 0 else 0.0
    return np.nan_to_num(table)


def alignment(codes, images, labels) -> tuple[float, float, list]:
    """Whether each factor lives in one latent element, and how much of the factors the code keeps.

    For each factor (ink, thickness, slant, width as measured; the digit as ten indicators), the
    R² of a linear fit from the best single element in use, as a share of the R² from all of
    them: 1 when the factor sits in one element, low when it is spread over a rotation of several.
    Returns the mean share (the alignment score), the mean R² from all elements (information
    kept: a collapsed code scores a trivial 1 on alignment but keeps little), and per factor the
    best element and its share.
    """
    from aekit.measures import measure_images

    measured = measure_images(images)
    targets = [getattr(measured, factor)[:, None] for factor in FACTORS[:-1]] + [np.eye(10)[labels]]
    variance = codes.var(axis=0)
    used = np.flatnonzero(variance > USED * variance.max())
    shares, kept, owners = [], [], []
    for target in targets:
        full = _r2(codes[:, used], target)
        single = [_r2(codes[:, [j]], target) for j in used]
        best = int(np.argmax(single))
        shares.append(single[best] / full if full > 0 else 0.0)
        kept.append(full)
        owners.append((int(used[best]), shares[-1]))
    return float(np.mean(shares)), float(np.mean(kept)), owners


def _r2(inputs, target) -> float:
    """R² of the least-squares linear fit of ``target`` (n, k) from ``inputs`` (n, m), averaged over k."""
    design = np.column_stack([inputs, np.ones(len(inputs))])
    coefficients, *_ = np.linalg.lstsq(design, target, rcond=None)
    residual = np.sum((target - design @ coefficients) ** 2, axis=0)
    return float(np.mean(1 - residual / np.sum((target - target.mean(axis=0)) ** 2, axis=0)))


def measure(parts, plain, run: Run) -> Evidence:
    from aekit import plots
    from aekit.latent import decode, encode
    from aekit.measures import measure_images
    from aekit.variations.vae import build_vae

    x_test, labels, beta = run.data.x_test, run.data.y_test, run.settings["beta"]
    scores = {}
    for name, (encoder, decoder, _) in (("plain", plain), ("beta", parts)):
        codes = encode(encoder, x_test)
        score, kept, owners = alignment(codes, x_test, labels)
        reconstructions = decode(decoder, codes)
        scores[name] = {"codes": codes, "used": codes.var(axis=0) > USED * codes.var(axis=0).max(),
                        "table": associations(codes, x_test, labels), "score": score, "kept": kept,
                        "owners": owners,
                        "mse": float(np.mean((reconstructions - x_test) ** 2)),
                        "sharpness": float(measure_images(reconstructions).sharpness.mean()),
                        "reconstructions": reconstructions}
    sweep = {}
    for value in SWEEP:  # every point of the sweep trained the same way, at half the budget
        model = build_vae(hidden_units=run.hidden_units, latent_dim=run.latent_dim, beta=value, seed=run.seed)
        run.train(model[2], epochs=max(1, run.epochs // 2))
        losses = model[2].evaluate(x_test, batch_size=1000, verbose=0, return_dict=True)
        score, kept, _ = alignment(encode(model[0], x_test), x_test, labels)
        sweep[value] = {"rate": losses["kl_loss"], "distortion": losses["reconstruction_loss"],
                        "score": score, "kept": kept}
    plain_s, beta_s = scores["plain"], scores["beta"]
    cost = beta_s["mse"] / plain_s["mse"] - 1
    order = sorted(sweep)
    advantage = (
        f"**Advantage — latent elements that each control one visible factor.** For each of "
        f"{', '.join(FACTORS)}, take the share of what a linear fit reads from the whole code (R²) "
        f"that the best single element already gives: 1 when the factor lives in one element. "
        f"Averaged over the five factors, the β-VAE (β = {beta:g}) scores {beta_s['score']:.2f} against "
        f"{plain_s['score']:.2f} for the plain autoencoder of the same {run.latent_dim}-number code"
        + ("" if beta_s["score"] > plain_s["score"] + 0.02 else " — on this run it is not more disentangled")
        + f", while keeping R² {beta_s['kept']:.2f} of the factors against {plain_s['kept']:.2f}. It uses "
        f"{int(beta_s['used'].sum())} of its {run.latent_dim} elements (the others stay at the prior and "
        f"carry nothing); the element that carries most of each factor is "
        + ", ".join(f"z[{j}] for {factor} ({share:.0%})" for factor, (j, share) in zip(FACTORS, beta_s["owners"]))
        + ". Across β (each trained for half the budget) the score is "
        + ", ".join(f"{sweep[b]['score']:.2f} at β = {b:g} (R² kept {sweep[b]['kept']:.2f})" for b in order)
        + (": a larger β pushes each factor into fewer elements, and keeps less of it."
           if sweep[order[-1]]["score"] > sweep[order[0]]["score"] and sweep[order[-1]]["kept"] < sweep[order[0]]["kept"]
           else ": on this run the score does not rise with β as the paper expects."))
    disadvantage = (
        f"**Disadvantage — blurrier, less faithful reconstructions.** Its held-out error is "
        f"{beta_s['mse']:.4f} MSE per pixel against {plain_s['mse']:.4f} for the plain autoencoder "
        f"({cost:+.0%}), and {beta_s['sharpness']:.1%} of its pixels are confidently black or white "
        f"against {plain_s['sharpness']:.1%}. A larger β buys a cheaper code (rate: the KL in nats) "
        f"with worse reconstructions (distortion: the reconstruction term in nats): "
        + "; ".join(f"β = {b:g}: rate {sweep[b]['rate']:.1f}, distortion {sweep[b]['distortion']:.1f}"
                    for b in order) + ".")
    used = np.flatnonzero(beta_s["used"])
    reference = np.zeros(run.latent_dim, np.float32)
    return Evidence(
        title="β-VAE",
        rows=[["held-out reconstruction MSE per pixel", f"{plain_s['mse']:.4f}", f"{beta_s['mse']:.4f}"],
              ["sharpness: pixels < 0.1 or > 0.9", f"{plain_s['sharpness']:.1%}", f"{beta_s['sharpness']:.1%}"],
              ["alignment: share of each factor in its best element (1: one element per factor)",
               f"{plain_s['score']:.2f}", f"{beta_s['score']:.2f}"],
              ["factors kept: R² of a linear fit from the whole code", f"{plain_s['kept']:.2f}",
               f"{beta_s['kept']:.2f}"],
              ["latent elements in use", f"{int(plain_s['used'].sum())}", f"{int(beta_s['used'].sum())}"],
              parameters_row(plain, parts)],
        advantage=advantage, disadvantage=disadvantage,
        advantage_figures=[
            Shown("q1_beta_vae_factors.png", "How strongly each latent element in use tracks each factor on "
                  "held-out images (absolute rank correlation; for the digit, the correlation ratio): a "
                  "disentangled code has one strong cell per column.",
                  plots.plot_matrix(beta_s["table"][used], rows=[f"z[{j}]" for j in used],
                                    columns=list(FACTORS), title="β-VAE: elements against factors")),
            Shown("q1_beta_vae_traversal.png", "Each latent element in use swept through the quantiles of "
                  "the prior, the others at 0: one visible change per row if the code is disentangled.",
                  plots.plot_traversal(parts[1], reference, steps=9, dims=used,
                                       title="β-VAE: traversal of each latent element (quantiles of N(0, 1))"))],
        disadvantage_figures=[
            Shown("q1_beta_vae_rate_distortion.png", "The β sweep: nats the code carries (rate) against "
                  "nats of reconstruction error (distortion), one point per β.",
                  plots.plot_curves({"β-VAE": ([sweep[b]["rate"] for b in order],
                                               [sweep[b]["distortion"] for b in order])},
                                    labels={"β-VAE": [f"β = {b:g}" for b in order]},
                                    xlabel="rate: KL to the prior (nats per image)",
                                    ylabel="distortion: reconstruction (nats per image)",
                                    title="Rate against distortion across β")),
            reconstructions_shown("beta_vae", {"plain": plain_s["reconstructions"],
                                               "β-VAE": beta_s["reconstructions"]}, run)],
        headline={"held-out MSE per pixel, plain / variation": f"{plain_s['mse']:.4f} / {beta_s['mse']:.4f}",
                  "advantage: alignment of factors with single elements, plain / variation":
                      f"{plain_s['score']:.2f} / {beta_s['score']:.2f}"})


IDEA = r"""The β-VAE is a VAE whose KL term is weighted by $\beta > 1$:

$$\mathcal{L}_\beta(x) = \mathbb{E}_{q_\phi(z\mid x)}\big[\log p_\theta(x \mid z)\big] \;-\; \beta\, D_{\mathrm{KL}}\big(q_\phi(z \mid x)\,\|\,\mathcal{N}(0, I)\big).$$

The prior $\mathcal{N}(0, I)$ has independent elements; pressing harder towards it (a tighter
information bottleneck) makes the code spend its few nats on the factors that explain the most of
the images, each in an element of its own: an element for the slant, one for the stroke width,
and so on — a *disentangled* code. The price is the reconstruction, which gets fewer nats. With
$\beta = 1$ it is the VAE; `beta` sets it here (4 by default), and the elements the pressure
leaves unused stay at the prior and carry nothing."""

VARIATION = Variation(
    name="beta_vae", title="β-VAE",
    paper=Paper("I. Higgins, L. Matthey, A. Pal, C. Burgess, X. Glorot, M. Botvinick, S. Mohamed and "
                "A. Lerchner", "β-VAE: Learning basic visual concepts with a constrained variational "
                "framework", "ICLR 2017", "https://openreview.net/forum?id=Sy2fzU9gl"),
    idea=IDEA, defaults={"latent_dim": 8, "beta": 4.0}, settings=("beta",),
    build=lambda **settings: _build(**settings), measure=measure,
    check=lambda values: values["beta"] > 1 or _fail(
        f"beta must be > 1 for the beta_vae variation (β = 1 is the plain VAE: choose variation "
        f"'vae'), got {values['beta']}"))


def _build(*, hidden_units, latent_dim, seed, beta, **measuring_only):
    from aekit.variations.vae import build_vae  # here: variations import each other only when used

    return build_vae(hidden_units=hidden_units, latent_dim=latent_dim, beta=beta, seed=seed)


def _fail(message):
    raise ValueError(message)
