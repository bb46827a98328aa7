"""Q4's figures: a GAN's game epoch by epoch, samples as training goes on, the classes each
generator draws, and what the conditional generators draw when asked for each class."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from aekit._checks import check_float, check_int
from aekit.plots.figure import SERIES_COLORS, class_name, finish, image_grid


def plot_game(histories: Mapping[str, Mapping], *, path=None) -> Figure:
    """For each GAN ({title: its history}): both players' losses per epoch (left) and the
    discriminator's accuracy on real and on generated images (right), with ½ marked: the
    equilibrium where it can no longer tell them apart."""
    if not isinstance(histories, Mapping) or not histories:
        raise ValueError("histories must be a non-empty dict of {GAN title: history}")
    fig = Figure(figsize=(10.0, 3.3 * len(histories)), layout="constrained")
    axes = fig.subplots(len(histories), 2, squeeze=False)
    for (title, h), (losses, accuracy) in zip(histories.items(), axes):
        missing = {"discriminator_loss", "generator_loss", "real_accuracy", "generated_accuracy"} - set(h)
        if missing:
            raise ValueError(f"histories[{title!r}] must be a GAN's history; it lacks {sorted(missing)}")
        epochs = np.arange(1, len(h["generator_loss"]) + 1)
        losses.plot(epochs, h["discriminator_loss"], label="discriminator", color=SERIES_COLORS[0], linewidth=1.8)
        losses.plot(epochs, h["generator_loss"], label="generator", color=SERIES_COLORS[1], linewidth=1.8)
        losses.axhline(2 * np.log(2), color="#777777", linestyle=":", linewidth=1.0,
                       label="2 ln 2: the discriminator's at ½")
        losses.set_title(f"{title}: losses (nats)", fontsize=10)
        accuracy.plot(epochs, h["real_accuracy"], label="on real images", color=SERIES_COLORS[2], linewidth=1.8)
        accuracy.plot(epochs, h["generated_accuracy"], label="on generated images", color=SERIES_COLORS[3],
                      linewidth=1.8)
        accuracy.axhline(0.5, color="#777777", linestyle="--", linewidth=1.0, label="½: cannot tell")
        accuracy.set_ylim(-0.03, 1.03)
        accuracy.set_title(f"{title}: the discriminator's accuracy", fontsize=10)
        for ax in (losses, accuracy):
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_xlabel("epoch")
            ax.grid(alpha=0.3)
            ax.legend(frameon=False, fontsize=8)
    return finish(fig, "The adversarial game, epoch by epoch", path)


def plot_progress(snapshots: Mapping[str, Mapping[int, np.ndarray]], *, class_names: Sequence[str] | None = None,
                  conditional: Sequence[str] = (), path=None) -> Figure:
    """Images drawn from the same codes as training goes on ({model title: {epoch: images}}): one
    row per model and epoch. A conditional model's row asks for the classes in turn (captioned)."""
    if not isinstance(snapshots, Mapping) or not snapshots:
        raise ValueError("snapshots must be a non-empty dict of {model title: {epoch: images}}")
    classes = len(class_names) if class_names is not None else 10
    cells, labels = [], []
    for title, by_epoch in snapshots.items():
        for epoch, images in sorted(by_epoch.items()):
            captions = ([class_name(c % classes, class_names) for c in range(len(images))]
                        if title in conditional else [None] * len(images))
            cells.append([(image, None, text) for image, text in zip(images, captions)])
            labels.append(f"{title}\nepoch {epoch}")
    fig, _ = image_grid(cells, row_labels=labels, cell_inches=0.8)
    return finish(fig, "Samples as training goes on (the same codes every epoch)", path)


def plot_class_shares(shares: Mapping[str, np.ndarray], *, class_names: Sequence[str], reference=None,
                      seen: float = 0.05, path=None) -> Figure:
    """The share of each generator's samples the classifier reads as each class ({title:
    shares}), beside the test images' (``reference``); the dotted line marks ``seen``: a class
    below it is (nearly) never drawn."""
    if not isinstance(shares, Mapping) or not shares:
        raise ValueError("shares must be a non-empty dict of {generator title: shares per class}")
    seen = check_float("seen", seen, 0.0, 1.0)
    classes = len(class_names)
    fig = Figure(figsize=(max(8.0, 0.9 * classes + 2), 3.8), layout="constrained")
    ax = fig.subplots()
    width = 0.8 / (len(shares) + (reference is not None))
    x = np.arange(classes)
    series = ({"test images": reference} if reference is not None else {}) | dict(shares)
    for k, (title, values) in enumerate(series.items(), start=0 if reference is None else -1):
        values = np.asarray(values, float)
        if values.shape != (classes,):
            raise ValueError(f"shares[{title!r}] must hold one share per class ({classes}), got {values.shape}")
        slot = k + (reference is not None)
        ax.bar(x - 0.4 + width * (slot + 0.5), values, width, label=title,
               color="#bbbbbb" if k < 0 else SERIES_COLORS[k % len(SERIES_COLORS)])
    ax.axhline(seen, color="#777777", linestyle=":", linewidth=1.0)
    ax.set_xticks(x, [class_name(c, class_names) for c in range(classes)], fontsize=9)
    ax.set_ylabel("share of samples read as the class")
    ax.grid(alpha=0.3, axis="y")
    ax.legend(frameon=False, fontsize=8, ncols=min(5, len(series)), loc="upper center", bbox_to_anchor=(0.5, -0.1))
    return finish(fig, "Which classes each generator draws (mode collapse: a class near 0)", path)


def plot_on_request(drawn: Mapping[str, np.ndarray], read: Mapping[str, np.ndarray], *, per_class: int,
                    shown: int = 6, class_names: Sequence[str] | None = None, path=None) -> Figure:
    """What each conditional generator draws when asked for each class ({title: images, asked for
    the classes in order, ``per_class`` each}): one row per class asked for, ``shown`` images of
    each generator side by side, each captioned with the class the classifier reads ({title:
    classes read}); the row says which share of all ``per_class`` requests was read as asked."""
    if not isinstance(drawn, Mapping) or not drawn:
        raise ValueError("drawn must be a non-empty dict of {generator title: images}")
    per_class = check_int("per_class", per_class, 1, 10_000)
    shown = check_int("shown", shown, 1, 20)
    titles = list(drawn)
    for title in titles:
        if title not in read or len(read[title]) != len(drawn[title]) or len(drawn[title]) % per_class:
            raise ValueError(f"drawn[{title!r}] must hold per_class ({per_class}) images of each class, and "
                             f"read[{title!r}] the class read in each")
    classes = len(drawn[titles[0]]) // per_class
    cells, labels = [], []
    for c in range(classes):
        row, shares = [], []
        for title in titles:
            images, got = np.asarray(drawn[title]), np.asarray(read[title])
            asked = slice(c * per_class, (c + 1) * per_class)
            shares.append(f"{float(np.mean(got[asked] == c)):.0%}")
            row += [(image, title if c == 0 and k == 0 else None, ("✓ " if g == c else "✗ ") + class_name(g, class_names))
                    for k, (image, g) in enumerate(zip(images[asked][:shown], got[asked][:shown]))]
        cells.append(row)
        labels.append(f"asked: {class_name(c, class_names)}\n" + " · ".join(shares))
    fig, _ = image_grid(cells, row_labels=labels, cell_inches=0.8)
    return finish(fig, f"Drawn on request: one row per class asked for ({' · '.join(titles)}: "
                       f"share of {per_class} read as asked)", path)
