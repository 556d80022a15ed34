"""``InputLayer`` and ``Input()``: the explicit input of a model (as ``keras.layers.Input``).

Example
-------
>>> Input((28, 28, 1)).shape
(None, 28, 28, 1)
"""
import numpy as np

from ..graph import input_tensor, is_symbolic
from .base import Layer, register, unique_name


@register
class InputLayer(Layer):
    """The explicit input of a model: ``InputLayer(shape=(784,))``."""

    def __init__(self, shape=None, batch_size=None, dtype=None, batch_shape=None, name=None,
                 sparse=False, ragged=False, optional=False, input_shape=None,
                 batch_input_shape=None, **kwargs):
        if batch_shape is None and batch_input_shape is not None:
            batch_shape = batch_input_shape
        if shape is None and input_shape is not None:
            shape = input_shape
        if batch_shape is None:
            if shape is None:
                raise ValueError("InputLayer needs `shape` or `batch_shape`. Received neither.")
            if isinstance(shape, (int, np.integer)):
                shape = (int(shape),)
            batch_shape = (batch_size,) + tuple(shape)
        super().__init__(name=name or unique_name("input_layer"), dtype=dtype, **kwargs)
        self._batch_input_shape = tuple(None if d is None else int(d) for d in batch_shape)
        self.built = True
        self._build_input_shape = self._batch_input_shape

    def __call__(self, x, *args, **kwargs):
        if is_symbolic(x):
            raise TypeError(f"InputLayer '{self.name}' cannot be called on a tensor; use Input().")
        return super().__call__(x, *args, **kwargs)

    @property
    def batch_shape(self):
        return self._batch_input_shape

    def forward(self, x, training=False):
        return x, None

    def backward(self, cache, dy):
        return dy, []

    def get_config(self):
        return {"batch_shape": list(self._batch_input_shape), "dtype": self.dtype,
                "sparse": False, "ragged": False, "name": self.name, "optional": False}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for k in ("sparse", "ragged", "optional", "trainable"):
            config.pop(k, None)
        return cls(**config)


def Input(shape=None, batch_size=None, name=None, dtype=None, batch_shape=None, **kwargs):
    """An input placeholder: ``Input(shape=(784,))`` (batch axis excluded).

    Example
    -------
    >>> Input((28, 28, 1)).shape
    (None, 28, 28, 1)
    """
    layer = InputLayer(shape=shape, batch_size=batch_size, name=name, dtype=dtype,
                       batch_shape=batch_shape, **kwargs)
    return input_tensor(layer)
