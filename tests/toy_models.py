"""Two toy models that prove aekit's one training path on what the real models will need: labels
(a conditional model) and two players, each updating only its own weights (a GAN)."""

import numpy as np

from aekit.models import Step, Trainable
from aekit.models.base import keras

ops = keras.ops


class ByLabel(Trainable, keras.Model):
    """Draws each image from its label alone (a one-hot through a Dense layer): it reconstructs its
    training images only if every image arrives with its own label."""

    needs_labels, classes = True, 10
    data_width = 784

    def __init__(self, **kwargs):
        image = keras.Input((784,), name="image")
        label = keras.Input((), dtype="int32", name="label")
        drawn = keras.layers.Dense(784, activation="sigmoid", name="draw")(ops.one_hot(label, 10))
        super().__init__([image, label], drawn, **kwargs)

    def losses_for(self, images, labels, training=False):
        return (ops.mean(ops.square(self([images, labels], training=training) - images)),)


class TwoPlayers(Trainable, keras.Model):
    """Two players, ``left`` (784 → 4) and ``right`` (4 → 784), each with its own step; the
    ``frozen`` player's loss has a zero gradient, so its weights move only if the other's step leaks."""

    loss_names = ("left_loss", "right_loss")
    data_width = 784

    def __init__(self, frozen: str = "", **kwargs):
        image = keras.Input((784,), name="image")
        left, right = keras.layers.Dense(4, name="left"), keras.layers.Dense(784, name="right")
        super().__init__(image, right(left(image)), **kwargs)
        self.frozen = frozen

    def steps(self):
        def loss(images, training=False):
            return (ops.mean(ops.square(self(images, training=training) - images)),)

        def flat(images, training=False):  # the player's gradient is zero: Adam then leaves it alone
            own = sum(ops.sum(weight) for weight in self.get_layer(self.frozen).trainable_variables)
            return (ops.stop_gradient(loss(images, training=training)[0]) + 0.0 * own,)

        return [Step(name, self.get_layer(name).trainable_variables, flat if self.frozen == name else loss,
                     (f"{name}_loss",), beta_1=0.5) for name in ("left", "right")]


def labelled_data(n=640, seed=0):
    """Ten random binary templates; each image is its label's template."""
    rng = np.random.default_rng(seed)
    templates = (rng.random((10, 784)) < 0.3).astype(np.float32)
    labels = rng.integers(0, 10, n)
    return templates[labels], labels


def graph_inputs(model, images, labels):
    """What ``model``'s graph takes for these examples, input by input: the images (an autoencoder,
    a classifier), noise of its width (a GAN's generator, seeded), the labels (a conditional model)."""
    rng = np.random.default_rng(0)
    found = [np.asarray(labels[:len(images)], np.int32) if "int" in str(tensor.dtype)
             else rng.standard_normal((len(images), tensor.shape[-1])).astype(np.float32) if tensor.name == "noise"
             else images for tensor in model.inputs]
    return found if len(found) > 1 else found[0]
