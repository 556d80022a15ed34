"""Dot-product and additive attention: ``Attention`` (Luong) and ``AdditiveAttention`` (Bahdanau).

Both are called on ``[query, value]`` or ``[query, value, key]`` (``key`` defaults to
``value``), shapes ``(batch, Tq, dim)`` and ``(batch, Tv, dim)``, and return
``(batch, Tq, dim)``; ``return_attention_scores=True`` adds the ``(batch, Tq, Tv)``
weights, ``use_causal_mask=True`` hides later positions; the Keras masks of query and
value (``mask=[query_mask, value_mask]``) are honoured as in Keras. The arithmetic
is in :mod:`pipeseq.kernels.attention`.

Example
-------
>>> import numpy as np
>>> q, v = np.ones((2, 3, 4), "float32"), np.ones((2, 5, 4), "float32")
>>> out, scores = Attention()([q, v], return_attention_scores=True)
>>> out.shape, scores.shape
((2, 3, 4), (2, 3, 5))
"""
import numpy as np

from .. import backend
from ..kernels import attention as ops
from ..kernels import core as core_ops
from .base import Layer, format_shape, register


class _BaseAttention(Layer):
    accepts_mask = True

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if score_mode not in ("dot", "concat"):
            raise ValueError("Invalid value for argument score_mode. Expected one of "
                             f"{{'dot', 'concat'}}. Received: score_mode={score_mode!r}")
        if not 0 <= dropout < 1:
            raise ValueError(f"{type(self).__name__} '{self.name}': `dropout` must be in [0, 1). "
                             f"Received: dropout={dropout!r}")
        self.use_scale = bool(use_scale)
        self.score_mode = score_mode
        self.dropout = float(dropout)
        self.seed = seed
        self._rng = np.random.default_rng(seed) if seed is not None else None

    def _validate(self, shapes):
        name = type(self).__name__
        if not (isinstance(shapes, list) and shapes and isinstance(shapes[0], (tuple, list))):
            raise ValueError(f"{name} layer must be called on a list of inputs, namely "
                             f"[query, value] or [query, value, key]. Received: inputs with "
                             f"shape {format_shape(shapes)}.")
        if not 2 <= len(shapes) <= 3:
            raise ValueError(f"{name} layer accepts inputs list of length 2 or 3, namely "
                             f"[query, value] or [query, value, key]. Received length: "
                             f"{len(shapes)}.")
        q, v = shapes[0], shapes[1]
        k = shapes[2] if len(shapes) > 2 else v
        if q[-1] is not None and k[-1] is not None and q[-1] != k[-1]:
            raise ValueError(f"{name} '{self.name}': query and key must have the same last "
                             f"dimension. Received: query shape {format_shape(tuple(q))}, key "
                             f"shape {format_shape(tuple(k))}")

    def build(self, input_shape):
        self._validate(input_shape)
        self._build_weights(input_shape)

    def compute_output_shape(self, input_shape):
        self._validate(input_shape)
        return tuple(input_shape[0][:-1]) + (input_shape[1][-1],)

    def output_shape_for_call(self, shapes, return_attention_scores=False, **_):
        out = self.compute_output_shape(shapes)
        if return_attention_scores:
            k = shapes[2] if len(shapes) > 2 else shapes[1]
            return [out, tuple(shapes[0][:-1]) + (k[-2],)]
        return out

    def compute_mask(self, inputs, mask=None):
        if mask is None or not isinstance(mask, list) or mask[0] is None:
            return None
        return mask[0]

    def forward(self, x, training=False, mask=None, return_attention_scores=False,
                use_causal_mask=False):
        self._validate([a.shape for a in x] if isinstance(x, list) else x)
        q, v = x[0], x[1]
        k = x[2] if len(x) > 2 else v
        q_mask = mask[0] if mask else None
        v_mask = mask[1] if mask and len(mask) > 1 else None
        scores, s_cache = self._scores(q, k)
        smask = None
        if v_mask is not None:
            smask = np.asarray(v_mask, bool)[..., None, :]
        if use_causal_mask:
            c = ops.causal_mask(scores.shape[-2], scores.shape[-1])
            smask = c if smask is None else (smask & c)
        w, sm_cache = ops.masked_softmax(scores, smask, mode="subtract")
        drop = None
        if training and self.dropout > 0:
            drop = core_ops.dropout_mask(self._rng or backend.rng(), w.shape, self.dropout, w.dtype)
        out, a_cache = ops.apply_weights(w, v, drop)
        qm = None
        if q_mask is not None:
            qm = np.asarray(q_mask, bool)[..., None]
            out = np.where(qm, out, np.zeros((), out.dtype))
        cache = (s_cache, sm_cache, a_cache, qm, len(x), k is v, return_attention_scores)
        return ([out, w] if return_attention_scores else out), cache

    def backward(self, cache, dy):
        s_cache, sm_cache, a_cache, qm, n_in, shared, with_scores = cache
        dout, dw_extra = (dy[0], dy[1]) if with_scores else (dy, None)
        if qm is not None:
            dout = np.where(qm, dout, np.zeros((), dout.dtype))
        dw, dv = ops.apply_weights_backward(a_cache, dout)
        if dw_extra is not None:
            dw = dw + dw_extra
        ds = ops.masked_softmax_backward(sm_cache, dw)
        dq, dk, grads = self._scores_backward(s_cache, ds)
        if n_in > 2:
            return [dq, dv, dk], grads
        return [dq, dv + dk], grads

    def get_config(self):
        return {**super().get_config(), "use_scale": self.use_scale,
                "score_mode": self.score_mode, "dropout": self.dropout, "seed": self.seed}


@register
class Attention(_BaseAttention):
    """Dot-product attention: ``softmax(scale * q @ k^T) @ v`` (``score_mode="dot"``), or
    ``concat_score_weight * sum(tanh(scale * (q + k)))`` scores (``score_mode="concat"``).

    Weights: ``scale`` (a scalar, with ``use_scale=True``), ``concat_score_weight``
    (a scalar, with ``score_mode="concat"``).
    """

    def _build_weights(self, input_shape):
        self.scale = self.add_weight("scale", (), "ones") if self.use_scale else None
        self.concat_score_weight = self.add_weight("concat_score_weight", (), "ones") \
            if self.score_mode == "concat" else None

    def _scores(self, q, k):
        scale = None if self.scale is None else self.scale.value
        if self.score_mode == "dot":
            return ops.dot_scores(q, k, scale)
        return ops.additive_scores(q, k, scale, self.concat_score_weight.value)

    def _scores_backward(self, cache, ds):
        if self.score_mode == "dot":
            dq, dk, dscale = ops.dot_scores_backward(cache, ds)
            return dq, dk, ([dscale] if self.scale is not None else [])
        dq, dk, dscale, dc = ops.additive_scores_backward(cache, ds)
        return dq, dk, ([dscale] if self.scale is not None else []) + [dc]


@register
class AdditiveAttention(_BaseAttention):
    """Bahdanau attention: scores ``sum(scale * tanh(q_i + k_j), -1)``; ``scale`` is a
    ``(dim,)`` weight (``use_scale=True``, the default)."""

    def __init__(self, use_scale=True, dropout=0.0, **kwargs):
        kwargs.pop("score_mode", None)
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def _build_weights(self, input_shape):
        self.scale = self.add_weight("scale", (input_shape[0][-1],), "glorot_uniform") \
            if self.use_scale else None

    def _scores(self, q, k):
        scale = self.scale.value if self.scale is not None else np.ones(q.shape[-1], q.dtype)
        return ops.additive_scores(q, k, scale)

    def _scores_backward(self, cache, ds):
        dq, dk, dscale, _ = ops.additive_scores_backward(cache, ds)
        return dq, dk, ([dscale] if self.scale is not None else [])

    def get_config(self):
        config = super().get_config()
        del config["score_mode"]
        return config
