"""aekit's training path at full scale: 60,000 Fashion-MNIST images, against a plain Keras fit.

    python benchmarks/bench_fullscale.py [--data PATH] [--repeats 3] [--budget 60]

Q2's autoencoder (784 → 64 → 2 → 64 → 784), each contender in its own process so that its peak
memory is its own: seconds per epoch at batch 16, 64 and 256 (median of --repeats epochs after a
warm-up epoch) for `aekit.train` and for `model.fit` with the same model, optimiser and loss; then
the held-out error on the 10,000 test images after the same wall-clock budget, each with its own
recipe (aekit: Q2's defaults, batch 16, Adam 0.01 cosine-decayed; fit: Keras's usual Adam 1e-3 at
batch 256), its epochs chosen from its measured epoch time to fill --budget seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import time

from _common import SHARED_DATA, machine, run_worker

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
SHARED = SHARED_DATA / "fashion-mnist"
BATCHES = (16, 64, 256)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(SHARED) if SHARED.is_dir() else "auto",
                        help="aekit.load_fashion_mnist source (default: ../shared, else auto)")
    parser.add_argument("--repeats", type=int, default=3, help="timed epochs per measurement")
    parser.add_argument("--budget", type=float, default=60.0, help="wall-clock seconds of training")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(_work(args, *args.worker)))
        return

    rows = {(path, batch): _in_subprocess(args, path, str(batch)) for batch in BATCHES for path in ("fit", "aekit")}
    budget = {path: _in_subprocess(args, path, "budget") for path in ("fit", "aekit")}
    first = rows[("aekit", 16)]
    print(f"\nMachine: {machine()}; Python {platform.python_version()}, "
          f"TensorFlow {first['tf']}, Keras {first['keras']}; data: {first['source']}\n")
    print("| 60,000 images | Keras `fit` | `aekit.train` | aekit / fit |\n|---|---|---|---|")
    for batch in BATCHES:
        fit, ours = rows[("fit", batch)], rows[("aekit", batch)]
        print(f"| seconds per epoch, batch {batch} | {fit['epoch_s']:.2f} | {ours['epoch_s']:.2f} | "
              f"{ours['epoch_s'] / fit['epoch_s']:.2f} |")
    for batch in BATCHES:
        fit, ours = rows[("fit", batch)], rows[("aekit", batch)]
        print(f"| peak memory (MB), batch {batch} | {fit['peak_mb']:.0f} | {ours['peak_mb']:.0f} | "
              f"{ours['peak_mb'] / fit['peak_mb']:.2f} |")
    fit, ours = budget["fit"], budget["aekit"]
    print(f"| recipe within {args.budget:.0f} s | {fit['recipe']} | {ours['recipe']} | |")
    print(f"| training seconds | {fit['train_s']:.0f} | {ours['train_s']:.0f} | |")
    print(f"| held-out MSE per pixel | {fit['mse']:.4f} | {ours['mse']:.4f} | {ours['mse'] / fit['mse']:.2f} |")


def _work(args, path: str, batch: str) -> dict:
    import keras
    import numpy as np
    import tensorflow as tf

    import aekit

    data = aekit.load_fashion_mnist(args.data)
    info = {"tf": tf.__version__, "keras": keras.__version__, "source": data.source}

    def build(learning_rate):
        aekit.set_seed(0)
        *_, model = aekit.build_autoencoder()
        if path == "fit":
            model.compile(keras.optimizers.Adam(learning_rate), loss="mse")
        return model

    def train(model, epochs, batch_size, learning_rate, clock=None):
        if path == "fit":
            callbacks = [keras.callbacks.LambdaCallback(on_epoch_end=clock)] if clock else []
            model.fit(data.x_train, data.x_train, epochs=epochs, batch_size=batch_size, verbose=0,
                      callbacks=callbacks)
        else:
            aekit.train(model, data.x_train, epochs=epochs, batch_size=batch_size,
                        learning_rate=learning_rate, on_epoch_end=clock)

    def epoch_seconds(batch_size, learning_rate):
        ends = []
        train(build(learning_rate), 1 + args.repeats, batch_size, learning_rate,
              lambda epoch, logs=None: ends.append(time.perf_counter()))
        return statistics.median(b - a for a, b in zip(ends, ends[1:]))

    if batch != "budget":
        return {**info, "epoch_s": epoch_seconds(int(batch), 1e-3), "peak_mb": _peak_mb()}
    batch_size, learning_rate = (256, 1e-3) if path == "fit" else (16, 1e-2)
    epochs = max(1, round(args.budget / epoch_seconds(batch_size, learning_rate)))
    model = build(learning_rate)
    started = time.perf_counter()
    train(model, epochs, batch_size, learning_rate)
    seconds = time.perf_counter() - started
    reconstruction = model.predict(data.x_test, batch_size=10_000, verbose=0)
    return {**info, "recipe": f"batch {batch_size}, Adam {learning_rate:g}, {epochs} epochs",
            "train_s": seconds, "mse": float(np.mean((reconstruction - data.x_test) ** 2))}


def _in_subprocess(args, path: str, batch: str) -> dict:
    return run_worker(__file__, ["--worker", path, batch, "--data", args.data, "--repeats", str(args.repeats),
                                 "--budget", str(args.budget)], label=f"{path}, {batch}")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
