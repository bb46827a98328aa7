"""The architecture of any aekit model as a block diagram, read from its own layers (matplotlib only).

``keras.utils.plot_model`` needs pydot and the Graphviz binaries, which a fresh machine, CI and
papermill runs lack; this draws the same facts with matplotlib: each Dense layer as a box of its
width, each convolution as its feature maps (height × width × channels, kernel and stride), the
parameter counts, a VAE's μ and log σ² heads (the encoder outputs named ``z_mean`` and
``z_log_var``) with the noise ε and z = μ + σ·ε, and the notes a model adds about its training (a
denoiser's input noise, a penalty on the code, a conditional model's label, an adversarial one's
discriminator) and the title it gives itself. A GAN is drawn as its two networks: the generator
(noise → image) above the discriminator (image → "real?"). Which layers are drawn, and how each
is described, is one table of layer kinds (:data:`_KINDS`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from aekit._keras import keras
from aekit.models.base import Autoencoder
from aekit.models.gan import GAN
from aekit.plots.figure import finish

_COLORS = {"input": "#e8e8e8", "encoder": "#cfe2f3", "latent": "#fce5cd",
           "decoder": "#d9ead3", "noise": "#ffffff", "note": "#fff8dc", "critic": "#f4cccc"}
_BOX_WIDTH, _STEP = 0.62, 1.9
_HEADS = {"z_mean": "μ", "z_log_var": "log σ²"}  # a VAE encoder's named outputs, and their symbols


def _convolution(kind):
    return lambda layer: (f"{kind} {'×'.join(map(str, layer.kernel_size))}/{layer.strides[0]} · "
                          f"{layer.activation.__name__}")


# The layers drawn, in the order they are matched (a transposed convolution is also a Conv2D):
# how each is described, and whether its output is a width of the network (a rescaling is not).
_KINDS = (
    (keras.layers.Dense, lambda layer: f"Dense · {layer.activation.__name__}", True),
    (keras.layers.Conv2DTranspose, _convolution("ConvT"), True),
    (keras.layers.Conv2D, _convolution("Conv"), True),
    (keras.layers.Cropping2D, lambda layer: "crop", True),
    (keras.layers.Rescaling, lambda layer: "to [−1, 1]" if float(layer.offset) < 0 else "back to [0, 1]", False),
)


@dataclass
class _Block:
    name: str
    label: str   # what the box shows: a width ("64") or feature maps ("14×14×12")
    size: int    # numbers it holds, for its height
    detail: str  # e.g. "Dense · relu", "Conv 4×4/2 · elu"
    params: int
    role: str
    width: bool = True  # a width of the network, named in the title


def draw_architecture(model_or_models, path=None) -> Figure:
    """A block diagram of an aekit model (``(encoder, decoder, model)`` or the model), read from
    its layers: names, widths, activations, parameter counts."""
    fig, title = _block_diagram(model_or_models)
    return finish(fig, title, path)


def _block_diagram(model_or_models) -> tuple[Figure, str]:
    """The diagram of the model given as ``(encoder, decoder, model)`` or the model itself, and its title."""
    model = _model(model_or_models)
    if isinstance(model, GAN):
        return _gan_diagram(model)
    encoder, decoder = model.encoder, model.decoder
    variational = set(_HEADS) <= set(encoder.output_names)
    blocks = _blocks(encoder, "encoder")
    decoder_blocks = _blocks(decoder, "decoder")
    heads = [b for b in blocks if b.name in _HEADS] if variational else []
    trunk = [b for b in blocks if b not in heads]
    image = _Block(encoder.inputs[0].name, str(encoder.inputs[0].shape[-1]), encoder.inputs[0].shape[-1],
                   "input", 0, "input")
    columns = 1 + len(trunk) + (2 if variational else 0) + len(decoder_blocks)
    critics = [part for part in model.parts() if part is not encoder and part is not decoder]
    fig = Figure(figsize=(1.9 * columns + 0.8, 4.9 + 2.6 * len(critics)), layout="constrained")
    ax = fig.subplots()
    ax.set_axis_off()
    largest = max(b.size for b in [image] + blocks + decoder_blocks)

    def height(size):  # box height grows with log(size), so the bottleneck shows
        return 0.55 + 2.6 * math.log(size + 1) / math.log(largest + 1)

    notes = dict(model.diagram_notes())
    named = notes.pop("title", None)
    x = 0.0
    _box(ax, x, 0.0, height(image.size), image)
    if "input" in notes:
        _note(ax, x, notes["input"])
    previous = [(x, 0.0, height(image.size))]
    for block in trunk:
        x += _STEP
        block.role = "latent" if block is trunk[-1] and not variational else "encoder"
        previous = [_connect(ax, previous, x, 0.0, height(block.size), block)]
    if variational:
        x += _STEP
        offsets = {"z_mean": 1.25, "z_log_var": -1.25}
        outs = []
        for head in heads:
            head.role, head.detail = "latent", f"{_HEADS[head.name]} · {head.detail}"
            outs.append(_connect(ax, previous, x, offsets[head.name], height(head.size), head))
        x += _STEP
        sample = _Block("z (sampling)", heads[0].label, heads[0].size, "z = μ + σ·ε", 0, "latent")
        previous = [_connect(ax, outs, x, 0.0, height(sample.size), sample, label="above")]
        noise = _Block("ε ~ N(0, I)", "ε ~ N(0, I)", 1, "noise", 0, "noise")
        _box(ax, x, -2.3, 0.6, noise, label=None, width=1.15)
        _arrow(ax, (x, -2.0), (x, -height(sample.size) / 2))
    latent_x = x
    if "latent" in notes:
        _note(ax, latent_x, notes["latent"])
    for block in decoder_blocks:
        x += _STEP
        previous = [_connect(ax, previous, x, 0.0, height(block.size), block)]
        if "decoder" in notes and block is decoder_blocks[0]:
            _note(ax, x, notes["decoder"])

    top = 2.6
    _group(ax, -_BOX_WIDTH, latent_x + _BOX_WIDTH, top,
           f"encoder · {encoder.count_params():,} parameters", _COLORS["encoder"])
    _group(ax, latent_x + _STEP - _BOX_WIDTH, x + _BOX_WIDTH, top,
           f"decoder · {decoder.count_params():,} parameters", _COLORS["decoder"])
    bottom = -3.3 if variational or notes else -2.6
    right = x
    for critic in critics:  # a network that judges the codes (a discriminator), drawn under them
        bottom, edge = _critic(ax, critic, latent_x, bottom)
        right = max(right, edge)
    ax.set_xlim(-1.05, right + 1.05)
    ax.set_ylim(bottom, top + 0.35)

    kept = lambda blocks: [b.label for b in blocks if b.width]
    widths = [image.label] + kept(trunk)
    widths += [f"(μ {heads[0].label}, log σ² {heads[1].label})", f"z {heads[0].label}"] if variational else []
    widths += kept(decoder_blocks)
    kind = named or ("Variational autoencoder" if variational else model.name.replace("_", " ").capitalize())
    return fig, f"{kind}: {' → '.join(widths)}  ·  {sum(part.count_params() for part in model.parts()):,} parameters"


def _critic(ax, critic, x, top) -> tuple[float, float]:
    """Draw ``critic`` (a network that reads codes, such as an adversarial autoencoder's
    discriminator) in a row of its own below ``top``, starting under the code column ``x``, with an
    arrow from the code into it; return the new bottom and right edge of the drawing."""
    y = top - 1.5
    start = _Block(critic.inputs[0].name, f"{critic.inputs[0].shape[-1]}", critic.inputs[0].shape[-1],
                   "z = f(x), or z′ ~ N(0, I)", 0, "latent")
    previous = [_connect(ax, [], x, y, 0.7, start)]
    _arrow(ax, (x, -1.3), (x, y + 0.35))
    left = x
    for block in _blocks(critic, "critic"):
        x += _STEP
        previous = [_connect(ax, previous, x, y, 0.7 if block.size < 8 else 1.1, block)]
    _group(ax, left - _BOX_WIDTH, x + _BOX_WIDTH, y + 1.0, f"{critic.name} · {critic.count_params():,} parameters",
           _COLORS["critic"], bottom=y - 1.3)
    return y - 1.45, x


def _gan_diagram(model: GAN) -> tuple[Figure, str]:
    """A GAN's generator (noise → pixels) in the top row and its discriminator (pixels → one logit)
    in the row below, starting under the generated image; a conditional GAN's notes say where the
    label joins each."""
    generator, discriminator = model.generator, model.discriminator
    drawn = _blocks(generator, "decoder")
    judging = _blocks(discriminator, "critic")
    columns = 1 + len(drawn) + len(judging)
    fig = Figure(figsize=(1.9 * columns + 0.8, 7.4), layout="constrained")
    ax = fig.subplots()
    ax.set_axis_off()
    largest = max(b.size for b in drawn + judging)

    def height(size):
        return 0.55 + 2.2 * math.log(size + 1) / math.log(largest + 1)

    notes = dict(model.diagram_notes())
    noise = _Block("z ~ N(0, I)", str(model.latent_dim), model.latent_dim, "noise", 0, "latent")
    _box(ax, 0.0, 0.0, height(noise.size), noise)
    previous, x = [(0.0, 0.0, height(noise.size))], 0.0
    for block in drawn:
        x += _STEP
        previous = [_connect(ax, previous, x, 0.0, height(block.size), block)]
    _group(ax, -_BOX_WIDTH, x + _BOX_WIDTH, 2.3, f"generator · {generator.count_params():,} parameters",
           _COLORS["decoder"], bottom=-2.2)
    y = -4.7
    image = _Block("real image x, or G(z)", str(model.input_dim), model.input_dim, "input", 0, "input")
    _box(ax, x, y, height(image.size), image)
    _arrow(ax, (x, -2.3), (x, y + height(image.size) / 2 + 0.05))  # G(z) goes on to be judged
    left, previous = x, [(x, y, height(image.size))]
    for block in judging:
        x += _STEP
        previous = [_connect(ax, previous, x, y, height(block.size), block)]
    _group(ax, left + _STEP / 2, x + _BOX_WIDTH, y + 2.3,
           f"discriminator · {discriminator.count_params():,} parameters", _COLORS["critic"], bottom=y - 2.2)
    for column, key, where in ((0.0, "input", 1.75), (left, "critic", y + 1.75)):
        if key in notes:
            ax.text(column + 0.45, where, notes[key], ha="left", va="center", fontsize=8, color="#996600")
    ax.set_xlim(-1.05, x + 1.05)
    ax.set_ylim(y - 2.3, 2.4)
    widths = lambda blocks: " → ".join(b.label for b in blocks if b.width)
    kind = notes.get("title", "GAN")
    return fig, (f"{kind}: generator {noise.label} → {widths(drawn)}, discriminator {image.label} → {widths(judging)}"
                 f"  ·  {generator.count_params() + discriminator.count_params():,} parameters")


def _model(model_or_models) -> Autoencoder | GAN:
    """The aekit model, given itself or the (encoder, decoder, model) triple that builds it."""
    candidates = model_or_models if isinstance(model_or_models, (list, tuple)) else [model_or_models]
    for candidate in candidates:
        if isinstance(candidate, (Autoencoder, GAN)):
            return candidate
    raise ValueError("model_or_models must be the (encoder, decoder, model) returned by "
                     "aekit.build_autoencoder, build_vae or a variation, or that model, or a GAN")


def _blocks(model, role) -> list[_Block]:
    """A block for each layer of ``model`` that :data:`_KINDS` draws, in order."""
    blocks = []
    for layer in model.layers:
        kind = next(((describe, width) for cls, describe, width in _KINDS if isinstance(layer, cls)), None)
        if kind is None:
            continue
        shape = tuple(layer.output.shape[1:])
        blocks.append(_Block(layer.name, "×".join(map(str, shape)), math.prod(shape), kind[0](layer),
                             layer.count_params(), role, kind[1]))
    return blocks


def _box(ax, x, y, h, block: _Block, *, label="below", width=_BOX_WIDTH):
    """A box of height ``h`` showing the block's width, labelled below or above (or not)."""
    ax.add_patch(FancyBboxPatch((x - width / 2, y - h / 2), width, h,
                                boxstyle="round,pad=0.02,rounding_size=0.08",
                                facecolor=_COLORS[block.role], edgecolor="#333333", linewidth=1.2,
                                zorder=2))
    ax.text(x, y, block.label, ha="center", va="center",
            fontsize=(10 if len(block.label) <= 4 else 8) if block.role != "noise" else 8.5,
            fontweight="bold", zorder=3, rotation=90 if "×" in block.label and h > 1.2 else 0)
    if label is None:
        return
    lines = [block.name, block.detail] + ([f"{block.params:,} params"] if block.params else [])
    below = label == "below"
    ax.text(x, y - h / 2 - 0.12 if below else y + h / 2 + 0.12, "\n".join(lines), ha="center",
            va="top" if below else "bottom", fontsize=8, linespacing=1.25, zorder=3)


def _note(ax, x, text):
    """A dashed box under column ``x`` with a note on how the model is trained there."""
    ax.add_patch(FancyBboxPatch((x - 0.95, -3.15), 1.9, 0.55, boxstyle="round,pad=0.02,rounding_size=0.06",
                                facecolor=_COLORS["note"], edgecolor="#996600", linewidth=1.0,
                                linestyle="--", zorder=2))
    ax.text(x, -2.875, text, ha="center", va="center", fontsize=8, zorder=3)
    ax.annotate("", xy=(x, -2.3), xytext=(x, -2.6), zorder=1,
                arrowprops={"arrowstyle": "-|>", "color": "#996600", "linewidth": 1.0, "linestyle": "--"})


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


def _group(ax, left, right, top, label, color, bottom=-2.55):
    ax.add_patch(FancyBboxPatch((left, bottom), right - left, top - bottom - 0.05,
                                boxstyle="round,pad=0.05,rounding_size=0.15", facecolor=color,
                                alpha=0.25, edgecolor="none", zorder=0))
    ax.text((left + right) / 2, top - 0.05, label, ha="center", va="top", fontsize=10,
            fontweight="bold", color="#333333")
