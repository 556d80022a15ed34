"""Pooling layers through the shared checker, plus Keras semantics of ties and 'same' padding."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from pipeseq.layers import (AveragePooling1D, AveragePooling2D, GlobalAveragePooling1D,
                            GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D,
                            MaxPooling1D, MaxPooling2D)
from pipeseq.kernels import pooling as ops
from tests.layer_check import check_layer


@pytest.mark.parametrize("cls", [MaxPooling2D, AveragePooling2D])
@pytest.mark.parametrize("kwargs,shape", [
    ({}, (2, 4, 6, 2)),
    ({"pool_size": 3, "strides": 2}, (2, 7, 6, 2)),
    ({"pool_size": 3, "strides": 2, "padding": "same"}, (2, 6, 5, 2)),
    ({"pool_size": 2, "padding": "same"}, (2, 5, 5, 1)),
    ({"pool_size": (2, 1), "strides": (1, 2), "padding": "same"}, (2, 4, 5, 2)),
    ({"pool_size": 2, "strides": 1, "data_format": "channels_first"}, (2, 2, 4, 3)),
])
def test_pooling_2d(cls, kwargs, shape):
    check_layer(cls, kwargs, shape, expected_num_weights=0)


@pytest.mark.parametrize("cls", [MaxPooling1D, AveragePooling1D])
@pytest.mark.parametrize("kwargs,shape", [
    ({}, (2, 6, 2)), ({"pool_size": 3, "strides": 2, "padding": "same"}, (2, 7, 2)),
    ({"pool_size": 2, "padding": "same", "data_format": "channels_first"}, (2, 2, 5)),
])
def test_pooling_1d(cls, kwargs, shape):
    check_layer(cls, kwargs, shape, expected_num_weights=0)


@pytest.mark.parametrize("cls,shape", [
    (GlobalMaxPooling1D, (2, 5, 3)), (GlobalAveragePooling1D, (2, 5, 3)),
    (GlobalMaxPooling2D, (2, 3, 4, 3)), (GlobalAveragePooling2D, (2, 3, 4, 3))])
@pytest.mark.parametrize("kwargs", [{}, {"keepdims": True}, {"data_format": "channels_first"},
                                    {"data_format": "channels_first", "keepdims": True}])
def test_global_pooling(cls, shape, kwargs):
    layer = check_layer(cls, kwargs, shape)
    out = layer.compute_output_shape(shape)
    c = shape[1] if kwargs.get("data_format") == "channels_first" else shape[-1]
    assert (len(out) == 2) == (not kwargs.get("keepdims")) and c in out


def test_max_pool_gradient_goes_to_first_max_only():
    x = np.zeros((1, 2, 4, 1), "float32")           # every window ties (e.g. after ReLU)
    y, cache = ops.pool_forward(x, (2, 2), (2, 2), "valid", "max")
    dx = ops.pool_backward(cache, np.ones_like(y))
    assert dx[0, :, :, 0].tolist() == [[1, 0, 1, 0], [0, 0, 0, 0]]
    # overlapping windows: one winner per window, contributions add up
    x = np.array([[0, 5, 1, 0]], "float32").reshape(1, 4, 1)
    y, cache = ops.pool_forward(x, (2,), (1,), "valid", "max")
    assert ops.pool_backward(cache, np.ones_like(y)).ravel().tolist() == [0, 2, 1, 0]


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("shape,pool", [((3, 5, 7, 3), (2, 3)), ((1, 4, 4, 2), (2, 2)),
                                        ((2, 1, 9, 2), (1, 3))])
def test_tiled_max_pool_matches_a_loop_reference(monkeypatch, shape, pool, threads):
    # strides == pool_size, no padding: the tiled fast path (odd sizes drop the last rows/cols),
    # one sample per chunk, serially or on 2 worker threads
    from pipeseq.kernels import conv_threads
    monkeypatch.setattr(ops, "_CHUNK_BYTES", 1)
    conv_threads.set_num_threads(threads)
    try:
        _check_tiled_max_pool(shape, pool)
    finally:
        conv_threads.set_num_threads(None)


def _check_tiled_max_pool(shape, pool):
    x = np.random.default_rng(0).integers(0, 3, size=shape).astype("float32")   # many ties
    y, cache = ops.pool_forward(x, pool, pool, "valid", "max")
    assert cache[0] == "tiled_max"
    dy = np.arange(1, y.size + 1, dtype="float32").reshape(y.shape)
    dx = ops.pool_backward(cache, dy)
    ref_dx = np.zeros_like(x)
    for b, i, j, c in np.ndindex(*y.shape):
        win = x[b, i * pool[0]:(i + 1) * pool[0], j * pool[1]:(j + 1) * pool[1], c]
        assert y[b, i, j, c] == win.max()
        r, q = np.unravel_index(np.argmax(win), win.shape)          # first maximum, row-major
        ref_dx[b, i * pool[0] + r, j * pool[1] + q, c] = dy[b, i, j, c]
    np.testing.assert_array_equal(dx, ref_dx)
    dy[0, 0, 0, 0] = np.inf                           # non-finite gradients stay off the others
    assert not np.isnan(ops.pool_backward(cache, dy)).any()


def test_avg_pool_same_excludes_padding():
    x = np.ones((1, 3, 3, 1), "float32")
    y = AveragePooling2D(2, padding="same")(x)
    np.testing.assert_allclose(y, np.ones((1, 2, 2, 1)))   # the padded zeros are not counted
    y = AveragePooling1D(3, strides=1, padding="same")(np.arange(4, dtype="float32").reshape(1, 4, 1))
    np.testing.assert_allclose(y.ravel(), [0.5, 1.0, 2.0, 2.5])


def test_max_pool_same_even_window_pads_after():
    x = np.arange(5, dtype="float32").reshape(1, 5, 1)
    # pool 2, stride 2, same: total pad 1, all after -> windows [0,1] [2,3] [4,pad]
    assert MaxPooling1D(2, padding="same")(x).ravel().tolist() == [1, 3, 4]


def test_seed_002_pooling_shape():
    assert MaxPooling2D((3, 3)).compute_output_shape((None, 121, 121, 32)) == (None, 40, 40, 32)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 11), m=st.integers(1, 11), p=st.integers(1, 4), s=st.integers(1, 4),
       padding=st.sampled_from(["valid", "same"]), mode=st.sampled_from([MaxPooling2D, AveragePooling2D]))
def test_output_shape_matches_forward(n, m, p, s, padding, mode):
    layer = mode(p, strides=s, padding=padding)
    try:
        expected = layer.compute_output_shape((2, n, m, 3))
    except ValueError:
        assert padding == "valid" and p > min(n, m)
        return
    assert layer(np.ones((2, n, m, 3), "float32")).shape == expected


def test_errors():
    with pytest.raises(ValueError, match=r"MaxPooling2D 'max_pooling2d'.*pool_size=\(3, 3\).*\(2, 2\)"):
        MaxPooling2D(3)(np.ones((1, 2, 2, 1), "float32"))
    with pytest.raises(ValueError, match=r"strides.*Received: strides="):
        AveragePooling2D(2, strides=0)
    with pytest.raises(ValueError, match="expected ndim=4, found ndim=3"):
        MaxPooling2D()(np.ones((1, 4, 4), "float32"))
    with pytest.raises(ValueError, match="padding"):
        MaxPooling1D(padding="causal")


def test_config_keys():
    cfg = MaxPooling2D(3).get_config()
    assert cfg["pool_size"] == (3, 3) and cfg["strides"] == (3, 3) and cfg["padding"] == "valid"
    assert GlobalAveragePooling2D(keepdims=True).get_config()["keepdims"] is True
