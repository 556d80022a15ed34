"""How every op runs: eagerly on arrays (and autograd's traced boxes), symbolically on KerasTensors.

An op is a plain function written with ``autograd.numpy``. :func:`op` wraps it:

* on NumPy arrays it runs and returns NumPy arrays (float32 stays float32);
* inside :func:`pipeseq.ops.autodiff.value_and_grad` the same code is traced
  by autograd, so it is differentiable with no extra work;
* when an argument is a symbolic tensor (``_pipeseq_symbolic``), the call is
  handed to the handler the graph package registers with
  :func:`set_symbolic_handler`, which records a graph node instead.

Example
-------
>>> import numpy as np
>>> from pipeseq.ops.dispatch import op
>>> @op
... def twice(x):
...     return x * 2
>>> twice(np.ones(2, "float32"))
array([2., 2.], dtype=float32)
"""
import functools

import autograd.numpy as anp
import numpy as np
from autograd.tracer import Box

from .. import backend

_SYMBOLIC_HANDLER = [None]


def set_symbolic_handler(handler):
    """Register ``handler(op_fn, args, kwargs)`` that records an op applied to KerasTensors."""
    _SYMBOLIC_HANDLER[0] = handler


def is_symbolic(x):
    return getattr(x, "_pipeseq_symbolic", False)


def _has_symbolic(args, kwargs):
    for a in args:
        if getattr(a, "_pipeseq_symbolic", False):
            return True
        if type(a) in (list, tuple) and any(getattr(b, "_pipeseq_symbolic", False) for b in a):
            return True
    for a in kwargs.values():
        if getattr(a, "_pipeseq_symbolic", False):
            return True
    return False


def op(fn):
    """Decorator: make ``fn`` an op (eager on arrays, recorded on KerasTensors)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if _has_symbolic(args, kwargs):
            handler = _SYMBOLIC_HANDLER[0]
            if handler is None:
                raise TypeError(f"ops.{fn.__name__} received a symbolic tensor, but no graph "
                                "handler is registered (import pipeseq.models first).")
            return handler(wrapper, args, kwargs)
        return fn(*args, **kwargs)
    wrapper.__pipeseq_op__ = True
    return wrapper


def is_traced(x):
    """True for autograd's boxes (values being differentiated)."""
    return isinstance(x, Box)


def value(x):
    """Strip autograd's box: the plain array underneath (for shapes, dtypes, control flow)."""
    while isinstance(x, Box):
        x = x._value
    return x


def tensor(x, dtype=None):
    """``x`` as something autograd.numpy accepts, keeping boxes and float32.

    Variables give their value; Python floats and lists of floats become
    ``floatx`` arrays and Python ints ``int32`` (as Keras's ``convert_to_tensor``);
    arrays and boxes pass through.
    """
    if isinstance(x, (np.ndarray, Box)):
        if dtype is not None and np.dtype(dtype) != value(x).dtype:
            return anp.astype(x, dtype)
        return x
    v = getattr(x, "value", None)
    if isinstance(v, (np.ndarray, Box)):      # a Variable (its value is traced inside a call)
        if dtype is not None and np.dtype(dtype) != value(v).dtype:
            return anp.astype(v, dtype)
        return v
    if dtype is not None:
        return np.asarray(x, dtype=dtype)
    a = np.asarray(x)
    if not isinstance(x, (np.generic, np.ndarray)):
        if a.dtype == np.float64:
            a = a.astype(backend.floatx())
        elif a.dtype == np.int64:
            a = a.astype("int32")
    return a


def scalar_or_tensor(x):
    """Python numbers stay Python numbers (NumPy's weak typing keeps float32 arrays float32)."""
    if isinstance(x, (bool, int, float)):
        return x
    return tensor(x)


def float_tensor(x):
    """``x`` as a floating array (integers and booleans become ``floatx``)."""
    x = tensor(x)
    if value(x).dtype.kind not in "fc":
        return anp.astype(x, backend.floatx())
    return x


def standardize_dtype(dtype):
    if dtype is None:
        return None
    if hasattr(dtype, "name") and not isinstance(dtype, np.dtype):
        dtype = dtype.name
    return np.dtype(dtype).name


def axis_arg(axis):
    return tuple(axis) if isinstance(axis, list) else axis
