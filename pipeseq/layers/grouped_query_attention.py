"""``GroupQueryAttention``: Keras 3's grouped-query attention (Ainslie et al., 2023).

``num_query_heads`` query heads share ``num_key_value_heads`` key/value heads (each
key/value head serves ``num_query_heads // num_key_value_heads`` query heads);
``num_key_value_heads=1`` is multi-query attention, ``= num_query_heads`` multi-head
attention. Called as ``gqa(query, value, key=None, attention_mask=None,
return_attention_scores=False, use_causal_mask=False)`` with ``query (B, T, dim)``,
``value``/``key (B, S, dim)``; the output is ``(B, T, dim)``, the scores
``(B, num_query_heads, T, S)``. Masks combine as in ``MultiHeadAttention`` (the Keras
masks of ``query``/``value``/``key``, ``attention_mask``, the causal mask,
``sliding_window``).

Weights are Keras's ``EinsumDense`` sublayers ``query`` (kernel ``(dim, num_query_heads,
head_dim)``), ``key``, ``value`` (``(dim, num_key_value_heads, head_dim)``), with
``use_gate=True`` a sigmoid ``gate`` (after ``key``, as Keras builds it) multiplying the
attention output, and ``attention_output`` (``(num_query_heads, head_dim, dim)``).
Math: :mod:`pipeseq.kernels.attention`, the same kernels as ``MultiHeadAttention``.

Example
-------
>>> import numpy as np
>>> gqa = GroupQueryAttention(head_dim=2, num_query_heads=4, num_key_value_heads=2)
>>> x = np.ones((3, 5, 6), "float32")
>>> out, scores = gqa(x, x, return_attention_scores=True)
>>> out.shape, scores.shape, [w.shape for w in gqa.weights][2]
((3, 5, 6), (3, 4, 5, 5), (6, 2, 2))
"""
import numpy as np

from .. import backend, initializers, regularizers
from ..kernels import attention as ops
from ..kernels import core as core_ops
from .query_value_key import QueryValueKeyBuild
from .base import Layer, format_shape, register, unique_name
from .call_args import MultiTensorCall, group_slots
from .einsum_dense import EinsumDense
from .multi_head_attention import _positive_int


@register(aliases=("GroupedQueryAttention",))
class GroupQueryAttention(QueryValueKeyBuild, MultiTensorCall, Layer):
    """Grouped-query attention (see the module docstring). Keras's class is
    ``GroupedQueryAttention``, exported as ``GroupQueryAttention``; its layers are named
    ``grouped_query_attention``, ``grouped_query_attention_1``..."""

    call_args = ("query", "value", "key", "query_mask", "value_mask", "key_mask",
                 "attention_mask")
    keras3_class_key = "grouped_query_attention"       # its path in Keras 3 weight files
    positional_call_args = 2

    def __init__(self, head_dim, num_query_heads, num_key_value_heads, dropout=0.0,
                 use_bias=True, sliding_window=None, flash_attention=None,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, use_gate=False, seed=None,
                 **kwargs):
        self.head_dim = _positive_int(head_dim, "head_dim")
        self.num_query_heads = _positive_int(num_query_heads, "num_query_heads")
        self.num_key_value_heads = _positive_int(num_key_value_heads, "num_key_value_heads")
        if self.num_query_heads % self.num_key_value_heads != 0:
            raise ValueError("`num_query_heads` must be divisible by `num_key_value_heads`. "
                             f"Received: num_query_heads={num_query_heads}, "
                             f"num_key_value_heads={num_key_value_heads}")
        if kwargs.get("name") is None:
            kwargs["name"] = unique_name("grouped_query_attention")
        super().__init__(**kwargs)
        self.num_repeats = self.num_query_heads // self.num_key_value_heads
        if not 0 <= dropout < 1:
            raise ValueError(f"GroupQueryAttention '{self.name}': `dropout` must be in [0, 1). "
                             f"Received: dropout={dropout!r}")
        if flash_attention and dropout > 0:
            raise ValueError("Dropout is not supported when flash attention is enabled. Please "
                             "set dropout to 0.0 to use flash attention.")
        self.dropout = float(dropout)
        self.use_bias = bool(use_bias)
        self.use_gate = bool(use_gate)
        self.sliding_window = _positive_int(sliding_window, "sliding_window", allow_none=True)
        self.supports_masking = True
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = regularizers.get_constraint(kernel_constraint)
        self.bias_constraint = regularizers.get_constraint(bias_constraint)
        self.seed = seed
        self._rng = np.random.default_rng(seed) if seed is not None else None
        self._dense = {}

    # ------------------------------------------------------------------ building
    _ORDER = ("query", "key", "gate", "value", "attention_output")   # Keras's build order

    def _sublayers(self):
        return [self._dense[n] for n in self._ORDER if n in self._dense]

    def _keras_saveables(self):
        attrs = {"query": "_query_dense", "key": "_key_dense", "gate": "_gate_dense",
                 "value": "_value_dense", "attention_output": "_output_dense"}
        return [(attrs[n], self._dense[n]) for n in self._ORDER if n in self._dense]

    def _shapes(self, shapes, slots):
        named = group_slots(shapes, slots)
        q, v = tuple(named["query"]), tuple(named["value"])
        k = tuple(named.get("key") or v)
        for name, shape in (("query", q), ("value", v), ("key", k)):
            if len(shape) != 3:
                raise ValueError(f"GroupQueryAttention '{self.name}' expects rank-3 inputs "
                                 f"(batch, sequence, features). Received: {name}_shape="
                                 f"{format_shape(shape)}")
        if q[-1] != v[-1]:
            raise ValueError("The last dimension of `query_shape` and `value_shape` must be "
                             f"equal, but are {q[-1]}, {v[-1]}. Received: query_shape="
                             f"{format_shape(q)}, value_shape={format_shape(v)}")
        if v[1:-1] != k[1:-1]:
            raise ValueError("All dimensions of `value` and `key`, except the last one, must be "
                             f"equal. Received: value_shape={format_shape(v)} and "
                             f"key_shape={format_shape(k)}")
        return q, v, k

    def _build_for_call(self, shapes, slots):
        if self.built:
            return
        q, v, k = self._shapes(shapes, slots)
        self._call_shapes = {"query_shape": q, "value_shape": v}
        if any(name == "key" for name, _ in slots):
            self._call_shapes["key_shape"] = k
        common = dict(kernel_initializer=self.kernel_initializer,
                      bias_initializer=self.bias_initializer,
                      kernel_regularizer=self.kernel_regularizer,
                      bias_regularizer=self.bias_regularizer,
                      kernel_constraint=self.kernel_constraint,
                      bias_constraint=self.bias_constraint, dtype=self.dtype)

        def dense(name, eq, heads, bias, shape, **kw):
            layer = EinsumDense(eq, output_shape=(None, heads, self.head_dim),
                                bias_axes=bias if self.use_bias else None, name=name,
                                **common, **kw)
            layer._maybe_build(shape)
            return layer
        hq, hkv = self.num_query_heads, self.num_key_value_heads
        self._dense = {"query": dense("query", "bqm,muh->bquh", hq, "uh", q),
                       "key": dense("key", "bkm,mvh->bkvh", hkv, "vh", k)}
        if self.use_gate:
            self._dense["gate"] = dense("gate", "bqm,muh->bquh", hq, "uh", q,
                                        activation="sigmoid")
        self._dense["value"] = dense("value", "bkm,mvh->bkvh", hkv, "vh", v)
        out = EinsumDense("bquh,uhm->bqm", output_shape=(None, q[-1]),
                          bias_axes="m" if self.use_bias else None, name="attention_output",
                          **common)
        out._maybe_build((None, None, hq, self.head_dim))
        self._dense["attention_output"] = out
        self._build_input_shape = q
        self.built = True

    # ------------------------------------------------------------------ shapes
    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        if isinstance(query_shape, list) and query_shape and isinstance(query_shape[0],
                                                                         (tuple, list)):
            query_shape = query_shape[0]
        return tuple(query_shape)

    def output_shape_for_call(self, shapes, call_slots=None, return_attention_scores=False, **_):
        q, v, k = self._shapes(shapes, call_slots)
        if return_attention_scores:
            return [q, (q[0], self.num_query_heads, q[1], k[1])]
        return q

    def compute_mask(self, inputs, mask=None):
        return mask[0] if isinstance(mask, list) else mask

    # ----------------------------------------------------------------- compute
    def forward(self, x, training=False, mask=None, call_slots=None, return_attention_scores=False,
                use_causal_mask=False, call_npos=None):
        if call_slots is None:
            call_slots = [["query", None], ["value", None], ["key", None]][:len(x)]
        named = group_slots(x, call_slots)
        masks = {} if mask is None else {
            name: m for m, (name, _) in zip(mask if isinstance(mask, list) else [mask], call_slots)
            if m is not None}

        def pick(name):
            given = named.get(f"{name}_mask")
            return masks.get(name) if given is None else given
        query, value = named["query"], named["value"]
        key = named.get("key")
        d = self._dense
        Q, cq = d["query"].forward(query)
        K, ck = d["key"].forward(value if key is None else key)
        V, cv = d["value"].forward(value)
        B, T, S, H, r = query.shape[0], Q.shape[1], K.shape[1], self.num_query_heads, \
            self.num_repeats
        scale = np.asarray(1.0 / np.sqrt(float(self.head_dim)), Q.dtype)
        q4 = Q.transpose(0, 2, 1, 3) * scale                          # (B, H, T, h)
        k4 = np.repeat(K, r, axis=2).transpose(0, 2, 1, 3)           # (B, H, S, h)
        v4 = np.repeat(V, r, axis=2).transpose(0, 2, 1, 3)
        scores, s_cache = ops.dot_scores(q4, k4)
        amask = ops.combine_masks(T, S, pick("query"), pick("value"), pick("key"),
                                  named.get("attention_mask"), use_causal_mask,
                                  self.sliding_window)
        # Keras zeroes fully masked rows only on its explicit-scores path (dropout or
        # returned scores); its fused dot_product_attention leaves them uniform.
        explicit = self.dropout > 0 or return_attention_scores
        w, sm_cache = ops.masked_softmax(scores, amask, mode="replace" if explicit else "fill")
        drop = None
        if training and self.dropout > 0:
            drop = core_ops.dropout_mask(self._rng or backend.rng(), w.shape, self.dropout, w.dtype)
        ctx, a_cache = ops.apply_weights(w, v4, drop)                 # (B, H, T, h)
        ctx = ctx.transpose(0, 2, 1, 3)                              # (B, T, H, h)
        gate = cg = None
        if self.use_gate:
            gate, cg = d["gate"].forward(query)
            ctx_in = ctx * gate
        else:
            ctx_in = ctx
        out, co = d["attention_output"].forward(ctx_in)
        cache = (cq, ck, cv, cg, co, ctx, gate, s_cache, sm_cache, a_cache, scale, call_slots,
                 key is None, return_attention_scores, K.shape)
        if return_attention_scores:
            return [out, w], cache
        return out, cache

    def backward(self, cache, dy):
        (cq, ck, cv, cg, co, ctx, gate, s_cache, sm_cache, a_cache, scale, slots, no_key,
         with_scores, k_shape) = cache
        d = self._dense
        dout, dw_extra = (dy[0], dy[1]) if with_scores else (dy, None)
        dctx, g_o = d["attention_output"].backward(co, dout)
        g_g, dquery_gate = [], None
        if gate is not None:
            dquery_gate, g_g = d["gate"].backward(cg, dctx * ctx)
            dctx = dctx * gate
        dw, dv4 = ops.apply_weights_backward(a_cache, dctx.transpose(0, 2, 1, 3))
        if dw_extra is not None:
            dw = dw + dw_extra
        ds = ops.masked_softmax_backward(sm_cache, dw)
        dq4, dk4, _ = ops.dot_scores_backward(s_cache, ds)
        B, S, hkv, h = k_shape
        r = self.num_repeats
        dQ = (dq4 * scale).transpose(0, 2, 1, 3)
        dK = dk4.transpose(0, 2, 1, 3).reshape(B, S, hkv, r, h).sum(axis=3)
        dV = dv4.transpose(0, 2, 1, 3).reshape(B, S, hkv, r, h).sum(axis=3)
        dquery, g_q = d["query"].backward(cq, dQ)
        if dquery_gate is not None:
            dquery = dquery + dquery_gate
        dkey, g_k = d["key"].backward(ck, dK)
        dvalue, g_v = d["value"].backward(cv, dV)
        if no_key:
            dvalue = dvalue + dkey
        per_name = {"query": dquery, "value": dvalue, "key": dkey}
        dx = [per_name.get(name) if index is None else None for name, index in slots]
        return dx, g_q + g_k + g_g + g_v + g_o

    def get_config(self):
        return {**super().get_config(), "head_dim": self.head_dim,
                "num_query_heads": self.num_query_heads,
                "num_key_value_heads": self.num_key_value_heads, "use_bias": self.use_bias,
                "use_gate": self.use_gate, "sliding_window": self.sliding_window,
                "dropout": self.dropout,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "kernel_constraint": regularizers.serialize_constraint(self.kernel_constraint),
                "bias_constraint": regularizers.serialize_constraint(self.bias_constraint),
                "seed": self.seed}
