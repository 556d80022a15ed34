"""Keras 3's top-level names beyond models and layers: DTypePolicy, Operation, Function,
SymbolicScope, remat/RematScope, utils.Config, metrics.serialize."""
import json
import warnings

import numpy as np
import pytest

import compat as keras
from pipeseq import ops
from pipeseq.graph import in_symbolic_scope


def test_dtype_policy_in_layers_and_configs():
    p = keras.DTypePolicy("float64")
    assert (p.name, p.compute_dtype, p.variable_dtype) == ("float64", "float64", "float64")
    assert keras.DTypePolicy.from_config(p.get_config()) == p
    assert isinstance(keras.FloatDTypePolicy("float32"), keras.DTypePolicy)
    assert keras.DTypePolicy().name == "float32"
    layer = keras.layers.Dense(2, dtype=p)
    assert layer(np.ones((1, 3), "float32")).dtype == np.float64
    assert layer.kernel.dtype == np.float64
    assert keras.config.dtype_policy() == keras.DTypePolicy("float32")
    for bad, why in (("mixed_float16", "mixed precision"), ("bfloat16", "bfloat16"),
                     ("int8_from_float32", "quantized")):
        with pytest.raises(ValueError, match=why):
            keras.DTypePolicy(bad)


class ScaledTanh(keras.Operation):
    def __init__(self, scale=2.0, name=None):
        super().__init__(name=name)
        self.scale = scale

    def call(self, x):
        return ops.tanh(x) * self.scale


def test_operation_eager_symbolic_and_trainable():
    op = ScaledTanh(3.0)
    assert op.name == "scaled_tanh" and op.get_config() == {"name": "scaled_tanh"}
    np.testing.assert_allclose(op(np.array([0.5], "float32")), 3 * np.tanh(0.5), rtol=1e-6)
    inp = keras.Input((4,))
    out = keras.layers.Dense(1)(op(keras.layers.Dense(4)(inp)))
    model = keras.Model(inp, out)
    assert model.output_shape == (None, 1)
    model.compile(optimizer="sgd", loss="mse")
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(32, 4)).astype("float32"), rng.normal(size=(32, 1)).astype("float32")
    hist = model.fit(x, y, epochs=5, batch_size=8, verbose=0)
    assert hist.history["loss"][-1] < hist.history["loss"][0]
    with pytest.raises(ValueError, match="name"):
        ScaledTanh(name="a/b")


def test_function_runs_the_graph():
    x = keras.Input((3,))
    h = keras.layers.Dense(2, kernel_initializer="ones")(x)
    fn = keras.Function(x, ops.sum(h * 2.0, axis=-1))
    np.testing.assert_allclose(fn(np.ones((2, 3), "float32")), [12.0, 12.0])
    assert [type(o).__name__ for o in fn.operations][:2] == ["InputLayer", "Dense"]
    assert fn.compute_output_spec(keras.Input((3,))).shape == (None,)


def test_symbolic_scope_marks_shape_inference():
    seen = []

    class Probe(keras.Layer):
        def call(self, x):
            seen.append(in_symbolic_scope())
            return x * 2.0

    layer = Probe()
    assert layer(keras.Input((2,))).shape == (None, 2)
    assert seen and all(seen)
    seen.clear()
    layer(np.ones((1, 2), "float32"))
    assert seen == [False]
    with keras.SymbolicScope():
        assert in_symbolic_scope()
    assert not in_symbolic_scope()


def test_remat_warns_as_keras_numpy_backend_and_changes_nothing():
    f = lambda x: x + 1          # noqa: E731
    with pytest.warns(UserWarning, match="not supported"):
        assert keras.remat(f) is f
    with pytest.raises(ValueError, match="Invalid mode"):
        keras.RematScope(mode="some")
    with pytest.warns(UserWarning, match="not supported"):
        with keras.RematScope(mode="larger_than", output_size_threshold=10):
            assert keras.get_current_remat_mode() == ("larger_than", 10, [])
    assert keras.get_current_remat_mode() is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with keras.RematScope(mode=None):
            pass


def test_utils_config():
    c = keras.utils.Config(learning_rate=0.1)
    c.momentum = 0.9
    assert json.loads(c.to_json()) == {"learning_rate": 0.1, "momentum": 0.9}
    with pytest.raises(AttributeError, match="Did you mean 'momentum'"):
        c.momentun
    c.freeze()
    with pytest.raises(ValueError, match="frozen"):
        c["x"] = 1
    c.unfreeze()
    c["x"] = 1
    assert c.as_dict()["x"] == 1


def test_metrics_serialize_round_trip():
    m = keras.metrics.AUC(num_thresholds=50, curve="PR")
    cfg = keras.metrics.serialize(m)
    assert cfg["class_name"] == "AUC" and cfg["module"] == "keras.metrics"
    back = keras.metrics.deserialize(json.loads(json.dumps(cfg)))
    assert (back.num_thresholds, back.curve) == (50, "PR")
