"""Q1's variations: each cited, built, trained through the one path, saved and loaded, drawn, and
its advantage shown at the default budget on the embedded data and the official test set."""

import numpy as np
import papermill
import pytest

import aekit
from aekit import models, plots, variations
from aekit.data import Dataset
from aekit.params import read_parameters
from conftest import ROOT

NAMES = variations.names()


def defaults(name):
    """The notebook's parameters for ``name``, as its parameters cell sets them (every setting
    None: the variation's defaults)."""
    declared = papermill.inspect_notebook(ROOT / "notebooks" / "q1_vae.ipynb")
    values = {key: None for key in declared}
    values.update(variation=name, dataset="mnist", seed=0, data_source="sample", figures_dir="figs")
    return read_parameters("q1_vae", values)


def test_every_variation_is_a_model_with_its_paper_and_its_loss():
    assert NAMES[0] == "vae" and set(NAMES) <= set(models.names())
    for name in NAMES:
        variation = variations.get(name)
        assert variation.name == name == variation.config.name and variation.paper.url.startswith("https://")
        assert "$$" in variation.idea and "\\mathcal{L}" in variation.idea  # the loss, in LaTeX
        assert variation.paper.markdown() in variation.describe()


def test_q1_declares_every_setting_of_every_variation_and_nothing_else():
    """A new variation with a new setting needs exactly one line in Q1's parameters cell."""
    declared = set(papermill.inspect_notebook(ROOT / "notebooks" / "q1_vae.ipynb"))
    settings = {name for variation in map(variations.get, NAMES) for name in variation.settings()}
    shared = {"variation", "dataset", "epochs", "batch_size", "learning_rate", "seed", "data_source", "figures_dir"}
    assert declared == shared | settings


@pytest.mark.parametrize("name", NAMES)
def test_each_variation_trains_evaluates_saves_loads_and_is_drawn(name, sample, tmp_path):
    p = defaults(name)
    aekit.set_seed(0)
    config = p.config
    if "hidden_units" in config.settings():
        import dataclasses

        config = dataclasses.replace(config, hidden_units=16)
    model = config.build(seed=0)
    history = aekit.train(model, sample.x_train[:256], sample.y_train[:256], epochs=2, batch_size=32,
                          x_val=sample.x_test[:64], y_val=sample.y_test[:64])  # labels: a conditional model's
    assert set(history.history) == set(model.loss_names) | {f"val_{n}" for n in model.loss_names}
    scores = aekit.evaluate(model, sample.x_test[:64], sample.y_test[:64])
    assert set(scores) == set(model.loss_names)
    path = tmp_path / f"{name}.keras"
    model.save(path)
    loaded = aekit.load_model(path)
    assert type(loaded) is type(model) and loaded.settings() == model.settings()
    labels = sample.y_test[:8] if model.needs_labels else None
    np.testing.assert_allclose(loaded.reconstruct(sample.x_test[:8], labels), model.reconstruct(sample.x_test[:8], labels),
                               atol=1e-6)
    assert [part.name for part in loaded.parts()] == [part.name for part in model.parts()]
    title = plots.draw_architecture(model)._suptitle.get_text()
    assert f"{model.count_params():,} parameters" in title.replace("\n", " ")


def test_the_contractive_penalty_is_the_encoders_jacobian():
    import tensorflow as tf

    from aekit.models.base import dense_parts
    from aekit.models.contractive import jacobian_norms

    for shape in ({"hidden_units": 64, "latent_dim": 2},
                  {"hidden_units": (32, 16), "latent_dim": 3, "hidden_activation": "tanh"}):
        encoder, _ = dense_parts(784, **shape)
        x = tf.constant(np.random.default_rng(0).random((5, 784), dtype=np.float32))
        with tf.GradientTape() as tape:
            tape.watch(x)
            z = encoder(x)
        exact = np.sum(tape.batch_jacobian(z, x).numpy() ** 2, axis=(1, 2))
        np.testing.assert_allclose(np.asarray(jacobian_norms(encoder, x)), exact, rtol=1e-4)


# The smallest budget (epochs, at the variation's batch size and learning rate) at which each
# variation's advantage shows with seed 0 and 1 on this data (measured 2026-11-30): the VAE's and
# the contractive autoencoder's are the notebook's defaults (the VAE's also holds the quality
# targets; the contractive autoencoder's advantage shows at 40 epochs with seed 0, not with seed 1,
# whose text says so), the others' are smaller; the conditional VAE's and the adversarial
# autoencoder's are their defaults.
EPOCHS = {"vae": 40, "beta_vae": 20, "contractive": 40, "convolutional": 5, "denoising": 10, "sparse": 3,
          "conditional": 20, "adversarial": 10}


@pytest.fixture(scope="module")
def trained(sample, t10k):
    """Train a variation and its plain twin on the embedded sample with the notebook's shape and
    the budget of EPOCHS; score on the official test set (2,000 of its 10,000 digits)."""
    from aekit.measures import train_classifier

    data = Dataset(sample.x_train, sample.y_train, t10k.x_test[:2000], t10k.y_test[:2000], "sample + t10k")
    classifier = train_classifier(data.x_train, data.y_train, seed=0)

    def train(name):
        p = defaults(name)
        aekit.set_seed(p.seed)
        model = p.config.build(seed=p.seed)
        plain = aekit.build_autoencoder(hidden_units=p.hidden_units, latent_dim=p.latent_dim)[2]
        for each in (model, plain):
            aekit.train(each, data.x_train, data.y_train, epochs=EPOCHS[name], batch_size=p.batch_size,
                        learning_rate=p.learning_rate)
        return model, plain, variations.Run.of(p, data, classifier)
    return train


def test_every_variations_evidence_is_measured_and_worded_on_a_small_budget(sample):
    """Each variation's measure, as Q1 calls it, on 400 training and 200 held-out images and two
    epochs: the table, the two sentences, the figures, the key results (the quick report runs two
    of them through the notebook)."""
    from aekit.measures import train_classifier

    data = Dataset(sample.x_train[:400], sample.y_train[:400], sample.x_test[:200], sample.y_test[:200], "small")
    classifier = train_classifier(data.x_train, data.y_train, epochs=2)
    for name in NAMES:
        p = read_parameters("q1_vae", {**{key: None for key in papermill.inspect_notebook(
            ROOT / "notebooks" / "q1_vae.ipynb")}, "variation": name, "dataset": "mnist", "seed": 0,
            "data_source": "sample", "figures_dir": "figs", "epochs": 2, "prior_samples": 100})
        model = p.config.build(seed=0)
        plain = aekit.build_autoencoder(hidden_units=p.hidden_units, latent_dim=p.latent_dim)[2]
        for each in (model, plain):
            aekit.train(each, data.x_train, data.y_train, epochs=2, batch_size=p.batch_size,
                        learning_rate=p.learning_rate)
        evidence = variations.get(name).measure(model, plain, variations.Run.of(p, data, classifier))
        assert evidence.advantage.startswith("**Advantage") and evidence.disadvantage.startswith("**Disadvantage")
        assert f"| {evidence.baseline} |" in evidence.table() and len(evidence.rows) >= 2
        figures = evidence.advantage_figures + evidence.disadvantage_figures
        assert figures and all(shown.name.startswith(f"q1_{name}_") for shown in figures), name
        results = variations.results(variations.get(name), evidence, model, plain, data=data, parameters=p)
        compared = dict(results.record["compared"])
        assert compared["variation"] == variations.get(name).title and compared["advantage"], name


def test_vae_samples_from_its_prior_closer_to_real_digits(trained, t10k):
    from aekit.latent import sample_codes
    from aekit.measures import classifier_features, frechet_distance

    model, plain, run = trained("vae")
    real = classifier_features(run.classifier, run.data.x_test)
    codes = sample_codes(1000, run.latent_dim, seed=0)
    distance = {name: frechet_distance(classifier_features(run.classifier, aekit.decode(m.decoder, codes)), real)
                for name, m in (("vae", model), ("plain", plain))}
    assert distance["vae"] < 0.75 * distance["plain"], distance
    # the quality targets, on all 10,000 official test digits: the notebooks' defaults reach them
    assert np.mean((plain.reconstruct(t10k.x_test) - t10k.x_test) ** 2) <= 0.045
    elbo = aekit.evaluate(model, t10k.x_test, batch_size=10_000)
    assert elbo["reconstruction_loss"] + elbo["kl_loss"] <= 165.0  # nats per image


def test_denoising_reconstructs_noisy_digits_closer_to_the_clean_ones(trained):
    from aekit.variations.denoising import errors

    model, plain, run = trained("denoising")
    noise = run.config.noise  # the default, the level it trains at
    assert errors(model, run.data.x_test, 0, (noise,))[0] < 0.5 * errors(plain, run.data.x_test, 0, (noise,))[0]


def test_sparse_uses_few_code_units_per_image(trained):
    from aekit.latent import encode
    from aekit.variations.sparse import activity

    model, plain, run = trained("sparse")
    x = run.data.x_test
    assert activity(encode(model.encoder, x)).mean() < 0.5 * activity(encode(plain.encoder, x)).mean()


def test_contractive_codes_move_less_when_the_input_does(trained):
    from aekit.variations.contractive import STEP, sensitivity

    model, plain, run = trained("contractive")
    assert (np.median(sensitivity(model.encoder, run.data.x_test, STEP, 0))
            < 0.8 * np.median(sensitivity(plain.encoder, run.data.x_test, STEP, 0)))


def test_convolutional_reconstructs_better_with_fewer_parameters(trained):
    model, plain, run = trained("convolutional")
    error = {name: np.mean((m.reconstruct(run.data.x_test) - run.data.x_test) ** 2)
             for name, m in (("conv", model), ("plain", plain))}
    assert error["conv"] < 0.9 * error["plain"] and model.count_params() < plain.count_params()


def test_beta_vae_aligns_factors_with_single_elements(trained):
    from aekit.latent import encode
    from aekit.variations.beta_vae import alignment

    model, plain, run = trained("beta_vae")
    x, y = run.data.x_test, run.data.y_test
    assert alignment(encode(model.encoder, x), x, y, run.kind)[0] > alignment(encode(plain.encoder, x), x, y, run.kind)[0]


def test_the_conditional_vae_draws_the_class_it_is_asked_for(trained):
    """From the same codes z ~ N(0, I), decoded under each label, the classifier reads the class
    asked for most of the time (measured: 98% here, against the 10% a VAE gets by chance), and
    the class is harder to read from its codes than from the plain autoencoder's."""
    from aekit.latent import encode, sample_codes
    from aekit.measures import classify
    from aekit.models.base import call_in_chunks
    from aekit.variations.conditional import centroid_accuracy

    model, plain, run = trained("conditional")
    asked = np.repeat(np.arange(10), 100)
    codes = np.tile(sample_codes(100, run.latent_dim, seed=0), (10, 1))
    read, _ = classify(run.classifier, call_in_chunks(model.decoder, codes, labels=asked))
    on_request = [np.mean(read[asked == c] == c) for c in range(10)]
    assert np.mean(on_request) > 0.8 and min(on_request) > 0.3, on_request
    data = run.data
    carried = {name: centroid_accuracy(codes_of(data.x_train, data.y_train), data.y_train,
                                       codes_of(data.x_test, data.y_test), data.y_test)
               for name, codes_of in (("conditional", lambda x, y: call_in_chunks(model.encoder, x, labels=y, output=0)),
                                      ("plain", lambda x, y: encode(plain.encoder, x)))}
    assert carried["conditional"] < carried["plain"], carried


def test_the_adversarial_autoencoders_codes_match_the_prior_better_than_the_vaes(trained):
    """The codes of the training images against as many draws of N(0, I): the adversarial
    autoencoder's are closer (MMD²) than the VAE's sampled codes, trained with the same budget,
    and far closer than the plain autoencoder's."""
    from aekit.variations.adversarial import scores

    model, plain, run = trained("adversarial")
    aekit.set_seed(0)
    vae = models.config("vae")(hidden_units=run.hidden_units, latent_dim=run.latent_dim).build(seed=0)
    run.train(vae)
    found = {"adversarial": scores(model, run, variational=False), "VAE": scores(vae, run, variational=True)}
    assert found["adversarial"]["mmd"] < found["VAE"]["mmd"], {k: v["mmd"] for k, v in found.items()}
