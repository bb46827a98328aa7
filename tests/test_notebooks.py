"""Headless papermill runs of the notebooks, as an instructor regenerates them."""

import json
import re

import papermill
import pytest

from conftest import FASHION, ROOT, readme_commands, write_images

NOTEBOOKS = ROOT / "notebooks"


def run(name, tmp_path, **parameters):
    """Execute a notebook with papermill (cwd = notebooks/, figures to a temporary folder)."""
    figures = tmp_path / "figures"
    output = tmp_path / name
    papermill.execute_notebook(NOTEBOOKS / name, output, cwd=str(NOTEBOOKS), progress_bar=False,
                               parameters={"figures_dir": str(figures), **parameters})
    return json.loads(output.read_text()), figures


def outputs_text(notebook):
    chunks = []
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            chunks.append("".join(output.get("text", "")))
            for key in ("text/plain", "text/markdown"):
                chunks.append("".join(output.get("data", {}).get(key, "")))
    return re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(chunks))  # without the summaries' colours


Q2_FIGURES = {"q2_architecture.png", "q2_history.png", "q2_reconstructions.png",
              "q2_adjustments.png", "q2_latent_space.png", "q2_traversal.png"}


def test_q2_with_its_defaults_writes_every_figure_and_describes_each_edit(checkout, run_in_checkout):
    """The README's main command runs every notebook with its defaults; read Q2 from that run."""
    main = next(c for c in readme_commands("bash") if c.endswith("python -m aekit report"))
    code, output, _, _ = run_in_checkout(main.split(" && ")[-1])
    assert code == 0, output[-3000:]
    notebook = json.loads((checkout / "build" / "report" / "q2_autoencoder.ipynb").read_text())
    figures = checkout / "build" / "report" / "figures" / "q2_autoencoder"
    assert {p.name for p in figures.iterdir()} == Q2_FIGURES
    text = outputs_text(notebook)
    assert "101,522" in text and "50,370" in text and "51,152" in text
    for label in ("z[0] × 5", "z[0] ÷ 5", "z[1] × 5", "z[1] ÷ 5"):
        assert f"**{label}** moves z[{label[2]}]" in text
    assert "the classifier" in text and "pixel MSE" in text


def test_q2_with_a_three_dimensional_code_and_a_list_given_as_text(tmp_path):
    # `papermill -p adjust_dims "[0, 2]"` passes the list as its text
    notebook, figures = run("q2_autoencoder.ipynb", tmp_path, latent_dim=3, adjust_dims="[0, 2]",
                            factors="[5, 0.2]", epochs=5)
    text = outputs_text(notebook)
    assert "**z[2] × 5** moves z[2]" in text and "z[1] × 5" not in text
    assert {p.name for p in figures.iterdir()} == Q2_FIGURES


def test_q2_on_a_folder_of_colour_images_reproduces_the_12288_512_24_tanh_version(tmp_path):
    """The other version of the assignment: 64×64×3 images, 512 hidden units, a 24-number code,
    a tanh output on inputs scaled to [−1, 1], z[0] × 5 and ÷ 5."""
    command = next(block for block in re.findall(r"```text\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
                   if "/path/to/faces" in block)  # the README's command, with its parameters
    parameters = dict(re.findall(r"-p (\w+) (\S+)", command.replace("\\\n", " ")))
    assert parameters.pop("data_source") == "/path/to/faces" and parameters.pop("figures_dir")
    folder = write_images(tmp_path / "faces", [(90 + i % 7, 70 + i % 5) for i in range(60)])
    from papermill.cli import _resolve_type  # what `papermill -p` does with each value

    parameters = {name: _resolve_type(value.strip('"')) for name, value in parameters.items()}
    notebook, figures = run("q2_autoencoder.ipynb", tmp_path, **parameters, data_source=str(folder),
                            epochs=3, batch_size=8)
    text = outputs_text(notebook)
    assert "(None, 12288)" in text and "(None, 24)" in text and "Rescaling" in text
    assert {p.name for p in figures.iterdir()} == Q2_FIGURES
    edits = text.split("**z[0] × 5** moves z[0]")[1]
    for measure in ("brightness", "contrast", "red − blue", "background − centre", "sharpness"):
        assert measure in edits, measure
    assert "digit" not in text.split("## What changed")[-1] and "stroke" not in edits


@pytest.mark.skipif(not FASHION.is_dir(), reason=f"Fashion-MNIST not found at {FASHION}")
def test_q2_on_fashion_mnist_speaks_of_garments(tmp_path):
    notebook, _ = run("q2_autoencoder.ipynb", tmp_path, dataset="fashion_mnist",
                      data_source=str(FASHION), epochs=1)
    text = outputs_text(notebook)
    assert "train=60000, test=10000" in text and "reconstructions read as another class" in text
    assert "coverage" in text and "thickness" not in text and "digit" not in text.split("## Adjusting")[-1]


@pytest.mark.parametrize("parameters, message", [
    ({"adjust_dims": [0, 2]}, r"adjust_dims must be an integer in [0, 1], got 2"),
    ({"adjust_dims": "0 and 2"}, "adjust_dims must be a non-empty list such as [0, 1], got '0 and 2'"),
    ({"lattent_dim": 3}, "unknown parameter 'lattent_dim' (did you mean 'latent_dim'?)"),
])
def test_q2_bad_parameter_fails_fast_with_the_notebooks_message(tmp_path, parameters, message):
    with pytest.raises(papermill.PapermillExecutionError) as failure:
        run("q2_autoencoder.ipynb", tmp_path, **parameters)
    assert failure.value.ename == "ValueError"
    assert message in failure.value.evalue
    assert not (tmp_path / "figures").exists()  # it failed before drawing anything


Q1_FIGURES = {f"q1_vae_{name}.png" for name in ("architecture", "plain_architecture", "history",
                                                 "latent_spaces", "prior_samples", "manifolds",
                                                 "interpolations", "reconstructions", "rate_distortion")}


def test_q1_with_a_four_dimensional_code_states_measured_advantage_and_disadvantage(tmp_path):
    notebook, figures = run("q1_vae.ipynb", tmp_path, latent_dim=4, epochs=3)
    assert {p.name for p in figures.iterdir()} == Q1_FIGURES
    text = outputs_text(notebook)
    assert "**Advantage — a latent space you can sample from.**" in text
    assert "**Disadvantage — blurrier, less faithful reconstructions.**" in text
    assert "for a 4-number code" in text and "arxiv.org/abs/1312.6114" in json.dumps(notebook)


def test_q1_bad_beta_fails_fast_with_the_notebooks_message(tmp_path):
    with pytest.raises(papermill.PapermillExecutionError) as failure:
        run("q1_vae.ipynb", tmp_path, beta=-0.5)
    assert failure.value.ename == "ValueError"
    assert "beta must be a finite number in (0.0, 1000.0], got -0.5" in failure.value.evalue


@pytest.mark.parametrize("name", ["q1_vae", "q2_autoencoder", "q3_anomaly"])
def test_papermill_knows_every_parameters_type_and_aekit_checks_each(name):
    from aekit.params import NOTEBOOKS as CHECKED

    declared = papermill.inspect_notebook(NOTEBOOKS / f"{name}.ipynb")
    assert {p: v["inferred_type_name"] for p, v in declared.items()
            if v["inferred_type_name"] not in ("int", "float", "str", "list")} == {}
    assert list(declared) == list(CHECKED[name])


def test_documented_parameters_are_the_notebooks_parameters():
    readme = (ROOT / "README.md").read_text()
    for name in ("q1_vae.ipynb", "q2_autoencoder.ipynb", "q3_anomaly.ipynb"):
        declared = set(papermill.inspect_notebook(NOTEBOOKS / name))
        section = re.split(r"\n#", readme.split(f"### `notebooks/{name}`")[1])[0]
        table = section.split("| parameter | default | meaning |")[1].split("\n\n")[0]
        documented = {line.split("`")[1] for line in table.splitlines() if line.startswith("| `")}
        assert documented == declared, f"README and {name} disagree on parameters"


Q3_FIGURES = {"q3_roc.png", "q3_histograms.png", "q3_extremes.png"}
Q3_SMALL = {"epochs": 2, "train_images": 1000}  # behaviour, not quality: the defaults are tested elsewhere


def test_q3_with_its_defaults_compares_both_directions(checkout, run_in_checkout):
    """The README's main command runs Q3 with its defaults; read it from that run."""
    main = next(c for c in readme_commands("bash") if c.endswith("python -m aekit report"))
    code, output, _, _ = run_in_checkout(main.split(" && ")[-1])
    assert code == 0, output[-3000:]
    notebook = json.loads((checkout / "build" / "report" / "q3_anomaly.ipynb").read_text())
    assert {p.name for p in (checkout / "build" / "report" / "figures" / "q3_anomaly").iterdir()} == Q3_FIGURES
    text = outputs_text(notebook)
    assert "**Trained on MNIST: left-out digit 0.** The autoencoder's error" in text
    if FASHION.is_dir():  # tests/conftest.py names it in AEKIT_FASHION_MNIST, which the kernels inherit
        assert "**Both directions.** Trained on Fashion-MNIST, the VAE gives MNIST images" in text


def test_q3_with_another_anomaly_class(tmp_path):
    notebook, figures = run("q3_anomaly.ipynb", tmp_path, anomaly_class=7, **Q3_SMALL)
    text = outputs_text(notebook)
    assert "1,000 training images without digit 7" in text and "images of digit 7" in text
    assert "| trained on MNIST: left-out digit 7 | autoencoder: reconstruction error |" in text
    assert {p.name for p in figures.iterdir()} == Q3_FIGURES


@pytest.mark.skipif(not FASHION.is_dir(), reason=f"Fashion-MNIST not found at {FASHION}")
def test_q3_reversed_trains_on_fashion_mnist_and_scores_mnist(tmp_path):
    """The README's command for the reversed direction, with fewer epochs and images."""
    command = next(block for block in re.findall(r"```text\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
                   if "papermill notebooks/q3_anomaly.ipynb" in block)
    parameters = dict(re.findall(r"-p (\w+) (\S+)", command.replace("\\\n", " ")))
    assert parameters.pop("figures_dir") and parameters == {"dataset": "fashion_mnist", "anomaly_class": "5"}
    notebook, figures = run("q3_anomaly.ipynb", tmp_path, dataset="fashion_mnist", anomaly_class=5,
                            data_source=str(FASHION), **Q3_SMALL)
    text = outputs_text(notebook)
    for title in ("Trained on Fashion-MNIST: left-out Sandal", "Trained on Fashion-MNIST: MNIST",
                  "Trained on MNIST: Fashion-MNIST"):
        assert f"**{title}.**" in text, title
    assert "**Both directions.** Trained on " in text  # on the data set whose likelihood fails
    assert {p.name for p in figures.iterdir()} == Q3_FIGURES


def test_q3_offline_without_the_other_data_set_says_so_and_draws_the_same_figures(tmp_path, monkeypatch):
    """What strict nbval meets on a machine with neither internet nor a copy of Fashion-MNIST."""
    monkeypatch.delenv("AEKIT_FASHION_MNIST", raising=False)
    for variable in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.setenv(variable, "http://127.0.0.1:9")  # the kernel cannot download, even online
    from aekit.data import DEBIAN_FASHION_MNIST

    if DEBIAN_FASHION_MNIST.is_dir():
        pytest.skip("Debian's dataset-fashion-mnist is installed: Fashion-MNIST is never missing here")
    notebook, figures = run("q3_anomaly.ipynb", tmp_path, **Q3_SMALL)
    text = outputs_text(notebook)
    assert "**Another data set.** Not compared in this run: the other data set could not be loaded" in text
    assert "AEKIT_FASHION_MNIST is not set" in text
    committed = json.loads((NOTEBOOKS / "q3_anomaly.ipynb").read_text())
    figure_reprs = [o["data"]["text/plain"] for nb in (notebook, committed) for c in nb["cells"]
                    for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    half = len(figure_reprs) // 2  # as strict nbval compares them: the same panels either way
    assert [re.sub(r"size \S+ ", "", "".join(r)) for r in figure_reprs[:half]] == \
           [re.sub(r"size \S+ ", "", "".join(r)) for r in figure_reprs[half:]]
    assert {p.name for p in figures.iterdir()} == Q3_FIGURES


@pytest.mark.parametrize("parameters, message", [
    ({"anomaly_class": 10}, "anomaly_class must be an integer in [0, 9], got 10"),
    ({"other_source": "sample"}, "other_source 'sample' is MNIST's embedded sample"),
    ({"false_alarm_rate": 0.7}, "false_alarm_rate must be a finite number in (0.0, 0.5], got 0.7"),
])
def test_q3_bad_parameter_fails_fast_with_the_notebooks_message(tmp_path, parameters, message):
    with pytest.raises(papermill.PapermillExecutionError) as failure:
        run("q3_anomaly.ipynb", tmp_path, **parameters)
    assert failure.value.ename == "ValueError" and message in failure.value.evalue
    assert not (tmp_path / "figures").exists()
