"""A block diagram of an autoencoder or VAE, read from the model's own layers (matplotlib only).

``keras.utils.plot_model`` needs pydot and the Graphviz binaries, which a fresh machine, CI and
papermill runs lack; this draws the same facts (layer names, widths, activations, parameter
counts, and for a VAE the μ and log σ² heads, the noise ε and z = μ + σ·ε) with matplotlib.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from aekit.backend import keras
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from aekit.models import VAE

_COLORS = {"input": "#e8e8e8", "encoder": "#cfe2f3", "latent": "#fce5cd",
           "decoder": "#d9ead3", "noise": "#ffffff"}
_BOX_WIDTH, _STEP = 0.62, 1.9


@dataclass
class _Block:
    name: str
    units: int
    detail: str  # e.g. "Dense · relu"
    params: int
    role: str


def block_diagram(model_or_models) -> tuple[Figure, str]:
    """Draw the autoencoder or VAE given as ``(encoder, decoder, model)`` or the model itself;
    return the figure and its title (``aekit.plots.draw_architecture`` adds and saves it)."""
    encoder, decoder, variational = _split(model_or_models)
    columns = 1 + len(_dense_blocks(encoder, "")) + len(_dense_blocks(decoder, ""))
    fig = Figure(figsize=(1.9 * columns + 0.8, 4.6), layout="constrained")
    ax = fig.subplots()
    ax.set_axis_off()

    blocks = _dense_blocks(encoder, "encoder")
    image = _Block(encoder.layers[0].name, encoder.inputs[0].shape[-1], "input", 0, "input")
    largest = max([image.units] + [b.units for b in blocks + _dense_blocks(decoder, "decoder")])

    def height(units):  # box height grows with log(width), so the bottleneck shows
        return 0.55 + 2.6 * math.log(units + 1) / math.log(largest + 1)

    x = 0.0
    _box(ax, x, 0.0, height(image.units), image)
    previous = [(x, 0.0, height(image.units))]
    heads = [b for b in blocks if b.name in ("z_mean", "z_log_var")]
    trunk = [b for b in blocks if b not in heads]
    for block in trunk:
        x += _STEP
        block.role = "latent" if block is trunk[-1] and not variational else "encoder"
        previous = [_connect(ax, previous, x, 0.0, height(block.units), block)]
    if variational:
        x += _STEP
        offsets = {"z_mean": 1.25, "z_log_var": -1.25}
        labels = {"z_mean": "μ", "z_log_var": "log σ²"}
        outs = []
        for head in heads:
            head.role, head.detail = "latent", f"{labels[head.name]} · Dense · {head.detail.split(' · ')[-1]}"
            outs.append(_connect(ax, previous, x, offsets[head.name], height(head.units), head))
        x += _STEP
        z_units = heads[0].units
        sample = _Block("z (sampling)", z_units, "z = μ + σ·ε", 0, "latent")
        previous = [_connect(ax, outs, x, 0.0, height(z_units), sample, label="above")]
        noise = _Block("ε ~ N(0, I)", z_units, "noise", 0, "noise")
        _box(ax, x, -2.3, 0.6, noise, label=None, width=1.15)
        _arrow(ax, (x, -2.0), (x, -height(z_units) / 2))
    latent_x = x
    for block in _dense_blocks(decoder, "decoder"):
        x += _STEP
        previous = [_connect(ax, previous, x, 0.0, height(block.units), block)]

    top = 2.6
    _group(ax, -_BOX_WIDTH, latent_x + _BOX_WIDTH, top,
           f"encoder · {encoder.count_params():,} parameters", _COLORS["encoder"])
    _group(ax, latent_x + _STEP - _BOX_WIDTH, x + _BOX_WIDTH, top,
           f"decoder · {decoder.count_params():,} parameters", _COLORS["decoder"])
    ax.set_xlim(-1.0, x + 1.0)
    ax.set_ylim(-3.0 if variational else -2.6, top + 0.35)

    widths = [image.units] + [b.units for b in trunk]
    widths += [f"(μ {heads[0].units}, log σ² {heads[1].units})", f"z {heads[0].units}"] if variational else []
    widths += [b.units for b in _dense_blocks(decoder, "decoder")]
    total = encoder.count_params() + decoder.count_params()
    kind = "Variational autoencoder" if variational else "Autoencoder"
    return fig, f"{kind}: {' → '.join(map(str, widths))}  ·  {total:,} parameters"


def _split(model_or_models):
    """Find the encoder and decoder, and whether they form a VAE."""
    if isinstance(model_or_models, VAE):
        return model_or_models.encoder, model_or_models.decoder, True
    if isinstance(model_or_models, keras.Model):
        parts = {layer.name: layer for layer in model_or_models.layers if isinstance(layer, keras.Model)}
    elif isinstance(model_or_models, (list, tuple)):
        parts = {m.name: m for m in model_or_models if isinstance(m, keras.Model)}
        for model in model_or_models:
            if isinstance(model, VAE):
                return model.encoder, model.decoder, True
    else:
        parts = {}
    if "encoder" not in parts or "decoder" not in parts:
        raise ValueError("model_or_models must be the (encoder, decoder, model) returned by "
                         "aekit.build_autoencoder or aekit.build_vae, or that autoencoder or VAE")
    encoder = parts["encoder"]
    return encoder, parts["decoder"], len(encoder.outputs) == 3


def _dense_blocks(model, role):
    return [_Block(layer.name, layer.units, f"Dense · {layer.activation.__name__}",
                   layer.count_params(), role)
            for layer in model.layers if isinstance(layer, keras.layers.Dense)]


def _box(ax, x, y, h, block: _Block, *, label="below", width=_BOX_WIDTH):
    """A box of height ``h`` showing the block's width, labelled below or above (or not)."""
    ax.add_patch(FancyBboxPatch((x - width / 2, y - h / 2), width, h,
                                boxstyle="round,pad=0.02,rounding_size=0.08",
                                facecolor=_COLORS[block.role], edgecolor="#333333", linewidth=1.2,
                                zorder=2))
    inside = str(block.units) if block.role != "noise" else block.name
    ax.text(x, y, inside, ha="center", va="center", fontsize=10 if block.role != "noise" else 8.5,
            fontweight="bold", zorder=3)
    if label is None:
        return
    lines = [block.name, block.detail] + ([f"{block.params:,} params"] if block.params else [])
    below = label == "below"
    ax.text(x, y - h / 2 - 0.12 if below else y + h / 2 + 0.12, "\n".join(lines), ha="center",
            va="top" if below else "bottom", fontsize=8, linespacing=1.25, zorder=3)


def _connect(ax, sources, x, y, h, block, label="below"):
    """Draw ``block`` at (x, y) and arrows into it from each (x, y, h) source."""
    _box(ax, x, y, h, block, label=label)
    for sx, sy, _ in sources:
        _arrow(ax, (sx + _BOX_WIDTH / 2 + 0.04, sy), (x - _BOX_WIDTH / 2 - 0.04, y))
    return (x, y, h)


def _arrow(ax, start, end):
    ax.annotate("", xy=end, xytext=start, zorder=1,
                arrowprops={"arrowstyle": "-|>", "color": "#333333", "linewidth": 1.1,
                            "shrinkA": 0, "shrinkB": 0})


def _group(ax, left, right, top, label, color):
    ax.add_patch(FancyBboxPatch((left, -2.55), right - left, top + 2.55 - 0.05,
                                boxstyle="round,pad=0.05,rounding_size=0.15", facecolor=color,
                                alpha=0.25, edgecolor="none", zorder=0))
    ax.text((left + right) / 2, top - 0.05, label, ha="center", va="top", fontsize=10,
            fontweight="bold", color="#333333")
