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

from .conv_threads import caller_blas, run_groups, workers_now
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


# Each sample's recurrence is independent of the others': the time loops run on row ranges of
# the batch, one per worker thread (kernels.conv_threads; the caller is one of them), when each
# range's state has at least _MIN_STATE elements. Per-row results do not depend on the split.
# Below that the step's many small operations hold the GIL more than they compute: measured
# (forward + backward, T=20, float32, 2 workers vs one range, 6 rounds) batch x units 32x128
# 0.91, 64x256 0.83, 128x256 0.67, 256x512 0.71 -- but whole W3 training (32x128) 1.03
# (0.93-1.15) and W6 (GRU, 64x64) 1.44 (1.23-1.57).
_MIN_STATE = 8192


def _row_ranges(batch, units):
    """Row ranges of the batch for the worker threads, or the whole batch as one range."""
    k = min(workers_now(), batch * units // _MIN_STATE)
    if k < 2:
        return [slice(0, batch)]
    return [slice(i * batch // k, (i + 1) * batch // k) for i in range(k)]


def _over_rows(loop, batch, units):
    """``loop(rows)`` for every range of :func:`_row_ranges`, on the worker threads."""
    ranges = _row_ranges(batch, units)
    run_groups(lambda feed: [loop(rows) for rows in feed], ranges, workers=len(ranges))


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

    def loop(rows):
        rec = np.empty((rows.stop - rows.start, n), dtype=dt)
        tmp = np.empty((rows.stop - rows.start, u), dtype=dt)
        h, c = h0[rows], c0[rows]
        for t in range(T):
            g = G[t, rows]
            np.matmul(h, Us, out=rec)
            g += rec
            np.tanh(g, out=g)
            g *= scale
            g += shift
            cn, tc, hn = C[t, rows], TC[t, rows], H[t, rows]
            np.multiply(g[:, u:2 * u], c, out=cn)
            np.multiply(g[:, :u], g[:, 2 * u:3 * u], out=tmp)
            cn += tmp
            np.tanh(cn, out=tc)
            np.multiply(g[:, 3 * u:], tc, out=hn)
            if mask is not None:                 # masked samples keep their states
                keep = ~mask[t, rows]
                np.copyto(hn, h, where=keep)
                np.copyto(cn, c, where=keep)
            h, c = hn, cn

    with one_blas_thread():
        _over_rows(loop, B, u)
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
    dh = np.zeros((B, u), dt) if dstates[0] is None else dstates[0].astype(dt, copy=True)
    dc = np.zeros((B, u), dt) if dstates[1] is None else dstates[1].astype(dt, copy=True)

    def loop(rows):
        b = rows.stop - rows.start
        dA = np.empty((b, n), dtype=dt)
        d = np.empty((b, u), dtype=dt)
        dcn = np.empty((b, u), dtype=dt)
        dh_r, dc_r = dh[rows], dc[rows]                          # views: updated in place
        for t in range(T - 1, -1, -1):
            g = G[t, rows]
            c_prev = C[t - 1, rows] if t > 0 else c0[rows]
            np.add(dH[t, rows], dh_r, out=d)
            if MF is not None:                   # split off what a masked step carries
                carry_h, carry_c = d * NMF[t, rows], dc_r * NMF[t, rows]
                d *= MF[t, rows]
                dc_r *= MF[t, rows]
            np.multiply(d, TC[t, rows], out=dA[:, 3 * u:])              # d o
            np.multiply(d, g[:, 3 * u:], out=dcn)
            dcn *= TCd[t, rows]
            dcn += dc_r                                                 # d c_t
            np.multiply(dcn, g[:, 2 * u:3 * u], out=dA[:, :u])          # d i
            np.multiply(dcn, c_prev, out=dA[:, u:2 * u])                # d f
            np.multiply(dcn, g[:, :u], out=dA[:, 2 * u:3 * u])          # d g
            np.multiply(dA, D[t, rows], out=dZ[t, rows])
            np.multiply(dcn, g[:, u:2 * u], out=dc_r)
            np.matmul(dZ[t, rows], UT, out=dh_r)
            if MF is not None:
                dh_r += carry_h
                dc_r += carry_c

    with one_blas_thread():
        _over_rows(loop, B, u)
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

    def loop(rows):
        rec = np.empty((rows.stop - rows.start, n), dtype=dt)
        h = h0[rows]
        for t in range(T):
            z = xp[t, rows]
            g = G[t, rows]
            np.matmul(h, Us, out=rec)
            np.add(z[:, :2 * u], rec[:, :2 * u], out=g)
            np.tanh(g, out=g)
            g *= 0.5
            g += 0.5
            rh = RH[t, rows]
            if b_h is None:
                rh[...] = rec[:, 2 * u:]
            else:
                np.add(rec[:, 2 * u:], b_h, out=rh)
            hh = HH[t, rows]
            np.multiply(g[:, u:], rh, out=hh)
            hh += z[:, 2 * u:]
            np.tanh(hh, out=hh)
            hn = H[t, rows]
            np.subtract(h, hh, out=hn)
            hn *= g[:, :u]
            hn += hh
            if mask is not None:
                np.copyto(hn, h, where=~mask[t, rows])
            h = hn

    with one_blas_thread():
        _over_rows(loop, B, u)
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
    dh = np.zeros((B, u), dt) if dstates[0] is None else dstates[0].astype(dt, copy=True)

    def loop(rows):
        b = rows.stop - rows.start
        d = np.empty((b, u), dtype=dt)
        dhh = np.empty((b, u), dtype=dt)
        tmp = np.empty((b, u), dtype=dt)
        dh_r = dh[rows]                                         # a view: updated in place
        for t in range(T - 1, -1, -1):
            h_prev = H[t - 1, rows] if t > 0 else h0[rows]
            g = G[t, rows]
            zg, r = g[:, :u], g[:, u:]
            hh = HH[t, rows]
            dx = dXP[t, rows]
            dr = dREC[t, rows]
            np.add(dH[t, rows], dh_r, out=d)
            if MF is not None:
                carry = d * NMF[t, rows]
                d *= MF[t, rows]
            np.subtract(h_prev, hh, out=tmp)
            np.multiply(d, tmp, out=dx[:, :u])                 # d z (activated)
            np.multiply(d, zg, out=dh_r)                        # direct path
            np.subtract(d, dh_r, out=dhh)                       # d * (1 - z)
            dhh *= HHd[t, rows]                                 # d hh pre-activation
            dx[:, 2 * u:] = dhh
            np.multiply(dhh, RH[t, rows], out=dx[:, u:2 * u])   # d r (activated)
            np.multiply(dhh, r, out=dr[:, 2 * u:])
            dx[:, :2 * u] *= D[t, rows]
            dr[:, :2 * u] = dx[:, :2 * u]
            dh_r += dr @ UT
            if MF is not None:
                dh_r += carry

    with one_blas_thread():
        _over_rows(loop, B, u)
    dU = seq_outer(prev_states(h0, H), dREC)
    db_rec = dREC.sum(axis=(0, 1)) if has_rec_bias else None
    return dXP, dU, db_rec, [dh]
