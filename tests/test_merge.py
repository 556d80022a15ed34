"""Merge layers (Add ... Dot) and the Keras 1 ``Merge`` layer: shared checker, Keras parity,
Merge as the first layer of a Sequential trained with fit([x1, x2], y), bad input."""
import os

import numpy as np
import pytest

from pipeseq import backend
from pipeseq.layers import Dense
from pipeseq.layers.merge import (Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply,
                                  Subtract)
from pipeseq.layers.merge_legacy import Merge, merge
from pipeseq.models import Input, Model, Sequential
from tests.layer_check import check_layer, gradient_check

FIX = os.path.join(os.path.dirname(__file__), "fixtures", "keras")


@pytest.mark.parametrize("cls,kwargs,shapes", [
    (Add, {}, [(3, 4)] * 3),
    (Add, {}, [(3, 1, 4), (3, 5, 4)]),                 # broadcasting, as Keras 3
    (Subtract, {}, [(3, 4)] * 2),
    (Multiply, {}, [(3, 4)] * 3),
    (Average, {}, [(3, 2, 4)] * 2),
    (Maximum, {}, [(3, 4)] * 3),
    (Minimum, {}, [(3, 4)] * 2),
    (Concatenate, {}, [(3, 4), (3, 2)]),
    (Concatenate, {"axis": 1}, [(3, 4, 2), (3, 1, 2)]),
    (Concatenate, {"axis": -2}, [(3, 4, 2), (3, 1, 2), (3, 2, 2)]),
    (Dot, {"axes": 1}, [(3, 4)] * 2),
    (Dot, {"axes": -1, "normalize": True}, [(3, 4)] * 2),
    (Dot, {"axes": [2, 2]}, [(3, 5, 4), (3, 2, 4)]),
    (Dot, {"axes": (1, 2)}, [(3, 4), (3, 2, 4)]),
    (Dot, {"axes": [1, 1], "normalize": True}, [(3, 4, 2), (3, 4, 3)]),
])
def test_merge_layers(cls, kwargs, shapes):
    check_layer(cls, kwargs, shapes, supports_training_step=False)


def test_merge_values_and_shapes():
    a = np.array([[1.0, 5.0, -1.0]], "float32")
    b = np.array([[3.0, 2.0, -1.0]], "float32")
    assert Add()([a, b]).tolist() == [[4, 7, -2]]
    assert Subtract()([a, b]).tolist() == [[-2, 3, 0]]
    assert Multiply()([a, b]).tolist() == [[3, 10, 1]]
    assert Average()([a, b]).tolist() == [[2, 3.5, -1]]
    assert Maximum()([a, b]).tolist() == [[3, 5, -1]]
    assert Minimum()([a, b]).tolist() == [[1, 2, -1]]
    assert Dot(axes=1)([a, b]).tolist() == [[14]]
    cos = Dot(axes=1, normalize=True)([a, b])
    np.testing.assert_allclose(cos, [[14 / np.sqrt(27) / np.sqrt(14)]], rtol=1e-6)
    assert Dot(axes=(1, 2)).compute_output_shape([(None, 4), (None, 2, 4)]) == (None, 2)
    assert Concatenate(axis=1).compute_output_shape([(None, 4, 2), (None, None, 2)]) == (None, None, 2)


def test_merge_ties_send_gradient_to_first_input():
    x = [np.ones((1, 2)), np.ones((1, 2))]
    y, cache = Maximum().forward(x)
    dx, _ = Maximum().backward(cache, np.ones((1, 2)))
    assert dx[0].tolist() == [[1, 1]] and dx[1].tolist() == [[0, 0]]


@pytest.mark.parametrize("layer,shapes,match", [
    (Subtract(), [(None, 3)] * 3, "exactly 2 inputs"),
    (Dot(axes=1), [(None, 3), (None, 4)], "incompatible input shapes"),
    (Concatenate(), [(None, 3, 2), (None, 4, 2)], "matching shapes except"),
    (Add(), [(None, 3), (None, 4)], "incompatible shapes"),
    (Add(), (None, 3), "list of inputs"),
])
def test_merge_bad_shapes(layer, shapes, match):
    with pytest.raises(ValueError, match=match):
        layer.compute_output_shape(shapes)


def test_merge_bad_arguments():
    with pytest.raises(ValueError, match="axes"):
        Dot(axes=[1, 2, 3])
    with pytest.raises(TypeError, match="axis"):
        Concatenate(axis="last")
    with pytest.raises(ValueError, match="invalid merge mode.*Received: mode='avg'"):
        Merge(mode="avg")
    with pytest.raises(ValueError, match="at least 2"):
        Merge([Sequential([Dense(2, input_dim=3)])])


def test_functional_merge_parity_with_keras():
    """Keras-made fixture: Subtract, Multiply, Average, Maximum, Minimum, Dot, Dot(normalize)."""
    d = np.load(os.path.join(FIX, "functional_merge.npz"))
    a, b = Input((4,)), Input((4,))
    ha, hb = Dense(3)(a), Dense(3)(b)
    parts = [Subtract()([ha, hb]), Multiply()([ha, hb]), Average()([ha, hb]), Maximum()([ha, hb]),
             Minimum()([ha, hb]), Dot(axes=1)([ha, hb]), Dot(axes=1, normalize=True)([ha, hb])]
    model = Model([a, b], Dense(2)(Concatenate()(parts)))
    model.set_weights([d[f"w{i}"] for i in range(6)])
    assert [v.path for v in model.weights] == list(d["names"])
    np.testing.assert_allclose(model.predict([d["x0"], d["x1"]], verbose=0), d["y"],
                               rtol=1e-5, atol=1e-5)
    probe = Model(model.inputs, [l.output for l in model.layers])
    outs = probe.predict([d["x0"], d["x1"]], verbose=0)
    assert len(outs) == 13
    for i, o in enumerate(outs):
        np.testing.assert_allclose(o, d[f"o{i}"], rtol=1e-5, atol=1e-5, err_msg=f"layer {i}")


# ------------------------------------------------------------------ Keras 1 Merge
def _branches(dims=(4, 2), units=3):
    return [Sequential([Dense(units, input_dim=n, activation="tanh")]) for n in dims]


@pytest.mark.parametrize("mode", ["sum", "ave", "mul", "max", "concat", "dot", "cos"])
def test_keras1_merge_modes(mode):
    backend.set_floatx("float64")
    layer = check_layer(Merge, {"layers": _branches(), "mode": mode}, [(3, 4), (3, 2)],
                        expected_num_weights=4)
    assert layer.n_model_inputs == 2


def test_keras1_merge_concat_axis_and_dot_axes():
    backend.set_floatx("float64")
    from pipeseq.layers import Reshape
    mk = lambda n: Sequential([Dense(6, input_dim=n), Reshape((2, 3))])
    check_layer(Merge, {"layers": [mk(4), mk(2)], "mode": "concat", "concat_axis": 1},
                [(3, 4), (3, 2)], expected_output_shape=(3, 4, 3))
    check_layer(Merge, {"layers": [mk(4), mk(2)], "mode": "dot", "dot_axes": [2, 2]},
                [(3, 4), (3, 2)], expected_output_shape=(3, 2, 2))


def test_keras1_merge_values():
    left, right = _branches()
    m = Merge([left, right], mode="cos")
    x1, x2 = np.random.default_rng(0).normal(size=(5, 4)), np.random.default_rng(1).normal(size=(5, 2))
    a, b = left.predict(x1, verbose=0), right.predict(x2, verbose=0)
    expected = (a * b).sum(1) / np.sqrt((a * a).sum(1) * (b * b).sum(1))
    y = m([x1, x2])
    assert y.shape == (5, 1)     # Keras 1 declared (b, 1) but produced (b, 1, 1): we give (b, 1)
    np.testing.assert_allclose(y[:, 0], expected, rtol=1e-5)
    np.testing.assert_allclose(Merge([left, right], mode="dot")([x1, x2])[:, 0], (a * b).sum(1), rtol=1e-5)
    np.testing.assert_allclose(Merge([left, right], mode="ave")([x1, x2]), (a + b) / 2, rtol=1e-6)


def test_keras1_merge_callable_modes():
    left, right = _branches()
    x = [np.ones((2, 4)), np.ones((2, 2))]
    a, b = left.predict(x[0], verbose=0), right.predict(x[1], verbose=0)
    # the Keras 1 guide's lambda x, y: x - y (spread) and Keras 1's list form
    m1 = Merge([left, right], mode=lambda p, q: p - q)
    np.testing.assert_allclose(m1(x), a - b, rtol=1e-6)
    m2 = Merge([left, right], mode=lambda xs: np.concatenate(xs, axis=-1), output_shape=(6,))
    assert m2.compute_output_shape([(None, 4), (None, 2)]) == (None, 6)
    assert m2(x).shape == (2, 6)
    m3 = Merge([left, right], mode=lambda xs: xs[0][:, :1], output_shape=lambda s: (s[0][0], 1))
    assert m3.compute_output_shape([(None, 4), (None, 2)]) == (None, 1)
    # a callable mode trains: its gradient comes from automatic differentiation
    model = Sequential([m1, Dense(1)])
    model.compile("sgd", "mse")
    before = model.get_weights()
    assert model.predict(x, verbose=0).shape == (2, 1)
    model.fit(x, np.ones((2, 1)), verbose=0)
    assert not all(np.array_equal(u, v) for u, v in zip(before, model.get_weights()))
    # a NumPy ufunc has a known gradient; a lambda's is automatic: both pass the gradient check
    backend.set_floatx("float64")
    check_layer(Merge, {"layers": _branches(), "mode": np.subtract}, [(3, 4), (3, 2)])
    from tests.layer_check import gradient_check
    lam = Merge(_branches(), mode=lambda p, q: p * q - 0.5 * p)
    xs = [np.random.default_rng(1).normal(size=s) for s in [(3, 4), (3, 2)]]
    lam(xs)
    gradient_check(lam, xs, training=True)


def test_keras1_merge_lambda_config_is_refused_on_load():
    from pipeseq.saving.serialization import UnsafeConfigError
    m = Merge(_branches(), mode=lambda p, q: p - q)
    cfg = m.get_config()
    assert cfg["mode_type"] == "lambda"
    with pytest.raises(UnsafeConfigError, match="never executes code"):
        Merge.from_config(cfg)

    def subtract_branches(p, q):
        return p - q
    m = Merge(_branches(), mode=subtract_branches)
    cfg = m.get_config()
    assert cfg["mode"] == "subtract_branches"
    again = Merge.from_config(cfg, custom_objects={"subtract_branches": subtract_branches})
    assert again.mode is subtract_branches


def test_keras1_merge_first_layer_of_sequential_trains():
    """The seed 001 two-branch model: fit([x1, x2], y) with Merge(mode='concat') first."""
    left = Sequential([Dense(8, input_dim=12)])
    right = Sequential([Dense(8, input_dim=12)])
    model = Sequential()
    model.add(Merge([left, right], mode="concat"))
    model.add(Dense(3, activation="softmax"))
    assert model.built and model.n_inputs == 2
    assert model.output_shape == (None, 3)
    assert [w.path for w in model.weights][:2] == [left.layers[0].kernel.path, left.layers[0].bias.path]
    assert model.count_params() == 2 * (12 * 8 + 8) + 16 * 3 + 3
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    rng = np.random.default_rng(0)
    x1, x2 = rng.random((64, 12)), rng.random((64, 12))
    y = np.eye(3)[(x1.sum(1) > x2.sum(1)).astype(int)]
    before = left.get_weights()
    hist = model.fit([x1, x2], y, epochs=8, batch_size=16, verbose=0)
    assert hist.history["loss"][-1] < hist.history["loss"][0]
    assert not np.array_equal(before[0], left.get_weights()[0])     # branch weights train
    assert model.predict([x1, x2], verbose=0).shape == (64, 3)
    with pytest.raises(ValueError, match="2 inputs"):
        model.fit(x1, y, verbose=0)
    with pytest.raises(ValueError, match="2 inputs.*3 arrays"):
        model.fit([x1, x2, x2], y, verbose=0)
    text = str(model)
    assert "merge (Merge)" in text and "(None, 16)" in text
    # symbolic tensors of a multi-input Sequential
    assert len(model.inputs) == 2 and model.outputs[0].shape == (None, 3)


def test_keras1_merge_sequential_builds_at_fit_when_branch_shapes_unknown():
    left, right = Sequential([Dense(4)]), Sequential([Dense(4)])
    model = Sequential([Merge([left, right], mode="sum"), Dense(1)])
    assert not model.built
    model.compile("sgd", "mse")
    model.fit([np.ones((8, 3)), np.ones((8, 5))], np.ones((8, 1)), verbose=0)
    assert model.built and left.layers[0].kernel.shape == (3, 4)


def test_keras1_merge_config_roundtrip_in_sequential():
    left, right = _branches()
    model = Sequential([Merge([left, right], mode="concat"), Dense(2)])
    cfg = model.get_config()
    clone = Sequential.from_config(cfg)
    clone.set_weights(model.get_weights())
    x = [np.ones((2, 4)), np.ones((2, 2))]
    np.testing.assert_allclose(clone.predict(x, verbose=0), model.predict(x, verbose=0))
    assert clone.get_config() == cfg


def test_keras1_merge_bad_shapes():
    with pytest.raises(ValueError, match="same output shape.*'sum'"):
        Sequential([Merge([Sequential([Dense(3, input_dim=2)]), Sequential([Dense(4, input_dim=2)])])])
    with pytest.raises(ValueError, match="'cos'.*2-D"):
        Merge(mode="cos").compute_output_shape([(None, 2, 3), (None, 2, 3)])
    with pytest.raises(ValueError, match="2 branches taking 2 inputs.*received 3"):
        Merge(_branches()).build([(None, 4), (None, 2), (None, 2)])


def test_keras1_functional_merge_on_tensors():
    a, b = Input((3,)), Input((3,))
    model = Model([a, b], merge([a, b], mode="mul"))
    x = [np.full((2, 3), 2.0), np.full((2, 3), 3.0)]
    assert model.predict(x, verbose=0).tolist() == [[6.0] * 3] * 2
    backend.set_floatx("float64")
    gradient_check(Merge(mode="cos"), [np.random.default_rng(0).normal(size=(3, 4)),
                                       np.random.default_rng(1).normal(size=(3, 4))])


@pytest.mark.parametrize("name", ["seed001_merge_two_branch", "seed001_merge_dual_lstm",
                                  "seed001_merge_image_caption"])
def test_seed001_merge_examples_run(name, monkeypatch, capsys):
    import runpy
    monkeypatch.setenv("PIPESEQ_EXAMPLE_SMALL", "1")
    path = os.path.join(os.path.dirname(os.path.dirname(__file__)), "examples", name + ".py")
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)      # Keras 1 spellings
        runpy.run_path(path, run_name="__main__")
    assert "Total params" in capsys.readouterr().out

