"""Activation layers with parameters: ReLU, LeakyReLU, PReLU, ELU, Softmax."""
import numpy as np

from .. import initializers, regularizers
from ..kernels import activations as act_ops
from .base import Layer, register


class _Elementwise(Layer):
    """An activation bound to this layer's arguments; no weights."""

    def _activation(self):
        raise NotImplementedError

    def forward(self, x, training=False):
        y = self._activation()(x)
        return y, (x, y)

    def backward(self, cache, dy):
        x, y = cache
        return self._activation().backward(x, y, dy), []


@register
class ReLU(_Elementwise):
    """``ReLU(max_value=None, negative_slope=0.0, threshold=0.0)``."""

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0:
            raise ValueError(f"ReLU '{self.name}': max_value must be >= 0. Received: max_value={max_value}")
        if negative_slope is None or negative_slope < 0:
            raise ValueError(f"ReLU '{self.name}': negative_slope must be >= 0. "
                             f"Received: negative_slope={negative_slope}")
        self.max_value = None if max_value is None else float(max_value)
        self.negative_slope, self.threshold = float(negative_slope), float(threshold)

    def _activation(self):
        return act_ops.Activation("relu", negative_slope=self.negative_slope,
                                  max_value=self.max_value, threshold=self.threshold)

    def get_config(self):
        return {**super().get_config(), "max_value": self.max_value,
                "negative_slope": self.negative_slope, "threshold": self.threshold}


@register
class LeakyReLU(_Elementwise):
    """``LeakyReLU(negative_slope=0.3)``; Keras 2's ``alpha=`` is accepted too."""

    def __init__(self, negative_slope=0.3, alpha=None, **kwargs):
        super().__init__(**kwargs)
        self.negative_slope = float(alpha if alpha is not None else negative_slope)

    def _activation(self):
        return act_ops.Activation("relu", negative_slope=self.negative_slope)

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}


@register
class ELU(_Elementwise):
    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = float(alpha)

    def _activation(self):
        return act_ops.Activation("elu", alpha=self.alpha)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


@register
class Softmax(_Elementwise):
    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def _activation(self):
        return act_ops.Activation("softmax", axis=self.axis)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


@register
class PReLU(Layer):
    """Leaky ReLU with a learned slope ``alpha`` per feature (shared over ``shared_axes``)."""

    def __init__(self, alpha_initializer="zeros", alpha_regularizer=None, alpha_constraint=None,
                 shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = regularizers.get_constraint(alpha_constraint)
        if shared_axes is not None and not isinstance(shared_axes, (list, tuple)):
            shared_axes = [shared_axes]
        self.shared_axes = None if shared_axes is None else [int(a) for a in shared_axes]

    def build(self, input_shape):
        shape = list(input_shape[1:])
        for ax in self.shared_axes or []:
            shape[ax - 1] = 1
        self.alpha = self.add_weight("alpha", shape, self.alpha_initializer,
                                     regularizer=self.alpha_regularizer,
                                     constraint=self.alpha_constraint)

    def forward(self, x, training=False):
        a = self.alpha.value
        return np.where(x >= 0, x, a * x), x

    def backward(self, cache, dy):
        x = cache
        a = self.alpha.value
        dx = np.where(x >= 0, dy, a * dy)
        dalpha = np.where(x < 0, dy * x, 0)
        axes = tuple(i for i in range(x.ndim) if i == 0 or a.shape[i - 1] == 1 and x.shape[i] != 1)
        dalpha = dalpha.sum(axis=axes, keepdims=True)[0] if axes else dalpha[0]
        return dx, [dalpha.reshape(a.shape)]

    def get_config(self):
        return {**super().get_config(),
                "alpha_initializer": initializers.serialize(self.alpha_initializer),
                "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
                "alpha_constraint": regularizers.serialize_constraint(self.alpha_constraint),
                "shared_axes": self.shared_axes}
