"""``Variable``: a named weight array (what ``Layer.add_weight`` creates).

Example
-------
>>> import numpy as np
>>> v = Variable(np.zeros((2, 3), "float32"), "kernel", path="dense/kernel")
>>> v.shape, v.trainable
((2, 3), True)
"""
import numpy as np


class Variable:
    """A named weight: ``value`` (ndarray), ``trainable``, optional regularizer/constraint.

    ``path`` is ``"<layer name>/<variable name>"`` as Keras reports it.
    """

    __array_ufunc__ = None

    def __init__(self, value, name, trainable=True, regularizer=None, constraint=None, path=None):
        self.value = np.asarray(value)
        self.name = name
        self.trainable = trainable
        self.regularizer = regularizer
        self.constraint = constraint
        self.path = path or name

    @property
    def shape(self):
        return self.value.shape

    @property
    def dtype(self):
        return self.value.dtype

    def numpy(self):
        return self.value.copy()

    def __array__(self, dtype=None, copy=None):
        return self.value if dtype is None else self.value.astype(dtype)

    def assign(self, value):
        from .ops.dispatch import value as unbox
        value = np.asarray(unbox(getattr(value, "value", value)))
        if value.shape != self.value.shape:
            raise ValueError(f"Cannot assign to variable '{self.path}': expected shape "
                             f"{self.value.shape}, received shape {value.shape}.")
        self.value = value.astype(self.value.dtype, copy=True)

    def assign_add(self, delta):
        self.assign(np.asarray(self.value) + np.asarray(getattr(delta, "value", delta)))

    def assign_sub(self, delta):
        self.assign(np.asarray(self.value) - np.asarray(getattr(delta, "value", delta)))

    @property
    def ndim(self):
        return np.ndim(self.value)

    def __repr__(self):
        return f"<Variable path={self.path}, shape={self.shape}, dtype={self.dtype}, trainable={self.trainable}>"


def _binary(op_name, reflected=False):
    def method(self, other):
        from . import ops
        fn = getattr(ops, op_name)
        other = other.value if isinstance(other, Variable) else other
        return fn(other, self.value) if reflected else fn(self.value, other)
    return method


def _unary(op_name):
    def method(self):
        from . import ops
        return getattr(ops, op_name)(self.value)
    return method


# Arithmetic on a variable works on its value (as Keras variables do), differentiably.
for _dunder, _op in (("add", "add"), ("sub", "subtract"), ("mul", "multiply"),
                     ("truediv", "divide"), ("floordiv", "floor_divide"), ("mod", "mod"),
                     ("pow", "power"), ("matmul", "matmul")):
    setattr(Variable, f"__{_dunder}__", _binary(_op))
    setattr(Variable, f"__r{_dunder}__", _binary(_op, reflected=True))
for _dunder, _op in (("lt", "less"), ("le", "less_equal"), ("gt", "greater"),
                     ("ge", "greater_equal")):
    setattr(Variable, f"__{_dunder}__", _binary(_op))
for _dunder, _op in (("neg", "negative"), ("abs", "abs")):
    setattr(Variable, f"__{_dunder}__", _unary(_op))
Variable.__getitem__ = lambda self, key: self.value[key]
Variable.T = property(lambda self: self.value.T)
del _dunder, _op
