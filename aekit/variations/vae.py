"""Q1's evidence for the variational autoencoder (Kingma & Welling): a latent space to sample
from, against blurrier reconstructions; the held-out ELBO and the importance-weighted bounds."""

from __future__ import annotations

import math

import numpy as np

from aekit import likelihood
from aekit.latent import decode, encode, interpolate_codes, sample_codes
from aekit.measures import classifier_features, classify, frechet_distance, sharpness
from aekit.models.config import Int, Setting
from aekit.models.vae import VAEConfig
from aekit.plots import plot_curves, plot_image_rows, plot_latent_space, plot_manifold, plot_samples
from aekit.training import evaluate
from aekit.variations.evidence import (Evidence, Measured, Paper, Run, Shown, Variation, mse, mse_row,
                                       reconstructions_shown)


PRIOR_SAMPLES = Setting(Int(10, 100_000), "codes drawn from N(0, I) to judge each model as a generator")


def generative_scores(vae, plain, run: Run, *, n_samples: int, pairs: int = 100) -> dict:
    """Each model as a generator and as a reconstructor, on held-out images.

    For the plain autoencoder and the VAE: reconstruction error and sharpness; where the codes
    lie; how close decoded z ~ N(0, I) come to real test images (Fréchet distance in the
    classifier's features, classes shown); the same with z from a Gaussian fitted to the training
    codes (the best a plain autoencoder can do), and between the codes of two test images.
    """
    x_train, x_test, classifier = run.data.x_train, run.data.x_test, run.classifier
    n_samples = PRIOR_SAMPLES.check("prior_samples", n_samples)
    ends = np.random.default_rng(run.seed).choice(len(x_test), size=(min(pairs, len(x_test) // 2), 2),
                                                  replace=False)
    real = classifier_features(classifier, x_test)
    scores = {"original": {"sharpness": float(sharpness(x_test).mean())},
              "classes": len(run.data.class_names)}
    for name, model in (("autoencoder", plain), ("VAE", vae)):
        encoder, decoder = model.encoder, model.decoder
        test_codes, train_codes = encode(encoder, x_test), encode(encoder, x_train)
        latent_dim = test_codes.shape[1]
        reconstructions = decode(decoder, test_codes)
        samples = decode(decoder, sample_codes(n_samples, latent_dim, seed=run.seed))
        verdicts = classify(classifier, samples)
        fitted = decode(decoder, sample_codes(n_samples, latent_dim, seed=run.seed, codes=train_codes))
        paths = interpolate_codes(test_codes[ends[:, 0]], test_codes[ends[:, 1]])
        decoded_paths = decode(decoder, paths.reshape(-1, latent_dim)).reshape(len(ends), -1, x_test.shape[1])
        shares = np.bincount(verdicts[0], minlength=len(run.data.class_names)) / n_samples
        scores[name] = {
            "mse": mse(reconstructions, x_test),
            "sharpness": float(sharpness(reconstructions).mean()),
            "code_mean": float(np.abs(train_codes.mean(axis=0)).mean()),
            "code_std": float(train_codes.std(axis=0).mean()),
            "prior_fd": frechet_distance(classifier_features(classifier, samples), real),
            "prior_classes": int((shares >= 0.05).sum()),
            "fitted_fd": frechet_distance(classifier_features(classifier, fitted), real),
            "between_fd": frechet_distance(
                classifier_features(classifier, decoded_paths[:, 1:-1].reshape(-1, x_test.shape[1])), real),
            "n_samples": n_samples, "test_codes": test_codes, "reconstructions": reconstructions,
            "samples": samples, "verdicts": verdicts, "interpolation": decoded_paths[0]}
    scores["elbo"] = elbo_scores(vae, x_test, seed=run.seed)
    return scores


IW_SAMPLES = (1, 10, 100, 1000)  # samples k of the importance-weighted bounds a Q1 run reports
IW_IMAGES = 500                   # held-out images they are computed on (a few seconds on a CPU)


def elbo_scores(vae, images, *, seed: int) -> dict:
    """The held-out ELBO (β = 1, whatever β the VAE trained with) with its two terms, the
    importance-weighted bounds on log p(x) for each k in IW_SAMPLES on the first IW_IMAGES
    images, and the KL and activity of each latent element."""
    losses = evaluate(vae, images, batch_size=256)
    shown = images[:IW_IMAGES]
    bounds = {k: float(np.mean(likelihood.log_likelihood(vae, shown, k=k, seed=seed))) for k in IW_SAMPLES}
    return {"n": len(images), "reconstruction": losses["reconstruction_loss"], "kl": losses["kl_loss"],
            "negative_elbo": losses["reconstruction_loss"] + losses["kl_loss"],
            "latent_dim": vae.encoder.outputs[0].shape[-1], "n_bounds": len(shown), "bounds": bounds,
            "kl_per_element": likelihood.kl_per_element(vae, images),
            "active": likelihood.active_units(vae, images),
            "binary": bool(np.isin(shown, (0.0, 1.0)).all())}


def beta_sweep(run: Run, betas, measure=None) -> dict:
    """Train one VAE of the run's shape per β, each for half the run's epochs; return per β its
    rate (KL to the prior) and distortion (reconstruction), in nats per held-out image, and
    ``measure(encoder)`` if given."""
    def scored(vae):
        losses = evaluate(vae, run.data.x_test, batch_size=1000)
        return {"rate": losses["kl_loss"], "distortion": losses["reconstruction_loss"],
                "measured": measure(vae.encoder) if measure else None}

    def make(beta):
        return VAEConfig(hidden_units=run.hidden_units, latent_dim=run.latent_dim, beta=beta).build(seed=run.seed)

    return run.sweep(betas, make, scored, epochs=max(1, run.epochs // 2))


TABLE = [("held-out reconstruction MSE per pixel (lower is better)", "mse", "{:.4f}"),
         ("sharpness: pixels < 0.1 or > 0.9", "sharpness", "{:.1%}"),
         ("codes: mean |μ| per element (prior: 0)", "code_mean", "{:.2f}"),
         ("codes: spread per element (prior: 1)", "code_std", "{:.2f}"),
         ("z ~ N(0, I): Fréchet distance to test images", "prior_fd", "{:.1f}"),
         ("z ~ N(0, I): classes seen in ≥ 5% of samples", "prior_classes", "{}"),
         ("z ~ Gaussian fitted to the training codes: Fréchet distance", "fitted_fd", "{:.1f}"),
         ("z between two test codes: Fréchet distance", "between_fd", "{:.1f}")]


def advantage_text(scores, title: str = "VAE", noun: str = "digit") -> str:
    ae, vae = scores["autoencoder"], scores["VAE"]
    ahead = vae["prior_fd"] < ae["prior_fd"]
    text = (f"**Advantage — a latent space you can sample from.** Decoding {ae['n_samples']:,} codes "
            f"z ~ N(0, I) gives the {title} images at Fréchet distance {vae['prior_fd']:.1f} from real test "
            f"{noun}s (in the classifier's feature space; lower means more realistic and more varied) "
            f"against {ae['prior_fd']:.1f} for the plain autoencoder"
            + ("." if ahead else f" — on this run the {title} is not ahead."))
    near_prior = vae["code_mean"] < 0.25 and abs(vae["code_std"] - 1) < 0.35
    text += (f" Its codes have mean |μ| {vae['code_mean']:.2f} and spread {vae['code_std']:.2f} per "
             f"element ({'close to' if near_prior else 'not close to'} the prior's 0 and 1), the "
             f"autoencoder's {ae['code_mean']:.2f} and {ae['code_std']:.2f}; N(0, I) samples show "
             f"{vae['prior_classes']} of the {scores['classes']} classes at least 5% of the time "
             f"(autoencoder: {ae['prior_classes']}).")
    gap = ae["prior_fd"] - vae["prior_fd"]
    closed = (ae["prior_fd"] - ae["fitted_fd"]) / gap if gap > 0 else 0.0
    text += (f" The autoencoder can only be sampled after fitting a distribution to its codes: a "
             f"Gaussian fitted to them brings its distance to {ae['fitted_fd']:.1f}")
    if ahead and 0 < closed < 1:
        text += (f", closing {closed:.0%} of the gap; the rest is what training the codes towards "
                 f"the prior buys.")
    elif ahead and closed >= 1:
        text += f", level with or better than the {title}: the fitted Gaussian does the prior's work."
    else:
        text += "."
    between = ("better" if vae["between_fd"] < 0.9 * ae["between_fd"] else
               "worse" if vae["between_fd"] > 1.1 * ae["between_fd"] else "about as good")
    return (text + f" Between the codes of two test images the {title} is {between} (Fréchet distance "
                   f"{vae['between_fd']:.1f} against {ae['between_fd']:.1f}).")


def disadvantage_text(scores, title: str = "VAE") -> str:
    ae, vae = scores["autoencoder"], scores["VAE"]
    worse, blurrier = vae["mse"] > ae["mse"], vae["sharpness"] < ae["sharpness"]
    return (f"**Disadvantage — blurrier, less faithful reconstructions.** On held-out images the "
            f"{title}'s reconstruction error is {vae['mse']:.4f} MSE per pixel against {ae['mse']:.4f} "
            f"for the autoencoder ({vae['mse'] / ae['mse'] - 1:+.0%}: "
            f"{'worse' if worse else 'not worse on this run'}), and {vae['sharpness']:.1%} of its "
            f"pixels are confidently black or white against {ae['sharpness']:.1%} for the autoencoder "
            f"and {scores['original']['sharpness']:.1%} for the originals "
            f"({'blurrier' if blurrier else 'not blurrier on this run'})."
            + (" The KL term pulls every code towards the prior and the sampling noise blurs where a "
               "code points, so similar images share codes and the decoder draws their average."
               if worse or blurrier else ""))


def elbo_text(e) -> str:
    """The held-out ELBO, the importance-weighted bounds and what the gap between them means, and
    the information in each latent element; ``e`` is :func:`elbo_scores`'s result."""
    bounds, ks = e["bounds"], sorted(e["bounds"])
    gap = bounds[ks[-1]] - bounds[ks[0]]
    rising = all(bounds[a] <= bounds[b] + 0.05 for a, b in zip(ks, ks[1:]))
    kl, active = e["kl_per_element"], e["active"]
    collapsed = [j for j, a in enumerate(active) if not a]
    return (
        f"**Held-out ELBO.** On {e['n']:,} test images the negative ELBO is {e['negative_elbo']:.1f} nats "
        f"per image = reconstruction {e['reconstruction']:.1f} + KL {e['kl']:.1f}, so "
        f"log p(x) ≥ −{e['negative_elbo']:.1f} nats under the Bernoulli pixel model. The reconstruction "
        f"term is the cost of describing the pixels given a code; the KL term is how many nats of "
        f"information the code carries about the image beyond the prior: {e['kl']:.1f} nats, or "
        f"{e['kl'] / math.log(2):.1f} bits, for a {e['latent_dim']}-number code, a coarse description of "
        f"the image rather than its pixels.\n\n"
        f"**How tight is the bound?** Drawing k codes from q(z | x) and averaging p(x, z) / q(z | x) "
        f"gives a tighter bound on log p(x) (Burda et al., 2015; k = 1 is the ELBO). On the first "
        f"{e['n_bounds']:,} test images: " + ", ".join(f"k = {k:,}: {_signed(bounds[k])}" for k in ks)
        + " nats per image. " + (
            f"The bound rises by {gap:.1f} nats from k = 1 to k = {ks[-1]:,}, so log p(x) ≥ "
            f"{_signed(bounds[ks[-1]])}, and the encoder's q(z | x) is at least {gap:.1f} nats (in KL) away from "
            f"the true posterior p(z | x): log p(x) − ELBO = KL(q(z | x) ‖ p(z | x)). Published "
            f"log-likelihoods are such k-sample estimates (k = 5,000 in Burda et al.), on binarised "
            f"images and 60,000 training images, so compare them with the k = {ks[-1]:,} figure, not the ELBO"
            + ("." if e["binary"] else " — and only on binary images: these are grey, so the Bernoulli "
               "pixel model's figure is a loss here, not a log-likelihood in the literature's sense.")
            if rising and gap > 0.05 else
            "On this run the bound does not tighten with k as it should on average; more images or "
            "samples would tell whether it is noise.")
        + "\n\n**Where the information sits.** KL per latent element (nats): "
        + ", ".join(f"z[{j}] {v:.2f}" for j, v in enumerate(kl))
        + f"; {int(active.sum())} of {len(active)} elements are active (Burda et al.'s measure: their "
          f"posterior mean varies across images with variance above 0.01)"
        + (f"; {', '.join(f'z[{j}]' for j in collapsed)} collapsed to the prior and carr"
           f"{'ies' if len(collapsed) == 1 else 'y'} nothing about the image." if collapsed else "."))


def _signed(value: float) -> str:
    """A number with a true minus sign (−157.1), as in the equations around it."""
    return f"{value:.1f}".replace("-", "−")


def rate_distortion_shown(name: str, title: str, sweep: dict):
    """The β sweep as a figure: nats the code carries (rate) against reconstruction nats."""
    order = sorted(sweep)
    return Shown(f"q1_{name}_rate_distortion.png", "The β sweep: nats the code carries (rate) against "
                 "nats of reconstruction error (distortion), one point per β, each trained for half the budget.",
                 plot_curves({title: ([sweep[b]["rate"] for b in order],
                                      [sweep[b]["distortion"] for b in order])},
                             labels={title: [f"β = {b:g}" for b in order]},
                             xlabel="rate: KL to the prior (nats per image)",
                             ylabel="distortion: reconstruction (nats per image)",
                             title="Rate against distortion across β"))


def sweep_text(sweep: dict) -> str:
    order = sorted(sweep)
    falls = all(sweep[a]["distortion"] <= sweep[b]["distortion"] and sweep[a]["rate"] >= sweep[b]["rate"]
                for a, b in zip(order, order[1:]))
    return (("A larger β buys a cheaper code (rate: the KL in nats) with worse reconstructions "
             "(distortion: the reconstruction term in nats): " if falls else
             "Rate (the KL in nats) and distortion (the reconstruction term in nats) across β: ")
            + "; ".join(f"β = {b:g}: rate {sweep[b]['rate']:.1f}, distortion {sweep[b]['distortion']:.1f}"
                        for b in order) + ".")


def figures(scores, model, plain, run: Run, name: str, title: str) -> tuple[list, list]:
    """The advantage's figures (latent spaces, samples, decoder grids, paths) and the
    disadvantage's (the same held-out images reconstructed by both models)."""
    labels = run.data.y_test
    ae, vae = scores["autoencoder"], scores["VAE"]
    codes = {"autoencoder": ae["test_codes"], title: vae["test_codes"]}
    advantage = [
        Shown(f"q1_{name}_latent_spaces.png", f"Left, the autoencoder's codes of the test images; right, "
              f"the {title}'s, packed around 0 with spread about 1 if training followed the prior.",
              plot_latent_space(codes, labels, class_names=run.class_names)),
        Shown(f"q1_{name}_prior_samples.png", "Decoding z ~ N(0, I), the prior, with both models "
              "(captions: the class the classifier reads, and its confidence).",
              plot_samples({"autoencoder": ae["samples"], title: vae["samples"]},
                           {"autoencoder": ae["verdicts"], title: vae["verdicts"]},
                           class_names=run.class_names,
                           title="Decoded samples z ~ N(0, I)")),
        Shown(f"q1_{name}_manifolds.png", "Each decoder over a grid. Both axes step through the same "
              "quantile levels: of the autoencoder's own test codes (it has no prior) and of the prior "
              "N(0, I), so every row and column covers the same share of codes.",
              plot_manifold({"autoencoder": (plain.decoder, ae["test_codes"]), title: (model.decoder, None)})),
        Shown(f"q1_{name}_interpolations.png", "A straight path between the codes of two test images.",
              plot_image_rows({"autoencoder": ae["interpolation"], title: vae["interpolation"]},
                              title="Decoded path between the codes of two test images")),
    ]
    disadvantage = [
        reconstructions_shown(name, {"autoencoder": ae["reconstructions"], title: vae["reconstructions"]}, run),
    ]
    return advantage, disadvantage


SWEEP = (0.25, 1.0, 4.0)  # β values of the VAE's rate-distortion sweep


def measure(model, plain, run: Run) -> Evidence:
    scores = generative_scores(model, plain, run, n_samples=run.measuring["prior_samples"])
    advantage, disadvantage = figures(scores, model, plain, run, "vae", "VAE")
    sweep = beta_sweep(run, SWEEP)
    ae, vae = scores["autoencoder"], scores["VAE"]
    return Evidence(
        title="VAE",
        rows=[Measured(label, fmt.format(ae[key]), fmt.format(vae[key])) for label, key, fmt in TABLE],
        advantage=advantage_text(scores, noun=run.kind.noun),
        disadvantage=disadvantage_text(scores) + " " + sweep_text(sweep),
        advantage_figures=advantage, disadvantage_figures=disadvantage + [rate_distortion_shown("vae", "VAE", sweep)],
        mse=mse_row(ae["mse"], vae["mse"], "held-out MSE per pixel"),
        key=Measured("Fréchet distance of N(0, I) samples to test images", f"{ae['prior_fd']:.1f}",
                     f"{vae['prior_fd']:.1f}"),
        results=elbo_results(scores["elbo"]), extra=elbo_text(scores["elbo"]))


def elbo_results(e) -> dict:
    """The held-out negative ELBO and the tightest importance-weighted bound, for the key results."""
    k = max(e["bounds"])
    return {"held-out negative ELBO (nats)": f"{e['negative_elbo']:.1f}",
            f"importance-weighted bound on −log p(x), k = {k:,} (nats)": f"{-e['bounds'][k]:.1f}"}


IDEA = r"""A plain autoencoder maps each image $x$ to **one point** $z = f(x)$ and learns to decode it back.
Nothing says where in the latent space the points should lie, so the space between and around
them is unexplored territory for the decoder.

A VAE's encoder maps $x$ to a **distribution** over codes instead: a mean $\mu(x)$ and a
log-variance $\log\sigma^2(x)$ for every latent element, i.e. $q_\phi(z \mid x) =
\mathcal{N}\big(\mu(x), \operatorname{diag}\sigma^2(x)\big)$. A code is *sampled* from it with the
**reparameterisation trick**,

$$z = \mu(x) + \sigma(x) \odot \varepsilon, \qquad \varepsilon \sim \mathcal{N}(0, I),$$

which keeps the sampling differentiable with respect to $\mu$ and $\sigma$. The decoder
$p_\theta(x \mid z)$ gives each pixel's probability of being ink (a Bernoulli likelihood).
Training maximises the **evidence lower bound (ELBO)** on $\log p_\theta(x)$:

$$\log p_\theta(x) \;\ge\; \mathcal{L}(x) \;=\; \underbrace{\mathbb{E}_{q_\phi(z\mid x)}\big[\log p_\theta(x \mid z)\big]}_{\text{reconstruction}} \;-\; \underbrace{D_{\mathrm{KL}}\big(q_\phi(z \mid x)\,\|\,\mathcal{N}(0, I)\big)}_{\text{KL to the prior}},$$

$$D_{\mathrm{KL}} = -\tfrac12 \sum_{j}\big(1 + \log\sigma_j^2 - \mu_j^2 - \sigma_j^2\big).$$

aekit minimises $-\mathcal{L}$ in **nats per image**: the reconstruction term summed over the 784
pixels, the KL term summed over the latent elements (weighted by `beta`), both averaged over the
batch. The KL term pulls every image's distribution towards the prior $\mathcal{N}(0, I)$ — which is
what makes the prior a good place to sample new codes from, and also what costs reconstruction
detail."""

VARIATION = Variation(
    config=VAEConfig,
    paper=Paper("D. P. Kingma and M. Welling", "Auto-Encoding Variational Bayes", "ICLR 2014",
                "https://arxiv.org/abs/1312.6114"),
    idea=IDEA, measure=measure,
    advantage="decoding z ~ N(0, I): Fréchet distance (FID's formula, in the classifier's features) to test images, the classes shown, where the codes lie; a Gaussian fitted to the plain codes as a control; paths between codes",
    disadvantage="held-out error and sharpness of reconstructions; the held-out ELBO in nats, the importance-weighted bounds and a β sweep",
    measuring={"prior_samples": (1000, PRIOR_SAMPLES)})
