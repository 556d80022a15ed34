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

    ``path`` is ``"<layer name>/<variable name>"`` as Keras reports it. NumPy functions see
    its value (``__array__``); arithmetic operators work on the value too.
    """

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
        value = getattr(value, "value", value)
        while hasattr(value, "_value"):          # an autograd box: keep its value
            value = value._value
        value = np.asarray(value)
        if value.shape != self.value.shape:
            raise ValueError(f"Cannot assign to variable '{self.path}': expected shape "
                             f"{self.value.shape}, received shape {value.shape}.")
        self.value = value.astype(self.value.dtype, copy=True)

    def assign_add(self, delta):
        self.assign(np.asarray(self.value) + np.asarray(getattr(delta, "value", delta)))

    def assign_sub(self, delta):
        self.assign(np.asarray(self.value) - np.asarray(getattr(delta, "value", delta)))

    def __float__(self):
        return float(self.value)

    @property
    def ndim(self):
        return np.ndim(self.value)

    def __repr__(self):
        return f"<Variable path={self.path}, shape={self.shape}, dtype={self.dtype}, trainable={self.trainable}>"



def _plain(x):
    return x.value if isinstance(x, Variable) else x


# Arithmetic on a variable works on its value, as Keras variables do (Python operators, so a
# traced value stays traced).
_BINARY = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
           "truediv": lambda a, b: a / b, "floordiv": lambda a, b: a // b,
           "mod": lambda a, b: a % b, "pow": lambda a, b: a ** b, "matmul": lambda a, b: a @ b}
for _name, _f in _BINARY.items():
    setattr(Variable, f"__{_name}__", (lambda f: lambda self, o: f(self.value, _plain(o)))(_f))
    setattr(Variable, f"__r{_name}__", (lambda f: lambda self, o: f(_plain(o), self.value))(_f))
for _name, _f in {"lt": lambda a, b: a < b, "le": lambda a, b: a <= b,
                  "gt": lambda a, b: a > b, "ge": lambda a, b: a >= b}.items():
    setattr(Variable, f"__{_name}__", (lambda f: lambda self, o: f(self.value, _plain(o)))(_f))
Variable.__neg__ = lambda self: -self.value
Variable.__abs__ = lambda self: abs(self.value)
Variable.__getitem__ = lambda self, key: self.value[key]
Variable.T = property(lambda self: self.value.T)
del _name, _f
