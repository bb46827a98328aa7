"""aekit.train, the one training path (its quality targets are checked in test_variations.py)."""

import numpy as np
import pytest

import aekit


def test_history_has_every_loss_per_epoch_and_keeps_the_last_small_batch(sample, capsys):
    aekit.set_seed(0)
    _, _, vae = aekit.build_vae()
    history = aekit.train(vae, sample.x_train[:100], epochs=3, batch_size=32,
                          x_val=sample.x_test[:50], verbose=1)  # 100 = 3 × 32 + 4
    assert history.epoch == [0, 1, 2]
    assert {k: len(v) for k, v in history.history.items()} == {
        name: 3 for name in ("loss", "reconstruction_loss", "kl_loss",
                             "val_loss", "val_reconstruction_loss", "val_kl_loss")}
    assert vae.optimizer.iterations.numpy() == 3 * 4  # four steps per epoch, the last of 4 images
    assert capsys.readouterr().out.count("epoch ") == 3


@pytest.mark.parametrize("kwargs, message", [
    ({"epochs": 0}, r"epochs must be an integer in \[1, 100000\]"),
    ({"batch_size": 2.0}, "batch_size must be an integer"),
    ({"learning_rate": -1}, r"learning_rate must be a finite number in \(0.0, 10.0\]"),
    ({"x_val": np.zeros((2, 10))}, r"x_val must have shape \(n, 784\)"),
])
def test_bad_training_arguments_are_named(kwargs, message, sample):
    *_, autoencoder = aekit.build_autoencoder()
    with pytest.raises(ValueError, match=message):
        aekit.train(autoencoder, sample.x_train[:10], **kwargs)


def test_on_epoch_end_sees_each_epochs_losses(sample):
    seen = []
    *_, autoencoder = aekit.build_autoencoder()
    history = aekit.train(autoencoder, sample.x_train[:64], epochs=2, x_val=sample.x_test[:16],
                          on_epoch_end=lambda epoch, logs: seen.append((epoch, logs)))
    assert [epoch for epoch, _ in seen] == [0, 1]
    assert seen[1][1] == {"loss": history.history["loss"][1], "val_loss": history.history["val_loss"][1]}
    with pytest.raises(ValueError, match="on_epoch_end must be callable"):
        aekit.train(autoencoder, sample.x_train[:64], on_epoch_end="print")
