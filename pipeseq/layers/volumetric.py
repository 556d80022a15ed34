"""The 3-D layers: Conv3D, Conv3DTranspose, Max/AveragePooling3D, Global*Pooling3D,
UpSampling3D, ZeroPadding3D, Cropping3D.

Inputs are ``(batch, d1, d2, d3, channels)`` (or channels first); kernels are stored as
Keras stores them: Conv3D ``(kd, kh, kw, in/groups, filters)``, Conv3DTranspose
``(kd, kh, kw, filters, in)``. The arithmetic is in :mod:`pipeseq.kernels.volumetric`.

Example
-------
>>> import numpy as np
>>> x = np.ones((2, 6, 6, 6, 1), "float32")
>>> Conv3D(4, 3, padding="same")(x).shape
(2, 6, 6, 6, 4)
>>> MaxPooling3D(2)(x).shape, UpSampling3D(2)(x).shape
((2, 3, 3, 3, 1), (2, 12, 12, 12, 1))
"""
import numpy as np

from ..kernels import volumetric as vops
from .base import register
from .conv import _Conv
from .conv_base import to_channels_last, to_data_format, tuple_arg
from .conv_transpose import _ConvTranspose
from .pooling import _GlobalPooling, _Pooling
from .reshaping import _PadCrop, _Spatial


@register(aliases=("Convolution3D",))
class Conv3D(_Conv):
    """3-D convolution over volumes; kernel ``(kd, kh, kw, in/groups, filters)``."""

    rank = 3

    def forward(self, x, training=False):
        self._check_input(x, self.kernel.shape[-2] * self.groups)
        z, conv_cache = vops.conv_forward(to_channels_last(x, self.data_format),
                                          self.kernel.value, self.strides, self.padding,
                                          self.dilation_rate, self.groups)
        y, z = self._finish(z)
        return to_data_format(y, self.data_format), (conv_cache, z, y)

    def backward(self, cache, dy, need_dx=True):
        conv_cache, z, y = cache
        dz, db = self._unfinish(z, y, to_channels_last(dy, self.data_format))
        dx, dk = vops.conv_backward(conv_cache, dz, need_input=need_dx)
        dx = None if dx is None else to_data_format(dx, self.data_format)
        return dx, ([dk, db] if self.use_bias else [dk])


@register(aliases=("Convolution3DTranspose", "Deconvolution3D"))
class Conv3DTranspose(_ConvTranspose):
    """Transposed 3-D convolution; kernel ``(kd, kh, kw, filters, in)``."""

    rank = 3

    def forward(self, x, training=False):
        self._check_input(x, self.kernel.shape[-1])
        z, conv_cache = vops.conv_transpose_forward(
            to_channels_last(x, self.data_format), self.kernel.value, self._spatial_out(x.shape),
            self.strides, self.padding, self.dilation_rate)
        y, z = self._finish(z)
        return to_data_format(y, self.data_format), (conv_cache, z, y)

    def backward(self, cache, dy):
        conv_cache, z, y = cache
        dz, db = self._unfinish(z, y, to_channels_last(dy, self.data_format))
        dx, dk = vops.conv_transpose_backward(conv_cache, dz)
        return to_data_format(dx, self.data_format), ([dk, db] if self.use_bias else [dk])


class _Pooling3D(_Pooling):
    rank = 3
    kernels = vops


@register(aliases=("MaxPool3D",))
class MaxPooling3D(_Pooling3D):
    """Max over ``pool_size`` windows of volumes; the gradient goes to one arg-max per window."""
    mode = "max"


@register(aliases=("AvgPool3D", "AveragePool3D"))
class AveragePooling3D(_Pooling3D):
    """Mean over ``pool_size`` windows; "same" windows average only real inputs."""
    mode = "avg"


@register(aliases=("GlobalMaxPool3D",))
class GlobalMaxPooling3D(_GlobalPooling):
    """Max over the three spatial axes: ``(batch, d1, d2, d3, ch) -> (batch, ch)``."""
    rank, mode = 3, "max"


@register(aliases=("GlobalAvgPool3D",))
class GlobalAveragePooling3D(_GlobalPooling):
    """Mean over the three spatial axes."""
    rank, mode = 3, "avg"


@register
class UpSampling3D(_Spatial):
    """Repeat each voxel ``size`` times along each spatial axis (nearest neighbour)."""

    rank = 3

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self._setup(data_format)
        self.size = tuple_arg(self._who, size, 3, "size")

    def _out_len(self, i, n):
        return n * self.size[i]

    def _fwd(self, x):
        for axis, s in enumerate(self.size, start=1):
            x = np.repeat(x, s, axis=axis)
        return x

    def _bwd(self, dy, shape):
        n, d1, d2, d3, c = shape
        s1, s2, s3 = self.size
        return dy.reshape(n, d1, s1, d2, s2, d3, s3, c).sum(axis=(2, 4, 6))

    def get_config(self):
        return {**super().get_config(), "size": self.size, "data_format": self.data_format}


def _pairs3(who, value, name):
    """Keras's 3-D padding/cropping forms: int, 3 ints, or 3 ``(before, after)`` pairs."""
    if isinstance(value, (int, np.integer)):
        return ((int(value), int(value)),) * 3
    value = tuple(value)
    if len(value) == 3 and all(isinstance(v, (int, np.integer)) for v in value):
        return tuple((int(v), int(v)) for v in tuple_arg(who, value, 3, name, allow_zero=True))
    if len(value) != 3:
        raise ValueError(f"{who}: `{name}` should have 3 elements (an int, 3 ints or 3 tuples of "
                         f"2 ints). Received: {name}={value!r}")
    return tuple(tuple_arg(who, v, 2, name, allow_zero=True) for v in value)


@register
class ZeroPadding3D(_PadCrop):
    """Pad the three spatial axes with zeros."""

    rank = 3

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self._setup(data_format)
        self._amounts = _pairs3(self._who, padding, "padding")
        self.padding = self._amounts

    def get_config(self):
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}


@register
class Cropping3D(_PadCrop):
    """Crop the three spatial axes."""

    rank = 3
    sign = -1

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self._setup(data_format)
        self._amounts = _pairs3(self._who, cropping, "cropping")
        self.cropping = self._amounts

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping,
                "data_format": self.data_format}
