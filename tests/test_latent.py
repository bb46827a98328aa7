import numpy as np
import pytest

import aekit


def test_adjust_latent_returns_a_new_array_and_leaves_z_alone():
    z = np.array([1.0, -2.0], dtype=np.float32)
    scaled = aekit.adjust_latent(z, 0, scale=5.0)
    shifted = aekit.adjust_latent(z, 1, offset=0.5)
    fixed = aekit.adjust_latent(z, 1, value=3.0)
    np.testing.assert_array_equal(scaled, [5.0, -2.0])
    np.testing.assert_array_equal(shifted, [1.0, -1.5])
    np.testing.assert_array_equal(fixed, [1.0, 3.0])
    np.testing.assert_array_equal(z, [1.0, -2.0])
    scaled[1] = 99.0  # the result does not alias the input
    np.testing.assert_array_equal(z, [1.0, -2.0])


def test_successive_edits_do_not_leak_into_each_other():
    z = np.array([[2.0, 4.0], [1.0, 1.0]], dtype=np.float32)
    edits = [aekit.adjust_latent(z, dim, scale=factor) for dim in (0, 1) for factor in (5.0, 0.2)]
    np.testing.assert_allclose(edits[0], [[10, 4], [5, 1]])
    np.testing.assert_allclose(edits[1], [[0.4, 4], [0.2, 1]])
    np.testing.assert_allclose(edits[3], [[2, 0.8], [1, 0.2]])


@pytest.mark.parametrize("call, message", [
    (lambda z: aekit.adjust_latent(z, 2, scale=5), r"dim must be an integer in \[0, 1\], got 2"),
    (lambda z: aekit.adjust_latent(z, -1, scale=5), r"dim must be an integer in \[0, 1\], got -1"),
    (lambda z: aekit.adjust_latent(z, 0, scale=float("nan")), "scale must be a finite number"),
    (lambda z: aekit.adjust_latent(z, 0, value=float("inf")), "value must be a finite number"),
    (lambda z: aekit.adjust_latent(z, 0, scale=5, offset=1), "exactly one of"),
    (lambda z: aekit.adjust_latent(z, 0), "exactly one of"),
    (lambda z: aekit.adjust_latent([np.nan, 1], 0, scale=2), "z must hold finite numbers"),
])
def test_bad_edits_say_what_is_valid(call, message):
    with pytest.raises(ValueError, match=message):
        call(np.zeros(2, dtype=np.float32))


def test_encode_decode_shapes_and_vae_means(sample):
    encoder, decoder, _ = aekit.build_autoencoder()
    codes = aekit.encode(encoder, sample.x_test[:10])
    assert codes.shape == (10, 2) and codes.dtype == np.float32
    assert aekit.decode(decoder, codes).shape == (10, 784)
    vae_encoder, _, _ = aekit.build_vae(seed=0)
    first, second = aekit.encode(vae_encoder, sample.x_test[:10]), aekit.encode(vae_encoder, sample.x_test[:10])
    np.testing.assert_array_equal(first, second)  # the means, not a random sample


def test_encode_and_decode_reject_mismatched_inputs():
    encoder, decoder, _ = aekit.build_autoencoder()
    with pytest.raises(ValueError, match=r"images must have shape \(n, 784\)"):
        aekit.encode(encoder, np.zeros((3, 100)))
    with pytest.raises(ValueError, match=r"images must hold pixel values in \[0, 1\], got values in \[255, 255\]"):
        aekit.encode(encoder, np.full((3, 784), 255.0))
    with pytest.raises(ValueError, match=r"codes must have shape \(n, 2\)"):
        aekit.decode(decoder, np.zeros((3, 3)))


def test_adjustment_labels_say_what_was_done():
    labels = [a.label for a in aekit.scale_adjustments([0, 1], [5.0, 0.2])]
    assert labels == ["z[0] × 5", "z[0] ÷ 5", "z[1] × 5", "z[1] ÷ 5"]
    assert aekit.Adjustment(2, offset=-1.5).label == "z[2] − 1.5"
    assert aekit.Adjustment(0, value=3).label == "z[0] = 3"
    np.testing.assert_array_equal(aekit.Adjustment(1, scale=2).apply([1.0, 2.0]), [1.0, 4.0])
    with pytest.raises(ValueError, match="dim must be an integer >= 0"):
        aekit.Adjustment(-1, scale=2)
    with pytest.raises(ValueError, match="exactly one of"):
        aekit.Adjustment(0)


def test_sampling_and_interpolation_helpers():
    prior = aekit.latent.sample_codes(20_000, 2, seed=1)
    assert prior.shape == (20_000, 2)
    np.testing.assert_allclose(prior.std(axis=0), 1.0, atol=0.03)
    codes = np.random.default_rng(2).normal(loc=[10, -5], scale=[3, 0.5], size=(5000, 2))
    fitted = aekit.latent.sample_codes(20_000, 2, seed=1, codes=codes)
    np.testing.assert_allclose(fitted.mean(axis=0), [10, -5], atol=0.1)
    path = aekit.latent.interpolate_codes([[0.0, 0.0]], [[4.0, 2.0]], steps=5)
    np.testing.assert_allclose(path[0], [[0, 0], [1, 0.5], [2, 1], [3, 1.5], [4, 2]])
