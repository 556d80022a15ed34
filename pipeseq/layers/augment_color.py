"""Keras 3's colour augmentation layers that change intensities per image:
``RandomBrightness``, ``RandomContrast``, ``RandomColorDegeneration``, ``RandomGrayscale``,
``RandomInvert``, ``RandomPosterization``, ``Solarization``, ``RandomSharpness`` (training
only; ``value_range`` is the range the inputs live in, ``(0, 255)`` by default).

Example
-------
>>> import numpy as np
>>> x = np.full((1, 2, 2, 3), 100.0, "float32")
>>> RandomBrightness(factor=(0.2, 0.2))(x, training=True)[0, 0, 0].tolist()   # + 0.2 * 255
[151.0, 151.0, 151.0]
"""
import autograd.numpy as anp
import numpy as np

from .. import random as prandom
from ..kernels import color
from .augment_base import BaseImagePreprocessingLayer
from .base import register


def _channel_axis(layer):
    return 1 if layer.data_format == "channels_first" else -1


def _per_image(values, images):
    return anp.reshape(anp.asarray(values), (-1, 1, 1, 1)).astype(images.dtype)


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


@register
class RandomColorDegeneration(BaseImagePreprocessingLayer):
    """Blend each image towards its grayscale version by a factor drawn from ``factor``."""

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self._set_value_range(value_range)
        self._set_seed(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        return {"factor": self._uniform((self._batch_size(data), 1, 1, 1), self.factor[0],
                                        self.factor[1], seed)}

    def transform_images(self, images, transformation, training=True):
        if not training:
            return images
        gray = color.rgb_to_grayscale(images, _channel_axis(self))
        out = images + _per_image(transformation["factor"], images) * (gray - images)
        return anp.clip(out, self.value_range[0], self.value_range[1])

    def compute_output_shape(self, input_shape):
        if len(input_shape) not in (3, 4):
            raise ValueError("Invalid images rank: expected rank 3 (single image) or rank 4 "
                             f"(batch of images). Received: input_shape={input_shape}")
        channels = input_shape[-1 if self.data_format == "channels_last" else -3]
        if channels is not None and channels != 3:
            raise ValueError("Input images must have 3 channels, but received images with "
                             f"{channels} channels.")
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor,
                "value_range": self.value_range, "seed": self.seed}


@register
class RandomGrayscale(BaseImagePreprocessingLayer):
    """Turn each image to grayscale (kept with its channel count) with probability
    ``factor``."""

    _USE_BASE_FACTOR = False

    def __init__(self, factor=0.5, data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        if isinstance(factor, bool) or not isinstance(factor, (int, float)) \
                or factor < 0 or factor > 1:
            raise ValueError(f"`factor` should be between 0 and 1. Received: factor={factor}")
        self.factor = factor
        self._set_seed(seed)

    def get_random_transformation(self, images, training=True, seed=None):
        draws = self._uniform((self._batch_size(images),), 0, 1, seed)
        return (draws < self.factor)[:, None, None, None]

    def transform_images(self, images, transformation, training=True):
        if not training:
            return images
        gray = color.rgb_to_grayscale(images, _channel_axis(self))
        return anp.where(np.asarray(transformation), gray + 0 * images, images)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


@register
class RandomInvert(BaseImagePreprocessingLayer):
    """Replace an image by ``value_range[1] - image`` with a probability drawn from
    ``factor``."""

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, value_range=(0, 255), seed=None, data_format=None,
                 **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.value_range = tuple(value_range) if isinstance(value_range, list) else value_range
        self._set_seed(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        n = self._batch_size(data)
        p = self._uniform((n,), self.factor[0], self.factor[1], seed)
        return {"apply_inversion": self._uniform((n,), 0, 1, seed) < p}

    def transform_images(self, images, transformation, training=True):
        if not training:
            return images
        apply = np.asarray(transformation["apply_inversion"])[:, None, None, None]
        return anp.where(apply, self.value_range[1] - images, images)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor,
                "value_range": self.value_range, "seed": self.seed}


@register
class RandomPosterization(BaseImagePreprocessingLayer):
    """Keep ``b`` bits of each 8-bit channel value, ``b`` drawn from ``[factor[0], factor[1])``
    (a single ``factor``: ``[1, factor)``). Piecewise constant: its gradient is zero."""

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (1, 8)
    _MAX_FACTOR = 8

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self._set_value_range(value_range)
        self._set_seed(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        n = self._batch_size(data)
        if self.factor[0] != self.factor[1]:
            bits = prandom.randint((n,), int(self.factor[0]), int(self.factor[1]),
                                   dtype="uint8", seed=self._seed(seed))
        else:
            bits = np.full((n,), self.factor[0], "uint8")
        return {"shift_factor": (self._MAX_FACTOR - bits).astype("uint8")}

    def transform_images(self, images, transformation, training=True):
        if not training:
            return images
        shift = np.asarray(transformation["shift_factor"]).reshape(-1, 1, 1, 1)
        x = np.asarray(getattr(images, "_value", images))
        x = self._transform_value_range(x, self.value_range, (0, 255))
        q = np.clip(x, 0, 255).astype("uint8")
        q = np.left_shift(np.right_shift(q, shift), shift).astype(x.dtype)
        out = self._transform_value_range(q, (0, 255), self.value_range).astype(x.dtype)
        return images * 0 + out          # constant in the input: zero gradient

    def get_config(self):
        return {**super().get_config(), "factor": self.factor,
                "value_range": self.value_range, "seed": self.seed}


@register
class Solarization(BaseImagePreprocessingLayer):
    """Add ``u`` to every value (``u`` from ``addition_factor`` * 255), then invert the values
    above a threshold drawn from ``threshold_factor`` * 255 (computed on a 0-255 scale)."""

    _USE_BASE_FACTOR = False

    def __init__(self, addition_factor=0.0, threshold_factor=0.0, value_range=(0, 255),
                 seed=None, **kwargs):
        super().__init__(**kwargs)
        self._set_seed(seed)
        self.addition_factor = self._unit_pair(addition_factor, "addition_factor")
        self.threshold_factor = self._unit_pair(threshold_factor, "threshold_factor")
        self._set_value_range(value_range)

    @staticmethod
    def _unit_pair(factor, name):
        msg = ("The `addition_factor` and `threshold_factor` arguments should be a number (or "
               "a list of two numbers) in the range [0, 1]. ")

        def check(v):
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1:
                raise ValueError(msg + f"Received: input_number={v}")
        if isinstance(factor, (tuple, list)):
            if len(factor) != 2:
                raise ValueError(msg + f"Received: {name}={factor}")
            check(factor[0])
            check(factor[1])
            return tuple(sorted(factor))
        check(factor)
        return (0, factor)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        shape = (self._batch_size(data), 1, 1, 1)
        return {"additions": self._uniform(shape, self.addition_factor[0],
                                           self.addition_factor[1] * 255, seed),
                "thresholds": self._uniform(shape, self.threshold_factor[0],
                                            self.threshold_factor[1] * 255, seed)}

    def transform_images(self, images, transformation, training=True):
        if not training or transformation is None:
            return images
        x = self._transform_value_range(images, self.value_range, (0, 255))
        x = anp.clip(x + _per_image(transformation["additions"], images), 0, 255)
        x = anp.where(x < _per_image(transformation["thresholds"], images), x, 255 - x)
        return self._transform_value_range(x, (0, 255), self.value_range)

    def get_config(self):
        return {**super().get_config(), "value_range": self.value_range,
                "addition_factor": self.addition_factor,
                "threshold_factor": self.threshold_factor, "seed": self.seed}


@register
class RandomSharpness(BaseImagePreprocessingLayer):
    """Blend each image with its 3x3-smoothed version: ``x + (1 - 2u) (smooth(x) - x)``,
    ``u`` drawn from ``factor`` (above 0.5 sharpens)."""

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)
    KERNEL = np.array([[1, 1, 1], [1, 5, 1], [1, 1, 1]], "float64") / 13.0

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self._set_value_range(value_range)
        self._set_seed(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        return {"factor": self._uniform((self._batch_size(data),), self.factor[0],
                                        self.factor[1], seed)}

    def transform_images(self, images, transformation, training=True):
        if not training:
            return images
        s = _per_image(anp.asarray(transformation["factor"]) * 2, images)
        smooth = color.filter2d(images, self.KERNEL.astype(images.dtype), _channel_axis(self))
        out = images + (1.0 - s) * (smooth - images)
        return anp.clip(out, self.value_range[0], self.value_range[1])

    def get_config(self):
        return {**super().get_config(), "factor": self.factor,
                "value_range": self.value_range, "seed": self.seed}
