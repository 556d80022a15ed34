"""Keras 3's newer activations, each a ``forward`` / ``backward(x, y, dy)`` pair, added to
:mod:`pipeseq.kernels.activations`'s table by :func:`register` (called there at import).

celu, glu, hard_shrink, hard_tanh, log_sigmoid, soft_shrink, sparse_plus, sparse_sigmoid,
sparsemax, squareplus, tanh_shrink, threshold (and ``hard_swish``, Keras's alias of
``hard_silu``).

Example
-------
>>> import numpy as np
>>> from pipeseq.kernels.activations import get
>>> get("squareplus")(np.array([0.0, 3.0]))
array([1.        , 3.30277564])
"""
import numpy as np


def _sig(x):
    return 0.5 * (np.tanh(0.5 * x) + 1.0)


def celu(x, alpha=1.0):
    return (np.maximum(x, 0) + np.minimum(0, alpha * np.expm1(x / alpha))).astype(x.dtype, copy=False)


def celu_backward(x, y, dy, alpha=1.0):
    return dy * np.where(x > 0, 1.0, np.exp(x / alpha)).astype(x.dtype, copy=False)


def glu(x, axis=-1):
    a, b = np.split(x, 2, axis=axis)
    return a * _sig(b)


def glu_backward(x, y, dy, axis=-1):
    a, b = np.split(x, 2, axis=axis)
    s = _sig(b)
    return np.concatenate([dy * s, dy * a * s * (1 - s)], axis=axis)


def sparsemax(x, axis=-1):
    """Keras's sparsemax formula (its NumPy and TensorFlow backends): the threshold is
    ``(sum of the cumulative sums over the support - 1) / k``."""
    z = np.moveaxis(x, axis, -1)
    order = np.argsort(-z, axis=-1, kind="stable")
    zs = np.take_along_axis(z, order, axis=-1)
    cums = np.cumsum(zs, axis=-1)
    r = np.arange(1, z.shape[-1] + 1, dtype=x.dtype)
    support = zs - (cums - 1) / r > 0
    k = support.sum(axis=-1, keepdims=True).astype(x.dtype)
    tau = (np.where(support, cums, 0).sum(axis=-1, keepdims=True) - 1) / k
    return np.moveaxis(np.maximum(z - tau, 0), -1, axis).astype(x.dtype, copy=False)


def sparsemax_backward(x, y, dy, axis=-1):
    # d tau / d z(i) = (number of support ranks j >= i) / k for the i-th largest z
    z = np.moveaxis(x, axis, -1)
    g = np.moveaxis(dy, axis, -1)
    active = np.moveaxis(y, axis, -1) > 0
    order = np.argsort(-z, axis=-1, kind="stable")
    zs = np.take_along_axis(z, order, axis=-1)
    r = np.arange(1, z.shape[-1] + 1, dtype=x.dtype)
    support = zs - (np.cumsum(zs, axis=-1) - 1) / r > 0
    k = support.sum(axis=-1, keepdims=True)
    dtau_sorted = np.where(r <= k, (k - r + 1) / k, 0.0)
    dtau = np.empty_like(dtau_sorted)
    np.put_along_axis(dtau, order, dtau_sorted, axis=-1)
    ga = np.where(active, g, 0)
    dx = ga - ga.sum(axis=-1, keepdims=True) * dtau
    return np.moveaxis(dx, -1, axis).astype(x.dtype, copy=False)


def _threshold(x, threshold=0.0, default_value=0.0):
    return np.where(x > threshold, x, default_value).astype(x.dtype, copy=False)


TABLE = {
    "celu": (celu, celu_backward),
    "glu": (glu, glu_backward),
    "hard_shrink": (lambda x, threshold=0.5: np.where(np.abs(x) > threshold, x, 0).astype(x.dtype),
                    lambda x, y, dy, threshold=0.5: dy * (np.abs(x) > threshold)),
    "hard_tanh": (lambda x: np.clip(x, -1, 1), lambda x, y, dy: dy * ((x > -1) & (x < 1))),
    "log_sigmoid": (lambda x: -np.logaddexp(0, -x).astype(x.dtype, copy=False),
                    lambda x, y, dy: dy * _sig(-x)),
    "soft_shrink": (lambda x, threshold=0.5: np.where(
                        x > threshold, x - threshold,
                        np.where(x < -threshold, x + threshold, 0)).astype(x.dtype, copy=False),
                    lambda x, y, dy, threshold=0.5: dy * (np.abs(x) > threshold)),
    "sparse_plus": (lambda x: np.where(x <= -1, 0, np.where(x >= 1, x, (x + 1) ** 2 / 4)).astype(
                        x.dtype, copy=False),
                    lambda x, y, dy: dy * np.where(x <= -1, 0, np.where(x >= 1, 1, (x + 1) / 2))),
    "sparse_sigmoid": (lambda x: np.where(x <= -1, 0, np.where(x >= 1, 1, (x + 1) / 2)).astype(
                           x.dtype, copy=False),
                       lambda x, y, dy: dy * ((x > -1) & (x < 1)) * 0.5),
    "sparsemax": (sparsemax, sparsemax_backward),
    "squareplus": (lambda x, b=4: (x + np.sqrt(x * x + b)) / 2,
                   lambda x, y, dy, b=4: dy * (1 + x / np.sqrt(x * x + b)) / 2),
    "tanh_shrink": (lambda x: x - np.tanh(x), lambda x, y, dy: dy * np.tanh(x) ** 2),
    "threshold": (_threshold,
                  lambda x, y, dy, threshold=0.0, default_value=0.0: dy * (x > threshold)),
}
ALIASES = {"hard_swish": "hard_silu"}


def register(table, aliases):
    table.update(TABLE)
    aliases.update(ALIASES)
