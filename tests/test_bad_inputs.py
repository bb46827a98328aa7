"""Every public function, given what a user might pass by mistake: one clear ValueError that names
the parameter and says what is wrong, never a message from deep inside a library."""

import numpy as np
import pytest

import aekit
from aekit import latent, measures, plots, variations

X = np.random.default_rng(0).random((6, 784), dtype=np.float32)
NAN = np.where(X > 0.9, np.nan, X)
INF = np.where(X > 0.9, np.inf, X)


@pytest.fixture(scope="module")
def parts():
    aekit.set_seed(0)
    return aekit.build_autoencoder()


@pytest.fixture(scope="module")
def classifier(sample):
    return measures.train_classifier(sample.x_train[:200], sample.y_train[:200], epochs=1)


CASES = {
    # not a model, or the wrong half of the autoencoder
    "encode a string": (lambda p, c: aekit.encode("not a model", X), r"encoder must be a Keras model .* got str"),
    "train None": (lambda p, c: aekit.train(None, X), r"model must be a Keras model .* got NoneType"),
    "encode with the decoder": (lambda p, c: aekit.encode(p[1], X), r"it looks like a decoder"),
    "decode with the encoder": (lambda p, c: aekit.decode(p[0], np.zeros((2, 2))), r"it looks like an encoder"),
    "train the encoder": (lambda p, c: aekit.train(p[0], X), r"model must reconstruct its input .* maps 784 features to 2"),
    "classify with a string": (lambda p, c: measures.classify("clf", X), r"classifier must be a Keras model"),
    "architecture of a string": (lambda p, c: plots.draw_architecture("autoencoder"), r"model_or_models must be the"),
    "an unknown variation": (lambda p, c: variations.get("ladder"), r"variation must be one of 'vae', .* got 'ladder'"),
    "train a plain Keras model": (lambda p, c: aekit.train(p[1].__class__(p[0].inputs, p[1](p[0].outputs)), X),
                                  r"model must be an aekit model that states its loss"),
    # not numbers, NaN, infinity
    "decode text": (lambda p, c: aekit.decode(p[1], "abc"), r"codes must be an array of numbers, got the str 'abc'"),
    "encode NaN": (lambda p, c: aekit.encode(p[0], NAN), r"images must hold finite numbers, but holds \d+ NaN values"),
    "train on infinity": (lambda p, c: aekit.train(p[2], INF), r"x_train must hold finite numbers, but holds \d+ infinite values"),
    "pixels out of range": (lambda p, c: aekit.encode(p[0], X * 255), r"images must hold pixel values in \[0, 1\], got values in \[0.0\d+, 25\d"),
    "interpolate to NaN": (lambda p, c: latent.interpolate_codes([0.0, 0.0], [np.nan, 1.0]), r"end must hold finite numbers, but holds 1 NaN value"),
    "Fréchet of NaN": (lambda p, c: measures.frechet_distance(NAN, X), r"features_a must hold finite numbers"),
    "adjust NaN": (lambda p, c: aekit.adjust_latent([np.nan, 1.0], 0, scale=2), r"z must hold finite numbers"),
    "sample from NaN codes": (lambda p, c: latent.sample_codes(5, 2, codes=[[np.nan, 1.0]] * 3), r"codes must hold finite numbers"),
    # labels
    "string labels": (lambda p, c: plots.plot_reconstructions(X, X, ["a"] * 6), r"labels must be integer class labels, got <U1"),
    "too few labels": (lambda p, c: plots.plot_reconstructions(X, X, [1, 2]), r"labels must hold at least 6 values"),
    "negative labels": (lambda p, c: measures.train_classifier(X, [-1] * 6), r"y_train must hold one class label >= 0 per image"),
    "one class only": (lambda p, c: measures.train_classifier(X, [3] * 6), r"y_train must hold at least two distinct classes"),
    # paths and titles
    "path is a number": (lambda p, c: plots.plot_reconstructions(X, X, path=5), r"path must be a file path .* got 5"),
    "path is empty": (lambda p, c: plots.plot_history({"loss": [1.0]}, path=""), r"path must be a file path"),
    "path is not a PNG": (lambda p, c: plots.plot_history({"loss": [1.0]}, path="h.jpg"), r"path must end in .png"),
    "title is a number": (lambda p, c: plots.plot_history({"loss": [1.0]}, title=3), r"title must be a str or None, got 3"),
    # architecture arguments
    "hidden_units as text": (lambda p, c: aekit.build_autoencoder(hidden_units="64"), r"hidden_units must be a width or a list of widths .* got the string '64'"),
    "beta zero": (lambda p, c: aekit.build_vae(beta=0), r"beta must be a finite number in \(0.0, 1000.0\], got 0"),
    "beta zero in the VAE": (lambda p, c: aekit.VAE(p[0], p[1], beta=0.0), r"beta must be a finite number in \(0.0, 1000.0\]"),
    # saved models
    "load a missing file": (lambda p, c: aekit.load_model("missing.keras"), r"path 'missing.keras' does not exist"),
    "load a non-keras path": (lambda p, c: aekit.load_model("model.h5"), r"path must end in .keras"),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_gives_one_clear_error(case, parts, classifier):
    call, message = CASES[case]
    with pytest.raises(ValueError, match=message):
        call(parts, classifier)


@pytest.mark.parametrize("source, message", [
    ("", r"source must be one of 'auto', 'keras', 'sample' or a path, got ''"),
    ("npy", r"holds a single array, not an .npz archive"),
    ("strings", r"train images must be numbers, got values of type <U1"),
    ("nan", r"train images hold 1 NaN or infinite pixel values \(of 1,568\)"),
    ("garbage", r"could not be read as an .npz archive \(truncated or corrupt\?\)"),
])
def test_bad_data_files_give_one_data_error(source, message, tmp_path):
    x = np.zeros((2, 28, 28))
    x[0, 0, 0] = np.nan
    files = {"npy": lambda p: np.save(p, np.zeros(3)),
             "strings": lambda p: np.savez(p, x_train=np.array(["a", "b"]), y_train=[1, 2],
                                           x_test=np.array(["a"]), y_test=[1]),
             "nan": lambda p: np.savez(p, x_train=x, y_train=[1, 2], x_test=x, y_test=[1, 2]),
             "garbage": lambda p: p.write_bytes(b"PK\x03\x04garbage")}
    path = ""
    if source in files:
        path = tmp_path / ("data.npy" if source == "npy" else "data.npz")
        files[source](path)
    with pytest.raises(aekit.DataError, match=message):
        aekit.load_mnist(path)


def test_a_truncated_or_corrupt_saved_model_says_so(tmp_path, sample):
    """(tests/test_models.py loads every kind of saved model in a fresh process.)"""
    aekit.set_seed(0)
    *_, vae = aekit.build_vae(seed=0)
    aekit.train(vae, sample.x_train[:64], epochs=1)
    path = tmp_path / "vae.keras"
    vae.save(path)
    truncated = tmp_path / "truncated.keras"
    truncated.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(ValueError, match="is not a readable .keras file \\(truncated or corrupt\\?\\)"):
        aekit.load_model(truncated)
