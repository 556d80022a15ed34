"""Array creation ops of ``keras.ops``: ``ones``, ``zeros``, ``full``, ``eye``, ``arange``, windows, ...

Float arrays default to ``floatx`` (float32), integer ranges to ``int32``, as in Keras.

Example
-------
>>> from pipeseq import ops
>>> ops.ones((2,))
array([1., 1.], dtype=float32)
>>> ops.arange(3)
array([0, 1, 2], dtype=int32)
"""
import builtins

import autograd.numpy as anp
import numpy as np

from .. import backend
from .dispatch import op, standardize_dtype, tensor, value

__all__ = ["ones", "zeros", "empty", "full", "ones_like", "zeros_like", "empty_like",
           "full_like", "eye", "identity", "tri", "arange", "linspace", "logspace", "geomspace",
           "array", "meshgrid", "bartlett", "blackman", "hamming", "hanning", "kaiser", "vander"]


def _shape(shape):
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(d) for d in shape)


def _dt(dtype):
    return standardize_dtype(dtype) or backend.floatx()


@op
def ones(shape, dtype=None):
    """An array of ones (``floatx`` unless ``dtype``)."""
    return np.ones(_shape(shape), dtype=_dt(dtype))


@op
def zeros(shape, dtype=None):
    """An array of zeros."""
    return np.zeros(_shape(shape), dtype=_dt(dtype))


@op
def empty(shape, dtype=None):
    """An array of ``shape`` (zeros: pipeseq never hands out uninitialised memory)."""
    return np.zeros(_shape(shape), dtype=_dt(dtype))


@op
def full(shape, fill_value, dtype=None):
    """An array of ``shape`` filled with ``fill_value``."""
    if dtype is None and isinstance(fill_value, (bool, int, np.integer)):
        dtype = "bool" if isinstance(fill_value, bool) else "int32"
    return np.full(_shape(shape), value(tensor(fill_value)), dtype=_dt(dtype))


def _like(x, dtype):
    return standardize_dtype(dtype) or value(tensor(x)).dtype


@op
def ones_like(x, dtype=None):
    """Ones with the shape (and dtype) of ``x``."""
    return np.ones(np.shape(value(tensor(x))), dtype=_like(x, dtype))


@op
def zeros_like(x, dtype=None):
    """Zeros with the shape (and dtype) of ``x``."""
    return np.zeros(np.shape(value(tensor(x))), dtype=_like(x, dtype))


@op
def empty_like(x, dtype=None):
    """Zeros with the shape of ``x``."""
    return zeros_like(x, dtype)


@op
def full_like(x, fill_value, dtype=None):
    """``fill_value`` with the shape of ``x``."""
    return np.full(np.shape(value(tensor(x))), value(tensor(fill_value)), dtype=_like(x, dtype))


@op
def eye(N, M=None, k=0, dtype=None):
    """``N x M`` matrix with ones on diagonal ``k``."""
    return np.eye(int(N), None if M is None else int(M), k=int(k), dtype=_dt(dtype))


@op
def identity(n, dtype=None):
    """The ``n x n`` identity."""
    return np.eye(int(n), dtype=_dt(dtype))


@op
def tri(N, M=None, k=0, dtype=None):
    """Ones at and below diagonal ``k``."""
    return np.tri(int(N), None if M is None else int(M), k=int(k), dtype=_dt(dtype))


@op
def arange(start, stop=None, step=None, dtype=None):
    """Evenly spaced values in ``[start, stop)``; ``int32`` for integer arguments, else ``floatx``."""
    step = 1 if step is None else step
    if dtype is None:
        ints = builtins.all(isinstance(v, (int, np.integer)) for v in (start, stop, step)
                            if v is not None)
        dtype = "int32" if ints else backend.floatx()
    if stop is None:
        start, stop = 0, start
    return np.arange(start, stop, step, dtype=standardize_dtype(dtype))


@op
def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """``num`` evenly spaced values from ``start`` to ``stop``."""
    out = np.linspace(value(start), value(stop), int(num), endpoint=endpoint, retstep=retstep,
                      dtype=_dt(dtype), axis=axis)
    return out


@op
def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    """``base ** linspace(start, stop)``."""
    return np.logspace(value(start), value(stop), int(num), endpoint=endpoint, base=base,
                       dtype=_dt(dtype), axis=axis)


@op
def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """A geometric progression from ``start`` to ``stop``."""
    return np.geomspace(value(start), value(stop), int(num), endpoint=endpoint,
                        dtype=_dt(dtype), axis=axis)


@op
def array(x, dtype=None):
    """``x`` as an array (``floatx`` for Python floats)."""
    return tensor(x, standardize_dtype(dtype))


@op
def meshgrid(*x, indexing="xy"):
    """Coordinate matrices from coordinate vectors (``indexing`` ``"xy"`` or ``"ij"``)."""
    return list(np.meshgrid(*[value(tensor(a)) for a in x], indexing=indexing))


def _window(name, fn):
    def w(x):
        return fn(int(value(x))).astype(backend.floatx())
    w.__name__ = w.__qualname__ = name
    w.__doc__ = f"The {name.capitalize()} window of ``x`` points (NumPy ``{name}``)."
    return op(w)


bartlett = _window("bartlett", np.bartlett)
blackman = _window("blackman", np.blackman)
hamming = _window("hamming", np.hamming)
hanning = _window("hanning", np.hanning)


@op
def kaiser(x, beta):
    """The Kaiser window of ``x`` points with shape parameter ``beta``."""
    return np.kaiser(int(value(x)), float(value(beta))).astype(backend.floatx())


@op
def vander(x, N=None, increasing=False):
    """Vandermonde matrix: powers of ``x`` as columns (differentiable in ``x``)."""
    x = tensor(x)
    n = value(x).shape[0] if N is None else int(N)
    powers = np.arange(n) if increasing else np.arange(n)[::-1]
    return anp.power(anp.reshape(x, (-1, 1)), powers.astype(value(x).dtype))
