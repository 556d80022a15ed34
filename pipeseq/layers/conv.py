"""Convolution layers: Conv1D, Conv2D (Conv2DTranspose, DepthwiseConv2D and SeparableConv2D
are in :mod:`.conv_transpose` and :mod:`.conv_depthwise`, on the same base, :mod:`.conv_base`).

Kernels are stored exactly as Keras stores them: Conv1D ``(k, in/groups, filters)``,
Conv2D ``(kh, kw, in/groups, filters)``, Conv2DTranspose ``(kh, kw, filters, in)``,
DepthwiseConv2D ``(kh, kw, in, depth_multiplier)``, SeparableConv2D depthwise
``(kh, kw, in, depth_multiplier)`` + pointwise ``(1, 1, in*depth_multiplier, filters)``.
The arithmetic is in :mod:`pipeseq.kernels.conv`; ``layer.method`` (``"auto"``, ``"im2col"``,
``"fft"``; not part of the Keras config) selects the implementation.

Example
-------
>>> import numpy as np
>>> Conv1D(32, 3, activation="relu")(np.ones((4, 10, 128), "float32")).shape
(4, 8, 32)
"""
import numpy as np

from .. import initializers, regularizers
from ..kernels import conv as ops
from .base import format_shape, register
from .conv_base import _BaseConv, _ser, join_shape, to_channels_last, to_data_format


class _Conv(_BaseConv):
    """N-D convolution: ``activation(conv(x, kernel) + bias)``."""

    can_skip_input_grad = True     # backward(..., need_dx=False) skips the input gradient

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(**kwargs)
        self._common_init(kernel_size, strides, padding, data_format, dilation_rate, activation,
                          use_bias, bias_initializer, bias_regularizer, activity_regularizer,
                          bias_constraint)
        self.filters = self._check_filters(filters)
        if not isinstance(groups, (int, np.integer)) or groups <= 0 or self.filters % groups:
            raise ValueError(f"{self._who}: `groups` must be a positive integer dividing "
                             f"filters={self.filters}. Received: groups={groups!r}")
        self.groups = int(groups)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.kernel_constraint = regularizers.get_constraint(kernel_constraint)

    def build(self, input_shape):
        c = self._in_channels(input_shape)
        if c % self.groups:
            raise ValueError(f"{self._who}: the number of input channels ({c}) must be divisible "
                             f"by groups={self.groups}. Input shape received: "
                             f"{format_shape(input_shape)}")
        self._spatial_out(input_shape)
        self.kernel = self.add_weight("kernel", self.kernel_size + (c // self.groups, self.filters),
                                      self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self._add_bias(self.filters)

    def compute_output_shape(self, input_shape):
        return join_shape(input_shape[0], self._spatial_out(input_shape), self.filters, self.data_format)

    def forward(self, x, training=False):
        self._check_input(x, self.kernel.shape[-2] * self.groups)
        relu = self._plain_relu()
        fused = relu or self.activation.name == "linear"      # bias (+ ReLU) inside the conv op
        z, conv_cache = ops.conv_forward(
            to_channels_last(x, self.data_format), self.kernel.value, self.strides, self.padding,
            self.dilation_rate, self.groups, method=self.method,
            bias=self.bias.value if fused and self.use_bias else None, relu=relu)
        if fused:
            return to_data_format(z, self.data_format), (conv_cache, None, None)
        y, z = self._finish(z)
        return to_data_format(y, self.data_format), (conv_cache, z, y)

    def backward(self, cache, dy, need_dx=True):
        conv_cache, z, y = cache
        dy = to_channels_last(dy, self.data_format)
        if y is None:                                          # fused forward
            grads = ops.conv_backward(conv_cache, dy, need_input=need_dx)
            dx, dk, db = grads if self.use_bias else grads + (None,)
        else:
            dz, db = self._unfinish(z, y, dy)
            dx, dk = ops.conv_backward(conv_cache, dz, need_input=need_dx)
        dx = None if dx is None else to_data_format(dx, self.data_format)
        return dx, ([dk, db] if self.use_bias else [dk])

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, **self._common_config(),
                "groups": self.groups,
                "kernel_initializer": _ser(self.kernel_initializer, "init"),
                "kernel_regularizer": _ser(self.kernel_regularizer, "reg"),
                "kernel_constraint": _ser(self.kernel_constraint, "constraint"),
                **self._bias_config()}


@register(aliases=("Convolution1D",))
class Conv1D(_Conv):
    """1-D convolution over ``(batch, steps, channels)``; kernel ``(k, in/groups, filters)``.

    ``padding="causal"`` left-pads by ``(k-1)*dilation`` so ``output[t]`` sees only ``input[:t+1]``.

    >>> import numpy as np
    >>> Conv1D(2, 3, padding="causal")(np.ones((1, 5, 4), "float32")).shape
    (1, 5, 2)
    """

    rank = 1
    allow_causal = True


@register(aliases=("Convolution2D",))
class Conv2D(_Conv):
    """2-D convolution over images; kernel ``(kh, kw, in/groups, filters)``.

    >>> import numpy as np
    >>> Conv2D(32, 5, strides=2)(np.ones((1, 250, 250, 3), "float32")).shape
    (1, 123, 123, 32)
    """

    rank = 2
