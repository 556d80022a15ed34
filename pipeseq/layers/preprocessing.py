"""Preprocessing layers that live inside a model: ``Rescaling`` and ``Normalization``.

``Rescaling(scale, offset)`` computes ``x * scale + offset``. ``Normalization`` computes
``(x - mean) / max(sqrt(variance), epsilon)`` with the statistics given at construction
or learnt by :meth:`Normalization.adapt` (then stored as the non-trainable weights
``mean``, ``variance``, ``count``, as Keras stores them, so Keras weight files load).

Example
-------
>>> import numpy as np
>>> Rescaling(1 / 127.5, offset=-1.0)(np.array([[0.0, 255.0]], "float32"))
array([[-1.,  1.]], dtype=float32)
>>> norm = Normalization(axis=-1)
>>> norm.adapt(np.array([[0.0, 7.0], [2.0, 9.0]], "float32"))
>>> norm(np.array([[1.0, 8.0]], "float32"))
array([[0., 0.]], dtype=float32)
"""
import numpy as np

from .. import backend
from ..kernels import core as ops
from .base import Layer, register


def _jsonable(value):
    return np.asarray(value).tolist() if isinstance(value, np.ndarray) else value


@register
class Rescaling(Layer):
    """Multiply by ``scale`` and add ``offset`` (floats, or arrays broadcast on the channels)."""

    supports_masking = True

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        for name, value in (("scale", scale), ("offset", offset)):
            arr = np.asarray(value)
            if arr.dtype.kind not in "biuf":
                raise ValueError(f"Rescaling '{self.name}': `{name}` must be a number or an array "
                                 f"of numbers. Received: {name}={value!r}")
        self.scale, self.offset = scale, offset

    def _constants(self, x):
        scale = np.asarray(self.scale, dtype=x.dtype)
        offset = np.asarray(self.offset, dtype=x.dtype)
        if scale.ndim and backend.image_data_format() == "channels_first":
            scale = scale.reshape(scale.shape + (1,) * (3 - scale.ndim))
        return scale, offset

    def forward(self, x, training=False):
        scale, offset = self._constants(x)
        return ops.affine_forward(x, scale, offset), scale

    def backward(self, cache, dy):
        return ops.affine_backward(cache, dy), []

    def get_config(self):
        return {**super().get_config(), "scale": _jsonable(self.scale),
                "offset": _jsonable(self.offset)}


@register
class Normalization(Layer):
    """Feature-wise standardisation: ``(x - mean) / sqrt(variance)`` (``invert=True``: undo it).

    Parameters
    ----------
    axis : int, tuple of int or None
        The axes that keep their own statistics (default: the last). ``None``: one mean and
        one variance for everything.
    mean, variance : float or array, optional
        Fixed statistics; without them, call :meth:`adapt` (or load weights) first.
    invert : bool
        Map standardised values back to the original scale.
    """

    supports_masking = True

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, (int, np.integer)):
            axis = (int(axis),)
        else:
            axis = tuple(int(a) for a in axis)
        self.axis = axis
        if (mean is not None) != (variance is not None):
            raise ValueError("When setting values directly, both `mean` and `variance` must be "
                             f"set. Received: mean={mean} and variance={variance}")
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError("When setting values directly, `mean` and `variance` must have "
                                 f"the same shape. Received: mean shape {np.shape(mean)} and "
                                 f"variance shape {np.shape(variance)}")
            if len(np.shape(mean)) > len(self.axis):
                raise ValueError(f"The rank of `mean` must be less than or equal to the number "
                                 f"of axes ({len(self.axis)}). Received: mean shape "
                                 f"{np.shape(mean)} for axis {self.axis}")
        self.input_mean, self.input_variance = mean, variance
        self.invert = bool(invert)

    def build(self, input_shape):
        ndim = len(input_shape)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError("All `axis` values must be in the range [-ndim, ndim). Received "
                             f"inputs with ndim={ndim}, while axis={self.axis}")
        self._keep = tuple(sorted(a % ndim for a in self.axis))
        for d in self._keep:
            if input_shape[d] is None:
                raise ValueError("All `axis` values to be kept must have a known shape. Received "
                                 f"axis={self.axis}, inputs.shape={tuple(input_shape)}, with "
                                 f"unknown axis at index {d}")
        self._reduce = tuple(d for d in range(ndim) if d not in self._keep)
        self._bshape = [input_shape[d] if d in self._keep else 1 for d in range(ndim)]
        self._stat_shape = tuple(input_shape[d] for d in self._keep)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight("mean", self._stat_shape, "zeros", trainable=False)
            self.adapt_variance = self.add_weight("variance", self._stat_shape, "ones",
                                                  trainable=False)
            self.count = self.add_weight("count", (), "zeros", trainable=False, dtype="int64")

    def _stats(self, dtype):
        if self.input_mean is not None:
            mean = np.asarray(self.input_mean, dtype=dtype)
            var = np.asarray(self.input_variance, dtype=dtype)
            if mean.ndim:
                expanded = [1] * len(self._bshape)
                for i in range(1, mean.ndim + 1):
                    expanded[self._keep[-i]] = mean.shape[-i]
                mean, var = mean.reshape(expanded), var.reshape(expanded)
        else:
            mean = self.adapt_mean.value.reshape(self._bshape).astype(dtype)
            var = self.adapt_variance.value.reshape(self._bshape).astype(dtype)
        std = np.maximum(np.sqrt(var), np.asarray(backend.epsilon(), dtype))
        return mean, std

    def forward(self, x, training=False):
        mean, std = self._stats(x.dtype)
        if self.invert:
            return ops.affine_forward(x, std, mean), std
        scale = (1 / std).astype(x.dtype)
        return ops.affine_forward(x, scale, -mean * scale), scale

    def backward(self, cache, dy):
        return ops.affine_backward(cache, dy), []

    def adapt(self, data):
        """Learn the mean and variance of ``data`` (an array, or an iterable of batches)."""
        if isinstance(data, np.ndarray) or hasattr(data, "__array__") and not hasattr(data, "__next__"):
            batches = [np.asarray(data)]
        elif hasattr(data, "__iter__"):
            batches = (np.asarray(b[0] if isinstance(b, tuple) else b) for b in data)
        else:
            raise TypeError(f"Unsupported data type: {type(data)}. `adapt` supports NumPy arrays "
                            "and iterables of batches (lists, generators, Sequence/PyDataset).")
        if self.input_mean is not None:
            raise ValueError(f"Normalization '{self.name}' was given `mean` and `variance`; it "
                             "cannot be adapted. Received: adapt() on a layer with fixed statistics")
        mean = var = None
        count = 0
        for batch in batches:
            batch = batch.astype("float64")
            if not self.built:
                self._maybe_build(batch.shape)
            for d in self._keep:
                if batch.shape[d] != self._bshape[d]:
                    raise ValueError(f"The layer was built with input_shape={self._build_input_shape}, "
                                     "but adapt() is being called with data with an incompatible "
                                     f"shape, data.shape={batch.shape}")
            n = int(np.prod([batch.shape[d] for d in self._reduce])) if self._reduce else 1
            bm, bv = batch.mean(axis=self._reduce), batch.var(axis=self._reduce)
            if mean is None:
                mean, var, count = bm, bv, n
            else:
                mean, var, count = ops.moments_merge(mean, var, count, bm, bv, n)
        if mean is None:
            raise ValueError("adapt() received an empty iterable (no batches). Expected at least "
                             "one batch.")
        self.adapt_mean.assign(mean.reshape(self._stat_shape))
        self.adapt_variance.assign(var.reshape(self._stat_shape))

    def get_config(self):
        return {**super().get_config(), "axis": list(self.axis), "invert": self.invert,
                "mean": np.array(self.input_mean).tolist(),
                "variance": np.array(self.input_variance).tolist()}
