"""Recurrent math: SimpleRNN, LSTM and GRU through time, forward and backward.

Conventions
-----------
* Sequences are **time-major** here, ``(T, B, F)``, already in processing order
  (the layer reverses them for ``go_backwards``).
* The input projection ``x @ kernel + bias`` of every time step is one matrix
  product (:func:`pipeseq.kernels.rnn_common.input_projection`); the time loops only do
  the recurrent part.
  Their backward passes accumulate the per-step gate gradients ``dZ`` and compute
  ``d kernel``, ``d recurrent_kernel`` and ``dx`` after the loop, in one product each.
* Gate layouts are Keras's: LSTM ``i, f, c, o``; GRU ``z, r, h``.
* ``mask``: ``None`` or a boolean ``(T, B, 1)`` array; a masked step keeps the previous
  state (Keras semantics).
* ``rmasks``: recurrent-dropout masks, ``None`` or ``(k, B, units)`` -- one mask per gate
  block, applied to the previous state before its product with that block of the
  recurrent kernel (Keras 3's ``implementation=1``).
* Default activations without recurrent dropout take the fused fast paths of
  :mod:`pipeseq.kernels.rnn_fast`; all loops run under :class:`one_blas_thread`.
* Every ``*_forward`` returns ``(H, final_states, cache)`` where ``H (T, B, units)`` is the
  state sequence; every ``*_backward(cache, dH, d_final_states)`` returns
  ``(dXP, dU, d_rec_bias, d_initial_states)``.

Example
-------
>>> import numpy as np
>>> from pipeseq.kernels import recurrent as R
>>> from pipeseq.kernels.rnn_common import input_projection
>>> from pipeseq.kernels.activations import get
>>> T, B, F, u = 5, 2, 3, 4
>>> x = np.random.rand(T, B, F); W = np.random.rand(F, 4 * u); U = np.random.rand(u, 4 * u)
>>> xp, pcache = input_projection(x, W, np.zeros(4 * u))
>>> H, (h, c), cache = R.lstm_forward(xp, np.zeros((B, u)), np.zeros((B, u)), U, None, None,
...                                   get("tanh"), get("sigmoid"))
>>> H.shape, h.shape
((5, 2, 4), (2, 4))
"""
import numpy as np

from .rnn_common import act_apply as _act
from .rnn_common import act_grad as _act_grad
from .rnn_common import expit, split_masked as _split_masked
from .rnn_fast import (fast_ok, gru_backward_fast, gru_forward_fast, lstm_backward_fast,
                       lstm_forward_fast, one_blas_thread, prev_states)

__all__ = ["one_blas_thread", "simple_rnn_forward",
           "simple_rnn_backward", "lstm_forward", "lstm_backward", "gru_forward", "gru_backward"]


# ---------------------------------------------------- recurrent product helpers
def _rec(h, U, rmasks, out=None):
    """``h @ U``; with per-block masks ``concat_g((h * rmasks[g]) @ U_g)``."""
    if rmasks is None:
        return np.matmul(h, U, out=out)
    k = rmasks.shape[0]
    u = U.shape[1] // k
    if out is None:
        out = np.empty((h.shape[0], U.shape[1]), dtype=np.result_type(h.dtype, U.dtype))
    for g in range(k):
        out[:, g * u:(g + 1) * u] = (h * rmasks[g]) @ U[:, g * u:(g + 1) * u]
    return out


def _rec_T(dR, U, rmasks):
    """Gradient of :func:`_rec` with respect to ``h``."""
    if rmasks is None:
        return dR @ U.T
    k = rmasks.shape[0]
    u = U.shape[1] // k
    dh = (dR[:, :u] @ U[:, :u].T) * rmasks[0]
    for g in range(1, k):
        dh += (dR[:, g * u:(g + 1) * u] @ U[:, g * u:(g + 1) * u].T) * rmasks[g]
    return dh


def _rec_dU(Hprev, dR, rmasks, n_cols):
    """``dU`` summed over all steps: ``Hprev (T, B, u)``, ``dR (T, B, n)``."""
    T, B, u = Hprev.shape
    h2 = Hprev.reshape(T * B, u)
    d2 = dR.reshape(T * B, n_cols)
    if rmasks is None:
        return h2.T @ d2
    k = rmasks.shape[0]
    w = n_cols // k
    dU = np.empty((u, n_cols), dtype=dR.dtype)
    for g in range(k):
        hg = (Hprev * rmasks[g][None]).reshape(T * B, u)
        dU[:, g * w:(g + 1) * w] = hg.T @ d2[:, g * w:(g + 1) * w]
    return dU


# -------------------------------------------------------------------- SimpleRNN
def simple_rnn_forward(xp, h0, U, mask, rmasks, act):
    """SimpleRNN through time: ``h_t = act(xp_t + h_{t-1} @ U)``.

    ``xp (T, B, u)`` is overwritten with the pre-activations. Returns
    ``(H (T, B, u), [h_T], cache)``.
    """
    T, B, u = xp.shape
    H = np.empty_like(xp)
    A = np.empty_like(xp) if mask is not None else H     # unmasked activations
    rec = np.empty((B, u), dtype=xp.dtype)
    h = h0
    with one_blas_thread():
        for t in range(T):
            z = xp[t]
            z += _rec(h, U, rmasks, out=rec)
            a = _act(act, z, out=A[t])
            if mask is not None:
                np.copyto(H[t], np.where(mask[t], a, h))
            h = H[t]
    return H, [H[-1].copy()], (xp, A, H, h0, U, mask, rmasks, act)


def simple_rnn_backward(cache, dH, dstates):
    """Return ``(dXP, dU, None, [dh0])`` for :func:`simple_rnn_forward`."""
    Z, A, H, h0, U, mask, rmasks, act = cache
    T = Z.shape[0]
    dZ = np.empty_like(Z)
    dh = np.zeros_like(h0) if dstates[0] is None else dstates[0].astype(Z.dtype, copy=True)
    with one_blas_thread():
        for t in range(T - 1, -1, -1):
            d = dH[t] + dh
            m = None if mask is None else mask[t]
            dnew, carry = _split_masked(d, m)
            dz = _act_grad(act, Z[t], A[t], dnew)
            dZ[t] = dz
            dh = _rec_T(dz, U, rmasks)
            if carry is not None:
                dh += carry
    dU = _rec_dU(prev_states(h0, H), dZ, rmasks, U.shape[1])
    return dZ, dU, None, [dh]


# ------------------------------------------------------------------------- LSTM
def lstm_forward(xp, h0, c0, U, mask, rmasks, act, ract):
    """LSTM through time (gates ``i, f, c, o``).

    ``z = xp_t + h_{t-1} @ U``; ``i, f, o = ract(.)``; ``g = act(.)``;
    ``c_t = f c_{t-1} + i g``; ``h_t = o act(c_t)``.
    ``xp (T, B, 4u)`` is overwritten with the pre-activations.
    Returns ``(H, [h_T, c_T], cache)``.
    """
    if fast_ok(act, ract, mask, rmasks):
        return lstm_forward_fast(xp, h0, c0, U, mask)
    T, B, n = xp.shape
    u = n // 4
    G = np.empty_like(xp)                     # activated gates
    H = np.empty((T, B, u), dtype=xp.dtype)
    C = np.empty((T, B, u), dtype=xp.dtype)
    Cu = C if mask is None else np.empty_like(C)   # unmasked new cells
    TC = np.empty_like(C)                     # act(unmasked new cell)
    rec = np.empty((B, n), dtype=xp.dtype)
    tmp = np.empty((B, u), dtype=xp.dtype)
    fast = ract.name == "sigmoid"
    h, c = h0, c0
    with one_blas_thread():
        for t in range(T):
            z = xp[t]
            z += _rec(h, U, rmasks, out=rec)
            g = G[t]
            if fast:
                # i, f together, then c, then o: three ufunc calls on contiguous rows
                expit(z[:, :2 * u], out=g[:, :2 * u])
                expit(z[:, 3 * u:], out=g[:, 3 * u:])
            else:
                _act(ract, z[:, :2 * u], out=g[:, :2 * u])
                _act(ract, z[:, 3 * u:], out=g[:, 3 * u:])
            _act(act, z[:, 2 * u:3 * u], out=g[:, 2 * u:3 * u])
            cn = Cu[t]
            np.multiply(g[:, u:2 * u], c, out=cn)
            np.multiply(g[:, :u], g[:, 2 * u:3 * u], out=tmp)
            cn += tmp
            tc = _act(act, cn, out=TC[t])
            if mask is None:
                np.multiply(g[:, 3 * u:], tc, out=H[t])
            else:
                m = mask[t]
                np.multiply(g[:, 3 * u:], tc, out=tmp)
                np.copyto(H[t], np.where(m, tmp, h))
                np.copyto(C[t], np.where(m, cn, c))
            h, c = H[t], C[t]
    return H, [H[-1].copy(), C[-1].copy()], (xp, G, H, C, Cu, TC, h0, c0, U, mask, rmasks, act, ract)


def lstm_backward(cache, dH, dstates):
    """Return ``(dXP, dU, None, [dh0, dc0])`` for :func:`lstm_forward`."""
    if isinstance(cache[0], str):
        return lstm_backward_fast(cache, dH, dstates)
    Z, G, H, C, Cu, TC, h0, c0, U, mask, rmasks, act, ract = cache
    T, B, n = Z.shape
    u = n // 4
    dZ = np.empty_like(Z)
    dh = np.zeros_like(h0) if dstates[0] is None else dstates[0].astype(Z.dtype, copy=True)
    dc = np.zeros_like(c0) if dstates[1] is None else dstates[1].astype(Z.dtype, copy=True)
    fast_r = ract.name == "sigmoid"
    fast_a = act.name == "tanh"
    with one_blas_thread():
        for t in range(T - 1, -1, -1):
            g = G[t]
            gi, gf, gc, go = g[:, :u], g[:, u:2 * u], g[:, 2 * u:3 * u], g[:, 3 * u:]
            c_prev = C[t - 1] if t > 0 else c0
            d = dH[t] + dh
            if mask is None:
                dhn, dcn = d, dc
                carry_h = carry_c = None
            else:
                m = mask[t]
                dhn, carry_h = _split_masked(d, m)
                dcn, carry_c = _split_masked(dc, m)
            tc = TC[t]
            dz = dZ[t]
            # d(output gate pre-activation) and d(cell)
            do = dhn * tc
            dtc = dhn * go
            if fast_a:
                dcn = dcn + dtc * (1.0 - tc * tc)
            else:
                dcn = dcn + act.backward(Cu[t], tc, dtc)
            di = dcn * gc
            dg = dcn * gi
            df = dcn * c_prev
            if fast_r:
                np.multiply(di, gi * (1.0 - gi), out=dz[:, :u])
                np.multiply(df, gf * (1.0 - gf), out=dz[:, u:2 * u])
                np.multiply(do, go * (1.0 - go), out=dz[:, 3 * u:])
            else:
                dz[:, :u] = ract.backward(Z[t][:, :u], gi, di)
                dz[:, u:2 * u] = ract.backward(Z[t][:, u:2 * u], gf, df)
                dz[:, 3 * u:] = ract.backward(Z[t][:, 3 * u:], go, do)
            if fast_a:
                np.multiply(dg, 1.0 - gc * gc, out=dz[:, 2 * u:3 * u])
            else:
                dz[:, 2 * u:3 * u] = act.backward(Z[t][:, 2 * u:3 * u], gc, dg)
            dc = dcn * gf
            dh = _rec_T(dz, U, rmasks)
            if carry_h is not None:
                dh += carry_h
                dc += carry_c
    dU = _rec_dU(prev_states(h0, H), dZ, rmasks, n)
    return dZ, dU, None, [dh, dc]


# -------------------------------------------------------------------------- GRU
def gru_forward(xp, h0, U, b_rec, mask, rmasks, act, ract, reset_after=True):
    """GRU through time (gates ``z, r, h``), Keras 3's cell.

    ``reset_after=True``: ``rec = h_{t-1} @ U + b_rec``; ``hh = act(xp_h + r * rec_h)``.
    ``reset_after=False``: ``hh = act(xp_h + (r * h_{t-1}) @ U_h)``.
    ``h_t = z h_{t-1} + (1 - z) hh``. ``xp (T, B, 3u)`` is overwritten with the
    pre-activations. Returns ``(H, [h_T], cache)``.
    """
    if reset_after and fast_ok(act, ract, mask, rmasks):
        return gru_forward_fast(xp, h0, U, b_rec, mask)
    T, B, n = xp.shape
    u = n // 3
    G = np.empty((T, B, 2 * u), dtype=xp.dtype)      # z, r activated
    HH = np.empty((T, B, u), dtype=xp.dtype)         # candidate
    RH = np.empty((T, B, u), dtype=xp.dtype)         # rec_h (reset_after) or r*h (before)
    H = np.empty((T, B, u), dtype=xp.dtype)
    rm_zr = None if rmasks is None else rmasks[:2]
    rm_h = None if rmasks is None else rmasks[2]
    rec = np.empty((B, n if reset_after else 2 * u), dtype=xp.dtype)
    U_zr, U_h = U[:, :2 * u], U[:, 2 * u:]
    hn = np.empty((B, u), dtype=xp.dtype)
    h = h0
    with one_blas_thread():
        for t in range(T):
            z = xp[t]
            if reset_after:
                _rec(h, U, rmasks, out=rec)
                if b_rec is not None:
                    rec += b_rec
                z[:, :2 * u] += rec[:, :2 * u]
                RH[t] = rec[:, 2 * u:]
            else:
                _rec(h, U_zr, rm_zr, out=rec)
                z[:, :2 * u] += rec
            g = G[t]
            _act(ract, z[:, :2 * u], out=g)
            r = g[:, u:]
            if reset_after:
                z[:, 2 * u:] += r * RH[t]
            else:
                hd = h if rm_h is None else h * rm_h
                np.multiply(r, hd, out=RH[t])
                z[:, 2 * u:] += RH[t] @ U_h
            hh = _act(act, z[:, 2 * u:], out=HH[t])
            # h_new = hh + zg * (h - hh)
            np.subtract(h, hh, out=hn)
            hn *= g[:, :u]
            hn += hh
            if mask is None:
                H[t] = hn
            else:
                np.copyto(H[t], np.where(mask[t], hn, h))
            h = H[t]
    return H, [H[-1].copy()], (xp, G, HH, RH, H, h0, U, mask, rmasks, act, ract, reset_after,
                               b_rec is not None)


def gru_backward(cache, dH, dstates):
    """Return ``(dXP, dU, d_rec_bias, [dh0])`` for :func:`gru_forward`."""
    if isinstance(cache[0], str):
        return gru_backward_fast(cache, dH, dstates)
    Z, G, HH, RH, H, h0, U, mask, rmasks, act, ract, reset_after, has_rec_bias = cache
    T, B, n = Z.shape
    u = n // 3
    dXP = np.empty_like(Z)
    dREC = np.empty((T, B, n), dtype=Z.dtype) if reset_after else np.empty((T, B, 2 * u), Z.dtype)
    dRHin = None if reset_after else np.empty((T, B, u), dtype=Z.dtype)
    rm_zr = None if rmasks is None else rmasks[:2]
    rm_h = None if rmasks is None else rmasks[2]
    U_zr, U_h = U[:, :2 * u], U[:, 2 * u:]
    dh = np.zeros_like(h0) if dstates[0] is None else dstates[0].astype(Z.dtype, copy=True)
    with one_blas_thread():
        for t in range(T - 1, -1, -1):
            h_prev = H[t - 1] if t > 0 else h0
            g = G[t]
            zg, r = g[:, :u], g[:, u:]
            hh = HH[t]
            d = dH[t] + dh
            m = None if mask is None else mask[t]
            dn, carry = _split_masked(d, m)
            dz_act = dn * (h_prev - hh)
            dhh = dn * (1.0 - zg)
            dh_direct = dn * zg
            dhh_pre = _act_grad(act, Z[t][:, 2 * u:], hh, dhh)
            dxp = dXP[t]
            dxp[:, 2 * u:] = dhh_pre
            if reset_after:
                dr_act = dhh_pre * RH[t]
                dREC[t][:, 2 * u:] = dhh_pre * r
            else:
                dRHin[t] = dhh_pre
                d_rh = dhh_pre @ U_h.T              # d(r * h_d)
                hd = h_prev if rm_h is None else h_prev * rm_h
                dr_act = d_rh * hd
                dh_direct = dh_direct + (d_rh * r if rm_h is None else d_rh * r * rm_h)
            if ract.name == "sigmoid":
                dxp[:, :u] = dz_act * zg * (1.0 - zg)
                dxp[:, u:2 * u] = dr_act * r * (1.0 - r)
            else:
                dxp[:, :u] = ract.backward(Z[t][:, :u], zg, dz_act)
                dxp[:, u:2 * u] = ract.backward(Z[t][:, u:2 * u], r, dr_act)
            dREC[t][:, :2 * u] = dxp[:, :2 * u]
            if reset_after:
                dh = dh_direct + _rec_T(dREC[t], U, rmasks)
            else:
                dh = dh_direct + _rec_T(dREC[t], U_zr, rm_zr)
            if carry is not None:
                dh += carry
    P = prev_states(h0, H)
    if reset_after:
        dU = _rec_dU(P, dREC, rmasks, n)
        db_rec = dREC.sum(axis=(0, 1)) if has_rec_bias else None
    else:
        dU = np.empty_like(U)
        dU[:, :2 * u] = _rec_dU(P, dREC, rm_zr, 2 * u)
        dU[:, 2 * u:] = RH.reshape(T * B, u).T @ dRHin.reshape(T * B, u)
        db_rec = None
    return dXP, dU, db_rec, [dh]
