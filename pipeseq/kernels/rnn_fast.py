"""Fast paths of the recurrent math for the default activations (tanh / sigmoid).

Used by :mod:`pipeseq.kernels.recurrent` when ``activation="tanh"``,
``recurrent_activation="sigmoid"`` and there is no recurrent dropout (masks are
supported); same conventions and cache-based API as that module. Also home of
:class:`one_blas_thread`, under which every recurrent loop runs.

Example
-------
>>> import numpy as np
>>> from pipeseq.kernels import rnn_fast
>>> xp = np.zeros((3, 2, 8)); U = np.zeros((2, 8)); h0 = np.zeros((2, 2))
>>> H, (h, c), cache = rnn_fast.lstm_forward_fast(xp, h0, h0, U)
>>> H.shape
(3, 2, 2)
"""
import numpy as np

from .conv_threads import caller_blas
from .core import matmul_tn

__all__ = ["one_blas_thread", "fast_ok", "lstm_forward_fast", "lstm_backward_fast",
           "gru_forward_fast", "gru_backward_fast", "prev_states", "seq_outer"]

# ------------------------------------------------------------- BLAS threading
# The per-step products of the time loop are small ((batch, units) @ (units, k*units)):
# splitting them over BLAS threads gains little, and when the CPU is shared the
# threads' synchronisation makes them many times slower (measured 5-20x on a loaded
# 2-core machine). The loops therefore run with one BLAS thread in the calling thread:
# ``one_blas_thread`` is the thread policy's :class:`pipeseq.kernels.conv_threads.caller_blas`
# (a thread-local setting, so pipeseq's worker threads and other threads are unaffected).
one_blas_thread = caller_blas


def prev_states(h0, H):
    """``[h0, H[0], ..., H[T-2]]`` as a (T, B, u) array."""
    P = np.empty_like(H)
    P[0] = h0
    P[1:] = H[:-1]
    return P


def seq_outer(P, dZ):
    """``sum_t P[t].T @ dZ[t]`` as one product: ``(T, B, u), (T, B, n) -> (u, n)``."""
    T, B, u = P.shape
    return matmul_tn(P.reshape(T * B, u), dZ.reshape(T * B, dZ.shape[-1]))


# With the default activations every gate is computed from ONE tanh pass over the
# gate row: sigmoid(z) = 0.5 * tanh(z / 2) + 0.5, the 1/2 being folded into the
# (copied) recurrent kernel and the pre-activations. Derivative factors for the
# whole sequence are computed after the loop in a few large array operations.
def fast_ok(act, ract, mask, rmasks):
    return act.name == "tanh" and ract.name == "sigmoid" and rmasks is None


def _mask_factors(mask, dt):
    if mask is None:
        return None, None
    mf = mask.astype(dt)
    return mf, 1.0 - mf


def lstm_forward_fast(xp, h0, c0, U, mask=None):
    T, B, n = xp.shape
    u = n // 4
    dt = xp.dtype
    scale = np.full(n, 0.5, dtype=dt)
    scale[2 * u:3 * u] = 1.0
    shift = np.full(n, 0.5, dtype=dt)
    shift[2 * u:3 * u] = 0.0
    Us = U * scale
    xp *= scale
    G = xp                                   # gates overwrite the pre-activations
    H = np.empty((T, B, u), dtype=dt)
    C = np.empty((T, B, u), dtype=dt)
    TC = np.empty((T, B, u), dtype=dt)
    rec = np.empty((B, n), dtype=dt)
    tmp = np.empty((B, u), dtype=dt)
    h, c = h0, c0
    with one_blas_thread():
        for t in range(T):
            g = G[t]
            np.matmul(h, Us, out=rec)
            g += rec
            np.tanh(g, out=g)
            g *= scale
            g += shift
            cn = C[t]
            np.multiply(g[:, u:2 * u], c, out=cn)
            np.multiply(g[:, :u], g[:, 2 * u:3 * u], out=tmp)
            cn += tmp
            np.tanh(cn, out=TC[t])
            np.multiply(g[:, 3 * u:], TC[t], out=H[t])
            if mask is not None:                 # masked samples keep their states
                keep = ~mask[t]
                np.copyto(H[t], h, where=keep)
                np.copyto(cn, c, where=keep)
            h, c = H[t], cn
    return H, [H[-1].copy(), C[-1].copy()], ("fast", G, H, C, TC, h0, c0, U, mask)


def lstm_backward_fast(cache, dH, dstates):
    _, G, H, C, TC, h0, c0, U, mask = cache
    T, B, n = G.shape
    u = n // 4
    dt = G.dtype
    MF, NMF = _mask_factors(mask, dt)
    # d gate / d pre-activation for every step at once
    D = G * (1.0 - G)
    gc = G[:, :, 2 * u:3 * u]
    np.subtract(1.0, gc * gc, out=D[:, :, 2 * u:3 * u])
    TCd = 1.0 - TC * TC
    UT = np.ascontiguousarray(U.T)
    dZ = np.empty_like(G)
    dA = np.empty((B, n), dtype=dt)
    d = np.empty((B, u), dtype=dt)
    dcn = np.empty((B, u), dtype=dt)
    dh = np.zeros((B, u), dt) if dstates[0] is None else dstates[0].astype(dt, copy=True)
    dc = np.zeros((B, u), dt) if dstates[1] is None else dstates[1].astype(dt, copy=True)
    with one_blas_thread():
        for t in range(T - 1, -1, -1):
            g = G[t]
            c_prev = C[t - 1] if t > 0 else c0
            np.add(dH[t], dh, out=d)
            if MF is not None:                   # split off what a masked step carries
                carry_h, carry_c = d * NMF[t], dc * NMF[t]
                d *= MF[t]
                dc *= MF[t]
            np.multiply(d, TC[t], out=dA[:, 3 * u:])              # d o
            np.multiply(d, g[:, 3 * u:], out=dcn)
            dcn *= TCd[t]
            dcn += dc                                             # d c_t
            np.multiply(dcn, g[:, 2 * u:3 * u], out=dA[:, :u])    # d i
            np.multiply(dcn, c_prev, out=dA[:, u:2 * u])          # d f
            np.multiply(dcn, g[:, :u], out=dA[:, 2 * u:3 * u])    # d g
            np.multiply(dA, D[t], out=dZ[t])
            np.multiply(dcn, g[:, u:2 * u], out=dc)
            np.matmul(dZ[t], UT, out=dh)
            if MF is not None:
                dh += carry_h
                dc += carry_c
    dU = seq_outer(prev_states(h0, H), dZ)
    return dZ, dU, None, [dh, dc]


def gru_forward_fast(xp, h0, U, b_rec, mask=None):
    """GRU, reset_after=True, tanh/sigmoid, no mask, no recurrent dropout."""
    T, B, n = xp.shape
    u = n // 3
    dt = xp.dtype
    scale = np.full(n, 0.5, dtype=dt)
    scale[2 * u:] = 1.0
    Us = U * scale
    xp[:, :, :2 * u] *= 0.5
    b_h = None
    if b_rec is not None:            # z, r recurrent biases folded into the projection
        xp[:, :, :2 * u] += 0.5 * b_rec[:2 * u]
        b_h = b_rec[2 * u:]
    G = np.empty((T, B, 2 * u), dtype=dt)
    HH = np.empty((T, B, u), dtype=dt)
    RH = np.empty((T, B, u), dtype=dt)
    H = np.empty((T, B, u), dtype=dt)
    rec = np.empty((B, n), dtype=dt)
    h = h0
    with one_blas_thread():
        for t in range(T):
            z = xp[t]
            g = G[t]
            np.matmul(h, Us, out=rec)
            np.add(z[:, :2 * u], rec[:, :2 * u], out=g)
            np.tanh(g, out=g)
            g *= 0.5
            g += 0.5
            rh = RH[t]
            if b_h is None:
                rh[...] = rec[:, 2 * u:]
            else:
                np.add(rec[:, 2 * u:], b_h, out=rh)
            hh = HH[t]
            np.multiply(g[:, u:], rh, out=hh)
            hh += z[:, 2 * u:]
            np.tanh(hh, out=hh)
            hn = H[t]
            np.subtract(h, hh, out=hn)
            hn *= g[:, :u]
            hn += hh
            if mask is not None:
                np.copyto(hn, h, where=~mask[t])
            h = hn
    return H, [H[-1].copy()], ("fast", G, HH, RH, H, h0, U, b_rec is not None, mask)


def gru_backward_fast(cache, dH, dstates):
    _, G, HH, RH, H, h0, U, has_rec_bias, mask = cache
    T, B, u2 = G.shape
    u = u2 // 2
    n = 3 * u
    dt = G.dtype
    MF, NMF = _mask_factors(mask, dt)
    D = G * (1.0 - G)
    HHd = 1.0 - HH * HH
    UT = np.ascontiguousarray(U.T)
    dXP = np.empty((T, B, n), dtype=dt)
    dREC = np.empty((T, B, n), dtype=dt)
    d = np.empty((B, u), dtype=dt)
    dhh = np.empty((B, u), dtype=dt)
    tmp = np.empty((B, u), dtype=dt)
    dh = np.zeros((B, u), dt) if dstates[0] is None else dstates[0].astype(dt, copy=True)
    with one_blas_thread():
        for t in range(T - 1, -1, -1):
            h_prev = H[t - 1] if t > 0 else h0
            g = G[t]
            zg, r = g[:, :u], g[:, u:]
            hh = HH[t]
            dx = dXP[t]
            dr = dREC[t]
            np.add(dH[t], dh, out=d)
            if MF is not None:
                carry = d * NMF[t]
                d *= MF[t]
            np.subtract(h_prev, hh, out=tmp)
            np.multiply(d, tmp, out=dx[:, :u])                 # d z (activated)
            np.multiply(d, zg, out=dh)                          # direct path
            np.subtract(d, dh, out=dhh)                         # d * (1 - z)
            dhh *= HHd[t]                                       # d hh pre-activation
            dx[:, 2 * u:] = dhh
            np.multiply(dhh, RH[t], out=dx[:, u:2 * u])         # d r (activated)
            np.multiply(dhh, r, out=dr[:, 2 * u:])
            dx[:, :2 * u] *= D[t]
            dr[:, :2 * u] = dx[:, :2 * u]
            dh += dr @ UT
            if MF is not None:
                dh += carry
    dU = seq_outer(prev_states(h0, H), dREC)
    db_rec = dREC.sum(axis=(0, 1)) if has_rec_bias else None
    return dXP, dU, db_rec, [dh]
