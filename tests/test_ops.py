"""pipeseq.ops: Keras 3's keras.ops names, NumPy values, float32 kept, autograd gradients exact."""
import os

import numpy as np
import pytest

from pipeseq import ops
from pipeseq.ops.autodiff import value_and_grad, vjp

HERE = os.path.dirname(__file__)
RNG = np.random.default_rng(0)


def test_covers_at_least_90_percent_of_keras_ops_names():
    with open(os.path.join(HERE, "fixtures", "keras_ops_names.txt")) as f:
        names = [n.strip() for n in f if n.strip()]
    have = [n for n in names if callable(getattr(ops, n, None))]
    missing = sorted(set(names) - set(have))
    assert len(have) / len(names) >= 0.9, missing


def _x(*shape, lo=-2.0, hi=2.0, dtype="float32"):
    return RNG.uniform(lo, hi, size=shape).astype(dtype)


# (op name, args builder, numpy reference)
UNARY = ["sin", "cos", "tan", "tanh", "sinh", "cosh", "arctan", "arcsinh", "exp", "expm1",
         "abs", "square", "negative", "sign", "floor", "ceil", "trunc", "exp2", "deg2rad",
         "rad2deg", "sinc", "fabs"]
POSITIVE = ["log", "log1p", "log2", "log10", "sqrt", "reciprocal", "arccosh"]


@pytest.mark.parametrize("name", UNARY + POSITIVE)
def test_unary_matches_numpy_and_keeps_float32(name):
    x = _x(3, 4, lo=1.1, hi=3.0) if name in POSITIVE else _x(3, 4)
    ref = getattr(np, {"reciprocal": "reciprocal", "fabs": "fabs"}.get(name, name))(x)
    out = getattr(ops, name)(x)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, ref, rtol=1e-6, atol=1e-6)


REDUCTIONS = ["sum", "mean", "max", "min", "prod", "std", "var", "amax", "amin", "logsumexp",
              "median", "ptp"]


@pytest.mark.parametrize("name", REDUCTIONS)
@pytest.mark.parametrize("axis", [None, 0, -1, (0, 2)])
def test_reductions_match_numpy(name, axis):
    x = _x(2, 3, 4)
    if name == "logsumexp":
        from scipy.special import logsumexp as ref_fn
        ref = ref_fn(x, axis=axis, keepdims=True)
    else:
        ref = getattr(np, name)(x, axis=axis, keepdims=True)
    out = getattr(ops, name)(x, axis=axis, keepdims=True)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-6)


def test_dtype_rules_follow_keras():
    assert ops.mean(np.array([1, 2])).dtype == np.float32
    assert ops.divide(np.array([1, 2]), np.array([2, 2])).dtype == np.float32
    assert ops.ones((2,)).dtype == np.float32
    assert ops.arange(3).dtype == np.int32
    assert ops.convert_to_tensor([1.0, 2.0]).dtype == np.float32
    assert ops.multiply(np.ones(2, "float32"), 2.5).dtype == np.float32
    assert ops.sigmoid(np.array([0, 1])).dtype == np.float32


# (call, numpy reference) for shape and indexing ops
X = _x(2, 3, 4)
M = _x(3, 3)
CASES = {
    "reshape": (lambda: ops.reshape(X, (6, -1)), lambda: X.reshape(6, -1)),
    "transpose": (lambda: ops.transpose(X, (2, 0, 1)), lambda: X.transpose(2, 0, 1)),
    "concatenate": (lambda: ops.concatenate([X, X], axis=1), lambda: np.concatenate([X, X], 1)),
    "stack": (lambda: ops.stack([X, X], axis=-1), lambda: np.stack([X, X], -1)),
    "split": (lambda: ops.split(X, 2, axis=2)[1], lambda: np.split(X, 2, axis=2)[1]),
    "array_split": (lambda: ops.array_split(X, 3, axis=2)[0], lambda: np.array_split(X, 3, 2)[0]),
    "flip": (lambda: ops.flip(X, 1), lambda: np.flip(X, 1)),
    "roll": (lambda: ops.roll(X, 2, axis=2), lambda: np.roll(X, 2, axis=2)),
    "rot90": (lambda: ops.rot90(M), lambda: np.rot90(M)),
    "pad_reflect": (lambda: ops.pad(M, 1, mode="reflect"), lambda: np.pad(M, 1, mode="reflect")),
    "pad_const": (lambda: ops.pad(M, ((1, 0), (0, 2)), constant_values=3.0),
                  lambda: np.pad(M, ((1, 0), (0, 2)), constant_values=3.0)),
    "take": (lambda: ops.take(X, np.array([0, 2, -1]), axis=2),
             lambda: np.take(X, [0, 2, -1], axis=2)),
    "take_along_axis": (lambda: ops.take_along_axis(M, np.array([[0], [2], [1]]), axis=1),
                        lambda: np.take_along_axis(M, np.array([[0], [2], [1]]), axis=1)),
    "repeat": (lambda: ops.repeat(M, 2, axis=0), lambda: np.repeat(M, 2, axis=0)),
    "tile": (lambda: ops.tile(M, (2, 1)), lambda: np.tile(M, (2, 1))),
    "diag": (lambda: ops.diag(M[0], k=1), lambda: np.diag(M[0], k=1)),
    "diagonal": (lambda: ops.diagonal(M), lambda: np.diagonal(M)),
    "tril": (lambda: ops.tril(M, -1), lambda: np.tril(M, -1)),
    "triu": (lambda: ops.triu(M, 1), lambda: np.triu(M, 1)),
    "sort": (lambda: ops.sort(X, axis=1), lambda: np.sort(X, axis=1)),
    "cumsum": (lambda: ops.cumsum(X, axis=1), lambda: np.cumsum(X, axis=1)),
    "cumprod": (lambda: ops.cumprod(X, axis=2), lambda: np.cumprod(X, axis=2)),
    "quantile": (lambda: ops.quantile(X, 0.3, axis=2), lambda: np.quantile(X, 0.3, axis=2)),
    "percentile": (lambda: ops.percentile(X, [10, 90], axis=1),
                   lambda: np.percentile(X, [10, 90], axis=1)),
    "einsum": (lambda: ops.einsum("ijk,kl->ijl", X, M[:, :1].repeat(4, 0)[:4]),
               lambda: np.einsum("ijk,kl->ijl", X, M[:, :1].repeat(4, 0)[:4])),
    "tensordot": (lambda: ops.tensordot(X, X, axes=([1, 2], [1, 2])),
                  lambda: np.tensordot(X, X, axes=([1, 2], [1, 2]))),
    "cross": (lambda: ops.cross(M, M[::-1]), lambda: np.cross(M, M[::-1])),
    "kron": (lambda: ops.kron(M[:2, :2], M[:2, :2]), lambda: np.kron(M[:2, :2], M[:2, :2])),
    "diff": (lambda: ops.diff(X, n=2, axis=2), lambda: np.diff(X, n=2, axis=2)),
    "trapezoid": (lambda: ops.trapezoid(X, dx=0.5), lambda: np.trapezoid(X, dx=0.5)),
    "dstack": (lambda: ops.dstack([M, M]), lambda: np.dstack([M, M])),
    "average": (lambda: ops.average(M, axis=1, weights=np.array([1.0, 2.0, 3.0])),
                lambda: np.average(M, axis=1, weights=[1.0, 2.0, 3.0])),
    "corrcoef": (lambda: ops.corrcoef(M), lambda: np.corrcoef(M)),
    "det": (lambda: ops.det(M), lambda: np.linalg.det(M)),
    "inv": (lambda: ops.inv(M), lambda: np.linalg.inv(M)),
    "norm": (lambda: ops.norm(X, axis=-1), lambda: np.linalg.norm(X, axis=-1)),
    "solve": (lambda: ops.solve(M, M[:, :1]), lambda: np.linalg.solve(M, M[:, :1])),
    "vander": (lambda: ops.vander(M[0], 4), lambda: np.vander(M[0], 4)),
    "nan_to_num": (lambda: ops.nan_to_num(np.array([np.nan, 1.0, np.inf])),
                   lambda: np.nan_to_num(np.array([np.nan, 1.0, np.inf]))),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_array_ops_match_numpy(name):
    call, ref = CASES[name]
    np.testing.assert_allclose(call(), ref(), rtol=2e-5, atol=2e-6)


def _numeric_grad(f, x, h=1e-6):
    g = np.zeros_like(x)
    flat, gf = x.reshape(-1), g.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        up = f(x)
        flat[i] = old - h
        down = f(x)
        flat[i] = old
        gf[i] = (up - down) / (2 * h)
    return g


W = RNG.normal(size=(3, 4))
GRAD_CASES = {
    "tanh*sigmoid": lambda x: ops.sum(ops.tanh(x) * ops.sigmoid(x) * W),
    "softmax": lambda x: ops.sum(ops.softmax(x) * W),
    "log_softmax": lambda x: ops.sum(ops.log_softmax(x, axis=0) * W),
    "logsumexp": lambda x: ops.sum(ops.logsumexp(x, axis=1) * W[:, 0]),
    "gelu": lambda x: ops.sum(ops.gelu(x) * W),
    "gelu_exact": lambda x: ops.sum(ops.gelu(x, approximate=False) * W),
    "elu_selu": lambda x: ops.sum((ops.elu(x) + ops.selu(x)) * W),
    "softplus": lambda x: ops.sum(ops.softplus(x) * W + ops.log_sigmoid(x)),
    "norm_std": lambda x: ops.std(x, axis=0).sum() + ops.norm(x),
    "cumprod": lambda x: ops.sum(ops.cumprod(x, axis=1) * W),
    "sort": lambda x: ops.sum(ops.sort(x, axis=1) * W),
    "take_along": lambda x: ops.sum(ops.take_along_axis(x, np.array([[0, 0], [1, 3], [2, 2]]), 1)
                                    * W[:, :2]),
    "pad_reflect": lambda x: ops.sum(ops.pad(x, 1, mode="reflect") ** 2),
    "flip_roll": lambda x: ops.sum(ops.roll(ops.flip(x, 0), 1, axis=1) * W),
    "quantile": lambda x: ops.sum(ops.quantile(x, 0.4, axis=1)),
    "matmul_inv": lambda x: ops.sum(ops.inv(ops.matmul(x[:, :3], x[:, :3].T) + 3 * np.eye(3))),
    "top_k": lambda x: ops.sum(ops.top_k(x, 2)[0]),
    "segment_sum": lambda x: ops.sum(ops.segment_sum(x, np.array([1, 0, 1])) * W[:2]),
    "segment_max": lambda x: ops.sum(ops.segment_max(x, np.array([1, 0, 1])) * W[:2]),
    "scatter_update": lambda x: ops.sum(ops.scatter_update(x, np.array([[0, 1]]), x[1:2, 2]) * W),
    "slice_update": lambda x: ops.sum(ops.slice_update(x, (1, 1), x[:1, :2] * 2) * W),
    "where_clip": lambda x: ops.sum(ops.where(x > 0, x, 0.1 * x) + ops.clip(x, -0.5, 0.5)),
    "cce": lambda x: ops.sum(ops.categorical_crossentropy(np.eye(4)[:3], ops.softmax(x))),
    "bce_logits": lambda x: ops.sum(ops.binary_crossentropy((W > 0) * 1.0, x, from_logits=True)),
    "normalize": lambda x: ops.sum(ops.normalize(x) * W),
    "layer_norm": lambda x: ops.sum(ops.layer_normalization(x) * W),
    "getitem": lambda x: ops.sum(ops.get_item(x, (slice(None), np.array([0, 0, 3]))) ** 2),
    "repeat": lambda x: ops.sum(ops.repeat(x, 2, axis=1) ** 3),
}


@pytest.mark.parametrize("name", sorted(GRAD_CASES))
def test_gradient_equals_numerical_in_float64(name):
    f = GRAD_CASES[name]
    x = RNG.normal(size=(3, 4))
    v, g = value_and_grad(f)(x)
    assert g.dtype == np.float64
    np.testing.assert_allclose(g, _numeric_grad(lambda a: float(f(a)), x.copy()), rtol=1e-5,
                               atol=1e-7)


def test_gradients_come_back_float32_for_float32_inputs():
    x = _x(3, 4)
    _, g = value_and_grad(lambda a: ops.mean(ops.where(a > 0, a, 0.0) ** 2))(x)
    assert g.dtype == np.float32


CONV_CASES = [("conv", (1, 5, 6, 2), (3, 2, 2, 3), dict(strides=2, padding="same")),
              ("conv", (2, 7, 3), (3, 3, 2), dict(dilation_rate=2)),
              ("depthwise_conv", (1, 5, 5, 2), (3, 3, 2, 2), dict(padding="same")),
              ("conv_transpose", (1, 3, 4, 2), (3, 3, 2, 2), dict(strides=2, padding="same")),
              ("conv_transpose", (1, 3, 2), (4, 3, 2), dict(strides=3))]


@pytest.mark.parametrize("name,xs,ks,kw", CONV_CASES)
def test_convolution_gradients(name, xs, ks, kw):
    x, k = RNG.normal(size=xs), RNG.normal(size=ks)
    fn = getattr(ops, name)
    y = fn(x, k, **kw)
    w = RNG.normal(size=y.shape)
    _, (gx, gk) = value_and_grad(lambda a, b: ops.sum(fn(a, b, **kw) * w), (0, 1))(x, k)
    np.testing.assert_allclose(gx, _numeric_grad(lambda a: float(np.sum(fn(a, k, **kw) * w)),
                                                 x.copy()), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(gk, _numeric_grad(lambda b: float(np.sum(fn(x, b, **kw) * w)),
                                                 k.copy()), rtol=1e-5, atol=1e-7)


def test_conv_matches_the_layer_kernels():
    from pipeseq.layers import Conv2D
    x = _x(2, 6, 6, 3)
    layer = Conv2D(4, 3, strides=2, padding="same", use_bias=False)
    y = layer(x)
    np.testing.assert_allclose(ops.conv(x, layer.weights[0].value, strides=2, padding="same"), y,
                               rtol=1e-5, atol=1e-5)


def test_pooling():
    x = _x(1, 5, 5, 2)
    mp = ops.max_pool(x, 2, padding="same")
    assert mp.shape == (1, 3, 3, 2)
    assert np.isclose(mp[0, 2, 2, 0], x[0, 4, 4, 0])
    ap = ops.average_pool(x, 2, padding="same")
    assert np.isclose(ap[0, 2, 2, 1], x[0, 4, 4, 1])
    assert np.isclose(ap[0, 0, 0, 0], x[0, :2, :2, 0].mean())


def test_vjp_multiple_outputs_and_unused_argument():
    x, w = _x(2, 3), _x(3)
    out, back = vjp(lambda a, b, c: [ops.tanh(a * b), ops.sum(a)], x, w, np.float32(1.0))
    assert isinstance(out, list) and len(out) == 2
    gx, gw, gc = back([np.ones((2, 3), "float32"), None])
    np.testing.assert_allclose(gx, w * (1 - np.tanh(x * w) ** 2), rtol=1e-5)
    assert gc == 0 and gw.dtype == np.float32


def test_control_flow_and_custom_gradient():
    assert ops.cond(True, lambda: 1, lambda: 2) == 1
    assert ops.while_loop(lambda i: i < 5, lambda i: i + 2, 0) == 6
    carry, ys = ops.scan(lambda c, x: (c + x, c * x), 0.0, np.arange(4.0))
    assert carry == 6.0 and list(ys) == [0.0, 0.0, 2.0, 9.0]
    np.testing.assert_allclose(ops.map(lambda r: r.sum(), M), M.sum(1), rtol=1e-6)

    @ops.custom_gradient
    def f(x):
        return ops.square(x), lambda dy: dy * 100.0
    _, g = value_and_grad(lambda a: ops.sum(f(a)))(np.ones(2))
    np.testing.assert_allclose(g, [100.0, 100.0])
    x = np.ones(3)
    _, g = value_and_grad(lambda a: ops.sum(ops.stop_gradient(a) * a))(x)
    np.testing.assert_allclose(g, x)


def test_misc_ops():
    assert ops.one_hot(np.array([0, 2]), 3).tolist() == [[1, 0, 0], [0, 0, 1]]
    assert ops.multi_hot(np.array([[0, 2]]), 3).tolist() == [[1, 0, 1]]
    v, i = ops.top_k(np.array([1.0, 3.0, 2.0]), 2)
    assert v.tolist() == [3.0, 2.0] and i.tolist() == [1, 2]
    assert ops.in_top_k(np.array([1]), np.array([[0.1, 0.5, 0.4]]), 1).tolist() == [True]
    re, im = ops.rfft(np.arange(8.0, dtype="float32"))
    np.testing.assert_allclose(re + 1j * im, np.fft.rfft(np.arange(8.0)), atol=1e-5)
    sig = RNG.normal(size=(64,)).astype("float32")
    spec = ops.stft(sig, 16, 4, 16)
    back = ops.istft(spec, 16, 4, 16, length=64)
    np.testing.assert_allclose(back, sig, atol=1e-4)
    assert ops.image.resize(np.ones((1, 2, 2, 1)), (3, 5)).shape == (1, 3, 5, 1)
    assert ops.image.rgb_to_grayscale(np.ones((2, 2, 3))).shape == (2, 2, 1)
    with pytest.raises(ValueError, match="even length"):
        ops.glu(np.ones((2, 3)))


def test_image_resize_crops_or_pads_to_the_aspect_ratio_as_keras():
    # expected values made by keras.ops.image.resize (Keras 3.15, TensorFlow backend)
    x = np.arange(20, dtype="float32").reshape(1, 5, 4, 1)
    cases = [
        ({"crop_to_aspect_ratio": True}, (2, 4), [[4, 5, 6, 7], [8, 9, 10, 11]]),
        ({"pad_to_aspect_ratio": True, "fill_value": -1.0}, (2, 4),
         [[-1, 3.25, 5.75, -1], [-1, 13.25, 15.75, -1]]),
        ({"crop_to_aspect_ratio": True, "interpolation": "nearest"}, (4, 2),
         [[1, 2], [5, 6], [13, 14], [17, 18]]),
        ({"pad_to_aspect_ratio": True, "interpolation": "nearest"}, (6, 2),
         [[0, 0], [0, 0], [5, 7], [13, 15], [0, 0], [0, 0]]),
    ]
    for kwargs, size, expected in cases:
        y = ops.image.resize(x, size, **kwargs)
        assert y.dtype == np.float32
        np.testing.assert_allclose(y[0, ..., 0], expected, err_msg=str(kwargs))
    with pytest.raises(ValueError, match="only one of"):
        ops.image.resize(x, (2, 4), crop_to_aspect_ratio=True, pad_to_aspect_ratio=True)
    with pytest.raises(NotImplementedError, match="antialias"):
        ops.image.resize(x, (2, 2), antialias=True)
