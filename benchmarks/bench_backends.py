"""aekit.train on each Keras backend against its peers: 60,000 Fashion-MNIST images.

    python benchmarks/bench_backends.py [--data PATH] [--repeats 3] [--rounds 3] [--batches 16,64,256]

Q2's autoencoder (784 → 64 → 2 → 64 → 784, ReLU, sigmoid output, squared error, Adam), each
contender in its own process (its own backend, nothing shared): Keras ``fit`` on TensorFlow and on
JAX, ``aekit.train`` on TensorFlow and on JAX, and a hand-written JAX loop (plain arrays, Adam
written out, one ``jax.jit``-compiled ``lax.scan`` per epoch, remainder batch dropped). A process
measures the median of --repeats epochs after a warm-up epoch (which compiles); the contenders
take turns, --rounds times, and the table shows the median over the rounds (this machine's epoch
times vary by tens of percent from run to run). Prints one Markdown table with the machine, the
versions and the date. PyTorch is not installed here.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "fashion-mnist"
CONTENDERS = {  # name: (Keras backend, label)
    "fit-tensorflow": ("tensorflow", "Keras `fit`, TensorFlow"),
    "fit-jax": ("jax", "Keras `fit`, JAX"),
    "aekit-tensorflow": ("tensorflow", "`aekit.train`, TensorFlow"),
    "aekit-jax": ("jax", "`aekit.train`, JAX"),
    "handwritten-jax": ("jax", "hand-written JAX, `lax.scan` epoch"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(SHARED) if SHARED.is_dir() else "auto",
                        help="aekit.load_fashion_mnist source (default: ../shared, else auto)")
    parser.add_argument("--repeats", type=int, default=3, help="timed epochs per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="processes per contender and batch, taking turns")
    parser.add_argument("--batches", default="16,64,256", help="batch sizes")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(_work(args, args.worker[0], int(args.worker[1]))))
        return
    batches = [int(b) for b in args.batches.split(",")]
    runs = {}
    for _ in range(args.rounds):
        for batch in batches:
            for name in CONTENDERS:
                runs.setdefault((name, batch), []).append(_in_subprocess(args, name, batch))
    rows = {key: {**found[0], "epoch_s": statistics.median(run["epoch_s"] for run in found)}
            for key, found in runs.items()}
    versions = {key: value for row in rows.values() for key, value in row["versions"].items()}
    from aekit.report import _cpu_name

    print(f"\nMachine: {_cpu_name()}, {os.cpu_count()} cores; {date.today().isoformat()}; Python "
          f"{platform.python_version()}, " + ", ".join(f"{k} {v}" for k, v in sorted(versions.items()))
          + f"; data: {rows[('aekit-jax', batches[0])]['source']}\n")
    print(f"| seconds per epoch (median of {args.rounds} processes) | "
          + " | ".join(f"batch {b}" for b in batches) + " |")
    print("|---|" + "---|" * len(batches))
    for name, (_, label) in CONTENDERS.items():
        print(f"| {label} | " + " | ".join(f"{rows[(name, b)]['epoch_s']:.2f}" for b in batches) + " |")
    for name in ("aekit-jax", "aekit-tensorflow"):
        print(f"| {CONTENDERS[name][1]} / hand-written JAX | " + " | ".join(
            f"{rows[(name, b)]['epoch_s'] / rows[('handwritten-jax', b)]['epoch_s']:.2f}" for b in batches) + " |")


def _in_subprocess(args, name: str, batch: int) -> dict:
    env = {**os.environ, "KERAS_BACKEND": CONTENDERS[name][0]}
    done = subprocess.run([sys.executable, __file__, "--data", args.data, "--repeats", str(args.repeats),
                           "--worker", name, str(batch)], env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{name} at batch {batch} failed:\n{done.stderr[-3000:]}")
    print(f"{name}, batch {batch}: {done.stdout.strip()}", file=sys.stderr, flush=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _work(args, name: str, batch: int) -> dict:
    import keras

    import aekit

    data = aekit.load_fashion_mnist(args.data)
    versions = {"Keras": keras.__version__}
    if keras.backend.backend() == "jax":
        import jax

        versions["JAX"] = jax.__version__
    else:
        import tensorflow as tf

        versions["TensorFlow"] = tf.__version__
    epochs = args.repeats + 1
    if name == "handwritten-jax":
        ends = _handwritten_jax(data.x_train, batch, epochs)
    else:
        aekit.set_seed(0)
        *_, model = aekit.build_autoencoder()
        ends = []
        if name.startswith("fit"):
            model.compile(keras.optimizers.Adam(0.01), loss="mse")
            clock = keras.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: ends.append(time.perf_counter()))
            model.fit(data.x_train, data.x_train, epochs=epochs, batch_size=batch, verbose=0, callbacks=[clock])
        else:
            aekit.train(model, data.x_train, epochs=epochs, batch_size=batch,
                        on_epoch_end=lambda e, logs: ends.append(time.perf_counter()))
    return {"epoch_s": statistics.median(b - a for a, b in zip(ends, ends[1:])), "versions": versions,
            "source": data.source}


def _handwritten_jax(x, batch: int, epochs: int) -> list[float]:
    """The same autoencoder in plain JAX: Glorot-uniform kernels, Adam (lr 0.01) written out."""
    import jax
    import jax.numpy as jnp

    sizes = (784, 64, 2, 64, 784)
    keys = jax.random.split(jax.random.key(0), len(sizes) - 1)
    params = [(jax.random.uniform(k, (m, n), minval=-(6 / (m + n)) ** 0.5, maxval=(6 / (m + n)) ** 0.5),
               jnp.zeros(n)) for k, m, n in zip(keys, sizes, sizes[1:])]

    def loss(params, images):
        h = images
        for i, (w, b) in enumerate(params):
            h = h @ w + b
            h = jax.nn.sigmoid(h) if i == len(params) - 1 else h if i == 1 else jax.nn.relu(h)
        return jnp.mean((h - images) ** 2)

    def adam(params, state, grads, lr=0.01, b1=0.9, b2=0.999, eps=1e-7):
        m, v, t = state
        t = t + 1
        m = jax.tree.map(lambda m, g: b1 * m + (1 - b1) * g, m, grads)
        v = jax.tree.map(lambda v, g: b2 * v + (1 - b2) * g * g, v, grads)
        scale = lr * jnp.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        return jax.tree.map(lambda p, m, v: p - scale * m / (jnp.sqrt(v) + eps), params, m, v), (m, v, t)

    n = len(x) // batch * batch

    @jax.jit
    def epoch(params, state, x, key):
        def step(carry, rows):
            params, state = carry
            value, grads = jax.value_and_grad(loss)(params, x[rows])
            return adam(params, state, grads), value
        order = jax.random.permutation(key, len(x))[:n].reshape(-1, batch)
        (params, state), values = jax.lax.scan(step, (params, state), order)
        return params, state, values.mean()

    zeros = jax.tree.map(jnp.zeros_like, params)
    state, x, ends = (zeros, zeros, 0), jnp.asarray(x), []
    for number in range(epochs):
        params, state, value = epoch(params, state, x, jax.random.key(number))
        value.block_until_ready()
        ends.append(time.perf_counter())
    return ends


if __name__ == "__main__":
    main()
