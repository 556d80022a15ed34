"""Keras 3's geometric augmentation layers: ``RandomRotation``, ``RandomZoom``,
``RandomTranslation``, ``RandomShear``, ``RandomPerspective`` (projective resampling with
``fill_mode`` and ``interpolation``, :mod:`pipeseq.kernels.affine`) and ``RandomCrop``.

Example
-------
>>> import numpy as np
>>> x = np.arange(32, dtype="float32").reshape(2, 4, 4, 1)
>>> layer = RandomTranslation(height_factor=(0.25, 0.25), width_factor=0.0,
...                           fill_mode="constant")
>>> layer(x, training=True)[0, :, 0, 0].tolist()      # shifted down by one row
[0.0, 0.0, 4.0, 8.0]
>>> bool((layer(x, training=False) == x).all())       # identity at inference
True
"""
import autograd.numpy as anp
import numpy as np

from .. import backend
from ..kernels import affine
from ..kernels.image import aspect_crop_box, interpolation_matrix
from .augment_base import BaseImagePreprocessingLayer
from .base import register


class _AffineLayer(BaseImagePreprocessingLayer):
    """Resampling by a per-image projective matrix (``_matrix(images, transformation)``)."""

    _USE_BASE_FACTOR = False

    def _set_resampling(self, fill_mode, interpolation, fill_value, seed):
        if fill_mode not in affine.FILL_MODES:
            raise NotImplementedError(f"Unknown `fill_mode` {fill_mode}. Expected of one "
                                      f"{affine.FILL_MODES}.")
        if interpolation not in affine.INTERPOLATIONS:
            raise NotImplementedError(f"Unknown `interpolation` {interpolation}. Expected of "
                                      f"one {affine.INTERPOLATIONS}.")
        self.fill_mode, self.interpolation = fill_mode, interpolation
        self.fill_value = fill_value
        self._set_seed(seed)

    def _resample(self, images, matrix, interpolation):
        first = self.data_format == "channels_first"
        if first:
            images = anp.transpose(images, (0, 2, 3, 1))
        out = affine.affine_transform(images, matrix, interpolation, self.fill_mode,
                                      float(self.fill_value))
        return anp.transpose(out, (0, 3, 1, 2)) if first else out

    def _transform_images(self, images, transformation):
        if transformation is None:
            return images
        return self._resample(images, self._matrix(images, transformation), self.interpolation)

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        if not training or transformation is None:
            return segmentation_masks
        return self._resample(segmentation_masks, self._matrix(segmentation_masks,
                                                               transformation), "nearest")

    def _resampling_config(self):
        return {"fill_mode": self.fill_mode, "fill_value": self.fill_value,
                "interpolation": self.interpolation, "seed": self.seed}


def _pair_factor(factor, name, lower_open):
    """RandomZoom/RandomTranslation factors: a number ``f`` is ``(-f, f)``; each in [-1, 1]
    (RandomZoom: above -1)."""
    msg = ("The `factor` argument should be a number (or a list of two numbers) in the range "
           "[-1.0, 1.0]. ")

    def check(v):
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)) \
                or v > 1.0 or (v <= -1.0 if lower_open else v < -1.0):
            raise ValueError(msg + f"Received: input_number={v}")
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2:
            raise ValueError(msg + f"Received: {name}={factor}")
        check(factor[0])
        check(factor[1])
        return tuple(sorted(factor))
    if isinstance(factor, (int, float, np.integer, np.floating)) \
            and not isinstance(factor, bool):
        check(factor)
        return (-abs(factor), abs(factor))
    raise ValueError(msg + f"Received: {name}={factor}")


def _as_tuple(value):
    """A pair argument as a tuple, so a config read back from JSON equals the original."""
    return tuple(value) if isinstance(value, list) else value


@register
class RandomRotation(_AffineLayer):
    """Rotate each image by a random angle in ``factor * 360`` degrees about its centre."""

    _USE_BASE_FACTOR = True

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(factor=factor, data_format=data_format, **kwargs)
        self._set_resampling(fill_mode, interpolation, fill_value, seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        n = self._batch_size(data)
        h, w = self._hw(data)
        angle = self._uniform((n,), self.factor[0] * 360.0, self.factor[1] * 360.0, seed)
        zeros, ones = np.zeros(n, np.float32), np.ones(n, np.float32)
        matrix = affine.affine_matrix(0.5, 0.5, angle, zeros, zeros, ones, zeros, zeros, h, w)
        return {"angle": angle, "rotation_matrix": matrix, "image_height": h,
                "image_width": w, "batch_size": n}

    def _matrix(self, images, transformation):
        return transformation["rotation_matrix"]

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, **self._resampling_config()}


@register
class RandomZoom(_AffineLayer):
    """Zoom each image by ``1 + u`` per axis, ``u`` drawn from the height/width factors
    (negative: zoom in); ``width_factor=None`` keeps the aspect ratio."""

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect",
                 interpolation="bilinear", seed=None, fill_value=0.0, data_format=None,
                 **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height_lower, self.height_upper = _pair_factor(height_factor, "height_factor",
                                                            True)
        if width_factor is not None:
            self.width_lower, self.width_upper = _pair_factor(width_factor, "width_factor",
                                                              True)
        self.height_factor, self.width_factor = _as_tuple(height_factor), _as_tuple(width_factor)
        self._set_resampling(fill_mode, interpolation, fill_value, seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        shape = (self._batch_size(data), 1)
        hz = self._uniform(shape, 1.0 + self.height_lower, 1.0 + self.height_upper, seed)
        wz = hz if self.width_factor is None else \
            self._uniform(shape, 1.0 + self.width_lower, 1.0 + self.width_upper, seed)
        return {"height_zoom": hz, "width_zoom": wz, "input_shape": np.shape(data)}

    def _matrix(self, images, transformation):
        h, w = self._hw(images)
        wz = np.asarray(transformation["width_zoom"], np.float32).reshape(-1)
        hz = np.asarray(transformation["height_zoom"], np.float32).reshape(-1)
        zeros = np.zeros_like(wz)
        return np.stack([wz, zeros, (np.float32(w) - 1) / 2 * (1 - wz), zeros, hz,
                         (np.float32(h) - 1) / 2 * (1 - hz), zeros, zeros], axis=1)

    def get_config(self):
        return {**super().get_config(), "height_factor": self.height_factor,
                "width_factor": self.width_factor, **self._resampling_config()}


@register
class RandomTranslation(_AffineLayer):
    """Shift each image by a random fraction of its height and width."""

    def __init__(self, height_factor, width_factor, fill_mode="reflect",
                 interpolation="bilinear", seed=None, fill_value=0.0, data_format=None,
                 **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height_lower, self.height_upper = _pair_factor(height_factor, "height_factor",
                                                            False)
        self.width_lower, self.width_upper = _pair_factor(width_factor, "width_factor", False)
        self.height_factor, self.width_factor = _as_tuple(height_factor), _as_tuple(width_factor)
        self._set_resampling(fill_mode, interpolation, fill_value, seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        n = self._batch_size(data)
        h, w = self._hw(data)
        dy = self._uniform((n, 1), self.height_lower, self.height_upper, seed) * h
        dx = self._uniform((n, 1), self.width_lower, self.width_upper, seed) * w
        return {"translations": np.concatenate([dx, dy], axis=1).astype(np.float32),
                "input_shape": np.shape(data)}

    def _matrix(self, images, transformation):
        t = np.asarray(transformation["translations"], np.float32)
        ones, zeros = np.ones(len(t), np.float32), np.zeros(len(t), np.float32)
        return np.stack([ones, zeros, -t[:, 0], zeros, ones, -t[:, 1], zeros, zeros], axis=1)

    def get_config(self):
        return {**super().get_config(), "height_factor": self.height_factor,
                "width_factor": self.width_factor, **self._resampling_config()}


@register
class RandomShear(_AffineLayer):
    """Shear each image along x and y by ``+-u``, ``u`` drawn from ``x_factor``/``y_factor``
    (each in [0, 1]; the sign is drawn once per image for both)."""

    def __init__(self, x_factor=0.0, y_factor=0.0, interpolation="bilinear",
                 fill_mode="reflect", fill_value=0.0, data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.x_factor = self._unit_pair(x_factor, "x_factor")
        self.y_factor = self._unit_pair(y_factor, "y_factor")
        self._set_resampling(fill_mode, interpolation, fill_value, seed)

    @staticmethod
    def _unit_pair(factor, name):
        msg = ("The `factor` argument should be a number (or a list of two numbers) in the "
               "range [0, 1.0]. ")

        def check(v, lowest=0):
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not lowest <= v <= 1:
                raise ValueError(msg + f"Received: input_number={v}")
        if isinstance(factor, (tuple, list)):
            # a pair may reach down to -1: the stored (-f, f) of a number f must load back
            # (Keras 3.15 refuses its own saved config here)
            if len(factor) != 2:
                raise ValueError(msg + f"Received: {name}={factor}")
            check(factor[0], -1)
            check(factor[1], -1)
            return tuple(sorted(factor))
        if isinstance(factor, bool) or not isinstance(factor, (int, float)):
            raise ValueError(msg + f"Received: {name}={factor}")
        check(factor)
        return (-abs(factor), abs(factor))

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        n = self._batch_size(data)
        invert = np.where(self._uniform((n, 1), 0, 1, seed) > 0.5, -1.0, 1.0)
        shear_y = self._uniform((n, 1), self.y_factor[0], self.y_factor[1], seed)
        shear_x = self._uniform((n, 1), self.x_factor[0], self.x_factor[1], seed)
        factor = (np.concatenate([shear_x, shear_y], axis=1) * invert).astype(np.float32)
        return {"shear_factor": factor, "input_shape": np.shape(data)}

    def _matrix(self, images, transformation):
        f = np.asarray(transformation["shear_factor"], np.float32)
        ones, zeros = np.ones(len(f), np.float32), np.zeros(len(f), np.float32)
        return np.stack([ones, f[:, 0], zeros, f[:, 1], ones, zeros, zeros, zeros], axis=1)

    def get_config(self):
        return {**super().get_config(), "x_factor": self.x_factor, "y_factor": self.y_factor,
                **self._resampling_config()}


@register
class RandomPerspective(_AffineLayer):
    """With probability drawn from ``factor``, move each image corner by up to
    ``scale / 2`` of its coordinates and warp the image accordingly (constant fill)."""

    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear", fill_value=0.0,
                 seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        if isinstance(scale, bool) or not isinstance(scale, (int, float)) \
                or not 0.0 <= scale <= 1.0:
            raise ValueError("The `scale` argument should be a number in the range [0,1]. "
                             f"Received: scale={scale}")
        self.scale = scale
        self._set_resampling("constant", interpolation, fill_value, seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        n = self._batch_size(data)
        h, w = self._hw(data)
        p = self._uniform((n,), self.factor[0], self.factor[1], seed)
        apply = self._uniform((n,), 0, 1, seed) < p
        jitter = self._uniform((n, 4, 2), -0.5 * self.scale, 0.5 * self.scale, seed)
        start = np.repeat(np.array([[[0.0, 0.0], [w - 1, 0.0], [0.0, h - 1], [w - 1, h - 1]]],
                                   np.float32), n, axis=0)
        return {"apply_perspective": apply, "start_points": start,
                "end_points": (start + start * jitter).astype(np.float32),
                "input_shape": np.shape(data)}

    def _matrix(self, images, transformation):
        return affine.homography(transformation["start_points"], transformation["end_points"])

    def _transform_images(self, images, transformation):
        if transformation is None:
            return images
        warped = super()._transform_images(images, transformation)
        apply = np.asarray(transformation["apply_perspective"])[:, None, None, None]
        return anp.where(apply, warped, images)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "scale": self.scale,
                "interpolation": self.interpolation, "fill_value": self.fill_value,
                "seed": self.seed}


@register
class RandomCrop(BaseImagePreprocessingLayer):
    """Crop a random ``(height, width)`` window in training (images not larger than the
    target: Keras 3's window at the aspect-ratio box's corner, resized). At inference the
    centred largest window of the target's aspect ratio is resized to the target (Keras's
    documented behaviour; Keras 3.15 itself returns the input unchanged, which contradicts
    its own ``compute_output_shape``)."""

    _USE_BASE_FACTOR = False

    def __init__(self, height, width, seed=None, data_format=None, name=None, **kwargs):
        super().__init__(name=name, data_format=data_format, **kwargs)
        for arg, v in (("height", height), ("width", width)):
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v <= 0:
                raise ValueError(f"RandomCrop: `{arg}` must be a positive integer. "
                                 f"Received: {arg}={v!r}")
        self.height, self.width = int(height), int(width)
        self._set_seed(seed)
        if seed is None:        # Keras records a drawn seed in the config
            self.seed = int(backend.rng().integers(2 ** 31))

    def get_random_transformation(self, data, training=True, seed=None):
        ih, iw = self._hw(data)
        if training and ih > self.height and iw > self.width:
            h0 = int(self._uniform((), 0, float(ih - self.height + 1), seed))
            w0 = int(self._uniform((), 0, float(iw - self.width + 1), seed))
            return (h0, w0)
        h0, w0, _, _ = aspect_crop_box(ih, iw, self.height, self.width)
        return (h0, w0)

    def _crop(self, images, transformation, size=None):
        """Keras 3's crop: ``(height, width)`` from ``transformation``'s corner (``size``:
        another window), resized (bilinear) when the image was too small for it."""
        h0, w0 = transformation
        ch, cw = size or (self.height, self.width)
        first = self.data_format == "channels_first"
        out = images[:, :, h0:h0 + ch, w0:w0 + cw] if first else \
            images[:, h0:h0 + ch, w0:w0 + cw, :]
        oh, ow = self._hw(out)
        if (oh, ow) != (self.height, self.width):
            dt = np.result_type(images.dtype, np.float32)
            mh = interpolation_matrix(oh, self.height, "bilinear", dt)
            mw = interpolation_matrix(ow, self.width, "bilinear", dt)
            eq = "ih,nchw,jw->ncij" if first else "ih,nhwc,jw->nijc"
            out = anp.einsum(eq, mh, out, mw)
        return out

    def transform_images(self, images, transformation, training=True):
        return self._crop(images, transformation)

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return self._crop(segmentation_masks, transformation)

    def _inference(self, images):
        h0, w0, ch, cw = aspect_crop_box(*self._hw(images), self.height, self.width)
        return self._crop(images, (h0, w0), (ch, cw))

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        off = len(shape) - 3
        h, w = (off + 1, off + 2) if self.data_format == "channels_first" else (off, off + 1)
        shape[h], shape[w] = self.height, self.width
        return tuple(shape)

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width,
                "seed": self.seed}
