"""Regularisation noise layers (active only in training) and Identity.

GaussianNoise, GaussianDropout, AlphaDropout, SpatialDropout1D/2D: each is the
identity at inference; in training it draws from pipeseq's seeded generator
(or the layer's own ``seed``).
"""
import numpy as np

from .. import backend
from ..kernels import core as core_ops
from .base import Layer, register
from .core import Dropout


class _Noise(Layer):
    supports_masking = True

    def __init__(self, rate=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if rate is not None and not 0 <= rate < 1:
            raise ValueError(f"{type(self).__name__} '{self.name}': `rate` must be in [0, 1). "
                             f"Received: rate={rate!r}")
        self.rate, self.seed = rate, seed
        self._rng = np.random.default_rng(seed) if seed is not None else None

    def _gen(self):
        return self._rng or backend.rng()

    def backward(self, cache, dy):
        return (dy if cache is None else dy * cache), []

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


@register
class GaussianNoise(_Noise):
    """Add zero-mean Gaussian noise of ``stddev`` during training."""

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        if stddev < 0:
            raise ValueError(f"GaussianNoise '{self.name}': stddev must be >= 0. Received: stddev={stddev}")
        self.stddev = float(stddev)

    def forward(self, x, training=False):
        if not training or self.stddev == 0:
            return x, None
        return x + self._gen().normal(0.0, self.stddev, x.shape).astype(x.dtype), None

    def get_config(self):
        cfg = super().get_config()
        cfg.pop("rate")
        return {**cfg, "stddev": self.stddev}


@register
class GaussianDropout(_Noise):
    """Multiply by ``N(1, sqrt(rate / (1 - rate)))`` noise during training."""

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(rate=float(rate), seed=seed, **kwargs)

    def forward(self, x, training=False):
        if not training or self.rate == 0:
            return x, None
        std = np.sqrt(self.rate / (1.0 - self.rate))
        noise = self._gen().normal(1.0, std, x.shape).astype(x.dtype)
        return x * noise, noise


@register
class AlphaDropout(_Noise):
    """Dropout that keeps SELU's self-normalising mean and variance (Keras's formula)."""

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(rate=float(rate), seed=seed, **kwargs)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)

    def forward(self, x, training=False):
        if not training or self.rate == 0:
            return x, None
        return core_ops.alpha_dropout(self._gen(), x, self.rate, self.noise_shape)

    def get_config(self):
        return {**super().get_config(),
                "noise_shape": None if self.noise_shape is None else list(self.noise_shape)}


@register
class SpatialDropout1D(Dropout):
    """Drop whole feature channels of ``(batch, steps, channels)`` input."""

    ndim = 3

    def __init__(self, rate, seed=None, **kwargs):
        kwargs.pop("noise_shape", None)
        super().__init__(rate, seed=seed, **kwargs)

    def _noise_shape(self, x):
        return (x.shape[0], 1, x.shape[2])

    def forward(self, x, training=False):
        if not training or self.rate == 0:
            return x, None
        mask = core_ops.dropout_mask(self._rng or backend.rng(), x.shape, self.rate, x.dtype,
                                     self._noise_shape(x))
        return x * mask, mask

    def get_config(self):
        cfg = super().get_config()
        cfg.pop("noise_shape", None)
        cfg.pop("trainable", None)     # Keras 3's SpatialDropout takes no `trainable` argument
        return cfg


@register
class SpatialDropout2D(SpatialDropout1D):
    """Drop whole feature maps of ``(batch, rows, cols, channels)`` input (or channels_first)."""

    ndim = 4

    def __init__(self, rate, data_format=None, seed=None, **kwargs):
        super().__init__(rate, seed=seed, **kwargs)
        self.data_format = data_format or backend.image_data_format()

    def _noise_shape(self, x):
        if self.data_format == "channels_first":
            return (x.shape[0], x.shape[1], 1, 1)
        return (x.shape[0], 1, 1, x.shape[3])

    forward = SpatialDropout1D.forward

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


@register
class Identity(Layer):
    """Return the input unchanged (a placeholder layer, as in Keras)."""

    supports_masking = True

    def forward(self, x, training=False):
        return x, None

    def backward(self, cache, dy):
        return dy, []
