"""Convolution layers: Conv1D, Conv2D, Conv2DTranspose, DepthwiseConv2D, SeparableConv2D.

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
>>> Conv2DTranspose(12, (3, 3), strides=2)(np.ones((32, 2, 2, 1), "float32")).shape
(32, 5, 5, 12)
"""
import numpy as np

from .. import backend, initializers, regularizers
from ..kernels import activations as act_ops
from ..kernels import conv as ops
from .base import Layer, register, format_shape, standardize_tuple


# ------------------------------------------------------------ shared helpers
def standardize_data_format(layer_name, value):
    """``None`` -> ``backend.image_data_format()`` (read now, at construction)."""
    if value is None:
        return backend.image_data_format()
    value = str(value).lower()
    if value not in ("channels_last", "channels_first"):
        raise ValueError(f"{layer_name}: `data_format` must be 'channels_last' or "
                         f"'channels_first'. Received: data_format={value!r}")
    return value


def standardize_padding(layer_name, value, allow_causal=False):
    allowed = ("valid", "same", "causal") if allow_causal else ("valid", "same")
    v = str(value).lower()
    if v not in allowed:
        raise ValueError(f"{layer_name}: `padding` must be one of {allowed}. Received: padding={value!r}")
    return v


def tuple_arg(layer_name, value, n, name, allow_zero=False):
    """:func:`standardize_tuple` with the layer named in the error."""
    try:
        return standardize_tuple(value, n, name, allow_zero=allow_zero)
    except (ValueError, TypeError) as e:
        raise ValueError(f"{layer_name}: {e}") from None


def to_channels_last(x, data_format):
    return np.moveaxis(x, 1, -1) if data_format == "channels_first" else x


def to_data_format(y, data_format):
    return np.moveaxis(y, -1, 1) if data_format == "channels_first" else y


def spatial_of(shape, data_format):
    return tuple(shape[2:]) if data_format == "channels_first" else tuple(shape[1:-1])


def channels_of(shape, data_format):
    return shape[1] if data_format == "channels_first" else shape[-1]


def join_shape(batch, spatial, channels, data_format):
    if data_format == "channels_first":
        return (batch, channels) + tuple(spatial)
    return (batch,) + tuple(spatial) + (channels,)


def _ser(obj, kind):
    if kind == "init":
        return initializers.serialize(obj)
    if kind == "constraint":
        return regularizers.serialize_constraint(obj)
    return regularizers.serialize(obj)


# ----------------------------------------------------------------- the base
class _BaseConv(Layer):
    """Shared argument handling, shape inference and bias/activation for the conv layers."""

    rank = 2
    allow_causal = False

    def _common_init(self, kernel_size, strides, padding, data_format, dilation_rate, activation,
                     use_bias, bias_initializer, bias_regularizer, activity_regularizer,
                     bias_constraint):
        who = f"{type(self).__name__} '{self.name}'"
        self._who = who
        self.kernel_size = tuple_arg(who, kernel_size, self.rank, "kernel_size")
        self.strides = tuple_arg(who, strides, self.rank, "strides")
        self.dilation_rate = tuple_arg(who, dilation_rate, self.rank, "dilation_rate")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(f"{who}: `strides > 1` not supported in conjunction with "
                             f"`dilation_rate > 1`. Received: strides={self.strides} and "
                             f"dilation_rate={self.dilation_rate}")
        self.padding = standardize_padding(who, padding, self.allow_causal)
        self.data_format = standardize_data_format(who, data_format)
        self.activation = act_ops.get(activation)
        self.use_bias = bool(use_bias)
        self.bias_initializer = initializers.get(bias_initializer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.bias_constraint = regularizers.get_constraint(bias_constraint)
        self.ndim = self.rank + 2
        self.method = "auto"

    def _check_filters(self, filters):
        if not isinstance(filters, (int, np.integer)) or filters <= 0:
            raise ValueError(f"{self._who}: `filters` must be a positive integer. "
                             f"Received: filters={filters!r}")
        return int(filters)

    def _depthwise_init(self, depth_multiplier, initializer, regularizer, constraint):
        """Arguments of the depthwise kernel (DepthwiseConv2D and SeparableConv2D)."""
        if not isinstance(depth_multiplier, (int, np.integer)) or depth_multiplier <= 0:
            raise ValueError(f"{self._who}: `depth_multiplier` must be a positive integer. "
                             f"Received: depth_multiplier={depth_multiplier!r}")
        self.depth_multiplier = int(depth_multiplier)
        self.depthwise_initializer = initializers.get(initializer)
        self.depthwise_regularizer = regularizers.get(regularizer)
        self.depthwise_constraint = regularizers.get_constraint(constraint)

    def _in_channels(self, input_shape):
        c = channels_of(input_shape, self.data_format)
        if c is None:
            raise ValueError(f"{self._who}: the channel dimension of the input must be known "
                             f"(data_format={self.data_format!r}). Received input shape "
                             f"{format_shape(input_shape)}")
        return c

    def _spatial_out(self, input_shape):
        spatial = spatial_of(input_shape, self.data_format)
        out = tuple(ops.conv_output_length(n, k, self.padding, s, d)
                    for n, k, s, d in zip(spatial, self.kernel_size, self.strides, self.dilation_rate))
        if any(o is not None and o <= 0 for o in out):
            k_eff = tuple((k - 1) * d + 1 for k, d in zip(self.kernel_size, self.dilation_rate))
            raise ValueError(f"{self._who}: the kernel (kernel_size={self.kernel_size}, "
                             f"dilation_rate={self.dilation_rate}, effective size {k_eff}) is "
                             f"larger than the input's spatial size {spatial} with "
                             f"padding={self.padding!r}. Input shape received: "
                             f"{format_shape(input_shape)}")
        return out

    def _check_input(self, x, expected_channels):
        if x.ndim != self.ndim:
            raise ValueError(f"Input 0 of layer '{self.name}' ({type(self).__name__}) is "
                             f"incompatible with the layer: expected ndim={self.ndim}, found "
                             f"ndim={x.ndim}. Full shape received: {x.shape}")
        if channels_of(x.shape, self.data_format) != expected_channels:
            raise ValueError(f"Input 0 of layer '{self.name}' ({type(self).__name__}) is "
                             f"incompatible with the layer: expected {expected_channels} input "
                             f"channels (data_format={self.data_format!r}), but received input "
                             f"with shape {x.shape}")
        self._spatial_out(x.shape)

    def _plain_relu(self):
        act = self.activation
        return act.name == "relu" and not getattr(act, "kwargs", True) \
            and getattr(act, "_fn", None) is act_ops.relu

    def _finish(self, z):
        """Add bias, apply activation; returns ``(y_last, z)``.

        Plain ReLU runs in place (``z`` is then not kept: its gradient only needs ``y > 0``).
        """
        if self.use_bias:
            z += self.bias.value
        if self._plain_relu():
            y = np.maximum(z, 0, out=z)
            return y, None
        y = self.activation(z) if self.activation.name != "linear" else z
        return y, z

    def _unfinish(self, z, y, dy):
        if self._plain_relu():
            dz = dy * (y > 0)            # as ops.activations.relu_backward; 6x faster than where()
        else:
            dz = self.activation.backward(z, y, dy) if self.activation.name != "linear" else dy
        db = dz.sum(axis=tuple(range(dz.ndim - 1))) if self.use_bias else None
        return dz, db

    def _common_config(self):
        return {"kernel_size": self.kernel_size, "strides": self.strides, "padding": self.padding,
                "data_format": self.data_format, "dilation_rate": self.dilation_rate,
                "activation": self.activation.name, "use_bias": self.use_bias}

    def _bias_config(self):
        return {"bias_initializer": _ser(self.bias_initializer, "init"),
                "bias_regularizer": _ser(self.bias_regularizer, "reg"),
                "activity_regularizer": _ser(self.activity_regularizer, "reg"),
                "bias_constraint": _ser(self.bias_constraint, "constraint")}

    def _add_bias(self, n):
        self.bias = self.add_weight("bias", (n,), self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None


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


# The other convolution families live in their own modules; re-exported here.
from .conv_transpose import Conv1DTranspose, Conv2DTranspose  # noqa: E402,F401
from .conv_depthwise import DepthwiseConv2D, SeparableConv2D  # noqa: E402,F401
