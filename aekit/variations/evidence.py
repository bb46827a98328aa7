"""What Q1 says about a variation, and the measuring every variation shares.

A variation module states a :class:`Variation`: its model's config (:mod:`aekit.models`), its
paper, its idea and loss in Markdown, the training budget it needs, and ``measure(model, plain,
run)``, which trains nothing of the two models it gets (both trained with the same shape, data and
budget) and returns its :class:`Evidence` against the plain autoencoder. The helpers here do what
several variations measure: reconstruction error, a sweep of a setting, seconds per epoch, the
"worse / not worse on this run" verdict, the reconstruction figure.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

import numpy as np

from aekit._markdown import markdown_table
from aekit.data import Dataset
from aekit.measures import Kind, kind_of
from aekit.models import Autoencoder
from aekit.models.autoencoder import make_autoencoder
from aekit.models.config import ModelConfig, Setting
from aekit.plots import plot_reconstructions
from aekit.training import train

BUDGET = {"epochs": 40, "batch_size": 16, "learning_rate": 0.01}  # unless a variation says otherwise


@dataclasses.dataclass(frozen=True)
class Paper:
    authors: str
    title: str
    venue: str
    url: str

    def markdown(self) -> str:
        return f"{self.authors}, [*{self.title}*]({self.url}), {self.venue}."

    def short(self) -> str:
        """"Kingma & Welling, [Auto-Encoding Variational Bayes](…), ICLR 2014": for a table."""
        names = [author.split()[-1] for author in self.authors.replace(" and ", ", ").split(", ")]
        who = names[0] if len(names) == 1 else " & ".join(names) if len(names) == 2 else f"{names[0]} et al."
        return f"{who}, [{self.title}]({self.url}), {self.venue}"


@dataclasses.dataclass(frozen=True)
class Variation:
    """One variation: its model, what it is, the budget it trains with and how it is measured.

    ``config`` is its model's config class (its settings, their defaults and ranges);
    ``advantage`` and ``disadvantage`` say in a line what is measured (for the docs); ``budget``
    the :data:`BUDGET` entries it changes; ``measuring`` the settings only its evidence uses
    (``{"prior_samples": (default, Setting)}``); ``measure(model, plain, run)`` returns its
    :class:`Evidence`.
    """

    config: type[ModelConfig]
    paper: Paper
    idea: str
    measure: Callable
    advantage: str
    disadvantage: str
    budget: dict = dataclasses.field(default_factory=dict)
    measuring: dict = dataclasses.field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.config.name

    @property
    def title(self) -> str:
        return self.config.title

    def defaults(self) -> dict:
        """Every value this variation uses where the notebook gives none: the budget, its model's
        settings and its measuring settings."""
        return {**BUDGET, **self.budget, **{name: default for name, (default, _) in self.config.settings().items()},
                **{name: default for name, (default, _) in self.measuring.items()}}

    def settings(self) -> dict[str, tuple[object, Setting]]:
        """Its model's settings and its measuring settings: default and :class:`Setting` each."""
        return {**self.config.settings(), **self.measuring}

    def describe(self) -> str:
        """The idea, its loss and the paper, as Markdown."""
        return f"### {self.title}\n\n{self.idea}\n\n**Paper.** {self.paper.markdown()}"


@dataclasses.dataclass(frozen=True)
class Run:
    """What a variation's evidence needs beyond the two trained models: the data, the classifier
    that judges images, the shared budget, the model's config and the measuring settings."""

    data: Dataset
    classifier: object
    epochs: int
    batch_size: int
    learning_rate: float
    hidden_units: int
    config: ModelConfig
    measuring: dict
    seed: int

    @classmethod
    def of(cls, parameters, data, classifier) -> "Run":
        """The run a Q1 notebook describes with its checked ``parameters``."""
        p = parameters
        return cls(data, classifier, p.epochs, p.batch_size, p.learning_rate, p.hidden_units, p.config,
                   p.measuring, p.seed)

    @property
    def latent_dim(self) -> int:
        return self.config.latent_dim

    @property
    def kind(self) -> Kind:
        """What the images show (``kind.noun``: "digit", "garment") and what to measure in them."""
        return kind_of(self.data)

    @property
    def class_names(self):
        """Names to caption classes with in figures (None for MNIST: its digits name themselves)."""
        return self.data.caption_names

    def plain_model(self) -> Autoencoder:
        """A fresh plain autoencoder of the run's shape (to time it, for instance)."""
        return make_autoencoder(hidden_units=self.hidden_units, latent_dim=self.latent_dim)

    def model(self, **changes) -> Autoencoder:
        """A fresh model of the variation, its settings changed by ``changes``."""
        return dataclasses.replace(self.config, **changes).build(seed=self.seed)

    def train(self, model, *, epochs: int | None = None):
        """Train another model (for a sweep) with the shared budget on the training images."""
        return train(model, self.data.x_train, epochs=epochs or self.epochs,
                     batch_size=self.batch_size, learning_rate=self.learning_rate)

    def sweep(self, values, make: Callable, measure: Callable, *, epochs: int | None = None) -> dict:
        """For each value in turn: a fresh model ``make(value)`` (for instance ``lambda noise:
        run.model(noise=noise)``), trained with the shared budget (``epochs`` if given); return
        {value: measure(model)}."""
        found = {}
        for value in values:
            model = make(value)
            self.train(model, epochs=epochs)
            found[value] = measure(model)
        return found


@dataclasses.dataclass(frozen=True)
class Shown:
    """A figure of the evidence, with its file name and the caption a reader sees above it."""

    name: str
    caption: str
    figure: object


@dataclasses.dataclass(frozen=True)
class Measured:
    """One measure of both models, as text: what it is, the plain model's value, the variation's."""

    label: str
    plain: str
    variation: str


@dataclasses.dataclass(frozen=True, repr=False)
class Evidence:
    """A variation measured against the plain autoencoder: ``rows`` of the table; ``advantage``
    and ``disadvantage``, sentences computed from the numbers, each with its figures; ``mse``,
    the held-out reconstruction error, and ``key``, the advantage in one number, which the
    report's index compares across variations; ``results``, more key results; ``extra``, more
    measured text, shown after the disadvantage; ``baseline``, the model the table's rows compare
    with (the plain autoencoder, unless the variation is measured against another, such as the
    VAE; ``mse`` and ``key`` compare with the plain autoencoder always)."""

    title: str
    rows: list[Measured]
    advantage: str
    disadvantage: str
    advantage_figures: list[Shown]
    disadvantage_figures: list[Shown]
    mse: Measured
    key: Measured
    results: dict = dataclasses.field(default_factory=dict)
    extra: str = ""
    baseline: str = "plain autoencoder"

    def table(self) -> str:
        return markdown_table(["measure", self.baseline, self.title],
                              [[row.label, row.plain, row.variation] for row in self.rows])

    def headline(self) -> dict:
        """The key results: held-out error, the advantage in one number, and the rest."""
        return {f"{self.mse.label}, plain / variation": f"{self.mse.plain} / {self.mse.variation}",
                f"advantage: {self.key.label}, plain / variation": f"{self.key.plain} / {self.key.variation}",
                **self.results}

    def compared(self) -> dict:
        """What the report's index puts side by side for each variation."""
        return {"mse": f"{self.mse.plain} / {self.mse.variation}", "advantage": self.key.label,
                "advantage value": f"{self.key.plain} / {self.key.variation}"}

    def _repr_markdown_(self) -> str:
        return "\n\n".join(part for part in (self.table(), self.advantage, self.disadvantage,
                                             self.extra) if part)


def mse(reconstructions, images) -> float:
    """The mean squared error per pixel between ``reconstructions`` and ``images``."""
    return float(np.mean((reconstructions - images) ** 2))


def mse_row(plain: float, variation: float, label: str = "held-out reconstruction MSE per pixel") -> Measured:
    """The evidence table's row (and index entry) of held-out reconstruction error."""
    return Measured(label, f"{plain:.4f}", f"{variation:.4f}")


def parameters_row(plain, model) -> Measured:
    """The evidence table's row of parameter counts."""
    return Measured("parameters", f"{plain.count_params():,}", f"{model.count_params():,}")


def change(variation: float, plain: float, *, bad: str = "worse", fine: str = "not worse on this run") -> str:
    """The variation's value against the plain model's, where higher is worse: "+12%: worse"."""
    ratio = variation / plain - 1
    return f"{ratio:+.0%}: {bad if ratio > 0 else fine}"


def reconstructions_shown(name: str, reconstructions: dict, run: Run) -> Shown:
    """The same held-out images reconstructed by each model ({row label: images}), as a figure."""
    return Shown(f"q1_{name}_reconstructions.png", f"The same held-out {run.kind.plural}, reconstructed "
                 f"by each model (captions: squared error per pixel).",
                 plot_reconstructions(run.data.x_test, reconstructions, run.data.y_test, n=10,
                                      class_names=run.class_names))


def seconds_per_epoch(make_model: Callable, run: Run, epochs: int = 4) -> float:
    """Seconds per epoch of a freshly made model on the training images with the shared batch
    size: the median over the epochs after the first (which builds the compiled step). Measured
    while whatever else the machine runs (another notebook of the report) runs too."""
    ends = []
    train(make_model(), run.data.x_train, epochs=epochs, batch_size=run.batch_size,
          learning_rate=run.learning_rate, on_epoch_end=lambda epoch, logs: ends.append(time.perf_counter()))
    return float(np.median(np.diff(ends)))
