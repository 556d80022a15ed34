"""Activation and normalisation ops of ``keras.ops.nn``: relu, gelu, softmax, one_hot, moments, ...

Example
-------
>>> import numpy as np
>>> from pipeseq import ops
>>> ops.relu(np.array([-1.0, 2.0], "float32"))
array([0., 2.], dtype=float32)
>>> ops.softmax(np.zeros((1, 2), "float32"))
array([[0.5, 0.5]], dtype=float32)
"""
import math

import autograd.numpy as anp
import numpy as np

from .. import backend
from .dispatch import axis_arg, float_tensor, op, standardize_dtype, tensor, value

__all__ = ["relu", "relu6", "sigmoid", "softplus", "softsign", "silu", "swish", "log_sigmoid",
           "leaky_relu", "hard_sigmoid", "hard_silu", "hard_swish", "elu", "selu", "celu",
           "gelu", "glu", "hard_tanh", "hard_shrink", "soft_shrink", "tanh_shrink",
           "sparse_plus", "sparse_sigmoid", "squareplus", "threshold", "softmax",
           "log_softmax", "sparsemax", "one_hot", "multi_hot", "moments", "batch_normalization",
           "layer_normalization", "rms_normalization", "normalize"]


def _unary(fn):
    """Decorator for ``f(x, ...)`` activations: ``x`` becomes a float tensor, the result keeps its dtype."""
    def wrapped(x, *args, **kwargs):
        x = float_tensor(x)
        out = fn(x, *args, **kwargs)
        dt = value(x).dtype
        return out if value(out).dtype == dt else anp.astype(out, dt)
    wrapped.__name__ = wrapped.__qualname__ = fn.__name__
    wrapped.__doc__ = fn.__doc__
    import inspect
    wrapped.__signature__ = inspect.signature(fn)
    return op(wrapped)


@_unary
def relu(x):
    """``max(x, 0)``."""
    return anp.maximum(x, 0.0)


@_unary
def relu6(x):
    """``min(max(x, 0), 6)``."""
    return anp.clip(x, 0.0, 6.0)


@_unary
def sigmoid(x):
    """``1 / (1 + exp(-x))``, computed without overflow."""
    e = anp.exp(-anp.abs(x))
    return anp.where(value(x) >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


@_unary
def softplus(x):
    """``log(1 + exp(x))``, computed stably."""
    return anp.logaddexp(x, 0.0)


@_unary
def softsign(x):
    """``x / (1 + |x|)``."""
    return x / (1.0 + anp.abs(x))


@_unary
def silu(x):
    """``x * sigmoid(x)``."""
    return x * sigmoid(x)


@_unary
def swish(x):
    """Same as :func:`silu`."""
    return x * sigmoid(x)


@_unary
def log_sigmoid(x):
    """``log(sigmoid(x))`` = ``-softplus(-x)``."""
    return -anp.logaddexp(-x, 0.0)


@_unary
def leaky_relu(x, negative_slope=0.2):
    """``x`` for ``x >= 0``, ``negative_slope * x`` below."""
    return anp.where(value(x) >= 0, x, negative_slope * x)


@_unary
def hard_sigmoid(x):
    """``clip(x / 6 + 0.5, 0, 1)`` (Keras 3's definition)."""
    return anp.clip(x / 6.0 + 0.5, 0.0, 1.0)


@_unary
def hard_silu(x):
    """``x * hard_sigmoid(x)``."""
    return x * anp.clip(x / 6.0 + 0.5, 0.0, 1.0)


@_unary
def hard_swish(x):
    """Same as :func:`hard_silu`."""
    return x * anp.clip(x / 6.0 + 0.5, 0.0, 1.0)


@_unary
def elu(x, alpha=1.0):
    """``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` below."""
    return anp.where(value(x) > 0, x, alpha * anp.expm1(anp.minimum(x, 0.0)))


SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


@_unary
def selu(x):
    """Scaled ELU with Keras's constants."""
    return SELU_SCALE * anp.where(value(x) > 0, x, SELU_ALPHA * anp.expm1(anp.minimum(x, 0.0)))


@_unary
def celu(x, alpha=1.0):
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``."""
    return anp.maximum(x, 0.0) + anp.minimum(0.0, alpha * anp.expm1(anp.minimum(x, 0.0) / alpha))


@_unary
def gelu(x, approximate=True):
    """Gaussian error linear unit (tanh approximation by default, as Keras)."""
    if approximate:
        c = math.sqrt(2.0 / math.pi)
        return 0.5 * x * (1.0 + anp.tanh(c * (x + 0.044715 * x ** 3)))
    import autograd.scipy.special as sp
    return 0.5 * x * (1.0 + sp.erf(x / math.sqrt(2.0)))


@_unary
def glu(x, axis=-1):
    """Gated linear unit: first half times sigmoid of the second half along ``axis``."""
    n = value(x).shape[axis]
    if n % 2:
        raise ValueError(f"glu(): axis {axis} must have an even length. Received: shape="
                         f"{value(x).shape}")
    nd = value(x).ndim
    a = x[tuple(slice(0, n // 2) if d == axis % nd else slice(None) for d in range(nd))]
    b = x[tuple(slice(n // 2, None) if d == axis % nd else slice(None) for d in range(nd))]
    return a * sigmoid(b)


@_unary
def hard_tanh(x):
    """``clip(x, -1, 1)``."""
    return anp.clip(x, -1.0, 1.0)


@_unary
def hard_shrink(x, threshold=0.5):
    """``x`` where ``|x| > threshold``, else 0."""
    return anp.where(np.abs(value(x)) > threshold, x, 0.0)


@_unary
def soft_shrink(x, threshold=0.5):
    """``x - threshold`` above, ``x + threshold`` below ``-threshold``, else 0."""
    v = value(x)
    return anp.where(v > threshold, x - threshold, anp.where(v < -threshold, x + threshold, 0.0))


@_unary
def tanh_shrink(x):
    """``x - tanh(x)``."""
    return x - anp.tanh(x)


@_unary
def sparse_plus(x):
    """0 below -1, ``(x + 1)^2 / 4`` in [-1, 1], ``x`` above."""
    v = value(x)
    return anp.where(v <= -1, 0.0, anp.where(v >= 1, x, (x + 1.0) ** 2 / 4.0))


@_unary
def sparse_sigmoid(x):
    """0 below -1, ``(x + 1) / 2`` in [-1, 1], 1 above."""
    return anp.clip(0.5 * (x + 1.0), 0.0, 1.0)


@_unary
def squareplus(x, b=4):
    """``(x + sqrt(x^2 + b)) / 2``."""
    return (x + anp.sqrt(x * x + b)) / 2.0


@op
def threshold(x, threshold, default_value):
    """``x`` where ``x > threshold``, else ``default_value``."""
    x = tensor(x)
    return anp.where(value(x) > threshold, x, default_value).astype(value(x).dtype)


@_unary
def softmax(x, axis=-1):
    """``exp(x) / sum(exp(x))`` along ``axis`` (stable)."""
    axis = axis_arg(axis)
    e = anp.exp(x - np.max(value(x), axis=axis, keepdims=True))
    return e / anp.sum(e, axis=axis, keepdims=True)


@_unary
def log_softmax(x, axis=-1):
    """``log(softmax(x))`` computed stably."""
    axis = axis_arg(axis)
    s = x - np.max(value(x), axis=axis, keepdims=True)
    return s - anp.log(anp.sum(anp.exp(s), axis=axis, keepdims=True))


@_unary
def sparsemax(x, axis=-1):
    """Euclidean projection of ``x`` onto the probability simplex along ``axis``."""
    v = np.moveaxis(value(x), axis, -1)
    z = -np.sort(-v, axis=-1)
    k = np.arange(1, v.shape[-1] + 1, dtype=v.dtype)
    cs = np.cumsum(z, axis=-1)
    support = (1 + k * z > cs)
    kz = support.sum(axis=-1, keepdims=True)
    tau = (np.take_along_axis(cs, kz - 1, -1) - 1) / kz
    tau = np.moveaxis(tau, -1, axis)
    return anp.maximum(x - tau, 0.0)


@op
def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """One-hot encoding of integer class ids (0-based); ids out of range give all zeros."""
    idx = np.asarray(value(tensor(x))).astype("int64")
    out = (idx[..., None] == np.arange(int(num_classes))).astype(
        standardize_dtype(dtype) or backend.floatx())
    return out if axis in (-1, out.ndim - 1) else np.moveaxis(out, -1, axis)


@op
def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """Multi-hot encoding: 1 for every class id present in each sample."""
    num_classes = kwargs.pop("num_tokens", num_classes)
    idx = np.asarray(value(tensor(inputs))).astype("int64")
    oh = one_hot(idx, num_classes, dtype=dtype)
    out = oh.max(axis=-2) if idx.ndim > 1 else oh.max(axis=0)
    return out if axis == -1 else np.moveaxis(out, -1, axis)


@op
def moments(x, axes, keepdims=False, synchronized=False):
    """``(mean, variance)`` over ``axes``."""
    x = float_tensor(x)
    axes = tuple(axes) if isinstance(axes, (list, tuple)) else axes
    m = anp.mean(x, axis=axes, keepdims=True)
    v = anp.mean((x - m) ** 2, axis=axes, keepdims=keepdims)
    return (m if keepdims else anp.squeeze(m, axis=axes)), v


@op
def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    """``(x - mean) / sqrt(variance + epsilon) * scale + offset``, statistics along ``axis``."""
    x = float_tensor(x)
    shape = [1] * value(x).ndim
    shape[axis] = value(x).shape[axis]

    def b(t):
        return anp.reshape(tensor(t), shape)
    out = (x - b(mean)) / anp.sqrt(b(variance) + epsilon)
    if scale is not None:
        out = out * b(scale)
    if offset is not None:
        out = out + b(offset)
    return out


@op
def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    """Normalise over ``axis`` then scale by ``gamma`` and shift by ``beta``."""
    x = float_tensor(x)
    epsilon = 1e-3 if epsilon is None else epsilon
    axis = axis_arg(axis)
    m = anp.mean(x, axis=axis, keepdims=True)
    v = anp.mean((x - m) ** 2, axis=axis, keepdims=True)
    out = (x - m) / anp.sqrt(v + epsilon)
    if gamma is not None:
        out = out * tensor(gamma)
    if beta is not None:
        out = out + tensor(beta)
    return out


@op
def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    """``x / sqrt(mean(x^2) + epsilon) * scale`` over ``axis``."""
    x = float_tensor(x)
    epsilon = backend.epsilon() if epsilon is None else epsilon
    out = x / anp.sqrt(anp.mean(x * x, axis=axis_arg(axis), keepdims=True) + epsilon)
    return out if scale is None else out * tensor(scale)


@op
def normalize(x, axis=-1, order=2, epsilon=None):
    """``x`` divided by its ``order``-norm along ``axis``."""
    x = float_tensor(x)
    epsilon = backend.epsilon() if epsilon is None else epsilon
    if order == 2:
        sq = anp.sum(x * x, axis=axis, keepdims=True)
        return x / anp.sqrt(anp.maximum(sq, epsilon))
    n = anp.sum(anp.abs(x) ** order, axis=axis, keepdims=True) ** (1.0 / order)
    return x / anp.maximum(n, epsilon)
