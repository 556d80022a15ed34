"""Attention math: masked softmax, dot-product / additive scores, einsum projections.

Every function returns what its backward needs; backward functions return gradients in
the order of the forward's array arguments. Shapes follow Keras:

* :func:`dot_scores` -- ``scores = scale * q @ k^T`` over the last two axes (``q (..., T, d)``,
  ``k (..., S, d)``, ``scores (..., T, S)``);
* :func:`additive_scores` -- ``scores = c * sum(tanh(scale * (q[..., :, None, :] +
  k[..., None, :, :])), -1)``, ``scale`` a scalar or a vector over ``d``;
* :func:`masked_softmax` -- softmax over the last axis where ``mask`` is False gets
  ``-1e9`` (``mode="subtract"``: Keras's ``Attention`` layer subtracts ``1e9``;
  ``mode="replace"``: Keras's ``Softmax(mask=...)`` replaces the score and zeroes the
  masked outputs afterwards; ``mode="fill"``: replaces without zeroing, as Keras's
  ``dot_product_attention``: a row with every position masked becomes uniform);
* :func:`einsum_forward` / :func:`einsum_backward` -- ``y = einsum(eq, x, w)``, the
  projection of ``EinsumDense`` and of the heads of ``MultiHeadAttention``.

Example
-------
>>> import numpy as np
>>> w, cache = masked_softmax(np.zeros((1, 2, 3)), np.array([[[1, 1, 0]]], bool))
>>> w[0, 0].round(3).tolist()
[0.5, 0.5, 0.0]
"""
import numpy as np

LARGE_NEGATIVE = 1e9


def causal_mask(t, s):
    """Boolean ``(1, t, s)``: position ``i`` sees ``j <= i`` (Keras's lower-triangular mask)."""
    return np.tril(np.ones((t, s), bool))[None]


def combine_masks(t, s, query_mask=None, value_mask=None, key_mask=None, attention_mask=None,
                  causal=False, sliding_window=None):
    """Keras's attention mask from its sources, joined with a logical and.

    ``query_mask (B, T...)`` -> ``(B, T, 1)``; ``value_mask``/``key_mask (B, S...)`` ->
    ``(B, 1, S)``; ``causal``: ``(1, T, S)`` lower triangle; ``sliding_window`` ``w``:
    ``|i - j| < w``; ``attention_mask (B, T, S)`` (or ``(T, S)``). Returns a boolean
    ``(B|1, 1, T, S)`` (one mask for every head) or None.
    """
    m = None

    def both(a, b):
        return b if a is None else (a & b)
    if query_mask is not None:
        qm = np.asarray(query_mask, bool)
        m = both(m, qm.reshape(len(qm), -1)[:, :, None])
    for mm in (value_mask, key_mask):
        if mm is not None:
            mm = np.asarray(mm, bool)
            m = both(m, mm.reshape(len(mm), -1)[:, None, :])
    if causal:
        m = both(m, causal_mask(t, s))
    if sliding_window is not None:
        i, j = np.arange(t)[:, None], np.arange(s)[None, :]
        m = both(m, (np.abs(i - j) < sliding_window)[None])
    if attention_mask is not None:
        am = np.asarray(attention_mask).astype(bool)
        am = am.reshape((am.shape[0] if am.ndim > 2 else 1, t, s))
        m = am if m is None else (m & am)
    return None if m is None else m[:, None, :, :]


def masked_softmax(scores, mask=None, mode="replace"):
    """Softmax over the last axis with masked positions excluded; returns ``(w, cache)``."""
    s = scores
    if mask is not None:
        mask = np.asarray(mask).astype(bool)
        if mode == "subtract":
            s = np.where(mask, scores, scores - LARGE_NEGATIVE)
        else:
            s = np.where(mask, scores, np.asarray(-LARGE_NEGATIVE, scores.dtype))
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    w = e / e.sum(axis=-1, keepdims=True)
    if mask is not None and mode == "replace":
        w = np.where(mask, w, np.zeros((), w.dtype))
    return w.astype(scores.dtype, copy=False), (w, mask, mode)


def masked_softmax_backward(cache, dw):
    w, mask, mode = cache
    ds = w * (dw - (dw * w).sum(axis=-1, keepdims=True))
    if mask is not None and mode in ("replace", "fill"):
        ds = np.where(mask, ds, np.zeros((), ds.dtype))
    return ds


def dot_scores(q, k, scale=None):
    """``scale * q @ swapaxes(k)``; ``scale`` None or a 0-d array. Returns ``(scores, cache)``."""
    raw = np.matmul(q, np.swapaxes(k, -1, -2))
    scores = raw * scale if scale is not None else raw
    return scores, (q, k, scale, raw)


def dot_scores_backward(cache, ds):
    """Return ``(dq, dk, dscale)`` (``dscale`` None without a scale)."""
    q, k, scale, raw = cache
    dscale = None
    if scale is not None:
        dscale = np.asarray((ds * raw).sum(), dtype=scale.dtype)
        ds = ds * scale
    dq = np.matmul(ds, k)
    dk = np.matmul(np.swapaxes(ds, -1, -2), q)
    return dq, dk, dscale


def additive_scores(q, k, scale=None, c=None):
    """``c * sum(tanh(scale * (q_i + k_j)), -1)``; ``scale`` scalar or ``(d,)``, ``c`` scalar."""
    u = q[..., :, None, :] + k[..., None, :, :]
    if scale is not None and np.ndim(scale) == 1:     # AdditiveAttention: sum(scale * tanh(u))
        t = np.tanh(u)
        summed = (t * scale).sum(axis=-1)
        kind = "vector"
    else:                                             # Attention(score_mode="concat")
        t = np.tanh(u * scale if scale is not None else u)
        summed = t.sum(axis=-1)
        kind = "scalar"
    scores = summed * c if c is not None else summed
    return scores, (u, t, summed, scale, c, kind)


def additive_scores_backward(cache, ds):
    """Return ``(dq, dk, dscale, dc)``."""
    u, t, summed, scale, c, kind = cache
    dc = None
    if c is not None:
        dc = np.asarray((ds * summed).sum(), dtype=c.dtype)
        ds = ds * c
    dscale = None
    if kind == "vector":
        dt = ds[..., None] * scale
        if scale is not None:
            dscale = (ds[..., None] * t).reshape(-1, t.shape[-1]).sum(axis=0).astype(scale.dtype)
        du = dt * (1 - t * t)
    else:
        dsu = ds[..., None] * (1 - t * t)
        if scale is not None:
            dscale = np.asarray((dsu * u).sum(), dtype=scale.dtype)
            du = dsu * scale
        else:
            du = dsu
    dq = du.sum(axis=-2)
    dk = du.sum(axis=-3)
    return dq, dk, dscale, dc


def apply_weights(w, v, drop=None):
    """``(w * drop) @ v`` (``drop`` an inverted-dropout mask or None); returns ``(out, cache)``."""
    wd = w * drop if drop is not None else w
    return np.matmul(wd, v), (wd, v, drop)


def apply_weights_backward(cache, dout):
    """Return ``(dw, dv)``."""
    wd, v, drop = cache
    dv = np.matmul(np.swapaxes(wd, -1, -2), dout)
    dw = np.matmul(dout, np.swapaxes(v, -1, -2))
    if drop is not None:
        dw = dw * drop
    return dw, dv


# ---------------------------------------------------------------- einsum projections
def einsum_forward(equation, x, w, bias=None):
    """``einsum(equation, x, w) (+ bias)``; returns ``(y, cache)``."""
    y = np.einsum(equation, x, w, optimize=True)
    if bias is not None:
        y = y + bias
    return y.astype(x.dtype, copy=False), (equation, x, w, bias is not None, y.ndim)


def einsum_backward(cache, dy, need_dx=True):
    """Return ``(dx, dw, dbias)`` for :func:`einsum_forward` (``dbias`` shaped like the bias
    broadcast against the output's trailing axes, or None)."""
    equation, x, w, has_bias, ndim = cache
    ins, out = equation.replace(" ", "").split("->")
    xs, ws = ins.split(",")
    dx = _einsum_grad(f"{out},{ws}->{xs}", dy, w, x.shape) if need_dx else None
    dw = _einsum_grad(f"{xs},{out}->{ws}", x, dy, w.shape)
    return dx, dw, dy if has_bias else None


def _einsum_grad(eq, a, b, shape):
    """An einsum whose result may lack letters only present in the target (broadcast then)."""
    ins, out = eq.split("->")
    present = set(ins.replace(",", "").replace("...", ""))
    if all(ch in present for ch in out.replace("...", "")):
        return np.einsum(eq, a, b, optimize=True)
    kept = "".join(ch for ch in out if ch in present or ch == ".")
    g = np.einsum(f"{ins}->{kept}", a, b, optimize=True)
    # letters summed only inside the target: its gradient is the same along them
    expand = [i for i, ch in enumerate(out.replace("...", "")) if ch not in present]
    for ax in expand:
        g = np.expand_dims(g, ax)
    return np.broadcast_to(g, shape).copy()


def reduce_to_shape(g, shape):
    """Sum a broadcast gradient back to ``shape`` (trailing alignment, as NumPy broadcasts)."""
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    return g.sum(axis=axes, keepdims=True) if axes else g
