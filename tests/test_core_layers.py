"""Core layers through the shared checker (shape, weights, config, gradients, a step)."""
import numpy as np
import pytest

from pipeseq.layers import (Activation, BatchNormalization, Dense, Dropout, ELU, Flatten,
                            LeakyReLU, PReLU, ReLU, Reshape, Softmax)
from pipeseq.kernels import activations
from tests.layer_check import check_layer, gradient_check


@pytest.mark.parametrize("kwargs", [
    {"units": 3}, {"units": 2, "activation": "relu", "use_bias": False},
    {"units": 4, "activation": "tanh"}, {"units": 3, "activation": "softmax"},
])
def test_dense(kwargs):
    check_layer(Dense, kwargs, (5, 4), expected_num_weights=2 - (not kwargs.get("use_bias", True)))


def test_dense_3d_input():
    check_layer(Dense, {"units": 3, "activation": "sigmoid"}, (2, 5, 4))


@pytest.mark.parametrize("name", activations.ALL_NAMES)
def test_activation(name):
    check_layer(Activation, {"activation": name}, (4, 6), supports_training_step=False)


def test_dropout_training_and_inference():
    layer = check_layer(Dropout, {"rate": 0.5, "seed": 3}, (6, 5))
    x = np.ones((200, 50), "float32")
    assert np.array_equal(layer(x), x)
    y, mask = layer.forward(x, training=True)
    assert set(np.unique(y)) <= {0.0, 2.0} and 0.4 < (y == 0).mean() < 0.6


@pytest.mark.parametrize("kwargs", [{}, {"data_format": "channels_first"}])
def test_flatten(kwargs):
    check_layer(Flatten, kwargs, (2, 3, 4, 5), expected_output_shape=(2, 60))


@pytest.mark.parametrize("target", [(3, 4), (-1, 2), (12,)])
def test_reshape(target):
    check_layer(Reshape, {"target_shape": target}, (2, 12))


@pytest.mark.parametrize("kwargs", [{}, {"center": False}, {"scale": False}, {"axis": 1}])
def test_batch_normalization(kwargs):
    shape = (6, 3, 4) if kwargs.get("axis") == 1 else (6, 4)
    check_layer(BatchNormalization, kwargs, shape, training=True,
                expected_num_weights=4 - (not kwargs.get("center", True)) - (not kwargs.get("scale", True)))


def test_batch_normalization_inference_gradient():
    check_layer(BatchNormalization, {}, (5, 3), training=False)


@pytest.mark.parametrize("cls,kwargs", [
    (ReLU, {}), (ReLU, {"max_value": 1.0, "negative_slope": 0.1, "threshold": 0.2}),
    (LeakyReLU, {}), (LeakyReLU, {"negative_slope": 0.2}), (ELU, {"alpha": 0.5}),
    (Softmax, {}), (Softmax, {"axis": 1}), (PReLU, {}), (PReLU, {"shared_axes": [1]}),
])
def test_activation_layers(cls, kwargs):
    check_layer(cls, kwargs, (3, 4, 5), supports_training_step=cls is PReLU)


def test_leaky_relu_keras2_alpha():
    assert LeakyReLU(alpha=0.1).negative_slope == 0.1


@pytest.mark.parametrize("kwargs,shape", [({}, (4, 5)), ({"center": False}, (3, 2, 5)),
                                          ({"axis": [1, 2]}, (3, 2, 4)), ({"axis": 1, "scale": False}, (3, 4, 2))])
def test_layer_normalization(kwargs, shape):
    from pipeseq.layers import LayerNormalization
    check_layer(LayerNormalization, kwargs, shape)


def test_layer_normalization_matches_keras():
    import json
    import os
    from pipeseq.layers import LayerNormalization
    from pipeseq.models import Sequential
    fix = os.path.join(os.path.dirname(__file__), "fixtures", "keras", "layer_norm.npz")
    data = np.load(fix)
    model = Sequential([Dense(6, input_shape=data["x"].shape[1:]), LayerNormalization(), Dense(3)])
    model.set_weights([data[f"w{i}"] for i in range(len(model.weights))])
    np.testing.assert_allclose(model.predict(data["x"], verbose=0), data["y"], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cls_name,kwargs,shape", [
    ("GaussianNoise", {"stddev": 0.3, "seed": 1}, (6, 5)),
    ("GaussianDropout", {"rate": 0.3, "seed": 1}, (6, 5)),
    ("AlphaDropout", {"rate": 0.3, "seed": 1}, (6, 5)),
    ("SpatialDropout1D", {"rate": 0.5, "seed": 1}, (4, 3, 5)),
    ("SpatialDropout2D", {"rate": 0.5, "seed": 1}, (4, 3, 3, 5)),
    ("SpatialDropout2D", {"rate": 0.5, "seed": 1, "data_format": "channels_first"}, (4, 5, 3, 3)),
    ("Identity", {}, (3, 4)),
])
def test_noise_layers(cls_name, kwargs, shape):
    from pipeseq.layers.base import get_layer_class
    cls = get_layer_class(cls_name)
    layer = check_layer(cls, kwargs, shape, supports_training_step=False)
    x = np.random.default_rng(0).normal(size=shape).astype("float32")
    np.testing.assert_array_equal(layer(x), x)          # identity at inference
    if cls_name != "Identity":
        # training: the gradient is the mask/noise the forward pass drew
        y, cache = layer.forward(x, training=True)
        assert not np.array_equal(y, x)
        dx, _ = layer.backward(cache, np.ones_like(y))
        if cls_name.startswith("Spatial"):
            axis = 1 if "1D" in cls_name else ((1, 2) if kwargs.get("data_format") != "channels_first" else (2, 3))
            assert (np.ptp(dx, axis=axis) == 0).all()       # whole channels kept or dropped


def test_dense_products_split_over_worker_threads_match_serial(monkeypatch):
    from pipeseq.kernels import conv_threads
    monkeypatch.setitem(conv_threads._ADAPT, "on", False)     # split even on a busy machine
    from pipeseq.kernels import core as core_ops
    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 300)).astype("float32")
    w = rng.normal(size=(300, 200)).astype("float32")
    b = rng.normal(size=200).astype("float32")
    dy = rng.normal(size=(256, 200)).astype("float32")
    assert core_ops._row_slices(256, x.size * 200) is not None or conv_threads.num_workers() < 2
    results = []
    for workers in (1, 2):
        conv_threads.set_num_threads(workers)
        try:
            y, cache = core_ops.dense_forward(x, w, b)
            results.append((y,) + core_ops.dense_backward(cache, dy))
        finally:
            conv_threads.set_num_threads(None)
    for serial, split in zip(*results):
        np.testing.assert_allclose(split, serial, rtol=1e-5, atol=1e-4)
