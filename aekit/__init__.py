"""aekit: a fully connected autoencoder and a VAE on MNIST, with latent editing and figures.

>>> import aekit
>>> data = aekit.load_mnist()                    # Keras's MNIST, else the embedded sample
>>> encoder, decoder, autoencoder = aekit.build_autoencoder()   # 784 → 64 → 2 → 64 → 784
"""

import os

# Before TensorFlow is first imported: quiet its C++ start-up logs and pick the backend
# the models are written for (users may still override both).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

from aekit.data import MNIST, MNISTError, load_mnist  # noqa: E402
from aekit.latent import Adjustment, adjust_latent, decode, encode, scale_adjustments  # noqa: E402
from aekit.models import VAE, Sampling, build_autoencoder, build_vae, kl_divergence  # noqa: E402
from aekit.training import set_seed, train  # noqa: E402

__version__ = "0.1.0"
__all__ = ["MNIST", "MNISTError", "VAE", "Adjustment", "Sampling", "adjust_latent", "build_autoencoder",
           "build_vae", "decode", "encode", "kl_divergence", "load_mnist", "scale_adjustments", "set_seed", "train"]
