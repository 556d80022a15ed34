"""Malformed configs and odd names: every one ends in a documented exception (never a
KeyError, IndexError, AttributeError, RecursionError or MemoryError), in both the .keras
and the legacy .h5 formats."""
import copy

import h5py
import numpy as np
import pytest

from pipeseq.errors import FileFormatError, UnsafeConfigError
from pipeseq.layers import Dense
from pipeseq.saving import api

from .helpers import (assert_refused, craft, keras_with_config, legacy_with_config,
                      make_model, model_config)


def _functional_config():
    from pipeseq import Input, Model
    x = Input((3,), name="x")
    y = Dense(2, name="d")(x)
    return api.model_to_json(Model(x, y, name="f"))


def _edit(fn, base=None):
    cfg = copy.deepcopy(base or model_config())
    fn(cfg)
    return cfg


def _set(path, value):
    def fn(cfg):
        obj = cfg
        for k in path[:-1]:
            obj = obj[k]
        obj[path[-1]] = value
    return fn


L1 = ["config", "layers", 1, "config"]       # the first Dense layer's config
BAD_CONFIGS = {
    "lambda_layer": (_set(["config", "layers", 1], {
        "module": "keras.layers", "class_name": "Lambda", "registered_name": None,
        "config": {"name": "dense", "function": {"class_name": "__lambda__", "config": {
            "code": "4wEAAAAAAAAAAAAAAAEAAAACAAAAQwAAAHMIAAAAfABkARQAUwApAk7pAgAAAKkAKQHaAXhyAgAAA"
                    "HICAAAA+gc8c3RkaW4++gg8bGFtYmRhPgEAAADzAAAAAA==",
            "defaults": None, "closure": None}}}}), UnsafeConfigError),
    "unknown_class": (_set(["config", "layers", 1, "class_name"], "EvilLayer"),
                      UnsafeConfigError),
    "custom_function_activation": (_set(L1 + ["activation"], {
        "class_name": "function", "module": "builtins", "config": "eval"}), UnsafeConfigError),
    "name_with_slash": (_set(L1 + ["name"], "../../etc/passwd"), UnsafeConfigError),
    "name_with_nul": (_set(L1 + ["name"], "dense\x00x"), UnsafeConfigError),
    "name_not_a_string": (_set(L1 + ["name"], 12), UnsafeConfigError),
    "name_too_long": (_set(L1 + ["name"], "n" * 5000), UnsafeConfigError),
    "dtype_object": (_set(L1 + ["dtype"], "object"), UnsafeConfigError),
    "negative_dimension": (_set(["config", "layers", 0, "config", "batch_shape"], [None, -5]),
                           UnsafeConfigError),
    "string_dimension": (_set(["config", "layers", 0, "config", "batch_shape"], [None, "3"]),
                         UnsafeConfigError),
    "negative_units": (_set(L1 + ["units"], -1), FileFormatError),
    "units_not_a_number": (_set(L1 + ["units"], "many"), FileFormatError),
    "layers_not_a_list": (_set(["config", "layers"], "dense"), FileFormatError),
    "layer_entry_not_a_dict": (_set(["config", "layers", 1], 42), FileFormatError),
    "config_not_a_dict": (_set(["config"], [1, 2, 3]), FileFormatError),
    "missing_class_name": (lambda cfg: cfg["config"]["layers"][1].pop("class_name"),
                           FileFormatError),
    "duplicate_layer_names": (_set(["config", "layers", 2, "config", "name"], "dense"),
                              FileFormatError),
}


@pytest.mark.parametrize("fmt", ["keras", "legacy"])
@pytest.mark.parametrize("case", sorted(BAD_CONFIGS))
def test_malformed_config(tmp_path, fmt, case):
    fn, error = BAD_CONFIGS[case]
    cfg = _edit(fn)
    path = keras_with_config(tmp_path, cfg) if fmt == "keras" else \
        legacy_with_config(tmp_path, cfg)
    assert_refused(lambda: api.load_model(path), errors=error)


FUNCTIONAL_BREAKS = {
    "inbound_to_missing_layer": lambda c: c["config"]["layers"][1]["inbound_nodes"][0]["args"][0]
    ["config"]["keras_history"].__setitem__(0, "nowhere"),
    "inbound_node_index_out_of_range": lambda c: c["config"]["layers"][1]["inbound_nodes"][0]
    ["args"][0]["config"]["keras_history"].__setitem__(1, 7),
    "output_layer_missing": lambda c: c["config"].__setitem__("output_layers", [["nowhere", 0, 0]]),
    "input_layers_garbage": lambda c: c["config"].__setitem__("input_layers", 5),
    "inbound_nodes_garbage": lambda c: c["config"]["layers"][1].__setitem__("inbound_nodes",
                                                                            [[["x"]]]),
}


@pytest.mark.parametrize("case", sorted(FUNCTIONAL_BREAKS))
def test_malformed_functional_config(tmp_path, case):
    import json
    cfg = json.loads(_functional_config())
    FUNCTIONAL_BREAKS[case](cfg)
    path = keras_with_config(tmp_path, cfg)
    assert_refused(lambda: api.load_model(path), errors=(FileFormatError, UnsafeConfigError))


@pytest.mark.parametrize("text", ["", "not json", "[1, 2]", "null", '{"class_name": 5}',
                                  '"\\ud800"'])
def test_config_json_that_is_not_a_model(tmp_path, text):
    path = keras_with_config(tmp_path, text)
    assert_refused(lambda: api.load_model(path), errors=(FileFormatError, UnsafeConfigError))


def test_legacy_model_config_attribute_not_text(tmp_path):
    path = craft("legacy_model", tmp_path)
    with h5py.File(path, "r+") as f:
        f.attrs["model_config"] = np.arange(10)
    assert_refused(lambda: api.load_model(path), errors=FileFormatError)


# ------------------------------------------------------------------ odd names in HDF5 files
@pytest.mark.parametrize("name", [".", "/model_weights/dense", "dense/../dense", ""])
def test_layer_names_that_point_elsewhere(tmp_path, name):
    path = craft("legacy_weights", tmp_path)
    with h5py.File(path, "r+") as f:
        f.attrs["layer_names"] = np.array([name.encode(), b"dense_1"])
    target = make_model()
    assert_refused(lambda: target.load_weights(path), target, errors=FileFormatError)


def test_layer_names_attribute_of_numbers(tmp_path):
    path = craft("legacy_weights", tmp_path)
    with h5py.File(path, "r+") as f:
        f.attrs["layer_names"] = np.arange(3)
    target = make_model()
    assert_refused(lambda: target.load_weights(path), target, errors=FileFormatError)


def test_weight_name_not_utf8(tmp_path):
    path = craft("legacy_weights", tmp_path)
    with h5py.File(path, "r+") as f:
        f["dense"].attrs["weight_names"] = np.array([b"\xff\xfe", b"x"])
    target = make_model()
    assert_refused(lambda: target.load_weights(path), target, errors=FileFormatError)


def test_weight_of_compound_dtype(tmp_path):
    def compound(f, k):
        del f[k]
        f.create_dataset(k, shape=(3, 4), dtype=np.dtype([("a", "f4"), ("b", "f4")]))
    path = craft("weights_h5", tmp_path, compound)
    target = make_model()
    assert_refused(lambda: target.load_weights(path), target, match="numeric")


def test_layer_names_keras_refuses_are_refused_in_code():
    # As Keras: "Argument `name` must be a string and cannot contain character `/`".
    for bad in ["a/b", 3, "a\x00b"]:
        with pytest.raises(ValueError, match="cannot contain character `/`"):
            Dense(2, name=bad)


def test_error_messages_are_capped(tmp_path):
    cfg = _edit(_set(L1 + ["units"], "x" * 100_000))
    path = keras_with_config(tmp_path, cfg)
    err = assert_refused(lambda: api.load_model(path), errors=FileFormatError)
    assert str(err).startswith("Cannot load model from")
    assert "more characters" in str(err)
