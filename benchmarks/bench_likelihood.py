"""The VAE's held-out log-likelihood on the official MNIST test set, as the literature reports it.

    python benchmarks/bench_likelihood.py [--train-data sample] [--test-data PATH] [--k 1000]

Trains Q1's default VAE (784 → 64 → 2, 40 epochs, batch 16) twice: on grey images, as the notebook
does, and on stochastically binarised ones (each pixel drawn once as Bernoulli of its intensity,
seed 0), the convention of published MNIST log-likelihoods. For each, on the test images (grey,
or binarised with seed 1): the negative ELBO, the importance-weighted bounds on −log p(x) for
k = 1, 10, 100 and --k samples (Burda et al.), with seconds to compute, the KL per latent element
and the active units. Prints one Markdown table.
"""

from __future__ import annotations

import argparse
import os
import time

from _common import SHARED_DATA, machine

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
SHARED_T10K = SHARED_DATA / "mnist-t10k"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train-data", default="sample", help="aekit.load_mnist source (default: sample)")
    parser.add_argument("--test-data", default=str(SHARED_T10K), help="held-out MNIST (default: ../shared)")
    parser.add_argument("--k", type=int, default=1000, help="samples of the tightest bound")
    args = parser.parse_args()

    import aekit
    from aekit import likelihood

    train, test = aekit.load_mnist(args.train_data), aekit.load_mnist(args.test_data)
    print(f"Machine: {machine()}; "
          f"training: {train.source} ({len(train.x_train):,} images); test: {test.source} "
          f"({len(test.x_test):,} images)\n")
    ks = (1, 10, 100, args.k)
    print("| images | negative ELBO | " + " | ".join(f"−log p(x) ≥, k = {k:,}" for k in ks)
          + " | KL per element | active units | training s |")
    print("|---" * (len(ks) + 5) + "|")
    for name, x_train, x_test in (
            ("grey", train.x_train, test.x_test),
            ("binarised", likelihood.binarise(train.x_train, seed=0), likelihood.binarise(test.x_test, seed=1))):
        aekit.set_seed(0)
        *_, vae = aekit.build_vae(seed=0)
        start = time.perf_counter()
        aekit.train(vae, x_train)
        trained = time.perf_counter() - start
        losses = vae.evaluate(x_test, batch_size=1000, verbose=0, return_dict=True)
        cells = []
        for k in ks:
            start = time.perf_counter()
            bound = likelihood.log_likelihood(vae, x_test, k=k, seed=0).mean()
            cells.append(f"{-bound:.1f} ({time.perf_counter() - start:.0f} s)")
        kl = likelihood.kl_per_element(vae, x_test)
        active = likelihood.active_units(vae, x_test)
        print(f"| {name} | {losses['reconstruction_loss'] + losses['kl_loss']:.1f} | " + " | ".join(cells)
              + f" | {', '.join(f'{v:.2f}' for v in kl)} | {int(active.sum())} of {len(active)} | {trained:.0f} |")


if __name__ == "__main__":
    main()
