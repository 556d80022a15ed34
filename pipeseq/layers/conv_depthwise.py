"""Depthwise and separable convolutions: DepthwiseConv1D/2D, SeparableConv1D/2D.

The 1-D layers run as 2-D ones with a height of 1 (kernels keep Keras's 1-D layout:
depthwise ``(k, in, depth_multiplier)``, pointwise ``(1, in*depth_multiplier, filters)``).
"""
from .. import initializers, regularizers
from ..kernels import conv as ops
from ..kernels import conv_depthwise as dw_ops
from .base import register
from .conv_base import (_BaseConv, _ser, channels_of, join_shape, to_channels_last,
                   to_data_format)

def _depthwise(layer, x, kernel):
    """``(h, cache)``: the direct kernel (``method="auto"``; 1-D as height 1), or the grouped
    im2col/fft paths."""
    if layer.method == "auto" and ops.default_method() == "auto":
        one_d = x.ndim == 3
        strides, dilation = tuple(layer.strides), tuple(layer.dilation_rate)
        if one_d:
            x, kernel, strides, dilation = x[:, None], kernel[None], (1,) + strides, (1,) + dilation
        h, cache = dw_ops.depthwise_forward(x, kernel, strides, layer.padding, dilation)
        return (h[:, 0] if one_d else h), ("direct", cache, one_d)
    h, cache = ops.conv_forward(x, ops.depthwise_kernel_to_grouped(kernel), layer.strides,
                                layer.padding, layer.dilation_rate, groups=kernel.shape[-2],
                                method=layer.method)
    return h, ("grouped", cache, False)


def _depthwise_grads(cache, dh, kernel_shape):
    kind, cache, one_d = cache
    if kind == "direct":
        dx, dk = dw_ops.depthwise_backward(cache, dh[:, None] if one_d else dh)
        return (dx[:, 0] if one_d else dx), dk.reshape(kernel_shape)
    dx, dk = ops.conv_backward(cache, dh)
    return dx, dk.reshape(kernel_shape)


@register
class DepthwiseConv2D(_BaseConv):
    """Per-channel 2-D convolution; kernel ``(kh, kw, in, depth_multiplier)``.

    Output channel ``c*depth_multiplier + j`` is input channel ``c`` filtered by ``kernel[..., c, j]``.

    >>> import numpy as np
    >>> DepthwiseConv2D(3, depth_multiplier=2)(np.ones((1, 5, 5, 3), "float32")).shape
    (1, 3, 3, 6)
    """

    rank = 2

    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(**kwargs)
        self._common_init(kernel_size, strides, padding, data_format, dilation_rate, activation,
                          use_bias, bias_initializer, bias_regularizer, activity_regularizer,
                          bias_constraint)
        self._depthwise_init(depth_multiplier, depthwise_initializer, depthwise_regularizer,
                             depthwise_constraint)

    def build(self, input_shape):
        c = self._in_channels(input_shape)
        self._spatial_out(input_shape)
        self.kernel = self.add_weight("kernel", self.kernel_size + (c, self.depth_multiplier),
                                      self.depthwise_initializer,
                                      regularizer=self.depthwise_regularizer,
                                      constraint=self.depthwise_constraint)
        self._add_bias(c * self.depth_multiplier)

    def compute_output_shape(self, input_shape):
        c = channels_of(input_shape, self.data_format)
        return join_shape(input_shape[0], self._spatial_out(input_shape),
                          None if c is None else c * self.depth_multiplier, self.data_format)

    def forward(self, x, training=False):
        c = self.kernel.shape[-2]
        self._check_input(x, c)
        z, conv_cache = _depthwise(self, to_channels_last(x, self.data_format), self.kernel.value)
        y, z = self._finish(z)
        return to_data_format(y, self.data_format), (conv_cache, z, y)

    def backward(self, cache, dy):
        conv_cache, z, y = cache
        dz, db = self._unfinish(z, y, to_channels_last(dy, self.data_format))
        dx, dk = _depthwise_grads(conv_cache, dz, self.kernel.shape)
        return to_data_format(dx, self.data_format), ([dk, db] if self.use_bias else [dk])

    def get_config(self):
        return {**super().get_config(), **self._common_config(),
                "depth_multiplier": self.depth_multiplier,
                "depthwise_initializer": _ser(self.depthwise_initializer, "init"),
                "depthwise_regularizer": _ser(self.depthwise_regularizer, "reg"),
                "depthwise_constraint": _ser(self.depthwise_constraint, "constraint"),
                **self._bias_config()}


@register(aliases=("SeparableConvolution2D",))
class SeparableConv2D(_BaseConv):
    """Depthwise convolution followed by a 1x1 pointwise convolution.

    Weights: ``depthwise_kernel (kh, kw, in, depth_multiplier)``,
    ``pointwise_kernel (1, 1, in*depth_multiplier, filters)``, ``bias (filters,)``.

    >>> import numpy as np
    >>> SeparableConv2D(4, 3, padding="same")(np.ones((1, 5, 5, 3), "float32")).shape
    (1, 5, 5, 4)
    """

    rank = 2

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, pointwise_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(**kwargs)
        self._common_init(kernel_size, strides, padding, data_format, dilation_rate, activation,
                          use_bias, bias_initializer, bias_regularizer, activity_regularizer,
                          bias_constraint)
        self.filters = self._check_filters(filters)
        self._depthwise_init(depth_multiplier, depthwise_initializer, depthwise_regularizer,
                             depthwise_constraint)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.pointwise_constraint = regularizers.get_constraint(pointwise_constraint)

    def build(self, input_shape):
        c = self._in_channels(input_shape)
        self._spatial_out(input_shape)
        m = self.depth_multiplier
        self.depthwise_kernel = self.add_weight(
            "depthwise_kernel", self.kernel_size + (c, m), self.depthwise_initializer,
            regularizer=self.depthwise_regularizer, constraint=self.depthwise_constraint)
        self.pointwise_kernel = self.add_weight(
            "pointwise_kernel", (1,) * self.rank + (c * m, self.filters), self.pointwise_initializer,
            regularizer=self.pointwise_regularizer, constraint=self.pointwise_constraint)
        self._add_bias(self.filters)

    def compute_output_shape(self, input_shape):
        return join_shape(input_shape[0], self._spatial_out(input_shape), self.filters, self.data_format)

    def forward(self, x, training=False):
        c = self.depthwise_kernel.shape[-2]
        self._check_input(x, c)
        h, dw_cache = _depthwise(self, to_channels_last(x, self.data_format),
                                 self.depthwise_kernel.value)
        pw = self.pointwise_kernel.value.reshape(self.pointwise_kernel.shape[-2:])
        z = (h.reshape(-1, h.shape[-1]) @ pw).reshape(h.shape[:-1] + (pw.shape[1],))  # one GEMM
        y, z = self._finish(z)
        return to_data_format(y, self.data_format), (dw_cache, h, pw, z, y)

    def backward(self, cache, dy):
        dw_cache, h, pw, z, y = cache
        dz, db = self._unfinish(z, y, to_channels_last(dy, self.data_format))
        dpw = (h.reshape(-1, h.shape[-1]).T @ dz.reshape(-1, dz.shape[-1])).reshape(
            self.pointwise_kernel.shape)
        dh = (dz.reshape(-1, dz.shape[-1]) @ pw.T).reshape(h.shape)
        dx, ddw = _depthwise_grads(dw_cache, dh, self.depthwise_kernel.shape)
        grads = [ddw, dpw]
        return to_data_format(dx, self.data_format), grads + ([db] if self.use_bias else [])

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, **self._common_config(),
                "depth_multiplier": self.depth_multiplier,
                "depthwise_initializer": _ser(self.depthwise_initializer, "init"),
                "pointwise_initializer": _ser(self.pointwise_initializer, "init"),
                "depthwise_regularizer": _ser(self.depthwise_regularizer, "reg"),
                "pointwise_regularizer": _ser(self.pointwise_regularizer, "reg"),
                "depthwise_constraint": _ser(self.depthwise_constraint, "constraint"),
                "pointwise_constraint": _ser(self.pointwise_constraint, "constraint"),
                **self._bias_config()}


@register
class DepthwiseConv1D(DepthwiseConv2D):
    """Per-channel 1-D convolution; kernel ``(k, in, depth_multiplier)``.

    >>> import numpy as np
    >>> DepthwiseConv1D(3, depth_multiplier=2)(np.ones((1, 5, 3), "float32")).shape
    (1, 3, 6)
    """

    rank = 1

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=1, **kwargs):
        super().__init__(kernel_size, strides=strides, padding=padding,
                         depth_multiplier=depth_multiplier, data_format=data_format,
                         dilation_rate=dilation_rate, **kwargs)


@register(aliases=("SeparableConvolution1D",))
class SeparableConv1D(SeparableConv2D):
    """Depthwise 1-D convolution followed by a pointwise one.

    >>> import numpy as np
    >>> SeparableConv1D(4, 3)(np.ones((1, 5, 3), "float32")).shape
    (1, 3, 4)
    """

    rank = 1

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate, **kwargs)
