"""Op nodes (``x + 3.0``, ``ops.mean(x, axis=1)``, ``x[:, 1:3]`` on symbolic tensors) in
functional configs, as Keras 3 writes them: files made by Keras 3
(tools/make_op_node_fixtures.py) load and predict as Keras did, pipeseq writes the same
entries, and only ops of pipeseq.ops can be named by a file."""
import json
import os

import numpy as np
import pytest

from pipeseq import ops
from pipeseq.errors import UnsafeConfigError
from pipeseq.layers import Dense, Embedding, Input, LSTM
from pipeseq.layers.base import reset_uids
from pipeseq.models import Model
from pipeseq.saving import api

FIX = os.path.join(os.path.dirname(__file__), "fixtures", "op_nodes")
NAMES = ["ops_model", "mask_model"]


def _data(name):
    d = np.load(os.path.join(FIX, name + ".npz"))
    return d["x"], [d[f"y{i}"] for i in range(len(d.files) - 1)]


def _check(model, name):
    x, ys = _data(name)
    got = model.predict(x, verbose=0)
    got = got if isinstance(got, list) else [got]
    assert len(got) == len(ys)
    for g, y in zip(got, ys):
        np.testing.assert_allclose(g, y, rtol=1e-5, atol=1e-6)


def _keras_config(name):
    with open(os.path.join(FIX, name + ".json")) as f:
        return json.load(f)["config"]


def _op_entries(config):
    return [{k: e[k] for k in ("module", "class_name", "config", "registered_name", "name",
                               "inbound_nodes")}
            for e in config["layers"] if e["module"].startswith("keras.src.ops")]


@pytest.mark.parametrize("name", NAMES)
def test_keras3_files_with_op_nodes_load_and_predict(name, tmp_path):
    _check(api.load_model(os.path.join(FIX, name + ".keras")), name)
    with open(os.path.join(FIX, name + ".json")) as f:
        model = api.model_from_json(f.read())
    model.load_weights(os.path.join(FIX, name + ".weights.h5"))
    _check(model, name)
    # written back exactly as Keras wrote the op nodes (pipeseq's masks travel inside the
    # layers, so the mask-only NotEqual node is not written again), and read again
    if name == "ops_model":
        assert _op_entries(model.get_config()) == _op_entries(_keras_config(name))
    model.save(str(tmp_path / "m.keras"))
    _check(api.load_model(str(tmp_path / "m.keras")), name)


def test_embedding_mask_zero_config_has_not_equal_node():
    entries = _op_entries(_keras_config("mask_model"))
    assert [e["class_name"] for e in entries] == ["NotEqual"]


def test_op_nodes_built_in_pipeseq_are_written_as_keras_writes_them():
    reset_uids()
    inp = Input((4,), name="x")
    h = Dense(3, name="dense")(inp)
    b = (h + 3.0) * (1 / 6)
    c = ops.tanh(ops.relu6(b))
    e = ops.concatenate([c, h], axis=-1)
    g = ops.reshape(e[:, 1:3], (-1, 2, 1))
    k = ops.mean(g, axis=1, keepdims=True)
    w = ops.where(ops.greater(h, 0.0), h, 0.0)
    z = ops.clip(w, -1.0, 1.0)[..., None, 0]
    s = ops.sum(ops.square(h - 1.0), axis=-1)
    model = Model(inp, [k, z, s], name="ops_model")
    ours, theirs = model.get_config(), _keras_config("ops_model")
    assert [e["name"] for e in ours["layers"]] == [e["name"] for e in theirs["layers"]]
    assert _op_entries(ours) == _op_entries(theirs)
    model.load_weights(os.path.join(FIX, "ops_model.weights.h5"))
    _check(model, "ops_model")


def test_embedding_mask_feeds_lstm_after_reload(tmp_path):
    inp = Input((5,), dtype="int32")
    out = LSTM(3)(Embedding(10, 4, mask_zero=True)(inp))
    model = Model(inp, out)
    x = np.array([[1, 2, 0, 0, 0], [3, 4, 5, 6, 0]], "int32")
    model.save(str(tmp_path / "m.keras"))
    again = api.load_model(str(tmp_path / "m.keras"))
    np.testing.assert_allclose(again.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)


def _with_entry(name, change):
    config = _keras_config("ops_model")
    for e in config["layers"]:
        if e["name"] == name:
            change(e)
    return json.dumps({"module": "keras", "class_name": "Functional", "config": config,
                       "registered_name": "Functional"})


@pytest.mark.parametrize("change,message", [
    (lambda e: e.update(class_name="System", registered_name="System"), "Unknown op 'System'"),
    (lambda e: e.update(class_name="Add", module="keras.src.ops.numpy",
                        config={"name": "add", "shell": "rm"}), "shell"),
    (lambda e: e["inbound_nodes"][0]["args"].append(
        {"class_name": "__lambda__", "config": {"code": "x"}}), "never executes code"),
    (lambda e: e["inbound_nodes"][0]["args"].append(
        {"class_name": "Popen", "config": {"args": "x"}}), "Unsupported object .Popen."),
])
def test_unknown_ops_and_objects_in_op_nodes_are_refused(change, message):
    with pytest.raises((UnsafeConfigError, ValueError), match=message):
        api.model_from_json(_with_entry("add", change))


# ----------------------------------------------------- tf_keras TFOpLambda / SlicingOpLambda
def test_tf_keras_op_layers_load_from_h5_and_json(tmp_path):
    _check(api.load_model(os.path.join(FIX, "tf_ops_model.h5")), "tf_ops_model")
    with open(os.path.join(FIX, "tf_ops_model.json")) as f:
        model = api.model_from_json(f.read())
    model.load_weights(os.path.join(FIX, "tf_ops_model.weights.h5"))
    _check(model, "tf_ops_model")
    entries = [e for e in model.get_config()["layers"] if e["module"].startswith("keras.src.ops")]
    assert [e["class_name"] for e in entries][:4] == ["Add", "Multiply", "Relu6", "Add"]
    model.save(str(tmp_path / "m.keras"))                 # written back as Keras 3 op nodes
    _check(api.load_model(str(tmp_path / "m.keras")), "tf_ops_model")


def test_tf_keras_op_layer_with_an_unknown_function_is_refused():
    with open(os.path.join(FIX, "tf_ops_model.json")) as f:
        config = json.load(f)
    for e in config["config"]["layers"]:
        if e["class_name"] == "TFOpLambda":
            e["config"]["function"] = "io.write_file"
            break
    with pytest.raises(UnsafeConfigError, match="io.write_file"):
        api.model_from_json(json.dumps(config))
