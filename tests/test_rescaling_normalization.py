"""Rescaling and Normalization: the shared checker, Keras's values, adapt, errors."""
import numpy as np
import pytest

from pipeseq.layers import Normalization, Rescaling
from tests.layer_check import check_layer


@pytest.mark.parametrize("cls,kwargs,shape,n_weights", [
    (Rescaling, {"scale": 1 / 127.5, "offset": -1.0}, (2, 3, 3, 2), 0),
    (Rescaling, {"scale": [0.5, 2.0], "offset": [1.0, -1.0]}, (2, 3, 2), 0),
    (Normalization, {"mean": [1.0, 2.0], "variance": [4.0, 9.0]}, (3, 2), 0),
    (Normalization, {"axis": -1}, (3, 4, 2), 3),
    (Normalization, {"axis": None, "mean": 2.0, "variance": 4.0, "invert": True}, (3, 2), 0),
    (Normalization, {"axis": (1, 2)}, (3, 2, 2), 3),
])
def test_checker(cls, kwargs, shape, n_weights):
    layer = check_layer(cls, kwargs, shape, expected_num_weights=n_weights,
                        expected_num_trainable=0, supports_training_step=False)
    assert layer.count_params() == sum(w.size for w in layer.get_weights())


def test_keras_values():
    # the examples of Keras's docstrings
    x = np.array([[1.0], [2.0], [3.0]], "float32")
    np.testing.assert_allclose(Normalization(mean=3.0, variance=2.0)(x)[:, 0],
                               [-1.4142135, -0.70710677, 0.0], rtol=1e-6)
    adapt = np.array([[0.0, 7.0, 4.0], [2.0, 9.0, 6.0], [0.0, 7.0, 4.0], [2.0, 9.0, 6.0]], "float32")
    inv = Normalization(axis=-1, invert=True)
    inv.adapt(adapt)
    np.testing.assert_allclose(inv(np.array([[1.0, 2.0, 3.0]], "float32")), [[2.0, 10.0, 8.0]])
    norm = Normalization(axis=-1)
    norm.adapt(adapt)
    np.testing.assert_allclose(norm(adapt), [[-1, -1, -1], [1, 1, 1]] * 2, atol=1e-6)
    assert [w.name for w in norm.weights] == ["mean", "variance", "count"]
    assert norm.get_weights()[2].dtype == np.int64
    y = Rescaling(1 / 255)(np.array([[255, 0]], "uint8"))
    assert y.dtype == np.float32 and y.tolist() == [[1.0, 0.0]]


def test_adapt_batches_equals_whole_array():
    rng = np.random.default_rng(0)
    data = rng.normal(3, 2, size=(50, 4)).astype("float32")
    whole, parts = Normalization(), Normalization()
    whole.adapt(data)
    parts.adapt([data[:7], data[7:30], data[30:]])
    for a, b in zip(whole.get_weights()[:2], parts.get_weights()[:2]):
        np.testing.assert_allclose(a, b, rtol=1e-5)
    np.testing.assert_allclose(whole.get_weights()[0], data.mean(0), rtol=1e-5)


def test_errors_change_nothing():
    with pytest.raises(ValueError, match="both `mean` and `variance`"):
        Normalization(mean=1.0)
    with pytest.raises(ValueError, match="Received: scale="):
        Rescaling("big")
    norm = Normalization()
    norm.adapt(np.ones((4, 3), "float32"))
    before = norm.get_weights()
    with pytest.raises(ValueError, match="incompatible shape"):
        norm.adapt(np.ones((4, 2), "float32"))
    for a, b in zip(before, norm.get_weights()):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="fixed statistics"):
        Normalization(mean=0.0, variance=1.0).adapt(np.ones((2, 1)))
