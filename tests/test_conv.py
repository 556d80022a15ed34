"""Convolution layers: checker per option combination, path agreement, shapes, seeds, errors."""
import numpy as np
import pytest
import scipy.signal
from hypothesis import given, settings, strategies as st

from pipeseq import backend
from pipeseq.layers import (Conv1D, Conv1DTranspose, Conv2D, Conv2DTranspose, DepthwiseConv2D,
                            Dense, Dropout, Flatten, InputLayer, MaxPooling2D, SeparableConv2D)
from pipeseq.models.sequential import Sequential
from pipeseq.kernels import conv as ops
from pipeseq.kernels import conv_transpose
from tests.layer_check import check_layer


# ----------------------------------------------------------- the checker
@pytest.mark.parametrize("kwargs,shape", [
    ({"filters": 3, "kernel_size": 3}, (2, 7, 2)),
    ({"filters": 2, "kernel_size": 3, "strides": 2}, (2, 8, 2)),
    ({"filters": 2, "kernel_size": 4, "padding": "same"}, (2, 7, 3)),
    ({"filters": 2, "kernel_size": 2, "strides": 2, "padding": "same"}, (2, 7, 2)),
    ({"filters": 2, "kernel_size": 3, "padding": "causal", "dilation_rate": 2}, (2, 7, 2)),
    ({"filters": 2, "kernel_size": 3, "dilation_rate": 2, "activation": "tanh"}, (2, 8, 2)),
    ({"filters": 4, "kernel_size": 2, "groups": 2, "use_bias": False}, (2, 6, 4)),
    ({"filters": 3, "kernel_size": 3, "padding": "same", "data_format": "channels_first"}, (2, 2, 6)),
])
def test_conv1d(kwargs, shape):
    check_layer(Conv1D, kwargs, shape, expected_num_weights=1 + kwargs.get("use_bias", True))


@pytest.mark.parametrize("kwargs,shape", [
    ({"filters": 3, "kernel_size": 3}, (2, 5, 5, 2)),
    ({"filters": 2, "kernel_size": (3, 2), "strides": (2, 1)}, (2, 6, 5, 2)),
    ({"filters": 2, "kernel_size": 2, "padding": "same"}, (2, 5, 4, 2)),
    ({"filters": 2, "kernel_size": 4, "strides": 2, "padding": "same"}, (2, 7, 6, 1)),
    ({"filters": 2, "kernel_size": 2, "dilation_rate": (2, 1), "padding": "same"}, (2, 5, 5, 2)),
    ({"filters": 2, "kernel_size": 2, "dilation_rate": 2, "activation": "relu"}, (2, 6, 5, 2)),
    ({"filters": 4, "kernel_size": 2, "groups": 2}, (2, 4, 4, 4)),
    ({"filters": 2, "kernel_size": 3, "strides": 2, "data_format": "channels_first"}, (2, 2, 6, 5)),
    ({"filters": 2, "kernel_size": 2, "padding": "same", "data_format": "channels_first",
      "groups": 2, "use_bias": False}, (2, 2, 4, 3)),
])
def test_conv2d(kwargs, shape):
    check_layer(Conv2D, kwargs, shape, expected_num_weights=1 + kwargs.get("use_bias", True))


@pytest.mark.parametrize("kwargs,shape", [
    ({"filters": 2, "kernel_size": 3, "strides": 2}, (2, 3, 2, 2)),
    ({"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"}, (2, 3, 3, 2)),
    ({"filters": 2, "kernel_size": 2, "padding": "same"}, (2, 3, 4, 2)),
    ({"filters": 2, "kernel_size": 3, "strides": 2, "output_padding": 1}, (2, 2, 3, 2)),
    ({"filters": 2, "kernel_size": 3, "strides": (2, 1), "padding": "same",
      "output_padding": (1, 0)}, (2, 3, 3, 1)),
    ({"filters": 2, "kernel_size": 2, "dilation_rate": 2}, (2, 3, 3, 2)),
    ({"filters": 2, "kernel_size": 2, "strides": 2, "data_format": "channels_first",
      "activation": "tanh"}, (2, 2, 3, 2)),
])
def test_conv2d_transpose(kwargs, shape):
    check_layer(Conv2DTranspose, kwargs, shape, expected_num_weights=2)


def test_conv1d_transpose():
    check_layer(Conv1DTranspose, {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"},
                (2, 4, 3))


@pytest.mark.parametrize("kwargs", [
    {"kernel_size": 3, "depth_multiplier": 2}, {"kernel_size": 2, "strides": 2, "padding": "same"},
    {"kernel_size": 2, "data_format": "channels_first", "dilation_rate": 2},
])
def test_depthwise_conv2d(kwargs):
    shape = (2, 2, 5, 5) if kwargs.get("data_format") == "channels_first" else (2, 5, 5, 2)
    check_layer(DepthwiseConv2D, kwargs, shape)


@pytest.mark.parametrize("kwargs", [
    {"filters": 3, "kernel_size": 3, "depth_multiplier": 2, "padding": "same"},
    {"filters": 2, "kernel_size": 2, "strides": 2, "activation": "relu"},
])
def test_separable_conv2d(kwargs):
    check_layer(SeparableConv2D, kwargs, (2, 5, 5, 2), expected_num_weights=3)


# ------------------------------------------------------ the two paths agree
def _scipy_reference(x, k, strides, padding, dilation, groups):
    """Direct reference with scipy.signal.correlate (a loop over channels, tests only)."""
    xp = ops.pad_spatial(x, ops.compute_pads(x.shape[1:3], k.shape[:2], strides, dilation, padding))
    kd = ops._dilate(k, dilation)
    cg, o = k.shape[2], k.shape[3]
    og = o // groups
    out = np.stack([np.stack([
        sum(scipy.signal.correlate(xp[n, :, :, (j // og) * cg + c], kd[:, :, c, j], mode="valid")
            for c in range(cg))[::strides[0], ::strides[1]]
        for j in range(o)], -1) for n in range(x.shape[0])])
    return out


@pytest.mark.parametrize("shape,ksize,strides,padding,dilation,groups", [
    ((2, 7, 8, 4), (3, 2), (1, 1), "same", (1, 1), 1),
    ((2, 7, 8, 4), (3, 3), (2, 2), "same", (1, 1), 2),
    ((2, 9, 8, 4), (2, 3), (1, 1), "valid", (2, 1), 4),
    ((2, 6, 7, 2), (4, 4), (3, 2), "same", (1, 1), 1),
    ((1, 12, 12, 1), (9, 9), (1, 1), "same", (1, 1), 1),
])
def test_paths_agree_with_scipy_signal(shape, ksize, strides, padding, dilation, groups):
    rng = np.random.default_rng(0)
    x = rng.normal(size=shape)
    k = rng.normal(size=ksize + (shape[-1] // groups, 2 * groups))
    ref = _scipy_reference(x, k, strides, padding, dilation, groups)
    results = {}
    dy = rng.normal(size=ref.shape)
    for method in ("im2col", "fft"):
        y, cache = ops.conv_forward(x, k, strides, padding, dilation, groups, method=method)
        np.testing.assert_allclose(y, ref, rtol=1e-10, atol=1e-10)
        results[method] = ops.conv_backward(cache, dy)
    for a, b in zip(results["im2col"], results["fft"]):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10)


@pytest.fixture(params=[1, 2], ids=["serial", "2 workers"])
def conv_threads(request):
    from pipeseq.kernels import conv_threads
    conv_threads.set_num_threads(request.param)
    yield request.param
    conv_threads.set_num_threads(None)


@pytest.mark.parametrize("keep_bytes", [0, 1 << 23])
@pytest.mark.parametrize("chunk_bytes", [1, 700])
@pytest.mark.parametrize("strides,dilation", [((1, 1), (1, 1)), ((2, 1), (1, 2)), ((1, 2), (1, 1))])
def test_im2col_batch_chunks_give_the_same_result(monkeypatch, conv_threads, chunk_bytes,
                                                  keep_bytes, strides, dilation):
    # The ungrouped im2col path works on chunks of samples (1 and 2-3 samples per chunk here),
    # serially or split between worker threads (when the BLAS allows a per-thread setting);
    # the backward pass rebuilds each chunk's patches (keep_bytes=0) or reuses the forward's.
    rng = np.random.default_rng(3)
    x, k = rng.normal(size=(5, 7, 8, 3)), rng.normal(size=(3, 2, 3, 4))
    ref = _scipy_reference(x, k, strides, "same", dilation, 1)
    dy = rng.normal(size=ref.shape)
    dx_ref, dk_ref = ops.conv_backward(ops.conv_forward(x, k, strides, "same", dilation,
                                                        method="fft")[1], dy)
    monkeypatch.setattr(ops, "_CHUNK_BYTES", chunk_bytes)
    monkeypatch.setattr(ops, "_KEEP_BYTES", keep_bytes)
    assert len(ops._chunks(5, 8 * 7 * 3 * 2 * 3)) > 1
    y, cache = ops.conv_forward(x, k, strides, "same", dilation, method="im2col")
    np.testing.assert_allclose(y, ref, rtol=1e-10, atol=1e-10)
    dx, dk = ops.conv_backward(cache, dy)
    np.testing.assert_allclose(dx, dx_ref, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(dk, dk_ref, rtol=1e-10, atol=1e-10)
    assert ops.conv_backward(cache, dy, need_input=False)[0] is None
    # bias + ReLU fused into the chunks == unfused arithmetic (and the same on the fft path)
    b = rng.normal(size=4)
    z = ref + b
    dz = dy * (z > 0)
    for method in ("im2col", "fft"):
        y, cache = ops.conv_forward(x, k, strides, "same", dilation, method=method, bias=b, relu=True)
        np.testing.assert_allclose(y, np.maximum(z, 0), rtol=1e-10, atol=1e-10)
        dx, dk, db = ops.conv_backward(cache, dy)
        np.testing.assert_allclose(db, dz.sum(axis=(0, 1, 2)), rtol=1e-10, atol=1e-10)
        dx_ref, dk_ref = ops.conv_backward(ops.conv_forward(x, k, strides, "same", dilation,
                                                            method="fft")[1], dz)
        np.testing.assert_allclose(dx, dx_ref, rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(dk, dk_ref, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("padding,strides,output_padding", [
    ("valid", (2, 2), None), ("same", (2, 1), None), ("valid", (3, 2), (1, 1)), ("same", (1, 1), None)])
def test_transpose_paths_agree(padding, strides, output_padding):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 3, 4, 3))
    k = rng.normal(size=(3, 2, 5, 3))
    out = tuple(ops.deconv_output_length(n, kk, padding, None if output_padding is None else op, s)
                for n, kk, s, op in zip((3, 4), (3, 2), strides, output_padding or (0, 0)))
    res = {}
    for method in ("im2col", "fft"):
        y, cache = conv_transpose.conv_transpose_forward(x, k, out, strides, padding, (1, 1),
                                                         method=method)
        res[method] = (y,) + conv_transpose.conv_transpose_backward(cache, np.ones_like(y) * y)
    for a, b in zip(res["im2col"], res["fft"]):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10)


def test_float32_stays_float32_on_both_paths():
    x = np.ones((2, 6, 6, 3), "float32")
    k = np.ones((3, 3, 3, 4), "float32")
    for method in ("im2col", "fft"):
        y, cache = ops.conv_forward(x, k, (1, 1), "same", (1, 1), method=method)
        dx, dk = ops.conv_backward(cache, y)
        assert y.dtype == dx.dtype == dk.dtype == np.float32


def test_layer_method_switch_gives_same_output():
    layer = Conv2D(3, 9, padding="same")
    x = np.random.default_rng(0).normal(size=(2, 10, 10, 2)).astype("float32")
    assert ops.choose_method(x.shape, (9, 9, 2, 3), (1, 1), (1, 1)) == "fft"
    y_auto = layer(x)
    layer.method = "im2col"
    np.testing.assert_allclose(layer(x), y_auto, rtol=1e-4, atol=1e-4)


# --------------------------------------------- shape inference == forward
@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 12), m=st.integers(1, 12), k=st.integers(1, 4), s=st.integers(1, 3),
       d=st.integers(1, 3), padding=st.sampled_from(["valid", "same"]),
       method=st.sampled_from(["im2col", "fft"]), transpose=st.booleans())
def test_output_shape_matches_forward(n, m, k, s, d, padding, method, transpose):
    if s > 1 and d > 1:
        d = 1
    if transpose:
        layer = Conv2DTranspose(2, k, strides=s, padding=padding, dilation_rate=d)
    else:
        layer = Conv2D(2, k, strides=s, padding=padding, dilation_rate=d)
    layer.method = method
    shape = (2, n, m, 1)
    try:
        expected = layer.compute_output_shape(shape)
    except ValueError:
        assert not transpose and padding == "valid" and (k - 1) * d + 1 > min(n, m)
        return
    assert layer(np.ones(shape, "float32")).shape == expected
    assert layer.compute_output_shape((None, n, m, 1)) == (None,) + expected[1:]


@settings(max_examples=20, deadline=None)
@given(n=st.integers(1, 15), k=st.integers(1, 4), s=st.integers(1, 3), d=st.integers(1, 3),
       padding=st.sampled_from(["valid", "same", "causal"]))
def test_conv1d_output_shape_matches_forward(n, k, s, d, padding):
    if s > 1 and d > 1:
        d = 1
    layer = Conv1D(2, k, strides=s, padding=padding, dilation_rate=d)
    try:
        expected = layer.compute_output_shape((3, n, 2))
    except ValueError:
        assert padding == "valid" and (k - 1) * d + 1 > n
        return
    assert layer(np.ones((3, n, 2), "float32")).shape == expected


# ------------------------------------------------------------------ seeds
def test_seed_002_summary():
    model = Sequential([InputLayer(shape=(250, 250, 3)),
                        Conv2D(32, 5, strides=2, activation="relu"),
                        Conv2D(32, 3, activation="relu"),
                        MaxPooling2D((3, 3))])
    text = model.summary(print_fn=lambda *a, **k: None) or ""
    lines = []
    model.summary(print_fn=lambda s, *a, **k: lines.append(s))
    text = "\n".join(lines)
    for s in ("(None, 123, 123, 32)", "(None, 121, 121, 32)", "(None, 40, 40, 32)", "2,432",
              "9,248", "11,680"):
        assert s in text, s
    for layer in [Conv2D(32, 3, activation="relu"), Conv2D(32, 3, activation="relu"),
                  MaxPooling2D(3), Conv2D(32, 3, activation="relu"),
                  Conv2D(32, 3, activation="relu"), MaxPooling2D(2)]:
        model.add(layer)
    assert model.output_shape == (None, 4, 4, 32)
    assert model.count_params() == 48672
    lines.clear()
    model.summary(print_fn=lambda s, *a, **k: lines.append(s))
    text = "\n".join(lines)
    for s in ("(None, 38, 38, 32)", "(None, 12, 12, 32)", "(None, 4, 4, 32)", "48,672"):
        assert s in text, s


def test_seed_004_cells():
    out = Conv1D(filters=32, kernel_size=3, activation="relu", padding="valid")(
        np.random.random([4, 10, 128]).astype(np.float32))
    assert out.shape == (4, 8, 32)
    out = Conv2DTranspose(filters=12, kernel_size=(3, 3), strides=2, padding="valid")(
        np.random.rand(32, 2, 2, 1).astype(np.float32))
    assert out.shape == (32, 5, 5, 12)
    out = MaxPooling2D(pool_size=(2, 2), padding="valid")(np.random.rand(32, 3, 3, 64).astype("float32"))
    assert out.shape == (32, 1, 1, 64)


def test_vgg_like_convnet_trains():
    from pipeseq.training.optimizers import SGD
    rng = np.random.default_rng(0)
    x = rng.random((16, 20, 20, 3), dtype=np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 16)]
    model = Sequential([
        Conv2D(32, (3, 3), activation="relu", input_shape=(20, 20, 3)),
        Conv2D(32, (3, 3), activation="relu"), MaxPooling2D((2, 2)), Dropout(0.25),
        Conv2D(64, (3, 3), activation="relu"), Conv2D(64, (3, 3), activation="relu"),
        MaxPooling2D((2, 2)), Dropout(0.25), Flatten(), Dense(256, activation="relu"),
        Dropout(0.25), Dense(10, activation="softmax")])
    model.compile(loss="categorical_crossentropy",
                  optimizer=SGD(lr=0.01, decay=1e-6, momentum=0.9, nesterov=True))
    hist = model.fit(x, y, batch_size=8, epochs=8, verbose=0)
    losses = hist.history["loss"]
    assert losses[-1] < losses[0] and np.isfinite(losses).all()


def test_default_data_format_read_at_construction():
    backend.set_image_data_format("channels_first")
    layer = Conv2D(4, 3)
    backend.set_image_data_format("channels_last")
    assert layer.data_format == "channels_first"
    assert layer(np.ones((2, 3, 6, 6), "float32")).shape == (2, 4, 4, 4)
    assert Conv2D(4, 3).data_format == "channels_last"


def test_kernel_layouts_and_config():
    layer = Conv2D(8, (3, 2), groups=2)
    layer(np.ones((1, 5, 5, 4), "float32"))
    assert [w.shape for w in layer.weights] == [(3, 2, 2, 8), (8,)]
    assert [w.name for w in layer.weights] == ["kernel", "bias"]
    t = Conv2DTranspose(6, 3)
    t(np.ones((1, 4, 4, 5), "float32"))
    assert t.kernel.shape == (3, 3, 6, 5)
    c1 = Conv1D(7, 4)
    c1(np.ones((1, 9, 3), "float32"))
    assert c1.kernel.shape == (4, 3, 7)
    cfg = layer.get_config()
    for key in ("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate",
                "groups", "activation", "use_bias", "kernel_initializer", "bias_initializer",
                "kernel_regularizer", "bias_regularizer", "activity_regularizer",
                "kernel_constraint", "bias_constraint"):
        assert key in cfg
    assert "output_padding" in t.get_config()


# ------------------------------------------------------------- bad input
def test_error_kernel_larger_than_input():
    model = Sequential([InputLayer(shape=(4, 4, 1))])
    with pytest.raises(ValueError, match=r"Conv2D 'big'.*kernel_size=\(5, 5\).*\(4, 4\)"):
        model.add(Conv2D(2, 5, name="big"))
    with pytest.raises(ValueError, match=r"Conv1D .*larger than the input.*\(3,\)"):
        Conv1D(2, 4)(np.ones((1, 3, 2), "float32"))


@pytest.mark.parametrize("strides", [0, -1, (1, 0)])
def test_error_non_positive_stride(strides):
    with pytest.raises(ValueError, match=r"Conv2D 'conv2d'.*strides.*positive.*Received: strides="):
        Conv2D(2, 3, strides=strides)


def test_error_rank():
    with pytest.raises(ValueError, match=r"'conv2d' \(Conv2D\).*expected ndim=4, found ndim=3.*\(2, 5, 5\)"):
        Conv2D(2, 3)(np.ones((2, 5, 5), "float32"))
    layer = Conv2D(2, 3)
    layer(np.ones((1, 5, 5, 1), "float32"))
    with pytest.raises(ValueError, match=r"expected 1 input channels.*\(1, 5, 5, 3\)"):
        layer(np.ones((1, 5, 5, 3), "float32"))


def test_error_arguments():
    with pytest.raises(ValueError, match="padding"):
        Conv2D(2, 3, padding="causal")
    with pytest.raises(ValueError, match="groups"):
        Conv2D(3, 3, groups=2)
    with pytest.raises(ValueError, match="dilation_rate"):
        Conv2D(3, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="output_padding"):
        Conv2DTranspose(3, 3, strides=2, output_padding=2)
    with pytest.raises(ValueError, match="filters"):
        Conv1D(0, 3)


@pytest.mark.parametrize("kshape,strides,expected", [
    ((3, 3, 32, 64), (1, 1), "im2col"), ((3, 3, 1, 32), (1, 1), "im2col"),
    ((5, 5, 3, 16), (1, 1), "fft"), ((5, 5, 32, 64), (1, 1), "im2col"),
    ((7, 7, 64, 64), (1, 1), "fft"), ((9, 9, 3, 8), (2, 2), "im2col"),
    ((1, 31, 16, 16), (1, 1), "fft"), ((1, 3, 128, 64), (1, 1), "im2col"),
])
def test_method_rule(kshape, strides, expected):
    assert ops.choose_method((8, 32, 32, kshape[2]), kshape, strides, (1, 1)) == expected
