"""What every aekit model shares: it states how it trains, and an autoencoder is a functional graph.

A model trains through aekit's one training path (:func:`aekit.train`) by stating its own update:
:meth:`Trainable.steps` gives one :class:`Step` per player, each with the loss it minimises and the
weights it updates. A model with one player (every autoencoder) states only its loss,
:meth:`Trainable.losses_for`; a model with two (a GAN: a discriminator and a generator) states both
steps. A model that also takes the label of each image (a conditional model) says so with
``needs_labels``; the training path then hands it ``(images, labels)`` batches.

:class:`Autoencoder` is a Keras functional graph, image → encoder → decoder, as the assignment
builds it: ``autoencoder.output.shape`` is ``(None, 784)``, its summary starts with the input layer,
and ``keras.utils.plot_model`` and sub-models made from its layers work.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import numpy as np

from aekit._checks import check_images, check_int, check_labels
from aekit._keras import check_model, keras

ops = keras.ops
ACTIVATIONS = ("relu", "tanh", "sigmoid", "elu", "selu", "gelu", "softplus", "linear", None)
CHUNK = 8192  # examples per model call: bounded memory, and no tracing per call as predict() does


@dataclasses.dataclass(frozen=True)
class Step:
    """One player's update in a training step: ``losses(*batch, training=)`` gives the values
    named ``names`` (the first is minimised) and the gradient step changes only ``variables``,
    with an Adam optimiser of the player's own (``beta_1`` is its first-moment decay)."""

    name: str
    variables: list
    losses: Callable
    names: tuple[str, ...]
    beta_1: float = 0.9


class Trainable:
    """The training protocol of every aekit model (a mixin for a ``keras.Model``).

    ``loss_names`` name what :meth:`losses_for` returns, the first being minimised; a model with
    more than one player overrides :meth:`steps` instead and names every player's values in
    ``loss_names``. ``needs_labels`` says whether a batch holds labels too (integers in
    [0, ``classes``)).
    """

    loss_names: tuple[str, ...] = ("loss",)
    needs_labels: bool = False
    classes: int = 0  # how many classes the labels name, for a model that needs them

    def steps(self) -> list[Step]:
        """The players and their updates: by default one, all trainable weights on :meth:`losses_for`."""
        return [Step("model", self.trainable_variables, self.losses_for, self.loss_names)]

    def losses_for(self, *batch, training: bool = False) -> tuple:
        """The batch means of the values in ``loss_names``; ``batch`` is ``(images,)``, or
        ``(images, labels)`` for a model that ``needs_labels``."""
        raise NotImplementedError

    @property
    def data_width(self) -> int:
        """The number of values per training example (784 for an MNIST image)."""
        raise NotImplementedError

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """What Keras's ``fit`` and ``evaluate`` minimise and report: :meth:`losses_for` on ``x``
        (the images, or ``[images, labels]``), each term tracked under its name."""
        batch = tuple(x) if isinstance(x, (list, tuple)) else (x,)
        if self.needs_labels and y is not None:  # fit(images, labels)
            batch = (*batch, y)
        values = self.losses_for(*batch, training=training)
        for tracker, value in zip(self.term_trackers, values[1:]):
            tracker.update_state(value, sample_weight=ops.shape(batch[0])[0])  # as Keras weighs "loss"
        return values[0]


@keras.saving.register_keras_serializable(package="aekit")
class Autoencoder(Trainable, keras.Model):
    """An encoder and a decoder trained to reconstruct their input: the graph image → encoder →
    decoder, whose loss is the mean squared error per pixel.

    A variation subclasses it, overrides :meth:`losses_for` and names its terms in ``loss_names``;
    :meth:`settings` lists the constructor arguments a saved model keeps. The output of the graph
    (``predict``) decodes the encoder's first output, the code (a VAE's posterior mean μ).
    """

    def __init__(self, encoder: keras.Model, decoder: keras.Model, **kwargs):
        check_model("encoder", encoder)
        check_model("decoder", decoder)
        image = keras.Input(shape=encoder.inputs[0].shape[1:], name="image")
        if self.needs_labels:  # a conditional model: the label goes into both halves
            label = keras.Input(shape=(), dtype="int32", name="label")
            super().__init__(inputs=[image, label], outputs=decoder([_first(encoder([image, label])), label]),
                             **kwargs)
        else:
            super().__init__(inputs=image, outputs=decoder(_first(encoder(image))), **kwargs)
        self.encoder, self.decoder = encoder, decoder
        self.term_trackers = [keras.metrics.Mean(name=name) for name in self.loss_names[1:]]

    @property
    def data_width(self) -> int:
        return self.encoder.inputs[0].shape[-1]

    def code(self, images, training=False):
        """The deterministic code of ``images`` (a VAE's posterior mean μ), as a tensor."""
        return _first(self.encoder(images, training=training))

    def losses_for(self, images, training=False) -> tuple:
        return (ops.mean(ops.square(self(images, training=training) - images)),)

    def reconstruct(self, images, labels=None) -> np.ndarray:
        """The reconstructions of ``images`` (n, pixels) as a NumPy array, in bounded chunks (a
        conditional model also takes each image's label)."""
        images = check_images("images", images, self.data_width)
        if not self.needs_labels:
            if labels is not None:
                raise ValueError(f"labels are only for a conditional model; {self.name!r} takes the images alone")
            return call_in_chunks(self, images)
        if labels is None:
            raise ValueError(f"labels must hold the class of each image: {self.name!r} is conditional")
        labels = check_labels("labels", labels, len(images))
        if len(labels) != len(images) or labels.min() < 0 or labels.max() >= self.classes:
            raise ValueError(f"labels must hold one class in [0, {self.classes - 1}] per image ({len(images)}), "
                             f"got {len(labels)} labels in [{labels.min()}, {labels.max()}]")
        return call_in_chunks(self, images, labels=labels)

    def parts(self) -> list:
        """The networks it is made of, to show their summaries: the encoder and the decoder."""
        return [self.encoder, self.decoder]

    def settings(self) -> dict:
        """The constructor arguments beyond the encoder and decoder (none for the plain model)."""
        return {}

    def diagram_notes(self) -> dict:
        """What the architecture diagram should say about the model under its "input", "latent"
        or first "decoder" column, and its "title" (else one read from its name)."""
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


def _first(outputs):
    return outputs[0] if isinstance(outputs, (list, tuple)) else outputs


def call_in_chunks(model, values: np.ndarray, *, output: int | None = None, labels=None) -> np.ndarray:
    """``model`` called on ``values`` (with their ``labels``, for a conditional model) in chunks of
    :data:`CHUNK`, as one float32 NumPy array (of its ``output``-th output, for a model with
    several). A direct call, unlike ``predict``, traces no new function per model."""
    chunks = []
    for start in range(0, len(values), CHUNK):
        part = values[start:start + CHUNK]
        outputs = model(part if labels is None else [part, labels[start:start + CHUNK].astype(np.int32)],
                        training=False)
        if output is not None:
            outputs = outputs[output]
        chunks.append(keras.ops.convert_to_numpy(outputs))
    return np.concatenate(chunks).astype(np.float32)


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


def input_width(model, name: str = "model") -> int:
    """The number of features ``model`` takes per example (784 for MNIST models)."""
    return model_widths(name, model)[0]


def dense_parts(input_dim=784, hidden_units=64, latent_dim=2, *, hidden_activation="relu",
                latent_activation=None, output_activation="sigmoid", heads=("latent",)):
    """A fully connected encoder (one Dense head per name in ``heads``) and the mirrored decoder.

    With ``output_activation="tanh"`` the network works on inputs scaled to [−1, 1]: the encoder
    scales its [0, 1] input, the decoder scales its output back."""
    input_dim = check_int("input_dim", input_dim, 1)
    units = hidden_widths(hidden_units)
    latent_dim = check_int("latent_dim", latent_dim, 1, 1024)
    for name, value in (("hidden_activation", hidden_activation),
                        ("latent_activation", latent_activation),
                        ("output_activation", output_activation)):
        if value not in ACTIVATIONS:
            raise ValueError(f"{name} must be one of {', '.join(map(repr, ACTIVATIONS))}, got {value!r}")
    signed = output_activation == "tanh"  # a tanh network works on [−1, 1]; aekit's data are [0, 1]
    image = keras.Input(shape=(input_dim,), name="image")
    scaled = keras.layers.Rescaling(2.0, offset=-1.0, name="to_minus_one_one")(image) if signed else image
    hidden = dense_stack(scaled, units, hidden_activation, "encoder_hidden")
    codes = [keras.layers.Dense(latent_dim, activation=latent_activation if head == "latent" else None,
                                name=head)(hidden) for head in heads]
    encoder = keras.Model(image, codes[0] if len(codes) == 1 else codes, name="encoder")
    code = keras.Input(shape=(latent_dim,), name="latent_code")
    hidden = dense_stack(code, units[::-1], hidden_activation, "decoder_hidden")
    output = keras.layers.Dense(input_dim, activation=output_activation,
                                name="tanh_output" if signed else "reconstruction")(hidden)
    if signed:
        output = keras.layers.Rescaling(0.5, offset=0.5, name="reconstruction")(output)
    return encoder, keras.Model(code, output, name="decoder")


def hidden_widths(hidden_units) -> list[int]:
    """The hidden widths ``hidden_units`` names (one width or a list of them), checked."""
    if isinstance(hidden_units, (str, bytes)):
        raise ValueError(f"hidden_units must be a width or a list of widths such as (144, 72), "
                         f"got the string {hidden_units!r}")
    units = [hidden_units] if not isinstance(hidden_units, Sequence) else list(hidden_units)
    if not units:
        raise ValueError("hidden_units must name at least one hidden width, got []")
    return [check_int("hidden_units", width, 1, 100_000) for width in units]


def dense_stack(tensor, units, activation, prefix):
    """``tensor`` through one Dense layer per width in ``units``, named ``prefix_1``, ``prefix_2``, …"""
    for depth, width in enumerate(units, start=1):
        tensor = keras.layers.Dense(width, activation=activation, name=f"{prefix}_{depth}")(tensor)
    return tensor
