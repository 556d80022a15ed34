"""Valid but unusual files still load, with exactly the saved values: compressed and
chunked datasets (the standard filters), compact storage, deflated archives with extra
members, unicode layer names, split attributes, symlinks to a file."""
import os
import zipfile

import h5py
import numpy as np
import pytest

from pipeseq import Input, Sequential
from pipeseq.layers import Dense
from pipeseq.saving import api

from .helpers import assert_loads, craft, make_model, read_zip, write_zip

X = np.linspace(-1, 1, 12, dtype="float32").reshape(4, 3)


def _datasets(f):
    paths = []
    f.visititems(lambda n, o: paths.append(n) if isinstance(o, h5py.Dataset) else None)
    return paths


def _compact(f, p, value):
    space = h5py.h5s.create_simple(value.shape) if value.ndim else \
        h5py.h5s.create(h5py.h5s.SCALAR)
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_layout(h5py.h5d.COMPACT)
    dsid = h5py.h5d.create(f.id, p.encode(), h5py.h5t.py_create(value.dtype), space, dcpl=dcpl)
    dsid.write(h5py.h5s.ALL, h5py.h5s.ALL, np.ascontiguousarray(value))


STORAGE = {
    "gzip_shuffle_fletcher32": dict(compression="gzip", shuffle=True, fletcher32=True),
    "lzf": dict(compression="lzf"),
    "one_row_chunks": dict(),
    "compact": None,
}


def rewrite_storage(f, storage):
    """Rewrite every dataset of ``f`` (same values) with the given storage."""
    for p in _datasets(f):
        value = f[p][()]
        del f[p]
        if storage == "compact":
            _compact(f, p, value)
        elif value.ndim == 0:
            f.create_dataset(p, data=value)
        else:
            f.create_dataset(p, data=value, chunks=(1,) + value.shape[1:], **STORAGE[storage])


@pytest.mark.parametrize("storage", sorted(STORAGE))
@pytest.mark.parametrize("kind", ["weights_h5", "legacy_weights", "keras"])
def test_unusual_storage_still_loads(tmp_path, kind, storage):
    def rewrite(f, k):
        rewrite_storage(f, storage)
        layout = f[k].id.get_create_plist().get_layout()
        assert layout == (h5py.h5d.COMPACT if storage == "compact" else h5py.h5d.CHUNKED)
    path = craft(kind, tmp_path, rewrite)
    target = Sequential([Input((3,)), Dense(4, name="dense"), Dense(2, name="dense_1")])
    assert_loads(lambda: target.load_weights(path))
    np.testing.assert_array_equal(target.predict(X, verbose=0),
                                  make_model().predict(X, verbose=0))


def test_deflated_archive_with_extra_members_loads(tmp_path):
    m = read_zip(craft("keras", tmp_path))
    items = list(m.items()) + [("assets/readme.txt", b"notes"), ("assets/vocab.txt", b"a\nb\n")]
    path = write_zip(str(tmp_path / "d.keras"), items, compression=zipfile.ZIP_DEFLATED)
    model = assert_loads(lambda: api.load_model(path))
    np.testing.assert_array_equal(model.predict(X, verbose=0),
                                  make_model().predict(X, verbose=0))


@pytest.mark.parametrize("fmt", ["m.keras", "m.h5", "w.weights.h5", "w.h5"])
def test_unicode_and_spaces_in_layer_names(tmp_path, fmt):
    m = Sequential([Input((3,)), Dense(4, name="couche dense é"), Dense(2, name="層_2")])
    path = str(tmp_path / fmt)
    (m.save if fmt.startswith("m") else m.save_weights)(path)
    if fmt.startswith("m"):
        m2 = assert_loads(lambda: api.load_model(path))
        assert [l.name for l in m2.layers] == ["couche dense é", "層_2"]
    else:
        m2 = Sequential([Input((3,)), Dense(4, name="couche dense é"), Dense(2, name="層_2")])
        assert_loads(lambda: m2.load_weights(path))
    np.testing.assert_array_equal(m2.predict(X, verbose=0), m.predict(X, verbose=0))


def test_split_layer_names_attribute_loads(tmp_path):
    # Keras splits attributes beyond 64 kB into layer_names0, layer_names1, ...
    path = craft("legacy_weights", tmp_path)
    with h5py.File(path, "r+") as f:
        names = f.attrs["layer_names"]
        del f.attrs["layer_names"]
        f.attrs["layer_names0"] = names[:1]
        f.attrs["layer_names1"] = names[1:]
    target = Sequential([Input((3,)), Dense(4, name="dense"), Dense(2, name="dense_1")])
    assert_loads(lambda: target.load_weights(path))
    np.testing.assert_array_equal(target.predict(X, verbose=0), make_model().predict(X, verbose=0))


def test_symlink_to_a_model_file_loads(tmp_path):
    path = craft("keras", tmp_path)
    link = str(tmp_path / "link.keras")
    os.symlink(path, link)
    model = assert_loads(lambda: api.load_model(link))
    assert [l.name for l in model.layers] == ["dense", "dense_1"]


def test_hdf5_hard_link_alias_loads(tmp_path):
    # Two hard links to one dataset are plain HDF5 (no outside data): allowed.
    def alias(f, k):
        f["kernel_copy"] = f[k]
    path = craft("weights_h5", tmp_path, alias)
    target = Sequential([Input((3,)), Dense(4, name="dense"), Dense(2, name="dense_1")])
    assert_loads(lambda: target.load_weights(path))
    np.testing.assert_array_equal(target.predict(X, verbose=0), make_model().predict(X, verbose=0))
