import numpy as np
import pytest

from aekit import measures


def test_image_measures_on_drawn_strokes():
    vertical = np.zeros((28, 28), np.float32)
    vertical[4:24, 12:15] = 1.0  # a 3-pixel-wide upright bar
    slanted = np.zeros((28, 28), np.float32)
    for row in range(4, 24):
        column = 14 + (14 - row) // 3  # top to the right
        slanted[row, column:column + 2] = 1.0
    m = measures.measure_images(np.stack([vertical, slanted]).reshape(2, 784))
    assert m.ink[0] == pytest.approx(60.0)
    assert m.thickness[0] == pytest.approx(2 * 60 / 46)  # 2·area/perimeter of a 20×3 bar
    assert abs(m.slant[0]) < 1e-6 and m.slant[1] > 10
    assert (m.centre_x[0], m.centre_y[0]) == pytest.approx((13.0, 13.5))
    assert m.width[0] == pytest.approx(4 * np.sqrt(2 / 3))  # columns 12-14, each with a third of the ink
    assert m.sharpness[0] == 1.0


def test_frechet_distance_is_zero_for_equal_sets_and_grows_with_shift():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(2000, 5))
    assert measures.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)
    assert measures.frechet_distance(a, a + 3.0) == pytest.approx(45.0, rel=1e-6)  # 5 dims × 3²
    wide = rng.normal(scale=2.0, size=(2000, 5))
    assert measures.frechet_distance(a, wide) == pytest.approx(5.0, rel=0.15)  # Σ (σa − σb)²
    with pytest.raises(ValueError, match="features must be two"):
        measures.frechet_distance(a, a[:, :3])


def test_precision_and_recall_tell_few_kinds_from_every_kind():
    """Kynkäänniemi et al.'s measure on sets with known answers: a set against itself is all
    precision and recall, a far-away set none; samples of a few real points (mode collapse) look
    real but cover little; a set spread three times wider (blurry, every kind) the reverse."""
    rng = np.random.default_rng(0)
    real = rng.normal(size=(1000, 8))
    assert measures.precision_recall(real, real) == measures.PrecisionRecall(1.0, 1.0, 3, 1000, 1000)
    far = measures.precision_recall(real, real + 100)
    assert (far.precision, far.recall) == (0.0, 0.0)
    few = measures.precision_recall(real, np.repeat(real[:20], 50, axis=0) + rng.normal(scale=0.01, size=(1000, 8)))
    assert few.precision == 1.0 and few.recall < 0.05
    wide = measures.precision_recall(real, rng.normal(scale=3.0, size=(1000, 8)))
    assert wide.precision < 0.05 and wide.recall > 0.95
    same = measures.precision_recall(real, rng.normal(size=(1000, 8)))  # another draw of the same data
    assert 0.8 < same.precision < 1 and 0.8 < same.recall < 1
    with pytest.raises(ValueError, match="k must be an integer in \\[1, 100\\], got 0"):
        measures.precision_recall(real, real, k=0)
    with pytest.raises(ValueError, match="real_features and generated_features must have as many columns"):
        measures.precision_recall(real, real[:, :3])
    with pytest.raises(ValueError, match="must each hold more than k = 3 rows, got 1000 and 3"):
        measures.precision_recall(real, real[:3])


def test_sharpness_of_a_blurred_image_is_below_its_originals(sample):
    pictures = sample.x_test[:50].reshape(-1, 28, 28)
    blurred = sum(np.roll(np.roll(pictures, dy, axis=1), dx, axis=2) for dy in (-1, 0, 1) for dx in (-1, 0, 1)) / 9
    assert np.all(measures.sharpness(blurred.reshape(50, 784)) < measures.sharpness(sample.x_test[:50]))


def test_class_shares_of_one_class_and_of_every_class(sample):
    """A sample of one class reads as that class alone (mode collapse: the others at 0); the test
    digits read as each class near its share of them."""
    classifier = measures.train_classifier(sample.x_train, sample.y_train, epochs=5)
    threes = sample.x_test[sample.y_test == 3]
    shares = measures.class_shares(classifier, threes, 10)
    assert shares.sum() == pytest.approx(1.0) and shares[3] > 0.9 and shares.argmax() == 3
    every = measures.class_shares(classifier, sample.x_test, 10)
    np.testing.assert_allclose(every, np.bincount(sample.y_test, minlength=10) / len(sample.y_test), atol=0.05)
    with pytest.raises(ValueError, match="classes must be an integer in \\[2, 10000\\], got 1"):
        measures.class_shares(classifier, threes, 1)
    with pytest.raises(ValueError, match="classes must be the classifier's number of classes, 10, got 9"):
        measures.class_shares(classifier, threes, 9)


def test_garment_measures_stay_in_their_ranges():
    """Brightness is the mean of the covered pixels: in [0, 1] even when almost nothing is covered."""
    from aekit.measures import GARMENTS

    pictures = np.zeros((3, 28, 28), np.float32)
    pictures[0, 5:10, 5:10] = 0.6
    pictures[1] = 0.1          # faint everywhere: covers nothing
    pictures[2, 0, 0] = 1.0    # one bright pixel among faint ones
    pictures[2, 1:, :] = 0.15
    measured = GARMENTS.measure(pictures.reshape(3, -1))
    np.testing.assert_allclose(measured["brightness"], [0.6, 0.0, 1.0], atol=1e-6)
    np.testing.assert_allclose(measured["coverage"], [25 / 784, 0.0, 1 / 784], atol=1e-6)
