"""Every figure of the report, one module per topic. Each function returns a matplotlib Figure
and saves it when given ``path=``; to compare models side by side, pass a dict
``{"autoencoder": ..., "VAE": ...}``: one panel each.

- :mod:`~aekit.plots.figure`: :func:`save_figure` (reproducible PNGs) and what every figure shares;
- :mod:`~aekit.plots.architecture`: :func:`draw_architecture`, a model's diagram read from its layers;
- :mod:`~aekit.plots.images`: rows and grids of images, reconstructions, generated samples;
- :mod:`~aekit.plots.curves`: lines, heat maps, training curves;
- :mod:`~aekit.plots.latent`: codes, edits, decoder grids and traversals;
- :mod:`~aekit.plots.anomaly`: Q3's ROC curves, score histograms and extremes;
- :mod:`~aekit.plots.generation`: Q4's adversarial game, samples as training goes on, classes drawn, requests.
"""

from aekit.plots.anomaly import plot_extremes, plot_roc, plot_score_histograms
from aekit.plots.architecture import draw_architecture
from aekit.plots.curves import plot_curves, plot_history, plot_matrix
from aekit.plots.figure import DPI, save_figure
from aekit.plots.generation import plot_class_shares, plot_game, plot_on_request, plot_progress
from aekit.plots.images import plot_image_grid, plot_image_rows, plot_reconstructions, plot_samples
from aekit.plots.latent import plot_adjustments, plot_latent_space, plot_manifold, plot_traversal

__all__ = ["DPI", "draw_architecture", "plot_adjustments", "plot_class_shares", "plot_curves", "plot_extremes",
           "plot_game", "plot_history", "plot_image_grid", "plot_image_rows", "plot_latent_space", "plot_manifold",
           "plot_matrix", "plot_on_request", "plot_progress", "plot_reconstructions", "plot_roc", "plot_samples",
           "plot_score_histograms", "plot_traversal", "save_figure"]
