"""Q1's evidence for the adversarial autoencoder (Makhzani et al.): codes that match the prior
without a KL term, against the instability and the cost of adversarial training."""

from __future__ import annotations

import time

import numpy as np

from aekit._checks import check_array
from aekit.latent import decode, encode, sample_codes
from aekit.measures import classifier_features, classify, frechet_distance
from aekit.models.adversarial import AdversarialConfig
from aekit.models.base import call_in_chunks
from aekit.models.vae import VAEConfig
from aekit.plots import plot_curves, plot_image_rows, plot_latent_space
from aekit.training import evaluate, set_seed, train
from aekit.variations.evidence import Evidence, Measured, Paper, Run, Shown, Variation, mse, mse_row, parameters_row

CODES = 1000        # training images whose codes are compared with as many prior draws
SEEDS = 3           # training runs of each model, for the spread of the results
SCALES = (0.5, 1.0, 2.0)  # bandwidths of the MMD's Gaussian kernels, in units of √d (the prior's scale
                          # of distances between codes of length d)


def mmd(a, b, scales=SCALES) -> float:
    """The squared maximum mean discrepancy between two samples (n, d), unbiased, with a sum of
    Gaussian kernels of bandwidths ``scales`` × √d: 0 in expectation when both come from one
    distribution, larger the more they differ (Gretton et al., JMLR 2012)."""
    a, b = check_array("a", a, ndim=(2,)).astype(np.float64), check_array("b", b, ndim=(2,)).astype(np.float64)
    if a.shape[1] != b.shape[1] or min(len(a), len(b)) < 2:
        raise ValueError(f"a and b must be two samples (n, d) of the same d with n >= 2, got {a.shape} and {b.shape}")
    width = np.sqrt(a.shape[1])

    def kernel(x, y):
        distances = np.maximum((x * x).sum(1)[:, None] + (y * y).sum(1)[None] - 2 * x @ y.T, 0.0)
        return sum(np.exp(-distances / (2 * (s * width) ** 2)) for s in scales)

    def within(x):
        k = kernel(x, x)
        return (k.sum() - np.trace(k)) / (len(x) * (len(x) - 1))

    return float(within(a) + within(b) - 2 * kernel(a, b).mean())


def span(bounds, form: str) -> str:
    """"0.0052 to 0.0189": a range of values, legible when one is negative."""
    return f"{form.format(bounds[0])} to {form.format(bounds[1])}".replace("-", "−")


def scores(model, run: Run, *, variational: bool) -> dict:
    """How close ``model``'s codes of the training images come to the prior (MMD against as many
    draws of N(0, I)) and how realistic its decoded prior draws are (Fréchet distance to the test
    images in the classifier's features). A VAE's codes are draws from q(z | x), the codes it is
    trained to spread like the prior."""
    data, classifier = run.data, run.classifier
    chosen = np.random.default_rng(run.seed).choice(len(data.x_train), min(CODES, len(data.x_train)), replace=False)
    images = data.x_train[chosen]
    codes = call_in_chunks(model.encoder, images, output=2) if variational else encode(model.encoder, images)
    prior = sample_codes(len(codes), codes.shape[1], seed=run.seed)
    samples = decode(model.decoder, prior)
    return {"mmd": mmd(codes, prior), "codes": codes, "samples": samples,
            "fd": frechet_distance(classifier_features(classifier, samples),
                                   classifier_features(classifier, data.x_test)),
            "mse": mse(model.reconstruct(data.x_test), data.x_test)}


def timed_training(model, run: Run) -> tuple[dict, float]:
    """Train ``model`` with the run's budget; return its history and its seconds per epoch (the
    median over the epochs after the first, which builds the compiled step)."""
    ends = []
    history = train(model, run.data.x_train, epochs=run.epochs, batch_size=run.batch_size,
                    learning_rate=run.learning_rate, on_epoch_end=lambda epoch, logs: ends.append(time.perf_counter()))
    return history.history, float(np.median(np.diff(ends))) if len(ends) > 1 else float("nan")


def measure(model, plain, run: Run) -> Evidence:
    data = run.data
    vae_config = VAEConfig(hidden_units=run.hidden_units, latent_dim=run.latent_dim)
    trained, histories = {"adversarial": [model], "VAE": []}, {"adversarial": [], "VAE": []}
    timing = {"adversarial": [], "VAE": []}
    seeds = [(run.seed + k) % 2**31 for k in range(SEEDS)]  # the notebook's seed, then the next ones
    for k, seed in enumerate(seeds):  # the notebook's model is the first adversarial run
        for name, config in (("adversarial", run.config), ("VAE", vae_config)):
            if name == "adversarial" and k == 0:
                continue
            set_seed(seed)
            trained[name].append(config.build(seed=seed))
            history, seconds = timed_training(trained[name][-1], run)
            histories[name].append(history)
            timing[name].append(seconds)
    runs = {name: [scores(m, run, variational=name == "VAE") for m in found] for name, found in trained.items()}
    accuracy = [evaluate(m, data.x_train)["discriminator_accuracy"] for m in trained["adversarial"]]
    first = {name: found[0] for name, found in runs.items()}
    plain_mmd = scores(plain, run, variational=False)["mmd"]
    spread = {name: {key: (min(r[key] for r in found), max(r[key] for r in found)) for key in ("mmd", "fd")}
              for name, found in runs.items()}
    seconds = {name: float(np.median(found)) for name, found in timing.items()}  # measured while training
    read = {name: classify(run.classifier, found["samples"][:10])[0] for name, found in first.items()}

    aae, vae = first["adversarial"], first["VAE"]
    median = {name: {key: float(np.median([r[key] for r in found])) for key in ("mmd", "fd")}
              for name, found in runs.items()}  # the verdicts: over every seed, not the first alone
    closer = median["adversarial"]["mmd"] < median["VAE"]["mmd"]
    realer = median["adversarial"]["fd"] < median["VAE"]["fd"]
    advantage = (
        f"**Advantage — codes that match the prior, without a KL term.** The codes of {CODES:,} training "
        f"{run.kind.plural} lie at MMD² {aae['mmd']:.4f} (the squared maximum mean discrepancy, an unbiased "
        f"estimate: 0 on average for two samples of one distribution, so it can dip just below 0) from as "
        f"many draws of N(0, I) for the adversarial "
        f"autoencoder, against {vae['mmd']:.4f} for the VAE's codes z ~ q(z | x) and {plain_mmd:.4f} for the "
        f"plain autoencoder's, which nothing pulls towards the prior. Over the {SEEDS} seeds, the median is "
        f"{median['adversarial']['mmd']:.4f} against the VAE's {median['VAE']['mmd']:.4f}: "
        + ("closer, as the discriminator matches the whole distribution of codes to the prior." if closer else
           "on this run not closer than the VAE's.")
        + f" Decoding z ~ N(0, I) gives images at Fréchet distance {aae['fd']:.1f} from the test "
        f"{run.kind.plural} (in the classifier's features) against {vae['fd']:.1f} for the VAE; over the "
        f"seeds, the medians are {median['adversarial']['fd']:.1f} and {median['VAE']['fd']:.1f} "
        + ("(more convincing)." if realer else "(on this run not more convincing than the VAE's).")
        + f" Its held-out reconstruction error is {aae['mse']:.4f} MSE per pixel, the VAE's {vae['mse']:.4f}.")

    wider = [key for key in ("mmd", "fd")
             if np.ptp([r[key] for r in runs["adversarial"]]) > np.ptp([r[key] for r in runs["VAE"]])]
    disadvantage = (
        f"**Disadvantage — adversarial training is less stable, and costs more.** Trained {SEEDS} times "
        f"(seeds {', '.join(map(str, seeds))}) with the same budget, the adversarial autoencoder's "
        f"MMD² ranges over {span(spread['adversarial']['mmd'], '{:.4f}')} and its Fréchet distance over "
        f"{span(spread['adversarial']['fd'], '{:.1f}')}; "
        f"the VAE's over {span(spread['VAE']['mmd'], '{:.4f}')} and {span(spread['VAE']['fd'], '{:.1f}')} "
        + {2: "(the adversarial results spread wider on both).",
           1: f"(the adversarial results spread wider on {'MMD²' if wider == ['mmd'] else 'the Fréchet distance'} "
              f"only).",
           0: "(on this run the adversarial results do not spread wider)."}[len(wider)]
        + f" Its training is a game between two players rather than one loss going down: after training, "
        f"the discriminator tells codes from prior draws {', '.join(f'{a:.0%}' for a in accuracy)} of the "
        f"time for the {SEEDS} seeds (50% means the codes fool it). "
        + (f"An epoch takes {seconds['adversarial']:.2f} s against {seconds['VAE']:.2f} s for the VAE "
           f"({seconds['adversarial'] / seconds['VAE']:.1f}×"
           + (": three updates per batch, two of them through a third network)." if seconds["adversarial"] >
              seconds["VAE"] else "; on this run not slower).") if np.isfinite(seconds["adversarial"] / seconds["VAE"])
           else "(With one epoch, the time per epoch is not measured.)"))

    curves = {f"seed {seeds[k + 1]}": (np.arange(1, len(h["discriminator_accuracy"]) + 1),
                                           h["discriminator_accuracy"])
              for k, h in enumerate(histories["adversarial"])}
    vae_curves = {f"seed {seeds[k]}": (np.arange(1, len(h["loss"]) + 1), h["loss"])
                  for k, h in enumerate(histories["VAE"])}
    names = data.class_names
    return Evidence(
        title="adversarial autoencoder", baseline="VAE",
        rows=[mse_row(vae["mse"], aae["mse"]),
              Measured(f"codes of {CODES:,} training images: MMD² to N(0, I) (lower is closer)",
                       f"{vae['mmd']:.4f}", f"{aae['mmd']:.4f}"),
              Measured("z ~ N(0, I): Fréchet distance to test images", f"{vae['fd']:.1f}", f"{aae['fd']:.1f}"),
              Measured(f"MMD² over {SEEDS} seeds", span(spread["VAE"]["mmd"], "{:.4f}"),
                       span(spread["adversarial"]["mmd"], "{:.4f}")),
              Measured(f"Fréchet distance over {SEEDS} seeds", span(spread["VAE"]["fd"], "{:.1f}"),
                       span(spread["adversarial"]["fd"], "{:.1f}")),
              Measured("seconds per epoch (median over the runs trained for the spread)", f"{seconds['VAE']:.2f}",
                       f"{seconds['adversarial']:.2f}"),
              parameters_row(trained["VAE"][0], model)],
        advantage=advantage, disadvantage=disadvantage,
        advantage_figures=[
            Shown("q1_adversarial_latent_spaces.png", "The codes of the test images: the VAE's means μ and the "
                  "adversarial autoencoder's codes, both trained towards N(0, I).",
                  plot_latent_space({"VAE": encode(trained["VAE"][0].encoder, data.x_test),
                                     "adversarial": encode(model.encoder, data.x_test)},
                                    data.y_test, class_names=run.class_names, title="Latent codes of test images")),
            Shown("q1_adversarial_prior_samples.png", "Decoding z ~ N(0, I) with both models (captions: the class "
                  "the classifier reads).",
                  plot_image_rows({"VAE": vae["samples"][:10], "adversarial": aae["samples"][:10]},
                                  captions={name: [names[c] for c in read[key]]
                                            for name, key in (("VAE", "VAE"), ("adversarial", "adversarial"))},
                                  title="Decoded samples z ~ N(0, I)"))],
        disadvantage_figures=[
            Shown("q1_adversarial_game.png", "The discriminator's accuracy per epoch (codes against prior "
                  "draws) for the other seeds' runs (the notebook's run is in its training curves above): "
                  "½ means it cannot tell them apart.",
                  plot_curves(curves, xlabel="epoch", ylabel="discriminator accuracy",
                              title="Adversarial training, seed by seed")),
            Shown("q1_adversarial_vae_losses.png", "For comparison, the VAE's loss (negative ELBO) per epoch "
                  "for each seed: one objective, going down.",
                  plot_curves(vae_curves, xlabel="epoch", ylabel="negative ELBO (nats)",
                              title="VAE training, seed by seed"))],
        mse=mse_row(mse(plain.reconstruct(data.x_test), data.x_test), aae["mse"], "held-out MSE per pixel"),
        key=Measured("MMD² of the codes to N(0, I)", f"{plain_mmd:.4f}", f"{aae['mmd']:.4f}"))


IDEA = r"""A VAE pulls every image's code distribution $q_\phi(z \mid x)$ towards the prior with a KL term,
one image at a time. An **adversarial autoencoder** instead matches the *whole* distribution of
codes, $q(z) = \mathbb{E}_x\big[q(z \mid x)\big]$, to the prior $p(z) = \mathcal{N}(0, I)$ with a
GAN played in the code space. A third network, the discriminator $D$, learns to tell codes
$z = f(x)$ from draws $z' \sim p(z)$; the encoder, as the GAN's generator, learns to fool it. Each
batch takes three steps, each updating only its own player's weights:

$$\mathcal{L}_{\text{rec}} = \big\lVert g(f(x)) - x \big\rVert^2 \;\text{(encoder } f\text{, decoder } g\text{)}, \qquad
\mathcal{L}_D = -\log D(z') - \log\big(1 - D(f(x))\big) \;\text{(discriminator)}, \qquad
\mathcal{L}_G = -\log D(f(x)) \;\text{(encoder)}.$$

At the GAN's equilibrium the discriminator is right half the time and the codes are spread like
the prior, so decoding $z \sim \mathcal{N}(0, I)$ generates images, as with a VAE, while each image
keeps one deterministic code. aekit's discriminator has two hidden ReLU layers
(as wide as the encoder's) and one logit; its and the generator's Adam optimisers use
$\beta_1 = 0.5$, as GANs usually do."""

VARIATION = Variation(
    config=AdversarialConfig,
    paper=Paper("A. Makhzani, J. Shlens, N. Jaitly, I. Goodfellow and B. Frey", "Adversarial Autoencoders",
                "arXiv:1511.05644, 2015", "https://arxiv.org/abs/1511.05644"),
    idea=IDEA, measure=measure,
    advantage="how close the training codes come to N(0, I) (MMD² against prior draws) and how convincing decoded prior draws are (Fréchet distance in the classifier's features), against the VAE",
    disadvantage=f"the spread of those two numbers over {SEEDS} seeds, the discriminator's accuracy per epoch against the VAE's loss curves, and seconds per epoch",
    budget={"epochs": 10, "batch_size": 32})
