"""Keras 3's deterministic contrast layers: ``AutoContrast`` (stretch each image channel to
the full range), ``Equalization`` (histogram equalisation, each channel over the batch) and
``ContrastLimitedAdaptiveHistogramEqualization`` (CLAHE: per-tile clipped histograms,
bilinearly blended); and ``MaxNumBoundingBoxes`` (pads or cuts the boxes of a
``{"images", "bounding_boxes"}`` dict to a fixed count).

As in Keras 3.15, ``AutoContrast`` and CLAHE transform their inputs at inference too, while
``Equalization`` acts in training only. Histogram look-ups are piecewise constant, so the
gradient of ``Equalization`` and CLAHE is zero.

Example
-------
>>> import numpy as np
>>> x = np.array([[[[50.0], [100.0]], [[150.0], [200.0]]]], "float32")
>>> AutoContrast()(x, training=False)[0, :, :, 0].tolist()
[[0.0, 85.0], [170.0, 255.0]]
"""
import autograd.numpy as anp
import numpy as np

from .augment_base import BaseImagePreprocessingLayer
from .base import register


def _constant(images, values):
    """``values`` as the output of a step that does not depend smoothly on ``images``."""
    return images * 0 + np.asarray(values).astype(np.result_type(images.dtype))


def _plain(images):
    return np.asarray(getattr(images, "_value", images))


@register
class AutoContrast(BaseImagePreprocessingLayer):
    """Map each image channel's minimum to ``value_range[0]`` and maximum to
    ``value_range[1]``."""

    _USE_BASE_FACTOR = False

    def __init__(self, value_range=(0, 255), **kwargs):
        super().__init__(**kwargs)
        self._set_value_range(value_range)

    def transform_images(self, images, transformation=None, training=True):
        x = self._transform_value_range(images, self.value_range, (0, 255))
        low = anp.min(x, axis=(1, 2), keepdims=True)
        high = anp.max(x, axis=(1, 2), keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = 255.0 / (high - low)
            out = anp.clip(x * scale - low * scale, 0.0, 255.0)
        out = self._transform_value_range(out, (0, 255), self.value_range)
        return anp.where(np.isnan(_plain(out)), images, out)

    def _inference(self, images):
        return self.transform_images(images)

    def get_config(self):
        return {**super().get_config(), "value_range": self.value_range}


@register
class Equalization(BaseImagePreprocessingLayer):
    """Equalise the histogram (``bins`` bins on a 0-255 scale) of each channel, computed over
    the whole batch as Keras 3 does."""

    _USE_BASE_FACTOR = False

    def __init__(self, value_range=(0, 255), bins=256, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.bins = bins
        self._set_value_range(value_range)

    def _equalize(self, channel):
        lo, hi = np.float32(self.value_range[0]), np.float32(self.value_range[1])
        scale = np.float32(255) / (hi - lo)           # value_range -> 0..255, as Keras
        channel = channel * scale - lo * scale
        idx = np.clip(((channel - 0) * (self.bins - 1) / np.float32(255)).astype(np.int32), 0,
                      self.bins - 1)
        hist = np.bincount(idx.reshape(-1), minlength=self.bins)
        if np.count_nonzero(hist) <= 1:
            out = channel
        else:
            cdf = np.cumsum(hist)
            cdf_min = cdf[np.nonzero(cdf)[0][0]]
            den = cdf[-1] - cdf_min
            den = 1 if den == 0 else den
            lut = np.clip(np.round((cdf - cdf_min) * 255 / den), 0, 255)
            scaled = channel / np.float32(255.0) * (self.bins - 1)
            out = lut[np.clip(scaled, 0, self.bins - 1).astype(np.int32)]
        return out * ((hi - lo) / np.float32(255)) + lo

    def transform_images(self, images, transformation=None, training=True):
        if not training:
            return images
        x = _plain(images).astype(np.float32)
        axis = 1 if self.data_format == "channels_first" else -1
        planes = [self._equalize(np.take(x, c, axis=axis)) for c in range(x.shape[axis])]
        return _constant(images, np.stack(planes, axis=axis))

    def get_config(self):
        return {**super().get_config(), "bins": self.bins, "value_range": self.value_range}


@register
class ContrastLimitedAdaptiveHistogramEqualization(BaseImagePreprocessingLayer):
    """CLAHE on a ``tile_grid_size`` grid of tiles; histogram counts above
    ``clip_limit * tile_area / 256`` are spread evenly over the bins."""

    _USE_BASE_FACTOR = False

    def __init__(self, value_range=(0, 255), clip_limit=4.0, tile_grid_size=(8, 8),
                 data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = tuple(value_range) if isinstance(value_range, list) else value_range
        self.clip_limit = clip_limit
        self.tile_grid_size = tuple(tile_grid_size)

    def _clahe(self, images):
        n, height, width, channels = images.shape
        gh, gw = self.tile_grid_size
        th, tw = (height + gh - 1) // gh, (width + gw - 1) // gw
        ph, pw = th * gh - height, tw * gw - width
        padded = np.pad(images, ((0, 0), (0, ph), (0, pw), (0, 0)), mode="symmetric")
        tiles = padded.reshape(n, gh, th, gw, tw, channels).transpose(0, 1, 3, 5, 2, 4)
        tiles = np.clip(tiles.reshape(n, gh, gw, channels, th * tw).astype(np.int32), 0, 255)
        hists = (tiles[..., None] == np.arange(256)).sum(axis=-2).astype(np.float32)
        if self.clip_limit > 0:
            clipped = np.clip(hists, 0, np.float32(self.clip_limit * (th * tw) / 256.0))
            hists = clipped + (hists - clipped).sum(axis=-1, keepdims=True) / np.float32(256)
        cdf = np.cumsum(hists, axis=-1)
        cdf_min = cdf.min(axis=-1, keepdims=True)
        den = np.float32(th * tw) - cdf_min
        cdf = np.clip((cdf - cdf_min) * np.float32(255) / np.where(den == 0, 1, den), 0, 255)
        cdf = np.concatenate([cdf[:, :1], cdf, cdf[:, -1:]], axis=1)
        cdf = np.concatenate([cdf[:, :, :1], cdf, cdf[:, :, -1:]], axis=2)

        def axis_weights(size, tile, grid):
            g = (np.arange(size, dtype=np.float32) - tile / 2.0) / tile + 1.0
            lo = np.floor(g)
            return (np.clip(lo, 0, grid + 1).astype(int), np.clip(lo + 1, 0, grid + 1)
                    .astype(int), (g - lo).astype(np.float32))
        y0, y1, wy = axis_weights(th * gh, th, gh)
        x0, x1, wx = axis_weights(tw * gw, tw, gw)
        pix = np.clip(padded, 0, 255).astype(np.int32)
        b = np.arange(n)[:, None, None, None]
        c = np.arange(channels)[None, None, None, :]

        def look(ys, xs):
            return cdf[b, ys[None, :, None, None], xs[None, None, :, None], c, pix]
        wx, wy = wx[None, None, :, None], wy[None, :, None, None]
        top = look(y0, x0) * (1 - wx) + look(y0, x1) * wx
        bottom = look(y1, x0) * (1 - wx) + look(y1, x1) * wx
        return (top * (1 - wy) + bottom * wy)[:, :height, :width, :]

    def transform_images(self, images, transformation=None, training=True):
        x = _plain(images).astype(np.float32)
        first = self.data_format == "channels_first"
        if first:
            x = x.transpose(0, 2, 3, 1)
        x = self._transform_value_range(x, self.value_range, (0, 255))
        out = self._transform_value_range(self._clahe(x), (0, 255), self.value_range)
        return _constant(images, out.transpose(0, 3, 1, 2) if first else out)

    def _inference(self, images):
        return self.transform_images(images)

    def get_config(self):
        return {**super().get_config(), "value_range": self.value_range,
                "clip_limit": self.clip_limit, "tile_grid_size": self.tile_grid_size,
                "data_format": self.data_format}


@register
class MaxNumBoundingBoxes(BaseImagePreprocessingLayer):
    """Pad (with ``fill_value``) or cut the ``bounding_boxes`` of a dict input to
    ``max_number`` boxes per image; images pass through unchanged."""

    _USE_BASE_FACTOR = False
    handles_bounding_boxes = True

    def __init__(self, max_number, fill_value=-1, **kwargs):
        super().__init__(**kwargs)
        self.max_number = int(max_number)
        self.fill_value = int(fill_value)

    def transform_images(self, images, transformation=None, training=True):
        return images

    def transform_bounding_boxes(self, bounding_boxes, transformation=None, training=True):
        boxes = np.asarray(bounding_boxes["boxes"])
        labels = np.asarray(bounding_boxes["labels"])
        pad = max(self.max_number - boxes.shape[1], 0)
        boxes = np.pad(boxes[:, :self.max_number], ((0, 0), (0, pad), (0, 0)),
                       constant_values=self.fill_value)
        labels = np.pad(labels[:, :self.max_number], ((0, 0), (0, pad)),
                        constant_values=self.fill_value)
        return {**bounding_boxes, "boxes": boxes, "labels": labels}

    def get_config(self):
        return {**super().get_config(), "max_number": self.max_number}
