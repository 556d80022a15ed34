"""The functional API: symbolic tensors, Model(inputs, outputs), shared layers, several
inputs/outputs, training, configs in Keras 3's format, Keras parity, bad input."""
import json
import os
import warnings

import numpy as np
import pytest

from pipeseq import backend
from pipeseq.layers import Dense, Dropout
from pipeseq.layers.merge import Add, Concatenate
from pipeseq.models import Functional, Input, KerasTensor, Model, Sequential
from tests.layer_check import gradient_check

FIX = os.path.join(os.path.dirname(__file__), "fixtures", "keras")


def _keras_fixture_model():
    """The 'functional' fixture's model: two inputs, two outputs, concat + add."""
    a, b = Input((4,)), Input((3,))
    da, db = Dense(5)(a), Dense(5)(b)
    cat = Concatenate()([da, db])
    add = Add()([da, db])
    h = Dense(6, activation="relu")(Concatenate()([cat, add]))
    return Model([a, b], [Dense(2, activation="softmax")(h), Dense(1)(h)])


def test_model_dispatches_to_functional_and_sequential_still_works():
    x = Input((3,))
    model = Model(inputs=x, outputs=Dense(2)(x))
    assert isinstance(model, Functional) and type(model).__name__ == "Functional"
    assert model.name == "functional"
    assert isinstance(Sequential([Dense(1, input_shape=(2,))]), Sequential)
    assert isinstance(x, KerasTensor) and x.shape == (None, 3)
    assert "KerasTensor shape=(None, 3)" in repr(x)


def test_parity_with_keras_two_inputs_two_outputs():
    d = np.load(os.path.join(FIX, "functional.npz"))
    model = _keras_fixture_model()
    assert [l.name for l in model.layers] == ["input_layer", "input_layer_1", "dense", "dense_1",
                                              "concatenate", "add", "concatenate_1", "dense_2",
                                              "dense_3", "dense_4"]
    model.set_weights([d[f"w{i}"] for i in range(10)])
    assert [v.path for v in model.weights] == list(d["names"])
    y0, y1 = model.predict([d["x0"], d["x1"]], verbose=0)
    np.testing.assert_allclose(y0, d["y0"], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(y1, d["y1"], rtol=1e-5, atol=1e-5)
    probe = Model(model.inputs, [l.output for l in model.layers])
    for i, o in enumerate(probe.predict([d["x0"], d["x1"]], verbose=0)):
        np.testing.assert_allclose(o, d[f"o{i}"], rtol=1e-5, atol=1e-5, err_msg=model.layers[i].name)


def test_loads_keras_made_functional_config():
    """config.json of Keras's .keras file -> the same graph; outputs match Keras."""
    import zipfile
    d = np.load(os.path.join(FIX, "functional.npz"))
    with zipfile.ZipFile(os.path.join(FIX, "functional.keras")) as z:
        entry = json.loads(z.read("config.json"))
    from pipeseq.layers.serialization import deserialize_layer
    from pipeseq.saving.serialization import prepare_config
    model = deserialize_layer(prepare_config(entry, None))
    assert isinstance(model, Functional)
    assert model.input_names == ["input_layer", "input_layer_1"]
    assert model.output_names == ["dense_3", "dense_4"]
    model.set_weights([d[f"w{i}"] for i in range(10)])
    y0, y1 = model.predict([d["x0"], d["x1"]], verbose=0)
    np.testing.assert_allclose(y0, d["y0"], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(y1, d["y1"], rtol=1e-5, atol=1e-5)
    # our config has Keras's structure for the same graph
    ours = _keras_fixture_model().get_config()
    theirs = entry["config"]
    assert ours["input_layers"] == theirs["input_layers"]
    assert ours["output_layers"] == theirs["output_layers"]
    for a, b in zip(ours["layers"], theirs["layers"]):
        assert (a["class_name"], a["name"]) == (b["class_name"], b["name"])
        assert json.dumps(a["inbound_nodes"], sort_keys=True) == json.dumps(b["inbound_nodes"], sort_keys=True)


def test_loads_keras_file_with_weights():
    api = pytest.importorskip("pipeseq.saving.api")
    d = np.load(os.path.join(FIX, "functional.npz"))
    model = api.load_model(os.path.join(FIX, "functional.keras"))
    y0, y1 = model.predict([d["x0"], d["x1"]], verbose=0)
    np.testing.assert_allclose(y0, d["y0"], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(y1, d["y1"], rtol=1e-5, atol=1e-5)


def test_gradient_check_shared_layer_concat_add():
    """float64 gradients through a graph where one Dense is called twice (grads summed)."""
    backend.set_floatx("float64")
    a, b = Input((3,)), Input((3,))
    shared = Dense(4, activation="tanh")
    sa, sb = shared(a), shared(b)
    h = Concatenate()([Add()([sa, sb]), sb])
    h2 = shared(Dense(3)(h))                 # a third call, deeper in the graph
    model = Model([a, b], [Dense(2)(h), h2])
    assert len(shared._inbound) == 3
    assert [l.name for l in model._sublayers()].count(shared.name) == 1
    rng = np.random.default_rng(0)
    for v in model.weights:
        v.value = v.value + rng.normal(scale=0.2, size=v.shape)
    x = [rng.normal(size=(4, 3)), rng.normal(size=(4, 3))]
    assert gradient_check(model, x)


def test_gradient_check_single_output_and_output_reused_inside():
    backend.set_floatx("float64")
    x = Input((3,))
    h = Dense(4, activation="sigmoid")(x)
    out = Add()([h, Dense(4)(h)])
    model = Model(x, [h, out])           # h is both an output and an intermediate
    gradient_check(model, np.random.default_rng(1).normal(size=(5, 3)))
    single = Model(x, out)
    gradient_check(single, np.random.default_rng(2).normal(size=(5, 3)))


def test_fit_multi_output_with_loss_weights():
    model = _keras_fixture_model()
    model.compile(optimizer="adam", loss=["categorical_crossentropy", "mse"], loss_weights=[1.0, 0.5])
    rng = np.random.default_rng(0)
    x = [rng.random((40, 4)), rng.random((40, 3))]
    y = [np.eye(2)[(x[0].sum(1) > 2).astype(int)], x[1].sum(1, keepdims=True)]
    hist = model.fit(x, y, epochs=15, batch_size=8, verbose=0)
    h = hist.history
    assert set(h) == {"loss", "dense_3_loss", "dense_4_loss"}
    assert h["loss"][-1] < h["loss"][0]
    res = model.evaluate(x, y, verbose=0, return_dict=True)
    assert res["loss"] == pytest.approx(res["dense_3_loss"] + 0.5 * res["dense_4_loss"], rel=1e-5)
    preds = model.predict(x, verbose=0)
    assert isinstance(preds, list) and [p.shape for p in preds] == [(40, 2), (40, 1)]
    # dict inputs/outputs by name
    model.compile("sgd", loss={"dense_3": "categorical_crossentropy", "dense_4": "mse"})
    model.fit({"input_layer": x[0], "input_layer_1": x[1]}, {"dense_3": y[0], "dense_4": y[1]},
              epochs=1, verbose=0)


def test_single_output_list_returns_array_and_call_on_arrays():
    x = Input((3,))
    model = Model([x], [Dense(2)(x)])
    assert isinstance(model.predict(np.ones((4, 3)), verbose=0), np.ndarray)
    assert model(np.ones((1, 3))).shape == (1, 2)
    assert model.output_shape == (None, 2) and model.input_shape == (None, 3)


def test_config_roundtrip_and_json():
    model = _keras_fixture_model()
    cfg = model.get_config()
    json.dumps(cfg)
    clone = Functional.from_config(cfg)
    assert clone.get_config() == cfg
    clone.set_weights(model.get_weights())
    x = [np.ones((2, 4)), np.ones((2, 3))]
    for a, b in zip(clone.predict(x, verbose=0), model.predict(x, verbose=0)):
        np.testing.assert_array_equal(a, b)


def test_config_roundtrip_shared_layer_node_indices():
    a = Input((3,))
    shared = Dense(3)
    model = Model(a, shared(shared(a)))
    cfg = model.get_config()
    entry = next(e for e in cfg["layers"] if e["name"] == shared.name)
    assert len(entry["inbound_nodes"]) == 2
    hist = entry["inbound_nodes"][1]["args"][0]["config"]["keras_history"]
    assert hist == [shared.name, 0, 0]
    assert cfg["output_layers"] == [shared.name, 1, 0]
    clone = Functional.from_config(cfg)
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.predict(np.ones((2, 3)), verbose=0),
                               model.predict(np.ones((2, 3)), verbose=0))


def test_functional_model_called_on_tensors_nests():
    inner_in = Input((4,))
    inner = Model(inner_in, [Dense(3)(inner_in), Dense(2)(inner_in)], name="inner")
    x = Input((4,))
    p, q = inner(x)
    outer = Model(x, Concatenate()([p, q]))
    assert outer.output_shape == (None, 5)
    assert [l.name for l in outer.layers] == [x.layer.name, "inner", "concatenate"]
    xs = np.random.default_rng(0).random((3, 4)).astype("float32")
    a, b = inner.predict(xs, verbose=0)
    np.testing.assert_allclose(outer.predict(xs, verbose=0), np.concatenate([a, b], 1), rtol=1e-6)
    clone = Functional.from_config(outer.get_config())
    clone.set_weights(outer.get_weights())
    np.testing.assert_allclose(clone.predict(xs, verbose=0), outer.predict(xs, verbose=0))


def test_intermediate_tensor_as_input():
    x = Input((4,))
    h = Dense(3, name="h")(x)
    out = Dense(2, name="out")(h)
    head = Model(h, out)
    assert head.input_names != ["h"] and len(head.layers) == 2
    np.testing.assert_allclose(head.predict(np.ones((2, 3)), verbose=0),
                               head.get_layer("out")(np.ones((2, 3))), rtol=1e-6)


def test_dropout_training_flag_flows_through_graph():
    x = Input((50,))
    model = Model(x, Dropout(0.5, seed=1)(x))
    data = np.ones((4, 50), "float32")
    assert np.array_equal(model.predict(data, verbose=0), data)
    y, _ = model.forward(data, training=True)
    assert (y == 0).any()


# ------------------------------------------------------------ bad input
def test_outputs_not_depending_on_inputs():
    a, b = Input((3,), name="a"), Input((2,), name="b")
    with pytest.raises(ValueError, match=r"Graph disconnected.*input 'b'.*\['a'\]"):
        Model(a, Dense(1)(b))


def test_unused_input_warns():
    a, b = Input((3,), name="a"), Input((2,), name="b")
    with pytest.warns(UserWarning, match="input 'b' is not connected"):
        Model([a, b], Dense(1)(a))


def test_cycle_is_reported():
    """The public API cannot make a cycle (tensors are immutable); a hand-edited graph can."""
    x = Input((3,))
    d1, d2 = Dense(3, name="d1"), Dense(3, name="d2")
    h1 = d1(x)
    h2 = d2(h1)
    h1.node.inputs = h2                      # d1 now consumes d2's output: d1 -> d2 -> d1
    with pytest.raises(ValueError, match="cycle: .*d2 -> d1"):
        Model(x, h2)


def test_fit_with_wrong_number_of_inputs():
    model = _keras_fixture_model()
    model.compile("sgd", ["categorical_crossentropy", "mse"])
    y = [np.ones((4, 2)), np.ones((4, 1))]
    with pytest.raises(ValueError, match="2 inputs.*single array"):
        model.fit(np.ones((4, 4)), y, verbose=0)
    with pytest.raises(ValueError, match=r"2 inputs.*3 arrays.*\['input_layer', 'input_layer_1'\]"):
        model.fit([np.ones((4, 4))] * 3, y, verbose=0)
    with pytest.raises(ValueError, match="Input 'input_layer_1' expects samples of shape"):
        model.fit([np.ones((4, 4)), np.ones((4, 4))], y, verbose=0)
    with pytest.raises(ValueError, match=r"expects 2 input\(s\) \['input_layer', 'input_layer_1'\]"):
        model(np.ones((4, 4)))


def test_bad_model_arguments():
    x = Input((3,))
    with pytest.raises(TypeError, match="symbolic tensors.*ndarray"):
        Model(x, np.ones((2, 2)))
    with pytest.raises(ValueError, match="both `inputs` and `outputs`"):
        Model(inputs=x)
    with pytest.raises(TypeError, match="mix of symbolic tensors"):
        Concatenate()([x, np.ones((1, 3))])
    with pytest.raises(TypeError, match="cannot be converted to an array"):
        np.asarray(x)


def test_layer_output_before_any_call():
    with pytest.raises(AttributeError, match="never been called.*output"):
        Dense(2).output
    model = Sequential([Dense(2)])
    with pytest.raises(AttributeError, match="no defined inputs/outputs yet"):
        model.inputs
