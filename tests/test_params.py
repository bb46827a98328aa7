import ast
from pathlib import Path

import papermill
import pytest

from aekit.params import read_parameters
from aekit.training import train
from aekit.variations import BUDGET

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def notebook_defaults(name):
    """The values a notebook's parameters cell assigns, as a user who runs it unchanged gets them."""
    declared = papermill.inspect_notebook(NOTEBOOKS / f"{name}.ipynb")
    return {name: ast.literal_eval(value["default"]) for name, value in declared.items()}


Q1, Q2 = notebook_defaults("q1_vae"), notebook_defaults("q2_autoencoder")


def test_the_notebooks_defaults_are_valid_and_lists_may_be_given_as_text():
    assert vars(read_parameters("q2_autoencoder", Q2)) == {**Q2, "learning_rate": 0.01}
    q1 = read_parameters("q1_vae", Q1)
    assert (q1.epochs, q1.batch_size, q1.learning_rate, q1.latent_dim, q1.beta) == (40, 16, 0.01, 2, 1.0)
    as_text = read_parameters("q2_autoencoder", {**Q2, "adjust_dims": "[1, 0]", "factors": "(5, 0.2)"})
    assert as_text.adjust_dims == [1, 0] and as_text.factors == [5.0, 0.2]
    assert "adjust_dims = [1, 0]" in repr(as_text).splitlines()


def test_q1s_budget_is_what_q2_and_train_use_by_default():
    """The plain autoencoder Q1 compares with trains exactly as Q2's and aekit.train's defaults do."""
    import inspect

    defaults = {k: v.default for k, v in inspect.signature(train).parameters.items()}
    q2 = read_parameters("q2_autoencoder", Q2)
    assert BUDGET == {name: defaults[name] for name in BUDGET} == {name: getattr(q2, name) for name in BUDGET}
    images = read_parameters("q2_autoencoder", {**Q2, "dataset": "images", "data_source": str(NOTEBOOKS)})
    assert images.learning_rate == 0.001  # 12,288 inputs diverge at 0.01


@pytest.mark.parametrize("notebook, change, message", [
    ("q1_vae", {"dataset": "cifar10"}, r"dataset must be one of 'mnist', 'fashion_mnist', got 'cifar10'"),
    ("q1_vae", {"dataset": "fashion_mnist", "data_source": "sample"},
     "data_source 'sample' is MNIST's embedded sample"),
    ("q2_autoencoder", {"dataset": "images", "data_source": "auto"},
     "data_source must be the path of a folder of images for dataset 'images', got 'auto'"),
    ("q2_autoencoder", {"image_size": 4}, r"image_size must be an integer in \[8, 256\], got 4"),
    ("q2_autoencoder", {"output_activation": "relu"}, "output_activation must be one of 'sigmoid', 'tanh'"),
    ("q2_autoencoder", {"factors": [5.0, 0]}, "factors must be non-zero numbers"),
    ("q4_generative", {"dataset": "fashion_mnist", "data_source": "sample"},
     "data_source 'sample' is MNIST's embedded sample"),
    ("q4_generative", {"prior_samples": 5}, r"prior_samples must be an integer in \[10, 100000\], got 5"),
    ("q4_generative", {"snapshots": 0}, r"snapshots must be an integer in \[1, 20\], got 0"),
    ("q4_generative", {"gan_learning_rate": 0}, r"gan_learning_rate must be a finite number in \(0.0, 1.0\]"),
    ("q4_generative", {"latent_dim": 0}, r"latent_dim must be an integer in \[1, 1024\], got 0"),
])
def test_bad_data_set_choices_are_named(notebook, change, message):
    defaults = {"q1_vae": Q1, "q2_autoencoder": Q2, "q4_generative": notebook_defaults("q4_generative")}[notebook]
    with pytest.raises(ValueError, match=message):
        read_parameters(notebook, {**defaults, **change})


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
    from aekit.models.sparse import SparseConfig

    sparse = read_parameters("q1_vae", {**Q1, "variation": "sparse"})
    assert sparse.config == SparseConfig(hidden_units=64, latent_dim=32, sparsity=0.01)
    assert repr(sparse).splitlines()[-1] == "ignored by sparse: beta, prior_samples, contraction, noise"
    conv = read_parameters("q1_vae", {**Q1, "variation": "convolutional", "latent_dim": 4})
    assert (conv.latent_dim, conv.epochs, conv.batch_size) == (4, 15, 32)  # the user's value wins
    assert conv.config.latent_dim == 4 and "hidden_units" in repr(conv).splitlines()[-1]
    beta = read_parameters("q1_vae", {**Q1, "variation": "beta_vae"})
    assert beta.beta == 4.0 and beta.config.beta == 4.0 and beta.latent_dim == 8
    vae = read_parameters("q1_vae", Q1)
    assert vae.measuring == {"prior_samples": 1000} and vae.config.beta == 1.0


@pytest.mark.parametrize("change, message", [
    ({"variation": "ladder"}, "variation must be one of 'vae', 'adversarial', 'beta_vae', 'conditional', "
                              "'contractive', 'convolutional', 'denoising', 'sparse', got 'ladder'"),
    ({"variation": "sparse", "latent_dim": 2},
     r"latent_dim must be an integer in \[8, 1024\], got 2: a sparse code needs room to leave units unused"),
    ({"variation": "beta_vae", "beta": 1.0},
     r"beta must be a finite number in \(1.0, 1000.0\], got 1.0: β = 1 is the plain VAE \(choose the variation 'vae'\)"),
    ({"noise": 0.0}, r"noise must be a finite number in \(0.0, 1.0\]"),
])
def test_bad_q1_combinations_are_named(change, message):
    with pytest.raises(ValueError, match=message):
        read_parameters("q1_vae", {**Q1, **change})
