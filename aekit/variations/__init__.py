"""The variations of the autoencoder that Q1 measures against the plain one: one module each.

Each module here defines ``VARIATION``, a :class:`Variation`: its paper, the idea and its loss in
Markdown, its defaults, how to build it (a model that states its own loss, so ``aekit.train``
trains it like any other) and how to measure its advantage and disadvantage against a plain
autoencoder of the same shape, data and budget. Adding a variation is adding a module.

Keras imports every variation when it loads a saved model (to find their classes), before the
rest of aekit may be ready: a variation module therefore imports at its top only what defines
its model (aekit.backend, aekit.models, this registry); what measures it, and anything from
another variation module, it imports inside the functions that use them.

>>> from aekit import variations
>>> variations.names()
['vae', 'beta_vae', 'contractive', 'convolutional', 'denoising', 'sparse']
>>> encoder, decoder, model = variations.get("denoising").build(latent_dim=32, seed=0, noise=0.5)
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from collections.abc import Callable

from aekit._markdown import markdown_table

DEFAULT = "vae"
BUDGET = {"epochs": 40, "batch_size": 16, "learning_rate": 0.01}  # unless a variation says otherwise


@dataclasses.dataclass(frozen=True)
class Paper:
    authors: str
    title: str
    venue: str
    url: str

    def markdown(self) -> str:
        return f"{self.authors}, [*{self.title}*]({self.url}), {self.venue}."


@dataclasses.dataclass(frozen=True)
class Variation:
    """One variation: what it is, its defaults, how to build it and how to measure it.

    ``defaults`` are the notebook's values for this variation where the user gives none: its
    ``latent_dim``, any of the :data:`BUDGET` it changes, and its own settings; ``settings`` are
    the notebook parameters its model is built with (``beta``), ``measuring`` those only its
    evidence uses (``prior_samples``); ``build(hidden_units=, latent_dim=, seed=, **settings)``
    returns ``(encoder, decoder, model)``; ``measure(parts, plain_parts, run)`` returns its
    :class:`Evidence`; ``check(values)`` raises a ValueError for a combination of parameters that
    makes no sense for it. A setting of its own also needs its line in the notebook's parameters
    cell and its check in :mod:`aekit.params` (tests/test_variations.py checks they agree).
    """

    name: str
    title: str
    paper: Paper
    idea: str
    defaults: dict
    settings: tuple[str, ...]
    build: Callable
    measure: Callable
    measuring: tuple[str, ...] = ()
    check: Callable = lambda values: None
    ignores: tuple[str, ...] = ()  # shared parameters that do not apply (hidden_units for convolutions)

    def describe(self) -> str:
        """The idea, its loss and the paper, as Markdown."""
        return f"### {self.title}\n\n{self.idea}\n\n**Paper.** {self.paper.markdown()}"


@dataclasses.dataclass(frozen=True)
class Run:
    """What a variation's evidence needs beyond the two trained models: the data, the classifier
    that judges images, the shared budget and shape, and the variation's settings."""

    data: object
    classifier: object
    epochs: int
    batch_size: int
    learning_rate: float
    hidden_units: int
    latent_dim: int
    seed: int
    settings: dict

    @classmethod
    def of(cls, parameters, data, classifier) -> "Run":
        """The run a Q1 notebook describes with its checked ``parameters``."""
        p = parameters
        return cls(data, classifier, p.epochs, p.batch_size, p.learning_rate, p.hidden_units,
                   p.latent_dim, p.seed, {**p.settings, **p.measuring})

    @property
    def kind(self):
        """What the images show (``kind.noun``: "digit", "garment") and what to measure in them."""
        from aekit.measures import kind_of

        return kind_of(self.data)

    @property
    def class_names(self):
        """Names to caption classes with in figures (None for MNIST: its digits name themselves)."""
        return self.data.caption_names

    def plain_model(self):
        """A fresh plain autoencoder of the run's shape (to time it, for instance)."""
        from aekit.models import build_autoencoder

        return build_autoencoder(hidden_units=self.hidden_units, latent_dim=self.latent_dim)[2]

    def train(self, model, *, epochs: int | None = None):
        """Train another model (for a sweep) with the shared budget on the training images."""
        from aekit.training import train

        return train(model, self.data.x_train, epochs=epochs or self.epochs,
                     batch_size=self.batch_size, learning_rate=self.learning_rate)


@dataclasses.dataclass(frozen=True)
class Shown:
    """A figure of the evidence, with its file name and the caption a reader sees above it."""

    name: str
    caption: str
    figure: object


@dataclasses.dataclass(frozen=True, repr=False)
class Evidence:
    """A variation measured against the plain autoencoder. ``rows`` are (measure, plain
    autoencoder, variation) as text; ``advantage`` and ``disadvantage`` are sentences computed
    from the numbers; ``headline`` holds the key results the report's index compares."""

    title: str
    rows: list
    advantage: str
    disadvantage: str
    advantage_figures: list
    disadvantage_figures: list
    headline: dict
    extra: str = ""  # more measured text, shown after the disadvantage

    def table(self) -> str:
        return markdown_table(["measure", "plain autoencoder", self.title], self.rows)

    def _repr_markdown_(self) -> str:
        return "\n\n".join(part for part in (self.table(), self.advantage, self.disadvantage,
                                              self.extra) if part)


def reconstructions_shown(name: str, reconstructions: dict, run: Run) -> Shown:
    """The same held-out images reconstructed by each model ({row label: images}), as a figure."""
    from aekit import plots

    return Shown(f"q1_{name}_reconstructions.png", f"The same held-out {run.kind.plural}, reconstructed "
                 f"by each model (captions: squared error per pixel).",
                 plots.plot_reconstructions(run.data.x_test, reconstructions, run.data.y_test, n=10,
                                            class_names=run.class_names))


def parameters_row(plain, parts) -> list[str]:
    """The evidence table's row of parameter counts: plain autoencoder, then the variation."""
    return ["parameters", f"{plain[2].count_params():,}", f"{parts[2].count_params():,}"]


def seconds_per_epoch(make_model: Callable, run: Run, epochs: int = 4) -> float:
    """Seconds per epoch of a freshly made model on the training images with the shared batch
    size: the median over the epochs after the first (which builds the compiled step). Measured
    while whatever else the machine runs (another notebook of the report) runs too."""
    import time

    import numpy as np

    from aekit.training import train

    ends = []
    train(make_model(), run.data.x_train, epochs=epochs, batch_size=run.batch_size,
          learning_rate=run.learning_rate, on_epoch_end=lambda epoch, logs: ends.append(time.perf_counter()))
    return float(np.median(np.diff(ends)))


def show(figures: list, figures_dir) -> None:
    """Save each :class:`Shown` figure into ``figures_dir`` and display it under its caption."""
    from IPython.display import Markdown, display

    from aekit.plots import save_figure

    for shown in figures:
        save_figure(shown.figure, f"{figures_dir}/{shown.name}")
        display(Markdown(shown.caption), shown.figure)


def names() -> list[str]:
    """Every variation, the default first."""
    found = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    return [DEFAULT] + [name for name in found if name != DEFAULT]


def get(name: str) -> Variation:
    """The variation called ``name`` (see :func:`names`)."""
    known = names()
    if name not in known:
        raise ValueError(f"variation must be one of {', '.join(map(repr, known))}, got {name!r}")
    return importlib.import_module(f"aekit.variations.{name}").VARIATION
