"""Figures of images: rows and grids of them, originals over reconstructions, generated samples."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from aekit._checks import check_images, check_int
from aekit.measures import image_shape
from aekit.plots.figure import caption, class_name, finish, image_grid, label_list


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
    fig, _ = image_grid(cells, row_labels=list(images))
    return finish(fig, title, path)


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
    fig, _ = image_grid(cells, cell_inches=1.05)
    return finish(fig, title, path)


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
        captions[name] = [f"{class_name(c, class_names)} ({p:.0%})" for c, p in zip(classes[:n], probabilities[:n])]
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
    captions = {"original": [caption(d, class_names) for d in label_list(labels, len(originals))]
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
