"""Keras 3's colour augmentation layers that work in HSV or blur: ``RandomHue``,
``RandomSaturation``, ``RandomColorJitter`` (brightness, contrast, saturation and hue in
turn) and ``RandomGaussianBlur``. Training only; the arithmetic is in
:mod:`pipeseq.kernels.color`.

Example
-------
>>> import numpy as np
>>> x = np.random.default_rng(0).uniform(0, 255, (2, 4, 4, 3)).astype("float32")
>>> y = RandomColorJitter(brightness_factor=0.2, hue_factor=0.1, seed=1)(x)
>>> y.shape, bool((RandomHue(0.3)(x, training=False) == x).all())
((2, 4, 4, 3), True)
"""
import autograd.numpy as anp
import numpy as np

from ..kernels import color
from .augment_base import BaseImagePreprocessingLayer
from .augment_color import RandomBrightness, RandomContrast
from .base import register

EPSILON = 1e-7       # Keras's backend.epsilon()


def _axis(layer):
    return 1 if layer.data_format == "channels_first" else -1


def _with_channel(hsv, index, plane, axis):
    planes = [hsv[:, i] if axis == 1 else hsv[..., i] for i in range(3)]
    planes[index] = plane
    return anp.stack(planes, axis=axis)


@register
class RandomHue(BaseImagePreprocessingLayer):
    """Rotate each image's hue by ``+-u / 2`` of a turn, ``u`` drawn from ``factor``."""

    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.value_range = tuple(value_range) if isinstance(value_range, list) else value_range
        self._set_seed(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        n = self._batch_size(data)
        invert = np.where(self._uniform((n,), 0, 1, seed) > 0.5, -1.0, 1.0).astype("float32")
        factor = self._uniform((n,), self.factor[0], self.factor[1], seed)
        return {"factor": invert * factor * np.float32(0.5)}

    def transform_images(self, images, transformation=None, training=True):
        if not training:
            return images
        axis = _axis(self)
        x = self._transform_value_range(images, self.value_range, (0, 1))
        hsv = color.rgb_to_hsv(x, axis)
        shift = anp.reshape(anp.asarray(transformation["factor"]), (-1, 1, 1)).astype(x.dtype)
        h = (hsv[:, 0] if axis == 1 else hsv[..., 0]) + shift
        h = anp.where(h > 1.0, h - 1.0, h)
        h = anp.where(h < 0.0, h + 1.0, h)
        rgb = anp.clip(color.hsv_to_rgb(_with_channel(hsv, 0, h, axis), axis), 0, 1)
        return self._transform_value_range(rgb, (0, 1), self.value_range)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor,
                "value_range": self.value_range, "seed": self.seed}


@register
class RandomSaturation(BaseImagePreprocessingLayer):
    """Scale each image's HSV saturation by ``u / (1 - u)``, ``u`` drawn from ``factor``
    (0.5 keeps it; the scaled saturation is clipped to ``value_range``, as in Keras)."""

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self._set_value_range(value_range)
        self._set_seed(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        u = self._uniform((self._batch_size(data),), self.factor[0], self.factor[1], seed)
        return {"factor": (u / (1 - u + np.float32(EPSILON))).astype("float32")}

    def transform_images(self, images, transformation=None, training=True):
        if not training:
            return images
        axis = _axis(self)
        hsv = color.rgb_to_hsv(images, axis)
        k = anp.reshape(anp.asarray(transformation["factor"]), (-1, 1, 1)).astype(images.dtype)
        s = anp.clip((hsv[:, 1] if axis == 1 else hsv[..., 1]) * k, self.value_range[0],
                     self.value_range[1])
        return color.hsv_to_rgb(_with_channel(hsv, 1, s, axis), axis)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor,
                "value_range": self.value_range, "seed": self.seed}


@register
class RandomColorJitter(BaseImagePreprocessingLayer):
    """``RandomBrightness``, ``RandomContrast``, ``RandomSaturation`` and ``RandomHue`` in
    that order, each present when its factor is given."""

    _STEPS = (("brightness", RandomBrightness), ("contrast", RandomContrast),
              ("saturation", RandomSaturation), ("hue", RandomHue))

    def __init__(self, value_range=(0, 255), brightness_factor=None, contrast_factor=None,
                 saturation_factor=None, hue_factor=None, seed=None, data_format=None,
                 **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = tuple(value_range) if isinstance(value_range, list) else value_range
        factors = {"brightness": brightness_factor, "contrast": contrast_factor,
                   "saturation": saturation_factor, "hue": hue_factor}
        for name, f in factors.items():
            setattr(self, f"{name}_factor", tuple(f) if isinstance(f, list) else f)
        self._set_seed(seed)
        self._steps = [(name, cls(factor=factors[name], value_range=self.value_range,
                                  seed=seed, data_format=data_format))
                       for name, cls in self._STEPS if factors[name] is not None]

    def get_random_transformation(self, data, training=True, seed=None):
        return {name: layer.get_random_transformation(data, training, self._seed(seed))
                for name, layer in self._steps}

    def transform_images(self, images, transformation, training=True):
        if not training:
            return images
        for name, layer in self._steps:
            images = layer.transform_images(images, transformation[name], training=True)
        return images

    def get_config(self):
        return {**super().get_config(), "value_range": self.value_range,
                "brightness_factor": self.brightness_factor,
                "contrast_factor": self.contrast_factor,
                "saturation_factor": self.saturation_factor, "hue_factor": self.hue_factor,
                "seed": self.seed}


@register
class RandomGaussianBlur(BaseImagePreprocessingLayer):
    """Blur an image with probability drawn from ``factor`` by a ``kernel_size`` Gaussian
    whose sigmas (one per axis, shared by the batch) are drawn from ``sigma``."""

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, kernel_size=3, sigma=1.0, value_range=(0, 255),
                 data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.kernel_size = self._odd_pair(kernel_size)
        saved = self.factor
        self._set_factor(sigma)
        self.sigma, self.factor = self.factor, saved
        self.value_range = tuple(value_range) if isinstance(value_range, list) else value_range
        self._set_seed(seed)

    @staticmethod
    def _odd_pair(k):
        msg = f"kernel_size must be an odd number. Received: kernel_size={k}"
        if isinstance(k, (tuple, list)):
            if len(k) != 2:
                raise ValueError("The `kernel_size` argument should be a number (or a list of "
                                 f"two numbers) Received: kernel_size={k}")
            if k[0] % 2 == 0 or k[1] % 2 == 0:
                raise ValueError(msg)
            return tuple(k)
        if isinstance(k, bool) or not isinstance(k, (int, float)) or k % 2 == 0:
            raise ValueError(msg)
        return (k, k)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        n = self._batch_size(data)
        p = self._uniform((n,), self.factor[0], self.factor[1], seed)
        apply = self._uniform((n,), 0, 1, seed) < p
        sigma = self._uniform((2,), self.sigma[0], self.sigma[1], seed) + np.float32(1e-6)
        return {"should_apply_blur": apply, "blur_factor": sigma}

    def transform_images(self, images, transformation=None, training=True):
        if not training or transformation is None:
            return images
        sigma = np.asarray(transformation["blur_factor"], "float32")
        kh, kw = int(self.kernel_size[0]), int(self.kernel_size[1])
        kernel = np.outer(color.gaussian_kernel_1d(kw, sigma[1]),
                          color.gaussian_kernel_1d(kh, sigma[0])).reshape(kh, kw)
        blurred = color.filter2d(images, kernel.astype(images.dtype), _axis(self))
        apply = np.asarray(transformation["should_apply_blur"])[:, None, None, None]
        return anp.clip(anp.where(apply, blurred, images), self.value_range[0],
                        self.value_range[1])

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "kernel_size": self.kernel_size,
                "sigma": self.sigma, "value_range": self.value_range, "seed": self.seed}
