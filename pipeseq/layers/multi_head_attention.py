"""``MultiHeadAttention``: Keras 3's multi-head scaled dot-product attention.

Called as ``mha(query, value, key=None, attention_mask=None,
return_attention_scores=False, use_causal_mask=False)`` with ``query (B, T, dim)``
and ``value``/``key (B, S, dim_v)`` (more middle axes: attention runs over all of them
jointly, Keras's default ``attention_axes``). Weights are Keras's: four ``EinsumDense``
sublayers ``query``, ``key``, ``value`` (kernels ``(dim, num_heads, key_dim)``, biases
``(num_heads, key_dim)``) and ``attention_output`` (kernel ``(num_heads, value_dim,
dim)``, bias ``(dim,)``). The Keras masks of ``query``/``value``/``key``, an explicit
``attention_mask (B, T, S)``, the causal mask and ``sliding_window`` combine with a
logical and, as in Keras; the query's mask is the output's mask.

Example
-------
>>> import numpy as np
>>> mha = MultiHeadAttention(num_heads=2, key_dim=3)
>>> x = np.ones((4, 5, 8), "float32")
>>> out, scores = mha(x, x, return_attention_scores=True)
>>> out.shape, scores.shape, mha.weights[0].shape
((4, 5, 8), (4, 2, 5, 5), (8, 2, 3))
"""
import numpy as np

from .. import backend, initializers, regularizers
from ..kernels import attention as ops
from ..kernels import core as core_ops
from .query_value_key import QueryValueKeyBuild
from .base import Layer, format_shape, register
from .call_args import MultiTensorCall, group_slots
from .einsum_dense import EinsumDense


def _positive_int(value, name, allow_none=False):
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"Received an invalid value for argument `{name}`, expected a positive "
                         f"integer{' or `None`' if allow_none else ''}. Received: "
                         f"{name}={value!r}")
    return int(value)


@register
class MultiHeadAttention(QueryValueKeyBuild, MultiTensorCall, Layer):
    """Multi-head attention (see the module docstring)."""

    call_args = ("query", "value", "key", "attention_mask", "query_mask", "value_mask",
                 "key_mask")
    positional_call_args = 2

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True,
                 output_shape=None, attention_axes=None, sliding_window=None,
                 flash_attention=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 use_gate=False, seed=None, **kwargs):
        self.num_heads = _positive_int(num_heads, "num_heads")
        self.key_dim = _positive_int(key_dim, "key_dim")
        self.value_dim = _positive_int(value_dim, "value_dim", allow_none=True) or self.key_dim
        super().__init__(**kwargs)
        if use_gate:
            raise NotImplementedError(f"MultiHeadAttention '{self.name}': use_gate=True is not "
                                      "supported by pipeseq. Received: use_gate=True")
        if not 0 <= dropout < 1:
            raise ValueError(f"MultiHeadAttention '{self.name}': `dropout` must be in [0, 1). "
                             f"Received: dropout={dropout!r}")
        self.dropout = float(dropout)
        self.use_bias = bool(use_bias)
        if output_shape:
            output_shape = (int(output_shape),) if isinstance(output_shape, (int, np.integer)) \
                else tuple(int(d) for d in output_shape)
        self._output_shape = output_shape or None
        if isinstance(attention_axes, int):
            attention_axes = (attention_axes,)
        elif attention_axes is not None and not isinstance(attention_axes, (list, tuple)):
            raise ValueError("`attention_axes` must be an int, list, or tuple."
                             f"Received: attention_axes={attention_axes}")
        self.attention_axes = None if attention_axes is None else tuple(attention_axes)
        self.sliding_window = _positive_int(sliding_window, "sliding_window", allow_none=True)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = regularizers.get_constraint(kernel_constraint)
        self.bias_constraint = regularizers.get_constraint(bias_constraint)
        self.seed = seed
        self._rng = np.random.default_rng(seed) if seed is not None else None
        self._dense = []

    # ------------------------------------------------------------------ building
    def _sublayers(self):
        return list(self._dense)

    def _keras_saveables(self):
        names = ("query_dense", "key_dense", "value_dense", "output_dense")
        return list(zip(names, self._dense))

    def _shapes(self, shapes, slots):
        named = group_slots(shapes, slots)
        q, v = tuple(named["query"]), tuple(named["value"])
        k = tuple(named.get("key") or v)
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
        rank = len(q)
        default = tuple(range(1, rank - 1))
        axes = default if self.attention_axes is None else tuple(
            a if a >= 0 else rank - 1 + a for a in self.attention_axes)
        if axes != default:
            raise NotImplementedError(
                f"MultiHeadAttention '{self.name}': pipeseq attends over all the axes between "
                f"the batch and the feature axis ({default} for rank-{rank} inputs). "
                f"Received: attention_axes={self.attention_axes}")
        self.attention_axes = axes
        common = dict(kernel_initializer=self.kernel_initializer,
                      bias_initializer=self.bias_initializer,
                      kernel_regularizer=self.kernel_regularizer,
                      bias_regularizer=self.bias_regularizer,
                      kernel_constraint=self.kernel_constraint,
                      bias_constraint=self.bias_constraint, dtype=self.dtype)
        letters = "abcdefgh"
        free = letters[:rank - 1]                       # batch + attention axes

        def proj(units, name, shape):
            eq = f"{free}{letters[rank - 1]},{letters[rank - 1]}yz->{free}yz"
            layer = EinsumDense(eq, output_shape=(None,) * (rank - 2) + (self.num_heads, units),
                                bias_axes="yz" if self.use_bias else None, name=name, **common)
            layer._maybe_build(shape)
            return layer
        out_units = self._output_shape or (q[-1],)
        out_letters = "uvw"[:len(out_units)]
        o = EinsumDense(f"{free}yz,yz{out_letters}->{free}{out_letters}",
                        output_shape=(None,) * (rank - 2) + tuple(out_units),
                        bias_axes=out_letters if self.use_bias else None,
                        name="attention_output", **common)
        o._maybe_build(tuple(q[:-1]) + (self.num_heads, self.value_dim))
        self._dense = [proj(self.key_dim, "query", q), proj(self.key_dim, "key", k),
                       proj(self.value_dim, "value", v), o]
        self._build_input_shape = q
        self.built = True

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        shapes = {k: config.pop(k, None) for k in ("query_shape", "value_shape", "key_shape")}
        config.pop("softmax_robust_masking", None)          # tf.keras
        layer = cls(**config)
        if shapes["query_shape"] is not None and shapes["value_shape"] is not None:
            layer.build_from_shapes_dict(shapes)            # tf.keras configs carry the shapes
        return layer

    @property
    def query_dense(self):
        return self._dense[0] if self._dense else None

    @property
    def key_dense(self):
        return self._dense[1] if self._dense else None

    @property
    def value_dense(self):
        return self._dense[2] if self._dense else None

    @property
    def output_dense(self):
        return self._dense[3] if self._dense else None

    # ------------------------------------------------------------------ shapes
    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        if isinstance(query_shape, list) and query_shape and isinstance(query_shape[0],
                                                                         (tuple, list)):
            query_shape = query_shape[0]
        q = tuple(query_shape)
        return q[:-1] + (self._output_shape or (q[-1],))

    def output_shape_for_call(self, shapes, call_slots=None, return_attention_scores=False, **_):
        q, v, k = self._shapes(shapes, call_slots)
        out = self.compute_output_shape(q)
        if return_attention_scores:
            return [out, (q[0], self.num_heads) + tuple(q[1:-1]) + tuple(v[1:-1])]
        return out

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, list):
            return mask[0]
        return mask

    # ----------------------------------------------------------------- compute
    def _attention_mask(self, named, masks, t, s, use_causal_mask):
        def pick(name):
            given = named.get(f"{name}_mask")
            return masks.get(name) if given is None else given
        return ops.combine_masks(t, s, pick("query"), pick("value"), pick("key"),
                                 named.get("attention_mask"), use_causal_mask,
                                 self.sliding_window)

    def forward(self, x, training=False, mask=None, call_slots=None, return_attention_scores=False,
                use_causal_mask=False, call_npos=None):
        if call_slots is None:
            call_slots = [["query", None], ["value", None], ["key", None]][:len(x)]
        named = group_slots(x, call_slots)
        masks = {} if mask is None else {
            name: m for m, (name, _) in zip(mask if isinstance(mask, list) else [mask], call_slots)
            if m is not None}
        query, value = named["query"], named["value"]
        key = named.get("key")
        dq_, dk_, dv_, do_ = self._dense
        Q, cq = dq_.forward(query)
        K, ck = dk_.forward(value if key is None else key)
        V, cv = dv_.forward(value)
        B, H = query.shape[0], self.num_heads
        mid_q = Q.shape[1:-2]
        t, s = int(np.prod(mid_q)), int(np.prod(K.shape[1:-2]))
        scale = np.asarray(1.0 / np.sqrt(float(self.key_dim)), Q.dtype)
        q4 = Q.reshape(B, t, H, self.key_dim).transpose(0, 2, 1, 3) * scale
        k4 = K.reshape(B, s, H, self.key_dim).transpose(0, 2, 1, 3)
        v4 = V.reshape(B, s, H, self.value_dim).transpose(0, 2, 1, 3)
        scores, s_cache = ops.dot_scores(q4, k4)
        amask = self._attention_mask(named, masks, t, s, use_causal_mask)
        # Keras zeroes fully masked rows only on its explicit-scores path (dropout or
        # returned scores); its fused dot_product_attention leaves them uniform.
        explicit = self.dropout > 0 or return_attention_scores
        w, sm_cache = ops.masked_softmax(scores, amask, mode="replace" if explicit else "fill")
        drop = None
        if training and self.dropout > 0:
            drop = core_ops.dropout_mask(self._rng or backend.rng(), w.shape, self.dropout, w.dtype)
        ctx, a_cache = ops.apply_weights(w, v4, drop)             # (B, H, T, dv)
        ctx = ctx.transpose(0, 2, 1, 3).reshape((B,) + mid_q + (H, self.value_dim))
        out, co = do_.forward(ctx)
        cache = (cq, ck, cv, co, s_cache, sm_cache, a_cache, scale, call_slots, key is None,
                 return_attention_scores, (B, t, s, mid_q))
        if return_attention_scores:
            return [out, w.reshape((B, H) + mid_q + K.shape[1:-2])], cache
        return out, cache

    def backward(self, cache, dy):
        (cq, ck, cv, co, s_cache, sm_cache, a_cache, scale, slots, no_key, with_scores,
         (B, t, s, mid_q)) = cache
        H = self.num_heads
        dout, dw_extra = (dy[0], dy[1]) if with_scores else (dy, None)
        dq_, dk_, dv_, do_ = self._dense
        dctx, g_o = do_.backward(co, dout)
        dctx = dctx.reshape(B, t, H, self.value_dim).transpose(0, 2, 1, 3)
        dw, dv4 = ops.apply_weights_backward(a_cache, dctx)
        if dw_extra is not None:
            dw = dw + dw_extra.reshape(dw.shape)
        ds = ops.masked_softmax_backward(sm_cache, dw)
        dq4, dk4, _ = ops.dot_scores_backward(s_cache, ds)
        dQ = (dq4 * scale).transpose(0, 2, 1, 3).reshape(_proj_out_shape(cq, H, self.key_dim))
        dK = dk4.transpose(0, 2, 1, 3).reshape(_proj_out_shape(ck, H, self.key_dim))
        dV = dv4.transpose(0, 2, 1, 3).reshape(_proj_out_shape(cv, H, self.value_dim))
        dquery, g_q = dq_.backward(cq, dQ)
        dkey, g_k = dk_.backward(ck, dK)
        dvalue, g_v = dv_.backward(cv, dV)
        if no_key:
            dvalue = dvalue + dkey
        per_name = {"query": dquery, "value": dvalue, "key": dkey}
        dx = [per_name.get(name) if index is None else None for name, index in slots]
        return dx, g_q + g_k + g_v + g_o

    def get_config(self):
        return {**super().get_config(), "num_heads": self.num_heads, "key_dim": self.key_dim,
                "value_dim": self.value_dim, "dropout": self.dropout, "use_bias": self.use_bias,
                "use_gate": False,
                "output_shape": None if self._output_shape is None else list(self._output_shape),
                "attention_axes": None if self.attention_axes is None else list(self.attention_axes),
                "sliding_window": self.sliding_window,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "kernel_constraint": regularizers.serialize_constraint(self.kernel_constraint),
                "bias_constraint": regularizers.serialize_constraint(self.bias_constraint),
                "seed": self.seed}


def _proj_out_shape(proj_cache, heads, units):
    x = proj_cache[0][1]       # EinsumDense cache: ((equation, x, w, has_bias, ndim), z, y)
    return x.shape[:-1] + (heads, units)
