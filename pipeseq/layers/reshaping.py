"""Spatial reshaping layers: UpSampling1D/2D, ZeroPadding1D/2D, Cropping1D/2D.

Example
-------
>>> import numpy as np
>>> UpSampling2D((2, 3))(np.ones((1, 2, 2, 1), "float32")).shape
(1, 4, 6, 1)
>>> ZeroPadding2D(((1, 0), (2, 3)))(np.ones((1, 2, 2, 1), "float32")).shape
(1, 3, 7, 1)
>>> Cropping1D((1, 2))(np.ones((1, 6, 3), "float32")).shape
(1, 3, 3)
"""
import numpy as np

from .base import Layer, register, format_shape
from .conv_base import (channels_of, join_shape, spatial_of, standardize_data_format,
                   to_channels_last, to_data_format, tuple_arg)


class _Spatial(Layer):
    """Shared channels_last conversion and rank checks."""

    rank = 2

    def _setup(self, data_format):
        self._who = f"{type(self).__name__} '{self.name}'"
        self.data_format = standardize_data_format(self._who, data_format)
        self.ndim = self.rank + 2

    def compute_output_shape(self, input_shape):
        spatial = spatial_of(input_shape, self.data_format)
        out = tuple(None if n is None else self._out_len(i, n) for i, n in enumerate(spatial))
        if any(o is not None and o <= 0 for o in out):
            raise ValueError(f"{self._who}: output spatial size {out} is not positive for input "
                             f"shape {format_shape(input_shape)}")
        return join_shape(input_shape[0], out, channels_of(input_shape, self.data_format),
                          self.data_format)

    def forward(self, x, training=False):
        if x.ndim != self.ndim:
            raise ValueError(f"Input 0 of layer '{self.name}' ({type(self).__name__}) is "
                             f"incompatible with the layer: expected ndim={self.ndim}, found "
                             f"ndim={x.ndim}. Full shape received: {x.shape}")
        self.compute_output_shape(x.shape)
        xl = to_channels_last(x, self.data_format)
        return to_data_format(self._fwd(xl), self.data_format), xl.shape

    def backward(self, cache, dy):
        return to_data_format(self._bwd(to_channels_last(dy, self.data_format), cache),
                              self.data_format), []


# ---------------------------------------------------------------- upsampling
def _bilinear_matrix(n, s, dtype):
    """``(n*s, n)`` linear-interpolation matrix with half-pixel centres (TF ``resize``)."""
    src = (np.arange(n * s) + 0.5) / s - 0.5
    src = np.clip(src, 0, n - 1)
    lo = np.floor(src).astype(int)
    hi = np.minimum(lo + 1, n - 1)
    frac = src - lo
    a = np.zeros((n * s, n), dtype=dtype)
    rows = np.arange(n * s)
    np.add.at(a, (rows, lo), 1 - frac)
    np.add.at(a, (rows, hi), frac)
    return a


@register
class UpSampling1D(_Spatial):
    """Repeat each step ``size`` times: ``(batch, steps, ch) -> (batch, steps*size, ch)``."""

    rank = 1

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        self._setup("channels_last")
        self.size = tuple_arg(self._who, size, 1, "size")[0]

    def _out_len(self, i, n):
        return n * self.size

    def _fwd(self, x):
        return np.repeat(x, self.size, axis=1)

    def _bwd(self, dy, shape):
        return dy.reshape(shape[0], shape[1], self.size, shape[2]).sum(axis=2)

    def get_config(self):
        return {**super().get_config(), "size": self.size}


@register
class UpSampling2D(_Spatial):
    """Scale rows and columns by ``size``; ``interpolation`` "nearest" (repeat) or "bilinear"."""

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self._setup(data_format)
        self.size = tuple_arg(self._who, size, 2, "size")
        self.interpolation = str(interpolation).lower()
        if self.interpolation not in ("nearest", "bilinear"):
            raise ValueError(f"{self._who}: `interpolation` must be 'nearest' or 'bilinear' "
                             f"(pipeseq supports these two). Received: interpolation={interpolation!r}")

    def _out_len(self, i, n):
        return n * self.size[i]

    def _fwd(self, x):
        sh, sw = self.size
        if self.interpolation == "nearest":
            return np.repeat(np.repeat(x, sh, axis=1), sw, axis=2)
        ah, aw = _bilinear_matrix(x.shape[1], sh, x.dtype), _bilinear_matrix(x.shape[2], sw, x.dtype)
        return np.einsum("ih,nhwc,jw->nijc", ah, x, aw, optimize=True)

    def _bwd(self, dy, shape):
        n, h, w, c = shape
        sh, sw = self.size
        if self.interpolation == "nearest":
            return dy.reshape(n, h, sh, w, sw, c).sum(axis=(2, 4))
        ah, aw = _bilinear_matrix(h, sh, dy.dtype), _bilinear_matrix(w, sw, dy.dtype)
        return np.einsum("ih,nijc,jw->nhwc", ah, dy, aw, optimize=True)

    def get_config(self):
        return {**super().get_config(), "size": self.size, "data_format": self.data_format,
                "interpolation": self.interpolation}


# ------------------------------------------------------------ padding/cropping
def _pairs(who, value, rank, name):
    """``1 -> ((1,1),)*rank``; ``(a, b)`` -> per-axis symmetric (2-D) or (before, after) (1-D)."""
    if isinstance(value, (int, np.integer)):
        return ((int(value), int(value)),) * rank
    value = tuple(value)
    if rank == 1:
        return (tuple_arg(who, value, 2, name, allow_zero=True),)
    if len(value) == 2 and all(isinstance(v, (int, np.integer)) for v in value):
        return tuple((int(v), int(v)) for v in tuple_arg(who, value, 2, name, allow_zero=True))
    if len(value) != 2:
        raise ValueError(f"{who}: `{name}` must be an int, a tuple of 2 ints or a tuple of 2 "
                         f"tuples of 2 ints. Received: {name}={value!r}")
    return tuple(tuple_arg(who, v, 2, name, allow_zero=True) for v in value)


class _PadCrop(_Spatial):
    sign = 1   # +1 pads, -1 crops

    def _out_len(self, i, n):
        a, b = self._amounts[i]
        return n + self.sign * (a + b)

    def _slices(self, spatial):
        return (slice(None),) + tuple(slice(a, a + n) for n, (a, _) in zip(spatial, self._amounts)) \
            + (slice(None),)

    def _fwd(self, x):
        if self.sign > 0:
            out = np.zeros((x.shape[0],) + tuple(self._out_len(i, n) for i, n in enumerate(x.shape[1:-1]))
                           + (x.shape[-1],), dtype=x.dtype)
            out[self._slices(x.shape[1:-1])] = x
            return out
        out_sp = tuple(self._out_len(i, n) for i, n in enumerate(x.shape[1:-1]))
        return x[self._slices(out_sp)]

    def _bwd(self, dy, shape):
        if self.sign > 0:
            return dy[self._slices(shape[1:-1])]
        dx = np.zeros(shape, dtype=dy.dtype)
        dx[self._slices(dy.shape[1:-1])] = dy
        return dx


@register
class ZeroPadding1D(_PadCrop):
    """Pad the steps axis with zeros: ``padding`` int or ``(before, after)``."""

    rank = 1

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self._setup(data_format)
        self._amounts = _pairs(self._who, padding, 1, "padding")
        self.padding = self._amounts[0]

    def get_config(self):
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}


@register
class ZeroPadding2D(_PadCrop):
    """Pad rows and columns with zeros: int, ``(rows, cols)`` or ``((top, bottom), (left, right))``."""

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self._setup(data_format)
        self._amounts = _pairs(self._who, padding, 2, "padding")
        self.padding = self._amounts

    def get_config(self):
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}


@register
class Cropping1D(_PadCrop):
    """Crop the steps axis: ``cropping=(before, after)``."""

    rank = 1
    sign = -1

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(**kwargs)
        self._setup("channels_last")
        self._amounts = _pairs(self._who, cropping, 1, "cropping")
        self.cropping = self._amounts[0]

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping}


@register
class Cropping2D(_PadCrop):
    """Crop rows and columns: int, ``(rows, cols)`` or ``((top, bottom), (left, right))``."""

    sign = -1

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self._setup(data_format)
        self._amounts = _pairs(self._who, cropping, 2, "cropping")
        self.cropping = self._amounts

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping, "data_format": self.data_format}
