"""Reductions and scans of ``keras.ops``: sum, mean, max, std, argmax, cumsum, quantile, ...

Means of integers are ``floatx`` (as Keras); float32 stays float32.

Example
-------
>>> import numpy as np
>>> from pipeseq import ops
>>> ops.mean(np.array([[1, 2], [3, 4]]), axis=1)
array([1.5, 3.5], dtype=float32)
>>> ops.argmax(np.array([[0.1, 0.7, 0.2]]), axis=-1)
array([1])
"""
import autograd.numpy as anp
import numpy as np

from . import prims
from .dispatch import axis_arg, float_tensor, op, tensor, value

__all__ = []


def _export(fn):
    globals()[fn.__name__] = fn
    __all__.append(fn.__name__)
    return fn


def _reduction(name, impl, floating=False):
    conv = float_tensor if floating else tensor

    def fn(x, axis=None, keepdims=False):
        return impl(conv(x), axis=axis_arg(axis), keepdims=keepdims)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"``{name}`` over ``axis`` (None: all axes) (Keras ``ops.{name}``)."
    return _export(op(fn))


_reduction("mean", anp.mean, floating=True)
_reduction("std", anp.std, floating=True)
_reduction("var", anp.var, floating=True)
_reduction("amax", anp.max)
_reduction("amin", anp.min)
_reduction("nanmean", lambda x, axis, keepdims: _nan_reduce(x, axis, keepdims, "mean"), True)
_reduction("nansum", lambda x, axis, keepdims: anp.sum(_nan_zero(x, 0.0), axis=axis,
                                                        keepdims=keepdims))
_reduction("nanprod", lambda x, axis, keepdims: anp.prod(_nan_zero(x, 1.0), axis=axis,
                                                          keepdims=keepdims))
_reduction("nanmax", lambda x, axis, keepdims: anp.max(_nan_zero(x, -np.inf), axis=axis,
                                                        keepdims=keepdims))
_reduction("nanmin", lambda x, axis, keepdims: anp.min(_nan_zero(x, np.inf), axis=axis,
                                                        keepdims=keepdims))
_reduction("nanvar", lambda x, axis, keepdims: _nan_reduce(x, axis, keepdims, "var"), True)
_reduction("nanstd", lambda x, axis, keepdims: anp.sqrt(_nan_reduce(x, axis, keepdims, "var")),
           True)
_reduction("ptp", lambda x, axis, keepdims: anp.max(x, axis=axis, keepdims=keepdims)
           - anp.min(x, axis=axis, keepdims=keepdims))
_reduction("median", lambda x, axis, keepdims: _quantile(x, 0.5, axis, "linear", keepdims), True)
_reduction("nanmedian", lambda x, axis, keepdims: np.nanmedian(value(x), axis=axis,
                                                               keepdims=keepdims), True)


def _nan_zero(x, fill):
    return anp.where(np.isnan(value(x)), fill, x)


def _nan_reduce(x, axis, keepdims, kind):
    ok = ~np.isnan(value(x))
    n = np.maximum(ok.sum(axis=axis, keepdims=True), 1).astype(value(x).dtype)
    m = anp.sum(anp.where(ok, x, 0.0), axis=axis, keepdims=True) / n
    if kind == "var":
        d = anp.where(ok, x - m, 0.0)
        m = anp.sum(d * d, axis=axis, keepdims=True) / n
    return m if keepdims else anp.squeeze(m, axis=axis) if axis is not None else anp.reshape(m, ())


@_export
@op
def sum(x, axis=None, keepdims=False):  # noqa: A001 - Keras's name
    """Sum over ``axis`` (None: all axes)."""
    return anp.sum(tensor(x), axis=axis_arg(axis), keepdims=keepdims)


@_export
@op
def prod(x, axis=None, keepdims=False, dtype=None):
    """Product over ``axis``."""
    x = tensor(x, dtype)
    if axis is None:
        return anp.prod(x, keepdims=keepdims)
    return anp.prod(x, axis=axis_arg(axis), keepdims=keepdims)


@_export
@op
def max(x, axis=None, keepdims=False, initial=None):  # noqa: A001
    """Maximum over ``axis`` (gradient to the maximal entries)."""
    out = anp.max(tensor(x), axis=axis_arg(axis), keepdims=keepdims)
    return out if initial is None else anp.maximum(out, initial)


@_export
@op
def min(x, axis=None, keepdims=False, initial=None):  # noqa: A001
    """Minimum over ``axis``."""
    out = anp.min(tensor(x), axis=axis_arg(axis), keepdims=keepdims)
    return out if initial is None else anp.minimum(out, initial)


@_export
@op
def all(x, axis=None, keepdims=False):  # noqa: A001
    """True where every element along ``axis`` is nonzero."""
    return np.all(value(tensor(x)), axis=axis_arg(axis), keepdims=keepdims)


@_export
@op
def any(x, axis=None, keepdims=False):  # noqa: A001
    """True where some element along ``axis`` is nonzero."""
    return np.any(value(tensor(x)), axis=axis_arg(axis), keepdims=keepdims)


def _arg(fn, x, axis, keepdims):
    v = value(tensor(x))
    if axis is None:
        out = fn(v.reshape(-1))
        return np.reshape(out, (1,) * v.ndim) if keepdims else out
    return fn(v, axis=axis, keepdims=keepdims)


@_export
@op
def argmax(x, axis=None, keepdims=False):
    """Index of the maximum along ``axis`` (0-based; None: of the flattened array)."""
    return _arg(np.argmax, x, axis, keepdims)


@_export
@op
def argmin(x, axis=None, keepdims=False):
    """Index of the minimum along ``axis``."""
    return _arg(np.argmin, x, axis, keepdims)


@_export
@op
def nanargmax(x, axis=None, keepdims=False):
    """Index of the maximum, ignoring NaN."""
    return _arg(np.nanargmax, x, axis, keepdims)


@_export
@op
def nanargmin(x, axis=None, keepdims=False):
    """Index of the minimum, ignoring NaN."""
    return _arg(np.nanargmin, x, axis, keepdims)


@_export
@op
def count_nonzero(x, axis=None):
    """Number of nonzero elements along ``axis``."""
    return np.count_nonzero(value(tensor(x)), axis=axis_arg(axis))


@_export
@op
def logsumexp(x, axis=None, keepdims=False):
    """``log(sum(exp(x)))`` computed stably."""
    x = float_tensor(x)
    axis = axis_arg(axis)
    m = np.max(value(x), axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0).astype(value(x).dtype)
    out = anp.log(anp.sum(anp.exp(x - m), axis=axis, keepdims=True)) + m
    if keepdims:
        return out
    return anp.reshape(out, ()) if axis is None else anp.squeeze(out, axis=axis)


@_export
@op
def average(x, axis=None, weights=None):
    """Weighted mean along ``axis`` (plain mean without ``weights``)."""
    x = float_tensor(x)
    if weights is None:
        return anp.mean(x, axis=axis)
    w = tensor(weights)
    if axis is not None and value(w).ndim == 1 and value(x).ndim > 1:
        shape = [1] * value(x).ndim
        shape[axis] = -1
        w = anp.reshape(w, shape)
    return anp.sum(x * w, axis=axis) / anp.sum(w * anp.ones_like(value(x)), axis=axis)


def _scan_axis(x, axis):
    return (anp.reshape(x, (-1,)), 0) if axis is None else (x, axis)


@_export
@op
def cumsum(x, axis=None, dtype=None):
    """Running sum along ``axis`` (None: of the flattened array)."""
    x, axis = _scan_axis(tensor(x, dtype), axis)
    return anp.cumsum(x, axis=axis)


@_export
@op
def cumprod(x, axis=None, dtype=None):
    """Running product along ``axis``."""
    x, axis = _scan_axis(tensor(x, dtype), axis)
    return prims.cumprod(x, axis)


@_export
@op
def nancumsum(x, axis=None, dtype=None):
    """Running sum, NaN counted as 0."""
    x, axis = _scan_axis(_nan_zero(tensor(x, dtype), 0.0), axis)
    return anp.cumsum(x, axis=axis)


@_export
@op
def nancumprod(x, axis=None, dtype=None):
    """Running product, NaN counted as 1."""
    x, axis = _scan_axis(_nan_zero(tensor(x, dtype), 1.0), axis)
    return prims.cumprod(x, axis)


def _quantile(x, q, axis, method, keepdims):
    """Quantiles by sorting (differentiable for ``linear``, as in Keras)."""
    v = value(x)
    q_arr = np.asarray(value(q), dtype="float64")
    if axis is None:
        x, axis, shape = anp.reshape(x, (-1,)), 0, (1,) * v.ndim
    else:
        shape = None
    axis = tuple(axis) if isinstance(axis, (list, tuple)) else axis
    if isinstance(axis, tuple):   # several axes: move them to the end and flatten them
        rest = [d for d in range(v.ndim) if d not in [a % v.ndim for a in axis]]
        x = anp.reshape(anp.transpose(x, rest + [a % v.ndim for a in axis]),
                        [v.shape[d] for d in rest] + [-1])
        kept = [1 if d in [a % v.ndim for a in axis] else v.shape[d] for d in range(v.ndim)]
        axis, shape = -1, kept
    order = np.argsort(value(x), axis=axis, kind="stable")
    s = prims.take_along_axis(x, order, axis)
    n = value(s).shape[axis]
    pos = q_arr * (n - 1)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, n - 1)
    frac = (pos - lo).astype(value(s).dtype)
    if method == "lower":
        hi, frac = lo, np.zeros_like(frac)
    elif method == "higher":
        lo, frac = hi, np.zeros_like(frac)
    elif method == "nearest":
        lo = hi = np.round(pos).astype(int)
    elif method == "midpoint":
        frac = np.where(hi > lo, 0.5, 0.0).astype(value(s).dtype)
    elif method != "linear":
        raise ValueError(f"quantile(): unknown method {method!r}. Expected one of 'linear', "
                         "'lower', 'higher', 'midpoint', 'nearest'.")
    a, b = _take(s, lo, axis), _take(s, hi, axis)
    frac = frac.reshape(frac.shape + (1,) * (value(a).ndim - frac.ndim))
    out = a + (b - a) * frac
    if keepdims and shape is not None:
        out = anp.reshape(out, q_arr.shape + tuple(shape))
    elif keepdims:
        out = anp.expand_dims(out, axis % v.ndim + q_arr.ndim)
    return out


def _take(s, idx, axis):
    axis = axis % value(s).ndim
    out = s[(slice(None),) * axis + (np.asarray(idx),)]
    if np.ndim(idx):   # put the quantile axis first, as NumPy does
        out = anp.moveaxis(out, axis, 0)
    return out


@_export
@op
def quantile(x, q, axis=None, method="linear", keepdims=False):
    """The ``q``-th quantile(s) (``q`` in [0, 1]) along ``axis``."""
    return _quantile(float_tensor(x), q, axis, method, keepdims)


@_export
@op
def percentile(x, q, axis=None, method="linear", keepdims=False):
    """The ``q``-th percentile(s) (``q`` in [0, 100]) along ``axis``."""
    return _quantile(float_tensor(x), np.asarray(value(q), "float64") / 100.0, axis, method,
                     keepdims)


@_export
@op
def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    """Quantiles ignoring NaN (no gradient)."""
    v = value(float_tensor(x))
    return np.nanquantile(v, q, axis=axis_arg(axis), method=method, keepdims=keepdims).astype(v.dtype)


@_export
@op
def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    """Percentiles ignoring NaN (no gradient)."""
    v = value(float_tensor(x))
    return np.nanpercentile(v, q, axis=axis_arg(axis), method=method,
                            keepdims=keepdims).astype(v.dtype)


