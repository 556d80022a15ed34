"""R's backend helpers: keras3 ``op_*`` and R keras 2.x ``k_*``, on NumPy arrays.

They wrap :mod:`pipeseq.r.array_ops` (Keras's ``K.*`` with 0-based axes, built on
:mod:`pipeseq.ops`, so they are differentiable) and
translate R's conventions:

* every ``axis`` argument is **1-based** (1 is the first axis, the batch axis);
  negative values count from the end (-1 is the last axis); ``axis=0`` is an
  error, as in R (`"`axis` argument is 1 based, received 0"`);
* keras3 ops that *return* indices are 1-based too (``op_argmax``,
  ``op_argmin``), and ``op_one_hot`` takes 1-based class ids (keras3 >= 1.4);
  R keras 2.x's ``k_argmax`` / ``k_one_hot`` stay 0-based, as they were.

Example
-------
>>> import numpy as np
>>> from pipeseq import op_ones, op_mean, k_mean, op_argmax
>>> x = op_ones((3, 3))
>>> op_mean(x, axis=1)
array([1., 1., 1.], dtype=float32)
>>> op_argmax(np.array([[0.1, 0.7, 0.2]]), axis=-1)
array([2])

A custom metric, as in the R guide:

>>> def metric_mean_pred(y_true, y_pred):
...     return k_mean(y_pred)
"""
import functools
import inspect

import numpy as np

from .. import ops as _ops
from . import array_ops as _K
from .array_ops._common import _arr

__all__ = []


def as_axis(axis, fn_name="op"):
    """R's 1-based axis (negatives from the end) -> NumPy's 0-based axis.

    Example
    -------
    >>> as_axis(1), as_axis(-1), as_axis((1, 2)), as_axis(None)
    (0, -1, (0, 1), None)
    """
    if axis is None:
        return None
    if isinstance(axis, (list, tuple)):
        return tuple(as_axis(a, fn_name) for a in axis)
    if isinstance(axis, (bool, np.bool_)) or not float(axis).is_integer():
        raise TypeError(f"{fn_name}(): `axis` must be an integer (1-based). Received: axis={axis!r}")
    axis = int(axis)
    if axis == 0:
        raise ValueError(f"{fn_name}(): `axis` argument is 1 based, received 0. The first axis "
                         "is axis=1; axis=-1 is the last.")
    return axis - 1 if axis > 0 else axis


def _wrap(r_name, base, axis_args=(), index_result=False, drop=("name",), defaults=None,
          example=None):
    """Make ``r_name`` from ``array_ops.<base>``: translate ``axis_args``; maybe +1 results."""
    base_fn = getattr(_K, base)
    sig = inspect.signature(base_fn)
    if defaults:
        sig = sig.replace(parameters=[p.replace(default=defaults[p.name]) if p.name in defaults
                                      else p for p in sig.parameters.values()])

    @functools.wraps(base_fn)
    def fn(*args, **kwargs):
        for d in drop:
            if d not in sig.parameters:
                kwargs.pop(d, None)
        bound = sig.bind(*args, **kwargs)
        bound.apply_defaults()
        for a in axis_args:
            if a in bound.arguments:
                bound.arguments[a] = as_axis(bound.arguments[a], r_name)
        out = base_fn(*bound.args, **bound.kwargs)
        if index_result:
            out = np.asarray(out) + 1
        return out
    fn.__name__ = fn.__qualname__ = r_name
    fn.__signature__ = sig
    notes = []
    if axis_args:
        notes.append(f"``{'``, ``'.join(axis_args)}`` 1-based (negatives count from the end).")
    if index_result:
        notes.append("Returns 1-based indices.")
    ex = example or f">>> {r_name}(...)   # doctest: +SKIP"
    fn.__doc__ = (f"R ``{r_name}{sig}``: NumPy ``array_ops.{base}`` with R's conventions.\n\n"
                  + (" ".join(notes) + "\n\n" if notes else "")
                  + f"Example\n-------\n{ex}\n\n"
                  + "Notes\n-----\n" + (base_fn.__doc__ or "").strip().split("\n")[0] + "\n")
    globals()[r_name] = fn
    __all__.append(r_name)
    return fn


_REDUCTIONS = ["mean", "sum", "prod", "max", "min", "std", "var", "any", "all", "logsumexp"]
_ELEMENTWISE = ["square", "sqrt", "abs", "exp", "log", "log1p", "expm1", "sign", "round", "floor",
                "ceil", "negative", "sin", "cos", "tanh", "sigmoid", "hard_sigmoid", "relu",
                "softplus", "softsign", "elu", "maximum", "minimum", "equal", "not_equal",
                "greater", "greater_equal", "less", "less_equal", "where", "dot", "matmul",
                "reshape", "flatten", "tile", "ones", "zeros", "ones_like", "zeros_like", "eye",
                "cast", "shape", "ndim", "dtype"]

# ---------------------------------------------------------------- keras3 op_*
for _n in _REDUCTIONS:
    _wrap("op_" + _n, _n, ("axis",),
          example=f">>> op_{_n}(op_ones((2, 3)), axis=2)" if _n not in ("any", "all") else None)
for _n in _ELEMENTWISE:
    _wrap("op_" + _n, _n)
_wrap("op_absolute", "abs")
_wrap("op_power", "pow")
_wrap("op_softmax", "softmax", ("axis",), example=">>> op_softmax(op_ones((2, 3)), axis=-1)")
_wrap("op_cumsum", "cumsum", ("axis",), defaults={"axis": None})
_wrap("op_cumprod", "cumprod", ("axis",), defaults={"axis": None})
_wrap("op_concatenate", "concatenate", ("axis",), defaults={"axis": 1},
      example=">>> op_concatenate([op_ones((2, 2)), op_zeros((2, 2))], axis=1).shape")
_wrap("op_stack", "stack", ("axis",), defaults={"axis": 1})
_wrap("op_expand_dims", "expand_dims", ("axis",))
_wrap("op_squeeze", "squeeze", ("axis",))
_wrap("op_transpose", "transpose", ("axes",))
_wrap("op_repeat", "repeat")


def op_clip(x, x_min, x_max):
    """Clip ``x`` to ``[x_min, x_max]`` (keras3 ``op_clip``).

    Example
    -------
    >>> op_clip(np.array([-1.0, 0.5, 2.0]), 0, 1)
    array([0. , 0.5, 1. ])
    """
    return _K.clip(x, x_min, x_max)


def _arg_index(fn, r_name):
    def op(x, axis=None, keepdims=False):
        x = np.asarray(x)
        ax = as_axis(axis, r_name)
        if ax is None:
            out = fn(x.reshape(-1), axis=0)
            out = out.reshape((1,) * x.ndim) if keepdims else out
        else:
            out = fn(x, axis=ax)
            if keepdims:
                out = np.expand_dims(out, ax)
        return np.asarray(out) + 1
    op.__name__ = op.__qualname__ = r_name
    kind = "maximum" if "max" in r_name else "minimum"
    op.__doc__ = (f"1-based index of the {kind} along ``axis`` (1-based; None = flattened),\n"
                  f"as keras3 >= 1.4's ``{r_name}``.\n\n"
                  "Example\n-------\n"
                  f">>> {r_name}(np.array([[0.1, 0.7, 0.2]]), axis=2)\n"
                  f"array([{2 if kind == 'maximum' else 1}])\n")
    return op


op_argmax = _arg_index(np.argmax, "op_argmax")
op_argmin = _arg_index(np.argmin, "op_argmin")


def op_one_hot(x, num_classes, axis=-1, dtype=None):
    """One-hot encode **1-based** class ids (keras3 >= 1.4 ``op_one_hot``).

    Example
    -------
    >>> op_one_hot(np.array([1, 3]), 3)
    array([[1., 0., 0.],
           [0., 0., 1.]], dtype=float32)
    """
    idx = np.asarray(x, dtype="int64")
    if idx.size and (idx.min() < 1 or idx.max() > num_classes):
        raise ValueError(f"op_one_hot(): class ids are 1-based and must lie in 1..{num_classes}. "
                         f"Received values from {idx.min()} to {idx.max()}.")
    out = _K.one_hot(idx - 1, num_classes)
    if dtype is not None:
        out = out.astype(dtype)
    ax = as_axis(axis, "op_one_hot")
    return out if ax == -1 else np.moveaxis(out, -1, ax)


def op_full(shape, fill_value, dtype=None):
    """An array of ``shape`` filled with ``fill_value``.

    Example
    -------
    >>> op_full((2,), 7.0)
    array([7., 7.], dtype=float32)
    """
    from .. import backend
    return np.full(_shape(shape), fill_value, dtype=dtype or backend.floatx())


def op_arange(start, stop=None, step=1, dtype=None):
    """Evenly spaced values (like ``seq()``), as keras3 ``op_arange``.

    Example
    -------
    >>> op_arange(1, 4)
    array([1, 2, 3], dtype=int32)
    """
    return np.arange(start, stop, step, dtype=dtype or "int32") if stop is not None else \
        np.arange(start, dtype=dtype or "int32")


def op_convert_to_tensor(x, dtype=None):
    """``x`` as an array (``floatx`` for Python floats).

    Example
    -------
    >>> op_convert_to_tensor([1.0, 2.0]).dtype
    dtype('float32')
    """
    out = _arr(x)
    return out.astype(dtype) if dtype is not None else out


def op_convert_to_numpy(x):
    """``x`` as a NumPy array.

    Example
    -------
    >>> op_convert_to_numpy(op_ones((1,)))
    array([1.], dtype=float32)
    """
    return np.asarray(x)


def op_add(x1, x2):
    """Elementwise ``x1 + x2``. Example: ``op_add(op_ones((2,)), 1)``."""
    return _ops.add(x1, x2)


def op_subtract(x1, x2):
    """Elementwise ``x1 - x2``. Example: ``op_subtract(op_ones((2,)), 1)``."""
    return _ops.subtract(x1, x2)


def op_multiply(x1, x2):
    """Elementwise ``x1 * x2``. Example: ``op_multiply(op_ones((2,)), 3)``."""
    return _ops.multiply(x1, x2)


def op_divide(x1, x2):
    """Elementwise ``x1 / x2``. Example: ``op_divide(op_ones((2,)), 2)``."""
    return _ops.divide(x1, x2)


def op_size(x):
    """Number of elements. Example: ``op_size(op_ones((2, 3)))`` is 6."""
    return _ops.size(x)


def _shape(shape):
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(d) for d in shape)


__all__ += ["op_clip", "op_argmax", "op_argmin", "op_one_hot", "op_full", "op_arange",
            "op_convert_to_tensor", "op_convert_to_numpy", "op_add", "op_subtract",
            "op_multiply", "op_divide", "op_size", "as_axis"]

# ------------------------------------------------------------- R keras 2.x k_*
for _n in _REDUCTIONS:
    _wrap("k_" + _n, _n, ("axis",),
          example=f">>> k_{_n}(k_ones((2, 3)), axis=2)" if _n not in ("any", "all") else None)
for _n in _ELEMENTWISE + ["pow", "clip", "switch", "batch_flatten", "int_shape", "eval",
                          "get_value", "count_params", "variable", "constant", "cast_to_floatx",
                          "epsilon", "floatx", "set_epsilon", "set_floatx", "binary_crossentropy",
                          "sparse_categorical_crossentropy", "is_tensor", "stop_gradient",
                          "repeat", "transpose", "arange", "gather"]:
    _wrap("k_" + _n, _n)
_wrap("k_argmax", "argmax", ("axis",), example=">>> k_argmax(np.array([[0.1, 0.7, 0.2]]))")
_wrap("k_argmin", "argmin", ("axis",))
_wrap("k_softmax", "softmax", ("axis",))
_wrap("k_l2_normalize", "l2_normalize", ("axis",))
_wrap("k_cumsum", "cumsum", ("axis",), defaults={"axis": 1})
_wrap("k_cumprod", "cumprod", ("axis",), defaults={"axis": 1})
_wrap("k_concatenate", "concatenate", ("axis",))
_wrap("k_stack", "stack", ("axis",), defaults={"axis": 1})
_wrap("k_expand_dims", "expand_dims", ("axis",))
_wrap("k_squeeze", "squeeze", ("axis",))
_wrap("k_one_hot", "one_hot")
_wrap("k_categorical_crossentropy", "categorical_crossentropy", ("axis",))
_wrap("k_batch_dot", "batch_dot", ("axes",))


def k_permute_dimensions(x, pattern):
    """Permute axes; ``pattern`` lists 1-based axes, e.g. ``(1, 3, 2)`` (R keras 2.x).

    Example
    -------
    >>> k_permute_dimensions(k_ones((2, 3, 4)), (1, 3, 2)).shape
    (2, 4, 3)
    """
    return np.transpose(np.asarray(x), as_axis(tuple(pattern), "k_permute_dimensions"))


__all__.append("k_permute_dimensions")
del _n
