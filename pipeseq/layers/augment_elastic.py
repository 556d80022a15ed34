"""Keras 3's ``RandomElasticTransform``: displace every pixel by a smoothed random field.

As Keras 3.15 (TensorFlow backend): for a distortion ``d`` drawn from ``scale``,
``alpha = 0.1 d max(H, W)`` and ``sigma = 0.05 d min(H, W)``; a standard-normal field
times ``sigma`` is blurred by a Gaussian of ``sigma`` (kernel ``6 int(sigma) | 1``) and
scaled by ``alpha``; the same field moves x and y (Keras draws both with one seed); the
image is resampled there (:func:`pipeseq.kernels.affine.map_coordinates`) for the images
picked with the probability drawn from ``factor``, then clipped to ``value_range``. The
noise comes from pipeseq's generator and is part of the transformation.

Example
-------
>>> import numpy as np
>>> x = np.random.default_rng(0).uniform(0, 255, (2, 16, 16, 3)).astype("float32")
>>> layer = RandomElasticTransform(factor=(1.0, 1.0), seed=1)
>>> layer(x).shape, bool((layer(x, training=False) == x).all())
((2, 16, 16, 3), True)
"""
import autograd.numpy as anp
import numpy as np

from .. import random as prandom
from ..kernels import affine, color
from .augment_base import BaseImagePreprocessingLayer
from .base import register

FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")


@register
class RandomElasticTransform(BaseImagePreprocessingLayer):
    """Elastic distortion with probability drawn from ``factor`` and strength from
    ``scale``."""

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear", fill_mode="reflect",
                 fill_value=0.0, value_range=(0, 255), seed=None, data_format=None,
                 **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        saved = self.factor
        self._set_factor(scale)
        self.scale, self.factor = self.factor, saved
        if interpolation not in affine.INTERPOLATIONS:
            raise NotImplementedError(f"Unknown `interpolation` {interpolation}. Expected of "
                                      f"one {affine.INTERPOLATIONS}.")
        if fill_mode not in FILL_MODES:
            raise NotImplementedError(f"Unknown `fill_mode` {fill_mode}. Expected of one "
                                      f"{FILL_MODES}.")
        self.interpolation, self.fill_mode, self.fill_value = interpolation, fill_mode, \
            fill_value
        self.value_range = tuple(value_range) if isinstance(value_range, list) else value_range
        self._set_seed(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training or self.scale[1] == 0 or self.factor[1] == 0:
            return None
        n = self._batch_size(data)
        h, w = self._hw(data)
        p = self._uniform((n,), self.factor[0], self.factor[1], seed)
        apply = self._uniform((n,), 0, 1, seed) < p
        distortion = self._uniform((), self.scale[0], self.scale[1], seed)
        return {"apply_transform": apply, "distortion_factor": distortion,
                "noise": prandom.normal((n, h, w), seed=self._seed(seed))}

    def displacement(self, noise, height, width, distortion):
        """The displacement field ``alpha * blur(sigma * noise)`` of Keras's transform."""
        d = np.float32(distortion)
        alpha = np.float32(max(height, width)) * (np.float32(0.1) * d)
        sigma = np.float32(min(height, width)) * (np.float32(0.05) * d)
        k = 6 * int(sigma) | 1
        kernel = np.outer(color.gaussian_kernel_1d(k, sigma), color.gaussian_kernel_1d(k, sigma))
        field = color.filter2d(np.asarray(noise, np.float32)[..., None] * sigma, kernel)[..., 0]
        return alpha * field

    def transform_images(self, images, transformation=None, training=True):
        if not training or transformation is None:
            return images
        first = self.data_format == "channels_first"
        x = anp.transpose(images, (0, 2, 3, 1)) if first else images
        n, h, w = x.shape[0], x.shape[1], x.shape[2]
        shift = self.displacement(transformation["noise"], h, w,
                                  transformation["distortion_factor"])
        gy, gx = np.meshgrid(np.arange(h, dtype=np.float32), np.arange(w, dtype=np.float32),
                             indexing="ij")
        out = affine.map_coordinates(x, gy[None] + shift, gx[None] + shift, self.interpolation,
                                     self.fill_mode, float(self.fill_value))
        out = out.astype(x.dtype) if hasattr(out, "astype") else out
        if first:
            out = anp.transpose(out, (0, 3, 1, 2))
        apply = np.asarray(transformation["apply_transform"])[:, None, None, None]
        return anp.clip(anp.where(apply, out, images), self.value_range[0], self.value_range[1])

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "scale": self.scale,
                "interpolation": self.interpolation, "fill_mode": self.fill_mode,
                "fill_value": self.fill_value, "value_range": self.value_range,
                "seed": self.seed}
