"""Q1: the variations of the autoencoder, each measured against the plain one.

Each variation is a model module in :mod:`aekit.models` (its Keras classes and its config: settings,
defaults, ranges) and an evidence module here, of the same name, that states its
:class:`~aekit.variations.evidence.Variation`: its paper, its idea and loss in Markdown, the
training budget it needs and how its advantage and disadvantage are measured. Adding a variation
is adding those two modules and a test.

>>> from aekit import variations
>>> variations.names()
['vae', 'adversarial', 'beta_vae', 'conditional', 'contractive', 'convolutional', 'denoising', 'sparse']
>>> variations.get("denoising").config(latent_dim=32, noise=0.5).build(seed=0)
"""

from __future__ import annotations

import importlib
import pkgutil

from aekit.plots import save_figure
from aekit.results import Results
from aekit.variations.evidence import (BUDGET, Evidence, Measured, Paper, Run, Shown, Variation,
                                       reconstructions_shown, seconds_per_epoch)

DEFAULT = "vae"
_FOUNDATIONS = ("evidence",)  # modules that state no variation
_FOUND = {module.VARIATION.name: module.VARIATION for module in (
    importlib.import_module(f"{__name__}.{info.name}") for info in pkgutil.iter_modules(__path__)
    if info.name not in _FOUNDATIONS and not info.name.startswith("_"))}


def names() -> list[str]:
    """Every variation, the default first."""
    return [DEFAULT] + sorted(name for name in _FOUND if name != DEFAULT)


def get(name: str) -> Variation:
    """The variation called ``name`` (see :func:`names`)."""
    if name not in _FOUND:
        raise ValueError(f"variation must be one of {', '.join(map(repr, names()))}, got {name!r}")
    return _FOUND[name]


def results(variation: Variation, evidence: Evidence, model, plain, *, data, parameters) -> Results:
    """Q1's closing table of key results, and what the report's index compares across variations."""
    counts = f"{plain.count_params():,} / {model.count_params():,}"
    return Results({"variation": variation.title, "data set": data.title, "parameters, plain / variation": counts,
                    **evidence.headline()}, data=data, parameters=parameters,
                   compared={"variation": variation.title, "parameters": counts, **evidence.compared()})


def show(figures: list[Shown], figures_dir) -> None:
    """Save each :class:`Shown` figure into ``figures_dir`` and display it under its caption."""
    from IPython.display import Markdown, display  # a notebook's: only this function needs it

    for shown in figures:
        save_figure(shown.figure, f"{figures_dir}/{shown.name}")
        display(Markdown(shown.caption), shown.figure)


__all__ = ["BUDGET", "DEFAULT", "Evidence", "Measured", "Paper", "Run", "Shown", "Variation", "get", "names",
           "reconstructions_shown", "results", "seconds_per_epoch", "show"]
