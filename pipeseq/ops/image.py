"""``keras.ops.image``: resizing, colour conversions, padding/cropping and patches (differentiable).

Example
-------
>>> import numpy as np
>>> from pipeseq.ops import image
>>> image.resize(np.ones((1, 2, 2, 3), "float32"), (4, 4)).shape
(1, 4, 4, 3)
"""
import autograd.numpy as anp
import numpy as np

from .. import backend
from . import prims
from .dispatch import float_tensor, op, value

__all__ = ["resize", "rgb_to_grayscale", "rgb_to_hsv", "hsv_to_rgb", "pad_images", "crop_images",
           "extract_patches"]


def _last(images, data_format):
    x = float_tensor(images)
    fmt = data_format or backend.image_data_format()
    if fmt == "channels_first":
        return anp.moveaxis(x, -3, -1), True
    return x, False


def _back(y, moved):
    return anp.moveaxis(y, -1, -3) if moved else y


def _coords(n_in, n_out):
    """Source coordinates of output pixel centres (half-pixel, as Keras/TF resize)."""
    return np.clip((np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5, 0, n_in - 1)


@op
def resize(images, size, interpolation="bilinear", antialias=False, crop_to_aspect_ratio=False,
           pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, data_format=None):
    """Resize to ``size = (height, width)`` with ``"bilinear"`` or ``"nearest"`` interpolation.

    ``crop_to_aspect_ratio`` first takes the centred largest crop with the target's aspect
    ratio; ``pad_to_aspect_ratio`` pads both sides with ``fill_value`` to it instead.
    """
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError("resize(): only one of `pad_to_aspect_ratio` and `crop_to_aspect_ratio` "
                         "can be True. Received: both True")
    if antialias:
        raise NotImplementedError("resize(): antialias=True is not supported by pipeseq. "
                                  "Received: antialias=True")
    x, moved = _last(images, data_format)
    oh, ow = int(size[0]), int(size[1])
    if crop_to_aspect_ratio:
        x = _crop_to_aspect(x, oh, ow)
    elif pad_to_aspect_ratio:
        x = _pad_to_aspect(x, oh, ow, fill_value)
    h, w = value(x).shape[-3:-1]
    if interpolation == "nearest":
        ri = np.minimum(np.floor((np.arange(oh) + 0.5) * h / oh).astype(int), h - 1)
        ci = np.minimum(np.floor((np.arange(ow) + 0.5) * w / ow).astype(int), w - 1)
        y = x[..., ri, :, :][..., ci, :]
        return _back(y, moved)
    if interpolation != "bilinear":
        raise ValueError(f"resize(): interpolation must be 'bilinear' or 'nearest'. Received: "
                         f"interpolation={interpolation!r}")
    out = x
    for axis, (n_in, n_out) in ((-3, (h, oh)), (-2, (w, ow))):
        c = _coords(n_in, n_out)
        lo = np.floor(c).astype(int)
        hi = np.minimum(lo + 1, n_in - 1)
        frac = (c - lo).astype(value(x).dtype)
        shape = [1] * value(out).ndim
        shape[axis] = n_out
        frac = frac.reshape(shape)
        a = _take(out, lo, axis)
        b = _take(out, hi, axis)
        out = a * (1 - frac) + b * frac
    return _back(out, moved)


def _aspect_sizes(h, w, oh, ow):
    """Keras's (TensorFlow's) sizes of the ``oh:ow`` box fitting ``h x w``: float32 ratios,
    truncated to int."""
    return (int(np.float32(w * oh) / np.float32(ow)), int(np.float32(h * ow) / np.float32(oh)))


def _crop_to_aspect(x, oh, ow):
    """The centred largest ``oh:ow`` crop (as Keras ``crop_to_aspect_ratio``)."""
    h, w = value(x).shape[-3:-1]
    ch, cw = _aspect_sizes(h, w, oh, ow)
    ch, cw = max(min(h, ch), 1), max(min(w, cw), 1)
    h0, w0 = int((h - ch) / 2), int((w - cw) / 2)
    return x[..., h0:h0 + ch, w0:w0 + cw, :]


def _pad_to_aspect(x, oh, ow, fill_value):
    """Pad both sides with ``fill_value`` up to the ``oh:ow`` ratio (as Keras
    ``pad_to_aspect_ratio``: the same amount on each side)."""
    h, w = value(x).shape[-3:-1]
    ph, pw = _aspect_sizes(h, w, oh, ow)
    h0, w0 = int((max(h, ph) - h) / 2), int((max(w, pw) - w) / 2)
    if h0 > 0 or w0 > 0:
        pads = [(0, 0)] * (value(x).ndim - 3) + [(h0, h0), (w0, w0), (0, 0)]
        x = prims.pad_constant(x, pads, fill_value)
    return x


def _take(x, idx, axis):
    nd = value(x).ndim
    return x[(slice(None),) * (axis % nd) + (idx,)]


@op
def rgb_to_grayscale(images, data_format=None):
    """Luma (ITU-R 601) as one channel."""
    x, moved = _last(images, data_format)
    y = anp.sum(x * np.array([0.2989, 0.5870, 0.1140], value(x).dtype), axis=-1, keepdims=True)
    return _back(y, moved)


@op
def rgb_to_hsv(images, data_format=None):
    """RGB in [0, 1] to HSV in [0, 1] (no gradient through the hue's case split)."""
    x, moved = _last(images, data_format)
    v = np.asarray(value(x))
    r, g, b = v[..., 0], v[..., 1], v[..., 2]
    mx, mn = v.max(-1), v.min(-1)
    d = mx - mn
    s = np.where(mx > 0, d / np.where(mx > 0, mx, 1), 0)
    dd = np.where(d > 0, d, 1)
    h = np.where(mx == r, (g - b) / dd, np.where(mx == g, 2.0 + (b - r) / dd, 4.0 + (r - g) / dd))
    h = np.where(d > 0, (h / 6.0) % 1.0, 0)
    return _back(np.stack([h, s, mx], -1).astype(v.dtype), moved)


@op
def hsv_to_rgb(images, data_format=None):
    """HSV in [0, 1] to RGB in [0, 1]."""
    x, moved = _last(images, data_format)
    v = np.asarray(value(x))
    h, s, val = v[..., 0], v[..., 1], v[..., 2]

    def f(n):
        k = (n + h * 6.0) % 6
        return val - val * s * np.clip(np.minimum(k, 4 - k), 0, 1)
    return _back(np.stack([f(5), f(3), f(1)], -1).astype(v.dtype), moved)


def _box(h, w, top, left, bottom, right, th, tw, what):
    if top is None and bottom is None:
        raise ValueError(f"{what}: give top/bottom amounts or a target height.")
    if top is None:
        top = th - h - bottom if what == "pad_images" else h - th - bottom
    if bottom is None:
        bottom = th - h - top if what == "pad_images" else h - th - top
    if left is None:
        left = tw - w - right if what == "pad_images" else w - tw - right
    if right is None:
        right = tw - w - left if what == "pad_images" else w - tw - left
    if min(top, bottom, left, right) < 0:
        raise ValueError(f"{what}: the amounts must be non-negative. Received: top={top}, "
                         f"bottom={bottom}, left={left}, right={right}")
    return int(top), int(left), int(bottom), int(right)


@op
def pad_images(images, top_padding=None, left_padding=None, bottom_padding=None,
               right_padding=None, target_height=None, target_width=None, data_format=None):
    """Zero-pad images to a target size or by the given amounts."""
    x, moved = _last(images, data_format)
    h, w = value(x).shape[-3:-1]
    t, l_, b, r = _box(h, w, top_padding, left_padding, bottom_padding, right_padding,
                       target_height, target_width, "pad_images")
    pw = [(0, 0)] * (value(x).ndim - 3) + [(t, b), (l_, r), (0, 0)]
    return _back(prims.pad_constant(x, pw, 0), moved)


@op
def crop_images(images, top_cropping=None, left_cropping=None, bottom_cropping=None,
                right_cropping=None, target_height=None, target_width=None, data_format=None):
    """Crop images to a target size or by the given amounts."""
    x, moved = _last(images, data_format)
    h, w = value(x).shape[-3:-1]
    t, l_, b, r = _box(h, w, top_cropping, left_cropping, bottom_cropping, right_cropping,
                       target_height, target_width, "crop_images")
    return _back(x[..., t:h - b, l_:w - r, :], moved)


@op
def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid",
                    data_format=None):
    """Patches of ``size`` flattened into the channel axis: ``(batch, rows, cols, ph*pw*c)``."""
    from .nn import _patches, _tuple
    x, moved = _last(images, data_format)
    size = _tuple(size, 2)
    strides = size if strides is None else _tuple(strides, 2)
    p = _patches(x, size, strides, padding, _tuple(dilation_rate, 2))
    s = value(p).shape
    return _back(anp.reshape(p, s[:3] + (s[3] * s[4] * s[5],)), moved)
