"""``LocallyConnected1D`` and ``LocallyConnected2D``: tf_keras's (Keras 2) unshared
convolutions, in ``compat.layers`` and ``keras.layers.local``.

Like ``Conv1D``/``Conv2D`` but every output position has its own filter. Weights as
tf_keras, in the layout of the ``implementation`` mode: ``kernel`` (see
:mod:`pipeseq.kernels.local`: ``(positions, prod(kernel_size) * channels, filters)``
for mode 1, the dense masked kernel for mode 2, the nonzero entries for mode 3) and
``bias (output positions..., filters)``. The three modes compute the same function; mode 1
allows only ``padding="valid"``, as in tf_keras. With ``channels_first`` the bias is added
as tf_keras adds it (its array reshaped, not transposed, to ``(1, filters, positions...)``).

Example
-------
>>> import numpy as np
>>> lc = LocallyConnected2D(4, (3, 3), input_shape=(6, 6, 2))
>>> lc(np.zeros((1, 6, 6, 2), "float32")).shape, lc.kernel.shape, lc.bias.shape
((1, 4, 4, 4), (16, 18, 4), (4, 4, 4))
"""
import numpy as np

from .. import initializers, regularizers
from ..kernels import activations as act_ops
from ..kernels import local as ops
from .base import Layer, format_shape, register
from .conv_base import (channels_of, join_shape, spatial_of, standardize_data_format,
                        standardize_padding, tuple_arg)


class _LocallyConnected(Layer):
    """What LocallyConnected1D and LocallyConnected2D share (``rank`` spatial axes)."""

    rank = 1

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 implementation=1, **kwargs):
        super().__init__(**kwargs)
        who = f"{type(self).__name__} '{self.name}'"
        if isinstance(filters, bool) or not isinstance(filters, (int, np.integer)) or filters <= 0:
            raise ValueError(f"{who}: `filters` must be a positive integer. "
                             f"Received: filters={filters!r}")
        self.filters = int(filters)
        self.kernel_size = tuple_arg(who, kernel_size, self.rank, "kernel_size")
        self.strides = tuple_arg(who, strides, self.rank, "strides")
        self.padding = standardize_padding(who, padding)
        if implementation not in (1, 2, 3):
            raise ValueError(f"{who}: unrecognized implementation mode. Expected 1, 2 or 3. "
                             f"Received: implementation={implementation!r}")
        if self.padding != "valid" and implementation == 1:
            raise ValueError(f"Invalid border mode for {type(self).__name__} (only \"valid\" is "
                             f"supported if implementation is 1): {padding}")
        self.implementation = int(implementation)
        self.data_format = standardize_data_format(who, data_format)
        self.activation = act_ops.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = regularizers.get_constraint(kernel_constraint)
        self.bias_constraint = regularizers.get_constraint(bias_constraint)
        self.ndim = self.rank + 2

    def _geometry(self, input_shape):
        spatial = spatial_of(input_shape, self.data_format)
        channels = channels_of(input_shape, self.data_format)
        if channels is None or any(n is None for n in spatial):
            raise ValueError(f"{type(self).__name__} '{self.name}' needs every input axis but "
                             "the batch one to be known (each position has its own weights). "
                             f"Received: input_shape={format_shape(input_shape)}")
        geo = ops.geometry(spatial, self.kernel_size, self.strides, self.padding, channels,
                           self.filters, self.data_format)
        if any(n <= 0 for n in geo.out_spatial):
            raise ValueError(f"One of the dimensions in the output is <= 0 due to downsampling "
                             f"in {self.name}. Consider increasing the input size. Received "
                             f"input shape {format_shape(input_shape)} which would produce output "
                             "shape with a zero or negative value in a dimension.")
        return geo

    def build(self, input_shape):
        geo = self._geometry(input_shape)
        if self.implementation == 1:
            shape, self._aux = ops.patch_kernel_shape(geo), ops.patch_indices(geo)
        elif self.implementation == 2:
            shape, self._aux = ops.dense_kernel_shape(geo), ops.dense_mask(geo)
        else:
            self._aux = ops.sparse_pairs(geo)
            shape = (len(self._aux[0]),)
        self._geo = geo
        self.kernel = self.add_weight("kernel", shape, self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = self.add_weight("bias", geo.out_spatial + (self.filters,),
                                    self.bias_initializer, regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None

    def compute_output_shape(self, input_shape):
        spatial = spatial_of(input_shape, self.data_format)
        out = tuple(None if n is None else ops.output_length(n, k, self.padding, s)
                    for n, k, s in zip(spatial, self.kernel_size, self.strides))
        return join_shape(input_shape[0], out, self.filters, self.data_format)

    def _out_shape(self, batch):
        return join_shape(batch, self._geo.out_spatial, self.filters, self.data_format)

    def _bias_shape(self):
        b = self.bias.shape
        return (1, b[-1]) + b[:-1] if self.data_format == "channels_first" else (1,) + b

    def forward(self, x, training=False):
        if tuple(x.shape[1:]) != tuple(self._out_in_shape()):
            raise ValueError(f"Input 0 of layer '{self.name}' is incompatible with the layer: "
                             f"expected shape={format_shape((None,) + self._out_in_shape())}, "
                             f"found shape={format_shape(x.shape)}")
        yf, cache = ops.forward(x, self.kernel.value, self.implementation, self._geo, self._aux)
        z = yf.reshape(self._out_shape(x.shape[0]))
        if self.bias is not None:
            z = z + self.bias.value.reshape(self._bias_shape())
        z = z.astype(x.dtype, copy=False)
        if self.activation.name == "linear":
            return z, (cache, None, None)
        y = self.activation(z)
        return y, (cache, z, y)

    def _out_in_shape(self):
        return join_shape(None, self._geo.in_spatial, self._geo.channels, self.data_format)[1:]

    def backward(self, cache, dy):
        cache, z, y = cache
        if z is not None:
            dy = self.activation.backward(z, y, dy)
        B = dy.shape[0]
        dx, dk = ops.backward(cache, dy.reshape(B, -1), self.kernel.value, self.implementation,
                              self._geo, self._aux)
        grads = [dk.astype(self.kernel.dtype, copy=False)]
        if self.bias is not None:
            grads.append(dy.sum(axis=0).reshape(self.bias.shape))
        return dx, grads

    def get_config(self):
        return {**super().get_config(), "filters": self.filters,
                "kernel_size": list(self.kernel_size), "strides": list(self.strides),
                "padding": self.padding, "data_format": self.data_format,
                "activation": self.activation.name, "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "kernel_constraint": regularizers.serialize_constraint(self.kernel_constraint),
                "bias_constraint": regularizers.serialize_constraint(self.bias_constraint),
                "implementation": self.implementation}


@register
class LocallyConnected1D(_LocallyConnected):
    """Unshared 1-D convolution over ``(batch, steps, channels)`` (see the module docstring).

    Example
    -------
    >>> import numpy as np
    >>> LocallyConnected1D(2, 3, strides=2)(np.zeros((4, 9, 3), "float32")).shape
    (4, 4, 2)
    """

    rank = 1


@register
class LocallyConnected2D(_LocallyConnected):
    """Unshared 2-D convolution over ``(batch, rows, cols, channels)`` (see the module
    docstring)."""

    rank = 2
