"""Pooling layers: Max/Average pooling 1D/2D and their global versions.

``strides`` defaults to ``pool_size``; "same" padding follows TensorFlow (extra padding
after); average pooling with "same" divides by the number of real inputs per window.

Example
-------
>>> import numpy as np
>>> MaxPooling2D(3)(np.ones((1, 121, 121, 32), "float32")).shape
(1, 40, 40, 32)
>>> GlobalAveragePooling1D(keepdims=True)(np.ones((2, 7, 3), "float32")).shape
(2, 1, 3)
"""

from ..kernels import pooling as ops
from .base import Layer, register, format_shape
from .conv_base import (channels_of, join_shape, spatial_of, standardize_data_format,
                   standardize_padding, to_channels_last, to_data_format, tuple_arg)


class _Pooling(Layer):
    rank = 2
    mode = "max"
    kernels = ops         # the pooling math; the 3-D layers use kernels.volumetric

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        who = f"{type(self).__name__} '{self.name}'"
        self._who = who
        self.pool_size = tuple_arg(who, pool_size, self.rank, "pool_size")
        self.strides = self.pool_size if strides is None else tuple_arg(who, strides, self.rank, "strides")
        self.padding = standardize_padding(who, padding)
        self.data_format = standardize_data_format(who, data_format)
        self.ndim = self.rank + 2

    def _spatial_out(self, input_shape):
        spatial = spatial_of(input_shape, self.data_format)
        out = self.kernels.pool_output_shape(spatial, self.pool_size, self.strides,
                                             self.padding)
        if any(o is not None and o <= 0 for o in out):
            raise ValueError(f"{self._who}: pool_size={self.pool_size} is larger than the input's "
                             f"spatial size {spatial} with padding={self.padding!r}. Input shape "
                             f"received: {format_shape(input_shape)}")
        return out

    def build(self, input_shape):
        self._spatial_out(input_shape)

    def compute_output_shape(self, input_shape):
        return join_shape(input_shape[0], self._spatial_out(input_shape),
                          channels_of(input_shape, self.data_format), self.data_format)

    def forward(self, x, training=False):
        if x.ndim != self.ndim:
            raise ValueError(f"Input 0 of layer '{self.name}' ({type(self).__name__}) is "
                             f"incompatible with the layer: expected ndim={self.ndim}, found "
                             f"ndim={x.ndim}. Full shape received: {x.shape}")
        self._spatial_out(x.shape)
        y, cache = self.kernels.pool_forward(to_channels_last(x, self.data_format),
                                             self.pool_size, self.strides, self.padding,
                                             self.mode)
        return to_data_format(y, self.data_format), cache

    def backward(self, cache, dy):
        dx = self.kernels.pool_backward(cache, to_channels_last(dy, self.data_format))
        return to_data_format(dx, self.data_format), []

    def get_config(self):
        return {**super().get_config(), "pool_size": self.pool_size, "padding": self.padding,
                "strides": self.strides, "data_format": self.data_format}


@register(aliases=("MaxPool1D",))
class MaxPooling1D(_Pooling):
    """Max over windows of ``pool_size`` steps: ``(batch, steps, ch) -> (batch, out_steps, ch)``."""
    rank, mode = 1, "max"


@register(aliases=("MaxPool2D",))
class MaxPooling2D(_Pooling):
    """Max over ``pool_size`` windows of images; the gradient goes to one arg-max per window."""
    rank, mode = 2, "max"


@register(aliases=("AvgPool1D", "AveragePool1D"))
class AveragePooling1D(_Pooling):
    """Mean over windows of ``pool_size`` steps."""
    rank, mode = 1, "avg"


@register(aliases=("AvgPool2D", "AveragePool2D"))
class AveragePooling2D(_Pooling):
    """Mean over ``pool_size`` windows; "same" windows average only real inputs."""
    rank, mode = 2, "avg"


class _GlobalPooling(Layer):
    rank = 2
    mode = "max"

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(f"{type(self).__name__} '{self.name}'", data_format)
        self.keepdims = bool(keepdims)
        self.ndim = self.rank + 2

    def compute_output_shape(self, input_shape):
        c = channels_of(input_shape, self.data_format)
        if not self.keepdims:
            return (input_shape[0], c)
        return join_shape(input_shape[0], (1,) * self.rank, c, self.data_format)

    def forward(self, x, training=False):
        if x.ndim != self.ndim:
            raise ValueError(f"Input 0 of layer '{self.name}' ({type(self).__name__}) is "
                             f"incompatible with the layer: expected ndim={self.ndim}, found "
                             f"ndim={x.ndim}. Full shape received: {x.shape}")
        y, cache = ops.global_pool_forward(to_channels_last(x, self.data_format), self.mode,
                                           self.keepdims)
        if self.keepdims:
            y = to_data_format(y, self.data_format)
        return y, cache

    def backward(self, cache, dy):
        dx = ops.global_pool_backward(cache, dy)       # dy is (N, C) or all-ones spatial
        return to_data_format(dx, self.data_format), []

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}


@register(aliases=("GlobalMaxPool1D",))
class GlobalMaxPooling1D(_GlobalPooling):
    """Max over the steps axis: ``(batch, steps, ch) -> (batch, ch)``."""
    rank, mode = 1, "max"


@register(aliases=("GlobalMaxPool2D",))
class GlobalMaxPooling2D(_GlobalPooling):
    """Max over both spatial axes: ``(batch, h, w, ch) -> (batch, ch)``."""
    rank, mode = 2, "max"


@register(aliases=("GlobalAvgPool1D",))
class GlobalAveragePooling1D(_GlobalPooling):
    """Mean over the steps axis (masking is not supported)."""
    rank, mode = 1, "avg"


@register(aliases=("GlobalAvgPool2D",))
class GlobalAveragePooling2D(_GlobalPooling):
    """Mean over both spatial axes."""
    rank, mode = 2, "avg"


__all__ = ["MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D",
           "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalAveragePooling1D",
           "GlobalAveragePooling2D"]
