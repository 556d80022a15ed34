"""Backend array functions for custom losses and metrics (Keras's ``K.*``), on NumPy.

These are the functions a hand-written loss or metric calls --
``K.mean(K.square(y_pred - y_true), axis=-1)`` -- with Keras's names,
signatures and **0-based** axes. They take anything array-like and return
NumPy arrays, keeping the input's float dtype (no silent float64 upcast).
``compat.backend`` re-exports them as ``K``; the pipe DSL wraps them with
1-based axes for R's ``k_*`` / ``op_*`` functions.

pipeseq differentiates a custom loss numerically, so these functions need no
backward pass.

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
    """``x`` as an ndarray; Python scalars/lists become ``floatx`` arrays."""
    if isinstance(x, np.ndarray):
        return x
    if hasattr(x, "value") and isinstance(getattr(x, "value"), np.ndarray):  # a Variable
        return x.value
    a = np.asarray(x)
    if a.dtype == np.float64 and not isinstance(x, np.generic):
        a = a.astype(backend.floatx())
    return a


def _axis(axis):
    if isinstance(axis, list):
        return tuple(axis)
    return axis


def _pair(x, y):
    """Bring two operands to one dtype without upcasting an array to float64 for a scalar."""
    xa = x if np.isscalar(x) else _arr(x)
    ya = y if np.isscalar(y) else _arr(y)
    return xa, ya


def _float(x):
    x = _arr(x)
    return x if x.dtype.kind == "f" else x.astype(backend.floatx())


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
    return np.asarray(x, dtype=backend.floatx())


def cast(x, dtype):
    """``x`` converted to ``dtype`` (a name or NumPy dtype).

    >>> cast([1.7, 2.2], "int32")
    array([1, 2], dtype=int32)
    """
    return np.asarray(_arr(x)).astype(dtype)


# ------------------------------------------------------------- reductions
def _reduce(fn, x, axis, keepdims):
    x = _arr(x)
    out = fn(x, axis=_axis(axis), keepdims=keepdims)
    return np.asarray(out)


def mean(x, axis=None, keepdims=False):
    """Mean over ``axis`` (0-based; None = all). Integers/bools average as ``floatx``.

    >>> mean([[1., 2.], [3., 4.]], axis=1)
    array([1.5, 3.5], dtype=float32)
    """
    return _reduce(np.mean, _float(x), axis, keepdims)


def sum(x, axis=None, keepdims=False):  # noqa: A001 - Keras's name
    """Sum over ``axis``. ``sum([[1, 2], [3, 4]], axis=0) -> [4, 6]``."""
    return _reduce(np.sum, x, axis, keepdims)


def prod(x, axis=None, keepdims=False):
    """Product over ``axis``."""
    return _reduce(np.prod, x, axis, keepdims)


def max(x, axis=None, keepdims=False):  # noqa: A001
    """Maximum over ``axis``."""
    return _reduce(np.max, x, axis, keepdims)


def min(x, axis=None, keepdims=False):  # noqa: A001
    """Minimum over ``axis``."""
    return _reduce(np.min, x, axis, keepdims)


def std(x, axis=None, keepdims=False):
    """Standard deviation (population, ``ddof=0``) over ``axis``."""
    return _reduce(np.std, _float(x), axis, keepdims)


def var(x, axis=None, keepdims=False):
    """Variance (population) over ``axis``."""
    return _reduce(np.var, _float(x), axis, keepdims)


def any(x, axis=None, keepdims=False):  # noqa: A001
    """Logical or over ``axis`` (bool result)."""
    return _reduce(np.any, x, axis, keepdims)


def all(x, axis=None, keepdims=False):  # noqa: A001
    """Logical and over ``axis`` (bool result)."""
    return _reduce(np.all, x, axis, keepdims)


def argmax(x, axis=-1):
    """Index of the maximum along ``axis`` (default the last), as int64.

    >>> argmax([[0.1, 0.7, 0.2]])
    array([1])
    """
    return np.argmax(_arr(x), axis=axis)


def argmin(x, axis=-1):
    """Index of the minimum along ``axis`` (default the last)."""
    return np.argmin(_arr(x), axis=axis)


def logsumexp(x, axis=None, keepdims=False):
    """``log(sum(exp(x)))`` over ``axis``, computed stably."""
    x = _float(x)
    m = np.max(x, axis=_axis(axis), keepdims=True)
    m = np.where(np.isfinite(m), m, 0).astype(x.dtype)
    out = np.log(np.sum(np.exp(x - m), axis=_axis(axis), keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=_axis(axis)) if axis is not None \
        else out.reshape(())


def cumsum(x, axis=0):
    """Cumulative sum along ``axis``."""
    return np.cumsum(_arr(x), axis=axis)


def cumprod(x, axis=0):
    """Cumulative product along ``axis``."""
    return np.cumprod(_arr(x), axis=axis)


# ------------------------------------------------------------ elementwise
def square(x):
    """``x ** 2`` elementwise."""
    return np.square(_arr(x))


def sqrt(x):
    """Square root; negative inputs are clipped to 0 first, as Keras does."""
    x = _float(x)
    return np.sqrt(np.maximum(x, np.zeros((), x.dtype)))


def abs(x):  # noqa: A001
    """Absolute value."""
    return np.abs(_arr(x))


def exp(x):
    """``e ** x``."""
    return np.exp(_float(x))


def log(x):
    """Natural logarithm."""
    return np.log(_float(x))


def log1p(x):
    """``log(1 + x)``."""
    return np.log1p(_float(x))


def expm1(x):
    """``exp(x) - 1``."""
    return np.expm1(_float(x))


def sign(x):
    """-1, 0 or 1 elementwise."""
    return np.sign(_arr(x))


def round(x):  # noqa: A001
    """Round half to even, as ``K.round``."""
    return np.round(_arr(x))


def floor(x):
    return np.floor(_arr(x))


def ceil(x):
    return np.ceil(_arr(x))


def pow(x, a):  # noqa: A001
    """``x ** a`` elementwise."""
    x = _arr(x)
    return np.power(x, np.asarray(a, dtype=x.dtype) if np.isscalar(a) and x.dtype.kind == "f" else a)


def clip(x, min_value, max_value):
    """Clip to ``[min_value, max_value]`` (``None`` = unbounded on that side).

    >>> clip([-1.0, 0.5, 2.0], 0.0, 1.0)
    array([0. , 0.5, 1. ], dtype=float32)
    """
    x = _arr(x)
    if max_value is not None and min_value is not None and max_value < min_value:
        max_value = min_value
    lo = None if min_value is None else np.asarray(min_value, dtype=x.dtype)
    hi = None if max_value is None else np.asarray(max_value, dtype=x.dtype)
    if lo is None and hi is None:
        return x.copy()
    return np.clip(x, lo, hi)


def maximum(x, y):
    """Elementwise maximum (broadcasting)."""
    return np.maximum(*_pair(x, y))


def minimum(x, y):
    """Elementwise minimum (broadcasting)."""
    return np.minimum(*_pair(x, y))


def negative(x):
    return np.negative(_arr(x))


def sin(x):
    return np.sin(_float(x))


def cos(x):
    return np.cos(_float(x))


def tanh(x):
    return np.tanh(_float(x))


def sigmoid(x):
    """Logistic function ``1 / (1 + exp(-x))``."""
    from ..kernels import activations
    return activations.get("sigmoid")(_float(x))


def hard_sigmoid(x):
    """Keras 3's ``relu6(x + 3) / 6``."""
    x = _float(x)
    return np.clip(x / np.asarray(6, x.dtype) + np.asarray(0.5, x.dtype), 0, 1).astype(x.dtype)


def relu(x, alpha=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit with Keras's options."""
    from ..kernels import activations
    return activations.relu(_float(x), negative_slope=alpha, max_value=max_value,
                            threshold=threshold)


def softmax(x, axis=-1):
    """Softmax along ``axis``."""
    from ..kernels import activations
    return activations.softmax(_float(x), axis=axis)


def softplus(x):
    return _act("softplus")(_float(x))


def softsign(x):
    return _act("softsign")(_float(x))


def elu(x, alpha=1.0):
    from ..kernels import activations
    return activations.elu(_float(x), alpha=alpha)


def _act(name):
    from ..kernels import activations
    return activations.get(name)


def l2_normalize(x, axis=None):
    """``x / sqrt(max(sum(x**2), epsilon))`` along ``axis``."""
    x = _float(x)
    sq = np.sum(np.square(x), axis=_axis(axis), keepdims=True)
    return x / np.sqrt(np.maximum(sq, np.asarray(1e-12, x.dtype)))


# ------------------------------------------------------------ comparisons
def equal(x, y):
    """Elementwise ``x == y`` (bool)."""
    return np.equal(*_pair(x, y))


def not_equal(x, y):
    return np.not_equal(*_pair(x, y))


def greater(x, y):
    """Elementwise ``x > y`` (bool)."""
    return np.greater(*_pair(x, y))


def greater_equal(x, y):
    return np.greater_equal(*_pair(x, y))


def less(x, y):
    return np.less(*_pair(x, y))


def less_equal(x, y):
    return np.less_equal(*_pair(x, y))


def switch(condition, then_expression, else_expression):
    """Elementwise choice: ``then`` where ``condition`` is true, else ``else``."""
    then_v = then_expression() if callable(then_expression) else then_expression
    else_v = else_expression() if callable(else_expression) else else_expression
    return np.where(_arr(condition), _arr(then_v), _arr(else_v))


def where(condition, x=None, y=None):
    """``np.where``: one argument -> indices of true elements; three -> elementwise choice."""
    if x is None and y is None:
        return np.argwhere(_arr(condition))
    return np.where(_arr(condition), *_pair(x, y))


# ---------------------------------------------------------- linear algebra
def dot(x, y):
    """Keras's ``K.dot``: contract the last axis of ``x`` with the second-to-last of ``y``.

    >>> dot(np.ones((2, 3), "float32"), np.ones((3, 4), "float32")).shape
    (2, 4)
    """
    x, y = _arr(x), _arr(y)
    if x.ndim <= 2 and y.ndim <= 2:
        return np.dot(x, y)
    if y.ndim == 1:
        return np.tensordot(x, y, axes=([-1], [0]))
    return np.tensordot(x, y, axes=([-1], [-2])) if y.ndim == 2 else \
        np.tensordot(x, np.moveaxis(y, -2, 0), axes=([-1], [0]))


def batch_dot(x, y, axes=None):
    """Dot product per sample: ``(b, m, k) . (b, k, n) -> (b, m, n)``; 2-D -> ``(b, 1)``."""
    x, y = _arr(x), _arr(y)
    if axes is None:
        axes = (x.ndim - 1, y.ndim - 2 if y.ndim > 2 else y.ndim - 1)
    if isinstance(axes, int):
        axes = (axes, axes)
    ax, ay = [a % n for a, n in zip(axes, (x.ndim, y.ndim))]
    xm = np.moveaxis(x, ax, -1)
    ym = np.moveaxis(y, ay, 1) if y.ndim > 2 else y
    if x.ndim == 2 and y.ndim == 2:
        return np.sum(x * y, axis=1, keepdims=True)
    if y.ndim == 2:
        return np.einsum("b...k,bk->b...", xm, ym)
    xs = xm.reshape(xm.shape[0], -1, xm.shape[-1])
    ys = ym.reshape(ym.shape[0], ym.shape[1], -1)
    out = xs @ ys
    return out.reshape(xm.shape[:-1] + ym.shape[2:])


def matmul(x, y):
    """Matrix product with broadcasting over leading axes (``x @ y``)."""
    return np.matmul(_arr(x), _arr(y))


def transpose(x, axes=None):
    """Reverse (or permute by ``axes``) the axes of ``x``."""
    return np.transpose(_arr(x), axes)


def reshape(x, shape):
    """Reshape; one dimension may be -1."""
    return np.reshape(_arr(x), tuple(shape))


def flatten(x):
    """All elements as one axis."""
    return np.reshape(_arr(x), (-1,))


def batch_flatten(x):
    """``(b, ...) -> (b, prod(...))``."""
    x = _arr(x)
    return np.reshape(x, (x.shape[0], -1))


def concatenate(tensors, axis=-1):
    """Join a list of arrays along ``axis``."""
    return np.concatenate([_arr(t) for t in tensors], axis=axis)


def stack(x, axis=0):
    """Stack a list of equally shaped arrays along a new ``axis``."""
    return np.stack([_arr(t) for t in x], axis=axis)


def expand_dims(x, axis=-1):
    """Insert a size-1 axis at ``axis``."""
    return np.expand_dims(_arr(x), axis)


def squeeze(x, axis=None):
    """Remove size-1 ``axis`` (all size-1 axes when None)."""
    return np.squeeze(_arr(x), axis=_axis(axis))


def tile(x, n):
    """Repeat the whole array ``n[i]`` times along axis ``i``."""
    return np.tile(_arr(x), n)


def repeat(x, n):
    """``(b, d) -> (b, n, d)``, as ``K.repeat`` (RepeatVector)."""
    x = _arr(x)
    return np.repeat(x[:, None, :], n, axis=1)


def gather(reference, indices):
    """Rows of ``reference`` at ``indices`` (along axis 0)."""
    return np.take(_arr(reference), np.asarray(indices, dtype="int64"), axis=0)


def one_hot(indices, num_classes):
    """Integer indices -> one-hot along a new last axis (``floatx``)."""
    idx = np.asarray(indices, dtype="int64")
    out = np.zeros(idx.shape + (int(num_classes),), dtype=backend.floatx())
    np.put_along_axis(out, idx[..., None], 1, axis=-1)
    return out


# ------------------------------------------------------------ constructors
def ones(shape, dtype=None):
    """An array of ones (``floatx`` unless ``dtype``)."""
    return np.ones(tuple(np.atleast_1d(shape)) if not isinstance(shape, tuple) else shape,
                   dtype=dtype or backend.floatx())


def zeros(shape, dtype=None):
    """An array of zeros (``floatx`` unless ``dtype``)."""
    return np.zeros(tuple(np.atleast_1d(shape)) if not isinstance(shape, tuple) else shape,
                    dtype=dtype or backend.floatx())


def ones_like(x, dtype=None):
    return np.ones_like(_arr(x), dtype=dtype)


def zeros_like(x, dtype=None):
    return np.zeros_like(_arr(x), dtype=dtype)


def eye(size, dtype=None):
    """Identity matrix; ``size`` an int or ``(rows, cols)``."""
    n, m = (size, size) if np.isscalar(size) else size
    return np.eye(int(n), int(m), dtype=dtype or backend.floatx())


def constant(value, dtype=None, shape=None):
    """An array filled from ``value`` (broadcast to ``shape`` if given)."""
    v = np.asarray(value, dtype=dtype or backend.floatx())
    return np.broadcast_to(v, tuple(shape)).copy() if shape is not None else v


def arange(start, stop=None, step=1, dtype="int32"):
    return np.arange(start, stop, step, dtype=dtype) if stop is not None else \
        np.arange(start, dtype=dtype)


def variable(value, dtype=None, name=None):
    """A plain array copy of ``value`` (pipeseq has no symbolic variables here)."""
    return np.array(value, dtype=dtype or backend.floatx())


def is_tensor(x):
    return isinstance(x, np.ndarray)


def stop_gradient(x):
    """Identity (gradients of custom losses are numerical in pipeseq)."""
    return _arr(x)


# ----------------------------------------------------------- introspection
def shape(x):
    """The shape as a tuple of ints."""
    return tuple(_arr(x).shape)


def int_shape(x):
    """The shape as a tuple of ints (Keras's ``K.int_shape``)."""
    return tuple(_arr(x).shape)


def ndim(x):
    """Number of axes."""
    return _arr(x).ndim


def dtype(x):
    """The dtype name, e.g. ``"float32"``."""
    return str(_arr(x).dtype)


def count_params(x):
    """Number of elements."""
    return int(_arr(x).size)


def eval(x):  # noqa: A001
    """The value as an ndarray (arrays are already concrete in pipeseq)."""
    return np.asarray(_arr(x))


def get_value(x):
    """The value as an ndarray (``Variable`` or array)."""
    return np.array(_arr(x))


# -------------------------------------------------------------- losses
def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Per-sample categorical cross-entropy (probabilities clipped to ``[eps, 1-eps]``)."""
    p = _float(output)
    t = _arr(target).astype(p.dtype)
    if from_logits:
        p = softmax(p, axis=axis)
    else:
        p = p / np.sum(p, axis=axis, keepdims=True)
    e = np.asarray(epsilon(), p.dtype)
    return -np.sum(t * np.log(np.clip(p, e, 1 - e)), axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy with integer class targets."""
    p = _float(output)
    t = np.asarray(target).astype("int64")
    if t.ndim == p.ndim:
        t = t[..., 0]
    return categorical_crossentropy(one_hot(t, p.shape[axis]).astype(p.dtype), p,
                                    from_logits=from_logits, axis=axis)


def binary_crossentropy(target, output, from_logits=False):
    """Elementwise binary cross-entropy (probabilities clipped to ``[eps, 1-eps]``)."""
    p = _float(output)
    t = _arr(target).astype(p.dtype)
    if from_logits:
        p = sigmoid(p)
    e = np.asarray(epsilon(), p.dtype)
    p = np.clip(p, e, 1 - e)
    return -(t * np.log(p) + (1 - t) * np.log(1 - p))
