"""What every figure shares: saving it reproducibly, its title, grids of image panels, colours.

Figures are plain :class:`matplotlib.figure.Figure` objects (no pyplot state): a notebook shows
one by leaving it as a cell's value, a script saves it with :func:`save_figure`.
"""

from __future__ import annotations

import math
import os
import textwrap
from pathlib import Path

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from aekit._checks import check_int, check_labels, check_path, check_text
from aekit._files import write_atomically
from aekit.measures import image_shape


DPI = 120


DIGIT_COLORS = ListedColormap(
    ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
     "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"], name="digits")


CELL = 1.25  # inches per image panel


IMAGE_STYLE = {"cmap": "binary", "vmin": 0.0, "vmax": 1.0, "interpolation": "nearest"}


SERIES_COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf"]


def save_figure(fig: Figure, path: str | os.PathLike, *, dpi: int = DPI) -> Path:
    """Write ``fig`` as a reproducible PNG (no software or date metadata, fixed dpi).

    The folder is created; the file is written beside its target and renamed into place, so
    an interrupted run never leaves a half-written figure (and the next save removes what a
    killed one left). Returns the path.
    """
    if not isinstance(fig, Figure):
        raise ValueError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    path = check_path("path", path, suffix=".png")
    dpi = check_int("dpi", dpi, 30, 600)
    return write_atomically(path, lambda stream: fig.savefig(stream, format="png", dpi=dpi,
                                                             metadata={"Software": None}, facecolor="white"))


def finish(fig: Figure, title: str | None, path) -> Figure:
    """Add the bold title; if it is wider than the figure (about 9.6 bold characters an inch),
    wrap it into lines of balanced length. Save to ``path`` if given."""
    if check_text("title", title):
        lines = math.ceil(len(title) / (fig.get_figwidth() * 9.6))
        fig.suptitle(textwrap.fill(title, width=math.ceil(len(title) / lines) + 3),
                     fontsize=12, fontweight="bold")
    if path is not None:
        save_figure(fig, path)
    return fig


def image_grid(cells, *, row_labels=None, cell_inches: float = CELL):
    """Draw rows of (image, title, caption) cells; ``None`` titles and captions are left out.
    Returns the figure and its 2-D array of axes."""
    n_rows, n_cols = len(cells), max(len(row) for row in cells)
    has_title = any(title for row in cells for _, title, _ in row)
    has_caption = any(caption for row in cells for _, _, caption in row)
    height = cell_inches * (1 + 0.16 * has_title + 0.13 * has_caption)
    fig = Figure(figsize=(cell_inches * n_cols + (1.0 if row_labels else 0), height * n_rows + 0.5),
                 layout="constrained")
    fig.get_layout_engine().set(w_pad=0.02, h_pad=0.02, wspace=0.02, hspace=0.02)
    axes = fig.subplots(n_rows, n_cols, squeeze=False)
    for r, row in enumerate(cells):
        for c in range(n_cols):
            ax = axes[r, c]
            ax.set_xticks([])
            ax.set_yticks([])
            for spine in ax.spines.values():
                spine.set(color="#bbbbbb", linewidth=0.8)
            if c >= len(row):
                ax.set_visible(False)
                continue
            image, heading, caption = row[c]
            show(ax, np.asarray(image).reshape(image_shape(np.size(image))))
            if heading:
                ax.set_title(heading, fontsize=10, pad=3)
            if caption:
                ax.set_xlabel(caption, fontsize=8, labelpad=2)
        if row_labels:
            axes[r, 0].set_ylabel(row_labels[r], rotation=0, ha="right", va="center", fontsize=10)
    return fig, axes


def show(ax, picture) -> None:
    """A grey image as ink on paper (dark is 1), a colour image as it is."""
    if picture.ndim == 3:
        ax.imshow(np.clip(picture, 0.0, 1.0), interpolation="nearest")
    else:
        ax.imshow(picture, **IMAGE_STYLE)


def class_name(label: int, class_names) -> str:
    return str(label) if class_names is None else str(class_names[label])


def caption(label: int, class_names) -> str:
    return f"digit {label}" if class_names is None else class_name(label, class_names)


def label_list(labels, n: int) -> list[int]:
    return check_labels("labels", labels, n)[:n].tolist()
