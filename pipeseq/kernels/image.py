"""Image resizing as two interpolation matrices (TensorFlow's half-pixel rules).

``resize(x, (h, w), "bilinear")`` is ``Mh @ x @ Mw^T`` per channel, so its gradient is the
transposed product. Bilinear: source ``(i + 0.5) * in/out - 0.5`` clipped to the image,
linear between its two neighbours (``tf.image.resize``, ``antialias=False``); nearest:
source ``min(floor((i + 0.5) * in/out), in - 1)``.

Example
-------
>>> import numpy as np
>>> interpolation_matrix(2, 4, "bilinear").round(2).tolist()
[[1.0, 0.0], [0.75, 0.25], [0.25, 0.75], [0.0, 1.0]]
"""
import numpy as np

INTERPOLATIONS = ("bilinear", "nearest")


def interpolation_matrix(n_in, n_out, method, dtype="float64"):
    """``(n_out, n_in)`` matrix taking a length-``n_in`` axis to ``n_out`` samples."""
    m = np.zeros((n_out, n_in), dtype)
    scale = n_in / n_out
    i = np.arange(n_out)
    if method == "nearest":
        src = np.minimum(np.floor((i + 0.5) * scale).astype(int), n_in - 1)
        m[i, src] = 1
        return m
    src = np.clip((i + 0.5) * scale - 0.5, 0, n_in - 1)
    lo = np.floor(src).astype(int)
    hi = np.minimum(lo + 1, n_in - 1)
    frac = src - lo
    np.add.at(m, (i, lo), 1 - frac)
    np.add.at(m, (i, hi), frac)
    return m


def resize_forward(x, size, method):
    """Channels_last ``x (N, H, W, C)`` -> ``(N, h, w, C)``; returns ``(y, cache)``."""
    mh = interpolation_matrix(x.shape[1], size[0], method, x.dtype)
    mw = interpolation_matrix(x.shape[2], size[1], method, x.dtype)
    y = np.einsum("ih,nhwc,jw->nijc", mh, x, mw, optimize=True)
    return y.astype(x.dtype, copy=False), (mh, mw)


def resize_backward(cache, dy):
    mh, mw = cache
    return np.einsum("ih,nijc,jw->nhwc", mh, dy, mw, optimize=True).astype(dy.dtype, copy=False)


def aspect_crop_box(height, width, target_height, target_width):
    """Keras's ``smart_resize`` crop: the largest centred box with the target's aspect ratio;
    returns ``(h_start, w_start, crop_h, crop_w)``."""
    crop_h = max(min(height, int(float(width * target_height) / target_width)), 1)
    crop_w = max(min(width, int(float(height * target_width) / target_height)), 1)
    return int(float(height - crop_h) / 2), int(float(width - crop_w) / 2), crop_h, crop_w
