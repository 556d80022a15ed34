"""Projective resampling of image batches, as TensorFlow's ``ImageProjectiveTransformV3``
(what Keras's ``ops.image.affine_transform`` runs), with its gradient.

A transform is Keras's 8-vector ``[a0, a1, a2, b0, b1, b2, c0, c1]``: output pixel
``(x, y)`` (column, row) reads the input at
``((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)``, ``k = c0 x + c1 y + 1``.
Out-of-image coordinates are first mapped by ``fill_mode`` (``reflect``: ``dcba|abcd|dcba``,
``wrap``: ``abcd|abcd|abcd``, ``nearest``: ``aaaa|abcd|dddd``; all clamped to the image),
then read with ``nearest`` (round half away from zero) or ``bilinear`` interpolation; any
neighbour still outside the image reads ``fill_value`` (``constant`` mode's fill).
Coordinates are float32 as in TensorFlow.

:func:`affine_transform` is an autograd primitive: its gradient with respect to the images is
the transposed resampling (each output's weight scattered back to its input pixels).

Example
-------
>>> import numpy as np
>>> x = np.arange(6, dtype="float32").reshape(1, 2, 3, 1)
>>> shift = np.array([[1, 0, -1, 0, 1, 0, 0, 0]], "float32")   # read x - 1: shift right
>>> affine_transform(x, shift, "nearest", "constant", 0.0)[0, :, :, 0].tolist()
[[0.0, 0.0, 1.0], [0.0, 3.0, 4.0]]
"""
import math

import autograd.numpy as anp
import numpy as np
from autograd.extend import defvjp, primitive

FILL_MODES = ("reflect", "wrap", "constant", "nearest")
INTERPOLATIONS = ("nearest", "bilinear")


def _map_coordinate(c, n, mode):
    """TensorFlow's ``MapCoordinate`` for one axis of length ``n`` (float32 ``c``)."""
    if mode == "constant":
        return c
    if mode == "nearest" or n <= 1:
        return np.clip(c, 0, n - 1) if n > 1 else np.zeros_like(c)
    out = c.copy()
    neg, pos = c < 0, c > n - 1
    cn, cp = c[neg], c[pos]
    if mode == "reflect":
        sz2 = 2 * n
        cn = sz2 * np.trunc(-cn / sz2) + cn
        cn = np.where(cn < -n, cn + sz2, -cn - 1)
        cp = cp - sz2 * np.trunc(cp / sz2)
        cp = np.where(cp >= n, sz2 - cp - 1, cp)
    else:   # wrap
        sz = n - 1
        cn = cn + n * (np.trunc(-cn / sz) + 1)
        cp = cp - n * np.trunc(cp / sz)
    out[neg], out[pos] = cn, cp
    return np.clip(out, 0, n - 1).astype(c.dtype, copy=False)


def _source_coordinates(transforms, height, width):
    """Float32 input coordinates ``(N, H, W)`` each (x, y) of every output pixel."""
    t = np.asarray(transforms, np.float32).reshape(-1, 8)
    ys, xs = np.meshgrid(np.arange(height, dtype=np.float32),
                         np.arange(width, dtype=np.float32), indexing="ij")
    a0, a1, a2, b0, b1, b2, c0, c1 = (t[:, i, None, None] for i in range(8))
    k = c0 * xs + c1 * ys + np.float32(1)
    with np.errstate(divide="ignore", invalid="ignore"):
        sx = (a0 * xs + a1 * ys + a2) / k
        sy = (b0 * xs + b1 * ys + b2) / k
    return sx, sy, k == 0


def sampling_plan(transforms, shape, interpolation="bilinear", fill_mode="constant"):
    """For images of ``shape (N, H, W, C)``: flat source indices ``(K, N*H*W)`` and weights
    ``(K, N*H*W)`` (K = 1 nearest, 4 bilinear); an index of -1 reads ``fill_value``."""
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f"interpolation must be one of {INTERPOLATIONS}. "
                         f"Received: interpolation={interpolation!r}")
    if fill_mode not in FILL_MODES:
        raise ValueError(f"fill_mode must be one of {FILL_MODES}. "
                         f"Received: fill_mode={fill_mode!r}")
    n, h, w = shape[0], shape[1], shape[2]
    t = np.asarray(transforms, np.float32).reshape(-1, 8)
    if t.shape[0] == 1 and n > 1:
        t = np.repeat(t, n, axis=0)
    if t.shape[0] != n:
        raise ValueError(f"affine_transform: {t.shape[0]} transforms for a batch of {n} "
                         "images; expected one transform, or one per image.")
    sx, sy, degenerate = _source_coordinates(t, h, w)
    x = _map_coordinate(sx, w, fill_mode)
    y = _map_coordinate(sy, h, fill_mode)
    base = (np.arange(n) * (h * w))[:, None, None]

    def flat(yi, xi):
        ok = (yi >= 0) & (yi < h) & (xi >= 0) & (xi < w) & ~degenerate
        idx = base + np.where(ok, yi, 0) * w + np.where(ok, xi, 0)
        return np.where(ok, idx, -1).reshape(-1)

    if interpolation == "nearest":
        def rnd(v):        # std::round: halves away from zero
            return (np.sign(v) * np.floor(np.abs(v) + 0.5)).astype(np.int64)
        with np.errstate(invalid="ignore"):
            xi, yi = rnd(np.nan_to_num(x, nan=-2.0)), rnd(np.nan_to_num(y, nan=-2.0))
        return flat(yi, xi)[None], np.ones((1, n * h * w), np.float32)
    x = np.nan_to_num(x, nan=-2.0, posinf=-2.0, neginf=-2.0)
    y = np.nan_to_num(y, nan=-2.0, posinf=-2.0, neginf=-2.0)
    x0, y0 = np.floor(x), np.floor(y)
    fx, fy = x - x0, y - y0
    x0, y0 = x0.astype(np.int64), y0.astype(np.int64)
    idx = np.stack([flat(y0, x0), flat(y0, x0 + 1), flat(y0 + 1, x0), flat(y0 + 1, x0 + 1)])
    wts = np.stack([((1 - fx) * (1 - fy)).reshape(-1), (fx * (1 - fy)).reshape(-1),
                    ((1 - fx) * fy).reshape(-1), (fx * fy).reshape(-1)])
    return idx, wts.astype(np.float32)


def _resample(images, idx, wts, fill_value):
    n, h, w, c = images.shape
    flat = images.reshape(-1, c)
    out = np.zeros((idx.shape[1], c), np.result_type(images.dtype, np.float32))
    for k in range(idx.shape[0]):
        ok = idx[k] >= 0
        vals = np.where(ok[:, None], flat[np.where(ok, idx[k], 0)], fill_value)
        out += wts[k][:, None] * vals
    return out.reshape(n, h, w, c).astype(images.dtype, copy=False)


@primitive
def affine_transform(images, transforms, interpolation="bilinear", fill_mode="constant",
                     fill_value=0.0):
    """Resample channels_last ``images (N, H, W, C)`` by ``transforms (N or 1, 8)``."""
    idx, wts = sampling_plan(transforms, images.shape, interpolation, fill_mode)
    return _resample(images, idx, wts, fill_value)


def affine_transform_grad(dy, images, transforms, interpolation="bilinear",
                          fill_mode="constant"):
    """The gradient of :func:`affine_transform` with respect to ``images``."""
    idx, wts = sampling_plan(transforms, images.shape, interpolation, fill_mode)
    n, h, w, c = images.shape
    g = np.zeros((n * h * w, c), np.result_type(dy.dtype, np.float32))
    d = dy.reshape(-1, c)
    for k in range(idx.shape[0]):
        ok = idx[k] >= 0
        np.add.at(g, idx[k][ok], wts[k][ok][:, None] * d[ok])
    return g.reshape(images.shape).astype(images.dtype, copy=False)


defvjp(affine_transform,
       lambda ans, images, transforms, interpolation="bilinear", fill_mode="constant",
       fill_value=0.0: lambda dy: affine_transform_grad(dy, images, transforms, interpolation,
                                                        fill_mode))


def affine_matrix(center_x, center_y, angle, translate_x, translate_y, scale, shear_x,
                  shear_y, height, width):
    """Keras's ``_compute_affine_matrix``: rotation ``angle`` and shears in degrees about the
    relative centre, then scale and translation (pixels); returns ``(N, 8)`` float32."""
    rad = np.float32(math.pi / 180.0)
    angle = np.asarray(angle, np.float32) * rad
    shx = np.tan(np.asarray(shear_x, np.float32) * rad)
    shy = np.tan(np.asarray(shear_y, np.float32) * rad)
    cx, cy = center_x * (np.float32(width) - 1), center_y * (np.float32(height) - 1)
    cos, sin = np.cos(angle), np.sin(angle)
    a0 = scale * (cos + shx * sin)
    a1 = scale * (-sin + shx * cos)
    a2 = translate_x + cx - cx * a0 - cy * a1
    b0 = scale * (shy * cos + sin)
    b1 = scale * (shy * -sin + cos)
    b2 = translate_y + cy - cx * b0 - cy * b1
    zeros = np.zeros_like(a0)
    return np.stack([a0, a1, a2, b0, b1, b2, zeros, zeros], axis=1).astype(np.float32)


def homography(start_points, end_points):
    """The ``(N, 8)`` projective transform taking each output point in ``end_points (N, 4, 2)``
    to its ``start_points`` (Keras's ``compute_homography_matrix``: an 8x8 solve, float32)."""
    s = np.asarray(start_points, np.float32)
    e = np.asarray(end_points, np.float32)
    rows = []
    for i in range(4):
        ex, ey, sx, sy = e[:, i, 0], e[:, i, 1], s[:, i, 0], s[:, i, 1]
        one, zero = np.ones_like(ex), np.zeros_like(ex)
        rows.append(np.stack([ex, ey, one, zero, zero, zero, -sx * ex, -sx * ey], axis=-1))
        rows.append(np.stack([zero, zero, zero, ex, ey, one, -sy * ex, -sy * ey], axis=-1))
    a = np.stack(rows, axis=1)
    b = s.reshape(len(s), 8, 1)
    return np.linalg.solve(a, b).reshape(-1, 8).astype(np.float32)


def _fix_index(index, size, fill_mode):
    """Keras's ``map_coordinates`` index handling (per neighbour): the index to read and
    whether it lies inside (only ``constant`` mode reads ``fill_value`` outside)."""
    valid = (index >= 0) & (index < size)
    if fill_mode == "constant":
        return np.clip(index, 0, size - 1), valid
    if fill_mode == "nearest":
        return np.clip(index, 0, size - 1), np.ones_like(valid)
    if fill_mode == "wrap":
        return np.mod(index, size), np.ones_like(valid)
    a = np.abs(index)
    if fill_mode == "mirror":      # (d c b | a b c d | c b a); Keras 3.15 reads past the end
        period = max(2 * size - 2, 1)
        m = np.mod(a, period)
        return np.where(m < size, m, period - m), np.ones_like(valid)
    m = np.mod(a, 2 * size)
    return np.where(m < size, m, 2 * size - m - 1), np.ones_like(valid)


def map_coordinates(images, ys, xs, interpolation="bilinear", fill_mode="constant",
                    fill_value=0.0):
    """Read channels_last ``images (N, H, W, C)`` at float coordinates ``ys``, ``xs``
    ``(N, H', W')`` as Keras's ``ops.image.map_coordinates`` (order 0: round half to even;
    order 1: linear), every neighbour index mapped by ``fill_mode``
    (constant/nearest/wrap/mirror/reflect). Autograd-aware in ``images``."""
    n, h, w = images.shape[0], images.shape[1], images.shape[2]
    if interpolation == "nearest":
        ny = [(np.round(ys).astype(np.int64), 1.0)]
        nx = [(np.round(xs).astype(np.int64), 1.0)]
    else:
        y0, x0 = np.floor(ys), np.floor(xs)
        ny = [(y0.astype(np.int64), 1 - (ys - y0)), (y0.astype(np.int64) + 1, ys - y0)]
        nx = [(x0.astype(np.int64), 1 - (xs - x0)), (x0.astype(np.int64) + 1, xs - x0)]
    b = np.arange(n).reshape((n,) + (1,) * (np.ndim(ys) - 1))
    out = 0.0
    for yi, wy in ny:
        yi, vy = _fix_index(yi, h, fill_mode)
        for xi, wx in nx:
            xi, vx = _fix_index(xi, w, fill_mode)
            vals = images[b, yi, xi]
            if fill_mode == "constant":
                vals = anp.where((vy & vx)[..., None], vals, fill_value)
            weight = np.asarray(wy * wx, np.float32)
            out = out + vals * weight[..., None]
    return out
