"""The GAN and the conditional GAN: two players through aekit's one training path, each updating
only its own network; the conditional one draws the class it is asked for."""

import numpy as np
import pytest

import aekit
from aekit import measures, models


@pytest.mark.parametrize("name", ["gan", "conditional_gan"])
def test_each_player_steps_on_its_own_network_and_both_learn(name, sample):
    """The discriminator's step holds exactly the discriminator's weights and the generator's step
    the generator's: neither moves the other's (the optimiser of a step updates only its
    variables, tests/test_training.py). After an epoch both networks have changed."""
    model = models.config(name)(hidden_units=32, latent_dim=8).build(seed=0)
    discriminator, generator = model.steps()
    assert [step.name for step in (discriminator, generator)] == ["discriminator", "generator"]
    ids = lambda variables: {id(v) for v in variables}
    assert ids(discriminator.variables) == ids(model.discriminator.trainable_variables)
    assert ids(generator.variables) == ids(model.generator.trainable_variables)
    assert not ids(discriminator.variables) & ids(generator.variables)
    assert ids(discriminator.variables) | ids(generator.variables) == ids(model.trainable_variables)
    before = {part.name: [w.copy() for w in part.get_weights()] for part in model.parts()}
    aekit.set_seed(0)
    history = aekit.train(model, sample.x_train[:512], sample.y_train[:512], epochs=1, batch_size=64,
                          learning_rate=2e-4)
    assert set(history.history) == {"discriminator_loss", "real_accuracy", "generated_accuracy", "generator_loss"}
    for part in model.parts():
        assert all(not np.array_equal(a, b) for a, b in zip(before[part.name], part.get_weights())), part.name


def test_the_graph_is_the_generator_and_a_saved_gan_draws_the_same_images(sample, tmp_path):
    aekit.set_seed(0)
    model = models.config("conditional_gan")(hidden_units=32, latent_dim=8).build(seed=0)
    assert [t.name for t in model.inputs] == ["noise", "label"] and tuple(model.output.shape) == (None, 784)
    noise = np.random.default_rng(0).standard_normal((5, 8)).astype(np.float32)
    labels = np.arange(5, dtype=np.int32)
    model.save(tmp_path / "cgan.keras")
    loaded = aekit.load_model(tmp_path / "cgan.keras")
    assert type(loaded).__name__ == "ConditionalGAN" and loaded.settings() == model.settings()
    np.testing.assert_array_equal(loaded.predict([noise, labels], verbose=0), model.predict([noise, labels], verbose=0))
    with pytest.raises(ValueError, match="latent_dim must be an integer in \\[1, 1024\\], got 0"):
        models.config("gan")(latent_dim=0)


def test_generate_draws_from_any_generator_and_names_what_a_conditional_one_needs(sample):
    """A VAE and a GAN draw n images; a conditional model one per label asked for (how often it
    draws the class asked for is Q4's measure: tests/test_notebooks.py on TensorFlow,
    tests/test_backends.py on JAX)."""
    vae = models.config("vae")(latent_dim=4).build(seed=0)
    gan = models.config("gan")(hidden_units=32, latent_dim=8).build(seed=0)
    cgan = models.config("conditional_gan")(hidden_units=32, latent_dim=8).build(seed=0)
    for model in (vae, gan):
        drawn = aekit.generate(model, 5, seed=3)
        assert drawn.shape == (5, 784) and drawn.min() >= 0 and drawn.max() <= 1
        np.testing.assert_array_equal(drawn, aekit.generate(model, 5, seed=3))  # the same seed, the same images
    assert aekit.generate(cgan, labels=[0, 1, 9]).shape == (3, 784)
    with pytest.raises(ValueError, match="labels must name the class of each image to draw"):
        aekit.generate(cgan, 10)
    with pytest.raises(ValueError, match=r"labels must be classes in \[0, 9\], got \[0, 10\]"):
        aekit.generate(cgan, labels=[0, 10])
    with pytest.raises(ValueError, match="labels are only for a conditional model"):
        aekit.generate(gan, 3, labels=[0, 1, 2])
    with pytest.raises(ValueError, match="model must be an aekit model that draws images"):
        aekit.generate(measures.train_classifier(sample.x_train[:100], sample.y_train[:100], epochs=1), 3)
