"""``Embedding`` (integer indices -> dense vectors) and ``Masking`` (skip padded steps).

Example
-------
>>> import numpy as np
>>> emb = Embedding(input_dim=10, output_dim=3, mask_zero=True)
>>> x = np.array([[1, 2, 0, 0]])
>>> emb(x).shape
(1, 4, 3)
>>> emb.compute_mask(x)
array([[ True,  True, False, False]])
"""
import numpy as np

from .. import initializers, regularizers
from .base import Layer, register


@register
class Embedding(Layer):
    """Turn integer indices into dense vectors: ``y = embeddings[x]``.

    Input ``(batch, ...)`` of integers in ``[0, input_dim)``; output ``(batch, ..., output_dim)``.
    Weight ``embeddings (input_dim, output_dim)``, initialised ``uniform`` (U(-0.05, 0.05)).
    ``mask_zero=True`` makes index 0 padding: the layer emits a mask that recurrent
    layers downstream honour. ``input_length`` (Keras 1/2) declares the sequence length.

    Example
    -------
    >>> import numpy as np
    >>> Embedding(1000, 8, input_length=5)(np.zeros((2, 5), "int64")).shape
    (2, 5, 8)
    """

    input_dtype_kind = "int"

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, activity_regularizer=None, embeddings_constraint=None,
                 mask_zero=False, input_length=None, sparse=False, lora_rank=None,
                 quantization_config=None, weights=None, **kwargs):
        # ``input_dim`` is the vocabulary size here, not an input-shape shortcut.
        if input_length is not None and "input_shape" not in kwargs \
                and "batch_input_shape" not in kwargs and "batch_shape" not in kwargs:
            length = input_length if isinstance(input_length, (list, tuple)) else (input_length,)
            kwargs["input_shape"] = tuple(length)
        super().__init__(weights=weights, **kwargs)
        for arg, val in (("input_dim", input_dim), ("output_dim", output_dim)):
            if isinstance(val, bool) or not isinstance(val, (int, np.integer)) or val <= 0:
                raise ValueError(f"Embedding '{self.name}': `{arg}` must be a positive integer. "
                                 f"Received: {arg}={val!r}")
        self.input_dim = int(input_dim)
        self.output_dim = int(output_dim)
        self.input_length = input_length
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.embeddings_constraint = regularizers.get_constraint(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero

    def build(self, input_shape):
        self.embeddings = self.add_weight("embeddings", (self.input_dim, self.output_dim),
                                          self.embeddings_initializer,
                                          regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return np.asarray(inputs) != 0

    def _indices(self, x):
        x = np.asarray(x)
        if x.dtype.kind == "f":
            if x.size and not np.all(np.isfinite(x)):
                raise ValueError(f"Embedding '{self.name}': input indices must be finite integers.")
            idx = x.astype(np.int64)
        elif x.dtype.kind in "iub":
            idx = x.astype(np.int64, copy=False)
        else:
            raise TypeError(f"Embedding '{self.name}' expects integer indices. Received dtype "
                            f"{x.dtype}.")
        if idx.size:
            lo, hi = int(idx.min()), int(idx.max())
            if lo < 0 or hi >= self.input_dim:
                bad = lo if lo < 0 else hi
                pos = tuple(int(p) for p in np.argwhere(idx == bad)[0])
                raise ValueError(
                    f"Embedding '{self.name}': input indices must be in [0, {self.input_dim}) "
                    f"(input_dim={self.input_dim}), but index {bad} was found at position {pos} "
                    f"of an input of shape {idx.shape}.")
        return idx

    def forward(self, x, training=False):
        idx = self._indices(x)
        return np.take(self.embeddings.value, idx, axis=0), idx

    def backward(self, cache, dy):
        idx = cache
        flat = idx.reshape(-1)
        n = flat.size
        if not n:
            return None, [np.zeros_like(self.embeddings.value, dtype=dy.dtype)]
        # Scatter-add of the (n, D) output gradients into the (V, D) table, repeated
        # indices summed: one sparse product S @ dy with S (V, n) holding a single 1 per
        # column (row = the index). SciPy's C loop writes a fresh dense (V, D) result;
        # measured 0.26 ms vs 2.3 ms for sort + np.add.reduceat (V=20000, n=2560, D=128).
        from scipy.sparse import csc_matrix
        S = csc_matrix((np.ones(n, dtype=dy.dtype), flat, np.arange(n + 1)),
                       shape=(self.input_dim, n))
        dE = S @ dy.reshape(n, self.output_dim)
        return None, [np.asarray(dE)]

    def get_config(self):
        return {**super().get_config(), "input_dim": self.input_dim,
                "output_dim": self.output_dim,
                "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
                "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "embeddings_constraint": regularizers.serialize_constraint(self.embeddings_constraint),
                "mask_zero": self.mask_zero}

    def __repr__(self):
        return (f"<Embedding name={self.name}, input_dim={self.input_dim}, "
                f"output_dim={self.output_dim}, mask_zero={self.mask_zero}>")


@register
class Masking(Layer):
    """Mask time steps whose features all equal ``mask_value`` (default 0.0).

    Output: the input with masked steps set to zero; the mask ``(batch, timesteps)``
    goes to the layers downstream (recurrent layers skip those steps).

    Example
    -------
    >>> import numpy as np
    >>> x = np.array([[[1.0], [0.0], [2.0]]], "float32")
    >>> Masking()(x)[0, :, 0]
    array([1., 0., 2.], dtype=float32)
    >>> Masking().compute_mask(x)
    array([[ True, False,  True]])
    """

    supports_masking = True

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = float(mask_value)

    def compute_mask(self, inputs, mask=None):
        return np.any(np.asarray(inputs) != self.mask_value, axis=-1)

    def forward(self, x, training=False):
        keep = np.any(x != self.mask_value, axis=-1, keepdims=True).astype(x.dtype)
        return x * keep, keep

    def backward(self, cache, dy):
        return dy * cache, []

    def get_config(self):
        return {**super().get_config(), "mask_value": self.mask_value}
