"""What the recurrent kernels share: the input projection of all steps at once, activations
with their gradients, and masked steps.

Used by :mod:`pipeseq.kernels.recurrent` (SimpleRNN, LSTM, GRU) and
:mod:`pipeseq.kernels.conv_lstm`.

Example
-------
>>> import numpy as np
>>> from pipeseq.kernels.activations import get
>>> y = act_apply(get("tanh"), np.zeros(2))
>>> act_grad(get("tanh"), np.zeros(2), y, np.ones(2))
array([1., 1.])
"""
import numpy as np

from .core import matmul, matmul_tn

__all__ = ["expit", "act_apply", "act_grad", "split_masked", "input_projection",
           "input_projection_backward"]


def expit(z, out=None):
    """Logistic sigmoid (scipy.special.expit, imported on first use to keep `import pipeseq` fast)."""
    from scipy.special import expit as _expit
    return _expit(z, out=out)


def act_apply(act, z, out=None):
    """``act(z)`` written into ``out`` (fast paths for sigmoid and tanh)."""
    name = act.name
    if name == "sigmoid":
        return expit(z, out=out)   # exact; the fast paths use 0.5 * tanh(z / 2) + 0.5
    if name == "tanh":
        return np.tanh(z, out=out)
    if name == "linear":
        if out is None:
            return z.copy()
        out[...] = z
        return out
    y = act(z)
    if out is None:
        return y
    out[...] = y
    return out


def act_grad(act, z, y, dy):
    """``dL/dz`` given ``dL/dy`` for ``y = act(z)``."""
    name = act.name
    if name == "sigmoid":
        return dy * y * (1.0 - y)
    if name == "tanh":
        return dy * (1.0 - y * y)
    if name == "linear":
        return dy
    return act.backward(z, y, dy)


def split_masked(d, m):
    """Split ``d`` into the part reaching the new state and the part carried past a masked step."""
    if m is None:
        return d, None
    return np.where(m, d, 0.0).astype(d.dtype, copy=False), np.where(m, 0.0, d).astype(d.dtype, copy=False)


def input_projection(x, W, b=None, in_masks=None):
    """``XP = x @ W + b`` for all time steps at once.

    Parameters
    ----------
    x : (T, B, F) array, time-major.
    W : (F, k*units) kernel.
    b : (k*units,) input bias or None.
    in_masks : None, a ``(B, F)`` dropout mask shared by every gate, or ``(k, B, F)``
        masks, one per gate block of ``W``.

    Returns
    -------
    XP : (T, B, k*units) C-contiguous, and a cache for :func:`input_projection_backward`.
    """
    T, B, F = x.shape
    n = W.shape[1]
    if in_masks is None or in_masks.ndim == 2:
        xd = x if in_masks is None else x * in_masks[None]
        x2 = np.ascontiguousarray(xd).reshape(T * B, F)
        xp = matmul(x2, W)
    else:
        k = in_masks.shape[0]
        u = n // k
        xp = np.empty((T * B, n), dtype=np.result_type(x.dtype, W.dtype))
        x2 = []
        for g in range(k):
            xg = np.ascontiguousarray(x * in_masks[g][None]).reshape(T * B, F)
            x2.append(xg)
            xp[:, g * u:(g + 1) * u] = xg @ W[:, g * u:(g + 1) * u]
    if b is not None:
        xp += b
    return xp.reshape(T, B, n), (x2, W, in_masks, x.shape, b is not None)


def input_projection_backward(cache, dXP, need_dx=True):
    """Return ``(dx (T, B, F), dW, db)`` for :func:`input_projection` (``dx`` None
    when ``need_dx`` is False)."""
    x2, W, in_masks, shape, has_bias = cache
    T, B, F = shape
    n = W.shape[1]
    d2 = dXP.reshape(T * B, n)
    db = d2.sum(axis=0) if has_bias else None
    if in_masks is None or in_masks.ndim == 2:
        dW = matmul_tn(x2, d2)
        if not need_dx:
            return None, dW, db
        dx = matmul(d2, W.T).reshape(T, B, F)
        if in_masks is not None:
            dx *= in_masks[None]
        return dx, dW, db
    k = in_masks.shape[0]
    u = n // k
    dW = np.empty_like(W)
    dx = np.zeros(shape, dtype=dXP.dtype) if need_dx else None
    for g in range(k):
        sl = slice(g * u, (g + 1) * u)
        dW[:, sl] = x2[g].T @ d2[:, sl]
        if need_dx:
            dx += (d2[:, sl] @ W[:, sl].T).reshape(T, B, F) * in_masks[g][None]
    return dx, dW, db
