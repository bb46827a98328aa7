"""A GAN's training speed: aekit's one training path against the pattern users copy from keras.io
(a Model whose ``train_step`` is overridden with a ``tf.GradientTape`` per player and two
optimisers, trained with ``fit``), on the same networks, data and batch, side by side.

    python benchmarks/bench_gan.py [--repeats 3] [--rounds 3] [--backends tensorflow,jax]

Q4's GAN (784 → 256 → 1 discriminator, 8 → 256 → 784 generator), its default batch of 32 and the
embedded sample's 4,000 training digits. Each measurement runs in a process of its own: the median
seconds of ``--repeats`` epochs after a warm-up epoch (which compiles). The contenders take turns,
``--rounds`` times, and the table shows the median over the rounds. keras.io's GAN examples write
their step with ``tf.GradientTape``, so they run on TensorFlow only; on JAX the table shows
aekit's epoch alone.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time

from _common import machine, run_worker

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
SHAPE = {"hidden_units": 256, "latent_dim": 8}
BATCH, LEARNING_RATE = 32, 1e-3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="timed epochs per process, after a warm-up")
    parser.add_argument("--rounds", type=int, default=3, help="processes per contender, taking turns")
    parser.add_argument("--backends", default="tensorflow,jax", help="Keras backends to measure")
    parser.add_argument("--worker", choices=["aekit", "keras_io"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(WORKERS[args.worker](args.repeats)))
        return

    backends = args.backends.split(",")
    plan = [(backend, contender) for backend in backends
            for contender in (("aekit", "keras_io") if backend == "tensorflow" else ("aekit",))]
    found = {key: [] for key in plan}
    for _ in range(args.rounds):
        for backend, contender in plan:
            found[(backend, contender)].append(run_worker(
                __file__, ["--worker", contender, "--repeats", str(args.repeats)],
                label=f"{contender} on {backend}", env={**os.environ, "KERAS_BACKEND": backend}))
    first = found[plan[0]][0]
    print(f"\nMachine: {machine()}; Python {platform.python_version()}, Keras {first['keras']}; "
          f"{first['images']:,} images, batch {BATCH}; median of {args.rounds} processes, each the median "
          f"of {args.repeats} epochs after a warm-up\n")
    print("| backend | keras.io pattern (train_step + fit), s per epoch | aekit.train, s per epoch | aekit / keras.io |")
    print("|---|---|---|---|")
    for backend in backends:
        ours = statistics.median(r["epoch_s"] for r in found[(backend, "aekit")])
        if (backend, "keras_io") in found:
            theirs = statistics.median(r["epoch_s"] for r in found[(backend, "keras_io")])
            print(f"| {backend} | {theirs:.3f} | {ours:.3f} | {ours / theirs:.2f} |")
        else:
            print(f"| {backend} | — (its step is written for TensorFlow) | {ours:.3f} | — |")


def _data():
    import aekit

    return aekit.load_mnist("sample").x_train


def _aekit(repeats: int) -> dict:
    import aekit
    import keras

    x = _data()
    aekit.set_seed(0)
    gan = aekit.models.config("gan")(**SHAPE).build(seed=0)
    ends = []
    aekit.train(gan, x, epochs=1 + repeats, batch_size=BATCH, learning_rate=LEARNING_RATE,
                on_epoch_end=lambda epoch, logs: ends.append(time.perf_counter()))
    return {"epoch_s": statistics.median(b - a for a, b in zip(ends, ends[1:])), "images": len(x),
            "keras": keras.__version__}


def _keras_io(repeats: int) -> dict:
    """keras.io's "GAN overriding Model.train_step" (examples/generative/dcgan_overriding_train_step),
    on aekit's two networks: a tape per player, two Adam optimisers, ``fit`` over the images."""
    import aekit
    import keras
    import tensorflow as tf

    x = _data()
    aekit.set_seed(0)
    networks = aekit.models.config("gan")(**SHAPE).build(seed=0)

    class GAN(keras.Model):
        def __init__(self, discriminator, generator, latent_dim):
            super().__init__()
            self.discriminator, self.generator, self.latent_dim = discriminator, generator, latent_dim
            self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
            self.g_loss_tracker = keras.metrics.Mean(name="g_loss")

        def compile(self, d_optimizer, g_optimizer, loss_fn):
            super().compile()
            self.d_optimizer, self.g_optimizer, self.loss_fn = d_optimizer, g_optimizer, loss_fn

        @property
        def metrics(self):
            return [self.d_loss_tracker, self.g_loss_tracker]

        def train_step(self, real_images):
            batch_size = tf.shape(real_images)[0]
            random_latent_vectors = tf.random.normal(shape=(batch_size, self.latent_dim))
            generated_images = self.generator(random_latent_vectors)
            combined_images = tf.concat([generated_images, real_images], axis=0)
            labels = tf.concat([tf.zeros((batch_size, 1)), tf.ones((batch_size, 1))], axis=0)
            with tf.GradientTape() as tape:
                d_loss = self.loss_fn(labels, self.discriminator(combined_images))
            grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
            self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))
            random_latent_vectors = tf.random.normal(shape=(batch_size, self.latent_dim))
            misleading_labels = tf.ones((batch_size, 1))
            with tf.GradientTape() as tape:
                g_loss = self.loss_fn(misleading_labels, self.discriminator(self.generator(random_latent_vectors)))
            grads = tape.gradient(g_loss, self.generator.trainable_weights)
            self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))
            self.d_loss_tracker.update_state(d_loss)
            self.g_loss_tracker.update_state(g_loss)
            return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}

    gan = GAN(networks.discriminator, networks.generator, SHAPE["latent_dim"])
    gan.compile(keras.optimizers.Adam(LEARNING_RATE, beta_1=0.5), keras.optimizers.Adam(LEARNING_RATE, beta_1=0.5),
                keras.losses.BinaryCrossentropy(from_logits=True))
    ends = []
    gan.fit(x, epochs=1 + repeats, batch_size=BATCH, verbose=0,
            callbacks=[keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: ends.append(time.perf_counter()))])
    return {"epoch_s": statistics.median(b - a for a, b in zip(ends, ends[1:])), "images": len(x),
            "keras": keras.__version__}


WORKERS = {"aekit": _aekit, "keras_io": _keras_io}


if __name__ == "__main__":
    sys.exit(main())
