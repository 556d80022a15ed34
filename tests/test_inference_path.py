"""predict's inference path (models/inference.py) computes what forward(training=False) computes.

Every rewrite -- BatchNormalization folded into the convolution before it, activations fused
or in place, Add in place, early freeing -- is compared with the layer-by-layer forward pass in
float64 (where the two differ only by rounding), and the patterns that must not be rewritten
are checked to take the plain path.
"""
import numpy as np
import pytest

from pipeseq import backend
from pipeseq.kernels import conv as conv_ops
from pipeseq.kernels import conv_depthwise as dw_ops
from pipeseq.kernels import conv_threads, fold
from pipeseq.layers import (Activation, Add, BatchNormalization, Conv1D, Conv2D, DepthwiseConv2D,
                            Dense, Dropout, Input, MaxPooling2D, ReLU, SeparableConv2D)
from pipeseq.models import Model, Sequential


@pytest.fixture
def float64():
    backend.set_floatx("float64")
    yield
    backend.set_floatx("float32")


def randomize_bn(model, seed=0):
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        if isinstance(layer, BatchNormalization):
            n = layer.moving_mean.shape[0]
            dt = layer.moving_mean.dtype
            layer.moving_mean.value = rng.normal(0, 0.5, n).astype(dt)
            layer.moving_variance.value = rng.uniform(0.3, 2.0, n).astype(dt)
            if layer.scale:
                layer.gamma.value = rng.uniform(0.5, 1.5, n).astype(dt)
            if layer.center:
                layer.beta.value = rng.normal(0, 0.3, n).astype(dt)
        for sub in getattr(layer, "layers", []):
            if isinstance(sub, BatchNormalization):
                randomize_bn(layer, seed + 1)
                break
    return model


def steps(model):
    return [s[0] for s in model._inference_plan[1][0]]


def check_same(model, x, rtol=1e-12):
    x_before = x.copy()
    ref = model.forward(x, training=False)[0]
    got = model.predict(x, verbose=0)
    np.testing.assert_allclose(got, ref, rtol=rtol, atol=rtol * np.abs(ref).max())
    np.testing.assert_array_equal(x, x_before)          # the caller's array is never written
    return got


def block_model():
    """Every fusable head, with and without bias, BN with and without gamma/beta, every
    fusable activation, an in-place Add and a BN whose input is read twice."""
    inp = Input((12, 12, 3))
    a = Conv2D(8, 3, padding="same")(inp)
    a = BatchNormalization()(a)
    a = Activation("relu")(a)                                    # into the im2col chunks
    b = Conv2D(8, 1, use_bias=False)(a)
    b = BatchNormalization(scale=False)(b)
    b = ReLU(6.0)(b)                                             # capped: epilogue
    c = DepthwiseConv2D(3, padding="same", depth_multiplier=1)(b)
    c = BatchNormalization(center=False)(c)
    c = Activation("swish")(c)
    d = SeparableConv2D(8, 3, padding="same", strides=2)(c)
    d = BatchNormalization()(d)
    d = Activation("relu6")(d)
    e = DepthwiseConv2D(3, padding="same", depth_multiplier=2, use_bias=False)(d)
    e = BatchNormalization()(e)                                  # no activation after it
    f = Conv2D(16, 1)(d)
    f = BatchNormalization()(f)
    s = Add()([e, f])                                            # in place into e
    s = Activation("relu")(s)                                    # in place
    g = Conv2D(4, 3)(s)                                          # its output is read twice:
    g1 = BatchNormalization()(g)                                 # not fused
    out = Add()([g1, Activation("tanh")(g)])
    return Model(inp, out)


def test_every_fusable_pattern_matches_the_plain_forward(float64):
    backend.set_random_seed(1)
    model = randomize_bn(block_model())
    x = np.random.default_rng(0).normal(size=(3, 12, 12, 3))
    check_same(model, x)
    kinds = steps(model)
    assert kinds.count("fuse") == 6 and "skip" in kinds


def test_float32_within_rounding():
    backend.set_random_seed(2)
    model = randomize_bn(block_model())
    x = np.random.default_rng(1).normal(size=(2, 12, 12, 3)).astype("float32")
    got = check_same(model, x, rtol=2e-5)
    assert got.dtype == np.float32


def test_patterns_that_must_stay_plain(float64):
    inp = Input((10, 10, 2))
    a = Conv2D(4, 3, activation="relu")(inp)                    # activated conv: no fold
    a = BatchNormalization()(a)
    d = Conv2D(4, 1)(a)                                          # conv output is a model output
    e = BatchNormalization()(d)
    model = Model(inp, [d, e])
    randomize_bn(model)
    x = np.random.default_rng(2).normal(size=(2, 10, 10, 2))
    ref = model.forward(x, training=False)[0]
    got = model.predict(x, verbose=0)
    for r, g in zip(ref, got):
        np.testing.assert_allclose(g, r, rtol=1e-12)
    assert "fuse" not in steps(model)


def test_bn_over_another_axis_is_not_folded(float64):
    inp = Input((6, 6, 4))
    y = Conv2D(4, 3, padding="same")(inp)
    y = BatchNormalization(axis=1)(y)
    model = Model(inp, y)
    randomize_bn(model)
    check_same(model, np.random.default_rng(3).normal(size=(2, 6, 6, 4)))


def test_sequential_and_nested_models(float64):
    backend.set_random_seed(3)
    base = Sequential([Conv1D(6, 3, input_shape=(20, 4), use_bias=False), BatchNormalization(),
                       Activation("relu"), Dropout(0.5), Conv1D(6, 3), BatchNormalization()])
    randomize_bn(base)
    x = np.random.default_rng(4).normal(size=(3, 20, 4))
    check_same(base, x)
    inp = Input((20, 4))
    outer = Model(inp, Activation("relu")(base(inp)))
    check_same(outer, x)


def test_application_predict_matches_forward(float64):
    from pipeseq.applications import MobileNetV2
    backend.set_random_seed(0)
    model = randomize_bn(MobileNetV2(weights=None, input_shape=(32, 32, 3), alpha=0.35,
                                     include_top=False, pooling="avg"))
    x = np.random.default_rng(5).uniform(-1, 1, (2, 32, 32, 3))
    check_same(model, x)
    assert steps(model).count("fuse") > 40


@pytest.mark.parametrize("workers", [1, 2])
def test_residual_add_and_relu_in_blocks_match_forward(float64, monkeypatch, workers):
    """In-place Add and activations of predict run in blocks on the workers when large."""
    from pipeseq.applications import ResNet50
    monkeypatch.setattr(conv_threads, "ELEMENTWISE_BLOCK", 64)     # many blocks, a short last
    backend.set_random_seed(0)
    model = randomize_bn(ResNet50(weights=None, input_shape=(32, 32, 3), include_top=False,
                                  pooling="avg"))
    x = np.random.default_rng(6).uniform(-1, 1, (2, 32, 32, 3))
    conv_threads.set_num_threads(workers)
    try:
        check_same(model, x)
    finally:
        conv_threads.set_num_threads(None)


def test_run_elementwise_blocks_equal_one_call():
    rng = np.random.default_rng(7)
    a, b = rng.normal(size=(300, 1000)), rng.normal(size=(300, 1000))
    whole, blocked = a.copy(), a.copy()
    np.add(whole, b, out=whole)
    conv_threads.run_elementwise(lambda y, z: np.add(y, z, out=y), [blocked, b])
    np.testing.assert_array_equal(blocked, whole)
    odd = a[:, ::2]                                      # not contiguous: one call
    conv_threads.run_elementwise(lambda y: np.maximum(y, 0, out=y), [odd])
    assert (a[:, ::2] >= 0).all() and (a[:, 1::2] < 0).any()


# ----------------------------------------------------------------- kernels
def test_folding_is_exact_for_the_affine_map():
    rng = np.random.default_rng(0)
    kernel, bias = rng.normal(size=(3, 3, 2, 5)), rng.normal(size=5)
    gamma, beta = rng.uniform(0.5, 2, 5), rng.normal(size=5)
    mean, var = rng.normal(size=5), rng.uniform(0.1, 2, 5)
    x = rng.normal(size=(2, 7, 7, 2))
    z, _ = conv_ops.conv_forward(x, kernel, (1, 1), "same", (1, 1), bias=bias)
    ref = (z - mean) / np.sqrt(var + 1e-3) * gamma + beta
    k, b = fold.fold_kernel(kernel, bias, *fold.bn_scale_shift(gamma, beta, mean, var, 1e-3))
    got, _ = conv_ops.conv_forward(x, k, (1, 1), "same", (1, 1), bias=b)
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("epilogue,fn", [
    (("relu", None), lambda z: np.maximum(z, 0)),
    (("relu", 6.0), lambda z: np.clip(z, 0, 6)),
    (("swish", None), lambda z: z / (1 + np.exp(-z))),
])
def test_epilogues_in_the_conv_and_depthwise_chunks(epilogue, fn):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(3, 9, 9, 4)) * 4
    k, kd = rng.normal(size=(3, 3, 4, 6)), rng.normal(size=(3, 3, 4, 2))
    plain, _ = conv_ops.conv_forward(x, k, (1, 1), "same", (1, 1), method="im2col")
    fused, _ = conv_ops.conv_forward(x, k, (1, 1), "same", (1, 1), method="im2col",
                                     epilogue=epilogue, relu=False)
    np.testing.assert_allclose(fused, fn(plain), rtol=1e-12, atol=1e-12)
    plain, _ = dw_ops.depthwise_forward(x, kd, (2, 2), "same", (1, 1))
    fused, _ = dw_ops.depthwise_forward(x, kd, (2, 2), "same", (1, 1), epilogue=epilogue)
    np.testing.assert_allclose(fused, fn(plain), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("block_bytes", [64, 1 << 18])
def test_depthwise_row_blocks_and_threads_match_the_tap_sum(monkeypatch, workers, block_bytes):
    monkeypatch.setattr(dw_ops, "_BLOCK_BYTES", block_bytes)
    rng = np.random.default_rng(2)
    x, k = rng.normal(size=(2, 11, 10, 3)), rng.normal(size=(3, 2, 3, 2))
    conv_threads.set_num_threads(workers)
    try:
        got, _ = dw_ops.depthwise_forward(x, k, (2, 1), "same", (1, 2))
    finally:
        conv_threads.set_num_threads(None)
    grouped, _ = conv_ops.conv_forward(x, conv_ops.depthwise_kernel_to_grouped(k), (2, 1),
                                       "same", (1, 2), groups=3, method="im2col")
    np.testing.assert_allclose(got, grouped, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("block_bytes", [1, 300, 1 << 18])
@pytest.mark.parametrize("ksize,strides,dilation,padding", [
    ((3, 3), (1, 1), (1, 1), "same"), ((3, 3), (2, 2), (1, 1), "same"),
    ((5, 5), (2, 1), (1, 1), "valid"), ((2, 2), (1, 1), (1, 1), "same"),
    ((3, 3), (1, 1), (2, 2), "same"), ((1, 3), (1, 2), (1, 1), [(1, 2), (0, 1)])])
def test_depthwise_inference_pads_per_block_exactly(monkeypatch, workers, block_bytes, ksize,
                                                     strides, dilation, padding):
    """At inference each row block pads its own input rows; the sums are the same, bit for bit,
    as over the padded batch, at every block size (one row up to the whole map)."""
    monkeypatch.setattr(dw_ops, "_BLOCK_BYTES", block_bytes)
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 13, 9, 5)).astype(np.float32)
    k = rng.normal(size=ksize + (5, 1)).astype(np.float32)
    bias = rng.normal(size=5).astype(np.float32)
    conv_threads.set_num_threads(workers)
    try:
        whole, cache = dw_ops.depthwise_forward(x, k, strides, padding, dilation, bias=bias)
        blocks, none = dw_ops.depthwise_forward(x, k, strides, padding, dilation, bias=bias,
                                                for_backward=False)
    finally:
        conv_threads.set_num_threads(None)
    assert cache is not None and none is None
    np.testing.assert_array_equal(blocks, whole)


@pytest.mark.parametrize("for_backward", [True, False])
@pytest.mark.parametrize("block_bytes", [1, 1 << 18])
@pytest.mark.parametrize("ksize,strides,dilation,padding,multiplier", [
    ((3, 3), (1, 1), (1, 1), "same", 1), ((3, 3), (2, 1), (1, 1), "same", 1),
    ((5, 5), (1, 1), (2, 2), "valid", 1), ((2, 3), (1, 1), (1, 1), [(1, 0), (2, 1)], 2)])
def test_depthwise_row_taps_equal_the_einsum_sum(monkeypatch, for_backward, block_bytes, ksize,
                                                 strides, dilation, padding, multiplier):
    """Few channels: the taps are summed along flattened rows with the weights tiled along the
    width; same numbers as the einsum over the receptive fields."""
    monkeypatch.setattr(dw_ops, "_BLOCK_BYTES", block_bytes)
    rng = np.random.default_rng(4)
    x = rng.normal(size=(2, 12, 10, 6)).astype(np.float32)
    k = rng.normal(size=ksize + (6, multiplier)).astype(np.float32)
    out = {}
    for limit in (0, 64):
        monkeypatch.setattr(dw_ops, "_ROW_TAPS_MAX_CHANNELS", limit)
        out[limit] = dw_ops.depthwise_forward(x, k, strides, padding, dilation,
                                              epilogue=("relu", 6.0),
                                              for_backward=for_backward)[0]
    np.testing.assert_allclose(out[64], out[0], rtol=1e-6, atol=1e-6)


def test_worker_feed_hands_out_every_item_once():
    seen = conv_threads.run_groups(lambda group: [i for i in group], list(range(50)), workers=2)
    flat = sorted(i for part in seen for i in part)
    assert flat == list(range(50))
    assert 1 <= conv_threads.free_cores() <= (__import__("os").cpu_count() or 1)


def test_free_cores_counts_other_processes_cpu_time(monkeypatch):
    """Another process's busy core shows as CPU time not ours; our own threads and a short
    kernel task do not take a core away."""
    clock = {"t": 100.0}
    ticks = {"all": 0, "own": 0}
    monkeypatch.setattr(conv_threads, "_cpu_ticks", lambda: (ticks["all"], ticks["own"]))
    monkeypatch.setattr(conv_threads, "_ADAPT", {"on": False, "sample": None, "free": None})
    monkeypatch.setattr(conv_threads.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(__import__("time"), "monotonic", lambda: clock["t"])
    hz = conv_threads._TICKS_PER_S

    def after(seconds, own_cores, other_cores):
        clock["t"] += seconds
        ticks["own"] += int(own_cores * hz * seconds)
        ticks["all"] += int((own_cores + other_cores) * hz * seconds)
        return conv_threads.free_cores()

    assert conv_threads.free_cores() == 2                 # first sample: no window yet
    assert after(0.2, own_cores=2, other_cores=0) == 2     # both cores ours
    assert after(0.2, own_cores=1, other_cores=1) == 1     # a busy process on one core
    assert after(0.05, own_cores=1, other_cores=0) == 1    # within the window: the last answer
    assert after(0.2, own_cores=2, other_cores=0.1) == 2   # a kernel thread's moment
    assert after(0.2, own_cores=0.5, other_cores=3) == 1   # never below one
    monkeypatch.setattr(conv_threads.os, "getpid", lambda: -1)
    assert after(0.2, own_cores=0, other_cores=0) == 2     # a forked child starts afresh
    monkeypatch.setattr(conv_threads, "_cpu_ticks", lambda: open("/nonexistent/proc/stat"))
    assert after(0.2, own_cores=0, other_cores=0) == 2     # /proc unreadable: every core


def test_caller_blas_nests_and_restores():
    blas = conv_threads._openblas()
    if blas is None or blas[1] is None:
        pytest.skip("no OpenBLAS with a thread-local setting")
    blas[0](0)                                   # this thread follows the process-wide count
    before = blas[1]()
    with conv_threads.caller_blas():
        with conv_threads.caller_blas():
            assert blas[1]() == 1
        assert blas[1]() == 1
    assert blas[1]() == before


def test_blas_threads_inside_caller_blas_uses_the_process_wide_count_and_restores():
    blas = conv_threads._openblas()
    if blas is None or blas[1] is None:
        pytest.skip("no OpenBLAS with a thread-local setting")
    blas[0](0)
    process_wide = blas[1]()
    with conv_threads.caller_blas():
        with conv_threads.blas_threads():
            assert blas[1]() == process_wide
        assert blas[1]() == 1
    assert blas[1]() == process_wide


def test_worker_count_is_the_process_wide_one_when_first_asked_inside_caller_blas():
    """Training, evaluation and predict run inside caller_blas; the worker count first asked
    there must still be the BLAS's process-wide count (it once cached the thread-local 1)."""
    blas = conv_threads._openblas()
    if blas is None or blas[1] is None:
        pytest.skip("no OpenBLAS with a thread-local setting")
    blas[0](0)
    expected = max(1, min(blas[1](), __import__("os").cpu_count() or 1))
    conv_threads.set_num_threads(None)                         # forget the cached count
    try:
        with conv_threads.caller_blas():
            assert conv_threads.num_workers() == expected
            assert blas[1]() == 1                              # and the caller stays on one
    finally:
        conv_threads.set_num_threads(None)


@pytest.mark.parametrize("shape,pool,strides,padding", [
    ((2, 9, 9, 3), (3, 3), (2, 2), "same"), ((2, 8, 7, 2), (3, 3), (2, 2), "valid"),
    ((1, 6, 6, 4), (2, 2), (2, 2), "valid"), ((3, 5, 8, 2), (2, 3), (1, 2), "same")])
def test_inference_max_pool_matches_the_training_kernel(monkeypatch, shape, pool, strides,
                                                        padding):
    from pipeseq.kernels import pooling
    monkeypatch.setattr(pooling, "_INFER_BLOCK_BYTES", 32)          # several row blocks
    x = np.random.default_rng(0).normal(size=shape).astype("float32")
    ref = pooling.pool_forward(x, pool, strides, padding, "max")[0]
    np.testing.assert_array_equal(pooling.max_pool_infer(x, pool, strides, padding), ref)


@pytest.mark.parametrize("workers", [1, 2])
def test_inference_chunks_of_the_conv_match(monkeypatch, workers):
    monkeypatch.setattr(conv_ops, "_MIN_ROWS", 7)
    rng = np.random.default_rng(4)
    x, k, b = rng.normal(size=(5, 6, 7, 3)), rng.normal(size=(3, 3, 3, 4)), rng.normal(size=4)
    conv_threads.set_num_threads(workers)
    try:
        ref, _ = conv_ops.conv_forward(x, k, (1, 1), "same", (1, 1), bias=b, relu=True)
        got, _ = conv_ops.conv_forward(x, k, (1, 1), "same", (1, 1), bias=b, relu=True,
                                       for_backward=False)
    finally:
        conv_threads.set_num_threads(None)
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-12)
    assert len(conv_ops._chunks(5, 1, 42)) in (1, 2, 4, 5)


def test_max_pooling_layer_in_predict(float64):
    inp = Input((11, 11, 3))
    y = Conv2D(4, 3, padding="same")(inp)
    y = BatchNormalization()(y)
    y = MaxPooling2D(3, strides=2, padding="same")(y)
    model = randomize_bn(Model(inp, y))
    check_same(model, np.random.default_rng(6).normal(size=(2, 11, 11, 3)))


@pytest.mark.parametrize("shape,out_ch,padding,bias,epilogue", [
    ((2, 8, 8, 16), 16, "same", False, None), ((3, 9, 7, 20), 24, "same", True, ("relu", None)),
    ((1, 12, 5, 16), 32, "valid", True, ("relu", 6.0)), ((4, 6, 6, 17), 16, "same", True, ("swish", None)),
    ((2, 11, 10, 16), 18, [(2, 0), (1, 1)], False, None)])
def test_winograd_forward_matches_im2col(monkeypatch, shape, out_ch, padding, bias, epilogue):
    """Stride-1 3x3 convolutions at inference run Winograd F(2x2,3x3): same result as im2col
    (odd and even sizes, explicit padding, bias, fused activations), float32 and float64."""
    from pipeseq.kernels import conv, conv_winograd
    monkeypatch.setattr(conv_winograd, "MIN_TILES", 1)
    used = []
    real = conv_winograd.winograd_conv
    monkeypatch.setattr(conv_winograd, "winograd_conv", lambda *a, **k: used.append(1) or real(*a, **k))
    rng = np.random.default_rng(0)
    for dtype, tol in (("float64", 1e-12), ("float32", 2e-6)):
        x = rng.normal(size=shape).astype(dtype)
        k = rng.normal(size=(3, 3, shape[-1], out_ch)).astype(dtype)
        b = rng.normal(size=out_ch).astype(dtype) if bias else None
        args = dict(strides=(1, 1), padding=padding, dilation=(1, 1), bias=b)
        ref, _ = conv.conv_forward(x, k, method="im2col", **args)
        if epilogue is not None:
            ref = fold.epilogue_apply(ref.copy(), epilogue)
        used.clear()
        y, _ = conv.conv_forward(x, k, epilogue=epilogue, for_backward=False, **args)
        assert used, "the Winograd path was not taken"
        assert y.dtype == ref.dtype and y.shape == ref.shape
        np.testing.assert_allclose(y, ref, rtol=0, atol=tol * np.abs(ref).max())


def test_winograd_is_used_only_where_it_pays():
    from pipeseq.kernels.conv_winograd import applies
    assert applies((3, 3, 64, 64), (1, 1), (1, 1), 1, 8, (56, 56))
    assert not applies((3, 3, 64, 64), (2, 2), (1, 1), 1, 8, (28, 28))      # strided
    assert not applies((3, 3, 64, 64), (1, 1), (2, 2), 1, 8, (56, 56))      # dilated
    assert not applies((3, 3, 64, 64), (1, 1), (1, 1), 2, 8, (56, 56))      # grouped
    assert not applies((3, 3, 3, 64), (1, 1), (1, 1), 1, 8, (56, 56))       # few channels
    assert not applies((5, 5, 64, 64), (1, 1), (1, 1), 1, 8, (56, 56))      # other kernel
    assert not applies((3, 3, 512, 512), (1, 1), (1, 1), 1, 8, (7, 7))      # 128 tiles


def test_winograd_kernel_transform_is_g_g_gt():
    from pipeseq.kernels.conv_winograd import transform_kernel
    G = np.array([[1.0, 0.0, 0.0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0.0, 0.0, 1.0]])
    k = np.random.default_rng(1).normal(size=(3, 3, 4, 5))
    np.testing.assert_allclose(transform_kernel(k),
                               np.einsum("ai,ijco,bj->abco", G, k, G).reshape(16, 4, 5), atol=1e-15)


@pytest.mark.parametrize("activation", ["relu", "relu6", "swish", "linear", "tanh", "softmax"])
@pytest.mark.parametrize("workers", [1, 2])
def test_predict_dense_fuses_bias_and_activation(monkeypatch, activation, workers):
    """predict runs Dense as one product with the bias and the activation applied per row block
    (kernels.core.dense_infer; other activations such as tanh and softmax afterwards); same
    numbers as the layer's forward, split or not, and on OpenBLAS's threads for very large
    products."""
    from pipeseq.kernels import core as core_ops
    rng = np.random.default_rng(0)
    model = Sequential([Dense(48, activation=activation, input_shape=(40,)), Dense(5)])
    x = rng.normal(size=(300, 40)).astype("float32")
    ref = np.asarray(model(x))
    conv_threads.set_num_threads(workers)
    try:
        monkeypatch.setattr(core_ops, "PARALLEL_MIN_MACS", 1)
        np.testing.assert_allclose(model.predict(x, verbose=0), ref, rtol=1e-6, atol=1e-6)
        monkeypatch.setattr(core_ops, "BLAS_THREADS_MIN_MACS", 1)
        np.testing.assert_allclose(model.predict(x, verbose=0), ref, rtol=1e-6, atol=1e-6)
    finally:
        conv_threads.set_num_threads(None)


def test_very_large_products_split_finely_when_a_core_is_busy(monkeypatch):
    from pipeseq.kernels import core as core_ops
    if conv_threads.num_workers() < 2:
        pytest.skip("one core")
    rng = np.random.default_rng(0)
    a = rng.normal(size=(64, 30)).astype("float32")
    b = rng.normal(size=(30, 20)).astype("float32")
    monkeypatch.setattr(core_ops, "BLAS_THREADS_MIN_MACS", 1)
    monkeypatch.setattr(conv_threads, "free_cores", lambda: 1)
    seen = []
    real = conv_threads.run_groups
    monkeypatch.setattr(conv_threads, "run_groups",
                        lambda fn, items, workers=None: seen.append(len(items)) or real(fn, items, workers))
    out = core_ops._matmul(a, b, [slice(0, 32), slice(32, 64)])
    assert seen == [8]
    np.testing.assert_allclose(out, a @ b, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("free,expected_splits", [(2, []), (1, [2])])
def test_skinny_products_use_blas_threads_only_when_every_core_is_free(monkeypatch, free,
                                                                       expected_splits):
    """A product with a few output columns (a classifier's last layer) runs on OpenBLAS's
    threads when the cores are free, else split over the workers as before."""
    from pipeseq.kernels import core as core_ops
    if conv_threads.num_workers() < 2:
        pytest.skip("one core")
    rng = np.random.default_rng(0)
    a = rng.normal(size=(64, 30)).astype("float32")
    b = rng.normal(size=(30, core_ops.SKINNY_COLUMNS)).astype("float32")
    monkeypatch.setattr(conv_threads, "free_cores", lambda: free)
    seen = []
    real = conv_threads.run_groups
    monkeypatch.setattr(conv_threads, "run_groups",
                        lambda fn, items, workers=None: seen.append(len(items)) or real(fn, items, workers))
    out = core_ops._matmul(a, b, [slice(0, 32), slice(32, 64)])
    assert seen == expected_splits
    np.testing.assert_allclose(out, a @ b, rtol=1e-5, atol=1e-5)
