"""Initializer statistics/configs and metric semantics."""
import numpy as np
import pytest

from pipeseq import backend, initializers
from pipeseq.layers import Dense
from pipeseq.models import Sequential
from pipeseq.training import metrics
from pipeseq.training.optimizers import SGD

SHAPE = (200, 300)


@pytest.mark.parametrize("name,std", [
    ("glorot_uniform", np.sqrt(2 / 500)), ("glorot_normal", np.sqrt(2 / 500)),
    ("he_uniform", np.sqrt(2 / 200)), ("he_normal", np.sqrt(2 / 200)),
    ("lecun_uniform", np.sqrt(1 / 200)), ("lecun_normal", np.sqrt(1 / 200)),
    ("uniform", 0.1 / np.sqrt(12)), ("normal", 0.05),
])
def test_variance_matches_keras_definition(name, std):
    w = initializers.get(name)(SHAPE)
    assert w.dtype == np.float32 and w.shape == SHAPE
    assert abs(w.mean()) < 0.05 * std * 10
    assert np.isclose(w.std(), std, rtol=0.05)


def test_uniform_bounds_and_truncation():
    w = initializers.get("glorot_uniform")(SHAPE)
    assert np.abs(w).max() <= np.sqrt(6 / 500)
    t = initializers.TruncatedNormal(stddev=1.0)((1000,))
    assert np.abs(t).max() <= 2.0
    u = initializers.get("uniform")((1000,))
    assert u.min() >= -0.05 and u.max() <= 0.05


def test_constant_zeros_ones_identity_orthogonal():
    assert (initializers.get("zeros")((2, 2)) == 0).all()
    assert (initializers.get("ones")((2, 2)) == 1).all()
    assert (initializers.Constant(3.0)((2,)) == 3).all()
    np.testing.assert_array_equal(initializers.get("identity")((3, 3)), np.eye(3))
    q = initializers.get("orthogonal")((6, 6)).astype("float64")
    np.testing.assert_allclose(q @ q.T, np.eye(6), atol=1e-5)
    q = initializers.Orthogonal(gain=2.0)((4, 8)).astype("float64")
    np.testing.assert_allclose(q @ q.T, 4 * np.eye(4), atol=1e-5)


def test_seeded_initializers_are_reproducible_and_configs_round_trip():
    a = initializers.GlorotUniform(seed=3)((4, 5))
    b = initializers.GlorotUniform(seed=3)((4, 5))
    assert np.array_equal(a, b)
    ser = initializers.serialize(initializers.RandomNormal(mean=1.0, stddev=2.0, seed=5))
    assert ser["class_name"] == "RandomNormal"
    again = initializers.get(ser)
    assert (again.mean, again.stddev, again.seed) == (1.0, 2.0, 5)
    with pytest.raises(ValueError, match="Did you mean 'he_normal'"):
        initializers.get("he_norml")


def test_dense_default_initializers_are_keras_defaults():
    d = Dense(3)
    assert type(d.kernel_initializer).__name__ == "GlorotUniform"
    assert type(d.bias_initializer).__name__ == "Zeros"


# ------------------------------------------------------------------ metrics
def test_accuracy_resolution_like_keras():
    r = metrics.resolve_accuracy
    assert r((8, 1), (8, 1)) is metrics.binary_accuracy
    assert r((8,), (8, 3)) is metrics.sparse_categorical_accuracy
    assert r((8, 1), (8, 3)) is metrics.sparse_categorical_accuracy
    assert r((8, 3), (8, 3)) is metrics.categorical_accuracy


def test_metric_functions():
    t = np.array([[0, 1, 0], [1, 0, 0]])
    p = np.array([[0.1, 0.7, 0.2], [0.2, 0.5, 0.3]])
    assert metrics.categorical_accuracy(t, p).tolist() == [1, 0]
    assert metrics.sparse_categorical_accuracy(np.array([1, 0]), p).tolist() == [1, 0]
    assert metrics.top_k_categorical_accuracy(t, p, k=2).tolist() == [1, 0]
    assert metrics.binary_accuracy(np.array([[1], [0]]), np.array([[0.6], [0.6]])).tolist() == [1, 0]


def test_epoch_metric_is_mean_weighted_by_batch_size():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(70, 4)).astype("float32")
    y = np.eye(3)[rng.integers(0, 3, 70)]
    model = Sequential([Dense(3, activation="softmax", input_shape=(4,))])

    def mean_pred(y_true, y_pred):
        return y_pred.max(axis=-1)
    model.compile(optimizer=SGD(0.0), loss="categorical_crossentropy",
                  metrics=["accuracy", {"conf": mean_pred}, mean_pred])
    h = model.fit(x, y, batch_size=32, epochs=1, verbose=0, shuffle=False)
    p = model.predict(x, verbose=0)
    assert set(h.history) == {"loss", "accuracy", "conf", "mean_pred"}
    assert np.isclose(h.history["accuracy"][0], (p.argmax(1) == y.argmax(1)).mean(), rtol=1e-6)
    assert np.isclose(h.history["conf"][0], p.max(1).mean(), rtol=1e-5)
    ce = -np.log(np.clip(p[np.arange(70), y.argmax(1)], 1e-7, 1)).mean()
    assert np.isclose(h.history["loss"][0], ce, rtol=1e-5)


def test_acc_alias_keeps_user_name():
    model = Sequential([Dense(1, activation="sigmoid", input_shape=(2,))])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["acc"])
    h = model.fit(np.ones((4, 2)), np.ones((4, 1)), verbose=0)
    assert "acc" in h.history
