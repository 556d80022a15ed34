"""Adaptive pooling (Keras 3): ``AdaptiveAveragePooling1D/2D/3D``, ``AdaptiveMaxPooling1D/2D/3D``.

The output's spatial size is fixed (``output_size``); each output position pools a window
``[floor(i*L/out), ceil((i+1)*L/out))`` of its axis. The math is in
:mod:`pipeseq.kernels.pooling_adaptive`.

Example
-------
>>> import numpy as np
>>> AdaptiveAveragePooling2D((2, 3))(np.ones((1, 7, 9, 4), "float32")).shape
(1, 2, 3, 4)
"""
import numpy as np

from ..kernels import pooling_adaptive as ops
from .base import Layer, format_shape, register
from .conv_base import channels_of, standardize_data_format, to_channels_last, to_data_format


class _AdaptivePooling(Layer):
    rank = 2
    mode = "avg"

    def __init__(self, output_size, data_format=None, **kwargs):
        name = type(self).__name__
        if isinstance(output_size, (int, np.integer)):
            output_size = (int(output_size),) * self.rank
        elif isinstance(output_size, (tuple, list)):
            if len(output_size) != self.rank:
                raise ValueError(f"For {self.rank}D input, `output_size` tuple must have length "
                                 f"{self.rank}. Received: {output_size}")
            output_size = tuple(int(v) for v in output_size)
        else:
            raise TypeError(f"{name}: `output_size` must be an integer or tuple of "
                            f"{self.rank} integers. Received: {output_size} of type "
                            f"{type(output_size)}")
        if any(v <= 0 for v in output_size):
            raise ValueError(f"{name}: `output_size` must be positive. Received: "
                             f"output_size={output_size}")
        super().__init__(**kwargs)
        self.output_size = output_size
        self.data_format = standardize_data_format(f"{name} '{self.name}'", data_format)
        self.ndim = self.rank + 2

    def compute_output_shape(self, input_shape):
        c = channels_of(input_shape, self.data_format)
        if self.data_format == "channels_last":
            return (input_shape[0],) + self.output_size + (c,)
        return (input_shape[0], c) + self.output_size

    def forward(self, x, training=False):
        if x.ndim != self.ndim:
            raise ValueError(f"Input 0 of layer '{self.name}' ({type(self).__name__}) is "
                             f"incompatible with the layer: expected ndim={self.ndim}, found "
                             f"ndim={x.ndim}. Full shape received: {format_shape(x.shape)}")
        y, cache = ops.adaptive_pool_forward(to_channels_last(x, self.data_format),
                                             self.output_size, self.mode)
        return to_data_format(y, self.data_format), cache

    def backward(self, cache, dy):
        dx = ops.adaptive_pool_backward(cache, to_channels_last(dy, self.data_format))
        return to_data_format(dx, self.data_format), []

    def get_config(self):
        return {**super().get_config(), "output_size": self.output_size,
                "data_format": self.data_format}


@register
class AdaptiveAveragePooling1D(_AdaptivePooling):
    """Mean over adaptive windows of the steps axis."""
    rank, mode = 1, "avg"


@register
class AdaptiveAveragePooling2D(_AdaptivePooling):
    """Mean over adaptive windows of the two spatial axes."""
    rank, mode = 2, "avg"


@register
class AdaptiveAveragePooling3D(_AdaptivePooling):
    """Mean over adaptive windows of the three spatial axes."""
    rank, mode = 3, "avg"


@register
class AdaptiveMaxPooling1D(_AdaptivePooling):
    """Max over adaptive windows of the steps axis (gradient to the first maximum)."""
    rank, mode = 1, "max"


@register
class AdaptiveMaxPooling2D(_AdaptivePooling):
    """Max over adaptive windows of the two spatial axes."""
    rank, mode = 2, "max"


@register
class AdaptiveMaxPooling3D(_AdaptivePooling):
    """Max over adaptive windows of the three spatial axes."""
    rank, mode = 3, "max"
