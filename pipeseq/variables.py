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
        value = np.asarray(value)
        if value.shape != self.value.shape:
            raise ValueError(f"Cannot assign to variable '{self.path}': expected shape "
                             f"{self.value.shape}, received shape {value.shape}.")
        self.value = value.astype(self.value.dtype, copy=True)

    def __repr__(self):
        return f"<Variable path={self.path}, shape={self.shape}, dtype={self.dtype}, trainable={self.trainable}>"
