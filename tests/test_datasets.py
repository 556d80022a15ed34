"""Dataset loaders on Keras's cache and file formats (never downloaded).

tests/fixtures/data/keras_home/datasets holds tiny datasets in Keras's exact file names and
formats; tests/fixtures/data/datasets.npz is what real Keras's ``load_data`` returned on them
(tools/make_data_fixtures.py). Other layouts (Keras 2's CIFAR folder, the original archive
name) are written by the tests themselves.
"""
import io
import json
import os
import pickle
import shutil
import tarfile

import numpy as np
import pytest

from pipeseq import datasets
from pipeseq.datasets import cache

FIX = os.path.join(os.path.dirname(__file__), "fixtures", "data")
REFS = np.load(os.path.join(FIX, "datasets.npz"))
with open(os.path.join(FIX, "datasets.json")) as _fh:
    CASES = json.load(_fh)["cases"]
REFUSED = "http://127.0.0.1:9/"       # nothing listens on the discard port: refused at once


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    home = tmp_path / "keras_home"
    shutil.copytree(os.path.join(FIX, "keras_home"), home)
    monkeypatch.setenv("KERAS_HOME", str(home))
    return home


@pytest.fixture
def offline(monkeypatch):
    """Every loader's URL points at a port that refuses connections."""
    for mod in ("mnist", "imdb", "reuters", "boston_housing", "california_housing",
                "cifar10", "cifar100", "fashion_mnist"):
        m = getattr(datasets, mod)
        for attr in ("ORIGIN", "ORIGIN_FOLDER"):
            if hasattr(m, attr):
                monkeypatch.setattr(m, attr, REFUSED + os.path.basename(getattr(m, attr)))


def _reference(case, key):
    if f"{case}__{key}" in REFS:
        return REFS[f"{case}__{key}"]
    lengths, values = REFS[f"{case}__{key}__lengths"], REFS[f"{case}__{key}__values"]
    return np.split(values, np.cumsum(lengths)[:-1]) if len(lengths) else []


@pytest.mark.parametrize("case", sorted(CASES))
def test_loader_matches_keras_on_keras_format_files(case, keras_home):
    loader, kwargs = CASES[case]["loader"], CASES[case]["kwargs"]
    (x_train, y_train), (x_test, y_test) = getattr(datasets, loader).load_data(**kwargs)
    for key, got in (("x_train", x_train), ("y_train", y_train), ("x_test", x_test),
                     ("y_test", y_test)):
        want = _reference(case, key)
        if isinstance(want, list):                        # ragged sequences
            assert got.dtype == object and got.ndim == 1, (case, key)
            assert [list(s) for s in got] == [list(map(int, s)) for s in want], (case, key)
            assert all(isinstance(s, list) for s in got)
        else:
            assert got.dtype == want.dtype, (case, key, got.dtype, want.dtype)
            np.testing.assert_array_equal(got, want, err_msg=f"{case} {key}")


def test_word_index_and_label_names(keras_home):
    assert datasets.imdb.get_word_index() == json.loads(str(REFS["imdb_word_index"]))
    assert datasets.reuters.get_word_index()["r3"] == 3
    assert len(datasets.reuters.get_label_names()) == 46


def test_imdb_word_index_remapping_decodes_text(keras_home):
    """Word ``i`` of the index appears as ``i + index_from``; 1 starts, 2 is out-of-vocabulary."""
    raw = datasets.safe_pickle.load_npz(os.path.join(keras_home, "datasets", "imdb.npz"))
    (x_train, _), _ = datasets.imdb.load_data(num_words=10, index_from=3, seed=113)
    order = np.arange(len(raw["x_train"]))
    np.random.RandomState(113).shuffle(order)
    index = datasets.imdb.get_word_index()
    words = {i: w for w, i in index.items()}
    for got, original in zip(x_train, raw["x_train"][order]):
        assert got[0] == 1
        decoded = [words.get(i - 3, "?") if i != 2 else "<oov>" for i in got[1:]]
        expected = [words[i] if i + 3 < 10 else "<oov>" for i in original]
        assert decoded == expected


def test_cifar10_from_the_original_archive_sizes_from_content(keras_home):
    (x_train, y_train), (x_test, y_test) = datasets.cifar10.load_data()
    assert x_train.shape == (10, 32, 32, 3) and x_train.dtype == np.uint8
    assert y_train.shape == (10, 1) and y_train.dtype == np.uint8
    assert x_test.shape == (3, 32, 32, 3) and y_test.shape == (3, 1)
    folder = keras_home / "datasets" / "cifar-10-batches-py"
    with open(folder / "data_batch_2", "rb") as fh:
        batch = pickle.load(fh, encoding="bytes")
    np.testing.assert_array_equal(x_train[2:4], batch[b"data"].reshape(2, 3, 32, 32)
                                  .transpose(0, 2, 3, 1))
    assert y_train[2:4, 0].tolist() == batch[b"labels"]


def _write_cifar10_folder(folder, n_per_batch=1):
    rng = np.random.default_rng(0)
    folder.mkdir(parents=True)
    labels = {}
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        d = {b"data": rng.integers(0, 255, (n_per_batch, 3072)).astype("uint8"),
             b"labels": [int(v) for v in rng.integers(0, 10, n_per_batch)]}
        labels[name] = d[b"labels"]
        with open(folder / name, "wb") as fh:
            pickle.dump(d, fh, protocol=3)
    return labels


def test_cifar10_keras2_folder_layout_is_used_as_found(tmp_path, monkeypatch, offline):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    labels = _write_cifar10_folder(tmp_path / "datasets" / "cifar-10-batches-py")
    (x_train, y_train), (x_test, y_test) = datasets.cifar10.load_data()
    assert y_train[:, 0].tolist() == sum((labels[f"data_batch_{i}"] for i in range(1, 6)), [])
    assert y_test[:, 0].tolist() == labels["test_batch"]


def test_cifar10_channels_first(tmp_path, monkeypatch, offline):
    from pipeseq import backend
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    _write_cifar10_folder(tmp_path / "datasets" / "cifar-10-batches-py-target"
                          / "cifar-10-batches-py")
    monkeypatch.setattr(backend, "_IMAGE_DATA_FORMAT", "channels_first")
    (x_train, _), _ = datasets.cifar10.load_data()
    assert x_train.shape == (5, 3, 32, 32)


def test_pickle_with_code_is_refused(tmp_path, monkeypatch, offline):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    folder = tmp_path / "datasets" / "cifar-100-python"
    folder.mkdir(parents=True)

    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned",))
    with open(folder / "train", "wb") as fh:
        pickle.dump({b"data": Evil()}, fh)
    with pytest.raises(pickle.UnpicklingError, match="Refusing to load `(posix|os).system`"):
        datasets.cifar100.load_data()


def test_offline_error_is_fast_and_names_file_and_folder(tmp_path, monkeypatch, offline):
    """A refused connection fails at once; an unanswered one after DOWNLOAD_TIMEOUT seconds."""
    import urllib.request
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(cache, "DOWNLOAD_TIMEOUT", 3.0)
    timeouts = []
    real_urlopen = urllib.request.urlopen

    def urlopen(url, timeout=None):
        timeouts.append(timeout)
        return real_urlopen(url, timeout=timeout)
    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    with pytest.raises(cache.DownloadError) as err:
        datasets.mnist.load_data()
    assert timeouts == [3.0]                                 # never an unbounded wait
    msg = str(err.value)
    assert "'mnist.npz'" in msg and str(tmp_path / "datasets") in msg and "offline" in msg
    assert os.listdir(tmp_path / "datasets") == []          # no partial file left behind
    with pytest.raises(cache.DownloadError, match="cifar-10-python.tar.gz"):
        datasets.cifar10.load_data()


def test_cached_file_with_other_hash_is_used_not_replaced(tmp_path, monkeypatch, offline):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    (tmp_path / "datasets").mkdir()
    x = np.arange(26, dtype="float64").reshape(2, 13)
    np.savez(tmp_path / "datasets" / "boston_housing.npz", x=x, y=np.array([1.0, 2.0]))
    (x_train, y_train), (x_test, y_test) = datasets.boston_housing.load_data(test_split=0.5)
    assert sorted(y_train.tolist() + y_test.tolist()) == [1.0, 2.0]


def test_read_only_cache_is_read_in_place(keras_home, monkeypatch, offline):
    """A shared read-only KERAS_HOME (offline cluster): files are read there, not looked for
    in the /tmp fallback that downloads would use."""
    monkeypatch.setattr(cache, "_writable", lambda path: False)
    (x, _), _ = datasets.mnist.load_data()
    (xc, _), _ = datasets.cifar100.load_data()
    assert x.shape[1:] == (28, 28) and xc.shape[1:] == (32, 32, 3)


def test_bad_arguments_are_refused_before_any_download(tmp_path, monkeypatch, offline):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    with pytest.raises(ValueError, match="label_mode"):
        datasets.cifar100.load_data(label_mode="medium")
    with pytest.raises(ValueError, match="test_split"):
        datasets.boston_housing.load_data(test_split=1.0)
    with pytest.raises(ValueError, match="version"):
        datasets.california_housing.load_data(version="tiny")
    with pytest.raises(TypeError, match="Unrecognized keyword"):
        datasets.imdb.load_data(num_word=10)
    assert not (tmp_path / "datasets").exists() or os.listdir(tmp_path / "datasets") == []


def test_imdb_keras1_nb_words(keras_home):
    with pytest.warns(DeprecationWarning, match="num_words"):
        (a, _), _ = datasets.imdb.load_data(nb_words=12)
    (b, _), _ = datasets.imdb.load_data(num_words=12)
    assert [list(s) for s in a] == [list(s) for s in b]


def test_compat_modules(keras_home):
    from compat.datasets import boston_housing, imdb, mnist, reuters
    import compat.datasets.cifar100 as cifar100
    import compat
    (x, y), _ = mnist.load_data()
    assert x.shape[1:] == (28, 28)
    assert imdb.get_word_index is datasets.imdb.get_word_index
    assert reuters.get_label_names()[0] == "cocoa"
    assert compat.datasets.fashion_mnist.load_data is datasets.fashion_mnist.load_data
    assert cifar100.load_data is datasets.cifar100.load_data and boston_housing.load_data
    with pytest.raises(AttributeError, match="Did you mean 'mnist'"):
        compat.datasets.mnsit


def test_r_dataset_lists_keep_r_structure(keras_home):
    from pipeseq import dataset_boston_housing, dataset_imdb, dataset_mnist, dataset_cifar100
    mnist = dataset_mnist()
    np.testing.assert_array_equal(mnist["train"]["x"], mnist.train.x)
    assert mnist.names() == ["train", "test"] and mnist.train.names() == ["x", "y"]
    (x_train, y_train), (x_test, y_test) = mnist
    assert x_train is mnist.train.x and y_test is mnist.test.y
    assert mnist[0] is mnist.train and mnist[1][1] is mnist.test.y
    imdb = dataset_imdb(num_words=12)
    assert isinstance(imdb.train.x, list) and isinstance(imdb.train.x[0], list)
    assert imdb.train.y.dtype == np.int32
    raw = dataset_imdb(num_words=12, convert=False)
    assert raw.train.x.dtype == object
    assert dataset_cifar100("coarse").train.y.max() < 20
    assert "$train$x" in repr(dataset_boston_housing())


def test_archive_members_outside_the_folder_are_skipped(tmp_path):
    archive = tmp_path / "evil.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name in ("ok/file.txt", "../escape.txt"):
            info = tarfile.TarInfo(name)
            info.size = 2
            tar.addfile(info, io.BytesIO(b"hi"))
    with pytest.warns(UserWarning, match="escape.txt"):
        assert cache.extract_archive(str(archive), str(tmp_path / "out"))
    assert (tmp_path / "out" / "ok" / "file.txt").exists()
    assert not (tmp_path / "escape.txt").exists()
