"""aekit on each Keras backend it supports: TensorFlow (the default, every other test) and JAX.

A Keras backend is chosen once per process, so the JAX checks run in processes of their own
(`KERAS_BACKEND=jax`). They are skipped where JAX is not installed (`pip install 'aekit[jax]'`).
"""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from conftest import ROOT

jax_installed = pytest.mark.skipif(
    subprocess.run([sys.executable, "-c", "import jax"], capture_output=True).returncode != 0,
    reason="JAX is not installed (pip install 'aekit[jax]')")


def run_on(backend: str, code: str, timeout: int = 900) -> dict:
    """Run ``code`` (which prints one JSON line last) in a fresh process on ``backend``."""
    env = {**os.environ, "KERAS_BACKEND": backend, "PYTHONPATH": str(ROOT / "tests")}
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=timeout)
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


ON_JAX = """
    import json, shutil, sys, tempfile
    import keras, numpy as np
    import aekit
    import aekit.measures
    from aekit import models
    from toy_models import ByLabel, TwoPlayers, graph_inputs, labelled_data

    data = aekit.load_mnist("sample")
    x, x_val = data.x_train[:512], data.x_test[:256]
    found, built = {"backend": keras.backend.backend()}, {}
    for name in models.names():
        config = models.config(name)
        shape = {k: v for k, v in {"hidden_units": 32, "latent_dim": 8}.items() if k in config.settings()}
        runs = []
        for _ in range(2 if name in ("vae", "denoising", "conditional", "adversarial", "gan", "conditional_gan")
                       else 1):  # they draw noise:
            # the same seed, the same numbers
            aekit.set_seed(0)
            model = config(**shape).build(seed=0)
            labels = (data.y_train[:512], data.y_test[:256]) if model.needs_labels else (None, None)
            history = aekit.train(model, x, labels[0], epochs=2, batch_size=64, learning_rate=0.005, x_val=x_val,
                                  y_val=labels[1])
            runs.append(history.history)
        built[name] = model
        found[name] = {"losses": runs[0], "repeats": runs[0] == runs[-1], "first": model.loss_names[0],
                       "evaluate_loss": (  # Keras's evaluate; a model of several players is not compiled
                           model.evaluate(*([[x_val, labels[1]]] if len(model.inputs) > 1 else [x_val, labels[1]]),
                                          verbose=0, return_dict=True)["loss"] if len(model.steps()) == 1
                           else aekit.evaluate(model, x_val, labels[1])[model.loss_names[0]])}
    found["tensorflow_before_saving"] = "tensorflow" in sys.modules  # Keras's own save loads it
    folder = tempfile.mkdtemp()
    for name, model in built.items():
        model.save(path := f"{folder}/{name}.keras")
        loaded = keras.models.load_model(path)
        inputs = graph_inputs(model, x_val, data.y_test[:256])  # images or noise, and labels for a conditional model
        found[name].update(same_type=type(loaded) is type(model), max_difference=float(np.max(np.abs(
            loaded.predict(inputs, verbose=0) - model.predict(inputs, verbose=0)))))
    shutil.rmtree(folder)
    images, labels = labelled_data()
    aekit.set_seed(0)
    by_label = ByLabel()
    aekit.train(by_label, images, labels, epochs=30, batch_size=32, learning_rate=0.05)
    found["labelled"] = {"loss": aekit.evaluate(by_label, images, labels)["loss"],
                         "mismatched": aekit.evaluate(by_label, images, np.roll(labels, 1))["loss"]}
    for frozen in ("left", "right"):
        two = TwoPlayers(frozen)
        before = [w.copy() for w in two.get_layer(frozen).get_weights()]
        aekit.train(two, x, epochs=2, batch_size=64)
        found[f"{frozen} frozen"] = all(np.array_equal(a, b) for a, b in zip(before, two.get_layer(frozen).get_weights()))
    aekit.set_seed(0)  # Q4's conditional GAN at the notebook's budget draws the class it is asked for
    cgan = models.config("conditional_gan")(hidden_units=256, latent_dim=8).build(seed=0)
    aekit.train(cgan, data.x_train, data.y_train, epochs=15, batch_size=32, learning_rate=1e-3)
    asked = np.repeat(np.arange(10), 50)
    read = aekit.measures.classify(aekit.measures.train_classifier(data.x_train, data.y_train, epochs=5),
                                   aekit.generate(cgan, labels=asked, seed=1))[0]
    found["cgan_on_request"] = float(np.mean(read == asked))
    aekit.set_seed(0)  # Q2's default training
    encoder, decoder, model = aekit.build_autoencoder()
    aekit.train(model, data.x_train, epochs=40, batch_size=16, learning_rate=0.01)
    found["q2_mse"] = float(np.mean((model.reconstruct(data.x_test) - data.x_test) ** 2))
    print(json.dumps(found))
"""


@pytest.fixture(scope="module")
def on_jax():
    """Everything the JAX backend is held to that one process can show, run once."""
    return run_on("jax", ON_JAX)


@jax_installed
def test_every_model_trains_evaluates_saves_and_loads_on_jax_with_repeatable_numbers(on_jax):
    found = {k: v for k, v in on_jax.items() if k not in ("q2_mse", "cgan_on_request")}
    assert on_jax["cgan_on_request"] > 0.5, on_jax["cgan_on_request"]  # far above chance, 10%
    assert found.pop("backend") == "jax"
    assert not found.pop("tensorflow_before_saving"), "aekit loaded TensorFlow on JAX (seconds and 400 MB)"
    labelled = found.pop("labelled")  # labels travel with their images through the compiled epoch
    assert labelled["loss"] < 0.01 < 0.1 < labelled["mismatched"], labelled
    assert found.pop("left frozen") and found.pop("right frozen")  # each player updates only its own
    from aekit import models

    assert set(found) == set(models.names())
    for name, result in found.items():
        losses = result["losses"][result["first"]]  # what it minimises (a GAN's first player's)
        assert result["repeats"], f"{name}: the same seed gave other numbers"
        assert all(map(lambda v: v == v and abs(v) < 1e6, losses)) and losses[1] < losses[0], name
        assert result["same_type"] and result["max_difference"] < 1e-5, name
        evaluated, validated = result["evaluate_loss"], result["losses"][f"val_{result['first']}"][-1]
        assert abs(evaluated - validated) < 0.05 * abs(evaluated) + 1e-3, name  # Keras's evaluate agrees


IN_PLACE = """
    import glob, json, os, re, shutil, tempfile

    folder = tempfile.mkdtemp()
    os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") + f" --xla_dump_to={folder} "
                               "--xla_dump_hlo_as_text --xla_dump_hlo_module_re=run_epoch")
    import aekit

    aekit.set_seed(0)
    *_, model = aekit.build_autoencoder()
    aekit.train(model, aekit.load_mnist("sample").x_train[:640], epochs=1, batch_size=64)
    [path] = glob.glob(f"{folder}/*run_epoch*after_optimizations.txt")
    program = open(path).read()
    shutil.rmtree(folder)
    bodies = [re.search(r"\\n%?" + re.escape(name) + r" .*?\\{\\n(.*?)\\n\\}", program, re.S).group(1)
              for name in re.findall(r"while\\(.*?body=%?([\\w.\\-]+)", program)]
    training_step = max(bodies, key=len)  # the others are the shuffle's
    print(json.dumps({"decoder_kernel": "f32[64,784]" in training_step,
                      "copied": re.findall(r"= (f32\\[[\\d,]+\\])\\S* copy\\(", training_step)}))
"""


@jax_installed
def test_the_jax_epoch_updates_the_weights_in_place():
    """XLA:CPU copies each weight matrix that the backward pass reads (64 × 784, 2 × 64, 64 × 2) at
    every step of the compiled epoch unless aekit turns on its copy insertion's region analysis;
    without the copies an epoch at batch 16 took 0.87 times as long (README, *Performance*)."""
    found = run_on("jax", IN_PLACE)
    assert found["decoder_kernel"], found  # the loop body found is the training step
    assert found["copied"] == [], found


@jax_installed
def test_a_default_run_gives_the_same_held_out_error_on_either_backend(on_jax, sample):
    """Q2's default training (40 epochs, batch 16, 4,000 images), measured on the 1,000 held-out
    images: MSE per pixel 0.0426 on TensorFlow and 0.0428 on JAX with seed 0, 0.0442 and 0.0439 with
    seed 1 (on the machine of docs/backends.md). The backends' floats differ, so the runs do too, by
    less than two seeds on one backend (0.0015); the test allows 0.002."""
    import aekit

    aekit.set_seed(0)
    encoder, decoder, model = aekit.build_autoencoder()
    aekit.train(model, sample.x_train, epochs=40, batch_size=16, learning_rate=0.01)
    tensorflow = float(np.mean((model.reconstruct(sample.x_test) - sample.x_test) ** 2))
    assert abs(tensorflow - on_jax["q2_mse"]) < 0.002, (tensorflow, on_jax["q2_mse"])


@pytest.mark.parametrize("backend", ["torch", "numpy"])
def test_an_unsupported_backend_is_refused_by_aekit_itself_with_the_reports_message(backend):
    """Installed or not, a backend aekit does not run on is refused when aekit is imported, as the
    report refuses it, rather than failing later inside Keras."""
    done = subprocess.run([sys.executable, "-c", "import aekit"], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "KERAS_BACKEND": backend})
    assert done.returncode != 0
    assert (f"aekit: the Keras backend must be one of tensorflow, jax, got {backend!r} (from KERAS_BACKEND)"
            in done.stderr.splitlines()[-1]), done.stderr[-2000:]


@jax_installed
def test_the_report_regenerates_on_jax(tmp_path):
    figures = tmp_path / "figures"
    figures.mkdir()
    done = subprocess.run([sys.executable, "-m", "aekit", "report", "--backend", "jax", "--only", "q2", "--quick",
                           "--output", str(tmp_path / "report"), "--figures", str(figures)],
                          capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    index = (tmp_path / "report" / "index.html").read_text()
    assert "JAX" in index and "TensorFlow" not in index and list(figures.iterdir()) == []


def test_a_run_on_jax_leaves_the_committed_figures_alone_and_cannot_refresh_the_notebooks(tmp_path, monkeypatch,
                                                                                            capsys):
    """TensorFlow's figures and outputs are the committed ones (nbval compares them)."""
    from aekit.report import cli
    from test_report import make_notebook

    notebooks, figures = tmp_path / "notebooks", tmp_path / "figures"
    notebooks.mkdir()
    figures.mkdir()
    make_notebook(notebooks, "a_first", "print('fine')")
    (figures / "a_first.png").write_bytes(b"old")
    monkeypatch.setenv("KERAS_BACKEND", "jax")  # as --backend jax sets it for the notebooks
    assert cli.main(["report", "--notebooks", str(notebooks), "--figures", str(figures),
                     "--output", str(tmp_path / "build")]) == 0
    assert (figures / "a_first.png").read_bytes() == b"old" and "sources.json" not in {p.name for p in figures.iterdir()}
    assert cli.main(["report", "--notebooks", str(notebooks), "--refresh-committed", "--backend", "jax"]) == 2
    assert "outputs nbval compares, which are TensorFlow's" in capsys.readouterr().err
