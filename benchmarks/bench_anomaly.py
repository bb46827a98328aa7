"""Q3's anomaly detectors on the official test sets: every digit left out in turn, and both
directions between MNIST and Fashion-MNIST.

    python benchmarks/bench_anomaly.py [--train-data sample] [--classes 0,1,...,9]

For each left-out digit, trains Q3's three default models (epochs 15, batch 64, code of 8) on the
training digits without it (at most 4,000 of the embedded sample) and scores the official 10,000
MNIST test digits (that digit against the others) and the 10,000 Fashion-MNIST test images. Then
trains on 4,000 Fashion-MNIST training images and scores its test images against the MNIST test
digits (the direction in which likelihoods fail). Prints Markdown tables of AUROCs, and the
median seconds of training and scoring.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from _common import SHARED_DATA, machine

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train-data", default="sample", help="aekit.load_mnist source (default: sample)")
    parser.add_argument("--classes", default="0,1,2,3,4,5,6,7,8,9", help="digits to leave out in turn")
    args = parser.parse_args()

    import aekit
    from aekit import anomaly

    train = aekit.load_mnist(args.train_data)
    t10k = aekit.load_mnist(SHARED_DATA / "mnist-t10k")
    fashion = aekit.load_fashion_mnist(SHARED_DATA / "fashion-mnist")
    print(f"Machine: {machine()}; training: "
          f"{train.source}; test: the official MNIST and Fashion-MNIST test sets (10,000 each)\n")
    header = "| left out | " + " | ".join(anomaly.SCORES) + " | other data set: " + " | ".join(anomaly.SCORES) + " |"
    print(header, "|---|" + "---|" * 2 * len(anomaly.SCORES), sep="\n", flush=True)
    seconds = []
    for digit in map(int, args.classes.split(",")):
        started = time.perf_counter()
        here = anomaly.split(train, digit)
        detectors = anomaly.train_detectors(here.x_train, trained_on="MNIST")
        kept = t10k.y_test != digit
        found = anomaly.compare(detectors, t10k.x_test[kept], {"class": ("", t10k.x_test[~kept]),
                                                               "other": ("", fashion.x_test)}, normal_name="")
        seconds.append(time.perf_counter() - started)
        print(f"| {digit} | " + " | ".join(f"{found['class'].auroc(s):.3f}" for s in anomaly.SCORES) + " | "
              + " | ".join(f"{found['other'].auroc(s):.3f}" for s in anomaly.SCORES) + " |", flush=True)
    print(f"\nMedian seconds per left-out digit (train three models, score 20,000 images): "
          f"{statistics.median(seconds):.1f}\n")
    detectors = anomaly.train_detectors(fashion.x_train[:4000], trained_on="Fashion-MNIST")
    reverse = anomaly.compare(detectors, fashion.x_test, {"mnist": ("", t10k.x_test)}, normal_name="")["mnist"]
    print("| trained on Fashion-MNIST, MNIST anomalous | " + " | ".join(anomaly.SCORES) + " |")
    print("|---|" + "---|" * len(anomaly.SCORES))
    print("| AUROC | " + " | ".join(f"{reverse.auroc(s):.3f}" for s in anomaly.SCORES) + " |")


if __name__ == "__main__":
    main()
