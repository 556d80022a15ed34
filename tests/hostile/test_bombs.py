"""Memory bombs and hangs: configs asking for more than the file holds, HDF5 chunk, shape and
compression bombs, huge name lists and layer counts. Each is refused before the memory is
allocated or the time spent (measured with tracemalloc/RSS, and a hang timeout)."""
import json
import os
import zipfile

import h5py
import numpy as np
import pytest

from pipeseq import limits
from pipeseq.errors import FileFormatError, UnsafeConfigError, WeightMismatchError
from pipeseq.saving import api

from .helpers import (assert_loads, assert_refused, craft, keras_with_config,
                      legacy_with_config, make_model, model_config, read_zip, write_zip)


def _units_config(units, input_dim=3):
    cfg = model_config()
    layers = cfg["config"]["layers"]
    layers[0]["config"]["batch_shape"] = [None, input_dim]
    layers[1]["config"]["units"] = units
    layers[1].pop("build_config", None)
    layers[2].pop("build_config", None)
    return cfg


def _keras2(cfg):
    from pipeseq.saving import keras2
    return {"class_name": cfg["class_name"], "config": {
        "name": cfg["config"]["name"],
        "layers": [{"class_name": e["class_name"],
                    "config": ({"batch_input_shape": e["config"]["batch_shape"],
                                "dtype": "float32", "name": e["config"]["name"]}
                               if e["class_name"] == "InputLayer" else
                               keras2._layer_config(e))} for e in cfg["config"]["layers"]]}}


@pytest.mark.parametrize("fmt", ["keras", "legacy"])
@pytest.mark.parametrize("units,input_dim", [(2 ** 24, 3), (2 ** 40, 3), (4, 10 ** 9)],
                         ids=["2e24_units", "2e40_units", "1e9_input_dim"])
def test_config_asking_for_more_weights_than_the_file_holds(tmp_path, fmt, units, input_dim):
    cfg = _units_config(units, input_dim)
    path = keras_with_config(tmp_path, cfg) if fmt == "keras" else \
        legacy_with_config(tmp_path, _keras2(cfg))
    err = assert_refused(lambda: api.load_model(path), errors=WeightMismatchError)
    assert "the file holds only" in str(err) and "dense/kernel" in str(err)


def test_build_config_bomb_is_not_swallowed(tmp_path):
    cfg = model_config()
    cfg["config"]["layers"][1]["build_config"] = {"input_shape": [None, 2 ** 28]}
    path = keras_with_config(tmp_path, cfg)
    assert_refused(lambda: api.load_model(path), errors=WeightMismatchError, match="holds only")


def test_build_error_in_build_config_is_reported(tmp_path):
    cfg = model_config()
    cfg["config"]["layers"][1]["build_config"] = {"input_shape": [None]}   # rank 1 for Dense
    path = keras_with_config(tmp_path, cfg)
    assert_refused(lambda: api.load_model(path), errors=FileFormatError, match="build")


def _bigger_model_weights(f, k, chunks=None, maxshape=None, **kw):
    del f[k]
    f.create_dataset(k, shape=(3, 4), dtype="float32", chunks=chunks, maxshape=maxshape, **kw)


@pytest.mark.parametrize("kind", ["weights_h5", "legacy_weights", "keras"])
def test_gigabyte_gzip_chunk(tmp_path, kind):
    # A (3, 4) kernel stored in one 1 GiB gzip chunk: reading it would inflate the whole chunk.
    path = craft(kind, tmp_path, lambda f, k: _bigger_model_weights(
        f, k, chunks=(16384, 16384), maxshape=(None, None), compression="gzip"))
    target = make_model()
    assert_refused(lambda: target.load_weights(path), target, errors=FileFormatError,
                   match="chunks")


@pytest.mark.parametrize("kind", ["weights_h5", "keras"])
def test_shape_bomb_dataset(tmp_path, kind):
    # Declares 4 GiB, stores nothing (compressed fill value).
    def bomb(f, k):
        f.create_dataset("layers/dense/vars/extra", shape=(2 ** 20, 2 ** 10), dtype="float32",
                         chunks=(256, 1024), compression="gzip")
    path = craft(kind, tmp_path, bomb)
    target = make_model()
    assert_refused(lambda: target.load_weights(path), target, errors=FileFormatError,
                   match="decompression bomb")


def test_shape_bomb_with_a_matching_config(tmp_path):
    # The config asks for the 4 GiB kernel the shape bomb declares: refused before allocation.
    def bomb(f, k):
        del f[k]
        f.create_dataset(k, shape=(2 ** 18, 2 ** 12), dtype="float32", chunks=(64, 4096))
    cfg = _units_config(2 ** 12, 2 ** 18)
    path = craft("keras", tmp_path, bomb)
    members = read_zip(path)
    members["config.json"] = json.dumps(cfg)
    write_zip(path, list(members.items()))
    assert_refused(lambda: api.load_model(path), errors=WeightMismatchError)


def test_zip_bomb_weights_member(tmp_path):
    path = str(tmp_path / "bomb.keras")
    good = read_zip(craft("keras", tmp_path))
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("metadata.json", good["metadata.json"])
        zf.writestr("config.json", good["config.json"])
        with zf.open("model.weights.h5", "w", force_zip64=True) as fh:
            block = bytes(1 << 20)
            fh.write(good["model.weights.h5"])
            for _ in range(96):                    # 96 MB of zeros, ~100 kB on disk
                fh.write(block)
    assert os.path.getsize(path) < 1_000_000
    assert_refused(lambda: api.load_model(path), errors=FileFormatError, match="zip bomb")
    target = make_model()
    assert_refused(lambda: target.load_weights(path), target, errors=FileFormatError)


def test_oversized_config_json(tmp_path):
    cfg = model_config()
    cfg["config"]["padding"] = " " * (limits.MAX_CONFIG_BYTES + 10)
    path = keras_with_config(tmp_path, cfg)
    assert_refused(lambda: api.load_model(path), errors=FileFormatError, match="config")


def test_million_layer_names_is_refused_quickly(tmp_path):
    path = str(tmp_path / "w.h5")
    with h5py.File(path, "w", libver="latest") as f:
        f.attrs["layer_names"] = np.array([b"d"] * 10 ** 6)
        f.create_group("d")
    target = make_model()
    err = assert_refused(lambda: target.load_weights(path), target, errors=FileFormatError,
                         match="1,000,000 entries")
    assert len(str(err)) < 500


def test_huge_weight_names_attribute(tmp_path):
    def many(f, k):
        f["dense"].attrs["weight_names"] = np.array([b"w"] * 50_000)
    path = craft("legacy_weights", tmp_path, many)
    target = make_model()
    assert_refused(lambda: target.load_weights(path), target, errors=FileFormatError,
                   match="entries")


def test_too_many_layers_in_config(tmp_path):
    layers = [{"class_name": "InputLayer", "config": {"batch_shape": [None, 1], "name": "in"}}]
    layers += [{"class_name": "Dense", "config": {"units": 1, "name": f"d{i}"}}
               for i in range(limits.MAX_LAYERS + 1)]
    cfg = {"class_name": "Sequential", "config": {"name": "s", "layers": layers}}
    path = keras_with_config(tmp_path, cfg)
    assert_refused(lambda: api.load_model(path), errors=UnsafeConfigError, match="layers")


@pytest.mark.parametrize("depth", [150, 100_000])
def test_deeply_nested_config(tmp_path, depth):
    text = '{"class_name": "Sequential", "config": ' + "[" * depth + "]" * depth + "}"
    path = keras_with_config(tmp_path, text)
    assert_refused(lambda: api.load_model(path),
                   errors=(FileFormatError, UnsafeConfigError), match="nested")


def test_thousands_of_layers_load_in_linear_time(tmp_path):
    # 5,000 such layers used to take minutes (quadratic Sequential.add); now it is linear.
    from pipeseq import Input, Sequential
    from pipeseq.layers import Dense
    m = Sequential([Input((1,))] + [Dense(1, name=f"d{i}") for i in range(2000)])
    path = str(tmp_path / "deep.keras")
    m.save(path)
    m2 = assert_loads(lambda: api.load_model(path))
    assert len(m2.layers) == 2000
    x = np.ones((2, 1), "float32")
    np.testing.assert_array_equal(m2.predict(x, verbose=0), m.predict(x, verbose=0))
