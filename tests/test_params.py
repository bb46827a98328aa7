import pytest

from aekit.params import read_parameters

Q2 = dict(epochs=40, batch_size=16, learning_rate=0.01, hidden_units=64, latent_dim=2,
          adjust_dims=[0, 1], factors=[5.0, 0.2], image_index=0, seed=0, data_source="auto",
          figures_dir="../figures")
Q1 = dict(variation="vae", epochs=None, batch_size=None, learning_rate=None, hidden_units=64,
          latent_dim=None, beta=None, noise=0.5, sparsity=0.01, contraction=0.1, prior_samples=1000,
          seed=0, data_source="sample", figures_dir="../figures")


def test_defaults_are_valid_and_lists_may_be_given_as_text():
    assert vars(read_parameters("q2_autoencoder", Q2)) == Q2
    q1 = read_parameters("q1_vae", Q1)
    assert (q1.epochs, q1.batch_size, q1.learning_rate, q1.latent_dim, q1.beta) == (40, 16, 0.01, 2, 1.0)
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


def test_q1_fills_in_each_variations_defaults_and_says_what_it_ignores():
    sparse = read_parameters("q1_vae", {**Q1, "variation": "sparse"})
    assert sparse.latent_dim == 32 and sparse.settings == {"sparsity": 0.01}
    assert repr(sparse).splitlines()[-1] == "ignored by sparse: beta, noise, contraction, prior_samples"
    conv = read_parameters("q1_vae", {**Q1, "variation": "convolutional", "latent_dim": 4})
    assert (conv.latent_dim, conv.epochs, conv.batch_size) == (4, 15, 32)  # the user's value wins
    assert "hidden_units" in repr(conv).splitlines()[-1]
    beta = read_parameters("q1_vae", {**Q1, "variation": "beta_vae"})
    assert beta.beta == 4.0 and beta.settings == {"beta": 4.0}


@pytest.mark.parametrize("change, message", [
    ({"variation": "ladder"}, "variation must be one of 'vae', 'beta_vae', 'contractive', 'convolutional', 'denoising', 'sparse', got 'ladder'"),
    ({"variation": "sparse", "latent_dim": 2}, "latent_dim must be at least 8 for the sparse variation"),
    ({"variation": "beta_vae", "beta": 1.0}, "beta must be > 1 for the beta_vae variation"),
    ({"noise": 0.0}, r"noise must be a finite number in \(0.0, 1.0\]"),
])
def test_bad_q1_combinations_are_named(change, message):
    with pytest.raises(ValueError, match=message):
        read_parameters("q1_vae", {**Q1, **change})
