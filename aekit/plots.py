"""Every figure of the report. Each function returns a matplotlib Figure and saves it if given a path.

Figures are plain :class:`matplotlib.figure.Figure` objects (no pyplot state): a notebook shows
one by leaving it as a cell's value, a script saves it with :func:`save_figure`. To compare
models side by side, pass a dict ``{"autoencoder": ..., "VAE": ...}``: one panel each.
"""

from __future__ import annotations

import math
import os
import tempfile
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from statistics import NormalDist

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, NullFormatter

from aekit._checks import check_array, check_images, check_int, check_labels, check_path, check_text
from aekit._markdown import ordinal
from aekit.diagram import block_diagram
from aekit.latent import Adjustment, check_adjustments, check_codes, decode, encode
from aekit.measures import image_shape
from aekit.models import input_width

__all__ = ["draw_architecture", "plot_adjustments", "plot_curves", "plot_extremes", "plot_history", "plot_image_grid",
           "plot_image_rows", "plot_latent_space", "plot_manifold", "plot_matrix",
           "plot_reconstructions", "plot_roc", "plot_samples", "plot_score_histograms", "plot_traversal",
           "save_figure"]

DPI = 120
DIGIT_COLORS = ListedColormap(
    ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
     "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"], name="digits")
_CELL = 1.25  # inches per image panel
_IMAGE_STYLE = {"cmap": "binary", "vmin": 0.0, "vmax": 1.0, "interpolation": "nearest"}


def save_figure(fig: Figure, path: str | os.PathLike, *, dpi: int = DPI) -> Path:
    """Write ``fig`` as a reproducible PNG (no software or date metadata, fixed dpi).

    The folder is created; the file is written beside its target and renamed into place, so
    an interrupted run never leaves a half-written figure. Returns the path.
    """
    if not isinstance(fig, Figure):
        raise ValueError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    path = check_path("path", path, suffix=".png")
    dpi = check_int("dpi", dpi, 30, 600)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".png", dir=path.parent)
    try:
        os.fchmod(handle, 0o666 & ~_umask())  # mkstemp's 0600 would hide figures from other users
        with os.fdopen(handle, "wb") as stream:
            fig.savefig(stream, format="png", dpi=dpi, metadata={"Software": None},
                        facecolor="white")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def _umask() -> int:
    """The process's umask, read without changing it (Linux), else read once at import."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    umask = os.umask(0o022)  # no /proc: read it the only other way, by setting it
    os.umask(umask)
    return umask


def draw_architecture(model_or_models, path=None) -> Figure:
    """A block diagram of the autoencoder or VAE (``(encoder, decoder, model)`` or the model),
    read from its layers: names, widths, activations, parameter counts."""
    fig, title = block_diagram(model_or_models)
    return _finish(fig, title, path)


def plot_image_rows(rows: Mapping[str, np.ndarray], *, captions: Mapping[str, Sequence[str]] | None = None,
                    title: str | None = None, path=None) -> Figure:
    """One labelled row of images per entry of ``rows`` ({row label: images (n, pixels)})."""
    if not isinstance(rows, Mapping) or not rows:
        raise ValueError("rows must be a non-empty dict of {row label: images}")
    images = {label: check_images(f"rows[{label!r}]", value) for label, value in rows.items()}
    for label, value in images.items():
        image_shape(value.shape[1], f"rows[{label!r}]")
    captions = dict(captions or {})
    unknown = set(captions) - set(images)
    if unknown:
        raise ValueError(f"captions has rows that rows does not: {sorted(unknown)}")
    cells = [[(image, None, text) for image, text in
              zip(row, captions.get(label) or [None] * len(row))] for label, row in images.items()]
    fig, _ = _image_grid(cells, row_labels=list(images))
    return _finish(fig, title, path)


def plot_image_grid(images, *, captions: Sequence[str] | None = None, columns: int = 8,
                    title: str | None = None, path=None) -> Figure:
    """Images (n, pixels) in rows of ``columns``, each with its caption."""
    images = check_images("images", images)
    image_shape(images.shape[1])
    columns = check_int("columns", columns, 1, 50)
    captions = list(captions) if captions is not None else [None] * len(images)
    if len(captions) != len(images):
        raise ValueError(f"captions must hold one caption per image ({len(images)}), got {len(captions)}")
    cells = [[(image, None, caption) for image, caption in
              zip(images[i:i + columns], captions[i:i + columns])] for i in range(0, len(images), columns)]
    fig, _ = _image_grid(cells, cell_inches=1.05)
    return _finish(fig, title, path)


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
                color=_SERIES_COLORS[k % len(_SERIES_COLORS)], label=name, zorder=3 if name == marked else 2)
        for x, y, text in zip(xs, ys, (labels or {}).get(name, [])):
            ax.annotate(text, (x, y), textcoords="offset points", xytext=(5, 5), fontsize=8)
    if logx:
        ax.set_xscale("log")
    ax.set_xlabel(check_text("xlabel", xlabel))
    ax.set_ylabel(check_text("ylabel", ylabel))
    ax.grid(alpha=0.3)
    ax.legend(frameon=False, fontsize=9)
    return _finish(fig, title, path)


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
    return _finish(fig, title, path)


_SERIES_COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf"]


def plot_samples(samples: Mapping[str, np.ndarray], verdicts: Mapping[str, tuple] | None = None, *,
                 n: int = 10, class_names: Sequence[str] | None = None, title: str | None = None,
                 path=None) -> Figure:
    """One row of ``n`` generated images per model ({name: images}), each captioned with a
    classifier's verdict ({name: (classes, probabilities)}, as ``aekit.measures.classify`` gives),
    named by ``class_names`` if given."""
    n = check_int("n", n, 1, 50)
    if not isinstance(samples, Mapping) or not samples:
        raise ValueError("samples must be a non-empty dict of {model name: images}")
    verdicts = dict(verdicts or {})
    captions = {}
    for name, (classes, probabilities) in verdicts.items():
        if len(classes) < min(n, len(samples.get(name, ()))) or len(classes) != len(probabilities):
            raise ValueError(f"verdicts[{name!r}] must hold a class and a probability per image")
        captions[name] = [f"{_name(c, class_names)} ({p:.0%})" for c, p in zip(classes[:n], probabilities[:n])]
    return plot_image_rows({name: np.asarray(images)[:n] for name, images in samples.items()},
                           captions=captions, title=title, path=path)


def plot_reconstructions(originals, reconstructions, labels=None, *, n: int = 10,
                         class_names: Sequence[str] | None = None, path=None) -> Figure:
    """Originals over reconstructions of the first ``n`` images, each with its squared error.

    ``reconstructions`` is an array (n, pixels) or a dict {model name: array} for one row per
    model; ``labels`` caption the originals, named by ``class_names`` if given (else "digit 3").
    """
    n = check_int("n", n, 1, 50)
    originals = check_images("originals", originals)[:n]
    image_shape(originals.shape[1], "originals")
    named = reconstructions if isinstance(reconstructions, Mapping) else {"reconstruction": reconstructions}
    rows = {"original": originals}
    captions = {"original": [_caption(d, class_names) for d in _labels(labels, len(originals))]
                if labels is not None else None}
    for name, images in named.items():
        images = check_images(f"reconstructions[{name!r}]", images, originals.shape[1])[:n]
        if len(images) != len(originals):
            raise ValueError(f"reconstructions[{name!r}] has {len(images)} images but originals "
                             f"has {len(originals)}")
        rows[name] = images
        captions[name] = [f"MSE {e:.3f}" for e in ((images - originals) ** 2).mean(axis=1)]
    return plot_image_rows(rows, captions={k: v for k, v in captions.items() if v},
                           title="Originals and reconstructions", path=path)


def plot_adjustments(encoder, decoder, images, adjustments: Sequence[Adjustment], labels=None,
                     *, class_names: Sequence[str] | None = None, path=None) -> Figure:
    """One row per image: original | reconstruction | the reconstruction after each adjustment.

    Each panel is titled with what was done (``z[0] × 5``) and captioned with the code it decodes.
    """
    images = check_images("images", images, input_width(encoder, "encoder"))
    adjustments = check_adjustments(adjustments)
    codes = encode(encoder, images)
    edited = [adjustment.apply(codes) for adjustment in adjustments]  # checks every dim's range
    decoded = [decode(decoder, codes)] + [decode(decoder, z) for z in edited]
    classes = _labels(labels, len(images)) if labels is not None else [None] * len(images)
    cells = []
    for i, (image, label) in enumerate(zip(images, classes)):
        row = [(image, "original", _caption(label, class_names) if label is not None else None),
               (decoded[0][i], "reconstruction", _format_code(codes[i]))]
        row += [(decoded[k + 1][i], a.label, _format_code(edited[k][i], a.dim))
                for k, a in enumerate(adjustments)]
        cells.append(row)
    fig, _ = _image_grid(cells, cell_inches=1.45)
    return _finish(fig, "Reconstructions after editing the latent code", path)


def plot_latent_space(codes, labels, *, highlight: Mapping[str, np.ndarray] | None = None,
                      class_names: Sequence[str] | None = None, title: str | None = None,
                      path=None) -> Figure:
    """The codes of test images coloured by class (named by ``class_names``, else digits); above
    2 dimensions, their PCA projection.

    ``codes`` is an array (n, d) or a dict {model name: codes}. ``highlight`` marks named codes
    of one array: the first (an image's code) as a star, the others (its edits) with arrows from
    it. A second panel then shows a close-up around the star, scaled so that every edit's arrow
    is visible however short; edits beyond the close-up point out of it, labelled.
    """
    named = codes if isinstance(codes, Mapping) else {None: codes}
    if highlight is not None and (len(named) != 1 or not isinstance(highlight, Mapping) or not highlight):
        raise ValueError("highlight must be a non-empty dict {name: code} marking points of one "
                         "array of codes (not of a dict of models)")
    fig = Figure(figsize=(5.2 * (len(named) + bool(highlight)) + 1.2, 5.4 if highlight else 4.8),
                 layout="constrained")
    axes = fig.subplots(1, len(named) + bool(highlight), squeeze=False)[0]
    for ax, (name, values) in zip(axes, named.items()):
        values = check_codes("codes", values, np.shape(values)[-1])
        labels_array = np.asarray(_labels(labels, len(values)))
        points, axis_names, method = _project_2d(values)
        for target in (axes if highlight else [ax]):
            target.scatter(points[:, 0], points[:, 1], c=labels_array % 10, cmap=DIGIT_COLORS, vmin=-0.5,
                           vmax=9.5, s=7, alpha=0.65, linewidths=0, rasterized=True)
            target.set_xlabel(axis_names[0])
            target.set_ylabel(axis_names[1])
            target.grid(alpha=0.25)
        ax.set_title(" — ".join(part for part in (name, method) if part) or "all test codes", fontsize=11)
        if highlight:
            marks = {key: _project_2d(values, np.atleast_2d(check_codes(
                f"highlight[{key!r}]", point, values.shape[1])))[0][0] for key, point in highlight.items()}
            _mark_edits(ax, axes[1], points, marks)
    shown = sorted(set(_labels(labels, len(np.atleast_2d(next(iter(named.values())))))))  # classes present
    handles = [Line2D([], [], marker="o", linestyle="", color=DIGIT_COLORS(d % 10), label=_name(d, class_names))
               for d in shown]
    fig.legend(handles=handles, title="digit" if class_names is None else "class",
               loc="outside right center", frameon=False)
    return _finish(fig, title or "Latent codes of test images", path)


_EDIT_MARKERS = ["X", "P", "D", "s", "^", "v", "<", ">", "o", "h"]


def _mark_edits(overview, close, points, marks: Mapping[str, np.ndarray]) -> None:
    """The star (first mark) and arrows to each edit, in the overview and in a close-up."""
    (star_name, star), edits = next(iter(marks.items())), list(marks.items())[1:]
    every = np.vstack([np.percentile(points, [0.5, 99.5], axis=0), *marks.values()])
    low, high = every.min(axis=0), every.max(axis=0)
    span = np.where(high > low, high - low, 1.0)
    overview.set_xlim(low[0] - 0.06 * span[0], high[0] + 0.06 * span[0])
    overview.set_ylim(low[1] - 0.06 * span[1], high[1] + 0.06 * span[1])
    # The close-up's half-size, as a share of the overview: the nearest moving edit ends about
    # 45% of the way to the border, but the close-up shows at most a quarter of the overview.
    reach = [np.max(np.abs(point - star) / span) for _, point in edits]
    moving = [r for r in reach if r > 1e-9]
    half = span * float(np.clip(2.2 * min(moving), 1e-3, 0.25) if moving else 0.05)
    close.set_xlim(star[0] - half[0], star[0] + half[0])
    close.set_ylim(star[1] - half[1], star[1] + half[1])
    close.set_title(f"close-up around {star_name}", fontsize=11)
    overview.add_patch(Rectangle(star - half, *(2 * half), fill=False, linestyle="--",
                                 edgecolor="#444444", linewidth=1.0, zorder=4))
    handles = [Line2D([], [], marker="*", markersize=14, linestyle="", markerfacecolor="#ffd400",
                      markeredgecolor="black", label=star_name)]
    for k, (name, point) in enumerate(edits):
        marker = _EDIT_MARKERS[k % len(_EDIT_MARKERS)]
        label = name if np.any(point != star) else f"{name} (unchanged)"
        handles.append(Line2D([], [], marker=marker, markersize=9, linestyle="", markerfacecolor="white",
                              markeredgecolor="black", label=label))
        for ax, limit in ((overview, None), (close, half)):
            end, inside = _clip_to_box(star, point, limit)
            if np.any(end != star):
                ax.annotate("", xy=end, xytext=star, zorder=5, annotation_clip=False,
                            arrowprops={"arrowstyle": "-|>", "color": "black", "linewidth": 1.2,
                                        "shrinkA": 6, "shrinkB": 5 if inside else 0})
            if inside:
                ax.scatter(*point, marker=marker, s=85, facecolor="white", edgecolor="black",
                           linewidths=1.3, zorder=6)
            else:  # beyond the close-up: label the arrow inside, beside its head
                unit = (end - star) / half
                unit /= np.hypot(*unit)
                sideways = (8, 0) if abs(unit[1]) > abs(unit[0]) else (0, 6)
                ax.annotate(f"to {name}", xy=end, fontsize=8, zorder=7, textcoords="offset points",
                            xytext=(sideways[0] - 10 * unit[0], sideways[1] - 10 * unit[1]),
                            ha="left" if abs(unit[1]) > abs(unit[0]) or unit[0] < 0 else "right",
                            va="bottom" if abs(unit[0]) >= abs(unit[1]) or unit[1] < 0 else "top",
                            bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "alpha": 0.85,
                                  "edgecolor": "none"})
    for ax in (overview, close):
        ax.scatter(*star, marker="*", s=260, facecolor="#ffd400", edgecolor="black", linewidths=1.2,
                   zorder=8)
    overview.figure.legend(handles=handles, loc="outside lower center", ncol=len(handles),
                           frameon=False, fontsize=9)


def _clip_to_box(start, end, half):
    """Where the segment start → end leaves the box of half-size ``half`` around start (95% of
    the way to its border), and whether ``end`` lies inside the box."""
    if half is None:
        return end, True
    delta = end - start
    with np.errstate(divide="ignore"):
        t = np.min(np.where(delta != 0, 0.95 * half / np.abs(delta), np.inf))
    return (end, True) if t >= 1 else (start + t * delta, False)


def plot_manifold(decoder, codes=None, *, dims: tuple[int, int] = (0, 1), n: int = 15,
                  title: str | None = None, path=None) -> Figure:
    """Decoded images on an n × n grid over two latent dimensions.

    Each axis steps through n quantiles, at levels (i + ½)/n: of the given ``codes`` of real
    images (a plain autoencoder has no prior), or of N(0, 1) without codes (a VAE's prior), so
    every row and column covers the same share of the codes. Other dimensions stay at the codes'
    median (or 0). ``decoder`` may be a dict {model name: (decoder, codes or None)} to compare.
    """
    named = decoder if isinstance(decoder, Mapping) else {None: (decoder, codes)}
    n = check_int("n", n, 2, 40)
    fig = Figure(figsize=(5.4 * len(named), 5.9), layout="constrained")
    axes = fig.subplots(1, len(named), squeeze=False)[0]
    for ax, (name, pair) in zip(axes, named.items()):
        model, model_codes = pair if isinstance(decoder, Mapping) else (decoder, codes)
        latent_dim = input_width(model, "decoder")
        if len(dims) != 2 or dims[0] == dims[1]:
            raise ValueError(f"dims must be two different latent dimensions, got {dims}")
        for d in dims:
            check_int("dims", d, 0, latent_dim - 1)
        grid, base, span = _grid_values(model_codes, latent_dim, n)
        xs, ys = grid[dims[0]], grid[dims[1]][::-1]  # y grows upwards
        points = np.repeat(base[None, :], n * n, axis=0)
        points[:, dims[0]] = np.tile(xs, n)
        points[:, dims[1]] = np.repeat(ys, n)
        decoded = decode(model, points)
        shape = image_shape(decoded.shape[1])
        tiles = decoded.reshape((n, n) + shape).swapaxes(1, 2)
        _show(ax, tiles.reshape((n * shape[0], n * shape[1]) + shape[2:]))
        ticks = np.arange(n)[:: max(1, n // 7)]
        ax.set_xticks(ticks * shape[1] + shape[1] / 2 - 0.5, [f"{xs[i]:.2g}" for i in ticks], fontsize=8)
        ax.set_yticks(ticks * shape[0] + shape[0] / 2 - 0.5, [f"{ys[i]:.2g}" for i in ticks], fontsize=8)
        ax.set_xlabel(f"z[{dims[0]}]")
        ax.set_ylabel(f"z[{dims[1]}]")
        held = "" if latent_dim == 2 else f"\nother dims at {'0' if model_codes is None else 'median'}"
        ax.set_title(" — ".join(part for part in (name, span) if part) + held, fontsize=10)
    levels = 100 * (np.arange(n) + 0.5) / n
    fig.supxlabel(f"Each axis steps through the {ordinal(round(levels[0]))} to the "
                  f"{ordinal(round(levels[-1]))} percentile in {n} equal steps of probability: "
                  f"every row and column covers the same share of codes.",
                  fontsize=9, color="#444444")
    return _finish(fig, title or "Decoded latent grid", path)


def plot_traversal(decoder, code, codes=None, *, steps: int = 9, dims: Sequence[int] | None = None,
                   title: str | None = None, path=None) -> Figure:
    """One row per latent dimension: the decoded image as that element steps through the
    quantiles of the ``codes`` (or of N(0, 1) without codes, a VAE's prior), the others held at
    ``code``; the panel nearest the image's own value is framed. ``dims`` picks the rows (all
    elements by default)."""
    steps = check_int("steps", steps, 3, 25)
    latent_dim = input_width(decoder, "decoder")
    code = check_codes("code", code, latent_dim)[0]
    dims = list(range(latent_dim)) if dims is None else [check_int("dims", d, 0, latent_dim - 1) for d in dims]
    if not dims:
        raise ValueError("dims must name at least one latent element")
    grid, _, span = _grid_values(codes, latent_dim, steps)
    cells = []
    for d in dims:
        points = np.repeat(code[None, :], steps, axis=0)
        points[:, d] = grid[d]
        images = decode(decoder, points)
        nearest = int(np.argmin(np.abs(grid[d] - code[d])))
        cells.append([(image, None, f"{value:.2g}" + (" ●" if j == nearest else ""))
                      for j, (image, value) in enumerate(zip(images, grid[d]))])
    fig, axes = _image_grid(cells, row_labels=[f"z[{d}]" for d in dims], cell_inches=1.0)
    for row, axes_row in zip(cells, axes):
        for (_, _, caption), ax in zip(row, axes_row):
            if caption.endswith("●"):
                for spine in ax.spines.values():
                    spine.set(color="#d62728", linewidth=2.0)
    return _finish(fig, title or f"Traversal of each latent element ({span}; ● nearest the image's code)",
                   path)


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
    return _finish(fig, title or "Training curves", path)


_METRIC_ORDER = ["loss", "reconstruction_loss", "kl_loss"]
_METRIC_TITLES = {"loss": "loss", "reconstruction_loss": "reconstruction loss (nats)",
                  "kl_loss": "KL divergence (nats)"}


def _image_grid(cells, *, row_labels=None, cell_inches: float = _CELL):
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
            _show(ax, np.asarray(image).reshape(image_shape(np.size(image))))
            if heading:
                ax.set_title(heading, fontsize=10, pad=3)
            if caption:
                ax.set_xlabel(caption, fontsize=8, labelpad=2)
        if row_labels:
            axes[r, 0].set_ylabel(row_labels[r], rotation=0, ha="right", va="center", fontsize=10)
    return fig, axes


def _finish(fig: Figure, title: str | None, path) -> Figure:
    """Add the bold title; if it is wider than the figure (about 9.6 bold characters an inch),
    wrap it into lines of balanced length. Save to ``path`` if given."""
    if check_text("title", title):
        lines = math.ceil(len(title) / (fig.get_figwidth() * 9.6))
        fig.suptitle(textwrap.fill(title, width=math.ceil(len(title) / lines) + 3),
                     fontsize=12, fontweight="bold")
    if path is not None:
        save_figure(fig, path)
    return fig


def _show(ax, picture) -> None:
    """A grey image as ink on paper (dark is 1), a colour image as it is."""
    if picture.ndim == 3:
        ax.imshow(np.clip(picture, 0.0, 1.0), interpolation="nearest")
    else:
        ax.imshow(picture, **_IMAGE_STYLE)


def _name(label: int, class_names) -> str:
    return str(label) if class_names is None else str(class_names[label])


def _caption(label: int, class_names) -> str:
    return f"digit {label}" if class_names is None else _name(label, class_names)


def _labels(labels, n: int) -> list[int]:
    return check_labels("labels", labels, n)[:n].tolist()


def _format_code(z, dim: int | None = None) -> str:
    """Short text of a code: every value up to 3 dimensions, else the edited one (or the first)."""
    if len(z) <= 3:
        return "z = (" + ", ".join(f"{v:.3g}" for v in z) + ")"
    return f"z[{dim or 0}] = {z[dim or 0]:.3g}, …"


def _project_2d(codes, points=None):
    """Codes in 2-D: as they are for d = 2, else on their first two principal components."""
    if codes.shape[1] == 1:
        raise ValueError("codes must have at least 2 dimensions to be drawn in a plane")
    if codes.shape[1] == 2:
        return (codes if points is None else points), ("z[0]", "z[1]"), None
    mean = codes.mean(axis=0)
    _, singular, components = np.linalg.svd(codes - mean, full_matrices=False)
    share = singular ** 2 / np.sum(singular ** 2)
    projected = ((codes if points is None else points) - mean) @ components[:2].T
    names = tuple(f"PC {i + 1} ({100 * share[i]:.0f}% of variance)" for i in range(2))
    return projected, names, f"PCA projection of the {codes.shape[1]}-D codes"


def _grid_values(codes, latent_dim: int, n: int):
    """Per-dimension sweep values at the quantile levels (i + ½)/n, the base code for the other
    dimensions, and a description: quantiles of the codes (each row and column then covers the
    same share of them), or of N(0, 1) without codes (a VAE's prior)."""
    levels = (np.arange(n) + 0.5) / n
    if codes is None:
        quantiles = np.asarray([NormalDist().inv_cdf(level) for level in levels], np.float32)
        return np.tile(quantiles, (latent_dim, 1)), np.zeros(latent_dim, np.float32), "quantiles of N(0, 1)"
    codes = check_codes("codes", codes, latent_dim)
    grid = np.quantile(codes, levels, axis=0).T.astype(np.float32)
    return grid, np.median(codes, axis=0).astype(np.float32), "quantiles of the codes"


def plot_roc(comparisons: Mapping[str, object], *, title: str | None = None, path=None) -> Figure:
    """One panel per :class:`aekit.anomaly.Comparison` ({panel title: comparison}): the ROC curve
    of each score, its AUROC in the legend. A text instead of a comparison is shown in its panel
    (why that comparison could not be made)."""
    from aekit.anomaly import SCORES

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
        for k, score in enumerate(SCORES):
            fpr, tpr, auroc = comparison.roc(score)
            ax.plot(fpr, tpr, color=_SERIES_COLORS[k], linewidth=1.6, label=f"{auroc:.3f}  {score}")
        ax.legend(title="AUROC  score", loc="lower right", fontsize=7, title_fontsize=8, frameon=True)
        ax.grid(alpha=0.3)
    return _finish(fig, title, path)


def plot_score_histograms(comparisons: Mapping[str, object], *, title: str | None = None,
                          path=None) -> Figure:
    """Histograms of each score (rows) for the normal and the anomalous images of each
    comparison (columns); bins span both groups' 1st to 99th percentiles (on a log scale when that
    spans more than a factor of 20), the rest is counted at the ends."""
    from aekit.anomaly import SCORES, UNITS

    panels = _panels("comparisons", comparisons)
    fig = Figure(figsize=(4.2 * len(panels), 1.9 * len(SCORES) + 0.6), layout="constrained")
    axes = fig.subplots(len(SCORES), len(panels), squeeze=False)
    for c, (heading, comparison) in enumerate(panels.items()):
        axes[0, c].set_title(heading, fontsize=10)
        for r, score in enumerate(SCORES):
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
            ax.set_xlabel(f"{UNITS[score]}   (AUROC {comparison.auroc(score):.3f})", fontsize=8, labelpad=1)
            ax.tick_params(labelsize=7)
            if r == 0:
                ax.legend(fontsize=7, frameon=False)
    return _finish(fig, title, path)


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
    fig = Figure(figsize=(_CELL * n + 1.6, _CELL * 6 * 1.13 + 0.9), layout="constrained")
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
                    _show(ax, picture.reshape(shape))
            heading = str(captions[index]).replace(": ", ":\n")  # "Fashion-MNIST:\nPullover" fits a panel
            axes[3 * b, c].set_title(f"{heading}\nscore {scores[index]:.3g}", fontsize=8, pad=3)
        for r, label in enumerate(("image", "reconstruction", "squared error")):
            axes[3 * b + r, 0].set_ylabel(f"{name}:\n{label}" if r == 0 else label, rotation=0,
                                          ha="right", va="center", fontsize=9)
    fig.colorbar(shown, ax=axes[:, -1], shrink=0.3, label="squared error per pixel")
    return _finish(fig, title, path)


def _panels(name: str, panels) -> dict:
    if not isinstance(panels, Mapping) or not panels:
        raise ValueError(f"{name} must be a non-empty dict of {{panel title: comparison or text}}")
    return dict(panels)


def _say(ax, text: str) -> None:
    """A panel that holds a message instead of a plot."""
    ax.set_xticks([])
    ax.set_yticks([])
    ax.text(0.5, 0.5, textwrap.fill(text, 40), ha="center", va="center", fontsize=9, color="#444444",
            transform=ax.transAxes)
