"""Products, sorting and searching ops of ``keras.ops``: matmul, einsum, tensordot, sort, unique, ...

Example
-------
>>> import numpy as np
>>> from pipeseq import ops
>>> ops.matmul(np.ones((2, 3), "float32"), np.ones((3, 1), "float32"))
array([[3.],
       [3.]], dtype=float32)
>>> ops.sort(np.array([3, 1, 2]))
array([1, 2, 3])
"""
import autograd.numpy as anp
import numpy as np

from .. import backend
from . import prims
from .dispatch import float_tensor, op, tensor, value

__all__ = ["dot", "matmul", "einsum", "tensordot", "outer", "inner", "vdot", "kron", "cross",
           "sort", "argsort", "argpartition", "searchsorted", "digitize", "unique", "nonzero",
           "unravel_index", "bincount", "histogram", "isin", "select", "corrcoef", "correlate",
           "diff", "trapezoid", "cdist"]


@op
def dot(x1, x2):
    """Dot product (matrix product for 2-D, sum over the last/second-to-last axes beyond)."""
    return anp.dot(tensor(x1), tensor(x2))


@op
def matmul(x1, x2):
    """Matrix product of the last two axes, batched over the others."""
    return anp.matmul(tensor(x1), tensor(x2))


@op
def einsum(subscripts, *operands, **kwargs):
    """Einstein summation, e.g. ``einsum("bij,bjk->bik", a, b)``."""
    return anp.einsum(subscripts, *[tensor(o) for o in operands], **kwargs)


@op
def tensordot(x1, x2, axes=2):
    """Sum of products over ``axes``."""
    return anp.tensordot(tensor(x1), tensor(x2), axes)


@op
def outer(x1, x2):
    """Outer product of the flattened inputs."""
    return anp.outer(anp.reshape(tensor(x1), (-1,)), anp.reshape(tensor(x2), (-1,)))


@op
def inner(x1, x2):
    """Inner product over the last axes."""
    return anp.inner(tensor(x1), tensor(x2))


@op
def vdot(x1, x2):
    """Dot product of the flattened inputs."""
    return anp.sum(anp.reshape(tensor(x1), (-1,)) * anp.reshape(tensor(x2), (-1,)))


@op
def kron(x1, x2):
    """Kronecker product."""
    return anp.kron(tensor(x1), tensor(x2))


@op
def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross product of 3-vectors."""
    if axis is not None:
        axisa = axisb = axisc = axis
    a = anp.moveaxis(tensor(x1), axisa, -1)
    b = anp.moveaxis(tensor(x2), axisb, -1)
    c = anp.stack([a[..., 1] * b[..., 2] - a[..., 2] * b[..., 1],
                   a[..., 2] * b[..., 0] - a[..., 0] * b[..., 2],
                   a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]], axis=-1)
    return anp.moveaxis(c, -1, axisc)


@op
def sort(x, axis=-1):
    """Sorted along ``axis`` (the gradient follows the elements)."""
    x = tensor(x)
    if axis is None:
        x, axis = anp.reshape(x, (-1,)), 0
    return prims.take_along_axis(x, np.argsort(value(x), axis=axis, kind="stable"), axis)


@op
def argsort(x, axis=-1):
    """Indices that sort ``x`` along ``axis``."""
    return np.argsort(value(tensor(x)), axis=axis, kind="stable")


@op
def argpartition(x, kth, axis=-1):
    """Indices that partition ``x`` around its ``kth`` element."""
    return np.argpartition(value(tensor(x)), kth, axis=axis)


@op
def searchsorted(sorted_sequence, values, side="left"):
    """Insertion indices of ``values`` into the sorted 1-D ``sorted_sequence``."""
    return np.searchsorted(value(tensor(sorted_sequence)), value(tensor(values)),
                           side=side).astype("int32")


@op
def digitize(x, bins):
    """Index of the bin each value of ``x`` falls into."""
    return np.digitize(value(tensor(x)), value(tensor(bins))).astype("int32")


@op
def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False,
           axis=None, size=None, fill_value=None):
    """The distinct values of ``x`` (optionally padded/truncated to ``size``)."""
    out = np.unique(value(tensor(x)), return_index=return_index, return_inverse=return_inverse,
                    return_counts=return_counts, axis=axis)
    if size is not None:
        vals = out[0] if isinstance(out, tuple) else out
        pad = size - len(vals)
        fill = vals[0] if fill_value is None and len(vals) else (fill_value or 0)
        vals = np.concatenate([vals[:size], np.full(max(pad, 0), fill, vals.dtype)])
        out = (vals,) + tuple(out[1:]) if isinstance(out, tuple) else vals
    return out


@op
def nonzero(x):
    """Indices of the nonzero elements, one array per axis."""
    return np.nonzero(value(tensor(x)))


@op
def unravel_index(indices, shape):
    """Flat indices as coordinate arrays for ``shape``."""
    return np.unravel_index(value(tensor(indices)), tuple(shape))


@op
def bincount(x, weights=None, minlength=0, sparse=False):
    """Count of each non-negative integer (weighted when ``weights`` are given)."""
    v = value(tensor(x))
    w = None if weights is None else value(tensor(weights))
    if v.ndim == 2:
        n = builtins_max(int(v.max(initial=-1)) + 1, minlength)
        return np.stack([np.bincount(r, None if w is None else wr, n)
                         for r, wr in zip(v, w if w is not None else [None] * len(v))])
    out = np.bincount(v, w, minlength)
    return out.astype(w.dtype if w is not None else "int32")


def builtins_max(a, b):
    return a if a > b else b


@op
def histogram(x, bins=10, range=None):  # noqa: A002 - Keras's name
    """Counts in ``bins`` equal bins and the bin edges."""
    counts, edges = np.histogram(value(tensor(x)), bins=bins, range=range)
    return counts.astype("int32"), edges.astype(backend.floatx())


@op
def isin(x1, x2, assume_unique=False, invert=False):
    """True where an element of ``x1`` occurs in ``x2``."""
    return np.isin(value(tensor(x1)), value(tensor(x2)), assume_unique=assume_unique,
                   invert=invert)


@op
def select(condlist, choicelist, default=0):
    """Elements from ``choicelist`` where the matching ``condlist`` entry holds first."""
    out = default
    for c, v in reversed(list(zip(condlist, choicelist))):
        out = anp.where(value(tensor(c)), tensor(v), out)
    return out


@op
def corrcoef(x):
    """Pearson correlation coefficients of the rows of ``x``."""
    x = float_tensor(x)
    c = x - anp.mean(x, axis=1, keepdims=True)
    cov = anp.dot(c, c.T)
    d = anp.sqrt(anp.diagonal(cov))
    return cov / anp.outer(d, d)


@op
def correlate(x1, x2, mode="valid"):
    """Cross-correlation of two 1-D sequences (NumPy ``correlate``)."""
    a, b = float_tensor(x1), float_tensor(x2)
    na, nb = value(a).shape[0], value(b).shape[0]
    if na < nb:   # NumPy swaps the operands and reverses the result
        return correlate(b, a, mode)[::-1]
    full = anp.stack([anp.sum(_shifted(a, k, nb) * b) for k in range(-(nb - 1), na)])
    if mode == "full":
        return full
    if mode == "same":
        start = (nb - 1) // 2
        return full[start:start + na]
    return full[nb - 1:na]


def _shifted(a, k, nb):
    n = value(a).shape[0]
    lo, hi = k, k + nb
    left, right = builtins_max(-lo, 0), builtins_max(hi - n, 0)
    seg = a[builtins_max(lo, 0):hi if hi <= n else n]
    return prims.pad_constant(seg, [(left, right)], 0)


@op
def diff(a, n=1, axis=-1):
    """``n``-th discrete difference along ``axis``."""
    x = tensor(a)
    for _ in range(n):
        nd = value(x).ndim
        ax = axis % nd
        hi = tuple(slice(1, None) if d == ax else slice(None) for d in range(nd))
        lo = tuple(slice(None, -1) if d == ax else slice(None) for d in range(nd))
        x = x[hi] - x[lo]
    return x


@op
def trapezoid(y, x=None, dx=1.0, axis=-1):
    """Integral of ``y`` by the trapezoid rule (spacing ``x`` or ``dx``)."""
    y = float_tensor(y)
    nd = value(y).ndim
    ax = axis % nd
    hi = tuple(slice(1, None) if d == ax else slice(None) for d in range(nd))
    lo = tuple(slice(None, -1) if d == ax else slice(None) for d in range(nd))
    if x is None:
        d = dx
    else:
        xv = tensor(x)
        d = diff(xv, 1, -1 if value(xv).ndim == 1 else axis)
        if value(xv).ndim == 1:
            shape = [1] * nd
            shape[ax] = -1
            d = anp.reshape(d, shape)
    return anp.sum(d * (y[hi] + y[lo]) / 2.0, axis=ax)


@op
def cdist(x, y):
    """Pairwise Euclidean distances between the rows of ``x`` and ``y`` (batched)."""
    x, y = float_tensor(x), float_tensor(y)
    d = anp.expand_dims(x, -2) - anp.expand_dims(y, -3)
    return anp.sqrt(anp.sum(d * d, axis=-1))
