"""GroupNormalization, UnitNormalization and RMSNormalization (Keras 3).

Example
-------
>>> import numpy as np
>>> y = GroupNormalization(groups=2)(np.arange(8, dtype="float32").reshape(1, 2, 4))
>>> y.shape, round(float(y[0, :, :2].mean()), 6)
((1, 2, 4), 0.0)
>>> UnitNormalization()(np.array([[3.0, 4.0]], "float32")).tolist()
[[0.6000000238418579, 0.800000011920929]]
"""
import numpy as np

from .. import initializers, regularizers
from ..kernels import normalization as ops
from .base import Layer, format_shape, register


@register
class GroupNormalization(Layer):
    """Normalise each sample's channels in ``groups`` groups (``groups=-1``: one per channel).

    Weights ``gamma`` and ``beta`` (one per channel), as Keras.
    """

    supports_masking = True

    def __init__(self, groups=32, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(groups, (int, np.integer)) or (groups <= 0 and groups != -1):
            raise ValueError(f"GroupNormalization '{self.name}': `groups` must be a positive "
                             f"integer or -1. Received: groups={groups!r}")
        if not isinstance(axis, (int, np.integer)):
            raise ValueError(f"GroupNormalization '{self.name}': `axis` must be an int. "
                             f"Received: axis={axis!r}")
        self.groups, self.axis, self.epsilon = int(groups), int(axis), float(epsilon)
        self.center, self.scale = bool(center), bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = regularizers.get_constraint(beta_constraint)
        self.gamma_constraint = regularizers.get_constraint(gamma_constraint)

    def build(self, input_shape):
        ax = self.axis % len(input_shape)
        c = input_shape[ax]
        if c is None:
            raise ValueError(f"GroupNormalization '{self.name}': axis {self.axis} of the input "
                             f"should have a defined dimension. Received input shape "
                             f"{format_shape(input_shape)}")
        groups = c if self.groups == -1 else self.groups
        if groups > c or c % groups:
            raise ValueError(f"GroupNormalization '{self.name}': the number of channels ({c}) "
                             f"must be a multiple of the number of groups ({groups}) and not "
                             f"smaller. Received: groups={self.groups}, input shape "
                             f"{format_shape(input_shape)}")
        self._groups, self._ax = groups, ax
        self.gamma = self.add_weight("gamma", (c,), self.gamma_initializer,
                                     regularizer=self.gamma_regularizer,
                                     constraint=self.gamma_constraint) if self.scale else None
        self.beta = self.add_weight("beta", (c,), self.beta_initializer,
                                    regularizer=self.beta_regularizer,
                                    constraint=self.beta_constraint) if self.center else None

    def forward(self, x, training=False):
        xl = np.moveaxis(x, self._ax, -1)
        y, cache = ops.group_norm_forward(xl, self._groups,
                                          None if self.gamma is None else self.gamma.value,
                                          None if self.beta is None else self.beta.value,
                                          self.epsilon)
        return np.moveaxis(y, -1, self._ax), cache

    def backward(self, cache, dy):
        dx, dg, db = ops.group_norm_backward(cache, np.moveaxis(dy, self._ax, -1))
        grads = ([dg] if self.gamma is not None else []) + ([db] if self.beta is not None else [])
        return np.moveaxis(dx, -1, self._ax), grads

    def get_config(self):
        return {**super().get_config(), "groups": self.groups, "axis": self.axis,
                "epsilon": self.epsilon, "center": self.center, "scale": self.scale,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": regularizers.serialize_constraint(self.beta_constraint),
                "gamma_constraint": regularizers.serialize_constraint(self.gamma_constraint)}


@register
class UnitNormalization(Layer):
    """Scale each sample to unit L2 norm along ``axis`` (an int or a list of ints)."""

    supports_masking = True

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = [int(a) for a in axis]
        elif isinstance(axis, (int, np.integer)):
            self.axis = int(axis)
        else:
            raise TypeError("Invalid value for `axis` argument: expected an int or a list/tuple "
                            f"of ints. Received: axis={axis}")

    def forward(self, x, training=False):
        axes = tuple(self.axis) if isinstance(self.axis, list) else (self.axis,)
        return ops.unit_norm_forward(x, axes)

    def backward(self, cache, dy):
        return ops.unit_norm_backward(cache, dy), []

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


@register
class RMSNormalization(Layer):
    """``x * rsqrt(mean(x^2, axis) + epsilon) * scale`` (Keras 3); weight ``scale`` over ``axis``."""

    supports_masking = True

    def __init__(self, axis=-1, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axis, (int, np.integer, list, tuple)):
            raise TypeError("Invalid value for `axis` argument: expected an int or a list/tuple "
                            f"of ints. Received: axis={axis}")
        self.axis = [int(a) for a in axis] if isinstance(axis, (list, tuple)) else int(axis)
        self.epsilon = float(epsilon)

    def build(self, input_shape):
        axes = sorted(self.axis) if isinstance(self.axis, list) else [self.axis]
        for a in axes:
            if a >= len(input_shape) or a < -len(input_shape):
                raise ValueError(f"Axis {a} is out of bounds for input shape "
                                 f"{format_shape(input_shape)}. Received: axis={self.axis}")
        self._axes = tuple(a % len(input_shape) for a in axes)
        self.scale = self.add_weight("scale", tuple(input_shape[a] for a in self._axes), "ones")

    def forward(self, x, training=False):
        return ops.rms_norm_forward(x, self._axes, self.scale.value, self.epsilon)

    def backward(self, cache, dy):
        dx, dscale = ops.rms_norm_backward(cache, dy)
        return dx, [dscale]

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon}
