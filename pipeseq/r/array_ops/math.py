"""Numerics, reductions and elementwise functions (``K.mean``, ``K.square``, ``K.relu``...)."""
import numpy as np

from ... import backend
from ... import ops as _ops
from ...ops.dispatch import value as _value
from ._common import _arr, _axis

__all__ = ['epsilon', 'set_epsilon', 'floatx', 'set_floatx', 'cast_to_floatx', 'cast', 'mean', 'sum', 'prod', 'max', 'min', 'std', 'var', 'any', 'all', 'argmax', 'argmin', 'logsumexp', 'cumsum', 'cumprod', 'square', 'sqrt', 'abs', 'exp', 'log', 'log1p', 'expm1', 'sign', 'round', 'floor', 'ceil', 'pow', 'clip', 'maximum', 'minimum', 'negative', 'sin', 'cos', 'tanh', 'sigmoid', 'hard_sigmoid', 'relu', 'softmax', 'softplus', 'softsign', 'elu', 'l2_normalize', 'equal', 'not_equal', 'greater', 'greater_equal', 'less', 'less_equal', 'switch', 'where']


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
