"""What the convolution layers share: argument checks, data-format helpers, and
``_BaseConv`` (shape inference, bias and activation). The families are in
:mod:`.conv` (Conv1D, Conv2D), :mod:`.conv_transpose` and :mod:`.conv_depthwise`;
pooling and reshaping layers use the data-format helpers too.

Example
-------
>>> join_shape(None, (5, 5), 3, "channels_first")
(None, 3, 5, 5)
"""
import numpy as np

from .. import backend, initializers, regularizers
from ..kernels import activations as act_ops
from ..kernels import conv as ops
from .base import Layer, format_shape, standardize_tuple


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
