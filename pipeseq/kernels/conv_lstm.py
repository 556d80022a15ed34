"""ConvLSTM math through time: the LSTM gates of :mod:`pipeseq.kernels.recurrent` with
convolutions for the input and the recurrent transformations, forward and backward.

Conventions (those of :mod:`pipeseq.kernels.recurrent`, spatial axes added):

* channels_last, **time-major** sequences ``(T, B, *spatial, channels)`` in processing order;
* ``conv`` is the convolution module of the rank (:mod:`pipeseq.kernels.conv` for 1-D and
  2-D, :mod:`pipeseq.kernels.volumetric` for 3-D): ``conv_forward`` / ``conv_backward``;
* :func:`input_conv` convolves every time step at once (one call over ``T*B`` images);
  the loop only does the recurrent convolution (stride 1, ``"same"`` padding, as Keras);
* gates ``i, f, c, o`` along the last axis of ``kernel (*kernel_size, in, 4*filters)`` and
  ``recurrent_kernel (*kernel_size, filters, 4*filters)``;
* dropout masks: ``None`` or one mask per gate, ``(4, B, *spatial, channels)``, as Keras's
  ConvLSTM cell (``dropout_mask_count = 4``).

Example
-------
>>> import numpy as np
>>> from pipeseq.kernels import conv, conv_lstm
>>> from pipeseq.kernels.activations import get
>>> T, B, F = 3, 2, 2
>>> x = np.random.rand(T, B, 5, 5, 1); W = np.random.rand(3, 3, 1, 4 * F)
>>> U = np.random.rand(3, 3, F, 4 * F)
>>> xp, pc = conv_lstm.input_conv(conv, x, W, None, (1, 1), "same", (1, 1))
>>> h0 = np.zeros((B, 5, 5, F))
>>> H, (h, c), cache = conv_lstm.forward(conv, xp, h0, h0, U, None, get("tanh"), get("sigmoid"))
>>> H.shape
(3, 2, 5, 5, 2)
"""
import numpy as np

from .rnn_common import act_apply, act_grad
from .rnn_fast import one_blas_thread

__all__ = ["input_conv", "input_conv_backward", "forward", "backward"]


def input_conv(conv, x, W, b, strides, padding, dilation, in_masks=None):
    """``conv(x_t, W) + b`` for every step at once; ``x (T, B, *spatial, in)``.

    Returns ``XP (T, B, *out_spatial, 4*filters)`` and a cache for :func:`input_conv_backward`.
    """
    T, B = x.shape[:2]
    n = W.shape[-1]
    if in_masks is None:
        flat = np.ascontiguousarray(x).reshape((T * B,) + x.shape[2:])
        y, cache = conv.conv_forward(flat, W, strides, padding, dilation)
        caches = [cache]
    else:
        u = n // 4
        parts, caches = [], []
        for g in range(4):
            xg = np.ascontiguousarray(x * in_masks[g][None]).reshape((T * B,) + x.shape[2:])
            yg, cache = conv.conv_forward(xg, np.ascontiguousarray(W[..., g * u:(g + 1) * u]),
                                          strides, padding, dilation)
            parts.append(yg)
            caches.append(cache)
        y = np.concatenate(parts, axis=-1)
    if b is not None:
        y += b
    return y.reshape((T, B) + y.shape[1:]), (caches, in_masks, x.shape, b is not None)


def input_conv_backward(conv, cache, dXP, need_dx=True):
    """``(dx, dW, db)`` for :func:`input_conv` (``dx`` None when ``need_dx`` is False)."""
    caches, in_masks, shape, has_bias = cache
    T, B = shape[:2]
    d = dXP.reshape((T * B,) + dXP.shape[2:])
    db = d.sum(axis=tuple(range(d.ndim - 1))) if has_bias else None
    if in_masks is None:
        dx, dW = conv.conv_backward(caches[0], np.ascontiguousarray(d), need_input=need_dx)
        return (None if dx is None else dx.reshape(shape)), dW, db
    u = d.shape[-1] // 4
    dWs, dx = [], (np.zeros(shape, dtype=d.dtype) if need_dx else None)
    for g in range(4):
        dxg, dWg = conv.conv_backward(caches[g], np.ascontiguousarray(d[..., g * u:(g + 1) * u]),
                                      need_input=need_dx)
        dWs.append(dWg)
        if need_dx:
            dx += dxg.reshape(shape) * in_masks[g][None]
    return dx, np.concatenate(dWs, axis=-1), db


def _rec_conv(conv, h, U, rmasks):
    """The recurrent convolution of every gate block (stride 1, "same")."""
    ones = (1,) * (h.ndim - 2)
    if rmasks is None:
        r, cache = conv.conv_forward(h, U, ones, "same", ones)
        return r, [cache]
    u = U.shape[-1] // 4
    parts, caches = [], []
    for g in range(4):
        r, cache = conv.conv_forward(np.ascontiguousarray(h * rmasks[g]),
                                     np.ascontiguousarray(U[..., g * u:(g + 1) * u]),
                                     ones, "same", ones)
        parts.append(r)
        caches.append(cache)
    return np.concatenate(parts, axis=-1), caches


def _rec_conv_backward(conv, caches, dz, rmasks):
    if rmasks is None:
        return conv.conv_backward(caches[0], dz)
    u = dz.shape[-1] // 4
    dh, dUs = None, []
    for g in range(4):
        dhg, dUg = conv.conv_backward(caches[g], np.ascontiguousarray(dz[..., g * u:(g + 1) * u]))
        dUs.append(dUg)
        dhg = dhg * rmasks[g]
        dh = dhg if dh is None else dh + dhg
    return dh, np.concatenate(dUs, axis=-1)


def forward(conv, xp, h0, c0, U, rmasks, act, ract):
    """ConvLSTM through time. ``xp (T, B, *spatial, 4F)`` is overwritten with the gate
    pre-activations. Returns ``(H (T, B, *spatial, F), [h_T, c_T], cache)``."""
    T = xp.shape[0]
    u = xp.shape[-1] // 4
    G = np.empty_like(xp)
    H = np.empty(xp.shape[:-1] + (u,), dtype=xp.dtype)
    C = np.empty_like(H)
    TC = np.empty_like(H)
    rcaches = []
    h, c = h0, c0
    with one_blas_thread():
        for t in range(T):
            r, rc = _rec_conv(conv, h, U, rmasks)
            rcaches.append(rc)
            z = xp[t]
            z += r
            g = G[t]
            act_apply(ract, z[..., :2 * u], out=g[..., :2 * u])
            act_apply(act, z[..., 2 * u:3 * u], out=g[..., 2 * u:3 * u])
            act_apply(ract, z[..., 3 * u:], out=g[..., 3 * u:])
            np.multiply(g[..., u:2 * u], c, out=C[t])
            C[t] += g[..., :u] * g[..., 2 * u:3 * u]
            act_apply(act, C[t], out=TC[t])
            np.multiply(g[..., 3 * u:], TC[t], out=H[t])
            h, c = H[t], C[t]
    return H, [H[-1].copy(), C[-1].copy()], (xp, G, C, TC, c0, U, rcaches, rmasks, act, ract)


def backward(conv, cache, dH, dstates):
    """``(dXP, dU, [dh0, dc0])`` for :func:`forward`; ``dH (T, B, *spatial, F)``."""
    Z, G, C, TC, c0, U, rcaches, rmasks, act, ract = cache
    T = Z.shape[0]
    u = Z.shape[-1] // 4
    dZ = np.empty_like(Z)
    dU = np.zeros_like(U)
    dh = np.zeros_like(C[0]) if dstates[0] is None else dstates[0].astype(Z.dtype, copy=True)
    dc = np.zeros_like(C[0]) if dstates[1] is None else dstates[1].astype(Z.dtype, copy=True)
    with one_blas_thread():
        for t in range(T - 1, -1, -1):
            g, z, dz = G[t], Z[t], dZ[t]
            gi, gf, gc, go = g[..., :u], g[..., u:2 * u], g[..., 2 * u:3 * u], g[..., 3 * u:]
            c_prev = C[t - 1] if t > 0 else c0
            d = dH[t] + dh
            dcn = dc + act_grad(act, C[t], TC[t], d * go)
            dz[..., :u] = act_grad(ract, z[..., :u], gi, dcn * gc)
            dz[..., u:2 * u] = act_grad(ract, z[..., u:2 * u], gf, dcn * c_prev)
            dz[..., 2 * u:3 * u] = act_grad(act, z[..., 2 * u:3 * u], gc, dcn * gi)
            dz[..., 3 * u:] = act_grad(ract, z[..., 3 * u:], go, d * TC[t])
            dc = dcn * gf
            dh, dUt = _rec_conv_backward(conv, rcaches[t], dz, rmasks)
            dU += dUt
    return dZ, dU, [dh, dc]
