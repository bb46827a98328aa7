"""Figures of the latent space: where codes lie, what edits of a code decode to, decoder grids
and traversals. They call the encoder and the decoder they are given."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from statistics import NormalDist

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from aekit._checks import check_images, check_int
from aekit._markdown import ordinal
from aekit.latent import Adjustment, check_adjustments, check_codes, decode, encode
from aekit.measures import image_shape
from aekit.models.base import input_width
from aekit.plots.figure import DIGIT_COLORS, caption, class_name, finish, image_grid, label_list, show


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
    classes = label_list(labels, len(images)) if labels is not None else [None] * len(images)
    cells = []
    for i, (image, label) in enumerate(zip(images, classes)):
        row = [(image, "original", caption(label, class_names) if label is not None else None),
               (decoded[0][i], "reconstruction", _format_code(codes[i]))]
        row += [(decoded[k + 1][i], a.label, _format_code(edited[k][i], a.dim))
                for k, a in enumerate(adjustments)]
        cells.append(row)
    fig, _ = image_grid(cells, cell_inches=1.45)
    return finish(fig, "Reconstructions after editing the latent code", path)


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
        labels_array = np.asarray(label_list(labels, len(values)))
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
    shown = sorted(set(label_list(labels, len(np.atleast_2d(next(iter(named.values())))))))  # classes present
    handles = [Line2D([], [], marker="o", linestyle="", color=DIGIT_COLORS(d % 10), label=class_name(d, class_names))
               for d in shown]
    fig.legend(handles=handles, title="digit" if class_names is None else "class",
               loc="outside right center", frameon=False)
    return finish(fig, title or "Latent codes of test images", path)


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
        show(ax, tiles.reshape((n * shape[0], n * shape[1]) + shape[2:]))
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
    return finish(fig, title or "Decoded latent grid", path)


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
    fig, axes = image_grid(cells, row_labels=[f"z[{d}]" for d in dims], cell_inches=1.0)
    for row, axes_row in zip(cells, axes):
        for (_, _, text), ax in zip(row, axes_row):
            if text.endswith("●"):
                for spine in ax.spines.values():
                    spine.set(color="#d62728", linewidth=2.0)
    return finish(fig, title or f"Traversal of each latent element ({span}; ● nearest the image's code)",
                  path)


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
