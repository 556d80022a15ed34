"""Keras 3's definitions, written with :mod:`pipeseq.ops`, of the attention layers
(``Attention``, ``AdditiveAttention``, ``MultiHeadAttention`` with its four einsum
projections; see tests/autograd_refs_core.py for the calling convention).

Masks as Keras: the value mask and the causal mask hide keys (``Attention``: the scores
minus ``1e9`` where hidden; ``MultiHeadAttention``: Keras's ``Softmax`` layer adds ``-1e9``
there), the query mask zeroes the output rows (``Attention``) or hides query rows
(``MultiHeadAttention``).
"""
import numpy as np

from pipeseq import ops


def _causal(tq, tv):
    """Keras's ``_compute_causal_mask``: query ``i`` sees keys ``j <= i``."""
    return np.tril(np.ones((1, tq, tv), bool))


def _qvk(xs):
    q, v = xs[0], xs[1]
    return q, v, (xs[2] if len(xs) > 2 else v)


def _attention(layer, xs, w, mask=None, return_attention_scores=False, use_causal_mask=False):
    q, v, k = _qvk(xs)
    qe, ke = ops.expand_dims(q, -2), ops.expand_dims(k, -3)
    if type(layer).__name__ == "AdditiveAttention":
        scores = ops.sum((w[0] if layer.use_scale else 1.0) * ops.tanh(qe + ke), axis=-1)
    else:
        scale = w[0] if layer.use_scale else None
        if layer.score_mode == "dot":
            scores = ops.matmul(q, ops.transpose(k, (0, 2, 1)))
            scores = scores if scale is None else scores * scale
        else:
            inner = qe + ke if scale is None else scale * (qe + ke)
            scores = w[-1] * ops.sum(ops.tanh(inner), axis=-1)
    q_mask = mask[0] if mask else None
    v_mask = mask[1] if mask and len(mask) > 1 else None
    keep = None if v_mask is None else np.asarray(v_mask, bool)[:, None, :]
    if use_causal_mask:
        c = _causal(q.shape[1], k.shape[1])
        keep = c if keep is None else keep & c
    if keep is not None:
        scores = scores - 1.0e9 * (1.0 - keep.astype(scores.dtype))
    weights = ops.softmax(scores, axis=-1)
    out = ops.matmul(weights, v)
    if q_mask is not None:
        out = out * np.asarray(q_mask, bool)[..., None].astype(out.dtype)
    return [out, weights] if return_attention_scores else out


def _project(dense, x, w):
    y = ops.einsum(dense.equation, x, w[0])
    return y + w[1] if dense.bias is not None else y


def _mha(layer, xs, w, mask=None, return_attention_scores=False, use_causal_mask=False):
    q_in, v_in, k_in = _qvk(xs)
    weights, i = [], 0
    for d in layer._dense:
        n = len(d.gradient_variables)
        weights.append(w[i:i + n])
        i += n
    query = _project(layer._dense[0], q_in, weights[0])          # (B, T, H, key_dim)
    key = _project(layer._dense[1], k_in, weights[1])            # (B, S, H, key_dim)
    value = _project(layer._dense[2], v_in, weights[2])          # (B, S, H, value_dim)
    batch, mid_q = query.shape[0], query.shape[1:-2]
    if len(mid_q) > 1:       # attention over several axes at once = over their flattening
        query = ops.reshape(query, (batch, -1) + query.shape[-2:])
        key = ops.reshape(key, (batch, -1) + key.shape[-2:])
        value = ops.reshape(value, (batch, -1) + value.shape[-2:])
    t, s = query.shape[1], key.shape[1]
    keep = None                                                   # Keras's _compute_attention_mask
    masks = list(mask) + [None] * 3 if mask else [None] * 3
    if masks[0] is not None:
        keep = np.asarray(masks[0], bool)[:, :, None]
    for m in (masks[1], masks[2]):
        if m is not None:
            m = np.asarray(m, bool)[:, None, :]
            keep = m if keep is None else keep & m
    if use_causal_mask:
        keep = _causal(t, s) if keep is None else keep & _causal(t, s)
    query = query * (1.0 / np.sqrt(float(layer.key_dim)))
    scores = ops.einsum("aecd,abcd->acbe", key, query)            # (B, H, T, S)
    if keep is not None:                                          # Keras's Softmax layer
        scores = scores + (1.0 - keep[:, None].astype(scores.dtype)) * -1.0e9
    probs = ops.softmax(scores, axis=-1)
    context = ops.einsum("acbe,aecd->abcd", probs, value)         # (B, T, H, value_dim)
    context = ops.reshape(context, (batch,) + mid_q + context.shape[-2:])
    if len(mid_q) > 1:
        probs = ops.reshape(probs, probs.shape[:2] + mid_q + k_in.shape[1:-1])
    out = _project(layer._dense[3], context, weights[3])
    return [out, probs] if return_attention_scores else out


def _gqa(layer, xs, w, mask=None, return_attention_scores=False, use_causal_mask=False):
    """Keras's GroupedQueryAttention: query heads share key/value heads in groups of
    ``num_query_heads // num_key_value_heads``; optional sigmoid gate from the query input."""
    q_in, v_in, k_in = _qvk(xs)
    weights, i = {}, 0
    for name in [n for n in layer._ORDER if n in layer._dense]:
        n = len(layer._dense[name].gradient_variables)
        weights[name] = w[i:i + n]
        i += n
    query = _project(layer._dense["query"], q_in, weights["query"])    # (B, T, Hq, h)
    key = _project(layer._dense["key"], k_in, weights["key"])          # (B, S, Hkv, h)
    value = _project(layer._dense["value"], v_in, weights["value"])
    r = layer.num_query_heads // layer.num_key_value_heads
    key, value = ops.repeat(key, r, axis=2), ops.repeat(value, r, axis=2)
    t, s = query.shape[1], key.shape[1]
    keep = None
    masks = list(mask) + [None] * 3 if mask else [None] * 3
    if masks[0] is not None:
        keep = np.asarray(masks[0], bool)[:, :, None]
    for m in (masks[1], masks[2]):
        if m is not None:
            m = np.asarray(m, bool)[:, None, :]
            keep = m if keep is None else keep & m
    if use_causal_mask:
        keep = _causal(t, s) if keep is None else keep & _causal(t, s)
    query = query * (1.0 / np.sqrt(float(layer.head_dim)))
    scores = ops.einsum("bthd,bshd->bhts", query, key)
    if keep is not None:
        scores = ops.where(keep[:, None], scores, -1.0e9)
    probs = ops.softmax(scores, axis=-1)
    context = ops.einsum("bhts,bshd->bthd", probs, value)                # (B, T, Hq, h)
    if "gate" in layer._dense:
        context = context * ops.sigmoid(_project(layer._dense["gate"], q_in, weights["gate"]))
    out = _project(layer._dense["attention_output"], context, weights["attention_output"])
    return [out, probs] if return_attention_scores else out


REFERENCES = {
    "AdditiveAttention": _attention,
    "GroupQueryAttention": _gqa,
    "Attention": _attention,
    "MultiHeadAttention": _mha,
}
