import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

import aekit
from aekit import plots
from conftest import ROOT


def texts(fig):
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def image_axes(fig):
    return [ax for ax in fig.axes if ax.get_visible() and ax.images]


@pytest.fixture(scope="module")
def autoencoder():
    aekit.set_seed(0)
    return aekit.build_autoencoder()


@pytest.fixture(scope="module")
def images(sample):
    return sample.x_test[:12], sample.y_test[:12]


def test_save_figure_is_reproducible_and_creates_folders(tmp_path, autoencoder):
    fig = plots.draw_architecture(autoencoder)
    first, second = tmp_path / "a" / "b" / "arch.png", tmp_path / "arch2.png"
    plots.save_figure(fig, first)
    plots.save_figure(plots.draw_architecture(autoencoder), second)
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"Software" not in first.read_bytes() and b"matplotlib" not in first.read_bytes()


def test_saved_figures_get_the_mode_the_umask_gives(tmp_path, autoencoder):
    import os

    previous = os.umask(0o027)
    try:
        path = plots.save_figure(plots.draw_architecture(autoencoder), tmp_path / "arch.png")
    finally:
        os.umask(previous)
    assert path.stat().st_mode & 0o777 == 0o640  # not mkstemp's 0600


def test_interrupted_save_leaves_the_old_figure_and_no_temporary_file(tmp_path, autoencoder):
    target = tmp_path / "arch.png"
    target.write_bytes(b"old figure")

    class Exploding(Figure):
        def savefig(self, stream, **kwargs):
            stream.write(b"\x89PNG half")
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        plots.save_figure(Exploding(), target)
    assert target.read_bytes() == b"old figure"
    assert [p.name for p in tmp_path.iterdir()] == ["arch.png"]


def test_a_save_killed_midway_leaves_a_hidden_file_that_git_ignores_and_the_next_save_removes(tmp_path,
                                                                                            autoencoder):
    """SIGKILL while a figure is rewritten: the figure stays whole, the half-written temporary file
    stays too (a killed process removes nothing), git ignores it, and the next save of that
    figure removes it; a save in progress in a live process is left alone."""
    import signal
    import subprocess
    import sys
    import time

    target = tmp_path / "q2_history.png"
    target.write_bytes(b"old figure")
    writer = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\nfrom aekit._files import write_atomically\n"
        "def slowly(stream):\n    stream.write(b'half'); stream.flush(); print('writing', flush=True); time.sleep(60)\n"
        f"write_atomically({str(target)!r}, slowly)")], stdout=subprocess.PIPE, text=True)
    assert writer.stdout.readline().strip() == "writing"
    [live] = [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    plots.save_figure(plots.draw_architecture(autoencoder), target)  # the same figure, saved meanwhile
    assert live.exists()  # a save in progress in a live process is left alone
    saved = target.read_bytes()
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=10)
    [left] = [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert target.read_bytes() == saved and left == live and left.name.endswith(".partial")
    ignored = subprocess.run(["git", "check-ignore", "--no-index", "-q", f"figures/{left.name}"], cwd=ROOT)
    assert ignored.returncode == 0, f"git would show figures/{left.name} as untracked"
    time.sleep(0.1)
    plots.save_figure(plots.draw_architecture(autoencoder), target)
    assert [p.name for p in tmp_path.iterdir()] == ["q2_history.png"]


def test_save_figure_rejects_bad_arguments(tmp_path, autoencoder):
    with pytest.raises(ValueError, match="path must end in .png"):
        plots.save_figure(Figure(), tmp_path / "figure.jpg")
    with pytest.raises(ValueError, match="fig must be a matplotlib Figure"):
        plots.save_figure("not a figure", tmp_path / "figure.png")


def test_reconstructions_one_row_per_model_with_errors(images):
    x, y = images
    fig = plots.plot_reconstructions(x, {"autoencoder": x * 0.5, "VAE": x}, y, n=5)
    assert len(image_axes(fig)) == 15
    text = texts(fig)
    assert {"original", "autoencoder", "VAE"} <= set(text)
    assert f"digit {y[0]}" in text and "MSE 0.000" in text
    with pytest.raises(ValueError, match=r"originals must be flattened square images, .* got 101 values"):
        plots.plot_reconstructions(np.zeros((3, 101)), np.zeros((3, 101)))
    with pytest.raises(ValueError, match="has 2 images but originals has 5"):
        plots.plot_reconstructions(x[:5], x[:2])


def test_adjustments_panels_are_titled_with_the_edit_and_the_code(autoencoder, images):
    encoder, decoder, _ = autoencoder
    x, y = images
    adjustments = aekit.scale_adjustments([0, 1], [5.0, 0.2])
    fig = plots.plot_adjustments(encoder, decoder, x[:3], adjustments, y[:3])
    assert len(image_axes(fig)) == 3 * (2 + 4)
    titles = [ax.get_title() for ax in image_axes(fig)]
    assert titles[:6] == ["original", "reconstruction", "z[0] × 5", "z[0] ÷ 5", "z[1] × 5", "z[1] ÷ 5"]
    code = aekit.encode(encoder, x[:1])[0]
    captions = [ax.get_xlabel() for ax in image_axes(fig)]
    assert captions[2] == f"z = ({code[0] * 5:.3g}, {code[1]:.3g})"
    with pytest.raises(ValueError, match=r"dim must be an integer in \[0, 1\], got 2"):
        plots.plot_adjustments(encoder, decoder, x[:2], [aekit.Adjustment(2, scale=5)])
    with pytest.raises(ValueError, match=r"images must have shape \(n, 784\)"):
        plots.plot_adjustments(encoder, decoder, np.zeros((2, 28, 28)), adjustments)


def test_latent_space_legend_highlights_and_projection(autoencoder, images, sample):
    encoder, _, _ = autoencoder
    codes = aekit.encode(encoder, sample.x_test[:300])
    fig = plots.plot_latent_space(codes, sample.y_test[:300],
                                  highlight={"image": codes[0], "z[0] × 5": codes[0] * [5, 1]})
    assert [str(d) for d in range(10)] == [t for t in texts(fig) if t.isdigit() and len(t) == 1][:10]
    assert {"image", "z[0] × 5", "z[0]", "z[1]", "close-up around image"} <= set(texts(fig))
    three = np.random.default_rng(0).normal(size=(300, 3)) * [3, 2, 1]
    fig = plots.plot_latent_space({"autoencoder": three, "VAE": three}, sample.y_test[:300])
    assert len(fig.axes) == 2
    assert fig.axes[0].get_xlabel().startswith("PC 1")
    assert "PCA projection of the 3-D codes" in fig.axes[1].get_title()
    with pytest.raises(ValueError, match="labels must hold at least 300 values"):
        plots.plot_latent_space(three, [1, 2])
    with pytest.raises(ValueError, match="highlight must be a non-empty dict"):
        plots.plot_latent_space({"a": three, "b": three}, sample.y_test[:300], highlight={"x": three[0]})


def test_every_edit_and_arrow_shows_however_close_or_far(sample):
    """An edit far outside the cloud and one that barely moves: the close-up shows the near one's
    arrow at a visible length, and points to the far one from inside its border."""
    codes = np.random.default_rng(0).normal(size=(300, 2)) * [30, 10]
    star = np.array([1.0, -2.0])
    near, far = star + [0.05, 0], star * [1, 50]
    fig = plots.plot_latent_space(codes, sample.y_test[:300],
                                  highlight={"image": star, "near": near, "far": far})
    overview, close = fig.axes[:2]
    (x0, x1), (y0, y1) = close.get_xlim(), close.get_ylim()
    assert x0 < near[0] < x1 and (near[0] - star[0]) / (x1 - x0) > 0.15  # a visible arrow
    assert not y0 < far[1] < y1 and "to far" in texts(fig)
    assert overview.get_ylim()[0] < far[1] and overview.get_xlim()[0] < np.percentile(codes[:, 0], 0.5)
    fig.canvas.draw()
    legend_boxes = [legend.get_window_extent() for legend in fig.legends]
    for box in legend_boxes:  # the legends lie outside both panels
        for ax in (overview, close):
            assert not box.overlaps(ax.get_window_extent())


def test_manifold_spans_the_prior_or_the_codes(autoencoder, sample):
    encoder, decoder, _ = autoencoder
    codes = aekit.encode(encoder, sample.x_test[:200])
    fig = plots.plot_manifold({"autoencoder": (decoder, codes), "VAE": (decoder, None)}, n=6)
    assert [ax.images[0].get_array().shape for ax in fig.axes] == [(168, 168)] * 2
    assert "quantiles of the codes" in fig.axes[0].get_title()
    assert "quantiles of N(0, 1)" in fig.axes[1].get_title()
    # equal steps of probability: each row of the autoencoder's grid covers a sixth of the codes
    ticks = [float(t.get_text().replace("−", "-")) for t in fig.axes[0].get_xticklabels()]
    assert ticks == pytest.approx(np.quantile(codes[:, 0], (np.arange(6) + 0.5) / 6), abs=0.05 * float(np.ptp(codes[:, 0])))
    assert "8th to the 92nd percentile in 6 equal steps" in " ".join(texts(fig))
    with pytest.raises(ValueError, match="dims must be two different latent dimensions"):
        plots.plot_manifold(decoder, dims=(1, 1))


def test_traversal_has_one_row_per_latent_dimension():
    aekit.set_seed(1)
    _, decoder, _ = aekit.build_autoencoder(latent_dim=3)
    fig = plots.plot_traversal(decoder, [0.1, -0.5, 2.0], steps=5)
    assert len(image_axes(fig)) == 15
    assert {"z[0]", "z[1]", "z[2]"} <= set(texts(fig))
    assert sum(caption.endswith("●") for caption in texts(fig)) == 3
    with pytest.raises(ValueError, match=r"code must have shape \(n, 3\)"):
        plots.plot_traversal(decoder, [0.0, 1.0])


def test_history_draws_every_loss_with_validation():
    record = {"kl_loss": [3, 2], "loss": [10, 8], "reconstruction_loss": [7, 6],
              "val_kl_loss": [3, 2], "val_loss": [11, 9], "val_reconstruction_loss": [8, 7]}
    fig = plots.plot_history(record)
    assert [ax.get_title() for ax in fig.axes] == ["total loss (nats)", "reconstruction loss (nats)",
                                                   "KL divergence (nats)"]
    assert all(len(ax.lines) == 2 for ax in fig.axes)
    with pytest.raises(ValueError, match="history must be a Keras History"):
        plots.plot_history({})


def test_architecture_is_drawn_from_the_model(autoencoder):
    text = "\n".join(texts(plots.draw_architecture(autoencoder)))
    for fact in ("784", "64", "2", "relu", "sigmoid", "50,240", "50,370", "51,152", "101,522"):
        assert fact in text
    narrow = "\n".join(texts(plots.draw_architecture(aekit.build_autoencoder(hidden_units=32)[2])))
    assert "784 → 32 → 2 → 32 → 784" in narrow and "25,120" in narrow and "50,240" not in narrow


def test_vae_architecture_shows_heads_noise_and_sampling():
    text = "\n".join(texts(plots.draw_architecture(aekit.build_vae(seed=0))))
    for fact in ("z_mean", "z_log_var", "ε ~ N(0, I)", "z = μ + σ·ε", "50,500", "101,652"):
        assert fact in text
    with pytest.raises(ValueError, match="model_or_models must be the"):
        plots.draw_architecture("autoencoder")


@pytest.mark.parametrize("draw", [
    lambda ae: plots.plot_history({"loss": [3, 2, 1], "val_loss": [3, 2, 2]},
                                  title="Autoencoder training (mean squared error per pixel)"),
    lambda ae: plots.draw_architecture(ae),
    lambda ae: plots.plot_traversal(ae[1], [0.0, 0.0], steps=5),
])
def test_titles_fit_inside_the_figure(draw, autoencoder):
    fig = draw(autoencoder)
    fig.canvas.draw()
    box = fig._suptitle.get_window_extent()
    assert box.x0 >= 0 and box.x1 <= fig.bbox.width, "the title is clipped"


def test_samples_are_captioned_with_the_classifiers_verdict(images):
    x, _ = images
    fig = plots.plot_samples({"autoencoder": x, "VAE": x[::-1]},
                             {"autoencoder": (np.arange(12) % 10, np.full(12, 0.984)),
                              "VAE": (np.zeros(12, int), np.full(12, 0.5))}, n=4, title="Samples")
    assert len(image_axes(fig)) == 8
    captions = [ax.get_xlabel() for ax in image_axes(fig)]
    assert captions[:4] == ["0 (98%)", "1 (98%)", "2 (98%)", "3 (98%)"] and captions[4] == "0 (50%)"
    with pytest.raises(ValueError, match=r"verdicts\['VAE'\] must hold a class and a probability"):
        plots.plot_samples({"VAE": x}, {"VAE": ([1, 2], [0.5])})
