"""Q1's evidence for the conditional VAE (Sohn, Lee & Yan): images of the class you ask for,
against a code that no longer carries the class, and labels needed for everything."""

from __future__ import annotations

import numpy as np

from aekit._checks import check_array, check_labels
from aekit.latent import decode, encode, sample_codes
from aekit.measures import classifier_features, classify, frechet_distance
from aekit.models.base import call_in_chunks
from aekit.models.conditional import ConditionalVAEConfig
from aekit.models.vae import VAEConfig
from aekit.plots import plot_curves, plot_image_rows, plot_latent_space
from aekit.variations.evidence import Evidence, Measured, Paper, Run, Shown, Variation, mse, mse_row, parameters_row

PER_CLASS = 100  # samples asked for per class
SHOWN = 10       # codes decoded under every label in the figure


def centroid_accuracy(train_codes, train_labels, test_codes, test_labels) -> float:
    """The share of test codes whose nearest class centre (the mean of that class's training
    codes) is their own class: how much of the class a code carries."""
    train_codes, test_codes = check_array("train_codes", train_codes, ndim=(2,)), check_array("test_codes", test_codes, ndim=(2,))
    train_labels = check_labels("train_labels", train_labels, len(train_codes))[:len(train_codes)]
    test_labels = check_labels("test_labels", test_labels, len(test_codes))[:len(test_codes)]
    classes = np.unique(train_labels)
    centres = np.stack([train_codes[train_labels == c].mean(axis=0) for c in classes])
    distances = ((test_codes[:, None, :] - centres[None]) ** 2).sum(axis=-1)
    return float(np.mean(classes[distances.argmin(axis=1)] == test_labels))


def measure(model, plain, run: Run) -> Evidence:
    data, classifier = run.data, run.classifier
    classes = len(data.class_names)
    vae = VAEConfig(hidden_units=run.hidden_units, latent_dim=run.latent_dim).build(seed=run.seed)
    run.train(vae)

    asked = np.repeat(np.arange(classes), PER_CLASS)
    codes = sample_codes(PER_CLASS, run.latent_dim, seed=run.seed)
    codes = np.tile(codes, (classes, 1))  # the same codes under every label
    generated = call_in_chunks(model.decoder, codes, labels=asked)
    unasked = decode(vae.decoder, codes[:PER_CLASS])
    read, _ = classify(classifier, generated)
    vae_read, _ = classify(classifier, unasked)
    on_request = np.array([np.mean(read[asked == c] == c) for c in range(classes)])
    by_chance = np.bincount(vae_read, minlength=classes) / len(vae_read)
    real = classifier_features(classifier, data.x_test)
    fd = {"conditional": frechet_distance(classifier_features(classifier, generated), real),
          "VAE": frechet_distance(classifier_features(classifier, decode(vae.decoder, sample_codes(
              len(generated), run.latent_dim, seed=run.seed))), real)}

    test_codes = {"VAE": encode(vae.encoder, data.x_test),
                  "conditional VAE": call_in_chunks(model.encoder, data.x_test, labels=data.y_test, output=0)}
    train_codes = {"VAE": encode(vae.encoder, data.x_train),
                   "conditional VAE": call_in_chunks(model.encoder, data.x_train, labels=data.y_train, output=0)}
    carried = {name: centroid_accuracy(train_codes[name], data.y_train, test_codes[name], data.y_test)
               for name in test_codes}
    commonest = float(np.bincount(data.y_test).max() / len(data.y_test))
    errors = {"plain": mse(plain.reconstruct(data.x_test), data.x_test),
              "VAE": mse(vae.reconstruct(data.x_test), data.x_test),
              "conditional": mse(model.reconstruct(data.x_test, data.y_test), data.x_test)}

    names = data.class_names
    worst = int(on_request.argmin())
    ahead = [c for c in range(classes) if on_request[c] > by_chance[c]]
    advantage = (
        f"**Advantage — generation on request.** Asked for each of the {classes} classes with the same "
        f"{PER_CLASS} codes z ~ N(0, I), the conditional VAE's images are read by the classifier as the "
        f"class asked for {on_request.mean():.0%} of the time (lowest: class {names[worst]}, "
        f"{on_request[worst]:.0%}). The VAE cannot be asked for a class: its decoder takes z alone, and "
        f"of its decodings of the same codes between {by_chance.min():.0%} and {by_chance.max():.0%} are "
        f"read as any one class (on average {1 / classes:.0%}, whatever the codes). "
        + ("The conditional VAE delivers the class asked for more often than the VAE happens to draw it "
           "for every class." if len(ahead) == classes else
           f"On this run it does so more often than the VAE happens to draw that class for "
           f"{len(ahead)} of the {classes} classes only.")
        + f" Its images are at Fréchet distance {fd['conditional']:.1f} from the test {run.kind.plural} in "
        f"the classifier's features, the VAE's prior samples at {fd['VAE']:.1f} "
        + ("(the conditional VAE's are closer: asked for every class in turn, they cover every class)."
           if fd["conditional"] < fd["VAE"] else "(on this run the conditional VAE's are not closer).")
        + " In the figure, each column is one code decoded under every label: what stays the same down "
        "a column is what the code carries once the label says the class.")

    lower = carried["conditional VAE"] < carried["VAE"]
    disadvantage = (
        f"**Disadvantage — the code no longer carries the class, and labels are needed.** Reading the "
        f"class of a held-out {run.kind.noun} from its code alone (the nearest class centre of the training "
        f"codes) is right for {carried['VAE']:.0%} of them with the VAE and {carried['conditional VAE']:.0%} "
        f"with the conditional VAE (the commonest class alone: {commonest:.0%}) — "
        + ("the class has moved out of the code into the label, so the code is a poorer guide to the class."
           if lower else "on this run the conditional VAE's code does not carry less of the class.")
        + f" And every image needs its label: training needs a labelled data set, and encoding or "
        f"reconstructing a new image needs its class first. Held-out reconstruction error, with the true "
        f"labels: {errors['conditional']:.4f} MSE per pixel, against {errors['VAE']:.4f} for the VAE and "
        f"{errors['plain']:.4f} for the plain autoencoder.")

    rows = {f"asked: {names[c]}": generated[asked == c][:SHOWN] for c in range(classes)}
    captions = {f"asked: {names[c]}": [f"read {names[r]}" for r in read[asked == c][:SHOWN]] for c in range(classes)}
    return Evidence(
        title="conditional VAE", baseline="VAE",
        rows=[Measured("held-out reconstruction MSE per pixel (with the true label)", f"{errors['VAE']:.4f}",
                       f"{errors['conditional']:.4f}"),
              Measured(f"z ~ N(0, I) asked for a class: read as that class (mean of {classes})",
                       f"cannot be asked ({1 / classes:.0%} by chance)", f"{on_request.mean():.1%}"),
              Measured("… for the class it gets least often", f"{by_chance.min():.1%} ({names[int(by_chance.argmin())]})",
                       f"{on_request[worst]:.1%} ({names[worst]})"),
              Measured("z ~ N(0, I): Fréchet distance to test images", f"{fd['VAE']:.1f}", f"{fd['conditional']:.1f}"),
              Measured("class read from the code (nearest class centre)", f"{carried['VAE']:.1%}",
                       f"{carried['conditional VAE']:.1%}"),
              Measured("needs the label of every image", "no", "yes"),
              parameters_row(vae, model)],
        advantage=advantage, disadvantage=disadvantage,
        advantage_figures=[
            Shown("q1_conditional_on_request.png", f"The same {SHOWN} codes z ~ N(0, I) (columns) decoded under "
                  f"every label (rows); captions: the class the classifier reads.",
                  plot_image_rows(rows, captions=captions, title="One code, every label")),
            Shown("q1_conditional_by_class.png", f"Per class: the share of {PER_CLASS} samples read as the class "
                  "asked for (conditional VAE), and the share of the VAE's samples that happen to be that class.",
                  plot_curves({"conditional VAE: asked for the class": (np.arange(classes), on_request),
                               "VAE: drew it by chance": (np.arange(classes), by_chance)},
                              xlabel="class", ylabel="share of samples read as the class",
                              marked="conditional VAE: asked for the class", title="Generation on request"))],
        disadvantage_figures=[
            Shown("q1_conditional_latent_spaces.png", "The codes of the test images, coloured by class: the "
                  "VAE's group by class; the conditional VAE's need not, since the decoder gets the class anyway.",
                  plot_latent_space(test_codes, data.y_test, class_names=run.class_names,
                                    title="Latent codes of test images"))],
        mse=mse_row(errors["plain"], errors["conditional"], "held-out MSE per pixel"),
        key=Measured("samples read as the class asked for", f"{1 / classes:.0%} (by chance)",
                     f"{on_request.mean():.0%}"))


IDEA = r"""A VAE learns $p_\theta(x)$: its decoder turns any $z \sim \mathcal{N}(0, I)$ into an image, but
there is no way to ask for a *kind* of image. A **conditional VAE** gives the label $y$ (one-hot)
to both halves: the encoder is $q_\phi(z \mid x, y)$ and the decoder $p_\theta(x \mid z, y)$, and
training maximises the ELBO of $x$ given $y$:

$$\log p_\theta(x \mid y) \;\ge\; \mathcal{L}(x, y) \;=\; \mathbb{E}_{q_\phi(z\mid x, y)}\big[\log p_\theta(x \mid z, y)\big]
\;-\; D_{\mathrm{KL}}\big(q_\phi(z \mid x, y)\,\|\,\mathcal{N}(0, I)\big).$$

Since the decoder is told the class, the code is free to keep only what the label does not say
(for digits: slant, thickness, width). To generate a digit on request, draw $z \sim \mathcal{N}(0, I)$
and decode it with the label you want — the same $z$ under another label gives the same "style" in
another class. This is the step from the autoencoder's family to *conditional* generation, which
the conditional GAN takes further. aekit's conditional VAE concatenates the one-hot label to the
image at the encoder's input and to the code at the decoder's input, and minimises the negative
ELBO in nats per image, as the VAE does."""

VARIATION = Variation(
    config=ConditionalVAEConfig,
    paper=Paper("K. Sohn, H. Lee and X. Yan",
                "Learning Structured Output Representation using Deep Conditional Generative Models",
                "NeurIPS 2015",
                "https://papers.nips.cc/paper/5775-learning-structured-output-representation-using-deep-conditional-generative-models"),
    idea=IDEA, measure=measure,
    advantage="generation on request: 100 samples per class from the prior, the share the classifier reads as the class asked for, against the share of the VAE's samples that happen to be that class; one code decoded under every label",
    disadvantage="how well the class can be read from the codes (nearest class centre) for the VAE and the conditional VAE; that every image needs its label",
    budget={"epochs": 20})
