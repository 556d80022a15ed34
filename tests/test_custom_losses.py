"""Custom losses: Keras 3's reduction and weighting, exact gradients (autograd), any result shape."""
import numpy as np
import pytest

import compat.backend as K
from compat import ops
from compat.layers import Dense
from compat.losses import Loss
from compat.models import Sequential
from pipeseq.training.custom_losses import CustomLoss, reduce_weighted_values

RNG = np.random.default_rng(3)
T = RNG.normal(size=(6, 4))
P = RNG.normal(size=(6, 4))
SW = RNG.uniform(0.5, 2.0, size=6)


def numeric(f, p, h=1e-6):
    g = np.zeros_like(p)
    for i in np.ndindex(p.shape):
        old = p[i]
        p[i] = old + h
        up = f(p)
        p[i] = old - h
        down = f(p)
        p[i] = old
        g[i] = (up - down) / (2 * h)
    return g


def per_element(t, p):
    return ops.square(p - t) * ops.tanh(p)


def per_sample(t, p):
    return K.mean(K.square(p - t), axis=-1) + 0.3 * K.max(K.abs(p - t), axis=-1)


def batch_scalar(t, p):
    return K.mean(K.square(p - t))


@pytest.mark.parametrize("fn", [per_element, per_sample, batch_scalar])
@pytest.mark.parametrize("weighted", [False, True])
def test_value_is_keras_reduction_and_gradient_is_exact(fn, weighted):
    sw = SW if weighted else None
    loss = CustomLoss(fn)
    value, grad = loss.weighted_value_and_gradient(T, P.copy(), sw)
    raw = np.asarray(fn(T, P))
    if weighted:
        raw = raw * (sw.reshape((-1,) + (1,) * (raw.ndim - 1)) if raw.ndim else sw)
    expected = raw if raw.ndim == 0 else raw.sum() / raw.size
    np.testing.assert_allclose(value, expected, rtol=1e-12)
    ref = numeric(lambda p: float(np.asarray(loss(T, p, sw))), P.copy())
    np.testing.assert_allclose(grad, ref, rtol=1e-6, atol=1e-9)


def test_batch_scalar_with_sample_weights_scales_by_their_mean():
    # Keras 3 broadcasts a scalar loss against the weights: loss * mean(sample_weight)
    loss = CustomLoss(batch_scalar)
    value, _ = loss.weighted_value_and_gradient(T, P, SW)
    np.testing.assert_allclose(value, np.mean((P - T) ** 2) * SW.mean(), rtol=1e-12)


def test_rank_alignment_and_float32():
    t = RNG.integers(0, 2, size=(5,))                 # (n,) targets, (n, 1) predictions
    p = RNG.uniform(0.1, 0.9, size=(5, 1)).astype("float32")
    seen = []

    def f(y_true, y_pred):
        seen.append((np.shape(y_true), str(K.dtype(y_true))))
        return K.mean(K.square(y_pred - y_true), axis=-1)
    value, grad = CustomLoss(f).weighted_value_and_gradient(t, p)
    assert seen[0] == ((5, 1), "float32")
    assert grad.dtype == np.float32 and grad.shape == (5, 1)
    np.testing.assert_allclose(grad[:, 0], 2 * (p[:, 0] - t) / 5, rtol=1e-6)


def test_reductions():
    v = np.arange(6.0).reshape(3, 2)
    assert reduce_weighted_values(v, reduction="sum") == 15.0
    assert reduce_weighted_values(v, np.array([1.0, 0.0, 1.0]), "mean_with_sample_weight") == 5.0
    assert reduce_weighted_values(np.float64(2.0)) == 2.0
    with pytest.raises(ValueError, match="Invalid reduction"):
        CustomLoss(batch_scalar, reduction="average")


class Focal(Loss):
    def __init__(self, gamma=2.0, name="focal"):
        super().__init__(name=name)
        self.gamma = gamma

    def call(self, y_true, y_pred):
        p = ops.clip(y_pred, 1e-7, 1 - 1e-7)
        return -ops.sum(y_true * (1 - p) ** self.gamma * ops.log(p), axis=-1)


def test_loss_subclass_called_directly_gives_the_reduced_loss():
    t = np.eye(3)[[0, 2, 1]]
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.3, 0.4, 0.3]])
    expected = np.mean(-np.sum(t * (1 - p) ** 2 * np.log(p), axis=-1))
    np.testing.assert_allclose(Focal()(t, p), expected, rtol=1e-6)
    np.testing.assert_allclose(Focal()(t, p, sample_weight=np.array([1.0, 0.0, 0.0])),
                               -(0.3 ** 2) * np.log(0.7) / 3, rtol=1e-6)


def test_models_train_with_custom_losses_and_report_keras_names():
    x = RNG.normal(size=(32, 4)).astype("float32")
    y = np.eye(3, dtype="float32")[RNG.integers(0, 3, 32)]
    for loss in (Focal(), Focal, per_sample, batch_scalar):
        model = Sequential([Dense(3, activation="softmax", input_shape=(4,))])
        model.compile("adam", loss=loss, metrics=[per_sample])
        h = model.fit(x, y, epochs=3, batch_size=8, verbose=0)
        assert h.history["loss"][-1] < h.history["loss"][0]
        assert set(h.history) == {"loss", "per_sample"}
        assert model.get_weights()[0].dtype == np.float32


def test_r_backend_functions_in_a_loss():
    from pipeseq import k_mean, k_square, op_mean, op_square
    for mean, square in ((k_mean, k_square), (op_mean, op_square)):
        loss = CustomLoss(lambda t, p: mean(square(p - t), axis=-1))
        v, g = loss.weighted_value_and_gradient(T, P)
        np.testing.assert_allclose(g, 2 * (P - T) / P.size, rtol=1e-12)


def test_undifferentiable_loss_says_why():
    def bad(t, p):
        return float(np.mean(np.asarray(p, dtype=float) - t))
    with pytest.raises(TypeError, match="could not be differentiated.*pipeseq.ops"):
        CustomLoss(bad).weighted_value_and_gradient(T, P)
    with pytest.raises(ValueError, match="returned None"):
        CustomLoss(lambda t, p: None).weighted_value_and_gradient(T, P)
