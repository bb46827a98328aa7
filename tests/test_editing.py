import numpy as np

import aekit
from aekit import editing, measures


def test_edit_report_is_computed_from_the_models(sample):
    aekit.set_seed(0)
    encoder, decoder, autoencoder = aekit.build_autoencoder()
    aekit.train(autoencoder, sample.x_train[:1000], epochs=3)
    classifier = measures.train_classifier(sample.x_train[:1000], sample.y_train[:1000], epochs=3)
    train_codes = aekit.encode(encoder, sample.x_train[:1000])
    adjustments = [aekit.Adjustment(0, scale=1000.0), aekit.Adjustment(1, scale=1.0)]
    report = editing.describe_adjustments(encoder, decoder, sample.x_test[0], adjustments,
                                          train_codes, classifier, data=sample)
    assert [row["panel"] for row in report.rows] == ["reconstruction", "z[0] × 1000", "z[1] × 1"]
    far, identity = report.sentences
    assert "outside the range of all 1,000 training codes" in far
    ink = f"{report.rows[0]['measures']['ink']:.0f}"
    assert "pixel MSE 0.0000" in identity and f"ink {ink} → {ink}" in identity  # nothing changed
    assert "thickness" in identity and "slant" in identity and "classifier still reads a" in identity
    markdown = report.to_markdown()
    assert markdown.startswith("| panel |") and "| thickness (px) |" in markdown
    assert "z[0] × 1000" in report._repr_markdown_() and report.outside == ["z[0] × 1000"]


def test_garments_are_measured_and_named_as_garments():
    fashion = aekit.Dataset(*(np.zeros((0, 784), np.float32), np.zeros(0, np.int64)) * 2, "test",
                            name="fashion_mnist", class_names=aekit.data.CLASS_NAMES["fashion_mnist"])
    aekit.set_seed(0)
    encoder, decoder, _ = aekit.build_autoencoder()
    images = np.random.default_rng(0).random((40, 784), dtype=np.float32)
    classifier = measures.train_classifier(images, np.arange(40) % 10, epochs=1)
    report = editing.describe_adjustments(encoder, decoder, images[0], [aekit.Adjustment(0, scale=5)],
                                          aekit.encode(encoder, images), classifier, data=fashion)
    text = report.to_markdown()
    assert "| coverage | brightness | width (px) | height (px) | sharpness |" in text
    assert "“" in report.sentences[0] and "digit" not in text and "thickness" not in text


def test_photographs_without_classes_are_described_without_a_classifier():
    photos = aekit.Dataset(*(np.zeros((0, 12288), np.float32), np.zeros(0, np.int64)) * 2, "test",
                           name="images", image_shape=(64, 64, 3), class_names=("faces",))
    encoder, decoder, _ = aekit.build_autoencoder(input_dim=12288, hidden_units=32, latent_dim=4,
                                                  output_activation="tanh")
    images = np.random.default_rng(0).random((5, 12288), dtype=np.float32)
    report = editing.describe_adjustments(encoder, decoder, images[0], [aekit.Adjustment(0, scale=5)],
                                          aekit.encode(encoder, images), None, data=photos)
    assert "colour balance (red − blue)" in report.to_markdown() and "classifier" not in report.to_markdown()
    assert "brightness" in report.sentences[0] and "contrast" in report.sentences[0]
    assert report.summary().startswith("The one edit") and "classifier" not in report.summary()
    bottleneck = editing.measure_reconstructions(images, np.zeros(5, int), images, None, shown=5, data=photos)
    assert bottleneck.to_markdown() == "Held-out reconstructions have MSE 0.0000 per pixel."
