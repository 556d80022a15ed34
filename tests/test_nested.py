"""A model is a layer: Sequential / functional models inside a Sequential (and inside a
graph) train, summarise as one row, freeze bit-identically, round-trip their config,
and match Keras on the 'nested' fixture."""
import os

import numpy as np
import pytest

from pipeseq import backend
from pipeseq.layers import Dense
from pipeseq.models import Functional, Input, Model, Sequential
from tests.layer_check import gradient_check

FIX = os.path.join(os.path.dirname(__file__), "fixtures", "keras")


def _base():
    return Sequential([Input((4,)), Dense(5, activation="relu"), Dense(3)], name="base")


def test_nested_parity_with_keras():
    d = np.load(os.path.join(FIX, "nested.npz"))
    base = Sequential([Input((4,)), Dense(5, activation="relu"), Dense(3)])
    model = Sequential([Input((4,)), base, Dense(2)])
    model.set_weights([d[f"w{i}"] for i in range(6)])
    np.testing.assert_allclose(model.predict(d["x"], verbose=0), d["y"], rtol=1e-5, atol=1e-5)
    probe = Model(model.inputs, [l.output for l in model.layers])
    for i, o in enumerate(probe.predict(d["x"], verbose=0)):
        np.testing.assert_allclose(o, d[f"o{i}"], rtol=1e-5, atol=1e-5)


def test_gradient_check_through_nested_models():
    backend.set_floatx("float64")
    inner_in = Input((3,))
    inner_f = Model(inner_in, Dense(4, activation="tanh")(inner_in), name="inner_f")
    inner_s = Sequential([Dense(3, activation="sigmoid"), Dense(2)], name="inner_s")
    model = Sequential([Input((3,)), inner_f, inner_s, Dense(2)])
    rng = np.random.default_rng(0)
    for v in model.weights:
        v.value = v.value + rng.normal(scale=0.2, size=v.shape)
    assert gradient_check(model, rng.normal(size=(4, 3)))
    # and a Sequential called twice inside a graph (shared nested model)
    a, b = Input((3,)), Input((3,))
    graph = Model([a, b], [inner_s(inner_f(a)), inner_s(inner_f(b))])
    assert gradient_check(graph, [rng.normal(size=(2, 3)), rng.normal(size=(2, 3))])


def test_nested_model_summary_is_one_row():
    base = _base()
    model = Sequential([Input((4,)), base, Dense(2)])
    text = str(model)
    assert "base (Sequential)" in text and "(None, 3)" in text
    assert " 43 " in text.replace("│", " ")                 # 4*5+5 + 5*3+3
    assert "dense (Dense)" not in text                      # inner layers are not listed
    assert model.count_params() == 43 + 8


def test_freeze_base_then_fit_leaves_it_bit_identical():
    base = _base()
    base.trainable = False
    model = Sequential([Input((4,)), base, Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    before = base.get_weights()
    head_before = model.layers[-1].get_weights()
    rng = np.random.default_rng(0)
    model.fit(rng.random((32, 4)), rng.random((32, 2)), epochs=3, batch_size=8, verbose=0)
    assert all(np.array_equal(u, v) for u, v in zip(before, base.get_weights()))
    assert not np.array_equal(head_before[0], model.layers[-1].get_weights()[0])
    assert len(model.trainable_weights) == 2 and len(model.non_trainable_weights) == 4
    text = str(model)
    assert "Trainable params: 8" in text and "Non-trainable params: 43" in text


def test_freeze_weights_pipe_verb_on_nested_base():
    pipe = pytest.importorskip("pipeseq.r.verbs")
    base = _base()
    pipe.freeze_weights(base)
    model = pipe.keras_model_sequential(input_shape=4) | base | Dense(2)
    model.compile(optimizer="sgd", loss="mse")
    before = base.get_weights()
    model.fit(np.ones((8, 4)), np.ones((8, 2)), epochs=2, verbose=0)
    assert all(np.array_equal(u, v) for u, v in zip(before, base.get_weights()))


def test_nested_model_trains_end_to_end():
    base = _base()
    model = Sequential([Input((4,)), base, Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    rng = np.random.default_rng(0)
    x = rng.random((64, 4))
    y = x.sum(1, keepdims=True)
    before = base.get_weights()
    hist = model.fit(x, y, epochs=20, batch_size=16, verbose=0)
    assert hist.history["loss"][-1] < 0.5 * hist.history["loss"][0]
    assert not np.array_equal(before[0], base.get_weights()[0])


def test_functional_model_inside_sequential_without_input_shape():
    x = Input((4,))
    fmodel = Model(x, Dense(3, activation="relu")(x), name="fbase")
    model = Sequential([fmodel, Dense(1)])           # built from fmodel's known input
    assert model.built and model.output_shape == (None, 1)
    model.compile("sgd", "mse")
    model.fit(np.ones((8, 4)), np.ones((8, 1)), epochs=1, verbose=0)
    assert "fbase (Functional)" in str(model)


def test_nested_config_roundtrip():
    x = Input((4,))
    fmodel = Model(x, Dense(3)(x), name="fbase")
    model = Sequential([Input((4,)), _base(), Dense(3), Dense(2)])
    outer = Sequential([Input((4,)), model, Dense(2)])          # two levels of nesting
    for m in (model, outer):
        cfg = m.get_config()
        clone = Sequential.from_config(cfg)
        assert clone.get_config() == cfg
        clone.set_weights(m.get_weights())
        data = np.random.default_rng(0).random((3, 4)).astype("float32")
        np.testing.assert_array_equal(clone.predict(data, verbose=0), m.predict(data, verbose=0))
    # a functional model nested in a Sequential
    seq = Sequential([Input((4,)), fmodel, Dense(1)])
    clone = Sequential.from_config(seq.get_config())
    assert isinstance(clone.layers[0], Functional)
    clone.set_weights(seq.get_weights())
    np.testing.assert_allclose(clone.predict(np.ones((2, 4)), verbose=0),
                               seq.predict(np.ones((2, 4)), verbose=0))


def test_sequential_symbolic_tensors_follow_add_and_pop():
    model = Sequential([Input((4,)), Dense(3, name="a")])
    assert model.outputs[0].shape == (None, 3)
    model.add(Dense(2, name="b"))
    assert model.outputs[0].shape == (None, 2)
    assert model.get_layer("a").output.shape == (None, 3)
    assert model.get_layer("b").input.shape == (None, 3)
    assert len(model.get_layer("a")._inbound) == 1           # rebuilt graphs drop old nodes
    model.pop()
    assert model.outputs[0].shape == (None, 3)


@pytest.mark.parametrize("name", ["seed002_feature_extraction", "seed002_transfer_learning"])
def test_seed002_examples_run(name, monkeypatch, capsys):
    import runpy
    monkeypatch.setenv("PIPESEQ_EXAMPLE_SMALL", "1")
    path = os.path.join(os.path.dirname(os.path.dirname(__file__)), "examples", name + ".py")
    runpy.run_path(path, run_name="__main__")
    assert "Total params" in capsys.readouterr().out
