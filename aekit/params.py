"""The notebooks' parameters, checked in the cell after the parameters cell.

``p = read_parameters("q2_autoencoder", globals())`` checks every value the notebook declares and
returns them as attributes (``p.epochs``). A list may be given as its text, as
``papermill -p adjust_dims "[0, 2]"`` passes it; a name that papermill injected but the notebook
does not declare (``-p lattent_dim 3``) is an error, not a warning.

The ranges of the models' settings come from their configs (:mod:`aekit.models`): Q1 declares
every setting of every variation (``None``: the chosen variation's default), so a new variation
with a new setting needs its line in Q1's parameters cell and nothing here.
"""

from __future__ import annotations

import ast
import difflib
from pathlib import Path
from types import SimpleNamespace

from aekit._checks import check_choice, check_float, check_int
from aekit.data import DATASETS, SOURCES
from aekit.generation import PER_CLASS, SAMPLES, SNAPSHOTS
from aekit.models.autoencoder import AutoencoderConfig, DenseShape
from aekit.models.gan import GANConfig
from aekit.variations import get, names

_MAX_LIST_TEXT = 1000  # characters: a list of latent elements or factors is short


def _int(low, high=None):
    return lambda name, value: check_int(name, value, low, high)


def _float(low, high, *, low_open=False):
    return lambda name, value: check_float(name, value, low, high, low_open=low_open)


def _list_of(item_check):
    """A non-empty list of items, given as a list or as its text ("[0, 2]")."""
    def check(name, value):
        if isinstance(value, str) and len(value) <= _MAX_LIST_TEXT:
            try:
                value = ast.literal_eval(value)  # literals only: never runs code
            except (ValueError, SyntaxError):
                pass  # reported below with the original text
        if isinstance(value, tuple):
            value = list(value)
        if not isinstance(value, list) or not value:
            raise ValueError(f"{name} must be a non-empty list such as [0, 1], got {value!r}")
        return [item_check(name, item) for item in value]
    return check


def check_data_source(name, value) -> str:
    """A data source is one of aekit.data.SOURCES or an existing path."""
    if not isinstance(value, str) or (value not in SOURCES and not Path(value).expanduser().exists()):
        raise ValueError(f"{name} must be one of {', '.join(map(repr, SOURCES))} or the path of an "
                         f"existing .npz, folder of IDX files or folder of images, got {value!r}")
    return value


def _choice(*choices):
    return lambda name, value: check_choice(name, value, choices)


def check_figures_dir(name, value) -> str:
    """Figures go to a folder that exists or can be created (not to an existing file)."""
    if not isinstance(value, str) or not value or Path(value).is_file():
        raise ValueError(f"{name} must be the path of a folder, got {value!r}")
    return value


def _or_default(check):
    """None means the variation's default, filled in by the notebook's rules."""
    return lambda name, value: None if value is None else check(name, value)


def _variation(name, value):
    get(value)  # raises "variation must be one of …"
    return value


def _setting(config, name):
    """The check a model's config states for its setting ``name``."""
    return config.settings()[name][1].check


def _q1_settings() -> dict:
    """Every setting of every variation (its model's and its measuring ones), checked by the first
    variation that declares it; the chosen variation checks its own again (beta differs)."""
    found = {}
    for variation in map(get, names()):
        for name, (_, setting) in variation.settings().items():
            found.setdefault(name, _or_default(setting.check))
    return found


_TRAINING = {"epochs": _int(1, 10_000), "batch_size": _int(1, 100_000),
             "learning_rate": _float(0.0, 1.0, low_open=True)}
_RUN = {"seed": _int(0, 2**31 - 1), "data_source": check_data_source, "figures_dir": check_figures_dir}


def _factor(name, value) -> float:
    """A factor to multiply a latent element by: non-zero (× 0 erases it rather than scaling it)."""
    value = check_float(name, value, -1000.0, 1000.0)
    if value == 0:
        raise ValueError(f"{name} must be non-zero numbers in [-1000.0, 1000.0], got 0")
    return value


_Q1_SHARED = {"variation": _variation, "dataset": _choice("mnist", "fashion_mnist"),
              **{name: _or_default(check) for name, check in _TRAINING.items()}}
NOTEBOOKS = {
    "q1_vae": {**_Q1_SHARED, **_q1_settings(), **_RUN},
    "q2_autoencoder": {"dataset": _choice(*DATASETS), "image_size": _int(8, 256),
                       **_TRAINING, "learning_rate": _or_default(_TRAINING["learning_rate"]),
                       **{name: _setting(AutoencoderConfig, name) for name in AutoencoderConfig.settings()},
                       "adjust_dims": _list_of(_int(0)), "factors": _list_of(_factor), "image_index": _int(0),
                       **_RUN},
    "q3_anomaly": {"dataset": _choice("mnist", "fashion_mnist"), "anomaly_class": _int(0, 9),
                   "false_alarm_rate": _float(0.0, 0.5, low_open=True), "train_images": _int(100, 60_000),
                   **_TRAINING, **{name: _setting(DenseShape, name) for name in DenseShape.settings()},
                   "seed": _RUN["seed"], "data_source": check_data_source,
                   "other_source": check_data_source, "figures_dir": check_figures_dir},
    "q4_generative": {"dataset": _choice("mnist", "fashion_mnist"), "train_images": _int(100, 60_000),
                      "epochs": _TRAINING["epochs"], "batch_size": _TRAINING["batch_size"],
                      **{name: _setting(GANConfig, name) for name in GANConfig.settings()},
                      "vae_learning_rate": _TRAINING["learning_rate"], "gan_learning_rate": _TRAINING["learning_rate"],
                      "prior_samples": SAMPLES.check, "per_class": PER_CLASS.check, "snapshots": SNAPSHOTS.check,
                      **_RUN},
}
_ALWAYS_Q1 = (*_Q1_SHARED, "latent_dim", *_RUN)  # every variation uses these


def _q1_rules(values, parameters):
    """Fill in the variation's defaults, check its own settings by its own ranges, build its
    model's config, and note what it ignores."""
    variation = get(values["variation"])
    own = variation.settings()
    for name, default in variation.defaults().items():
        if values.get(name) is None:
            values[name] = default
        elif name in own:
            values[name] = own[name][1].check(name, values[name])
    if values.get("hidden_units") is None:  # the plain autoencoder's, for a variation without one
        values["hidden_units"] = DenseShape.hidden_units
    _data_rules(values)
    config_names = variation.config.settings()
    parameters._config = variation.config(**{name: values[name] for name in config_names})
    parameters._measuring = {name: values[name] for name in variation.measuring}
    parameters._ignored = [name for name in NOTEBOOKS["q1_vae"] if name not in _ALWAYS_Q1 and name not in own]


def _q2_rules(values, parameters):
    if values["learning_rate"] is None:  # wide inputs (64 × 64 × 3 = 12,288) diverge at 0.01
        values["learning_rate"] = 0.001 if values["dataset"] == "images" else 0.01
    for dim in values["adjust_dims"]:
        check_int("adjust_dims", dim, 0, values["latent_dim"] - 1)
    _data_rules(values)


def _q3_rules(values, parameters):
    _data_rules(values)
    other = "fashion_mnist" if values["dataset"] == "mnist" else "mnist"
    _data_rules({"dataset": other, "data_source": values["other_source"]}, name="other_source")


def _q4_rules(values, parameters):
    _data_rules(values)


def _data_rules(values, name="data_source"):
    """A folder of images is named by data_source; the embedded sample is MNIST's only."""
    dataset, source = values["dataset"], values["data_source"]
    if dataset == "images" and (source in SOURCES or not Path(source).expanduser().is_dir()):
        raise ValueError(f"{name} must be the path of a folder of images for dataset 'images', "
                         f"got {source!r}")
    if dataset == "fashion_mnist" and source == "sample":
        raise ValueError(f"{name} 'sample' is MNIST's embedded sample: for Fashion-MNIST "
                         "choose 'auto', 'keras' or the path of its IDX files")


_RULES = {"q1_vae": _q1_rules, "q2_autoencoder": _q2_rules, "q3_anomaly": _q3_rules, "q4_generative": _q4_rules}


class Parameters(SimpleNamespace):
    """A notebook's checked parameters, shown as one ``name = value`` line each (and, for Q1,
    which ones its variation ignores)."""

    _config = None
    _measuring: dict = {}
    _ignored: list = []

    @property
    def config(self):
        """Q1: the chosen variation's model config, with the notebook's settings."""
        return self._config

    @property
    def measuring(self) -> dict:
        """Q1: the settings only the chosen variation's evidence uses."""
        return dict(self._measuring)

    def __repr__(self) -> str:
        lines = [f"{name} = {value!r}" for name, value in vars(self).items() if not name.startswith("_")
                 and name not in self._ignored]
        if self._ignored:
            lines.append(f"ignored by {self.variation}: {', '.join(self._ignored)}")
        return "\n".join(lines)


def read_parameters(notebook: str, namespace) -> Parameters:
    """Check the parameters ``notebook`` declares, as they stand in ``namespace`` (its globals()).

    Raises a ValueError naming the first bad parameter and its valid range, or a name that
    papermill injected although the notebook does not declare it.
    """
    if notebook not in NOTEBOOKS:
        raise ValueError(f"notebook must be one of {', '.join(map(repr, NOTEBOOKS))}, got {notebook!r}")
    checks = NOTEBOOKS[notebook]
    for name in injected_names():
        if name not in checks:
            close = difflib.get_close_matches(name, checks, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ValueError(f"unknown parameter {name!r}{hint}: {notebook} declares "
                             f"{', '.join(checks)}")
    missing = [name for name in checks if name not in namespace]
    if missing:
        raise ValueError(f"parameter {missing[0]!r} is not defined: run the parameters cell first")
    values = {name: check(name, namespace[name]) for name, check in checks.items()}
    parameters = Parameters()
    _RULES[notebook](values, parameters)
    vars(parameters).update(values)
    return parameters


def injected_names() -> list[str]:
    """The names papermill assigned in its injected cell (which begins ``# Parameters``) in this
    IPython kernel; none outside IPython or when nothing was injected."""
    try:
        from IPython import get_ipython  # a notebook's: absent outside Jupyter
    except ImportError:
        return []
    shell = get_ipython()
    names_found = []
    for source in (shell.user_ns.get("In", []) if shell is not None else []):
        if source.startswith("# Parameters\n"):
            try:
                body = ast.parse(source).body
            except SyntaxError:
                continue
            names_found += [target.id for node in body if isinstance(node, ast.Assign)
                            for target in node.targets if isinstance(target, ast.Name)]
    return names_found


def check_image_index(image_index, n_images: int) -> int:
    """The index of a test image must exist in the loaded data."""
    return check_int("image_index", image_index, 0, n_images - 1)
