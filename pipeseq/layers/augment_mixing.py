"""Keras 3's augmentation layers that mix or erase image regions: ``MixUp``, ``CutMix``
(both mix the labels too when called on ``{"images": ..., "labels": ...}``) and
``RandomErasing``. Training only.

Example
-------
>>> import numpy as np
>>> x = np.stack([np.zeros((2, 2, 1)), np.ones((2, 2, 1))]).astype("float32")
>>> out = MixUp(alpha=0.5, seed=1)({"images": x, "labels": np.eye(2, dtype="float32")})
>>> bool(np.allclose(out["images"][:, 0, 0, 0], out["labels"][:, 1]))   # same weights
True
"""
import autograd.numpy as anp
import numpy as np

from .. import random as prandom
from .augment_base import BaseImagePreprocessingLayer
from .base import register


def _grid(layer, height, width):
    gy, gx = np.meshgrid(np.arange(height, dtype=np.float32),
                         np.arange(width, dtype=np.float32), indexing="ij")
    if layer.data_format == "channels_first":
        return gx[None, None], gy[None, None]
    return gx[None, :, :, None], gy[None, :, :, None]


def _box_masks(layer, shape, x0, x1, y0, y1):
    """Boolean ``shape`` masks of the boxes ``[x0, x1) x [y0, y1)`` (one per image)."""
    h, w = layer._hw(np.empty(shape, bool))
    gx, gy = _grid(layer, h, w)
    x0, x1, y0, y1 = (np.asarray(v, np.float32)[:, None, None, None] for v in (x0, x1, y0, y1))
    mask = (gx >= x0) & (gx < x1) & (gy >= y0) & (gy < y1)
    return np.broadcast_to(mask, shape).copy()


def _crop_bounds(layer, n, length, ratio, seed):
    crop = (np.asarray(ratio, np.float32) * np.float32(length)).astype(np.float32)
    start = layer._uniform((n,), 0, 1, seed) * (np.float32(length) - crop)
    return start, start + crop


@register
class MixUp(BaseImagePreprocessingLayer):
    """Mix each image (and label) with another of the batch: ``w x + (1 - w) x[perm]``,
    ``w ~ Beta(alpha, alpha)``."""

    _USE_BASE_FACTOR = False

    def __init__(self, alpha=0.2, data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.alpha = alpha
        self._set_seed(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        n = self._batch_size(data)
        order = prandom.shuffle(np.arange(n, dtype="int64"), seed=self._seed(seed))
        weight = prandom.beta((n,), self.alpha, self.alpha, seed=self._seed(seed))
        return {"mix_weight": weight, "permutation_order": order}

    def transform_images(self, images, transformation=None, training=True):
        if not training:
            return images
        w = anp.reshape(anp.asarray(transformation["mix_weight"]), (-1, 1, 1, 1))
        w = w.astype(images.dtype)
        other = images[np.asarray(transformation["permutation_order"])]
        return w * images + (1.0 - w) * other

    def transform_labels(self, labels, transformation, training=True):
        if not training:
            return labels
        w = np.reshape(np.asarray(transformation["mix_weight"]), (-1, 1))
        other = np.take(labels, np.asarray(transformation["permutation_order"]), axis=0)
        return w * labels + (1.0 - w) * other

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha, "seed": self.seed}


@register
class CutMix(BaseImagePreprocessingLayer):
    """Paste a random box of another image of the batch into each image; labels are mixed
    by the pasted area. One image (rank 3) is left as it is."""

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self._set_seed(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training or np.ndim(data) == 3:
            return None
        shape = np.shape(data)
        n = shape[0]
        h, w = self._hw(data)
        alpha = self._uniform((), self.factor[0], self.factor[1], seed) + np.float32(1e-6)
        weight = prandom.beta((n,), alpha, alpha, seed=self._seed(seed))
        ratio = np.sqrt(1.0 - weight)
        x0, x1 = _crop_bounds(self, n, w, ratio, seed)
        y0, y1 = _crop_bounds(self, n, h, ratio, seed)
        masks = _box_masks(self, shape, x0, x1, y0, y1)
        mix = (1.0 - (x1 - x0) * (y1 - y0) / np.float32(w * h)).astype(np.float32)
        order = prandom.shuffle(np.arange(n, dtype="int32"), seed=self._seed(seed))
        return {"permutation_order": order, "batch_masks": masks, "mix_weight": mix}

    def transform_images(self, images, transformation=None, training=True):
        if not training or transformation is None:
            return images
        other = images[np.asarray(transformation["permutation_order"])]
        return anp.where(np.asarray(transformation["batch_masks"]), other, images)

    def transform_labels(self, labels, transformation, training=True):
        if not training or transformation is None:
            return labels
        w = np.reshape(np.asarray(transformation["mix_weight"]), (-1, 1))
        other = np.take(labels, np.asarray(transformation["permutation_order"]), axis=0)
        return w * labels + (1.0 - w) * other

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "seed": self.seed}


@register
class RandomErasing(BaseImagePreprocessingLayer):
    """With probability drawn from ``factor``, fill a random box (area fraction from
    ``scale``) with ``fill_value`` (None: Gaussian noise times ``value_range[1]``), clipped
    to ``value_range``."""

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, scale=(0.02, 0.33), fill_value=None, value_range=(0, 255),
                 seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        factor_saved = self.factor
        self._set_factor(scale)
        self.scale, self.factor = self.factor, factor_saved
        if fill_value is not None and not (
                isinstance(fill_value, (int, float)) and not isinstance(fill_value, bool)
                or isinstance(fill_value, (tuple, list)) and len(fill_value) == 3):
            raise ValueError("The `fill_value` argument should be a number (or a list of three "
                             f"numbers) Received: fill_value={fill_value}")
        self.fill_value = list(fill_value) if isinstance(fill_value, tuple) else fill_value
        self.value_range = tuple(value_range) if isinstance(value_range, list) else value_range
        self._set_seed(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        shape = np.shape(data)
        n = self._batch_size(data)
        h, w = self._hw(data)
        weight = np.sqrt(self._uniform((n, 2), self.scale[0], self.scale[1], seed))
        x0, x1 = _crop_bounds(self, n, w, weight[:, 0], seed)
        y0, y1 = _crop_bounds(self, n, h, weight[:, 1], seed)
        masks = _box_masks(self, shape, x0, x1, y0, y1)
        p = self._uniform((n,), self.factor[0], self.factor[1], seed)
        apply = self._uniform((n,), 0, 1, seed) < p
        if self.fill_value is None:
            fill = prandom.normal(shape, seed=self._seed(seed)) * np.float32(self.value_range[1])
        else:
            fill = np.broadcast_to(np.asarray(self.fill_value, np.float32), shape)
        fill = np.clip(fill, self.value_range[0], self.value_range[1]).astype(np.float32)
        return {"apply_erasing": apply, "batch_masks": masks, "fill_value": fill}

    def transform_images(self, images, transformation=None, training=True):
        if not training:
            return images
        fill = np.asarray(transformation["fill_value"]).astype(images.dtype)
        erased = anp.where(np.asarray(transformation["batch_masks"]), fill, images)
        apply = np.asarray(transformation["apply_erasing"])[:, None, None, None]
        return anp.where(apply, erased, images)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "scale": self.scale,
                "fill_value": self.fill_value, "value_range": self.value_range,
                "seed": self.seed}
