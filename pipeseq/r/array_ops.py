"""Backend array functions for custom losses and metrics (Keras's ``K.*``), on NumPy.

These are the functions a hand-written loss or metric calls --
``K.mean(K.square(y_pred - y_true), axis=-1)`` -- with Keras's names,
signatures and **0-based** axes. They take anything array-like and return
NumPy arrays, keeping the input's float dtype (no silent float64 upcast).
``compat.backend`` re-exports them as ``K``; the pipe DSL wraps them with
1-based axes for R's ``k_*`` / ``op_*`` functions.

They are built on :mod:`pipeseq.ops`, so a loss, metric or ``Lambda`` written
with them is differentiated exactly (autograd) and works on the symbolic
tensors of a functional model.

Example
-------
>>> import numpy as np
>>> from pipeseq.r import array_ops as K
>>> y_true = np.array([[0., 1.], [1., 0.]], "float32")
>>> y_pred = np.array([[0.1, 0.9], [0.8, 0.2]], "float32")
>>> K.mean(K.square(y_pred - y_true), axis=-1)
array([0.01, 0.04], dtype=float32)
"""
import numpy as np

from .. import backend
from .. import ops as _ops
from ..ops.dispatch import tensor as _tensor
from ..ops.dispatch import value as _value

__all__ = [
    "epsilon", "set_epsilon", "floatx", "set_floatx", "cast_to_floatx", "cast",
    "mean", "sum", "prod", "max", "min", "std", "var", "any", "all", "argmax", "argmin",
    "logsumexp", "cumsum", "cumprod",
    "square", "sqrt", "abs", "exp", "log", "log1p", "expm1", "sign", "round", "floor", "ceil",
    "pow", "clip", "maximum", "minimum", "negative",
    "sin", "cos", "tanh", "sigmoid", "hard_sigmoid", "relu", "softmax", "softplus", "softsign",
    "elu", "l2_normalize",
    "equal", "not_equal", "greater", "greater_equal", "less", "less_equal", "switch", "where",
    "dot", "batch_dot", "matmul", "transpose", "reshape", "flatten", "batch_flatten",
    "concatenate", "stack", "expand_dims", "squeeze", "tile", "repeat", "gather", "one_hot",
    "ones", "zeros", "ones_like", "zeros_like", "eye", "constant", "arange",
    "shape", "int_shape", "ndim", "dtype", "count_params", "eval", "get_value",
    "variable", "is_tensor", "stop_gradient", "categorical_crossentropy",
    "binary_crossentropy", "sparse_categorical_crossentropy",
]


# ------------------------------------------------------------------ helpers
def _arr(x):
    """``x`` as an array (or autograd box); Python floats/lists become ``floatx``."""
    return _tensor(x)


def _axis(axis):
    if isinstance(axis, list):
        return tuple(axis)
    return axis


# -------------------------------------------------------------- numerics
def epsilon():
    """The fuzz factor (1e-7), as ``keras.backend.epsilon()``."""
    return backend.epsilon()


def set_epsilon(value):
    """Set the fuzz factor returned by :func:`epsilon`."""
    backend.set_epsilon(value)


def floatx():
    """The default float dtype name (``"float32"``)."""
    return backend.floatx()


def set_floatx(value):
    """Set the default float dtype (``"float16"``, ``"float32"`` or ``"float64"``)."""
    backend.set_floatx(value)


def cast_to_floatx(x):
    """``x`` as an array of dtype ``floatx()``."""
    return _ops.cast(x, backend.floatx())


def cast(x, dtype):
    """``x`` converted to ``dtype`` (a name or NumPy dtype).

    >>> cast([1.7, 2.2], "int32")
    array([1, 2], dtype=int32)
    """
    return _ops.cast(x, dtype)


# ------------------------------------------------------------- reductions
def mean(x, axis=None, keepdims=False):
    """Mean over ``axis`` (0-based; None = all). Integers/bools average as ``floatx``.

    >>> mean([[1., 2.], [3., 4.]], axis=1)
    array([1.5, 3.5], dtype=float32)
    """
    return _ops.mean(x, axis=_axis(axis), keepdims=keepdims)


def sum(x, axis=None, keepdims=False):  # noqa: A001 - Keras's name
    """Sum over ``axis``. ``sum([[1, 2], [3, 4]], axis=0) -> [4, 6]``."""
    return _ops.sum(x, axis=_axis(axis), keepdims=keepdims)


def prod(x, axis=None, keepdims=False):
    """Product over ``axis``."""
    return _ops.prod(x, axis=_axis(axis), keepdims=keepdims)


def max(x, axis=None, keepdims=False):  # noqa: A001
    """Maximum over ``axis``."""
    return _ops.max(x, axis=_axis(axis), keepdims=keepdims)


def min(x, axis=None, keepdims=False):  # noqa: A001
    """Minimum over ``axis``."""
    return _ops.min(x, axis=_axis(axis), keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    """Standard deviation (population, ``ddof=0``) over ``axis``."""
    return _ops.std(x, axis=_axis(axis), keepdims=keepdims)


def var(x, axis=None, keepdims=False):
    """Variance (population) over ``axis``."""
    return _ops.var(x, axis=_axis(axis), keepdims=keepdims)


def any(x, axis=None, keepdims=False):  # noqa: A001
    """Logical or over ``axis`` (bool result)."""
    return _ops.any(x, axis=_axis(axis), keepdims=keepdims)


def all(x, axis=None, keepdims=False):  # noqa: A001
    """Logical and over ``axis`` (bool result)."""
    return _ops.all(x, axis=_axis(axis), keepdims=keepdims)


def argmax(x, axis=-1):
    """Index of the maximum along ``axis`` (default the last).

    >>> argmax([[0.1, 0.7, 0.2]])
    array([1])
    """
    return _ops.argmax(x, axis=axis)


def argmin(x, axis=-1):
    """Index of the minimum along ``axis`` (default the last)."""
    return _ops.argmin(x, axis=axis)


def logsumexp(x, axis=None, keepdims=False):
    """``log(sum(exp(x)))`` over ``axis``, computed stably."""
    return _ops.logsumexp(x, axis=_axis(axis), keepdims=keepdims)


def cumsum(x, axis=0):
    """Cumulative sum along ``axis``."""
    return _ops.cumsum(x, axis=axis)


def cumprod(x, axis=0):
    """Cumulative product along ``axis``."""
    return _ops.cumprod(x, axis=axis)


# ------------------------------------------------------------ elementwise
def square(x):
    """``x ** 2`` elementwise."""
    return _ops.square(x)


def sqrt(x):
    """Square root; negative inputs are clipped to 0 first, as Keras does."""
    return _ops.sqrt(_ops.maximum(_ops.convert_to_tensor(x), 0))


def abs(x):  # noqa: A001
    """Absolute value."""
    return _ops.abs(x)


def exp(x):
    """``e ** x``."""
    return _ops.exp(x)


def log(x):
    """Natural logarithm."""
    return _ops.log(x)


def log1p(x):
    """``log(1 + x)``."""
    return _ops.log1p(x)


def expm1(x):
    """``exp(x) - 1``."""
    return _ops.expm1(x)


def sign(x):
    """-1, 0 or 1 elementwise."""
    return _ops.sign(x)


def round(x):  # noqa: A001
    """Round half to even, as ``K.round``."""
    return _ops.round(x)


def floor(x):
    return _ops.floor(x)


def ceil(x):
    return _ops.ceil(x)


def pow(x, a):  # noqa: A001
    """``x ** a`` elementwise."""
    return _ops.power(x, a)


def clip(x, min_value, max_value):
    """Clip to ``[min_value, max_value]`` (``None`` = unbounded on that side).

    >>> clip([-1.0, 0.5, 2.0], 0.0, 1.0)
    array([0. , 0.5, 1. ], dtype=float32)
    """
    if max_value is not None and min_value is not None and max_value < min_value:
        max_value = min_value
    lo = -np.inf if min_value is None else min_value
    hi = np.inf if max_value is None else max_value
    return _ops.clip(x, lo, hi)


def maximum(x, y):
    """Elementwise maximum (broadcasting)."""
    return _ops.maximum(x, y)


def minimum(x, y):
    """Elementwise minimum (broadcasting)."""
    return _ops.minimum(x, y)


def negative(x):
    return _ops.negative(x)


def sin(x):
    return _ops.sin(x)


def cos(x):
    return _ops.cos(x)


def tanh(x):
    return _ops.tanh(x)


def sigmoid(x):
    """Logistic function ``1 / (1 + exp(-x))``."""
    return _ops.sigmoid(x)


def hard_sigmoid(x):
    """Keras 3's ``relu6(x + 3) / 6``."""
    return _ops.hard_sigmoid(x)


def relu(x, alpha=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit with Keras's options."""
    x = _ops.convert_to_tensor(x)
    if alpha == 0.0 and max_value is None and threshold == 0.0:
        return _ops.relu(x)
    out = _ops.where(_ops.greater_equal(x, threshold), x, alpha * (x - threshold))
    return out if max_value is None else _ops.minimum(out, max_value)


def softmax(x, axis=-1):
    """Softmax along ``axis``."""
    return _ops.softmax(x, axis=axis)


def softplus(x):
    return _ops.softplus(x)


def softsign(x):
    return _ops.softsign(x)


def elu(x, alpha=1.0):
    return _ops.elu(x, alpha=alpha)


def l2_normalize(x, axis=None):
    """``x / sqrt(max(sum(x**2), epsilon))`` along ``axis``."""
    x = _ops.convert_to_tensor(x)
    sq = _ops.sum(_ops.square(x), axis=_axis(axis), keepdims=True)
    return x / _ops.sqrt(_ops.maximum(sq, 1e-12))


# ------------------------------------------------------------ comparisons
def equal(x, y):
    """Elementwise ``x == y`` (bool)."""
    return _ops.equal(x, y)


def not_equal(x, y):
    return _ops.not_equal(x, y)


def greater(x, y):
    """Elementwise ``x > y`` (bool)."""
    return _ops.greater(x, y)


def greater_equal(x, y):
    return _ops.greater_equal(x, y)


def less(x, y):
    return _ops.less(x, y)


def less_equal(x, y):
    return _ops.less_equal(x, y)


def switch(condition, then_expression, else_expression):
    """Elementwise choice: ``then`` where ``condition`` is true, else ``else``."""
    then_v = then_expression() if callable(then_expression) else then_expression
    else_v = else_expression() if callable(else_expression) else else_expression
    return _ops.where(condition, then_v, else_v)


def where(condition, x=None, y=None):
    """``np.where``: one argument -> indices of true elements; three -> elementwise choice."""
    if x is None and y is None:
        return np.argwhere(np.asarray(_value(_arr(condition))))
    return _ops.where(condition, x, y)


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


# -------------------------------------------------------------- losses
def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Per-sample categorical cross-entropy (probabilities clipped to ``[eps, 1-eps]``)."""
    return _ops.categorical_crossentropy(target, output, from_logits=from_logits, axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy with integer class targets."""
    return _ops.sparse_categorical_crossentropy(target, output, from_logits=from_logits,
                                                axis=axis)


def binary_crossentropy(target, output, from_logits=False):
    """Elementwise binary cross-entropy (probabilities clipped to ``[eps, 1-eps]``)."""
    return _ops.binary_crossentropy(target, output, from_logits=from_logits)
