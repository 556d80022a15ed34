"""Wrapper (the user-wrapper base) and SpectralNormalization: the declarative checker, the
power iteration against NumPy's SVD, training vs inference, weight order, errors. Keras
parity (inference and training) is in tests/test_layer_fixtures.py."""
import numpy as np
import pytest

from pipeseq import Sequential, backend, ops
from pipeseq.layers import (Bidirectional, Conv2D, Dense, Embedding, Flatten,
                            SpectralNormalization, TimeDistributed, Wrapper)
from pipeseq.saving.api import model_from_json
from tests.layer_check import check_layer


def f64(cls, *args, **kwargs):
    old = backend.floatx()
    backend.set_floatx("float64")
    try:
        return cls(*args, **kwargs)
    finally:
        backend.set_floatx(old)


@pytest.mark.parametrize("inner,shape,n", [
    (lambda: f64(Dense, 3, activation="tanh"), (2, 4), 3),
    (lambda: f64(Conv2D, 2, 2, use_bias=False), (2, 4, 4, 3), 2),
])
def test_check_layer(inner, shape, n):
    layer = check_layer(SpectralNormalization, {"layer": inner(), "power_iterations": 2}, shape,
                        expected_num_weights=n, expected_num_trainable=n - 1)
    assert [w.name for w in layer.weights][:2] == ["kernel", "vector_u"]
    assert layer.get_config()["layer"]["class_name"] == type(layer.layer).__name__


def test_training_call_normalizes_the_kernel_inference_does_not():
    rng = np.random.default_rng(0)
    sn = SpectralNormalization(Dense(5), power_iterations=30)
    x = rng.normal(size=(3, 4)).astype("float32")
    sn(x)
    sn.layer.kernel.value = (rng.normal(size=(4, 5)) * 3).astype("float32")
    before = sn.layer.kernel.numpy()
    sn(x, training=False)
    np.testing.assert_array_equal(sn.layer.kernel.value, before)
    y = sn(x, training=True)
    sigma = np.linalg.svd(before, compute_uv=False)[0]
    np.testing.assert_allclose(sn.layer.kernel.value, before / sigma, rtol=1e-4)
    np.testing.assert_allclose(y, x @ (before / sigma) + sn.layer.bias.value, rtol=1e-4,
                               atol=1e-5)
    u = sn.vector_u.value
    assert u.shape == (1, 5) and abs(np.linalg.norm(u) - 1) < 1e-5


def test_zero_kernel_is_left_alone_and_embeddings_are_wrapped():
    sn = SpectralNormalization(Dense(2, kernel_initializer="zeros"))
    sn(np.ones((1, 3), "float32"))
    u = sn.vector_u.numpy()
    sn(np.ones((1, 3), "float32"), training=True)
    np.testing.assert_array_equal(sn.vector_u.value, u)
    assert not sn.layer.kernel.value.any()
    emb = SpectralNormalization(Embedding(6, 3))
    assert emb(np.array([[1, 2]]), training=True).shape == (1, 2, 3)
    assert emb.kernel is emb.layer.embeddings and emb.vector_u.shape == (1, 3)


def test_trains_in_a_model_and_round_trips():
    x = np.random.default_rng(1).normal(size=(8, 4)).astype("float32")
    model = Sequential([SpectralNormalization(Dense(3), input_shape=(4,)), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    u0 = model.layers[0].vector_u.numpy()
    model.fit(x, x[:, :1], epochs=2, verbose=0)
    assert not np.allclose(u0, model.layers[0].vector_u.value)
    assert model.layers[0].non_trainable_weights[0].name == "vector_u"
    clone = model_from_json(model.to_json())
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.predict(x, verbose=0), model.predict(x, verbose=0))


def test_bad_arguments():
    with pytest.raises(ValueError, match="power_iterations"):
        SpectralNormalization(Dense(2), power_iterations=0)
    with pytest.raises(ValueError, match="isn't a supported layer"):
        SpectralNormalization("dense")
    sn = SpectralNormalization(Flatten())
    with pytest.raises(ValueError, match="no attribute 'kernel' nor 'embeddings'"):
        sn(np.ones((1, 2, 2), "float32"))
    assert not sn.built and sn.weights == []


class Scaled(Wrapper):
    """A user wrapper: Keras's way (``call`` with ops)."""

    def __init__(self, layer, factor=2.0, **kwargs):
        super().__init__(layer, **kwargs)
        self.factor = factor

    def call(self, inputs):
        return ops.multiply(self.layer(inputs), self.factor)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def test_user_wrapper_trains_and_round_trips():
    x = np.random.default_rng(2).normal(size=(6, 3)).astype("float32")
    model = Sequential([Scaled(Dense(2), factor=3.0, input_shape=(3,))])
    inner = model.layers[0].layer
    np.testing.assert_allclose(model.predict(x, verbose=0),
                               3.0 * (x @ inner.kernel.value + inner.bias.value), rtol=1e-5)
    assert [w.name for w in model.layers[0].trainable_weights] == ["kernel", "bias"]
    model.compile(optimizer="sgd", loss="mse")
    k0 = inner.kernel.numpy()
    model.fit(x, np.zeros((6, 2), "float32"), epochs=1, verbose=0)
    assert not np.allclose(k0, inner.kernel.value)
    cfg = model.layers[0].get_config()
    again = Scaled.from_config(cfg)
    assert again.factor == 3.0 and isinstance(again.layer, Dense)


def test_wrapper_hierarchy_follows_keras3():
    assert issubclass(TimeDistributed, Wrapper) and issubclass(SpectralNormalization, Wrapper)
    assert not issubclass(Bidirectional, Wrapper)      # a plain Layer in Keras 3
