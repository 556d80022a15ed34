"""Keras 2 activation layers that Keras 3 dropped: ``ThresholdedReLU``.

Example
-------
>>> import numpy as np
>>> ThresholdedReLU(theta=1.0)(np.array([[0.5, 1.0, 2.0]], "float32")).tolist()
[[0.0, 0.0, 2.0]]
"""
import numpy as np

from .base import Layer, register


@register
class ThresholdedReLU(Layer):
    """``f(x) = x`` for ``x > theta``, else 0 (tf.keras 2)."""

    supports_masking = True

    def __init__(self, theta=1.0, **kwargs):
        super().__init__(**kwargs)
        if theta is None or float(theta) < 0:
            raise ValueError("The theta value of a Thresholded ReLU layer should be >=0. "
                             f"Received: theta={theta!r}")
        self.theta = float(theta)

    def forward(self, x, training=False):
        keep = x > self.theta
        return np.where(keep, x, np.zeros((), x.dtype)), keep

    def backward(self, cache, dy):
        return dy * cache, []

    def get_config(self):
        return {**super().get_config(), "theta": self.theta}
