"""The fully connected autoencoder and a variational autoencoder of the same shape (Keras 3)."""

from __future__ import annotations

from collections.abc import Sequence

from aekit.backend import keras
import tensorflow as tf
from keras import ops

from aekit._checks import check_beta, check_int, check_model, check_path

ACTIVATIONS = ("relu", "tanh", "sigmoid", "elu", "selu", "gelu", "softplus", "linear", None)


def build_autoencoder(input_dim: int = 784, hidden_units: int | Sequence[int] = 64,
                      latent_dim: int = 2, *, hidden_activation: str = "relu",
                      latent_activation: str | None = None,
                      output_activation: str = "sigmoid"):
    """Return ``(encoder, decoder, autoencoder)``.

    The defaults are the reference 784 → Dense(64, relu) → Dense(2) encoder and the mirrored
    2 → Dense(64, relu) → Dense(784, sigmoid) decoder. ``hidden_units`` lists the encoder's
    hidden widths (the decoder mirrors them), so ``hidden_units=(144, 72), latent_dim=48,
    hidden_activation="tanh", latent_activation="tanh"`` builds 784→144→72→48.
    """
    input_dim, units, latent_dim = _check_shape(input_dim, hidden_units, latent_dim)
    for name, value in (("hidden_activation", hidden_activation),
                        ("latent_activation", latent_activation),
                        ("output_activation", output_activation)):
        _check_activation(name, value)

    image = keras.Input(shape=(input_dim,), name="image")
    hidden = _dense_stack(image, units, hidden_activation, "encoder_hidden")
    code = keras.layers.Dense(latent_dim, activation=latent_activation, name="latent")(hidden)
    encoder = keras.Model(image, code, name="encoder")

    decoder = _build_decoder(input_dim, units, latent_dim, hidden_activation, output_activation)
    autoencoder = keras.Model(image, decoder(encoder(image)), name="autoencoder")
    return encoder, decoder, autoencoder


def build_vae(input_dim: int = 784, hidden_units: int | Sequence[int] = 64, latent_dim: int = 2,
              *, hidden_activation: str = "relu", beta: float = 1.0, seed: int | None = None):
    """Return ``(encoder, decoder, vae)`` with the autoencoder's default shape.

    The encoder maps an image to ``(z_mean, z_log_var, z)``, drawing z = μ + σ·ε through a
    seeded :class:`Sampling` layer; the decoder is the autoencoder's decoder. ``beta`` weighs
    the KL term of the loss (1 gives the ELBO of Kingma & Welling).
    """
    input_dim, units, latent_dim = _check_shape(input_dim, hidden_units, latent_dim)
    _check_activation("hidden_activation", hidden_activation)
    beta = check_beta(beta)
    if seed is not None:
        seed = check_int("seed", seed, 0, 2**31 - 1)

    image = keras.Input(shape=(input_dim,), name="image")
    hidden = _dense_stack(image, units, hidden_activation, "encoder_hidden")
    z_mean = keras.layers.Dense(latent_dim, name="z_mean")(hidden)
    z_log_var = keras.layers.Dense(latent_dim, name="z_log_var")(hidden)
    z = Sampling(seed=seed, name="z")([z_mean, z_log_var])
    encoder = keras.Model(image, [z_mean, z_log_var, z], name="encoder")

    decoder = _build_decoder(input_dim, units, latent_dim, hidden_activation, "sigmoid")
    return encoder, decoder, VAE(encoder, decoder, beta=beta, name="vae")


@keras.saving.register_keras_serializable(package="aekit")
class Sampling(keras.layers.Layer):
    """Reparameterisation: z = μ + exp(½·log σ²)·ε with ε ~ N(0, I) from a seeded generator."""

    def __init__(self, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        epsilon = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


def kl_divergence(z_mean, z_log_var):
    """KL(N(μ, σ²) ‖ N(0, I)) in nats, summed over latent dimensions: one value per example."""
    return -0.5 * ops.sum(1.0 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=-1)


def reconstruction_nll(images, reconstructions):
    """Bernoulli negative log-likelihood in nats, summed over pixels: one value per example."""
    return ops.sum(ops.binary_crossentropy(images, reconstructions), axis=-1)


@keras.saving.register_keras_serializable(package="aekit")
class VAE(keras.Model):
    """Variational autoencoder whose losses are per-example nats, averaged over the batch.

    ``fit`` and ``evaluate`` report ``loss`` (reconstruction + β·KL), ``reconstruction_loss``
    and ``kl_loss``. Calling the model (and ``predict``) decodes the posterior mean μ, so a
    reconstruction is deterministic; the losses use a sampled z, as the ELBO requires.
    """

    def __init__(self, encoder: keras.Model, decoder: keras.Model, beta: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.beta = check_beta(beta)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.reconstruction_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_tracker = keras.metrics.Mean(name="kl_loss")
        # The functional encoder and decoder own every weight and are built already; saying so
        # lets save/load restore the optimizer's state too (train_step never calls the model).
        self.built = True

    @property
    def metrics(self):
        return [self.loss_tracker, self.reconstruction_tracker, self.kl_tracker]

    def call(self, images, training=False):
        z_mean, _, _ = self.encoder(images, training=training)
        return self.decoder(z_mean, training=training)

    def losses_for(self, images, training=False):
        """Return the batch means of (loss, reconstruction, KL) for one sampled z per image."""
        z_mean, z_log_var, z = self.encoder(images, training=training)
        reconstruction = ops.mean(reconstruction_nll(images, self.decoder(z, training=training)))
        kl = ops.mean(kl_divergence(z_mean, z_log_var))
        return reconstruction + self.beta * kl, reconstruction, kl

    def train_step(self, data):
        images = keras.utils.unpack_x_y_sample_weight(data)[0]
        with tf.GradientTape() as tape:
            losses = self.losses_for(images, training=True)
        gradients = tape.gradient(losses[0], self.trainable_weights)
        self.optimizer.apply(gradients, self.trainable_weights)
        return self._track(losses)

    def test_step(self, data):
        return self._track(self.losses_for(keras.utils.unpack_x_y_sample_weight(data)[0]))

    def _track(self, losses):
        for tracker, value in zip(self.metrics, losses):
            tracker.update_state(value)
        return {tracker.name: tracker.result() for tracker in self.metrics}

    def get_config(self):
        return {"name": self.name, "beta": self.beta,
                "encoder": keras.saving.serialize_keras_object(self.encoder),
                "decoder": keras.saving.serialize_keras_object(self.decoder)}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for part in ("encoder", "decoder"):
            config[part] = keras.saving.deserialize_keras_object(config[part])
        return cls(**config)


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
    if isinstance(model, VAE):
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


def _build_decoder(output_dim, encoder_units, latent_dim, hidden_activation, output_activation):
    """The decoder mirrors the encoder's hidden widths back up to the image."""
    code = keras.Input(shape=(latent_dim,), name="latent_code")
    hidden = _dense_stack(code, encoder_units[::-1], hidden_activation, "decoder_hidden")
    image = keras.layers.Dense(output_dim, activation=output_activation, name="reconstruction")(hidden)
    return keras.Model(code, image, name="decoder")
