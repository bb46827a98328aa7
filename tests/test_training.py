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


def test_labels_go_with_their_images_through_the_one_training_path():
    """A model that draws each image from its label alone learns its images only if the epoch
    shuffles images and labels together (measured: MSE 0.0004 here, 0.21 with labels mismatched)."""
    from toy_models import ByLabel, labelled_data

    x, y = labelled_data()
    aekit.set_seed(0)
    model = ByLabel()
    history = aekit.train(model, x, y, epochs=30, batch_size=32, learning_rate=0.05, x_val=x[:64], y_val=y[:64])
    assert history.history["loss"][-1] < 0.01 and history.history["val_loss"][-1] < 0.01
    assert aekit.evaluate(model, x, y)["loss"] < 0.01
    assert aekit.evaluate(model, x, np.roll(y, 1))["loss"] > 0.1  # the wrong labels: the wrong images
    with pytest.raises(ValueError, match="y_train must hold the class label of each image"):
        aekit.train(model, x, epochs=1)
    with pytest.raises(ValueError, match=r"y_train must hold one class label in \[0, 9\] per image"):
        aekit.train(model, x, y + 5, epochs=1)
    *_, plain = aekit.build_autoencoder()  # labels are checked, then left alone: one call trains any model
    with pytest.raises(ValueError, match=r"y_train must hold one class label in \[0, \d+\] per image \(640\)"):
        aekit.train(plain, x, y - 1, epochs=1)
    histories = []
    for labels in (y, None):
        aekit.set_seed(0)
        *_, plain = aekit.build_autoencoder()
        histories.append(aekit.train(plain, x, labels, epochs=2).history)
    assert histories[0] == histories[1]


@pytest.mark.parametrize("frozen", ["left", "right"])
def test_each_player_of_a_two_player_model_updates_only_its_own_weights(frozen, sample):
    from toy_models import TwoPlayers

    aekit.set_seed(0)
    model = TwoPlayers(frozen)
    other = "right" if frozen == "left" else "left"
    before = {name: [w.copy() for w in model.get_layer(name).get_weights()] for name in ("left", "right")}
    history = aekit.train(model, sample.x_train[:256], epochs=2, batch_size=32)
    assert set(history.history) == {"left_loss", "right_loss"}
    for kept, start in zip(model.get_layer(frozen).get_weights(), before[frozen]):
        np.testing.assert_array_equal(kept, start)  # the other player's step left them alone
    assert any(not np.array_equal(new, old) for new, old in zip(model.get_layer(other).get_weights(), before[other]))
