"""Depthwise convolution, directly: ``sum over taps (i, j) of x[window(i, j)] * k[i, j]``.

A depthwise kernel ``(kh, kw, C, m)`` filters each input channel on its own, so the
grouped im2col path (one tiny matrix product per channel) wastes most of its time on
bookkeeping. The forward pass sums the taps of a strided view of every receptive field
with one ``einsum`` per block of output rows; the backward pass works tap by tap, with
whole-array operations on contiguous channels (channels_last). With a depth
multiplier ``m`` the input channels are repeated first, so output channel ``c*m + j`` is
input channel ``c`` filtered by ``k[..., c, j]`` (Keras's order).

Example
-------
>>> import numpy as np
>>> x = np.ones((1, 4, 4, 2), "float32"); k = np.ones((3, 3, 2, 1), "float32")
>>> y, cache = depthwise_forward(x, k, (1, 1), "valid", (1, 1))
>>> y.shape, float(y[0, 0, 0, 0])
((1, 2, 2, 2), 9.0)
>>> dx, dk = depthwise_backward(cache, np.ones_like(y))
>>> dx.shape, dk.shape
((1, 4, 4, 2), (3, 3, 2, 1))
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided

from .conv import _crop, compute_pads, pad_spatial, padded_rows
from .conv_threads import run_groups
from .fold import epilogue_apply


def _tap(xp, i, j, strides, dilation, out_hw):
    (sh, sw), (dh, dw), (oh, ow) = strides, dilation, out_hw
    return xp[:, i * dh:i * dh + (oh - 1) * sh + 1:sh, j * dw:j * dw + (ow - 1) * sw + 1:sw, :]


_BLOCK_BYTES = 1 << 18        # output rows per work item: about 256 KiB (stays in L2)
# Up to this many channels (with unit stride along the width) the taps are summed as rows: a
# tap of a block is a 2-D slice of the input rows flattened over (width, channels), multiplied
# by the tap's weights tiled along the width, so every NumPy call runs along ``ow * C``
# contiguous values instead of ``C``. einsum's inner loop over the channels is too short below
# ~100 (one block per sample, one thread): 112x112x32 0.87 vs 2.1 GMAC/s, 147x147x64 1.6 vs
# 2.3, 56x56x64 1.6 vs 2.2; 96-144 channels even, from 128 einsum ahead (2.3 vs 2.1).
_ROW_TAPS_MAX_CHANNELS = 64


def depthwise_forward(x, kernel, strides, padding, dilation, bias=None, epilogue=None,
                      for_backward=True):
    """``(N, H, W, C)`` by ``(kh, kw, C, m)`` -> ``(N, oh, ow, C*m)``; Keras/TF ``padding``.

    The output is computed in blocks of rows of one sample (about ``_BLOCK_BYTES``), shared
    out to the worker threads (:mod:`pipeseq.kernels.conv_threads`): the sum over the taps,
    the bias and ``epilogue`` (inference only: see :func:`pipeseq.kernels.fold.epilogue_apply`)
    run while the block is in cache. With ``for_backward=False`` (inference) and a depth
    multiplier of 1, each block pads its own input rows in a small buffer instead of the whole
    input being padded first (a serial copy of the batch); the cache returned is then None.
    Few channels: see ``_ROW_TAPS_MAX_CHANNELS``.
    """
    kh, kw, c, m = kernel.shape
    strides, dilation = tuple(strides), tuple(dilation)
    pads = compute_pads(x.shape[1:3], (kh, kw), strides, dilation, padding) \
        if isinstance(padding, str) else [tuple(p) for p in padding]
    padded_hw = tuple(n + a + b for n, (a, b) in zip(x.shape[1:3], pads))
    out_hw = tuple((p - ((k - 1) * d + 1)) // s + 1
                   for p, k, s, d in zip(padded_hw, (kh, kw), strides, dilation))
    if min(out_hw) <= 0:
        raise ValueError(f"Depthwise kernel {(kh, kw)} (dilation {dilation}) is larger than the "
                         f"padded input {tuple(x.shape[1:3])} (padding {padding!r}).")
    local_pad = not for_backward and m == 1
    xp = x if local_pad else pad_spatial(x, pads)
    if m > 1:
        xp = np.repeat(xp, m, axis=-1)
    dtype = np.result_type(x.dtype, kernel.dtype)
    k2 = kernel.reshape(kh, kw, c * m).astype(dtype, copy=False)
    n, (oh, ow), (sh, sw), (dh, dw) = x.shape[0], out_hw, strides, dilation
    y = np.empty((n,) + out_hw + (c * m,), dtype=dtype)
    rows = max(1, min(oh, _BLOCK_BYTES // max(1, ow * c * m * y.itemsize)))
    items = [(b, r, min(oh, r + rows)) for b in range(n) for r in range(0, oh, rows)]
    span = (kh - 1) * dh + 1                     # padded input rows one output row reads

    cm = c * m
    row_taps = sw == 1 and cm <= _ROW_TAPS_MAX_CHANNELS
    if row_taps:                                 # each tap's weights repeated along the width
        tiled = np.ascontiguousarray(np.broadcast_to(k2[:, :, None, :], (kh, kw, ow, cm)))
        tiled = tiled.reshape(kh, kw, ow * cm)

    def work(group):
        buf = tmp = None
        for b, r0, r1 in group:
            if local_pad:                        # padded rows r0*sh .. (r1-1)*sh + span - 1
                if buf is None:
                    buf = np.empty(((rows - 1) * sh + span, padded_hw[1], c), dtype=x.dtype)
                src = padded_rows(x[b], pads, r0 * sh, (r1 - 1) * sh + span, buf)
            else:
                src = xp[b, r0 * sh:]
            yc = y[b, r0:r1]
            if row_taps:
                if tmp is None:
                    tmp = np.empty((rows, ow * cm), dtype=dtype)
                _sum_row_taps(src, tiled, yc, tmp[:r1 - r0], sh, dh, dw)
            else:
                # every tap of the block's receptive fields as one strided view, summed by
                # einsum in one pass (1.6-2.8x faster than a multiply and an add per tap)
                s_h, s_w, s_c = src.strides
                win = as_strided(src, shape=(r1 - r0, ow, kh, kw, cm),
                                 strides=(s_h * sh, s_w * sw, s_h * dh, s_w * dw, s_c),
                                 writeable=False)
                np.einsum("hwijc,ijc->hwc", win, k2, out=yc)
            if bias is not None:
                yc += bias
            if epilogue is not None:
                epilogue_apply(yc, epilogue)

    run_groups(work, items)
    if local_pad:
        return y, None
    return y, (xp, k2, kernel.shape, pads, strides, dilation, out_hw, x.shape)


def _sum_row_taps(src, tiled, yc, tmp, sh, dh, dw):
    """``yc`` (output rows ``(r, ow, C)``) = sum over taps ``(i, j)`` of the input rows ``src``
    (``(rows, W, C)``, contiguous along ``(W, C)``) shifted by the tap, times ``tiled[i, j]``;
    unit stride along the width."""
    kh, kw, width = tiled.shape
    r, cm = yc.shape[0], yc.shape[-1]
    flat = src.reshape(src.shape[0], -1)                 # (rows, W * C)
    out = yc.reshape(r, width)
    for i in range(kh):
        rows = flat[i * dh:i * dh + (r - 1) * sh + 1:sh]
        for j in range(kw):
            tap = rows[:, j * dw * cm:j * dw * cm + width]
            if i == 0 and j == 0:
                np.multiply(tap, tiled[0, 0], out=out)
            else:
                np.multiply(tap, tiled[i, j], out=tmp)
                out += tmp


def depthwise_backward(cache, dy, need_input=True):
    """``(dx or None, dkernel)`` of :func:`depthwise_forward` (the bias gradient is ``dy``'s sum)."""
    xp, k2, kshape, pads, strides, dilation, out_hw, x_shape = cache
    kh, kw, c, m = kshape
    dk = np.empty(k2.shape, dtype=dy.dtype)
    dxp = np.zeros(xp.shape, dtype=dy.dtype) if need_input else None
    tmp = np.empty_like(dy)
    for i in range(kh):
        for j in range(kw):
            win = _tap(xp, i, j, strides, dilation, out_hw)
            np.multiply(win, dy, out=tmp)
            dk[i, j] = tmp.sum(axis=(0, 1, 2))
            if need_input:
                np.multiply(dy, k2[i, j], out=tmp)
                _tap(dxp, i, j, strides, dilation, out_hw)[...] += tmp
    dx = None
    if need_input:
        if m > 1:
            dxp = dxp.reshape(dxp.shape[:3] + (c, m)).sum(axis=-1)
        dx = _crop(dxp, pads, x_shape[1:3])
    return dx, dk.reshape(kshape)
