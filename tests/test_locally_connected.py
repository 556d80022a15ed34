"""LocallyConnected1D/2D: the declarative checker for every implementation mode and data
format, the three modes computing one function, tf_keras's shapes and errors. Parity with
tf_keras's outputs and training is in tests/test_layer_fixtures.py (tf_keras cases)."""
import numpy as np
import pytest

from pipeseq.kernels import local as ops
from pipeseq.layers import LocallyConnected1D, LocallyConnected2D
from tests.layer_check import check_layer

CASES = [
    (LocallyConnected1D, {"filters": 2, "kernel_size": 3, "strides": 2}, (2, 7, 3), (2, 3, 2)),
    (LocallyConnected1D, {"filters": 2, "kernel_size": 2, "data_format": "channels_first",
                          "activation": "tanh"}, (2, 3, 5), (2, 2, 4)),
    (LocallyConnected2D, {"filters": 3, "kernel_size": (2, 3), "strides": (1, 2)}, (2, 4, 6, 2),
     (2, 3, 2, 3)),
    (LocallyConnected2D, {"filters": 2, "kernel_size": 2, "data_format": "channels_first"},
     (2, 3, 4, 3), (2, 2, 3, 2)),
]


@pytest.mark.parametrize("mode", [1, 2, 3])
@pytest.mark.parametrize("cls,kwargs,shape,out", CASES)
def test_check_layer(cls, kwargs, shape, out, mode):
    layer = check_layer(cls, {**kwargs, "implementation": mode}, shape,
                        expected_output_shape=out, expected_num_weights=2)
    assert [w.name for w in layer.weights] == ["kernel", "bias"]
    assert layer.bias.shape == out[2:] + out[1:2] if kwargs.get("data_format") else \
        layer.bias.shape == out[1:]


@pytest.mark.parametrize("cls,kwargs,shape", [
    (LocallyConnected1D, {"filters": 2, "kernel_size": 3, "padding": "same", "strides": 2},
     (2, 6, 3)),
    (LocallyConnected2D, {"filters": 2, "kernel_size": (2, 3), "padding": "same",
                          "data_format": "channels_first", "use_bias": False}, (2, 3, 4, 5)),
])
@pytest.mark.parametrize("mode", [2, 3])
def test_same_padding_modes(cls, kwargs, shape, mode):
    check_layer(cls, {**kwargs, "implementation": mode}, shape,
                expected_num_weights=2 if kwargs.get("use_bias", True) else 1)


def _dense_from_mode1(layer):
    """The (inputs, outputs) matrix of a mode-1 layer, output in its data_format order."""
    geo, k = layer._geo, layer.kernel.value
    n_in = int(np.prod(geo.in_spatial)) * geo.channels
    P, F = k.shape[0], k.shape[2]
    w = np.zeros((n_in, P * F), k.dtype)
    for p in range(P):
        for j, i in enumerate(layer._aux[p]):
            cols = np.arange(F) * P + p if geo.data_format == "channels_first" else p * F + np.arange(F)
            w[i, cols] = k[p, j]
    return w


@pytest.mark.parametrize("cls,kwargs,shape,_", CASES)
def test_three_modes_compute_one_function(cls, kwargs, shape, _):
    x = np.random.default_rng(0).normal(size=shape).astype("float32")
    layers = [cls(**kwargs, implementation=m) for m in (1, 2, 3)]
    for layer in layers:
        layer(x)
    one, two, three = layers
    w = _dense_from_mode1(one)
    two.set_weights([w.reshape(two.kernel.shape), one.bias.value])
    out_idx, in_idx = three._aux
    three.set_weights([w[in_idx, out_idx], one.bias.value])
    np.testing.assert_allclose(two(x), one(x), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(three(x), one(x), rtol=1e-5, atol=1e-6)


def test_tf_keras_kernel_shapes():
    shapes = {}
    for m in (1, 2, 3):
        layer = LocallyConnected2D(2, (2, 3), implementation=m)
        layer(np.zeros((1, 4, 5, 3), "float32"))
        shapes[m] = layer.kernel.shape
    assert shapes == {1: (9, 18, 2), 2: (4, 5, 3, 3, 3, 2), 3: (324,)}
    layer = LocallyConnected1D(2, 3, strides=2, implementation=2)
    layer(np.zeros((1, 7, 3), "float32"))
    assert layer.kernel.shape == (7, 3, 3, 2)


def test_mask_matches_connectivity():
    geo = ops.geometry((5,), (3,), (2,), "same", 1, 1, "channels_last")
    m = ops.dense_mask(geo)[:, 0, :, 0]
    # tf_keras: output o sees [2o - 1, 2o + 2) clipped (kernel 3, stride 2, "same")
    assert m.T.astype(int).tolist() == [[1, 1, 0, 0, 0], [0, 1, 1, 1, 0], [0, 0, 0, 1, 1]]


@pytest.mark.parametrize("kwargs,match", [
    ({"filters": 2, "kernel_size": 3, "padding": "same"}, "only \"valid\""),
    ({"filters": 2, "kernel_size": 3, "implementation": 4}, "implementation"),
    ({"filters": 0, "kernel_size": 3}, "filters"),
    ({"filters": 2, "kernel_size": (3, 3)}, "kernel_size"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        LocallyConnected1D(**kwargs)


def test_bad_inputs_change_nothing():
    layer = LocallyConnected1D(2, 5)
    with pytest.raises(ValueError, match="<= 0"):
        layer(np.zeros((1, 3, 2), "float32"))
    assert not layer.built
    layer(np.zeros((1, 6, 2), "float32"))
    before = layer.get_weights()
    with pytest.raises(ValueError, match="incompatible"):
        layer(np.zeros((1, 7, 2), "float32"))
    for a, b in zip(before, layer.get_weights()):
        np.testing.assert_array_equal(a, b)
