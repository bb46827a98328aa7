"""The plain autoencoder: the model every variation builds on, and what all models share.

An aekit model is an :class:`Autoencoder`: an encoder and a decoder, and ``losses_for(images)``,
the loss it states for itself. ``aekit.train``, Keras's ``fit`` and ``evaluate`` all minimise
or report that one loss, so every variation (``aekit.variations``) trains the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

from aekit.backend import keras

from aekit._checks import check_int, check_model, check_path

ops = keras.ops

ACTIVATIONS = ("relu", "tanh", "sigmoid", "elu", "selu", "gelu", "softplus", "linear", None)


@keras.saving.register_keras_serializable(package="aekit")
class Autoencoder(keras.Model):
    """An encoder and a decoder trained to reconstruct their input.

    The loss is the mean squared error per pixel. A variation subclasses it, overrides
    :meth:`losses_for` and names its terms in ``loss_names`` (the first is the one minimised);
    ``settings()`` lists the constructor arguments a saved model must keep.
    """

    loss_names = ("loss",)

    def __init__(self, encoder: keras.Model, decoder: keras.Model, **kwargs):
        super().__init__(**kwargs)
        self.encoder = check_model("encoder", encoder)
        self.decoder = check_model("decoder", decoder)
        self.term_trackers = [keras.metrics.Mean(name=name) for name in self.loss_names[1:]]
        # The functional encoder and decoder own every weight and are built already; saying so
        # lets save/load restore the optimizer's state too.
        self.built = True

    def code(self, images, training=False):
        """The deterministic code of ``images`` (a VAE's posterior mean μ)."""
        outputs = self.encoder(images, training=training)
        return outputs[0] if isinstance(outputs, (list, tuple)) else outputs

    def call(self, images, training=False):
        return self.decoder(self.code(images, training=training), training=training)

    def losses_for(self, images, training=False) -> tuple:
        """The batch means of the loss terms in ``loss_names``, the first being the total."""
        return (ops.mean(ops.square(self(images, training=training) - images)),)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """What Keras's fit and evaluate minimise and report: :meth:`losses_for` on ``x``."""
        values = self.losses_for(x, training=training)
        for tracker, value in zip(self.term_trackers, values[1:]):
            tracker.update_state(value, sample_weight=ops.shape(x)[0])  # as Keras weighs "loss"
        return values[0]

    def settings(self) -> dict:
        """The constructor arguments beyond the encoder and decoder (none for the plain model)."""
        return {}

    def diagram_notes(self) -> dict:
        """What the architecture diagram should say about training, at "input" or "latent"."""
        return {}

    def get_config(self):
        return {"name": self.name, **self.settings(),
                "encoder": keras.saving.serialize_keras_object(self.encoder),
                "decoder": keras.saving.serialize_keras_object(self.decoder)}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for part in ("encoder", "decoder"):
            config[part] = keras.saving.deserialize_keras_object(config[part])
        return cls(**config)


def build_autoencoder(input_dim: int = 784, hidden_units: int | Sequence[int] = 64,
                      latent_dim: int = 2, *, hidden_activation: str = "relu",
                      latent_activation: str | None = None,
                      output_activation: str = "sigmoid"):
    """Return ``(encoder, decoder, autoencoder)``.

    The defaults are the reference 784 → Dense(64, relu) → Dense(2) encoder and the mirrored
    2 → Dense(64, relu) → Dense(784, sigmoid) decoder. ``hidden_units`` lists the encoder's
    hidden widths (the decoder mirrors them), so ``hidden_units=(144, 72), latent_dim=48,
    hidden_activation="tanh", latent_activation="tanh"`` builds 784→144→72→48. With
    ``output_activation="tanh"`` the network works on inputs scaled to [−1, 1] (the encoder scales
    its [0, 1] input, the decoder scales its output back), as ``input_dim=12288, hidden_units=512,
    latent_dim=24`` on 64 × 64 colour images does in a common version of the assignment.
    """
    encoder, decoder = dense_parts(input_dim, hidden_units, latent_dim,
                                   hidden_activation=hidden_activation,
                                   latent_activation=latent_activation,
                                   output_activation=output_activation)
    return encoder, decoder, Autoencoder(encoder, decoder, name="autoencoder")


def dense_parts(input_dim=784, hidden_units=64, latent_dim=2, *, hidden_activation="relu",
                latent_activation=None, output_activation="sigmoid", heads=("latent",)):
    """A fully connected encoder (one Dense head per name in ``heads``) and the mirrored decoder."""
    input_dim, units, latent_dim = _check_shape(input_dim, hidden_units, latent_dim)
    for name, value in (("hidden_activation", hidden_activation),
                        ("latent_activation", latent_activation),
                        ("output_activation", output_activation)):
        _check_activation(name, value)
    signed = output_activation == "tanh"  # a tanh network works on [−1, 1]; aekit's data are [0, 1]
    image = keras.Input(shape=(input_dim,), name="image")
    scaled = keras.layers.Rescaling(2.0, offset=-1.0, name="to_minus_one_one")(image) if signed else image
    hidden = _dense_stack(scaled, units, hidden_activation, "encoder_hidden")
    codes = [keras.layers.Dense(latent_dim, activation=latent_activation if head == "latent" else None,
                                name=head)(hidden) for head in heads]
    encoder = keras.Model(image, codes[0] if len(codes) == 1 else codes, name="encoder")
    code = keras.Input(shape=(latent_dim,), name="latent_code")
    hidden = _dense_stack(code, units[::-1], hidden_activation, "decoder_hidden")
    output = keras.layers.Dense(input_dim, activation=output_activation,
                                name="tanh_output" if signed else "reconstruction")(hidden)
    if signed:
        output = keras.layers.Rescaling(0.5, offset=0.5, name="reconstruction")(output)
    return encoder, keras.Model(code, output, name="decoder")


def load_model(path) -> keras.Model:
    """Load any model saved with ``model.save("name.keras")``; a missing, truncated or corrupt
    file gets an error that says so (Keras says "File not found" for a file that exists)."""
    import zipfile

    path = check_path("path", path, suffix=".keras")
    if not path.is_file():
        raise ValueError(f"path {str(path)!r} does not exist or is not a file")
    try:
        with zipfile.ZipFile(path) as archive:
            broken = archive.testzip()
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError) as error:
        raise ValueError(f"{path} is not a readable .keras file (truncated or corrupt?): {error}") from None
    if broken is not None or "config.json" not in names:
        raise ValueError(f"{path} is not a complete .keras file (truncated or corrupt?): "
                         + (f"{broken} is damaged" if broken else "it holds no config.json"))
    return keras.models.load_model(path)


def model_widths(name: str, model) -> tuple[int, int]:
    """The number of features ``model`` takes and gives per example (784 → 2 for an encoder)."""
    check_model(name, model)
    if isinstance(model, Autoencoder):
        return model_widths(name, model.encoder)[0], model_widths(name, model.decoder)[1]
    widths = []
    for tensors in (model.inputs, model.outputs):
        shape = tuple(tensors[0].shape) if tensors else ()
        if len(shape) != 2 or shape[1] is None:
            raise ValueError(f"{name} must take and give flat vectors (None, width), but "
                             f"{model.name!r} has {'inputs' if not widths else 'outputs'} of shape {shape}")
        widths.append(shape[1])
    return widths[0], widths[1]


def input_width(model: keras.Model, name: str = "model") -> int:
    """The number of features ``model`` takes per example (784 for MNIST models)."""
    return model_widths(name, model)[0]


def _check_shape(input_dim, hidden_units, latent_dim):
    input_dim = check_int("input_dim", input_dim, 1)
    if isinstance(hidden_units, (str, bytes)):
        raise ValueError(f"hidden_units must be a width or a list of widths such as (144, 72), "
                         f"got the string {hidden_units!r}")
    units = [hidden_units] if not isinstance(hidden_units, Sequence) else list(hidden_units)
    if not units:
        raise ValueError("hidden_units must name at least one hidden width, got []")
    units = [check_int("hidden_units", width, 1, 100_000) for width in units]
    latent_dim = check_int("latent_dim", latent_dim, 1, 1024)
    return input_dim, units, latent_dim


def _check_activation(name, value):
    if value not in ACTIVATIONS:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, ACTIVATIONS))}, got {value!r}")


def _dense_stack(tensor, units, activation, prefix):
    for depth, width in enumerate(units, start=1):
        tensor = keras.layers.Dense(width, activation=activation, name=f"{prefix}_{depth}")(tensor)
    return tensor
