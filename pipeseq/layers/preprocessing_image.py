"""Image preprocessing layers that run inside a model: ``Resizing``, ``CenterCrop``,
``RandomFlip``.

Inputs are batches ``(N, H, W, C)`` (or channels first) or single images ``(H, W, C)``.
``RandomFlip`` flips each sample at random during training and is the identity at
inference, as in Keras (it is one of the augmentation layers of
:mod:`pipeseq.layers.augment_base`). The resize arithmetic is in :mod:`pipeseq.kernels.image`.

Example
-------
>>> import numpy as np
>>> x = np.ones((2, 8, 6, 3), "float32")
>>> Resizing(4, 4)(x).shape, CenterCrop(4, 2)(x).shape, RandomFlip()(x).shape
((2, 4, 4, 3), (2, 4, 2, 3), (2, 8, 6, 3))
"""
import autograd.numpy as anp
import numpy as np

from ..kernels import image as ops
from .augment_base import BaseImagePreprocessingLayer
from .base import Layer, register
from .conv_base import standardize_data_format


def _positive(name, value, who):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{who}: `{name}` must be a positive integer. Received: "
                         f"{name}={value!r}")
    return int(value)


class _ImageLayer(Layer):
    """Batching, channels_last conversion and float casting shared by the image layers."""

    def _to_last(self, x):
        single = x.ndim == 3
        if x.ndim not in (3, 4):
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) expects images of "
                             f"rank 3 (one image) or 4 (a batch). Received: shape {x.shape}")
        if single:
            x = x[None]
        if self.data_format == "channels_first":
            x = np.moveaxis(x, 1, -1)
        return x, single

    def _from_last(self, y, single):
        if self.data_format == "channels_first":
            y = np.moveaxis(y, -1, 1)
        return y[0] if single else y

    def _hw_axes(self, shape):
        off = len(shape) - 3
        return (off + 1, off + 2) if self.data_format == "channels_first" else (off, off + 1)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        h, w = self._hw_axes(shape)
        shape[h], shape[w] = self.height, self.width
        return tuple(shape)


@register
class Resizing(_ImageLayer):
    """Resize images to ``(height, width)`` (``crop_to_aspect_ratio``: centre crop first)."""

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False,
                 pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0,
                 antialias=False, data_format=None, **kwargs):
        super().__init__(**kwargs)
        who = f"Resizing '{self.name}'"
        self.height, self.width = _positive("height", height, who), _positive("width", width, who)
        if interpolation not in ops.INTERPOLATIONS:
            raise NotImplementedError(f"{who}: interpolation must be one of "
                                      f"{ops.INTERPOLATIONS} in pipeseq. Received: "
                                      f"interpolation={interpolation!r}")
        if pad_to_aspect_ratio or antialias:
            raise NotImplementedError(f"{who}: pad_to_aspect_ratio and antialias are not "
                                      "supported by pipeseq. Received: pad_to_aspect_ratio="
                                      f"{pad_to_aspect_ratio!r}, antialias={antialias!r}")
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = bool(crop_to_aspect_ratio)
        self.fill_mode, self.fill_value = fill_mode, float(fill_value)
        self.data_format = standardize_data_format(who, data_format)

    def forward(self, x, training=False):
        xl, single = self._to_last(x)
        box = None
        if self.crop_to_aspect_ratio:
            box = ops.aspect_crop_box(xl.shape[1], xl.shape[2], self.height, self.width)
            h0, w0, ch, cw = box
            xl = xl[:, h0:h0 + ch, w0:w0 + cw]
        y, cache = ops.resize_forward(xl, (self.height, self.width), self.interpolation)
        return self._from_last(y, single), (cache, box, x.shape, single)

    def backward(self, cache, dy):
        rcache, box, shape, single = cache
        dyl, _ = self._to_last(dy)
        dx = ops.resize_backward(rcache, dyl)
        if box is not None:
            h0, w0, ch, cw = box
            full = np.zeros((dx.shape[0],) + tuple(_last_hw(shape, self.data_format))
                            + (dx.shape[-1],), dx.dtype)
            full[:, h0:h0 + ch, w0:w0 + cw] = dx
            dx = full
        return self._from_last(dx, single), []

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width,
                "interpolation": self.interpolation,
                "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
                "pad_to_aspect_ratio": False, "fill_mode": self.fill_mode,
                "fill_value": self.fill_value, "antialias": False,
                "data_format": self.data_format}


def _last_hw(shape, data_format):
    s = tuple(shape[-3:])
    return s[1:] if data_format == "channels_first" else s[:2]


@register
class CenterCrop(_ImageLayer):
    """Crop the centre ``(height, width)``; smaller images are cropped to the target's aspect
    ratio and resized (bilinear), as Keras's ``smart_resize``."""

    def __init__(self, height, width, data_format=None, **kwargs):
        super().__init__(**kwargs)
        who = f"CenterCrop '{self.name}'"
        self.height, self.width = _positive("height", height, who), _positive("width", width, who)
        self.data_format = standardize_data_format(who, data_format)

    def forward(self, x, training=False):
        xl, single = self._to_last(x)
        h, w = xl.shape[1:3]
        if h >= self.height and w >= self.width:
            h0, w0 = (h - self.height) // 2, (w - self.width) // 2
            box, rcache = (h0, w0, self.height, self.width), None
            y = xl[:, h0:h0 + self.height, w0:w0 + self.width]
        else:
            box = ops.aspect_crop_box(h, w, self.height, self.width)
            h0, w0, ch, cw = box
            y, rcache = ops.resize_forward(xl[:, h0:h0 + ch, w0:w0 + cw],
                                           (self.height, self.width), "bilinear")
        return self._from_last(np.ascontiguousarray(y), single), (box, rcache, (h, w), single)

    def backward(self, cache, dy):
        (h0, w0, ch, cw), rcache, (h, w), single = cache
        dyl, _ = self._to_last(dy)
        d = ops.resize_backward(rcache, dyl) if rcache is not None else dyl
        dx = np.zeros((dyl.shape[0], h, w, dyl.shape[-1]), dyl.dtype)
        dx[:, h0:h0 + ch, w0:w0 + cw] = d
        return self._from_last(dx, single), []

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width,
                "data_format": self.data_format}


@register
class RandomFlip(BaseImagePreprocessingLayer):
    """Flip each image left-right and/or up-down with probability 1/2 (training only); with
    ``horizontal_and_vertical`` one draw flips both axes, as in Keras 3."""

    MODES = ("horizontal", "vertical", "horizontal_and_vertical")
    _USE_BASE_FACTOR = False

    def __init__(self, mode="horizontal_and_vertical", seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        if mode not in self.MODES:
            raise ValueError(f"RandomFlip layer {self.name} received an unknown mode="
                             f"{mode!r}. Expected one of {self.MODES}.")
        self.mode = mode
        self._set_seed(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        flips = self._uniform((self._batch_size(data), 1, 1, 1), 0, 1, seed) <= 0.5
        return {"flips": flips, "input_shape": np.shape(data)}

    def transform_images(self, images, transformation, training=True):
        if not training or transformation is None:
            return images
        flips = np.asarray(transformation["flips"]).reshape(-1, 1, 1, 1)
        h, w = (2, 3) if self.data_format == "channels_first" else (1, 2)

        def flipped(x, axis):       # reversed by slicing: autograd differentiates it
            index = [slice(None)] * 4
            index[axis] = slice(None, None, -1)
            return x[tuple(index)]
        if self.mode in ("horizontal", "horizontal_and_vertical"):
            images = anp.where(flips, flipped(images, w), images)
        if self.mode in ("vertical", "horizontal_and_vertical"):
            images = anp.where(flips, flipped(images, h), images)
        return images

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return self.transform_images(segmentation_masks, transformation, training)

    def get_config(self):
        return {**super().get_config(), "seed": self.seed, "mode": self.mode}
