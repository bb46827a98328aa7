"""The VAE's importance-weighted log-likelihood, active units and KL per element, checked against
what they must equal: the ELBO for k = 1, the exact log-likelihood where it can be computed."""

import numpy as np
import pytest

import aekit
from aekit import likelihood


@pytest.fixture(scope="module")
def trained(sample):
    aekit.set_seed(0)
    *_, vae = aekit.build_vae(seed=0)
    aekit.train(vae, sample.x_train, epochs=5)
    return vae, sample.x_test[:500]


def test_one_sample_is_the_elbo_within_monte_carlo_error(trained):
    vae, images = trained
    first = likelihood.log_likelihood(vae, images, k=1, seed=0)
    second = likelihood.log_likelihood(vae, images, k=1, seed=1)
    standard_error = np.std(first - second) / np.sqrt(2 * len(images))  # of one estimate's mean
    losses = vae.evaluate(images, batch_size=len(images), verbose=0, return_dict=True)
    elbo = -(losses["reconstruction_loss"] + losses["kl_loss"])
    assert abs(first.mean() - elbo) < 5 * np.sqrt(2) * standard_error + 1e-3
    np.testing.assert_array_equal(first, likelihood.log_likelihood(vae, images, k=1, seed=0))  # seeded


def test_the_bound_tightens_as_k_grows(trained):
    vae, images = trained
    means = [likelihood.log_likelihood(vae, images[:200], k=k, seed=0).mean() for k in (1, 10, 100)]
    assert means[0] < means[1] < means[2]


def exact_posterior_vae(probabilities):
    """A VAE whose decoder ignores z (Bernoulli pixels with fixed probabilities) and whose encoder
    gives q(z | x) = N(0, I): the prior, and so the true posterior."""
    *_, vae = aekit.build_vae(input_dim=len(probabilities), hidden_units=8, latent_dim=2, seed=0)
    for layer in vae.encoder.layers + vae.decoder.layers:
        if layer.weights:
            layer.set_weights([np.zeros_like(w) for w in layer.get_weights()])
    output = vae.decoder.layers[-1]
    output.set_weights([np.zeros_like(output.get_weights()[0]),
                        np.log(probabilities / (1 - probabilities)).astype(np.float32)])
    return vae


def test_with_the_exact_posterior_every_k_gives_the_true_log_likelihood():
    rng = np.random.default_rng(0)
    probabilities = rng.uniform(0.05, 0.95, 784)
    images = (rng.random((20, 784)) < probabilities).astype(np.float32)
    truth = np.sum(images * np.log(probabilities) + (1 - images) * np.log(1 - probabilities), axis=1)
    vae = exact_posterior_vae(probabilities)
    for k in (1, 7, 300):
        np.testing.assert_allclose(likelihood.log_likelihood(vae, images, k=k), truth, atol=2e-3)
    np.testing.assert_allclose(likelihood.kl_per_element(vae, images), 0.0, atol=1e-6)
    assert not likelihood.active_units(vae, images).any()


def test_many_samples_reach_the_log_likelihood_computed_by_quadrature():
    """A 1-D latent, four pixels, untrained weights: p(x) = ∫ p(x | z) N(z; 0, 1) dz on a fine grid."""
    aekit.set_seed(3)
    *_, vae = aekit.build_vae(input_dim=4, hidden_units=8, latent_dim=1, seed=3)
    images = np.array([[1, 0, 1, 1], [0, 0, 0, 1], [1, 1, 1, 1]], np.float32)
    grid = np.linspace(-9, 9, 36_001)
    pixels = np.asarray(vae.decoder.predict(grid[:, None].astype(np.float32), verbose=0), np.float64)
    log_prior = -0.5 * grid ** 2 - 0.5 * np.log(2 * np.pi)
    truth = []
    for x in images:
        log_joint = np.sum(x * np.log(pixels) + (1 - x) * np.log(1 - pixels), axis=1) + log_prior
        top = log_joint.max()
        truth.append(top + np.log(np.sum(np.exp(log_joint - top)) * (grid[1] - grid[0])))
    estimate = likelihood.log_likelihood(vae, images, k=50_000, seed=0)
    np.testing.assert_allclose(estimate, truth, atol=0.01)
    assert np.all(likelihood.log_likelihood(vae, images, k=1, seed=0) <= np.array(truth) + 0.5)


def test_active_units_and_kl_follow_the_encoders_means_and_variances(trained):
    vae, images = trained
    z_mean, z_log_var, _ = vae.encoder.predict(images, verbose=0)
    np.testing.assert_array_equal(likelihood.active_units(vae, images), z_mean.var(axis=0) > 0.01)
    kl = -0.5 * (1 + z_log_var - z_mean ** 2 - np.exp(z_log_var))
    np.testing.assert_allclose(likelihood.kl_per_element(vae, images), kl.mean(axis=0), rtol=1e-4)
    losses = vae.evaluate(images, batch_size=len(images), verbose=0, return_dict=True)
    assert likelihood.kl_per_element(vae, images).sum() == pytest.approx(losses["kl_loss"], rel=1e-4)


def test_binarised_images_are_seeded_bernoulli_draws(sample):
    images = sample.x_test[:200]
    binary = likelihood.binarise(images, seed=0)
    assert set(np.unique(binary)) <= {0.0, 1.0}
    np.testing.assert_array_equal(binary, likelihood.binarise(images, seed=0))
    assert abs(binary.mean() - images.mean()) < 0.01


@pytest.mark.parametrize("call, message", [
    (lambda: likelihood.log_likelihood(aekit.build_autoencoder()[2], np.zeros((2, 784))),
     r"vae must be an aekit VAE .* got Autoencoder"),
    (lambda: likelihood.log_likelihood(aekit.build_vae()[2], np.zeros((2, 784)), k=0),
     r"k must be an integer in \[1, 1000000\], got 0"),
    (lambda: likelihood.active_units(aekit.build_vae()[2], np.zeros((2, 784)), threshold=-1),
     r"threshold must be a finite number in \[0.0, 100.0\]"),
    (lambda: likelihood.binarise(np.full((2, 784), 2.0)), r"images must hold pixel values in \[0, 1\]"),
])
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
