"""Q4's evidence: four generators of the same images on the same budget — the VAE, a GAN and
their conditional versions (the conditional VAE and the conditional GAN) — trained through aekit's
one training path and measured side by side: sharpness, Fréchet distance, precision and recall
(Kynkäänniemi et al., 2019), the classes they cover, and, for the conditional ones, how often they
draw the class they are asked for. Every sentence is computed from the run."""

from __future__ import annotations

import dataclasses
import time

import numpy as np

from aekit import models
from aekit._checks import check_choice, check_float, check_images, check_int, check_labels
from aekit._keras import check_model, keras
from aekit._markdown import markdown_table
from aekit.latent import generate
from aekit.models.config import Int, Setting
from aekit.measures import PrecisionRecall, class_shares, classifier_features, classify, frechet_distance, \
    precision_recall, sharpness
from aekit.training import set_seed, train

GENERATORS = ("vae", "gan", "conditional", "conditional_gan")  # aekit.models names, in the order shown
GANS = ("gan", "conditional_gan")
SAMPLES = Setting(Int(10, 100_000), "images drawn from each generator to measure it")
PER_CLASS = Setting(Int(1, 10_000), "requests of each class to a conditional generator")
SNAPSHOTS = Setting(Int(1, 20), "how many epochs, spread from the first to the last, draw samples from the same codes")
MISSING = 0.01  # a class read in less than this share of the samples is missing from them
UNDER = 0.5  # … and under-drawn below this fraction of its share of the test images
EQUILIBRIUM = 0.15  # the discriminator is near ½ when its accuracy on real and on generated images is within this of ½
LAST_EPOCHS = 5  # the game's state is judged on the mean of the last epochs


@dataclasses.dataclass(frozen=True, kw_only=True)
class Budget:
    """What every generator gets: the same images, shape, epochs and batch size; a learning rate
    per family (the VAEs' and the GANs' may be set apart)."""

    epochs: int
    batch_size: int
    hidden_units: int
    latent_dim: int
    vae_learning_rate: float
    gan_learning_rate: float
    seed: int = 0

    def __post_init__(self):
        check_int("epochs", self.epochs, 1, 100_000)
        check_int("batch_size", self.batch_size, 1, 1_000_000)
        for name in ("vae_learning_rate", "gan_learning_rate"):
            check_float(name, getattr(self, name), 0.0, 10.0, low_open=True)
        check_int("seed", self.seed, 0, 2**31 - 2)

    def learning_rate(self, name: str) -> float:
        return self.gan_learning_rate if name in GANS else self.vae_learning_rate


@dataclasses.dataclass(kw_only=True)
class Trained:
    """One generator after training: its history, its seconds of training, and the images it
    drew from fixed codes at a few epochs (``snapshots``: {epoch: images})."""

    name: str
    title: str
    model: keras.Model
    history: dict[str, list[float]]
    seconds: float
    snapshots: dict[int, np.ndarray]

    @property
    def conditional(self) -> bool:
        return self.model.needs_labels


def snapshot_epochs(epochs: int, snapshots: int) -> list[int]:
    """Up to ``snapshots`` epochs (1-based), evenly spread from the first to the last (the last
    alone for one)."""
    epochs, snapshots = check_int("epochs", epochs, 1), SNAPSHOTS.check("snapshots", snapshots)
    if snapshots == 1:
        return [epochs]
    return sorted({int(round(e)) for e in np.linspace(1, epochs, min(snapshots, epochs))})


def build_generators(budget: Budget, names=GENERATORS) -> dict[str, keras.Model]:
    """Each of ``names`` (aekit.models) with the budget's shape, seeded: {name: model}."""
    if not isinstance(budget, Budget):
        raise ValueError(f"budget must be an aekit.generation.Budget, got {type(budget).__name__}")
    built = {}
    for name in names:
        set_seed(budget.seed)
        built[name] = models.config(name)(hidden_units=budget.hidden_units,
                                          latent_dim=budget.latent_dim).build(seed=budget.seed)
    return built


def train_generators(built: dict, x_train, y_train, budget: Budget, *, snapshots: int = 3,
                     classes: int = 10) -> dict[str, Trained]:
    """Train each built generator ({name: model}) on the same images with the budget, and keep
    ten images drawn from fixed codes (a conditional model asked for the classes in turn) at each
    of :func:`snapshot_epochs`."""
    if not isinstance(built, dict) or not built:
        raise ValueError("built must be a non-empty dict of {name: model}, as build_generators gives")
    classes = check_int("classes", classes, 2, 10_000)
    shown = snapshot_epochs(budget.epochs, snapshots)
    found = {}
    for name, model in built.items():
        drawn = {}

        def keep(epoch, logs, model=model, drawn=drawn):
            if epoch + 1 in shown:
                drawn[epoch + 1] = _draw(model, 10, classes, seed=budget.seed)

        set_seed(budget.seed)
        start = time.perf_counter()
        history = train(model, x_train, y_train, epochs=budget.epochs, batch_size=budget.batch_size,
                        learning_rate=budget.learning_rate(name), on_epoch_end=keep)
        found[name] = Trained(name=name, title=models.config(name).title, model=model, history=history.history,
                              seconds=time.perf_counter() - start, snapshots=drawn)
    return found


def _draw(model, n: int, classes: int, *, seed: int) -> np.ndarray:
    """``n`` images from ``model``; a conditional one is asked for the classes in turn."""
    if model.needs_labels:
        return generate(model, labels=np.arange(n) % classes, seed=seed)
    return generate(model, n, seed=seed)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Scores:
    """One generator's (or the real test images') row of the comparison."""

    title: str
    sharpness: float          # mean share of confident pixels (< 0.1 or > 0.9)
    frechet: float            # to held-out test images, in the classifier's features
    quality: PrecisionRecall  # against as many test images
    shares: np.ndarray        # share of the samples read as each class
    conditional: bool = False  # asked for the classes in turn: its shares follow the requests
    on_request: np.ndarray | None = None  # per class: share read as the class asked for
    images: np.ndarray | None = dataclasses.field(default=None, repr=False)     # the samples measured
    requested: np.ndarray | None = dataclasses.field(default=None, repr=False)  # drawn on request, by class
    read: np.ndarray | None = dataclasses.field(default=None, repr=False)       # the classes read in them


@dataclasses.dataclass(kw_only=True)
class Comparison:
    """The generators and the real test images, measured alike; its sentences and table."""

    real: Scores
    scores: dict[str, Scores]
    trained: dict[str, Trained]
    samples: int
    per_class: int
    noun: str  # "digit" or "garment"
    class_names: tuple
    classifier_accuracy: float  # share of the test images the classifier reads right

    def table(self) -> str:
        rows = []
        for key, s in [("real", self.real), *self.scores.items()]:
            request = (f"{self.classifier_accuracy:.0%} (the classifier on test images)" if key == "real" else
                       "—" if s.on_request is None else f"{s.on_request.mean():.0%}")
            rows.append([s.title if key != "real" else "real test images (reference)", f"{s.sharpness:.1%}",
                         f"{s.frechet:.1f}", f"{s.quality.precision:.2f}", f"{s.quality.recall:.2f}",
                         f"{int((s.shares >= MISSING).sum())} of {len(s.shares)}", request,
                         "—" if key == "real" else f"{self.trained[key].seconds:.1f} s"])
        return markdown_table(["", "sharpness", "Fréchet distance", "precision", "recall",
                               f"classes in ≥ {MISSING:.0%}", "drawn as asked", "training"], rows)

    def sharpness_text(self) -> str:
        """The notes' claim, "VAEs produce blurry outputs compared with GANs", against this run."""
        pairs = [("vae", "gan"), ("conditional", "conditional_gan")]
        found = [(self.scores[v], self.scores[g]) for v, g in pairs if v in self.scores and g in self.scores]
        if not found:
            return ""
        sharper = [g.sharpness > v.sharpness for v, g in found]
        verdict = ("The run supports the claim: " + ("each GAN is sharper than its VAE" if len(found) > 1
                                                     else "the GAN is sharper than the VAE") if all(sharper) else
                   "The run contradicts the claim: " + ("no GAN is sharper than its VAE" if len(found) > 1
                                                        else "the GAN is not sharper than the VAE")
                   if not any(sharper) else "The run supports the claim only in part")
        details = "; ".join(f"{g.title} {g.sharpness:.1%} against {v.title} {v.sharpness:.1%}" for v, g in found)
        return (f"**Sharpness.** The course notes claim that VAEs produce blurrier images than GANs, because the "
                f"reconstruction loss averages pixel values. {verdict} (share of confident pixels, < 0.1 or "
                f"> 0.9: {details}; real test {self.noun}s {self.real.sharpness:.1%}).")

    def realism_text(self) -> str:
        closest = _best(self.scores, lambda s: -s.frechet, "{:.1f}", lambda s: s.frechet)
        farthest = max(self.scores.values(), key=lambda s: s.frechet)
        precise = _best(self.scores, lambda s: s.quality.precision, "{:.2f}", lambda s: s.quality.precision)
        covering = _best(self.scores, lambda s: s.quality.recall, "{:.2f}", lambda s: s.quality.recall)
        n = self.real.quality.n_real
        return (f"**Realism and variety.** Closest to the test images in the classifier's features: {closest}; "
                f"the farthest is the {farthest.title}, at {farthest.frechet:.1f} (two sets of {n:,} real "
                f"{self.noun}s are {self.real.frechet:.1f} apart, each generator is measured on {n:,} samples "
                f"against the same {n:,} test {self.noun}s). Highest precision (the share of samples that fall "
                f"among real {self.noun}s): {precise}; highest recall (the share of real {self.noun}s the samples "
                f"reach): {covering}. Two sets of real {self.noun}s score {self.real.quality.precision:.2f} and "
                f"{self.real.quality.recall:.2f}: a reference at this size, not a ceiling (a generator that "
                f"draws only typical {self.noun}s can exceed its precision)."
                + (" The conditional generators are asked for every class equally, which helps both measures."
                   if any(s.conditional for s in self.scores.values()) else ""))

    def coverage_text(self) -> str:
        free = {k: s for k, s in self.scores.items() if not s.conditional}
        if not free:
            return ""
        expected = self.real.shares
        parts = []
        for s in free.values():
            missing = [self.class_names[c] for c in np.flatnonzero(s.shares < MISSING)]
            under = [self.class_names[c] for c in np.flatnonzero((s.shares >= MISSING) & (s.shares < UNDER * expected))]
            parts.append(f"the {s.title} draws {int((s.shares >= MISSING).sum())} of {len(s.shares)} classes"
                         + (f", missing {_listed(missing)}" if missing else "")
                         + (f", under-drawn {_listed(under)}" if under else ""))
        collapsed = [s.title for s in free.values() if (s.shares < MISSING).any()]
        return (f"**Classes covered.** Of {self.samples:,} samples, as the classifier reads them ("
                f"a class is missing below {MISSING:.0%} of the samples, under-drawn below half its share of "
                f"the test images): {'; '.join(parts)}. "
                + (f"Missing classes are what mode collapse looks like: {_listed([f'the {t}' for t in collapsed])} "
                   f"draw{'s' if len(collapsed) == 1 else ''} some kinds of {self.noun} and not others." if collapsed else
                   "No class is missing: no mode collapse on this run.")
                + (" The conditional generators draw the classes they are asked for, so their coverage is their "
                   "accuracy on request, below." if len(free) < len(self.scores) else ""))

    def request_text(self) -> str:
        asked = {k: s for k, s in self.scores.items() if s.on_request is not None}
        if not asked:
            return ""
        parts = []
        for s in asked.values():
            worst = int(np.argmin(s.on_request))
            parts.append(f"the {s.title} draws {s.on_request.mean():.0%} of them as the class asked for "
                         f"(worst: {self.class_names[worst]}, {s.on_request[worst]:.0%})")
        text = (f"**On request.** Asked for each class {self.per_class} times, {'; '.join(parts)}, as the "
                f"classifier reads them (it reads {self.classifier_accuracy:.0%} of the real test {self.noun}s "
                f"right).")
        if len(asked) > 1:
            text += f" Best on this run: {_best(asked, lambda s: s.on_request.mean(), '{:.0%}', lambda s: s.on_request.mean())}."
        return text

    def sentences(self) -> str:
        return "\n\n".join(t for t in (self.sharpness_text(), self.realism_text(), self.coverage_text(),
                                       self.request_text()) if t)

    def headline(self) -> dict:
        found = {}
        for s in self.scores.values():
            found[f"{s.title}: Fréchet distance"] = f"{s.frechet:.1f}"
            found[f"{s.title}: precision / recall"] = f"{s.quality.precision:.2f} / {s.quality.recall:.2f}"
            if s.on_request is not None:
                found[f"{s.title}: drawn as asked"] = f"{s.on_request.mean():.0%}"
        return found


def _best(scores: dict, key, form: str, value) -> str:
    """The best generator by ``key`` (ties at the printed precision named together), with its value."""
    top = max(scores.values(), key=key)
    tied = [s for s in scores.values() if form.format(value(s)) == form.format(value(top))]
    return f"{_listed([f'the {s.title}' for s in tied])}, at {form.format(value(top))}" + (" (a tie)" if len(tied) > 1 else "")


def _listed(names) -> str:
    names = [str(n) for n in names]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def compare(trained: dict, x_test, y_test, classifier, *, class_names, noun: str = "digit",
            samples: int = 1000, per_class: int = 100, seed: int = 0) -> Comparison:
    """Measure each trained generator against the test images ``x_test`` with ``classifier``:
    ``samples`` images from each (a conditional one asked for the classes in turn), and
    ``per_class`` requests of each class for a conditional one. The Fréchet distance, precision
    and recall compare sets of one size: n = min(``samples``, half the test images) samples
    against the first n test images, and the reference, those against the next n."""
    if not isinstance(trained, dict) or not trained or not all(isinstance(t, Trained) for t in trained.values()):
        raise ValueError("trained must be a non-empty dict of {name: Trained}, as train_generators gives")
    check_model("classifier", classifier)
    samples = SAMPLES.check("samples", samples)
    per_class = PER_CLASS.check("per_class", per_class)
    seed = check_int("seed", seed, 0, 2**31 - 2)
    class_names = tuple(class_names)
    classes = len(class_names)
    if classes < 2 or classes != classifier.outputs[0].shape[-1]:
        raise ValueError(f"class_names must name each of the classifier's {classifier.outputs[0].shape[-1]} "
                         f"classes, got {classes}")
    x_test = check_images("x_test", x_test)
    y_test = check_labels("y_test", y_test, len(x_test))[:len(x_test)]
    if len(x_test) < 20 or set(np.unique(y_test)) != set(range(classes)):
        raise ValueError(f"x_test and y_test must hold at least 20 test images of every one of the {classes} "
                         f"classes, got {len(x_test)} images of {len(np.unique(y_test))} classes")
    real_features = classifier_features(classifier, x_test)
    n = min(samples, len(x_test) // 2)
    held = real_features[:n]
    read, _ = classify(classifier, x_test)
    real = Scores(title="real test images", sharpness=float(sharpness(x_test).mean()),
                  frechet=frechet_distance(real_features[n:2 * n], held),
                  quality=precision_recall(held, real_features[n:2 * n]),
                  shares=class_shares(classifier, x_test, classes))
    scores = {}
    asked = np.repeat(np.arange(classes), per_class)
    for name, t in trained.items():
        images = _draw(t.model, samples, classes, seed=seed)
        features = classifier_features(classifier, images)
        on_request = requested = got = None
        if t.conditional:
            requested = generate(t.model, labels=asked, seed=seed + 1)
            got, _ = classify(classifier, requested)
            on_request = np.array([np.mean(got[asked == c] == c) for c in range(classes)])
        scores[name] = Scores(title=t.title, sharpness=float(sharpness(images).mean()),
                              frechet=frechet_distance(features[:n], held),
                              quality=precision_recall(held, features[:n]),
                              shares=class_shares(classifier, images, classes), conditional=t.conditional,
                              on_request=on_request, images=images, requested=requested, read=got)
    return Comparison(real=real, scores=scores, trained=trained, samples=samples, per_class=per_class,
                      noun=check_choice("noun", noun, ("digit", "garment", "image")), class_names=class_names,
                      classifier_accuracy=float(np.mean(read == y_test)))


def game_text(trained: Trained) -> str:
    """Where a GAN's game ended, from its history: near the equilibrium the notes describe (the
    discriminator right about half the time on real and on generated images, its loss near
    2 ln 2 and the generator's near ln 2), or one player ahead."""
    if not isinstance(trained, Trained) or trained.name not in GANS and "real_accuracy" not in trained.history:
        raise ValueError("trained must be a trained GAN (a Trained of 'gan' or 'conditional_gan')")
    h = trained.history
    last = min(LAST_EPOCHS, len(h["real_accuracy"]))
    real, fake = (float(np.mean(h[k][-last:])) for k in ("real_accuracy", "generated_accuracy"))
    if abs(real - 0.5) <= EQUILIBRIUM and abs(fake - 0.5) <= EQUILIBRIUM:
        verdict = ("near ½ on both, the equilibrium the notes describe: the discriminator can hardly tell the "
                   "generator's images from real ones")
    elif fake > 0.5 + EQUILIBRIUM:
        verdict = ("so the discriminator won: it still tells most generated images from real ones, and the "
                   "generator keeps learning from that")
    else:
        verdict = "so the generator is ahead: the discriminator takes most of its images for real ones"
    g, d = h["generator_loss"], h["discriminator_loss"]
    epochs = f"{last} epochs" if last > 1 else "epoch"
    return (f"**{trained.title}: the game.** Over the last {epochs} the discriminator was right on "
            f"{real:.0%} of real and {fake:.0%} of generated images, {verdict}. The generator's loss went "
            f"from {g[0]:.2f} in the first epoch to {g[-1]:.2f} in the last (ln 2 = 0.69 at the equilibrium), "
            f"the discriminator's from {d[0]:.2f} to {d[-1]:.2f} (2 ln 2 = 1.39).")
