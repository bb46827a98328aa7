"""Q1's variations: each cited, built, trained through the one path, saved and loaded, drawn, and
its advantage shown at the default budget on the embedded data and the official test set."""

import numpy as np
import pytest

import aekit
from aekit import plots, variations
from aekit.backend import keras
from aekit.data import Dataset
from aekit.params import read_parameters

NAMES = variations.names()
SETTINGS = {"beta": None, "noise": 0.5, "sparsity": 0.01, "contraction": 0.1, "prior_samples": 1000}


def defaults(name):
    """The notebook's parameters for ``name`` with its defaults filled in."""
    return read_parameters("q1_vae", {"variation": name, "dataset": "mnist", "epochs": None, "batch_size": None,
                                      "learning_rate": None, "hidden_units": 64, "latent_dim": None,
                                      **SETTINGS, "seed": 0, "data_source": "sample", "figures_dir": "figs"})


def test_the_registry_holds_the_six_variations_each_cited_with_its_loss():
    assert NAMES == ["vae", "beta_vae", "contractive", "convolutional", "denoising", "sparse"]
    for name in NAMES:
        variation = variations.get(name)
        assert variation.name == name and variation.paper.url.startswith("https://")
        assert "$$" in variation.idea and "\\mathcal{L}" in variation.idea  # the loss, in LaTeX
        assert variation.paper.markdown() in variation.describe()


@pytest.mark.parametrize("name", NAMES)
def test_each_variation_trains_evaluates_saves_loads_and_is_drawn(name, sample, tmp_path):
    p = defaults(name)
    aekit.set_seed(0)
    encoder, decoder, model = variations.get(name).build(hidden_units=16, latent_dim=p.latent_dim,
                                                          seed=0, **p.settings)
    history = aekit.train(model, sample.x_train[:256], epochs=2, batch_size=32, x_val=sample.x_test[:64])
    assert set(history.history) == set(model.loss_names) | {f"val_{n}" for n in model.loss_names}
    scores = model.evaluate(sample.x_test[:64], verbose=0, return_dict=True)
    assert set(scores) == set(model.loss_names)
    path = tmp_path / f"{name}.keras"
    model.save(path)
    loaded = aekit.load_model(path)
    assert type(loaded) is type(model) and loaded.settings() == model.settings()
    np.testing.assert_allclose(loaded.predict(sample.x_test[:8], verbose=0),
                               model.predict(sample.x_test[:8], verbose=0), atol=1e-6)
    title = plots.draw_architecture((encoder, decoder, model))._suptitle.get_text()
    assert f"{model.count_params():,} parameters" in title.replace("\n", " ")


def test_the_contractive_penalty_is_the_encoders_jacobian():
    import tensorflow as tf

    from aekit.models import dense_parts
    from aekit.variations.contractive import jacobian_norms

    for shape in ({"hidden_units": 64, "latent_dim": 2},
                  {"hidden_units": (32, 16), "latent_dim": 3, "hidden_activation": "tanh"}):
        encoder, _ = dense_parts(784, **shape)
        x = tf.constant(np.random.default_rng(0).random((5, 784), dtype=np.float32))
        with tf.GradientTape() as tape:
            tape.watch(x)
            z = encoder(x)
        exact = np.sum(tape.batch_jacobian(z, x).numpy() ** 2, axis=(1, 2))
        np.testing.assert_allclose(keras.ops.convert_to_numpy(jacobian_norms(encoder, x)), exact, rtol=1e-4)


@pytest.fixture(scope="module")
def trained(sample, t10k):
    """Train a variation and its plain twin at the notebook's defaults on the embedded sample;
    score on the official test set (2,000 of its 10,000 digits, to keep the suite quick)."""
    from aekit.measures import train_classifier

    data = Dataset(sample.x_train, sample.y_train, t10k.x_test[:2000], t10k.y_test[:2000], "sample + t10k")
    classifier = train_classifier(data.x_train, data.y_train, seed=0)

    def train(name):
        p = defaults(name)
        aekit.set_seed(p.seed)
        parts = variations.get(name).build(hidden_units=p.hidden_units, latent_dim=p.latent_dim,
                                           seed=p.seed, **p.settings)
        plain = aekit.build_autoencoder(hidden_units=p.hidden_units, latent_dim=p.latent_dim)
        for model in (parts[2], plain[2]):
            aekit.train(model, data.x_train, epochs=p.epochs, batch_size=p.batch_size,
                        learning_rate=p.learning_rate)
        return parts, plain, variations.Run.of(p, data, classifier)
    return train


def test_vae_samples_from_its_prior_closer_to_real_digits(trained, t10k):
    from aekit.variations.vae import generative_scores

    parts, plain, run = trained("vae")
    scores = generative_scores(parts, plain, run, n_samples=1000)
    assert scores["VAE"]["prior_fd"] < 0.75 * scores["autoencoder"]["prior_fd"]
    # the quality targets, on all 10,000 official test digits: the notebooks' defaults reach them
    reconstructions = aekit.decode(plain[1], aekit.encode(plain[0], t10k.x_test))
    assert np.mean((reconstructions - t10k.x_test) ** 2) <= 0.045
    elbo = parts[2].evaluate(t10k.x_test, batch_size=10_000, verbose=0, return_dict=True)
    assert elbo["reconstruction_loss"] + elbo["kl_loss"] <= 165.0  # nats per image


def test_denoising_reconstructs_noisy_digits_closer_to_the_clean_ones(trained):
    from aekit.variations.denoising import _errors

    parts, plain, run = trained("denoising")
    noise = run.settings["noise"]  # the notebook's default, the level it trains at
    assert _errors(parts, run.data.x_test, 0, (noise,))[0] < 0.5 * _errors(plain, run.data.x_test, 0, (noise,))[0]


def test_sparse_uses_few_code_units_per_image(trained):
    from aekit.latent import encode
    from aekit.variations.sparse import activity

    parts, plain, run = trained("sparse")
    assert activity(encode(parts[0], run.data.x_test)).mean() < 0.5 * activity(encode(plain[0], run.data.x_test)).mean()


def test_contractive_codes_move_less_when_the_input_does(trained):
    from aekit.variations.contractive import STEP, sensitivity

    parts, plain, run = trained("contractive")
    assert (np.median(sensitivity(parts[0], run.data.x_test, STEP, 0))
            < 0.8 * np.median(sensitivity(plain[0], run.data.x_test, STEP, 0)))


def test_convolutional_reconstructs_better_with_fewer_parameters(trained):
    parts, plain, run = trained("convolutional")
    error = {name: np.mean((aekit.decode(m[1], aekit.encode(m[0], run.data.x_test)) - run.data.x_test) ** 2)
             for name, m in (("conv", parts), ("plain", plain))}
    assert error["conv"] < 0.9 * error["plain"] and parts[2].count_params() < plain[2].count_params()


def test_beta_vae_aligns_factors_with_single_elements(trained):
    from aekit.latent import encode
    from aekit.variations.beta_vae import alignment

    parts, plain, run = trained("beta_vae")
    x, y = run.data.x_test, run.data.y_test
    assert alignment(encode(parts[0], x), x, y, run.kind)[0] > alignment(encode(plain[0], x), x, y, run.kind)[0]
