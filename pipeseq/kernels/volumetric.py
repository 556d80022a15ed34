"""Convolution and pooling over any number of spatial axes (the 3-D layers' math).

Channels_last throughout: ``x (N, *spatial, C)``; kernels in Keras's layout
``(*kernel_size, in/groups, out)`` (transposed: ``(*kernel_size, filters, in)``).
The convolution is im2col on a strided view of the padded input (one matrix product per
group); its input gradient scatters the patch gradients back with one add per kernel tap.
Pooling loops over the window's taps. Padding rules are TensorFlow's (see
:func:`pipeseq.kernels.conv.compute_pads`).

Example
-------
>>> import numpy as np
>>> x, k = np.ones((1, 4, 4, 4, 2), "float32"), np.ones((2, 2, 2, 2, 3), "float32")
>>> y, cache = conv_forward(x, k, (1, 1, 1), "valid", (1, 1, 1))
>>> y.shape, float(y[0, 0, 0, 0, 0])
((1, 3, 3, 3, 3), 16.0)
>>> [g.shape for g in conv_backward(cache, np.ones_like(y))]
[(1, 4, 4, 4, 2), (2, 2, 2, 2, 3)]
"""
import itertools

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .conv import _crop, compute_pads, conv_output_length, pad_spatial


def _windows(xp, ksize, strides, dilation, out):
    """View ``(N, *out, *ksize, C)`` of every receptive field of padded ``xp`` (no copy)."""
    st = xp.strides
    shape = (xp.shape[0],) + tuple(out) + tuple(ksize) + (xp.shape[-1],)
    strides_ = ((st[0],) + tuple(s * k for s, k in zip(st[1:-1], strides))
                + tuple(s * d for s, d in zip(st[1:-1], dilation)) + (st[-1],))
    return as_strided(xp, shape, strides_, writeable=False)


def _scatter(dcols, dxp, strides, dilation, out):
    """Add patch gradients ``dcols (N, *out, *ksize, C)`` back into ``dxp`` (in place)."""
    rank = len(out)
    ksize = dcols.shape[1 + rank:1 + 2 * rank]
    for tap in itertools.product(*(range(k) for k in ksize)):
        sl = tuple(slice(t * d, t * d + (o - 1) * s + 1, s)
                   for t, d, o, s in zip(tap, dilation, out, strides))
        dxp[(slice(None),) + sl] += dcols[(slice(None),) + (slice(None),) * rank + tap]


def _out_shape(spatial, ksize, strides, dilation, pads):
    return tuple((n + a + b - ((k - 1) * d + 1)) // s + 1
                 for n, k, s, d, (a, b) in zip(spatial, ksize, strides, dilation, pads))


def conv_forward(x, kernel, strides, padding, dilation, groups=1):
    """``y = conv(x, kernel)``, returns ``(y (N, *out, filters), cache)``."""
    rank = x.ndim - 2
    ksize = kernel.shape[:rank]
    pads = compute_pads(x.shape[1:-1], ksize, strides, dilation, padding)
    xp = pad_spatial(x, pads)
    out = _out_shape(x.shape[1:-1], ksize, strides, dilation, pads)
    win = _windows(xp, ksize, strides, dilation, out)
    cin, f = kernel.shape[-2], kernel.shape[-1]
    rows = x.shape[0] * int(np.prod(out))
    ys = []
    cols_g = []
    for g in range(groups):
        cols = win[..., g * cin:(g + 1) * cin].reshape(rows, -1)
        kg = kernel[..., g * (f // groups):(g + 1) * (f // groups)].reshape(-1, f // groups)
        ys.append(cols @ kg)
        cols_g.append(cols)
    y = np.concatenate(ys, axis=1) if groups > 1 else ys[0]
    y = y.reshape((x.shape[0],) + out + (f,)).astype(x.dtype, copy=False)
    return y, (x.shape, xp.shape, pads, cols_g, kernel, tuple(strides), tuple(dilation), out,
               groups)


def conv_backward(cache, dy, need_input=True):
    """Return ``(dx, dkernel)`` (``dx`` None with ``need_input=False``)."""
    x_shape, xp_shape, pads, cols_g, kernel, strides, dilation, out, groups = cache
    rank = len(out)
    ksize = kernel.shape[:rank]
    cin, f = kernel.shape[-2], kernel.shape[-1]
    fg = f // groups
    dy2 = dy.reshape(-1, f)
    dks, dcols = [], []
    for g in range(groups):
        dyg = dy2[:, g * fg:(g + 1) * fg]
        dks.append((cols_g[g].T @ dyg).reshape(ksize + (cin, fg)))
        if need_input:
            kg = kernel[..., g * fg:(g + 1) * fg].reshape(-1, fg)
            dcols.append((dyg @ kg.T).reshape((x_shape[0],) + out + ksize + (cin,)))
    dk = np.concatenate(dks, axis=-1) if groups > 1 else dks[0]
    if not need_input:
        return None, dk.astype(kernel.dtype, copy=False)
    dc = np.concatenate(dcols, axis=-1) if groups > 1 else dcols[0]
    dxp = np.zeros(xp_shape, dtype=dy.dtype)
    _scatter(dc, dxp, strides, dilation, out)
    return _crop(dxp, pads, x_shape[1:-1]), dk.astype(kernel.dtype, copy=False)


def conv_transpose_forward(x, kernel, output_spatial, strides, padding, dilation):
    """Transposed convolution: the input gradient of ``conv(y, kernel)`` for ``y`` of
    ``output_spatial``; kernel ``(*k, filters, in)``. Returns ``(y, cache)``."""
    rank = x.ndim - 2
    ksize = kernel.shape[:rank]
    pads = compute_pads(output_spatial, ksize, strides, dilation, padding)
    padded = ((x.shape[0],) + tuple(n + a + b for n, (a, b) in zip(output_spatial, pads))
              + (kernel.shape[-2],))
    need = _out_shape(output_spatial, ksize, strides, dilation, pads)
    if need != tuple(x.shape[1:-1]):
        raise ValueError(f"Transposed convolution: output size {tuple(output_spatial)} is not "
                         f"consistent with input {tuple(x.shape[1:-1])} (kernel {tuple(ksize)}, "
                         f"strides {tuple(strides)}, padding {padding!r}).")
    k2 = kernel.reshape(-1, kernel.shape[-1])                 # (prod(k)*filters, in)
    dcols = (x.reshape(-1, x.shape[-1]) @ k2.T).reshape(
        (x.shape[0],) + need + tuple(ksize) + (kernel.shape[-2],))
    yp = np.zeros(padded, dtype=x.dtype)
    _scatter(dcols, yp, strides, dilation, need)
    y = np.ascontiguousarray(_crop(yp, pads, output_spatial))
    return y, (x, kernel, pads, tuple(strides), tuple(dilation), need)


def conv_transpose_backward(cache, dy):
    """Return ``(dx, dkernel)`` for :func:`conv_transpose_forward`."""
    x, kernel, pads, strides, dilation, need = cache
    rank = x.ndim - 2
    ksize = kernel.shape[:rank]
    dyp = pad_spatial(dy, pads)
    win = _windows(dyp, ksize, strides, dilation, need)
    cols = win.reshape(-1, int(np.prod(ksize)) * dy.shape[-1])
    x2 = x.reshape(-1, x.shape[-1])
    dx = (cols @ kernel.reshape(-1, kernel.shape[-1])).reshape(x.shape)
    dk = (cols.T @ x2).reshape(kernel.shape)
    return dx.astype(x.dtype, copy=False), dk.astype(kernel.dtype, copy=False)


# ------------------------------------------------------------------ pooling
def pool_output_shape(spatial, pool_size, strides, padding):
    return tuple(conv_output_length(n, p, padding, s)
                 for n, p, s in zip(spatial, pool_size, strides))


def pool_forward(x, pool_size, strides, padding, mode):
    """Max or average pooling over every spatial axis; returns ``(y, cache)``."""
    rank = x.ndim - 2
    ones = (1,) * rank
    pads = compute_pads(x.shape[1:-1], pool_size, strides, ones, padding)
    fill = -np.inf if mode == "max" else 0
    xp = pad_spatial(x, pads, value=fill)
    out = _out_shape(x.shape[1:-1], pool_size, strides, ones, pads)
    win = _windows(xp, pool_size, strides, ones, out)
    flat = win.reshape((x.shape[0],) + out + (-1, x.shape[-1]))
    if mode == "max":
        arg = flat.argmax(axis=-2)
        y = np.take_along_axis(flat, arg[..., None, :], axis=-2)[..., 0, :]
        return y, (mode, x.shape, xp.shape, pads, tuple(pool_size), tuple(strides), out, arg)
    y = flat.sum(axis=-2)
    cnt = np.zeros(xp.shape[1:-1] + (1,), x.dtype)
    cnt[tuple(slice(a, a + n) for n, (a, _) in zip(x.shape[1:-1], pads))] = 1
    counts = _windows(cnt[None], pool_size, strides, ones, out).reshape(out + (-1,)).sum(-1)
    counts = counts[None, ..., None]
    return (y / counts).astype(x.dtype, copy=False), \
        (mode, x.shape, xp.shape, pads, tuple(pool_size), tuple(strides), out, counts)


def pool_backward(cache, dy):
    mode, x_shape, xp_shape, pads, pool, strides, out, extra = cache
    n_taps = int(np.prod(pool))
    if mode == "max":
        dflat = np.zeros(dy.shape[:-1] + (n_taps, dy.shape[-1]), dy.dtype)
        np.put_along_axis(dflat, extra[..., None, :], dy[..., None, :], axis=-2)
    else:
        dflat = np.broadcast_to((dy / extra)[..., None, :], dy.shape[:-1] + (n_taps, dy.shape[-1]))
    dcols = dflat.reshape(dy.shape[:-1] + tuple(pool) + (dy.shape[-1],))
    dxp = np.zeros(xp_shape, dtype=dy.dtype)
    _scatter(dcols, dxp, strides, (1,) * len(pool), out)
    return np.ascontiguousarray(_crop(dxp, pads, x_shape[1:-1]))
