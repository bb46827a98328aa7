"""aekit.train on each Keras backend against its peers: 60,000 Fashion-MNIST images.

    python benchmarks/bench_backends.py [--data PATH] [--repeats 3] [--rounds 3] [--pairs 15]
                                        [--batches 16,64,256]

Q2's autoencoder (784 → 64 → 2 → 64 → 784, ReLU, sigmoid output, squared error, Adam), each
contender in its own process (its own backend, nothing shared): Keras ``fit`` on TensorFlow and on
JAX, ``aekit.train`` on TensorFlow and on JAX, a hand-written JAX loop (plain arrays, Adam
written out, one ``jax.jit``-compiled ``lax.scan`` per epoch, remainder batch dropped) and a
hand-written PyTorch loop, eager (if PyTorch is installed). A process measures the median of
--repeats epochs after a warm-up epoch (which compiles); the contenders take turns, --rounds
times, and the table shows the median over the rounds.

This machine's epoch times vary by tens of percent from process to process, more than the
difference between aekit on JAX and the hand-written loop. So a last process per batch size runs
the two side by side, alternating epoch by epoch (--pairs times), and the last row gives the
median of their per-pair ratios. Prints one Markdown table with the machine, versions and date.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import time
from datetime import date

from _common import SHARED_DATA, machine, run_worker

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
SHARED = SHARED_DATA / "fashion-mnist"
CONTENDERS = {  # name: (Keras backend, label)
    "fit-tensorflow": ("tensorflow", "Keras `fit`, TensorFlow"),
    "fit-jax": ("jax", "Keras `fit`, JAX"),
    "aekit-tensorflow": ("tensorflow", "`aekit.train`, TensorFlow"),
    "aekit-jax": ("jax", "`aekit.train`, JAX"),
    "handwritten-jax": ("jax", "hand-written JAX, `lax.scan` epoch"),
    "pytorch-eager": ("jax", "hand-written PyTorch, eager"),  # "jax": no TensorFlow loaded beside it
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(SHARED) if SHARED.is_dir() else "auto",
                        help="aekit.load_fashion_mnist source (default: ../shared, else auto)")
    parser.add_argument("--repeats", type=int, default=3, help="timed epochs per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="processes per contender and batch, taking turns")
    parser.add_argument("--pairs", type=int, default=15, help="timed epoch pairs in the side-by-side process")
    parser.add_argument("--batches", default="16,64,256", help="batch sizes")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(_work(args, args.worker[0], int(args.worker[1]))))
        return
    batches = [int(b) for b in args.batches.split(",")]
    contenders = [name for name in CONTENDERS if name != "pytorch-eager" or importlib.util.find_spec("torch")]
    runs = {}
    for _ in range(args.rounds):
        for batch in batches:
            for name in contenders:
                runs.setdefault((name, batch), []).append(_in_subprocess(args, name, batch))
    rows = {key: {**found[0], "epoch_s": statistics.median(run["epoch_s"] for run in found)}
            for key, found in runs.items()}
    side_by_side = {batch: _in_subprocess(args, "side-by-side", batch)["ratios"] for batch in batches}
    versions = {key: value for row in rows.values() for key, value in row["versions"].items()}
    print(f"\nMachine: {machine()}; {date.today().isoformat()}; Python "
          f"{platform.python_version()}, " + ", ".join(f"{k} {v}" for k, v in sorted(versions.items()))
          + f"; data: {rows[('aekit-jax', batches[0])]['source']}\n")
    print(f"| seconds per epoch (median of {args.rounds} processes) | "
          + " | ".join(f"batch {b}" for b in batches) + " |")
    print("|---|" + "---|" * len(batches))
    for name in contenders:
        print(f"| {CONTENDERS[name][1]} | " + " | ".join(f"{rows[(name, b)]['epoch_s']:.2f}" for b in batches) + " |")
    print("| `aekit.train` on JAX / hand-written JAX | " + " | ".join(
        f"{rows[('aekit-jax', b)]['epoch_s'] / rows[('handwritten-jax', b)]['epoch_s']:.2f}" for b in batches) + " |")
    print(f"| the same, side by side in one process (median of {args.pairs} pairs; range) | " + " | ".join(
              f"{statistics.median(r):.2f} ({min(r):.2f}–{max(r):.2f})" for r in side_by_side.values()) + " |")
    if "pytorch-eager" not in contenders:
        print("\nPyTorch is not installed, so its row is missing (pip install torch).")


def _in_subprocess(args, name: str, batch: int) -> dict:
    backend = CONTENDERS[name][0] if name in CONTENDERS else "jax"  # side by side: aekit and JAX
    return run_worker(__file__, ["--data", args.data, "--repeats", str(args.repeats), "--pairs", str(args.pairs),
                                 "--worker", name, str(batch)],
                      label=f"{name}, batch {batch}", env={**os.environ, "KERAS_BACKEND": backend})


def _work(args, name: str, batch: int) -> dict:
    """Run one contender in this process: its median epoch time (or, side by side, the ratios)."""
    import keras

    import aekit

    data = aekit.load_fashion_mnist(args.data)
    found = {"source": data.source, "versions": _versions(name)}
    if name == "side-by-side":
        return {**found, "ratios": _side_by_side(data.x_train, batch, args.pairs)}
    epochs, ends = args.repeats + 1, []
    if name == "handwritten-jax":
        run_epoch = _handwritten_jax(data.x_train, batch)
        for number in range(epochs):
            run_epoch(number)
            ends.append(time.perf_counter())
    elif name == "pytorch-eager":
        ends = _pytorch_eager(data.x_train, batch, epochs)
    else:
        aekit.set_seed(0)
        *_, model = aekit.build_autoencoder()
        if name.startswith("fit"):
            model.compile(keras.optimizers.Adam(0.01), loss="mse")
            clock = keras.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: ends.append(time.perf_counter()))
            model.fit(data.x_train, data.x_train, epochs=epochs, batch_size=batch, verbose=0, callbacks=[clock])
        else:
            aekit.train(model, data.x_train, epochs=epochs, batch_size=batch,
                        on_epoch_end=lambda e, logs: ends.append(time.perf_counter()))
    return {**found, "epoch_s": statistics.median(b - a for a, b in zip(ends, ends[1:]))}


def _versions(name: str) -> dict:
    import keras

    if name == "pytorch-eager":
        import torch

        return {"PyTorch": torch.__version__}
    if keras.backend.backend() == "jax":
        import jax

        return {"Keras": keras.__version__, "JAX": jax.__version__}
    import tensorflow as tf

    return {"Keras": keras.__version__, "TensorFlow": tf.__version__}


def _pytorch_eager(x, batch: int, epochs: int) -> list[float]:
    """The same autoencoder in PyTorch, eager, as its tutorials train one: ``torch.optim.Adam``
    (lr 0.01, eps 1e-7 as Keras), a fresh permutation per epoch, the remainder batch dropped."""
    import torch

    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(784, 64), torch.nn.ReLU(), torch.nn.Linear(64, 2),
                                torch.nn.Linear(2, 64), torch.nn.ReLU(), torch.nn.Linear(64, 784), torch.nn.Sigmoid())
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01, eps=1e-7)
    x, ends = torch.from_numpy(x), []
    for _ in range(epochs):
        order = torch.randperm(len(x))
        for start in range(0, len(x) - batch + 1, batch):
            images = x[order[start:start + batch]]
            loss = torch.nn.functional.mse_loss(model(images), images)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        ends.append(time.perf_counter())
    return ends


def _side_by_side(x, batch: int, pairs: int) -> list[float]:
    """aekit.train's epoch time over the hand-written loop's, epoch by epoch in one process: after
    each aekit epoch, one hand-written epoch runs (the first pair compiles and is not counted)."""
    import aekit

    handwritten, marks, ratios = _handwritten_jax(x, batch), [time.perf_counter()], []

    def after_aekit_epoch(epoch, logs):
        marks.append(time.perf_counter())
        handwritten(epoch)
        marks.append(time.perf_counter())
        if epoch:  # marks: ... start of this aekit epoch, its end, end of the hand-written epoch
            ratios.append((marks[-2] - marks[-3]) / (marks[-1] - marks[-2]))

    aekit.set_seed(0)
    *_, model = aekit.build_autoencoder()
    aekit.train(model, x, epochs=pairs + 1, batch_size=batch, on_epoch_end=after_aekit_epoch)
    return ratios


def _handwritten_jax(x, batch: int):
    """The same autoencoder in plain JAX (Glorot-uniform kernels, Adam with lr 0.01 written out):
    a function that runs epoch ``number`` and waits for it."""
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
    weights, x = [params, (zeros, zeros, 0)], jnp.asarray(x)

    def run_epoch(number: int) -> None:
        params, state, value = epoch(*weights, x, jax.random.key(number))
        value.block_until_ready()
        weights[:] = params, state

    return run_epoch


if __name__ == "__main__":
    main()
