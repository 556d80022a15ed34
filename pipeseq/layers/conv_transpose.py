"""Transposed convolutions: Conv1DTranspose, Conv2DTranspose (kernel ``(k..., out, in)``)."""
from .. import initializers, regularizers
from ..kernels import conv as ops
from ..kernels.conv_transpose import conv_transpose_backward, conv_transpose_forward
from .base import register
from .conv_base import (_BaseConv, _ser, join_shape, spatial_of, to_channels_last, to_data_format,
                   tuple_arg)

class _ConvTranspose(_BaseConv):
    """Transposed convolution: the input gradient of a convolution, plus bias and activation."""

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(**kwargs)
        self._common_init(kernel_size, strides, padding, data_format, dilation_rate, activation,
                          use_bias, bias_initializer, bias_regularizer, activity_regularizer,
                          bias_constraint)
        self.filters = self._check_filters(filters)
        if output_padding is None:
            self.output_padding = None
        else:
            self.output_padding = tuple_arg(self._who, output_padding, self.rank, "output_padding",
                                            allow_zero=True)
            for op, s in zip(self.output_padding, self.strides):
                if op >= s:
                    raise ValueError(f"{self._who}: `output_padding` must be strictly less than "
                                     f"`strides`. Received: output_padding={self.output_padding}, "
                                     f"strides={self.strides}")
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.kernel_constraint = regularizers.get_constraint(kernel_constraint)

    def _spatial_out(self, input_shape):
        spatial = spatial_of(input_shape, self.data_format)
        ops_ = self.output_padding or (None,) * self.rank
        return tuple(ops.deconv_output_length(n, k, self.padding, op, s, d) for n, k, op, s, d
                     in zip(spatial, self.kernel_size, ops_, self.strides, self.dilation_rate))

    def build(self, input_shape):
        c = self._in_channels(input_shape)
        self.kernel = self.add_weight("kernel", self.kernel_size + (self.filters, c),
                                      self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self._add_bias(self.filters)

    def compute_output_shape(self, input_shape):
        return join_shape(input_shape[0], self._spatial_out(input_shape), self.filters, self.data_format)

    def forward(self, x, training=False):
        self._check_input(x, self.kernel.shape[-1])
        z, conv_cache = conv_transpose_forward(
            to_channels_last(x, self.data_format), self.kernel.value, self._spatial_out(x.shape),
            self.strides, self.padding, self.dilation_rate, method=self.method)
        y, z = self._finish(z)
        return to_data_format(y, self.data_format), (conv_cache, z, y)

    def backward(self, cache, dy):
        conv_cache, z, y = cache
        dz, db = self._unfinish(z, y, to_channels_last(dy, self.data_format))
        dx, dk = conv_transpose_backward(conv_cache, dz)
        return to_data_format(dx, self.data_format), ([dk, db] if self.use_bias else [dk])

    def get_config(self):
        cfg = {**super().get_config(), "filters": self.filters, **self._common_config(),
               "output_padding": self.output_padding,
               "kernel_initializer": _ser(self.kernel_initializer, "init"),
               "kernel_regularizer": _ser(self.kernel_regularizer, "reg"),
               "kernel_constraint": _ser(self.kernel_constraint, "constraint"),
               **self._bias_config()}
        return cfg


@register(aliases=("Deconvolution2D", "Convolution2DTranspose"))
class Conv2DTranspose(_ConvTranspose):
    """Transposed 2-D convolution (the gradient of Conv2D), kernel ``(kh, kw, filters, in)``.

    Output size per axis: "valid": ``n*s + max(k - s, 0)``; "same": ``n*s``; with
    ``output_padding=p``: ``(n-1)*s + k - 2*pad + p`` (``pad = k//2`` for "same").

    >>> import numpy as np
    >>> Conv2DTranspose(12, (3, 3), strides=2)(np.ones((32, 2, 2, 1), "float32")).shape
    (32, 5, 5, 12)
    """

    rank = 2


@register(aliases=("Convolution1DTranspose", "Deconvolution1D"))
class Conv1DTranspose(_ConvTranspose):
    """Transposed 1-D convolution, kernel ``(k, filters, in)``.

    >>> import numpy as np
    >>> Conv1DTranspose(4, 3, strides=2)(np.ones((2, 5, 3), "float32")).shape
    (2, 11, 4)
    """

    rank = 1
