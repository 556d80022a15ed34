"""compat.backend (pipeseq.r.array_ops): K.* functions, and custom losses/metrics written with them."""
import warnings

import numpy as np
import pytest

from compat import backend as K
from pipeseq.r import array_ops

X = np.array([[1.0, -2.0, 3.0], [0.5, 4.0, -1.0]], "float32")
Y = np.array([[2.0, 1.0, 0.0], [1.0, 1.0, 1.0]], "float32")

# (function, args, kwargs, NumPy reference)
CASES = [
    ("mean", (X,), {}, np.mean(X)),
    ("mean", (X,), {"axis": 1}, X.mean(axis=1)),
    ("mean", (X,), {"axis": -1, "keepdims": True}, X.mean(axis=-1, keepdims=True)),
    ("mean", (X,), {"axis": [0, 1]}, X.mean(axis=(0, 1))),
    ("sum", (X,), {"axis": 0}, X.sum(axis=0)),
    ("max", (X,), {"axis": 1}, X.max(axis=1)),
    ("min", (X,), {"axis": 0, "keepdims": True}, X.min(axis=0, keepdims=True)),
    ("prod", (X,), {"axis": 1}, X.prod(axis=1)),
    ("std", (X,), {"axis": 1}, X.std(axis=1)),
    ("var", (X,), {}, X.var()),
    ("square", (X,), {}, X ** 2),
    ("sqrt", (np.abs(X),), {}, np.sqrt(np.abs(X))),
    ("abs", (X,), {}, np.abs(X)),
    ("exp", (X,), {}, np.exp(X)),
    ("log", (np.abs(X),), {}, np.log(np.abs(X))),
    ("clip", (X, 0.0, 2.0), {}, np.clip(X, 0, 2)),
    ("maximum", (X, Y), {}, np.maximum(X, Y)),
    ("minimum", (X, 0.0), {}, np.minimum(X, 0)),
    ("pow", (X, 2), {}, X ** 2),
    ("sign", (X,), {}, np.sign(X)),
    ("round", (X,), {}, np.round(X)),
    ("argmax", (X,), {}, X.argmax(axis=-1)),
    ("argmin", (X,), {"axis": 0}, X.argmin(axis=0)),
    ("dot", (X, Y.T), {}, X @ Y.T),
    ("transpose", (X,), {}, X.T),
    ("reshape", (X, (3, 2)), {}, X.reshape(3, 2)),
    ("concatenate", ([X, Y],), {"axis": 0}, np.concatenate([X, Y], axis=0)),
    ("concatenate", ([X, Y],), {}, np.concatenate([X, Y], axis=-1)),
    ("stack", ([X, Y],), {}, np.stack([X, Y])),
    ("expand_dims", (X,), {}, X[..., None]),
    ("squeeze", (X[:, None, :],), {"axis": 1}, X),
    ("equal", (X, X), {}, np.ones_like(X, bool)),
    ("greater", (X, 0.0), {}, X > 0),
    ("less_equal", (X, Y), {}, X <= Y),
    ("batch_flatten", (np.ones((2, 3, 4), "float32"),), {}, np.ones((2, 12))),
    ("logsumexp", (X,), {"axis": 1}, np.log(np.exp(X).sum(axis=1))),
    ("l2_normalize", (X,), {"axis": -1}, X / np.linalg.norm(X, axis=-1, keepdims=True)),
    ("softmax", (X,), {}, np.exp(X) / np.exp(X).sum(axis=-1, keepdims=True)),
    ("sigmoid", (X,), {}, 1 / (1 + np.exp(-X))),
    ("tanh", (X,), {}, np.tanh(X)),
    ("relu", (X,), {}, np.maximum(X, 0)),
]


@pytest.mark.parametrize("name,args,kwargs,expected", CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_backend_function_matches_numpy(name, args, kwargs, expected):
    out = getattr(K, name)(*args, **kwargs)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)
    if np.asarray(expected).dtype.kind == "f" and name not in ("argmax", "argmin"):
        assert np.asarray(out).dtype == np.float32, f"{name} upcast to {np.asarray(out).dtype}"


def test_backend_is_array_ops():
    assert K.mean is array_ops.mean and K.epsilon is array_ops.epsilon


def test_constructors_casts_and_settings():
    assert K.epsilon() == 1e-7 and K.floatx() == "float32"
    assert K.ones((2, 3)).dtype == np.float32 and K.zeros(4).shape == (4,)
    assert K.ones((2,), dtype="int32").dtype == np.int32
    assert K.cast(np.array([1.7, -0.2]), "int32").tolist() == [1, 0]
    assert K.cast(K.greater(X, 0), K.floatx()).dtype == np.float32
    assert K.int_shape(X) == (2, 3) and K.ndim(X) == 2
    assert K.mean([1, 2]).dtype == np.float32      # integer input averages as floatx
    assert K.sqrt(np.array([-1.0, 4.0], "float32")).tolist() == [0.0, 2.0]
    assert K.clip(X, 1.0, None).min() == 1.0
    np.testing.assert_allclose(K.batch_dot(np.ones((2, 3, 4)), np.ones((2, 4, 5))),
                               np.full((2, 3, 5), 4.0))
    assert K.batch_dot(np.ones((2, 3)), np.ones((2, 3))).shape == (2, 1)
    np.testing.assert_allclose(K.dot(np.ones((2, 3, 4)), np.ones((4, 5))), np.full((2, 3, 5), 4.0))


def test_backend_crossentropies():
    p = np.array([[0.7, 0.2, 0.1]], "float32")
    t = np.array([[1.0, 0.0, 0.0]], "float32")
    np.testing.assert_allclose(K.categorical_crossentropy(t, p), [-np.log(0.7)], rtol=1e-6)
    np.testing.assert_allclose(K.sparse_categorical_crossentropy(np.array([0]), p),
                               [-np.log(0.7)], rtol=1e-6)
    np.testing.assert_allclose(K.binary_crossentropy(np.array([1.0], "float32"),
                                                     np.array([0.8], "float32")),
                               [-np.log(0.8)], rtol=1e-6)


def test_custom_loss_and_metric_with_K_train_a_model():
    from compat.layers import Dense
    from compat.models import Sequential

    def my_mse(y_true, y_pred):
        return K.mean(K.square(y_pred - y_true), axis=-1)

    def mean_pred(y_true, y_pred):
        return K.mean(y_pred)

    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5]], "float32")
    custom = Sequential([Dense(1, input_dim=3)])
    builtin = Sequential([Dense(1, input_dim=3)])
    builtin.set_weights(custom.get_weights())
    custom.compile(optimizer="sgd", loss=my_mse, metrics=[mean_pred])
    builtin.compile(optimizer="sgd", loss="mse")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        hist = custom.fit(x, y, epochs=4, batch_size=16, verbose=0, shuffle=False)
        ref = builtin.fit(x, y, epochs=4, batch_size=16, verbose=0, shuffle=False)
    # a loss written with K trains exactly like the built-in one
    np.testing.assert_allclose(hist.history["loss"], ref.history["loss"], rtol=1e-3)
    assert hist.history["loss"][-1] < hist.history["loss"][0]
    assert len(hist.history["mean_pred"]) == 4
    np.testing.assert_allclose(custom.get_weights()[0], builtin.get_weights()[0], rtol=1e-3)
