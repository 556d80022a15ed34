"""Linear algebra, shapes, constructors and introspection (``K.dot``, ``K.reshape``,
``K.ones``, ``K.int_shape``...)."""
import numpy as np

from ... import backend
from ... import ops as _ops
from ...ops.dispatch import value as _value
from ._common import _arr, _axis

__all__ = ['dot', 'batch_dot', 'matmul', 'transpose', 'reshape', 'flatten', 'batch_flatten', 'concatenate', 'stack', 'expand_dims', 'squeeze', 'tile', 'repeat', 'gather', 'one_hot', 'ones', 'zeros', 'ones_like', 'zeros_like', 'eye', 'constant', 'arange', 'variable', 'is_tensor', 'stop_gradient', 'shape', 'int_shape', 'ndim', 'dtype', 'count_params', 'eval', 'get_value']


# ---------------------------------------------------------- linear algebra
def dot(x, y):
    """Keras's ``K.dot``: contract the last axis of ``x`` with the second-to-last of ``y``.

    >>> dot(np.ones((2, 3), "float32"), np.ones((3, 4), "float32")).shape
    (2, 4)
    """
    x, y = _arr(x), _arr(y)
    xn, yn = np.ndim(_value(x)), np.ndim(_value(y))
    if xn <= 2 and yn <= 2:
        return _ops.dot(x, y)
    if yn == 1:
        return _ops.tensordot(x, y, axes=([-1], [0]))
    return _ops.tensordot(x, y, axes=([-1], [-2])) if yn == 2 else \
        _ops.tensordot(x, _ops.moveaxis(y, -2, 0), axes=([-1], [0]))


def batch_dot(x, y, axes=None):
    """Dot product per sample: ``(b, m, k) . (b, k, n) -> (b, m, n)``; 2-D -> ``(b, 1)``."""
    x, y = _arr(x), _arr(y)
    xn, yn = np.ndim(_value(x)), np.ndim(_value(y))
    if axes is None:
        axes = (xn - 1, yn - 2 if yn > 2 else yn - 1)
    if isinstance(axes, int):
        axes = (axes, axes)
    ax, ay = [a % n for a, n in zip(axes, (xn, yn))]
    xm = _ops.moveaxis(x, ax, -1)
    ym = _ops.moveaxis(y, ay, 1) if yn > 2 else y
    if xn == 2 and yn == 2:
        return _ops.sum(x * y, axis=1, keepdims=True)
    if yn == 2:
        return _ops.einsum("b...k,bk->b...", xm, ym)
    xs_shape, ys_shape = np.shape(_value(xm)), np.shape(_value(ym))
    xs = _ops.reshape(xm, (xs_shape[0], -1, xs_shape[-1]))
    ys = _ops.reshape(ym, (ys_shape[0], ys_shape[1], -1))
    return _ops.reshape(_ops.matmul(xs, ys), xs_shape[:-1] + ys_shape[2:])


def matmul(x, y):
    """Matrix product with broadcasting over leading axes (``x @ y``)."""
    return _ops.matmul(x, y)


def transpose(x, axes=None):
    """Reverse (or permute by ``axes``) the axes of ``x``."""
    return _ops.transpose(x, axes)


def reshape(x, shape):
    """Reshape; one dimension may be -1."""
    return _ops.reshape(x, tuple(shape))


def flatten(x):
    """All elements as one axis."""
    return _ops.reshape(x, (-1,))


def batch_flatten(x):
    """``(b, ...) -> (b, prod(...))``."""
    x = _arr(x)
    return _ops.reshape(x, (np.shape(_value(x))[0], -1))


def concatenate(tensors, axis=-1):
    """Join a list of arrays along ``axis``."""
    return _ops.concatenate(list(tensors), axis=axis)


def stack(x, axis=0):
    """Stack a list of equally shaped arrays along a new ``axis``."""
    return _ops.stack(list(x), axis=axis)


def expand_dims(x, axis=-1):
    """Insert a size-1 axis at ``axis``."""
    return _ops.expand_dims(x, axis)


def squeeze(x, axis=None):
    """Remove size-1 ``axis`` (all size-1 axes when None)."""
    return _ops.squeeze(x, axis=_axis(axis))


def tile(x, n):
    """Repeat the whole array ``n[i]`` times along axis ``i``."""
    return _ops.tile(x, n)


def repeat(x, n):
    """``(b, d) -> (b, n, d)``, as ``K.repeat`` (RepeatVector)."""
    return _ops.repeat(_ops.expand_dims(x, 1), n, axis=1)


def gather(reference, indices):
    """Rows of ``reference`` at ``indices`` (along axis 0)."""
    return _ops.take(reference, np.asarray(indices, dtype="int64"), axis=0)


def one_hot(indices, num_classes):
    """Integer indices -> one-hot along a new last axis (``floatx``)."""
    return _ops.one_hot(indices, num_classes)
# ------------------------------------------------------------ constructors
def ones(shape, dtype=None):
    """An array of ones (``floatx`` unless ``dtype``)."""
    return _ops.ones(shape, dtype=dtype)


def zeros(shape, dtype=None):
    """An array of zeros (``floatx`` unless ``dtype``)."""
    return _ops.zeros(shape, dtype=dtype)


def ones_like(x, dtype=None):
    return _ops.ones_like(x, dtype=dtype)


def zeros_like(x, dtype=None):
    return _ops.zeros_like(x, dtype=dtype)


def eye(size, dtype=None):
    """Identity matrix; ``size`` an int or ``(rows, cols)``."""
    n, m = (size, size) if np.isscalar(size) else size
    return _ops.eye(int(n), int(m), dtype=dtype)


def constant(value, dtype=None, shape=None):
    """An array filled from ``value`` (broadcast to ``shape`` if given)."""
    v = np.asarray(value, dtype=dtype or backend.floatx())
    return np.broadcast_to(v, tuple(shape)).copy() if shape is not None else v


def arange(start, stop=None, step=1, dtype="int32"):
    return _ops.arange(start, stop, step, dtype=dtype)


def variable(value, dtype=None, name=None):
    """A plain array copy of ``value``."""
    return np.array(_value(_arr(value)), dtype=dtype or backend.floatx())


def is_tensor(x):
    return _ops.is_tensor(x)


def stop_gradient(x):
    """The value of ``x``, with no gradient flowing back through it."""
    return _ops.stop_gradient(x)
# ----------------------------------------------------------- introspection
def shape(x):
    """The shape as a tuple of ints."""
    return tuple(_ops.shape(_arr(x) if not getattr(x, "_pipeseq_symbolic", False) else x))


def int_shape(x):
    """The shape as a tuple of ints (Keras's ``K.int_shape``)."""
    return shape(x)


def ndim(x):
    """Number of axes."""
    return len(shape(x))


def dtype(x):
    """The dtype name, e.g. ``"float32"``."""
    return _ops.dtype(x)


def count_params(x):
    """Number of elements."""
    return int(np.size(_value(_arr(x))))


def eval(x):  # noqa: A001
    """The value as an ndarray (arrays are already concrete in pipeseq)."""
    return np.asarray(_value(_arr(x)))


def get_value(x):
    """The value as an ndarray (``Variable`` or array)."""
    return np.array(_value(_arr(x)))
