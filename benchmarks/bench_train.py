"""Training speed and quality: aekit's training path against a plain Keras fit, side by side.

    python benchmarks/bench_train.py [--train-data sample] [--test-data PATH] [--repeats 3]

Prints one table from one run. Each configuration trains in its own process (so its peak
memory is its own): seconds per epoch on 60,000 images (resampled from the training data if
it has fewer; median of --repeats epochs after a warm-up epoch), peak resident memory, the
training seconds until the held-out reconstruction MSE first reaches --target-mse, and the
held-out MSE after the configuration's whole budget. Then aekit's 2-D VAE (negative ELBO in
nats) and one full `python -m aekit report --data sample`.

Held-out scores use the official MNIST test set: Keras's download where available, else the
copy beside the checkout (../shared/data/mnist-t10k), or --test-data PATH; never training images.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import SHARED_DATA, machine, run_worker

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = Path(__file__).resolve().parents[1]
SHARED_T10K = SHARED_DATA / "mnist-t10k"
BASELINE = {"optimizer": "Adam(1e-3)", "batch_size": 256, "epochs": 100}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train-data", default="sample", help="aekit.load_mnist source (default: sample)")
    parser.add_argument("--test-data", default=None, help="held-out MNIST: path (default: Keras, else ../shared)")
    parser.add_argument("--repeats", type=int, default=3, help="timed epochs per speed measurement")
    parser.add_argument("--target-mse", type=float, default=0.050, help="held-out MSE for time-to-target")
    parser.add_argument("--skip-report", action="store_true", help="do not time the report regeneration")
    parser.add_argument("--worker", choices=["baseline", "aekit", "vae"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(WORKERS[args.worker](args)))
        return

    rows = {name: _in_subprocess(name, args) for name in ("baseline", "aekit", "vae")}
    report_seconds = None if args.skip_report else _time_report()
    base, fast, vae = rows["baseline"], rows["aekit"], rows["vae"]
    print(f"\nMachine: {machine()}; Python {platform.python_version()}, "
          f"TensorFlow {fast['tf']}, Keras {fast['keras']}")
    print(f"Training data: {fast['train_source']} ({fast['n_train']:,} images); "
          f"held-out: {fast['test_source']} ({fast['n_test']:,} images)\n")
    table = [
        ("", "Keras fit baseline", "aekit.train", "aekit / baseline"),
        ("recipe", f"Adam 1e-3, batch 256, {base['epochs']} epochs",
         f"Adam 1e-2 cosine, batch 16, {fast['epochs']} epochs", ""),
        ("seconds per epoch, 60,000 images, batch 256", f"{base['epoch_s']:.2f}",
         f"{fast['epoch_s_256']:.2f}", f"{fast['epoch_s_256'] / base['epoch_s']:.2f}"),
        ("seconds per epoch, 60,000 images, own batch", f"{base['epoch_s']:.2f} (256)",
         f"{fast['epoch_s']:.2f} (16)", f"{fast['epoch_s'] / base['epoch_s']:.2f}"),
        ("peak memory (MB)", f"{base['peak_mb']:.0f}", f"{fast['peak_mb']:.0f}",
         f"{fast['peak_mb'] / base['peak_mb']:.2f}"),
        (f"training seconds to held-out MSE ≤ {args.target_mse}", _seconds(base["to_target_s"]),
         _seconds(fast["to_target_s"]),
         f"{fast['to_target_s'] / base['to_target_s']:.2f}" if base["to_target_s"] and fast["to_target_s"] else "—"),
        ("held-out MSE after the whole budget", f"{base['final_mse']:.4f}", f"{fast['final_mse']:.4f}", ""),
        ("training seconds for the whole budget", f"{base['train_s']:.1f}", f"{fast['train_s']:.1f}", ""),
        ("2-D VAE held-out negative ELBO (nats)", "", f"{vae['nelbo']:.1f} ({vae['train_s']:.1f} s)", ""),
        ("report regeneration, every notebook (s)", "",
         "skipped" if args.skip_report else f"{report_seconds:.1f}", ""),
    ]
    widths = [max(len(row[i]) for row in table) for i in range(4)]
    for k, row in enumerate(table):
        print("| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths)) + " |")
        if k == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")


def _data(args):
    import aekit

    train = aekit.load_mnist(args.train_data)
    if args.test_data:
        test = aekit.load_mnist(args.test_data)
    else:
        try:
            test = aekit.load_mnist("keras")
        except aekit.DataError:
            if not SHARED_T10K.is_dir():
                raise SystemExit("no held-out MNIST: pass --test-data PATH to the official test set")
            test = aekit.load_mnist(SHARED_T10K)
    return train, test


def _common(args, train, test):
    import keras
    import numpy as np
    import tensorflow as tf

    sixty = train.x_train[np.random.default_rng(0).integers(0, len(train.x_train), 60_000)] \
        if len(train.x_train) < 60_000 else train.x_train[:60_000]
    return sixty, {"train_source": train.source, "n_train": len(train.x_train), "tf": tf.__version__,
                   "keras": keras.__version__, "test_source": test.source, "n_test": len(test.x_test)}


class _Clock:
    """Epoch end times, held-out MSE per epoch, minus the time spent measuring it."""

    def __init__(self, model, x_test, target):
        self.model, self.x_test, self.target = model, x_test, target
        self.started, self.spent_scoring, self.to_target = time.perf_counter(), 0.0, None
        self.ends, self.mse = [], []

    def __call__(self, epoch, logs=None):
        import numpy as np

        now = time.perf_counter()
        self.ends.append(now - self.spent_scoring)
        if self.x_test is not None:
            reconstruction = self.model.predict(self.x_test, batch_size=10_000, verbose=0)
            self.mse.append(float(np.mean((reconstruction - self.x_test) ** 2)))
            if self.to_target is None and self.mse[-1] <= self.target:
                self.to_target = now - self.started - self.spent_scoring
        self.spent_scoring += time.perf_counter() - now

    def epoch_seconds(self):
        return statistics.median(b - a for a, b in zip(self.ends, self.ends[1:]))


def _baseline(args):
    import aekit
    import keras

    train, test = _data(args)
    sixty, info = _common(args, train, test)
    aekit.set_seed(0)
    *_, model = aekit.build_autoencoder()
    model.compile(keras.optimizers.Adam(1e-3), loss="mse")
    clock = _Clock(model, None, 0)
    model.fit(sixty, sixty, epochs=1 + args.repeats, batch_size=256, verbose=0,
              callbacks=[keras.callbacks.LambdaCallback(on_epoch_end=clock)])
    epoch_s = clock.epoch_seconds()
    aekit.set_seed(0)
    *_, model = aekit.build_autoencoder()
    model.compile(keras.optimizers.Adam(1e-3), loss="mse")
    clock = _Clock(model, test.x_test, args.target_mse)
    model.fit(train.x_train, train.x_train, epochs=BASELINE["epochs"], batch_size=256, verbose=0,
              callbacks=[keras.callbacks.LambdaCallback(on_epoch_end=clock)])
    return {**info, "epoch_s": epoch_s, "to_target_s": clock.to_target, "final_mse": clock.mse[-1],
            "train_s": clock.ends[-1] - clock.started, "epochs": BASELINE["epochs"], "peak_mb": _peak_mb()}


def _aekit(args):
    import aekit

    train, test = _data(args)
    sixty, info = _common(args, train, test)
    epoch_s = {}
    for batch_size in (256, 16):  # the baseline's batch, then the notebooks'
        aekit.set_seed(0)
        *_, model = aekit.build_autoencoder()
        clock = _Clock(model, None, 0)
        aekit.train(model, sixty, epochs=1 + args.repeats, batch_size=batch_size, on_epoch_end=clock)
        epoch_s[batch_size] = clock.epoch_seconds()
    aekit.set_seed(0)
    *_, model = aekit.build_autoencoder()
    clock = _Clock(model, test.x_test, args.target_mse)
    epochs = 40  # the notebooks' default budget
    aekit.train(model, train.x_train, epochs=epochs, on_epoch_end=clock)
    return {**info, "epoch_s": epoch_s[16], "epoch_s_256": epoch_s[256], "to_target_s": clock.to_target,
            "final_mse": clock.mse[-1], "train_s": clock.ends[-1] - clock.started, "epochs": epochs,
            "peak_mb": _peak_mb()}


def _vae(args):
    import aekit

    train, test = _data(args)
    aekit.set_seed(0)
    *_, vae = aekit.build_vae()
    started = time.perf_counter()
    aekit.train(vae, train.x_train)
    seconds = time.perf_counter() - started
    scores = vae.evaluate(test.x_test, batch_size=10_000, verbose=0, return_dict=True)
    return {"nelbo": scores["reconstruction_loss"] + scores["kl_loss"], "train_s": seconds}


WORKERS = {"baseline": _baseline, "aekit": _aekit, "vae": _vae}


def _in_subprocess(name, args):
    arguments = ["--worker", name, "--train-data", args.train_data, "--repeats", str(args.repeats),
                 "--target-mse", str(args.target_mse)]
    return run_worker(__file__, arguments + (["--test-data", args.test_data] if args.test_data else []), label=name)


def _time_report():
    print("timing python -m aekit report --data sample …", file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "aekit", "report", "--data", "sample", "--output",
                        f"{folder}/build", "--figures", f"{folder}/figures"], cwd=ROOT, check=True,
                       capture_output=True)
        return time.perf_counter() - started


def _peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _seconds(value):
    return "not reached" if value is None else f"{value:.1f}"


if __name__ == "__main__":
    main()
