"""``ReversibleEmbedding``: Keras 3's embedding that can also run backwards, from vectors to
logits over the vocabulary (the tied input/output embedding of language models).

``layer(ids)`` is ``Embedding``; ``layer(h, reverse=True)`` is ``h @ embeddings.T``
(``tie_weights=True``, the default) or ``h @ reverse_embeddings`` (a separate
``(output_dim, input_dim)`` weight, ``tie_weights=False``), capped as
``tanh(logits / c) * c`` with ``logit_soft_cap=c``, and computed in ``reverse_dtype``
when given. Weights, as Keras: ``embeddings`` then ``reverse_embeddings``.

Example
-------
>>> import numpy as np
>>> emb = ReversibleEmbedding(input_dim=10, output_dim=4)
>>> h = emb(np.array([[1, 2, 3]]))
>>> h.shape, emb(h, reverse=True).shape
((1, 3, 4), (1, 3, 10))
"""
import numpy as np

from .base import register
from .embedding import Embedding


@register
class ReversibleEmbedding(Embedding):
    """An ``Embedding`` that also maps vectors back to vocabulary logits (see the module
    docstring)."""

    def __init__(self, input_dim, output_dim, tie_weights=True, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False,
                 reverse_dtype=None, logit_soft_cap=None, **kwargs):
        super().__init__(input_dim, output_dim, embeddings_initializer=embeddings_initializer,
                         embeddings_regularizer=embeddings_regularizer,
                         embeddings_constraint=embeddings_constraint, mask_zero=mask_zero,
                         **kwargs)
        self.tie_weights = bool(tie_weights)
        if reverse_dtype is not None:
            try:
                kind = np.dtype(reverse_dtype).kind
            except TypeError:
                kind = None
            if kind != "f":
                raise ValueError(f"ReversibleEmbedding '{self.name}': `reverse_dtype` must be a "
                                 "floating-point dtype NumPy has (float16, float32, float64). "
                                 f"Received: reverse_dtype={reverse_dtype!r}")
        self.reverse_dtype = reverse_dtype
        if logit_soft_cap is not None and not float(logit_soft_cap) > 0:
            raise ValueError(f"ReversibleEmbedding '{self.name}': `logit_soft_cap` must be a "
                             f"positive number or None. Received: logit_soft_cap={logit_soft_cap!r}")
        self.logit_soft_cap = logit_soft_cap
        self._reverse_call = False

    def build(self, input_shape):
        super().build(input_shape)
        if not self.tie_weights:
            self.reverse_embeddings = self.add_weight("reverse_embeddings",
                                                      (self.output_dim, self.input_dim),
                                                      self.embeddings_initializer)

    def compute_output_shape(self, input_shape, reverse=False):
        if reverse:
            return tuple(input_shape[:-1]) + (self.input_dim,)
        return super().compute_output_shape(input_shape)

    def output_shape_for_call(self, shapes, reverse=False, **_):
        return self.compute_output_shape(shapes, reverse=reverse)

    def compute_mask(self, inputs, mask=None):
        # A reverse call maps vectors to logits: no mask (the call just run is the one asked).
        return None if self._reverse_call else super().compute_mask(inputs, mask)

    def _reverse_kernel(self):
        return self.embeddings.value.T if self.tie_weights else self.reverse_embeddings.value

    def forward(self, x, training=False, reverse=False):
        self._reverse_call = bool(reverse)
        if not reverse:
            y, idx = super().forward(x, training=training)
            return y, ("embed", idx)
        dtype = np.dtype(self.reverse_dtype or self.dtype)
        x = np.asarray(x)
        if x.dtype.kind not in "biuf":
            raise TypeError(f"ReversibleEmbedding '{self.name}': a reverse call expects numeric "
                            f"vectors. Received dtype {x.dtype}.")
        if x.ndim < 1 or x.shape[-1] != self.output_dim:
            raise ValueError(f"ReversibleEmbedding '{self.name}': a reverse call expects vectors "
                             f"of size output_dim={self.output_dim} on the last axis. Received "
                             f"shape {x.shape}.")
        x = x.astype(dtype, copy=False)
        kernel = self._reverse_kernel().astype(dtype, copy=False)
        logits = x @ kernel
        capped = None
        if self.logit_soft_cap is not None:
            cap = np.asarray(self.logit_soft_cap, dtype)
            capped = np.tanh(logits / cap)
            logits = capped * cap
        return logits, ("reverse", x, kernel, capped)

    def backward(self, cache, dy):
        if cache[0] == "embed":
            dx, grads = super().backward(cache[1], dy)
            if not self.tie_weights:
                grads = grads + [np.zeros_like(self.reverse_embeddings.value, dtype=dy.dtype)]
            return dx, grads
        _, x, kernel, capped = cache
        if capped is not None:
            dy = dy * (1 - capped * capped)
        dx = dy @ kernel.T
        dk = x.reshape(-1, x.shape[-1]).T @ dy.reshape(-1, dy.shape[-1])    # (output_dim, V)
        if self.tie_weights:
            return dx, [dk.T.astype(self.embeddings.dtype, copy=False)]
        return dx, [np.zeros_like(self.embeddings.value),
                    dk.astype(self.reverse_embeddings.dtype, copy=False)]

    def get_config(self):
        return {**super().get_config(), "tie_weights": self.tie_weights,
                "reverse_dtype": self.reverse_dtype, "logit_soft_cap": self.logit_soft_cap}

    def __repr__(self):
        return (f"<ReversibleEmbedding name={self.name}, input_dim={self.input_dim}, "
                f"output_dim={self.output_dim}, tie_weights={self.tie_weights}>")
