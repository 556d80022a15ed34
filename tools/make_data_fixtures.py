#!/usr/bin/env python
"""Generate the data-loading fixtures with real Keras (dev-only tool).

    KERAS_BACKEND=tensorflow /work/kerasenv/bin/python tools/make_data_fixtures.py

Writes ``tests/fixtures/data/``:

* ``keras_home/datasets/``: tiny datasets (a few samples each, random from fixed seeds) in
  Keras's exact cache names and on-disk formats (``mnist.npz``, ``imdb.npz`` with pickled
  object arrays, ``imdb_word_index.json``, ``reuters.npz``, ``fashion-mnist/*-ubyte.gz`` IDX
  files, the CIFAR tar.gz archives of pickled batches, the housing ``.npz``);
* ``datasets.npz``: what Keras's own ``load_data`` returns on those files for a table of
  argument sets (``<case>__x_train`` ...; object arrays of sequences are stored as a flat
  ``__values`` array plus ``__lengths``);
* ``preprocessing.npz`` + ``preprocessing.json``: reference outputs of ``pad_sequences``,
  ``Tokenizer`` (``texts_to_sequences``, ``texts_to_matrix`` in every mode, ``word_index``,
  ``to_json``), ``ImageDataGenerator.apply_transform`` with fixed parameters,
  ``standardize``, ``timeseries_dataset_from_array`` batches (see ``preprocessing_cases``).

Keras's CIFAR-10 loader assumes 50000 training images, so it cannot read a tiny archive; the
CIFAR-10 archive is written here in the same format and checked by the tests against its
known contents. Keras hashes a cached file and re-downloads on mismatch; this tool turns that
check off (the files are not Keras's real ones) so Keras reads them offline.
"""
import gzip
import io
import json
import os
import pickle
import shutil
import sys
import tarfile

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(REPO, "tests", "fixtures", "data")


# --- tiny datasets in Keras's formats ---------------------------------------------------------
def _npz_with_objects(path, **arrays):
    np.savez(path, **arrays)


def _ragged(rng, n, vocab, lo=1, hi=12):
    out = np.empty(n, dtype=object)
    for i in range(n):
        out[i] = [int(v) for v in rng.integers(1, vocab, size=rng.integers(lo, hi))]
    return out


def _idx(path, arr):
    magic = 2049 if arr.ndim == 1 else 2051
    header = magic.to_bytes(4, "big") + b"".join(int(d).to_bytes(4, "big") for d in arr.shape)
    with gzip.open(path, "wb") as fh:
        fh.write(header + arr.astype("uint8").tobytes())


def _tar(path, inner, members):
    with tarfile.open(path, "w:gz") as tar:
        for name, payload in members.items():
            info = tarfile.TarInfo(f"{inner}/{name}")
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))


def _cifar_batch(rng, n, label_keys):
    d = {b"batch_label": b"tiny", b"data": (rng.integers(0, 4, (n, 3072)) * 85).astype("uint8"),
         b"filenames": [f"img_{i}.png".encode() for i in range(n)]}
    for key, classes in label_keys.items():
        d[key.encode()] = [int(v) for v in rng.integers(0, classes, n)]
    return pickle.dumps(d, protocol=3)


def write_datasets(folder):
    rng = np.random.default_rng(16)
    os.makedirs(os.path.join(folder, "fashion-mnist"), exist_ok=True)
    np.savez(os.path.join(folder, "mnist.npz"),
             x_train=rng.integers(0, 256, (6, 28, 28)).astype("uint8"),
             y_train=rng.integers(0, 10, 6).astype("uint8"),
             x_test=rng.integers(0, 256, (3, 28, 28)).astype("uint8"),
             y_test=rng.integers(0, 10, 3).astype("uint8"))
    for prefix, n in (("train", 5), ("t10k", 2)):
        _idx(os.path.join(folder, "fashion-mnist", f"{prefix}-labels-idx1-ubyte.gz"),
             rng.integers(0, 10, n))
        _idx(os.path.join(folder, "fashion-mnist", f"{prefix}-images-idx3-ubyte.gz"),
             rng.integers(0, 256, (n, 28, 28)))
    _npz_with_objects(os.path.join(folder, "imdb.npz"), x_train=_ragged(rng, 9, 30),
                      y_train=rng.integers(0, 2, 9), x_test=_ragged(rng, 7, 30),
                      y_test=rng.integers(0, 2, 7))
    words = [f"w{i}" for i in range(1, 30)]
    with open(os.path.join(folder, "imdb_word_index.json"), "w") as fh:
        json.dump({w: i for i, w in enumerate(words, 1)}, fh)
    _npz_with_objects(os.path.join(folder, "reuters.npz"), x=_ragged(rng, 12, 40),
                      y=rng.integers(0, 46, 12))
    with open(os.path.join(folder, "reuters_word_index.json"), "w") as fh:
        json.dump({f"r{i}": i for i in range(1, 40)}, fh)
    np.savez(os.path.join(folder, "boston_housing.npz"), x=rng.normal(size=(21, 13)),
             y=rng.uniform(5, 50, 21))
    np.savez(os.path.join(folder, "california_housing.npz"),
             x=rng.normal(size=(30, 8)).astype("float32"),
             y=rng.uniform(1e4, 5e5, 30).astype("float32"))
    _tar(os.path.join(folder, "cifar-100-python-target_archive"), "cifar-100-python",
         {"train": _cifar_batch(rng, 4, {"fine_labels": 100, "coarse_labels": 20}),
          "test": _cifar_batch(rng, 3, {"fine_labels": 100, "coarse_labels": 20}),
          "meta": pickle.dumps({b"fine_label_names": [], b"coarse_label_names": []}, 3)})
    batches = {f"data_batch_{i}": _cifar_batch(rng, 2, {"labels": 10}) for i in range(1, 6)}
    batches["test_batch"] = _cifar_batch(rng, 3, {"labels": 10})
    batches["batches.meta"] = pickle.dumps({b"label_names": [b"airplane"]}, 3)
    _tar(os.path.join(folder, "cifar-10-python.tar.gz"), "cifar-10-batches-py", batches)


DATASET_CASES = {
    "mnist": ("mnist", {}), "fashion_mnist": ("fashion_mnist", {}),
    "cifar100_fine": ("cifar100", {}), "cifar100_coarse": ("cifar100", {"label_mode": "coarse"}),
    "imdb": ("imdb", {}),
    "imdb_vocab": ("imdb", {"num_words": 12, "skip_top": 4, "seed": 3}),
    "imdb_maxlen": ("imdb", {"maxlen": 8, "oov_char": None, "num_words": 20}),
    "imdb_nostart": ("imdb", {"start_char": None, "index_from": 0}),
    "imdb_nostart_shift": ("imdb", {"start_char": None, "index_from": 2}),
    "reuters": ("reuters", {}),
    "reuters_split": ("reuters", {"test_split": 0.3, "num_words": 15, "maxlen": 10, "seed": 5}),
    "boston": ("boston_housing", {}),
    "boston_split": ("boston_housing", {"test_split": 0.5, "seed": 7}),
    "california": ("california_housing", {}),
    "california_small": ("california_housing", {"version": "small", "test_split": 0.1}),
}


def _store(out, key, arr):
    arr = np.asarray(arr)
    if arr.dtype == object:
        out[key + "__lengths"] = np.array([len(s) for s in arr], dtype="int64")
        out[key + "__values"] = np.array([v for s in arr for v in s], dtype="int64")
    else:
        out[key] = arr


def dataset_references(keras):
    import keras.src.utils.file_utils as fu
    fu.validate_file = lambda *a, **k: True      # tiny files: never re-download
    out, meta = {}, {}
    for case, (name, kwargs) in DATASET_CASES.items():
        module = getattr(keras.datasets, name)
        (x_train, y_train), (x_test, y_test) = module.load_data(**kwargs)
        for key, arr in (("x_train", x_train), ("y_train", y_train), ("x_test", x_test),
                         ("y_test", y_test)):
            _store(out, f"{case}__{key}", arr)
        meta[case] = {"loader": name, "kwargs": kwargs}
    out["imdb_word_index"] = np.array(json.dumps(keras.datasets.imdb.get_word_index()))
    return out, meta


def main():
    import keras
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    home = os.path.join(OUT, "keras_home")
    write_datasets(os.path.join(home, "datasets"))
    os.environ["KERAS_HOME"] = home       # read by the loaders through keras_home() at call time
    import keras.src.backend.config as cfg
    cfg._KERAS_DIR = home
    refs, meta = dataset_references(keras)
    # Keras 3 extracted the CIFAR-100 archive next to it; keep only the archive in the fixture.
    shutil.rmtree(os.path.join(home, "datasets", "cifar-100-python-target"), ignore_errors=True)
    np.savez_compressed(os.path.join(OUT, "datasets.npz"), **refs)
    with open(os.path.join(OUT, "datasets.json"), "w") as fh:
        json.dump({"cases": meta, "versions": {"keras": keras.__version__,
                                               "numpy": np.__version__}}, fh, indent=1)
    if "--datasets-only" not in sys.argv:
        from make_preprocessing_fixtures import main as preprocessing_main
        preprocessing_main(OUT)
    print("wrote", OUT)


if __name__ == "__main__":
    main()
