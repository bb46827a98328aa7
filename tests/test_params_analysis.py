import numpy as np
import pytest

import aekit
from aekit import analysis
from aekit.params import read_parameters

Q2 = dict(epochs=40, batch_size=16, learning_rate=0.01, hidden_units=64, latent_dim=2,
          adjust_dims=[0, 1], factors=[5.0, 0.2], image_index=0, seed=0, data_source="auto",
          figures_dir="../figures")
Q1 = dict(epochs=40, batch_size=16, learning_rate=0.01, hidden_units=64, latent_dim=2, beta=1.0,
          prior_samples=1000, seed=0, data_source="sample", figures_dir="../figures")


def test_defaults_are_valid_and_lists_may_be_given_as_text():
    assert vars(read_parameters("q2_autoencoder", Q2)) == Q2
    assert vars(read_parameters("q1_vae", Q1)) == Q1
    as_text = read_parameters("q2_autoencoder", {**Q2, "adjust_dims": "[1, 0]", "factors": "(5, 0.2)"})
    assert as_text.adjust_dims == [1, 0] and as_text.factors == [5.0, 0.2]
    assert repr(as_text).splitlines()[5] == "adjust_dims = [1, 0]"


@pytest.mark.parametrize("change, message", [
    ({"adjust_dims": [0, 2]}, r"adjust_dims must be an integer in \[0, 1\], got 2"),
    ({"adjust_dims": []}, "adjust_dims must be a non-empty list"),
    ({"adjust_dims": "[0, 2"}, r"adjust_dims must be a non-empty list such as \[0, 1\], got '\[0, 2'"),
    ({"adjust_dims": "__import__('os')"}, "adjust_dims must be a non-empty list"),  # never evaluated
    ({"factors": [5.0, float("nan")]}, "factors must be a finite number"),
    ({"factors": "[5, 'x']"}, "factors must be a finite number"),
    ({"epochs": -1}, r"epochs must be an integer in \[1, 10000\]"),
    ({"learning_rate": 0}, r"learning_rate must be a finite number in \(0.0, 1.0\]"),
    ({"image_index": -2}, "image_index must be an integer >= 0"),
    ({"data_source": "nowhere/mnist.npz"}, "data_source must be one of 'auto', 'keras', 'sample'"),
    ({"figures_dir": ""}, "figures_dir must be the path of a folder"),
])
def test_bad_q2_parameters_are_named(change, message):
    with pytest.raises(ValueError, match=message):
        read_parameters("q2_autoencoder", {**Q2, **change})


@pytest.mark.parametrize("change, message", [
    ({"beta": 0}, r"beta must be a finite number in \(0.0, 1000.0\]"),
    ({"beta": "1"}, "beta must be a finite number"),
    ({"prior_samples": 5}, r"prior_samples must be an integer in \[10, 100000\]"),
])
def test_bad_q1_parameters_are_named(change, message):
    with pytest.raises(ValueError, match=message):
        read_parameters("q1_vae", {**Q1, **change})


def test_a_missing_parameter_or_notebook_is_named():
    with pytest.raises(ValueError, match="parameter 'seed' is not defined: run the parameters cell"):
        read_parameters("q1_vae", {k: v for k, v in Q1.items() if k != "seed"})
    with pytest.raises(ValueError, match="notebook must be one of 'q1_vae', 'q2_autoencoder'"):
        read_parameters("q3", Q1)


def test_image_measures_on_drawn_strokes():
    vertical = np.zeros((28, 28), np.float32)
    vertical[4:24, 12:15] = 1.0  # a 3-pixel-wide upright bar
    slanted = np.zeros((28, 28), np.float32)
    for row in range(4, 24):
        column = 14 + (14 - row) // 3  # top to the right
        slanted[row, column:column + 2] = 1.0
    m = analysis.measure_images(np.stack([vertical, slanted]).reshape(2, 784))
    assert m.ink[0] == pytest.approx(60.0)
    assert m.thickness[0] == pytest.approx(2 * 60 / 46)  # 2·area/perimeter of a 20×3 bar
    assert abs(m.slant[0]) < 1e-6 and m.slant[1] > 10
    assert (m.centre_x[0], m.centre_y[0]) == pytest.approx((13.0, 13.5))
    assert m.sharpness[0] == 1.0


def test_edit_report_is_computed_from_the_models(sample):
    aekit.set_seed(0)
    encoder, decoder, autoencoder = aekit.build_autoencoder()
    aekit.train(autoencoder, sample.x_train[:1000], epochs=3)
    classifier = analysis.train_digit_classifier(sample.x_train[:1000], sample.y_train[:1000], epochs=3)
    train_codes = aekit.encode(encoder, sample.x_train[:1000])
    adjustments = [aekit.Adjustment(0, scale=1000.0), aekit.Adjustment(1, scale=1.0)]
    report = analysis.describe_adjustments(encoder, decoder, sample.x_test[0], adjustments,
                                           train_codes, classifier)
    assert [row["panel"] for row in report.rows] == ["reconstruction", "z[0] × 1000", "z[1] × 1"]
    far, identity = report.sentences
    assert "outside the range of all 1,000 training codes" in far
    assert "pixel MSE 0.0000" in identity and "its centre stays put" in identity
    assert "classifier still sees" in identity
    assert report.to_markdown().startswith("| panel |") and "z[0] × 1000" in report._repr_markdown_()


def test_frechet_distance_is_zero_for_equal_sets_and_grows_with_shift():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(2000, 5))
    assert analysis.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)
    assert analysis.frechet_distance(a, a + 3.0) == pytest.approx(45.0, rel=1e-6)  # 5 dims × 3²
    wide = rng.normal(scale=2.0, size=(2000, 5))
    assert analysis.frechet_distance(a, wide) == pytest.approx(5.0, rel=0.15)  # Σ (σa − σb)²
    with pytest.raises(ValueError, match="features must be two"):
        analysis.frechet_distance(a, a[:, :3])


def test_sampling_and_interpolation_helpers():
    prior = analysis.sample_codes(20_000, 2, seed=1)
    assert prior.shape == (20_000, 2)
    np.testing.assert_allclose(prior.std(axis=0), 1.0, atol=0.03)
    codes = np.random.default_rng(2).normal(loc=[10, -5], scale=[3, 0.5], size=(5000, 2))
    fitted = analysis.sample_codes(20_000, 2, seed=1, codes=codes)
    np.testing.assert_allclose(fitted.mean(axis=0), [10, -5], atol=0.1)
    path = analysis.interpolate_codes([[0.0, 0.0]], [[4.0, 2.0]], steps=5)
    np.testing.assert_allclose(path[0], [[0, 0], [1, 0.5], [2, 1], [3, 1.5], [4, 2]])


def test_comparison_measures_both_models(sample):
    aekit.set_seed(0)
    ae = aekit.build_autoencoder()
    vae = aekit.build_vae(seed=0)
    for parts in (ae, vae):
        aekit.train(parts[2], sample.x_train[:1000], epochs=3)
    classifier = analysis.train_digit_classifier(sample.x_train[:1000], sample.y_train[:1000], epochs=3)
    comparison = analysis.compare_models(ae, vae, sample.x_train[:1000], sample.x_test[:200],
                                         classifier, n_samples=100, pairs=20)
    for name in ("autoencoder", "VAE"):
        scores = comparison.scores[name]
        assert 0 < scores["mse"] < 0.2 and scores["prior_fd"] > 0 and 0 <= scores["prior_digits"] <= 10
        assert comparison.samples[name].shape == (100, 784)
        assert comparison.interpolations[name].shape == (9, 784)
    elbo = comparison.elbo
    assert elbo["negative_elbo"] == pytest.approx(elbo["reconstruction"] + elbo["kl"])
    text = comparison.to_markdown()
    assert f"{comparison.scores['VAE']['prior_fd']:.1f}" in comparison.advantage()
    assert f"{comparison.scores['autoencoder']['mse']:.4f}" in comparison.disadvantage()
    assert text.startswith(comparison.table()) and comparison.table().startswith("| measure | autoencoder | VAE |")
