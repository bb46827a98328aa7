"""The classifier the evidence judges images with: pixels → 128 ReLU units → one softmax unit
per class. It trains through aekit's one training path like every model, on the images and their
labels; its hidden layer is the feature space of the Fréchet distances."""

from __future__ import annotations

import dataclasses

from aekit._keras import keras
from aekit.models.base import Trainable
from aekit.models.config import Int, ModelConfig, setting

ops = keras.ops


@dataclasses.dataclass(frozen=True)
class ClassifierConfig(ModelConfig):
    name = "classifier"
    title = "Classifier"

    hidden_units: int = setting(128, Int(1, 4096), "width of its hidden layer, the features")
    classes: int = setting(10, Int(2, 10_000), "how many classes it tells apart")

    def build(self, *, seed=None, input_dim: int = 784) -> "Classifier":
        return Classifier(input_dim, self.hidden_units, self.classes, name="classifier")


CONFIG = ClassifierConfig


@keras.saving.register_keras_serializable(package="aekit")
class Classifier(Trainable, keras.Model):
    """Which class an image shows: ``loss`` is the cross-entropy of the labels, ``accuracy`` the
    share it reads right. The graph gives each class's probability."""

    loss_names = ("loss", "accuracy")
    needs_labels = True

    def __init__(self, input_dim: int = 784, hidden_units: int = ClassifierConfig.hidden_units,
                 classes: int = ClassifierConfig.classes, **kwargs):
        hidden_units = ClassifierConfig.check("hidden_units", hidden_units)
        classes = ClassifierConfig.check("classes", classes)
        image = keras.Input(shape=(input_dim,), name="image")
        features = keras.layers.Dense(hidden_units, activation="relu", name="features")(image)
        probabilities = keras.layers.Dense(classes, activation="softmax", name="probabilities")(features)
        super().__init__(inputs=image, outputs=probabilities, **kwargs)
        self.input_dim, self.hidden_units, self.classes = input_dim, hidden_units, classes
        self.term_trackers = [keras.metrics.Mean(name="accuracy")]

    @property
    def data_width(self) -> int:
        return self.input_dim

    def losses_for(self, images, labels, training=False):
        probabilities = self(images, training=training)
        loss = ops.mean(keras.losses.sparse_categorical_crossentropy(labels, probabilities))
        right = ops.cast(ops.equal(ops.argmax(probabilities, axis=-1), ops.cast(labels, "int32")), "float32")
        return loss, ops.mean(right)

    def features(self, images):
        """The hidden layer's values for ``images`` (a tensor)."""
        return self.get_layer("features")(images)

    def get_config(self):
        return {"name": self.name, "input_dim": self.input_dim, "hidden_units": self.hidden_units,
                "classes": self.classes}
