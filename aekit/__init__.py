"""aekit: autoencoders and their variations on MNIST, Fashion-MNIST or your own images, with
latent editing, measured evidence and figures.

>>> import aekit
>>> data = aekit.load_mnist()                    # Keras's MNIST, else the embedded sample
>>> encoder, decoder, autoencoder = aekit.build_autoencoder()   # 784 → 64 → 2 → 64 → 784
>>> history = aekit.train(autoencoder, data.x_train, epochs=40, x_val=data.x_test)

Importing aekit imports Keras and every aekit model class, so a saved model loads after a plain
``import aekit`` (``keras.models.load_model("vae.keras")`` or :func:`load_model`).
"""

from aekit._version import __version__
from aekit.data import DataError, Dataset, load_dataset, load_fashion_mnist, load_images, load_mnist
from aekit.latent import Adjustment, adjust_latent, decode, encode, generate, scale_adjustments
from aekit.models import VAE, Autoencoder, Sampling, build_autoencoder, build_vae, kl_divergence, load_model
from aekit.training import evaluate, set_seed, train

__all__ = ["Adjustment", "Autoencoder", "DataError", "Dataset", "Sampling", "VAE", "__version__", "adjust_latent",
           "build_autoencoder", "build_vae", "decode", "encode", "evaluate", "generate", "kl_divergence", "load_dataset",
           "load_fashion_mnist", "load_images", "load_mnist", "load_model", "scale_adjustments", "set_seed",
           "train"]
