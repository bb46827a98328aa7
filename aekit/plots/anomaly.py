"""Q3's figures: ROC curves, histograms of the scores, the most and least anomalous images."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullFormatter

from aekit._checks import check_array, check_images, check_int
from aekit.measures import image_shape
from aekit.plots.figure import CELL, SERIES_COLORS, finish, show


def plot_roc(comparisons: Mapping[str, object], *, title: str | None = None, path=None) -> Figure:
    """One panel per :class:`aekit.anomaly.Comparison` ({panel title: comparison}): the ROC curve
    of each of its scores, its AUROC in the legend. A text instead of a comparison is shown in its panel
    (why that comparison could not be made)."""
    panels = _panels("comparisons", comparisons)
    fig = Figure(figsize=(4.6 * len(panels), 4.9), layout="constrained")
    for ax, (heading, comparison) in zip(fig.subplots(1, len(panels), squeeze=False)[0], panels.items()):
        ax.set_title(heading, fontsize=10)
        ax.set(xlim=(0, 1), ylim=(0, 1.01), aspect="equal", xlabel="false-alarm rate (normal images flagged)",
               ylabel="detection rate (anomalies flagged)")
        if isinstance(comparison, str):
            _say(ax, comparison)
            continue
        ax.plot([0, 1], [0, 1], color="#999999", linestyle=":", linewidth=1, label="chance (AUROC 0.5)")
        for k, score in enumerate(comparison.normal):
            fpr, tpr, auroc = comparison.roc(score)
            ax.plot(fpr, tpr, color=SERIES_COLORS[k], linewidth=1.6, label=f"{auroc:.3f}  {score}")
        ax.legend(title="AUROC  score", loc="lower right", fontsize=7, title_fontsize=8, frameon=True)
        ax.grid(alpha=0.3)
    return finish(fig, title, path)


def plot_score_histograms(comparisons: Mapping[str, object], *, title: str | None = None,
                          path=None) -> Figure:
    """Histograms of each score (rows) for the normal and the anomalous images of each
    comparison (columns); bins span both groups' 1st to 99th percentiles (on a log scale when that
    spans more than a factor of 20), the rest is counted at the ends."""
    panels = _panels("comparisons", comparisons)
    scores = _scores(panels)
    fig = Figure(figsize=(4.2 * len(panels), 1.9 * len(scores) + 0.6), layout="constrained")
    axes = fig.subplots(len(scores), len(panels), squeeze=False)
    for c, (heading, comparison) in enumerate(panels.items()):
        axes[0, c].set_title(heading, fontsize=10)
        for r, score in enumerate(scores):
            ax = axes[r, c]
            ax.set_yticks([])
            if c == 0:
                ax.set_ylabel(score.replace(": ", ":\n"), fontsize=8)
            if isinstance(comparison, str):
                if r == 0:  # a small panel: the start of the reason (the ROC figure has it whole)
                    _say(ax, textwrap.shorten(comparison, width=110, placeholder=" …"))
                ax.set_xticks([])
                continue
            normal, anomalous = comparison.normal[score], comparison.anomalous[score]
            (low_n, high_n), (low_a, high_a) = np.percentile(normal, [1, 99]), np.percentile(anomalous, [1, 99])
            low, high = min(low_n, low_a), max(high_n, high_a)  # each group's bulk, however small it is
            high = high if high > low else low + 1
            logarithmic = low > 0 and high / low > 20  # positive scores over decades: log bins
            bins = np.geomspace(low, high, 41) if logarithmic else np.linspace(low, high, 41)
            if logarithmic:
                ax.set_xscale("log")
                ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
                ax.xaxis.set_minor_formatter(NullFormatter())
            for values, name, color in ((normal, comparison.normal_name, "#1f77b4"),
                                        (anomalous, comparison.anomaly_name, "#d62728")):
                ax.hist(np.clip(values, bins[0], bins[-1]), bins=bins, density=True, alpha=0.55,
                        color=color, label=name)
            ax.set_xlabel(f"{comparison.units[score]}   (AUROC {comparison.auroc(score):.3f})", fontsize=8, labelpad=1)
            ax.tick_params(labelsize=7)
            if r == 0:
                ax.legend(fontsize=7, frameon=False)
    return finish(fig, title, path)


def plot_extremes(images, reconstructions, scores, captions: Sequence[str], *, n: int = 8,
                  title: str | None = None, path=None) -> Figure:
    """The ``n`` images with the highest and the lowest ``scores``: each with its reconstruction
    and its squared error per pixel (one colour scale for every error map)."""
    images = check_images("images", images)
    reconstructions = check_images("reconstructions", reconstructions, images.shape[1])
    scores = check_array("scores", scores, ndim=(1,))
    n = check_int("n", n, 1, max(1, len(images) // 2))
    if not (len(reconstructions) == len(scores) == len(captions) == len(images)):
        raise ValueError(f"reconstructions, scores and captions must hold one entry per image "
                         f"({len(images)}), got {len(reconstructions)}, {len(scores)} and {len(captions)}")
    order = np.argsort(-scores, kind="stable")
    errors = (reconstructions - images) ** 2
    shape = image_shape(images.shape[1])
    top = float(np.max(errors[np.r_[order[:n], order[-n:]]])) or 1.0
    fig = Figure(figsize=(CELL * n + 1.6, CELL * 6 * 1.13 + 0.9), layout="constrained")
    axes = fig.subplots(6, n, squeeze=False)
    blocks = (("most anomalous", order[:n]), ("least anomalous", order[::-1][:n]))
    for b, (name, chosen) in enumerate(blocks):
        for c, index in enumerate(chosen):
            cells = (images[index], reconstructions[index], errors[index])
            for r, picture in enumerate(cells):
                ax = axes[3 * b + r, c]
                ax.set_xticks([])
                ax.set_yticks([])
                if r == 2:  # a colour image's error map: the mean over its channels
                    error = picture.reshape(shape)
                    shown = ax.imshow(error.mean(axis=-1) if error.ndim == 3 else error, cmap="magma_r",
                                      vmin=0.0, vmax=top, interpolation="nearest")
                else:
                    show(ax, picture.reshape(shape))
            heading = str(captions[index]).replace(": ", ":\n")  # "Fashion-MNIST:\nPullover" fits a panel
            axes[3 * b, c].set_title(f"{heading}\nscore {scores[index]:.3g}", fontsize=8, pad=3)
        for r, label in enumerate(("image", "reconstruction", "squared error")):
            axes[3 * b + r, 0].set_ylabel(f"{name}:\n{label}" if r == 0 else label, rotation=0,
                                          ha="right", va="center", fontsize=9)
    fig.colorbar(shown, ax=axes[:, -1], shrink=0.3, label="squared error per pixel")
    return finish(fig, title, path)


def _panels(name: str, panels) -> dict:
    if not isinstance(panels, Mapping) or not panels:
        raise ValueError(f"{name} must be a non-empty dict of {{panel title: comparison or text}}")
    return dict(panels)


def _scores(panels: dict) -> list[str]:
    """The scores the comparisons hold (every comparison holds the same ones)."""
    made = [panel for panel in panels.values() if not isinstance(panel, str)]
    if not made:
        raise ValueError("comparisons must hold at least one comparison, not only texts")
    return list(made[0].normal)


def _say(ax, text: str) -> None:
    """A panel that holds a message instead of a plot."""
    ax.set_xticks([])
    ax.set_yticks([])
    ax.text(0.5, 0.5, textwrap.fill(text, 40), ha="center", va="center", fontsize=9, color="#444444",
            transform=ax.transAxes)
