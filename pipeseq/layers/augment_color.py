"""Keras 3's colour augmentation layers that change intensities per image:
``RandomBrightness`` and ``RandomContrast`` (training only; ``value_range`` is the range
the inputs live in, ``(0, 255)`` by default, and outputs are clipped to it).

Example
-------
>>> import numpy as np
>>> x = np.full((1, 2, 2, 3), 100.0, "float32")
>>> RandomBrightness(factor=(0.2, 0.2))(x, training=True)[0, 0, 0].tolist()   # + 0.2 * 255
[151.0, 151.0, 151.0]
"""
import autograd.numpy as anp

from .augment_base import BaseImagePreprocessingLayer
from .base import register


@register
class RandomBrightness(BaseImagePreprocessingLayer):
    """Add ``u * (value_range[1] - value_range[0])`` to each image, ``u`` drawn from
    ``factor`` (a number ``f``: ``[-f, f]``), then clip to ``value_range``."""

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(factor=factor, **kwargs)
        self._set_seed(seed)
        self._set_value_range(value_range)

    def get_random_transformation(self, data, training=True, seed=None):
        shape = (self._batch_size(data), 1, 1, 1)
        delta = self._uniform(shape, self.factor[0], self.factor[1], seed)
        return {"rgb_delta": delta * (self.value_range[1] - self.value_range[0])}

    def transform_images(self, images, transformation, training=True):
        if not training:
            return images
        delta = anp.asarray(transformation["rgb_delta"]).astype(images.dtype)
        return anp.clip(images + delta, self.value_range[0], self.value_range[1])

    def get_config(self):
        return {**super().get_config(), "factor": self.factor,
                "value_range": self.value_range, "seed": self.seed}


@register
class RandomContrast(BaseImagePreprocessingLayer):
    """Scale each image's deviation from its per-channel mean by ``c`` drawn from
    ``[1 - factor[0], 1 + factor[1]]`` (Keras 3's draw), then clip to ``value_range``."""

    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(**kwargs)
        self._set_factor(factor)
        self.value_range = tuple(value_range) if isinstance(value_range, list) else value_range
        self._set_seed(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        shape = (self._batch_size(data), 1, 1, 1)
        return {"contrast_factor": self._uniform(shape, 1.0 - self.factor[0],
                                                 1.0 + self.factor[1], seed)}

    def transform_images(self, images, transformation, training=True):
        if not training:
            return images
        axes = (2, 3) if self.data_format == "channels_first" else (1, 2)
        mean = anp.mean(images, axis=axes, keepdims=True)
        c = anp.asarray(transformation["contrast_factor"]).astype(images.dtype)
        return anp.clip((images - mean) * c + mean, self.value_range[0], self.value_range[1])

    def get_config(self):
        return {**super().get_config(), "factor": self.factor,
                "value_range": self.value_range, "seed": self.seed}
