"""Q1's evidence for the β-VAE (Higgins et al.): latent elements that each control one visible
factor, against blurrier reconstructions."""

from __future__ import annotations

import numpy as np

from aekit.latent import decode, encode
from aekit.measures import sharpness
from aekit.models.beta_vae import BetaVAEConfig
from aekit.plots import plot_matrix, plot_traversal
from aekit.variations.evidence import (Evidence, Measured, Paper, Run, Shown, Variation, change, mse, mse_row,
                                       parameters_row, reconstructions_shown)
from aekit.variations.vae import beta_sweep, elbo_results, elbo_scores, elbo_text, rate_distortion_shown, sweep_text

FACTOR_MEASURES = {"digit": ("ink", "thickness", "slant", "width"),
                   "garment": ("coverage", "brightness", "width", "height")}
SWEEP = (0.25, 1.0, 4.0, 16.0)  # β values of the rate-distortion sweep
USED = 0.01                      # an element is in use when its variance is 1% of the largest one's


def factors(kind) -> tuple[str, ...]:
    """The visible factors of this kind of image: four of its measures, and its class."""
    return FACTOR_MEASURES[kind.noun] + ("class",)


def _factor_values(images, labels, kind) -> list[np.ndarray]:
    measured = kind.measure(images)
    return [measured[name][:, None] for name in FACTOR_MEASURES[kind.noun]] + [np.eye(labels.max() + 1)[labels]]


def in_use(codes) -> np.ndarray:
    """The latent elements whose variance over the images is at least USED of the largest's."""
    variance = codes.var(axis=0)
    return variance > USED * variance.max()


def associations(codes, images, labels, kind) -> np.ndarray:
    """How strongly each latent element tracks each factor, in [0, 1]: the absolute Spearman
    correlation with each measured factor, and the correlation ratio η with the class."""
    ranks = lambda values: np.argsort(np.argsort(values, kind="stable"), kind="stable").astype(float)
    measured = kind.measure(images)
    table = np.zeros((codes.shape[1], len(factors(kind))))
    for j, element in enumerate(codes.T):
        for f, name in enumerate(FACTOR_MEASURES[kind.noun]):
            table[j, f] = abs(np.corrcoef(ranks(element), ranks(measured[name]))[0, 1])
        classes = np.unique(labels)
        means = np.array([element[labels == c].mean() for c in classes])
        counts = np.array([np.sum(labels == c) for c in classes])
        spread = np.sum((element - element.mean()) ** 2)
        table[j, -1] = np.sqrt(np.sum(counts * (means - element.mean()) ** 2) / spread) if spread > 0 else 0.0
    return np.nan_to_num(table)


def alignment(codes, images, labels, kind) -> tuple[float, float, list]:
    """Whether each factor lives in one latent element, and how much of the factors the code keeps.

    For each factor, the R² of a linear fit from the best single element in use, as a share of
    the R² from all of them: 1 when the factor sits in one element, low when it is spread over a
    rotation of several. Returns the mean share (the alignment score), the mean R² from all
    elements (information kept: a collapsed code scores a trivial 1 on alignment but keeps
    little), and per factor the best element and its share.
    """
    used = np.flatnonzero(in_use(codes))
    shares, kept, owners = [], [], []
    for target in _factor_values(images, labels, kind):
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


def measure(model, plain, run: Run) -> Evidence:
    x_test, labels, beta, kind = run.data.x_test, run.data.y_test, run.config.beta, run.kind
    names = factors(kind)
    scores = {}
    for name, each in (("plain", plain), ("beta", model)):
        encoder, decoder = each.encoder, each.decoder
        codes = encode(encoder, x_test)
        score, kept, owners = alignment(codes, x_test, labels, kind)
        reconstructions = decode(decoder, codes)
        scores[name] = {"codes": codes, "used": in_use(codes), "table": associations(codes, x_test, labels, kind),
                        "score": score, "kept": kept, "owners": owners,
                        "mse": mse(reconstructions, x_test),
                        "sharpness": float(sharpness(reconstructions).mean()),
                        "reconstructions": reconstructions}
    sweep = beta_sweep(run, SWEEP, lambda encoder: alignment(encode(encoder, x_test), x_test, labels, kind)[:2])
    plain_s, beta_s = scores["plain"], scores["beta"]
    elbo = elbo_scores(model, x_test, seed=run.seed)
    order = sorted(sweep)
    more = beta_s["score"] > plain_s["score"] + 0.02
    rises = sweep[order[-1]]["measured"][0] > sweep[order[0]]["measured"][0]
    loses = sweep[order[-1]]["measured"][1] < sweep[order[0]]["measured"][1]
    unused = run.latent_dim - int(beta_s["used"].sum())
    advantage = (
        f"**Advantage — latent elements that each control one visible factor.** For each of "
        f"{', '.join(names)}, take the share of what a linear fit reads from the whole code (R²) that "
        f"the best single element already gives: 1 when the factor lives in one element. Averaged over "
        f"the {len(names)} factors, the β-VAE (β = {beta:g}) scores {beta_s['score']:.2f} against "
        f"{plain_s['score']:.2f} for the plain autoencoder of the same {run.latent_dim}-number code"
        + ("" if more else " — on this run it is not more disentangled")
        + f", while keeping R² {beta_s['kept']:.2f} of the factors against {plain_s['kept']:.2f}. It uses "
        f"{run.latent_dim - unused} of its {run.latent_dim} elements"
        + (f" (the other {unused} stay at the prior and carry nothing)" if unused else "")
        + "; the element that carries most of each factor is "
        + ", ".join(f"z[{j}] for {factor} ({share:.0%})" for factor, (j, share) in zip(names, beta_s["owners"]))
        + ". Across β (each trained for half the budget) the score is "
        + ", ".join(f"{sweep[b]['measured'][0]:.2f} at β = {b:g} (R² kept {sweep[b]['measured'][1]:.2f})"
                    for b in order)
        + (": a larger β pushes each factor into fewer elements, and keeps less of it." if rises and loses
           else ": a larger β pushes each factor into fewer elements." if rises
           else ": on this run the score does not rise with β as the paper expects."))
    blurrier = beta_s["sharpness"] < plain_s["sharpness"]
    disadvantage = (
        f"**Disadvantage — blurrier, less faithful reconstructions.** Its held-out error is "
        f"{beta_s['mse']:.4f} MSE per pixel against {plain_s['mse']:.4f} for the plain autoencoder "
        f"({change(beta_s['mse'], plain_s['mse'])}), and {beta_s['sharpness']:.1%} of "
        f"its pixels are confidently dark or light against {plain_s['sharpness']:.1%} "
        f"({'blurrier' if blurrier else 'not blurrier on this run'}). " + sweep_text(sweep))
    used = np.flatnonzero(beta_s["used"])
    alignment_row = Measured("alignment: share of each factor in its best element (1: one element per factor)",
                             f"{plain_s['score']:.2f}", f"{beta_s['score']:.2f}")
    return Evidence(
        title="β-VAE",
        rows=[mse_row(plain_s["mse"], beta_s["mse"]),
              Measured("sharpness: pixels < 0.1 or > 0.9", f"{plain_s['sharpness']:.1%}", f"{beta_s['sharpness']:.1%}"),
              alignment_row,
              Measured("factors kept: R² of a linear fit from the whole code", f"{plain_s['kept']:.2f}",
                       f"{beta_s['kept']:.2f}"),
              Measured("latent elements in use", f"{int(plain_s['used'].sum())}", f"{int(beta_s['used'].sum())}"),
              parameters_row(plain, model)],
        advantage=advantage, disadvantage=disadvantage,
        advantage_figures=[
            Shown("q1_beta_vae_factors.png", "How strongly each latent element in use tracks each factor on "
                  "held-out images (absolute rank correlation; for the class, the correlation ratio): a "
                  "disentangled code has one strong cell per column.",
                  plot_matrix(beta_s["table"][used], rows=[f"z[{j}]" for j in used],
                              columns=list(names), title="β-VAE: elements against factors")),
            Shown("q1_beta_vae_traversal.png", "Each latent element in use swept through the quantiles of "
                  "the prior, the others at 0: one visible change per row if the code is disentangled.",
                  plot_traversal(model.decoder, np.zeros(run.latent_dim, np.float32), steps=9, dims=used,
                                 title="β-VAE: traversal of each latent element (quantiles of N(0, 1))"))],
        disadvantage_figures=[
            rate_distortion_shown("beta_vae", "β-VAE", sweep),
            reconstructions_shown("beta_vae", {"plain": plain_s["reconstructions"],
                                               "β-VAE": beta_s["reconstructions"]}, run)],
        mse=mse_row(plain_s["mse"], beta_s["mse"], "held-out MSE per pixel"),
        key=Measured("alignment of factors with single elements", alignment_row.plain, alignment_row.variation),
        results=elbo_results(elbo), extra=elbo_text(elbo))


IDEA = r"""The β-VAE is a VAE whose KL term is weighted by $\beta > 1$:

$$\mathcal{L}_\beta(x) = \mathbb{E}_{q_\phi(z\mid x)}\big[\log p_\theta(x \mid z)\big] \;-\; \beta\, D_{\mathrm{KL}}\big(q_\phi(z \mid x)\,\|\,\mathcal{N}(0, I)\big).$$

The prior $\mathcal{N}(0, I)$ has independent elements; pressing harder towards it (a tighter
information bottleneck) makes the code spend its few nats on the factors that explain the most of
the images, each in an element of its own: an element for the slant, one for the stroke width,
and so on — a *disentangled* code. The price is the reconstruction, which gets fewer nats. With
$\beta = 1$ it is the VAE; `beta` sets it here (4 by default), and the elements the pressure
leaves unused stay at the prior and carry nothing."""

VARIATION = Variation(
    config=BetaVAEConfig,
    paper=Paper("I. Higgins, L. Matthey, A. Pal, C. Burgess, X. Glorot, M. Botvinick, S. Mohamed and "
                "A. Lerchner", "β-VAE: Learning basic visual concepts with a constrained variational "
                "framework", "ICLR 2017", "https://openreview.net/forum?id=Sy2fzU9gl"),
    idea=IDEA, measure=measure,
    advantage="alignment: the share of each visible factor (ink, thickness, slant, width, class) that its best single element carries, with what the code keeps; a β sweep",
    disadvantage="held-out error and sharpness; rate against distortion across β")
