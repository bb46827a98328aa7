"""Measures that turn figures into evidence: image statistics, a digit classifier, and the
descriptions of latent edits the notebooks print, computed from each run so they stay true."""

from __future__ import annotations

import dataclasses
import math

from aekit.backend import keras
import numpy as np

from aekit._checks import check_array, check_images, check_int, check_labels, check_model
from aekit._markdown import markdown_table, ordinal
from aekit.latent import check_adjustments, check_codes, decode, encode

_INK_THRESHOLD = 0.5  # a pixel is part of the stroke above half intensity


@dataclasses.dataclass(frozen=True)
class ImageMeasures:
    """Per-image statistics of 28 × 28 digits (arrays of length n)."""

    ink: np.ndarray        # total intensity: the sum of pixel values
    thickness: np.ndarray  # mean stroke width in pixels: 2 · area / perimeter of the inked region
    slant: np.ndarray      # degrees the stroke leans right of vertical (from second moments)
    centre_x: np.ndarray   # centre of mass, pixels from the left
    centre_y: np.ndarray   # centre of mass, pixels from the top
    sharpness: np.ndarray  # share of intensity in confident pixels (< 0.1 or > 0.9): 1 is crisp


def measure_images(images) -> ImageMeasures:
    """Measure ink, stroke thickness, slant, position and sharpness of each image (n, 784)."""
    x = check_images("images", images, 784).reshape(-1, 28, 28).astype(np.float64)
    ink = x.sum(axis=(1, 2))
    weight = np.where(ink > 0, ink, 1.0)
    rows, cols = np.mgrid[0:28, 0:28]
    cy = (x * rows).sum(axis=(1, 2)) / weight
    cx = (x * cols).sum(axis=(1, 2)) / weight
    dy = -(rows[None] - cy[:, None, None])  # upwards positive
    dx = cols[None] - cx[:, None, None]
    var_y = (x * dy ** 2).sum(axis=(1, 2)) / weight
    cov_xy = (x * dx * dy).sum(axis=(1, 2)) / weight
    slant = np.degrees(np.arctan2(cov_xy, np.where(var_y > 0, var_y, 1.0)))
    inked = np.pad(x > _INK_THRESHOLD, ((0, 0), (1, 1), (1, 1)))
    perimeter = (np.abs(np.diff(inked, axis=1)).sum(axis=(1, 2))
                 + np.abs(np.diff(inked, axis=2)).sum(axis=(1, 2)))
    area = inked.sum(axis=(1, 2))
    thickness = np.where(perimeter > 0, 2.0 * area / np.maximum(perimeter, 1), 0.0)
    confident = ((x < 0.1) | (x > 0.9)).mean(axis=(1, 2))
    return ImageMeasures(ink, thickness, slant, cx, cy, confident)


def train_digit_classifier(x_train, y_train, *, epochs: int = 15, seed: int = 0) -> keras.Model:
    """A small softmax classifier (784 → 128 relu → 10) that tells which digit an image shows."""
    x_train = check_images("x_train", x_train, 784)
    y_train = check_labels("y_train", y_train, len(x_train))
    if len(y_train) != len(x_train) or y_train.min() < 0 or y_train.max() > 9:
        raise ValueError(f"y_train must hold one digit 0-9 per image ({len(x_train)}), got "
                         f"{len(y_train)} labels in [{y_train.min()}, {y_train.max()}]")
    epochs = check_int("epochs", epochs, 1, 1000)
    keras.utils.set_random_seed(check_int("seed", seed, 0, 2**31 - 1))
    classifier = keras.Sequential([keras.Input((784,)),
                                   keras.layers.Dense(128, activation="relu"),
                                   keras.layers.Dense(10, activation="softmax")], name="digit_classifier")
    classifier.compile(keras.optimizers.Adam(2e-3), loss="sparse_categorical_crossentropy",
                       metrics=["accuracy"], steps_per_execution=32)
    classifier.fit(x_train, y_train, epochs=epochs, batch_size=128, verbose=0)
    return classifier


def classify(classifier: keras.Model, images) -> tuple[np.ndarray, np.ndarray]:
    """Return the predicted digit and its probability for each image."""
    check_model("classifier", classifier)
    probabilities = keras.ops.convert_to_numpy(classifier(check_images("images", images, 784)))
    return probabilities.argmax(axis=1), probabilities.max(axis=1)


@dataclasses.dataclass(frozen=True, repr=False)
class EditReport:
    """Measured effect of each latent edit on one image; shows itself as Markdown in Jupyter."""

    rows: list[dict]
    sentences: list[str]

    def to_markdown(self) -> str:
        header = ["panel", "code", "edited element vs training codes", "pixel MSE vs reconstruction",
                  "ink", "thickness (px)", "slant (°)", "centre (x, y) px", "classifier sees"]
        return (markdown_table(header, map(_table_cells, self.rows)) + "\n\n"
                + "\n".join(f"- {s}" for s in self.sentences))

    @property
    def outside(self) -> list[str]:
        """The edits that moved their element outside the range of the training codes."""
        return [r["panel"] for r in self.rows[1:] if not _inside(r)]

    @property
    def changed(self) -> list[str]:
        """The edits after which the classifier reads another digit."""
        return [r["panel"] for r in self.rows[1:] if r["digit"] != self.rows[0]["digit"]]

    def summary(self) -> str:
        """One sentence on all the edits: how many left the training codes, how many changed the digit."""
        total = len(self.rows) - 1
        kept = total - len(set(self.outside) | set(self.changed))
        rest = ("" if kept == 0 else f"; all {total} stayed among the training codes and kept the digit"
                if kept == total else f"; the other {kept} stayed among the training codes and kept the digit")
        return (f"Of the {total} edits, {_some(self.outside)} moved the edited element outside the range "
                f"of the training codes and {_some(self.changed)} made the classifier read another digit "
                f"than {_a(self.rows[0]['digit'])}{rest}.")

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    __repr__ = __str__ = to_markdown


def _some(labels) -> str:
    return f"{len(labels)} ({', '.join(labels)})" if labels else "none"


@dataclasses.dataclass(frozen=True, repr=False)
class ReconstructionReport:
    """What the bottleneck keeps, measured on held-out images; shows itself as a sentence."""

    mse: float           # mean squared error per pixel
    misread: float       # share of reconstructions the classifier reads as another digit than the label
    control: float       # share of the original images it misreads
    n: int
    misread_shown: int   # of the first ``shown`` images, as in the reconstruction figure
    shown: int

    def to_markdown(self) -> str:
        verdict = ("the code keeps the shape of a digit but often not which digit it is"
                   if self.misread > self.control + 0.05 else
                   "the code keeps which digit it is about as well as the originals show it")
        return (f"Held-out reconstructions have MSE {self.mse:.4f} per pixel. The classifier reads "
                f"{self.misread:.0%} of the {self.n:,} reconstructions as another digit than the label "
                f"({self.misread_shown} of the first {self.shown} shown above), against "
                f"{self.control:.0%} of the original images: {verdict}.")

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    __repr__ = __str__ = to_markdown


def measure_reconstructions(images, labels, reconstructions, classifier: keras.Model, *,
                            shown: int = 10) -> ReconstructionReport:
    """Held-out error, and how often ``classifier`` reads another digit in a reconstruction than
    the image's label, with its misreadings of the originals as the control."""
    images = check_images("images", images, 784)
    reconstructions = check_images("reconstructions", reconstructions, 784)
    labels = np.asarray(labels)
    if reconstructions.shape != images.shape or labels.shape != (len(images),):
        raise ValueError(f"images, reconstructions and labels must match: got {images.shape}, "
                         f"{reconstructions.shape} and {labels.shape}")
    shown = check_int("shown", shown, 1, len(images))
    misread = classify(classifier, reconstructions)[0] != labels
    control = classify(classifier, images)[0] != labels
    return ReconstructionReport(float(np.mean((reconstructions - images) ** 2)), float(misread.mean()),
                                float(control.mean()), len(images), int(misread[:shown].sum()), shown)


def describe_adjustments(encoder, decoder, image, adjustments, train_codes,
                         classifier: keras.Model) -> EditReport:
    """Compare the reconstruction of ``image`` after each edit with the unedited reconstruction.

    For each :class:`~aekit.Adjustment` it reports where the edited element lies among the
    training codes (standard deviations from their mean, and percentile), and how the decoded
    image changed: pixel error, ink, stroke thickness, slant, position and the digit a
    classifier trained on the same data sees.
    """
    image = check_images("image", image, 784)[:1]
    adjustments = check_adjustments(adjustments)
    check_model("classifier", classifier)
    code = encode(encoder, image)[0]
    train_codes = check_codes("train_codes", train_codes, len(code))
    edited = [a.apply(code) for a in adjustments]
    pictures = decode(decoder, np.stack([code] + edited))
    measures = measure_images(pictures)
    digits, confidence = classify(classifier, pictures)
    mean, std = train_codes.mean(axis=0), train_codes.std(axis=0)

    rows = []
    for k, (label, z) in enumerate([("reconstruction", code)] + [(a.label, e) for a, e in zip(adjustments, edited)]):
        row = {"panel": label, "code": z,
               "ink": measures.ink[k], "thickness": measures.thickness[k], "slant": measures.slant[k],
               "cx": measures.centre_x[k], "cy": measures.centre_y[k],
               "digit": int(digits[k]), "confidence": float(confidence[k])}
        if k:  # an edit: where its element lies among the training codes, and the pixel change
            dim, column = adjustments[k - 1].dim, train_codes[:, adjustments[k - 1].dim]
            row.update(dim=dim, low=float(column.min()), high=float(column.max()),
                       n_train=len(column), mse=float(np.mean((pictures[k] - pictures[0]) ** 2)),
                       sigmas=float((z[dim] - mean[dim]) / std[dim]) if std[dim] > 0 else math.inf,
                       below=float((column < z[dim]).mean()))
        rows.append(row)
    sentences = [_sentence(adjustment, code, edited[k], rows[0], rows[k + 1])
                 for k, adjustment in enumerate(adjustments)]
    return EditReport(rows, sentences)


def _table_cells(r) -> list[str]:
    return [r["panel"], f"({', '.join(f'{v:.2f}' for v in r['code'])})", _position(r),
            f"{r['mse']:.4f}" if "mse" in r else "—", f"{r['ink']:.0f}", f"{r['thickness']:.2f}",
            f"{r['slant']:+.0f}", f"({r['cx']:.1f}, {r['cy']:.1f})",
            f"{r['digit']} ({r['confidence']:.0%})"]


def _inside(row) -> bool:
    return row["low"] <= row["code"][row["dim"]] <= row["high"]


def _position(row) -> str:
    """Where an edited element lies among the training codes, for the table."""
    if "dim" not in row:
        return "—"
    if not _inside(row):
        where = "outside every training code"
    elif 0.01 <= row["below"] <= 0.99:
        where = f"{ordinal(round(100 * row['below']))} percentile"
    else:
        where = f"{100 * row['below']:.1f}th percentile, at the edge"
    return f"{row['sigmas']:+.1f} σ, {where}"


def _sentence(adjustment, code, edited, base, new) -> str:
    d = adjustment.dim
    span = f"{new['n_train']:,} training codes ({new['low']:.2f} to {new['high']:.2f})"
    where = (f"still inside the range of the {span}" if _inside(new) else
             f"outside the range of all {span}, where the decoder never learned what to draw")
    ink_change = (new["ink"] - base["ink"]) / base["ink"] if base["ink"] > 0 else 0.0
    moves = _movement(new["cx"] - base["cx"], new["cy"] - base["cy"])
    if new["digit"] == base["digit"]:
        verdict = (f"the classifier still sees {_a(new['digit'])} "
                   f"({base['confidence']:.0%} → {new['confidence']:.0%} confident)")
    else:
        verdict = (f"the classifier now sees {_a(new['digit'])} ({new['confidence']:.0%} confident) "
                   f"instead of {_a(base['digit'])}")
    return (f"**{adjustment.label}** moves z[{d}] from {code[d]:.2f} to {edited[d]:.2f} "
            f"({new['sigmas']:+.1f} σ from the training codes' mean), {where}. Against the unedited "
            f"reconstruction the image changes by pixel MSE {new['mse']:.4f}: ink "
            f"{ink_change:+.0%}, strokes {base['thickness']:.1f} → {new['thickness']:.1f} px thick, "
            f"slant {base['slant']:+.0f}° → {new['slant']:+.0f}°, {moves}; {verdict}.")


def _a(digit: int) -> str:
    return f"{'an' if digit == 8 else 'a'} {digit}"


def _movement(dx: float, dy: float) -> str:
    if math.hypot(dx, dy) < 0.5:
        return "its centre stays put"
    parts = [f"{abs(dx):.1f} px {'right' if dx > 0 else 'left'}" if abs(dx) >= 0.5 else "",
             f"{abs(dy):.1f} px {'down' if dy > 0 else 'up'}" if abs(dy) >= 0.5 else ""]
    return "its centre moves " + " and ".join(p for p in parts if p)


def sample_codes(n: int, latent_dim: int, *, seed: int = 0, codes=None) -> np.ndarray:
    """Draw ``n`` latent codes: from the prior N(0, I), or, given the ``codes`` of real images,
    from the Gaussian fitted to them (the best a plain autoencoder, which has no prior, can do)."""
    n = check_int("n", n, 1, 1_000_000)
    rng = np.random.default_rng(check_int("seed", seed, 0, 2**31 - 1))
    if codes is None:
        return rng.standard_normal((n, check_int("latent_dim", latent_dim, 1))).astype(np.float32)
    codes = check_codes("codes", codes, latent_dim)
    covariance = np.atleast_2d(np.cov(codes, rowvar=False))
    return rng.multivariate_normal(codes.mean(axis=0), covariance, size=n).astype(np.float32)


def interpolate_codes(start, end, steps: int = 9) -> np.ndarray:
    """Codes on the straight lines from each ``start`` to each ``end`` code: (pairs, steps, d)."""
    start, end = check_array("start", start, ndim=(1, 2)), check_array("end", end, ndim=(1, 2))
    start, end = np.atleast_2d(start), np.atleast_2d(end)
    if start.shape != end.shape:
        raise ValueError(f"start and end must have the same shape, got {start.shape} and {end.shape}")
    weights = np.linspace(0.0, 1.0, check_int("steps", steps, 2, 100), dtype=np.float32)[None, :, None]
    return ((1 - weights) * start[:, None, :] + weights * end[:, None, :]).astype(np.float32)


def classifier_features(classifier: keras.Model, images) -> np.ndarray:
    """The classifier's last hidden layer for each image: a feature space for Fréchet distances."""
    check_model("classifier", classifier)
    x = keras.ops.convert_to_tensor(check_images("images", images, 784))
    for layer in classifier.layers[:-1]:
        x = layer(x)
    return keras.ops.convert_to_numpy(x).astype(np.float64)


def frechet_distance(features_a, features_b) -> float:
    """Fréchet distance between Gaussians fitted to two feature sets (FID's formula): 0 when the
    two sets have the same mean and covariance, growing as they differ in quality or variety."""
    a = check_array("features_a", features_a).astype(np.float64)
    b = check_array("features_b", features_b).astype(np.float64)
    if a.shape[1] != b.shape[1] or min(len(a), len(b)) < 2:
        raise ValueError(f"features must be two (n, k) arrays with n >= 2, got {a.shape} and {b.shape}")
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    values, vectors = np.linalg.eigh(cov_a)
    root_a = (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T
    cross = np.sqrt(np.clip(np.linalg.eigvalsh(root_a @ cov_b @ root_a), 0, None)).sum()
    return float(np.sum((a.mean(0) - b.mean(0)) ** 2) + np.trace(cov_a) + np.trace(cov_b) - 2 * cross)


@dataclasses.dataclass(frozen=True, repr=False)
class Comparison:
    """The VAE against the plain autoencoder of the same shape, measured on held-out data.

    ``scores[model]`` holds each model's numbers; ``samples[model]`` images decoded from
    z ~ N(0, I); ``verdicts[model]`` the classifier's (digits, confidences) on them;
    ``interpolations[model]`` a decoded path between two test codes; ``elbo`` the VAE's
    held-out bound in nats.
    """

    scores: dict
    samples: dict
    verdicts: dict
    interpolations: dict
    elbo: dict

    def advantage(self) -> str:
        ae, vae = self.scores["autoencoder"], self.scores["VAE"]
        ahead = vae["prior_fd"] < ae["prior_fd"]
        gap = ae["prior_fd"] - vae["prior_fd"]
        closed = (ae["prior_fd"] - ae["fitted_fd"]) / gap if gap > 0 else 0.0
        between = ("better" if vae["between_fd"] < 0.9 * ae["between_fd"] else
                   "worse" if vae["between_fd"] > 1.1 * ae["between_fd"] else "about as good")
        return (
            f"**Advantage — a latent space you can sample from.** Decoding {ae['n_samples']:,} codes "
            f"z ~ N(0, I) gives the VAE images at Fréchet distance {vae['prior_fd']:.1f} from real test "
            f"digits (in the classifier's feature space; lower means more realistic and more varied) "
            f"against {ae['prior_fd']:.1f} for the plain autoencoder"
            f"{'' if ahead else ' — on this run the VAE is not ahead'}. The reason is where the codes "
            f"lie: the VAE's have mean |μ| {vae['code_mean']:.2f} and spread {vae['code_std']:.2f} per "
            f"element, close to the prior's 0 and 1, while the autoencoder's sit at {ae['code_mean']:.2f} "
            f"and {ae['code_std']:.2f}, so its N(0, I) samples show {ae['prior_digits']} of the 10 digits "
            f"at least 5% of the time (VAE: {vae['prior_digits']}). The autoencoder can only be sampled "
            f"after fitting a distribution to its codes: a Gaussian fitted to them brings its distance to "
            f"{ae['fitted_fd']:.1f}"
            + (f", closing {min(closed, 1):.0%} of the gap — the VAE's gain is that training puts the codes "
               f"where the prior is, not a better decoder." if gap > 0 else ".")
            + f" Between the codes of two test images the VAE is {between} (Fréchet distance "
            f"{vae['between_fd']:.1f} against {ae['between_fd']:.1f}).")

    def disadvantage(self) -> str:
        ae, vae = self.scores["autoencoder"], self.scores["VAE"]
        worse, blurrier = vae["mse"] > ae["mse"], vae["sharpness"] < ae["sharpness"]
        return (f"**Disadvantage — blurrier, less faithful reconstructions.** On held-out images the "
                f"VAE's reconstruction error is {vae['mse']:.4f} MSE per pixel against {ae['mse']:.4f} "
                f"for the autoencoder ({vae['mse'] / ae['mse'] - 1:+.0%}: "
                f"{'worse' if worse else 'not worse on this run'}), and {vae['sharpness']:.1%} of its "
                f"pixels are confidently black or white against {ae['sharpness']:.1%} for the autoencoder "
                f"and {self.scores['original']['sharpness']:.1%} for the originals "
                f"({'blurrier' if blurrier else 'not blurrier on this run'}). The KL term pulls every "
                f"code towards the prior and the sampling noise blurs where a code points, so similar "
                f"digits share codes and the decoder draws their average.")

    def elbo_text(self) -> str:
        e = self.elbo
        return (f"**Held-out ELBO.** On {e['n']:,} test images the VAE's negative ELBO is "
                f"{e['negative_elbo']:.1f} nats per image = reconstruction {e['reconstruction']:.1f} + "
                f"KL {e['kl']:.1f}, so log p(x) ≥ −{e['negative_elbo']:.1f} nats under its Bernoulli pixel "
                f"model. The reconstruction term is the cost of describing the pixels given a code; the KL "
                f"term is how many nats of information the code carries about the image beyond the prior: "
                f"{e['kl']:.1f} nats, or {e['kl'] / math.log(2):.1f} bits, for a {e['latent_dim']}-number "
                f"code, a coarse description of the image rather than its pixels.")

    def table(self) -> str:
        """The measurements side by side, as a Markdown table."""
        rows = [("held-out reconstruction MSE per pixel (lower is better)", "mse", "{:.4f}"),
                ("sharpness: pixels < 0.1 or > 0.9", "sharpness", "{:.1%}"),
                ("codes: mean |μ| per element (prior: 0)", "code_mean", "{:.2f}"),
                ("codes: spread per element (prior: 1)", "code_std", "{:.2f}"),
                ("z ~ N(0, I): Fréchet distance to test digits", "prior_fd", "{:.1f}"),
                ("z ~ N(0, I): digits seen in ≥ 5% of samples", "prior_digits", "{}"),
                ("z ~ Gaussian fitted to the training codes: Fréchet distance", "fitted_fd", "{:.1f}"),
                ("z between two test codes: Fréchet distance", "between_fd", "{:.1f}")]
        return markdown_table(["measure", "autoencoder", "VAE"],
                     [[name, fmt.format(self.scores["autoencoder"][key]), fmt.format(self.scores["VAE"][key])]
                      for name, key, fmt in rows])

    def to_markdown(self) -> str:
        """The table, the advantage, the disadvantage and the ELBO, as Markdown."""
        return "\n\n".join([self.table(), self.advantage(), self.disadvantage(), self.elbo_text()])

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    __repr__ = __str__ = to_markdown


def compare_models(autoencoder_parts, vae_parts, x_train, x_test, classifier: keras.Model, *,
                   n_samples: int = 1000, pairs: int = 100, seed: int = 0) -> Comparison:
    """Measure a VAE against a plain autoencoder of the same shape.

    The VAE's cost: held-out reconstruction error and sharpness. Its gain: how close decoded
    samples z ~ N(0, I) come to real test digits (Fréchet distance in ``classifier``'s features,
    and how many digits they show), with the autoencoder also sampled from a Gaussian fitted to
    its own codes as a control, and the same for points between the codes of two test images.
    """
    x_train, x_test = check_images("x_train", x_train, 784), check_images("x_test", x_test, 784)
    for name, parts in (("autoencoder_parts", autoencoder_parts), ("vae_parts", vae_parts)):
        if not isinstance(parts, (tuple, list)) or len(parts) != 3:
            raise ValueError(f"{name} must be the (encoder, decoder, model) triple that aekit builds, "
                             f"got {type(parts).__name__}")
        for part, model in zip(("encoder", "decoder", "model"), parts):
            check_model(f"{name}[{part}]", model)
    check_model("classifier", classifier)
    n_samples = check_int("n_samples", n_samples, 10, 100_000)
    pairs = check_int("pairs", pairs, 1, len(x_test) // 2)
    ends = np.random.default_rng(check_int("seed", seed, 0, 2**31 - 1)).choice(
        len(x_test), size=(pairs, 2), replace=False)
    real = classifier_features(classifier, x_test)
    scores = {"original": {"sharpness": float(measure_images(x_test).sharpness.mean())}}
    samples, verdicts, interpolations = {}, {}, {}
    for name, (encoder, decoder, _) in (("autoencoder", autoencoder_parts), ("VAE", vae_parts)):
        test_codes, train_codes = encode(encoder, x_test), encode(encoder, x_train)
        latent_dim = test_codes.shape[1]
        reconstructions = decode(decoder, test_codes)
        samples[name] = decode(decoder, sample_codes(n_samples, latent_dim, seed=seed))
        verdicts[name] = classify(classifier, samples[name])
        fitted = decode(decoder, sample_codes(n_samples, latent_dim, seed=seed, codes=train_codes))
        paths = interpolate_codes(test_codes[ends[:, 0]], test_codes[ends[:, 1]])
        decoded_paths = decode(decoder, paths.reshape(-1, latent_dim)).reshape(pairs, -1, 784)
        interpolations[name] = decoded_paths[0]
        shares = np.bincount(verdicts[name][0], minlength=10) / n_samples
        scores[name] = {
            "mse": float(np.mean((reconstructions - x_test) ** 2)),
            "sharpness": float(measure_images(reconstructions).sharpness.mean()),
            "code_mean": float(np.abs(train_codes.mean(axis=0)).mean()),
            "code_std": float(train_codes.std(axis=0).mean()),
            "prior_fd": frechet_distance(classifier_features(classifier, samples[name]), real),
            "prior_digits": int((shares >= 0.05).sum()),
            "fitted_fd": frechet_distance(classifier_features(classifier, fitted), real),
            "between_fd": frechet_distance(
                classifier_features(classifier, decoded_paths[:, 1:-1].reshape(-1, 784)), real),
            "n_samples": n_samples}
    losses = vae_parts[2].evaluate(x_test, batch_size=256, verbose=0, return_dict=True)
    elbo = {"n": len(x_test), "reconstruction": losses["reconstruction_loss"], "kl": losses["kl_loss"],
            "negative_elbo": losses["reconstruction_loss"] + losses["kl_loss"],
            "latent_dim": int(vae_parts[0].outputs[0].shape[-1])}
    return Comparison(scores, samples, verdicts, interpolations, elbo)
