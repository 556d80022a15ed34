"""Every loss: value formulas and float64 gradients; regularizer gradients."""
import numpy as np
import pytest

from pipeseq import backend
from pipeseq.regularizers import L1, L1L2, L2
from pipeseq.training import losses
from tests.layer_check import numeric_grad

rng = np.random.default_rng(0)
P = rng.uniform(0.05, 0.95, size=(4, 3))
P_SOFT = P / P.sum(axis=1, keepdims=True)
T_ONEHOT = np.eye(3)[[0, 2, 1, 2]]
T_BIN = rng.integers(0, 2, size=(4, 3)).astype(float)
T_REAL = rng.normal(size=(4, 3))

CASES = [
    ("categorical_crossentropy", {}, T_ONEHOT, P_SOFT),
    ("categorical_crossentropy", {"from_logits": True}, T_ONEHOT, T_REAL),
    ("categorical_crossentropy", {"label_smoothing": 0.1}, T_ONEHOT, P_SOFT),
    ("sparse_categorical_crossentropy", {}, np.array([0, 2, 1, 2]), P_SOFT),
    ("sparse_categorical_crossentropy", {"from_logits": True}, np.array([[0], [2], [1], [2]]), T_REAL),
    ("binary_crossentropy", {}, T_BIN, P),
    ("binary_crossentropy", {"from_logits": True}, T_BIN, T_REAL),
    ("binary_crossentropy", {"label_smoothing": 0.2}, T_BIN, P),
    ("mean_squared_error", {}, T_REAL, P),
    ("mean_absolute_error", {}, T_REAL, P),
    ("mean_absolute_percentage_error", {}, T_REAL, P),
    ("mean_squared_logarithmic_error", {}, np.abs(T_REAL), P),
    ("hinge", {}, T_BIN, T_REAL),
    ("squared_hinge", {}, T_BIN, T_REAL),
    ("categorical_hinge", {}, T_ONEHOT, T_REAL),
    ("kl_divergence", {}, P_SOFT[::-1].copy(), P_SOFT),
    ("poisson", {}, np.abs(T_REAL), P),
    ("cosine_similarity", {}, T_REAL, P),
    ("huber", {}, T_REAL, 2 * T_REAL[::-1]),
    ("huber", {"delta": 0.5}, T_REAL, P),
    ("log_cosh", {}, T_REAL, P),
]


@pytest.mark.parametrize("name,kwargs,t,p", CASES)
def test_loss_gradient_float64(name, kwargs, t, p):
    loss = losses.Loss(name, **kwargs)
    p = p.astype("float64").copy()
    weights = rng.normal(size=p.shape[0])
    analytic = loss.gradient(t, p) * weights[:, None]
    numeric = numeric_grad(lambda: float((loss(t, p) * weights).sum()), p)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)


def test_loss_values_known():
    t = np.array([[0.0, 1.0]])
    p = np.array([[0.2, 0.8]])
    assert np.isclose(losses.categorical_crossentropy(t, p)[0], -np.log(0.8))
    assert np.isclose(losses.mean_squared_error(t, p)[0], 0.04)
    assert np.isclose(losses.binary_crossentropy(t, p)[0], -np.log(0.8))
    assert np.isclose(losses.huber(np.array([[0.0]]), np.array([[3.0]]))[0], 2.5)


def test_loss_aliases_and_lookup():
    for alias, full in [("mse", "mean_squared_error"), ("MSE", "mean_squared_error"),
                        ("mae", "mean_absolute_error"), ("kld", "kl_divergence"),
                        ("logcosh", "log_cosh")]:
        assert losses.get(alias).fn_name == full
    assert losses.get(losses.mean_squared_error).fn_name == "mean_squared_error"
    assert losses.get(losses.CategoricalCrossentropy(from_logits=True)).kwargs["from_logits"]


def test_unknown_loss_suggests():
    with pytest.raises(ValueError, match="Did you mean 'categorical_crossentropy'"):
        losses.get("categorical_crossentropie")


def test_custom_loss_gradient_is_exact():
    def my_loss(y_true, y_pred):
        return np.mean((y_pred - y_true) ** 4, axis=-1)
    loss = losses.get(my_loss)
    t, p = T_REAL, P.copy()
    value, g = loss.weighted_value_and_gradient(t, p)
    n = p.shape[0]
    np.testing.assert_allclose(value, np.mean((p - t) ** 4))
    np.testing.assert_allclose(g, 4 * (p - t) ** 3 / p.shape[-1] / n, rtol=1e-12)


@pytest.mark.parametrize("reg", [L1(0.01), L2(0.02), L1L2(0.01, 0.03)])
def test_regularizer_gradient(reg):
    w = rng.normal(size=(3, 4))
    np.testing.assert_allclose(reg.gradient(w), numeric_grad(lambda: reg(w), w), rtol=1e-6, atol=1e-9)


def test_loss_dtype_follows_prediction():
    p32 = P.astype("float32")
    assert losses.Loss("mean_squared_error")(T_REAL, p32).dtype == np.float32
    assert losses.Loss("mean_squared_error").gradient(T_REAL, p32).dtype == np.float32
