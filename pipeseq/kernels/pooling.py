"""Pooling math (channels_last, one or two spatial axes), forward and backward.

* Max pooling: windows padded with ``-inf`` for "same"; the gradient goes to one arg-max
  per window (the first maximum in row-major window order), as TensorFlow's MaxPoolGrad.
* Average pooling: "same" windows divide by the number of *real* (unpadded) inputs they
  cover, as Keras/TF do.
* Global pooling over every spatial axis, with ``keepdims``.

Every function loops over the pooling window's taps (a handful), never over samples or
pixels.

Example
-------
>>> import numpy as np
>>> from pipeseq.kernels import pooling
>>> x = np.arange(16, dtype="float32").reshape(1, 4, 4, 1)
>>> y, cache = pooling.pool_forward(x, (2, 2), (2, 2), "valid", "max")
>>> y[0, :, :, 0]
array([[ 5.,  7.],
       [13., 15.]], dtype=float32)
>>> pooling.pool_backward(cache, np.ones_like(y))[0, :, :, 0]
array([[0., 0., 0., 0.],
       [0., 1., 0., 1.],
       [0., 0., 0., 0.],
       [0., 1., 0., 1.]], dtype=float32)
"""
import numpy as np

from .conv import compute_pads, conv_output_length, pad_spatial, padded_rows, _crop
from .conv_threads import run_groups


def pool_output_shape(spatial, pool_size, strides, padding):
    """Output spatial sizes (None stays None)."""
    return tuple(conv_output_length(n, p, padding, s) for n, p, s in zip(spatial, pool_size, strides))


def _taps(xp, pool, strides, out_hw):
    (ph, pw), (sh, sw), (oh, ow) = pool, strides, out_hw
    for i in range(ph):
        for j in range(pw):
            yield i * pw + j, (slice(None), slice(i, i + (oh - 1) * sh + 1, sh),
                               slice(j, j + (ow - 1) * sw + 1, sw), slice(None))


def pool_forward(x, pool_size, strides, padding, mode):
    """Max (``mode="max"``) or average (``"avg"``) pooling.

    Parameters
    ----------
    x : ndarray ``(N, L, C)`` or ``(N, H, W, C)``
    pool_size, strides : tuple of int per spatial axis
    padding : "valid" or "same"

    Returns ``(y (N, *out, C), cache)``.
    """
    one_d = x.ndim == 3
    if one_d:
        x, pool_size, strides = x[:, None], (1,) + tuple(pool_size), (1,) + tuple(strides)
    spatial = x.shape[1:3]
    pads = compute_pads(spatial, pool_size, strides, (1, 1), padding)
    out_hw = pool_output_shape(spatial, pool_size, strides, padding)
    if min(out_hw) <= 0:
        raise ValueError(f"Pooling window {tuple(pool_size[-x.ndim + 2:])} is larger than the input "
                         f"{tuple(spatial[-x.ndim + 2:])} with padding {padding!r}.")
    if mode == "max" and tuple(strides) == tuple(pool_size) and not any(p for pr in pads for p in pr):
        y, cache = _tiled_max_forward(x, pool_size, out_hw)
        return (y[:, 0] if one_d else y), cache + (one_d,)
    if mode == "max":
        fill = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
        xp = pad_spatial(x, pads, value=fill)
        best = arg = None
        for t, sl in _taps(xp, pool_size, strides, out_hw):
            v = xp[sl]
            if best is None:
                best = v.copy()
                arg = np.zeros(best.shape, dtype=np.int16)
            else:
                win = v > best                      # strict: the first maximum keeps the gradient
                np.copyto(best, v, where=win)
                np.copyto(arg, t, where=win)
        y, aux = best, arg
    elif mode == "avg":
        xp = pad_spatial(x, pads)
        y = None
        for _, sl in _taps(xp, pool_size, strides, out_hw):
            if y is None:
                y = xp[sl].copy()
            else:
                y += xp[sl]
        count = _counts(spatial, pool_size, strides, pads, out_hw, x.dtype)
        y /= count
        aux = count
    else:
        raise ValueError(f"Unknown pooling mode {mode!r}")
    cache = (mode, aux, xp.shape, pool_size, strides, pads, spatial, out_hw, one_d)
    return (y[:, 0] if one_d else y), cache


_INFER_BLOCK_BYTES = 1 << 18


def max_pool_infer(x, pool_size, strides, padding):
    """Max pooling without the backward pass's bookkeeping (``predict``): ``(N, H, W, C)`` ->
    ``(N, oh, ow, C)``, one ``maximum`` per window tap on blocks of output rows (about 256 KiB,
    in cache, each padding its own input rows) shared out to the worker threads. Equal to
    :func:`pool_forward`'s output."""
    pads = compute_pads(x.shape[1:3], pool_size, strides, (1, 1), padding)
    out_hw = pool_output_shape(x.shape[1:3], pool_size, strides, padding)
    if min(out_hw) <= 0:
        return pool_forward(x, pool_size, strides, padding, "max")[0]     # its error message
    fill = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    (ph, pw), (sh, sw), (oh, ow) = pool_size, strides, out_hw
    n, c = x.shape[0], x.shape[-1]
    width = x.shape[2] + pads[1][0] + pads[1][1]
    y = np.empty((n, oh, ow, c), dtype=x.dtype)
    rows = max(1, min(oh, _INFER_BLOCK_BYTES // max(1, ow * c * y.itemsize)))
    items = [(b, r, min(oh, r + rows)) for b in range(n) for r in range(0, oh, rows)]

    def work(group):
        buf = np.empty(((rows - 1) * sh + ph, width, c), dtype=x.dtype)
        for b, r0, r1 in group:
            yc = y[b, r0:r1]
            xr_all = padded_rows(x[b], pads, r0 * sh, (r1 - 1) * sh + ph, buf, value=fill)
            for i in range(ph):
                xr = xr_all[i:i + (r1 - r0 - 1) * sh + 1:sh]
                for j in range(pw):
                    tap = xr[:, j:j + (ow - 1) * sw + 1:sw]
                    if i == 0 and j == 0:
                        np.copyto(yc, tap)
                    else:
                        np.maximum(yc, tap, out=yc)

    run_groups(work, items)
    return y


def _counts(spatial, pool, strides, pads, out_hw, dtype):
    """How many real inputs each window covers, shape ``(1, oh, ow, 1)`` (constant if no padding)."""
    if not any(p for pair in pads for p in pair):
        return np.asarray(pool[0] * pool[1], dtype=dtype)
    ones = pad_spatial(np.ones((1,) + tuple(spatial) + (1,), dtype=dtype), pads)
    c = None
    for _, sl in _taps(ones, pool, strides, out_hw):
        c = ones[sl].copy() if c is None else c + ones[sl]
    return c


def _tiles(x, pool, out_hw, writeable=False):
    """View ``(N, oh, ph, ow, pw, C)`` of the non-overlapping windows (strides == pool)."""
    (ph, pw), (oh, ow) = pool, out_hw
    n, _, _, c = x.shape
    s_n, s_h, s_w, s_c = x.strides
    return np.lib.stride_tricks.as_strided(
        x, shape=(n, oh, ph, ow, pw, c), strides=(s_n, s_h * ph, s_h, s_w * pw, s_w, s_c),
        writeable=writeable)


_CHUNK_BYTES = 1 << 20


def _sample_chunks(x):
    """Sample ranges of about ``_CHUNK_BYTES`` of ``x`` each (cache-sized, shared by threads)."""
    step = max(1, _CHUNK_BYTES // max(1, x[:1].nbytes))
    return [(s, min(len(x), s + step)) for s in range(0, len(x), step)]


def _tiled_max_forward(x, pool, out_hw):
    """Max pooling with ``strides == pool_size`` and no padding: one ``maximum`` per window tap.

    The backward pass finds each window's first maximum by comparing the taps with ``y``
    (no argmax array is built). Cache-sized sample ranges run on the convolution worker
    threads (:mod:`pipeseq.kernels.conv_threads`).
    """
    t = _tiles(x, pool, out_hw)
    y = np.empty((x.shape[0],) + tuple(out_hw) + (x.shape[-1],), dtype=x.dtype)

    def work(group):
        for s, e in group:
            ys = y[s:e]
            np.copyto(ys, t[s:e, :, 0, :, 0])
            for i in range(pool[0]):
                for j in range(pool[1]):
                    if i or j:
                        np.maximum(ys, t[s:e, :, i, :, j], out=ys)

    run_groups(work, _sample_chunks(x))
    return y, ("tiled_max", x, y, pool, out_hw)


def _tiled_max_backward(cache, dy):
    _, x, y, pool, out_hw, _ = cache
    (ph, pw), (oh, ow) = pool, out_hw
    exact = x.shape[1:3] == (oh * ph, ow * pw)
    dx = np.empty(x.shape, dtype=dy.dtype) if exact else np.zeros(x.shape, dtype=dy.dtype)
    t, dt = _tiles(x, pool, out_hw), _tiles(dx, pool, out_hw, writeable=True)
    zero = np.zeros((), dtype=dy.dtype)

    def work(group):
        for s, e in group:
            hit = t[s:e] == y[s:e, :, None, :, None]          # (n, oh, ph, ow, pw, C)
            if ph * pw > 1:                           # ties: the first maximum takes the gradient
                taps = [hit[:, :, i, :, j] for i in range(ph) for j in range(pw)]
                seen = taps[0].copy()
                for k, tap in enumerate(taps[1:], 1):
                    np.greater(tap, seen, out=tap)    # hit and no earlier hit
                    if k < len(taps) - 1:
                        np.logical_or(seen, tap, out=seen)
            dyb = dy[s:e, :, None, :, None]
            if np.isfinite(dy[s:e]).all():            # multiply: 3x faster than where()
                np.multiply(hit, dyb, out=dt[s:e])
            else:                                     # (0 * inf would give nan off the maximum)
                np.copyto(dt[s:e], np.where(hit, dyb, zero))

    run_groups(work, _sample_chunks(x))
    return dx


def pool_backward(cache, dy):
    """Gradient of :func:`pool_forward` with respect to its input."""
    if cache[0] == "tiled_max":
        one_d = cache[-1]
        dx = _tiled_max_backward(cache, dy[:, None] if one_d else dy)
        return dx[:, 0] if one_d else dx
    mode, aux, padded_shape, pool, strides, pads, spatial, out_hw, one_d = cache
    if one_d:
        dy = dy[:, None]
    dxp = np.zeros(padded_shape, dtype=dy.dtype)
    if mode == "max":
        zero = np.zeros((), dtype=dy.dtype)
        for t, sl in _taps(dxp, pool, strides, out_hw):
            dxp[sl] += np.where(aux == t, dy, zero)
    else:
        g = dy / aux
        for _, sl in _taps(dxp, pool, strides, out_hw):
            dxp[sl] += g
    dx = _crop(dxp, pads, spatial)
    return dx[:, 0] if one_d else dx


def global_pool_forward(x, mode, keepdims=False):
    """Max or average over every spatial axis of channels_last ``x (N, *spatial, C)``."""
    axes = tuple(range(1, x.ndim - 1))
    if mode == "avg":
        y = x.mean(axis=axes, keepdims=keepdims)
        return y, (mode, x.shape, None, keepdims)
    flat = x.reshape(x.shape[0], -1, x.shape[-1])
    arg = flat.argmax(axis=1)                                   # first maximum
    y = np.take_along_axis(flat, arg[:, None, :], axis=1)[:, 0]
    if keepdims:
        y = y.reshape((x.shape[0],) + (1,) * len(axes) + (x.shape[-1],))
    return y, (mode, x.shape, arg, keepdims)


def global_pool_backward(cache, dy):
    """Gradient of :func:`global_pool_forward`."""
    mode, shape, arg, keepdims = cache
    n, c = shape[0], shape[-1]
    dy = dy.reshape(n, c)
    if mode == "avg":
        size = int(np.prod(shape[1:-1]))
        dx = np.broadcast_to((dy / size)[:, None, :], (n, size, c))
        return np.ascontiguousarray(dx).reshape(shape)
    dx = np.zeros((n, int(np.prod(shape[1:-1])), c), dtype=dy.dtype)
    np.put_along_axis(dx, arg[:, None, :], dy[:, None, :], axis=1)
    return dx.reshape(shape)
