"""Figures of numbers: lines through points, a heat map of a table, training curves."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from aekit._checks import check_text
from aekit.plots.figure import SERIES_COLORS, finish


def plot_curves(series: Mapping[str, tuple], *, xlabel: str, ylabel: str, title: str | None = None,
                labels: Mapping[str, Sequence[str]] | None = None, logx: bool = False, marked: str | None = None,
                path=None) -> Figure:
    """Lines through points, one per entry of ``series`` ({name: (x values, y values)}).

    ``labels`` may name each point of a series (drawn beside it); ``marked`` draws one series
    thicker, for the model the text is about; ``logx`` puts x on a log scale."""
    if not isinstance(series, Mapping) or not series:
        raise ValueError("series must be a non-empty dict of {name: (x values, y values)}")
    fig = Figure(figsize=(6.4, 4.2), layout="constrained")
    ax = fig.subplots()
    for k, (name, (xs, ys)) in enumerate(series.items()):
        xs, ys = np.asarray(xs, float), np.asarray(ys, float)
        if xs.shape != ys.shape or xs.ndim != 1 or not len(xs):
            raise ValueError(f"series[{name!r}] must be two sequences of the same length, got {xs.shape} and {ys.shape}")
        ax.plot(xs, ys, marker="o", linewidth=2.6 if name == marked else 1.5,
                color=SERIES_COLORS[k % len(SERIES_COLORS)], label=name, zorder=3 if name == marked else 2)
        for x, y, text in zip(xs, ys, (labels or {}).get(name, [])):
            ax.annotate(text, (x, y), textcoords="offset points", xytext=(5, 5), fontsize=8)
    if logx:
        ax.set_xscale("log")
    ax.set_xlabel(check_text("xlabel", xlabel))
    ax.set_ylabel(check_text("ylabel", ylabel))
    ax.grid(alpha=0.3)
    ax.legend(frameon=False, fontsize=9)
    return finish(fig, title, path)


def plot_matrix(values, *, rows: Sequence[str], columns: Sequence[str], title: str | None = None,
                path=None) -> Figure:
    """A table of numbers in [0, 1] as a heat map, each cell labelled with its value."""
    values = np.asarray(values, float)
    if values.shape != (len(rows), len(columns)):
        raise ValueError(f"values must have shape ({len(rows)}, {len(columns)}) for these rows and "
                         f"columns, got {values.shape}")
    fig = Figure(figsize=(1.1 * len(columns) + 2.0, 0.42 * len(rows) + 1.4), layout="constrained")
    ax = fig.subplots()
    ax.imshow(values, cmap="Blues", vmin=0.0, vmax=1.0, aspect="auto")
    for (r, c), value in np.ndenumerate(values):
        ax.text(c, r, f"{value:.2f}", ha="center", va="center", fontsize=8,
                color="white" if value > 0.6 else "black")
    ax.set_xticks(range(len(columns)), columns, fontsize=9)
    ax.set_yticks(range(len(rows)), rows, fontsize=9)
    return finish(fig, title, path)


def plot_history(history, *, title: str | None = None, path=None) -> Figure:
    """Training and validation curves of every loss and metric in a Keras History (or its dict)."""
    record = getattr(history, "history", history)
    if not isinstance(record, Mapping) or not record:
        raise ValueError("history must be a Keras History or a non-empty dict of metric lists")
    names = sorted((key for key in record if not key.startswith("val_")),
                   key=lambda key: (_METRIC_ORDER.index(key) if key in _METRIC_ORDER else 99, key))
    fig = Figure(figsize=(max(4.0 * len(names), 6.0), 3.4), layout="constrained")
    axes = fig.subplots(1, len(names), squeeze=False)[0]
    for ax, name in zip(axes, names):
        epochs = np.arange(1, len(record[name]) + 1)
        ax.plot(epochs, record[name], label="training", color="#1f77b4", linewidth=1.8)
        if f"val_{name}" in record:
            ax.plot(epochs, record[f"val_{name}"], label="validation", color="#ff7f0e",
                    linewidth=1.8, linestyle="--")
        heading = ("total loss (nats)" if name == "loss" and "kl_loss" in record
                   else _METRIC_TITLES.get(name, name.replace("_", " ")))
        ax.set_title(heading, fontsize=11)
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
        ax.legend(frameon=False, fontsize=9)
    return finish(fig, title or "Training curves", path)


_METRIC_ORDER = ["loss", "reconstruction_loss", "kl_loss", "reconstruction_mse", "discriminator_loss",
                 "generator_loss", "discriminator_accuracy"]


_METRIC_TITLES = {"loss": "loss", "reconstruction_loss": "reconstruction loss (nats)",
                  "kl_loss": "KL divergence (nats)", "reconstruction_mse": "reconstruction (MSE per pixel)",
                  "discriminator_loss": "discriminator loss (nats)", "generator_loss": "generator loss (nats)"}
