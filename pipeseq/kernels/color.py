"""Colour-space arithmetic of the augmentation layers, written with autograd's NumPy so the
layers' backward passes are exact: grayscale (TensorFlow's weights), RGB <-> HSV (TensorFlow's
``rgb_to_hsv``/``hsv_to_rgb`` formulas), the 3x3 smoothing and Gaussian blur filters.

``axis`` is the channel axis of a batch (``-1`` channels_last, ``1`` channels_first).

Example
-------
>>> import numpy as np
>>> rgb = np.array([[[[1.0, 0.5, 0.0]]]], "float32")
>>> [round(float(v), 4) for v in rgb_to_hsv(rgb)[0, 0, 0]]
[0.0833, 1.0, 1.0]
>>> np.allclose(hsv_to_rgb(rgb_to_hsv(rgb)), rgb)
True
"""
import autograd.numpy as anp
import numpy as np

GRAY_WEIGHTS = (0.2989, 0.5870, 0.1140)


def _planes(images, axis):
    idx = [slice(None)] * images.ndim
    out = []
    for c in range(3):
        idx[axis] = c
        out.append(images[tuple(idx)])
    return out


def rgb_to_grayscale(images, axis=-1):
    """One channel ``0.2989 r + 0.5870 g + 0.1140 b`` (kept as a size-1 channel axis);
    one-channel images are returned as they are."""
    if images.shape[axis] == 1:
        return images
    if images.shape[axis] != 3:
        raise ValueError("Invalid channel size: expected 3 (RGB) or 1 (Grayscale). "
                         f"Received input with shape: images.shape={images.shape}")
    r, g, b = _planes(images, axis)
    w = [np.asarray(v, images.dtype) for v in GRAY_WEIGHTS]
    return anp.expand_dims(r * w[0] + g * w[1] + b * w[2], axis)


def rgb_to_hsv(images, axis=-1):
    """Hue in [0, 1), saturation, value (= max channel)."""
    r, g, b = _planes(images, axis)
    value = anp.maximum(anp.maximum(r, g), b)
    rng = value - anp.minimum(anp.minimum(r, g), b)
    safe_value = anp.where(value > 0, value, 1.0)
    safe_range = anp.where(rng > 0, rng, 1.0)
    saturation = anp.where(value > 0, rng / safe_value, 0.0)
    norm = 1.0 / (6.0 * safe_range)
    hue = anp.where(value == g, norm * (b - r) + 2.0 / 6.0, norm * (r - g) + 4.0 / 6.0)
    hue = anp.where(value == r, norm * (g - b), hue)
    hue = anp.where(rng > 0, hue, 0.0)
    hue = anp.where(hue < 0.0, hue + 1.0, hue)
    return anp.stack([hue, saturation, value], axis=axis).astype(images.dtype)


def hsv_to_rgb(images, axis=-1):
    h, s, v = _planes(images, axis)
    dh = anp.mod(h, 1.0) * 6.0
    dr = anp.clip(anp.abs(dh - 3.0) - 1.0, 0.0, 1.0)
    dg = anp.clip(2.0 - anp.abs(dh - 2.0), 0.0, 1.0)
    db = anp.clip(2.0 - anp.abs(dh - 4.0), 0.0, 1.0)
    one_minus_s = 1.0 - s
    out = [v * (one_minus_s + s * d) for d in (dr, dg, db)]
    return anp.stack(out, axis=axis).astype(images.dtype)


def gaussian_kernel_1d(size, sigma, dtype="float32"):
    x = np.arange(size, dtype=dtype) - (size - 1) / 2
    k = np.exp(-0.5 * (x / np.asarray(sigma, dtype)) ** 2)
    return (k / k.sum()).astype(dtype)


def filter2d(images, kernel, axis=-1):
    """Same-size 2-D correlation of every channel with ``kernel (kh, kw)``, zero padding
    (TensorFlow's ``padding="same"``: the extra row/column of an even kernel at the end)."""
    kh, kw = kernel.shape
    x = anp.moveaxis(images, 1, -1) if axis == 1 else images
    ph, pw = (kh - 1) // 2, (kw - 1) // 2
    xp = anp.pad(x, ((0, 0), (ph, kh - 1 - ph), (pw, kw - 1 - pw), (0, 0)), mode="constant")
    h, w = x.shape[1], x.shape[2]
    out = 0.0
    for i in range(kh):
        for j in range(kw):
            out = out + xp[:, i:i + h, j:j + w, :] * kernel[i, j]
    out = out.astype(images.dtype) if hasattr(out, "astype") else out
    return anp.moveaxis(out, -1, 1) if axis == 1 else out
