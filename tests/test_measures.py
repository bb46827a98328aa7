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
