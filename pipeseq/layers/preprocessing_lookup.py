"""Lookup and hashing layers: ``StringLookup``, ``IntegerLookup`` (vocabularies, see
:mod:`.preprocessing_index_lookup`), ``Hashing`` and ``HashedCrossing`` (the bins TensorFlow's
FarmHash / SipHash give for Keras).

Example
-------
>>> import numpy as np
>>> layer = StringLookup()
>>> layer.adapt(np.array(["b", "a", "b", "c"]))
>>> layer.get_vocabulary()
['[UNK]', 'b', 'c', 'a']
>>> layer(np.array([["a", "b", "zz"]])).tolist()
[[3, 1, 0]]
>>> IntegerLookup(vocabulary=[12, 36], output_mode="multi_hot")(np.array([[36, 7]])).tolist()
[[1, 0, 1]]
"""
import numpy as np

from ..kernels import hashing, text
from .base import register
from .preprocessing_categorical import _NoGradient
from .preprocessing_index_lookup import IndexLookup


@register
class StringLookup(IndexLookup):
    """Map strings to indices through a vocabulary (``invert=True``: indices to strings)."""

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token="[UNK]",
                 vocabulary=None, idf_weights=None, invert=False, output_mode="int",
                 pad_to_max_tokens=False, sparse=False, encoding="utf-8", name=None, salt=None,
                 **kwargs):
        self.encoding = encoding
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=mask_token, oov_token=oov_token, vocabulary=vocabulary,
                         idf_weights=idf_weights, invert=invert, output_mode=output_mode,
                         pad_to_max_tokens=pad_to_max_tokens, sparse=sparse, name=name,
                         salt=salt, **kwargs)

    def get_config(self):
        config = super().get_config()
        del config["vocabulary_dtype"]
        return {**config, "encoding": self.encoding}


@register
class IntegerLookup(IndexLookup):
    """Map integers to contiguous indices through a vocabulary (``invert=True``: back)."""

    vocabulary_dtype = "int64"

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1,
                 vocabulary=None, vocabulary_dtype="int64", idf_weights=None, invert=False,
                 output_mode="int", sparse=False, pad_to_max_tokens=False, oov_method="floormod",
                 salt=None, name=None, **kwargs):
        if vocabulary_dtype != "int64":
            raise ValueError("Only `vocabulary_dtype='int64'` is supported at this time. "
                             f"Received: vocabulary_dtype={vocabulary_dtype}")
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=None if mask_token is None else int(mask_token),
                         oov_token=None if oov_token is None else int(oov_token),
                         vocabulary=vocabulary, idf_weights=idf_weights, invert=invert,
                         output_mode=output_mode, sparse=sparse,
                         pad_to_max_tokens=pad_to_max_tokens, oov_method=oov_method, salt=salt,
                         name=name, **kwargs)

    def get_config(self):
        config = super().get_config()
        if config["vocabulary"] is not None:
            config["vocabulary"] = [int(v) for v in config["vocabulary"]]
        return config


def _salt(salt):
    if salt is None:
        return None
    if isinstance(salt, (tuple, list)) and len(salt) == 2:
        return [int(s) for s in salt]
    if isinstance(salt, (int, np.integer)):
        return [int(salt), int(salt)]
    raise ValueError("The `salt` argument for `Hashing` can only be a tuple of size 2 integers, "
                     f"or a single integer. Received: salt={salt}.")


@register
class Hashing(_NoGradient):
    """Hash strings or integers into ``num_bins`` bins (FarmHash; SipHash with a ``salt``)."""

    input_dtype_kind = "string"

    def __init__(self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False,
                 **kwargs):
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == "int" else "float32"
        super().__init__(**kwargs)
        if num_bins is None or num_bins <= 0:
            raise ValueError("The `num_bins` for `Hashing` cannot be `None` or non-positive "
                             f"values. Received: num_bins={num_bins}.")
        if output_mode == "int" and self.dtype not in ("int32", "int64"):
            raise ValueError("When `output_mode=\"int\"`, `dtype` should be an integer type, "
                             f"'int32' or 'in64'. Received: dtype={self.dtype}")
        modes = ("int", "one_hot", "multi_hot", "count")
        if output_mode not in modes:
            raise ValueError(f"Invalid value for argument `output_mode`. Expected one of {modes}. "
                             f"Received: output_mode={output_mode}")
        self._sparse(sparse)
        self.num_bins, self.mask_value, self.output_mode = int(num_bins), mask_value, output_mode
        self.salt = _salt(salt)
        self.strong_hash = self.salt is not None

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return tuple(input_shape)
        return tuple(input_shape[:-1]) + (self.num_bins,) if len(input_shape) else \
            (self.num_bins,)

    def hash_values(self, values):
        """The bin of every value of ``values`` (strings, integers or floats), as ``int64``."""
        values = np.asarray(values)
        bins, mask = self.num_bins, None
        if self.mask_value is not None and bins > 1:
            bins -= 1
            mask = values == self.mask_value
        if values.dtype.kind == "f":
            values = values.astype("int64")
        elif values.dtype.kind not in "iubOUS":
            raise TypeError(f"Hashing '{self.name}' expects strings or numbers. Received dtype "
                            f"{values.dtype}.")
        strings = hashing.as_string(values)
        out = hashing.hash_bucket_strong(strings, bins, self.salt) if self.strong_hash else \
            hashing.hash_bucket_fast(strings, bins)
        if mask is not None:
            out = np.where(mask, 0, out + 1)
        return out

    def forward(self, x, training=False):
        ids = self.hash_values(x)
        if self.output_mode == "int":
            return ids.astype(self.dtype), None
        return text.encode_dense(ids, self.num_bins, self.output_mode, self.dtype), None

    def get_config(self):
        return {**super().get_config(), "num_bins": self.num_bins, "salt": self.salt,
                "mask_value": self.mask_value, "output_mode": self.output_mode, "sparse": False}


@register
class HashedCrossing(_NoGradient):
    """Cross two or more categorical features (strings or integers) by hashing the tuple of
    their values into ``num_bins`` bins (``tf.sparse.cross_hashed``)."""

    input_dtype_kind = "string"

    def __init__(self, num_bins, output_mode="int", sparse=False, name=None, dtype=None,
                 **kwargs):
        if output_mode == "int" and dtype is None:
            dtype = "int64"
        super().__init__(name=name, dtype=dtype, **kwargs)
        self._sparse(sparse)
        if output_mode not in ("int", "one_hot"):
            raise ValueError("Invalid value for argument `output_mode`. Expected one of "
                             f"('int', 'one_hot'). Received: output_mode={output_mode!r}")
        self.num_bins, self.output_mode = int(num_bins), output_mode

    def compute_output_shape(self, input_shape):
        if not isinstance(input_shape, list) or len(input_shape) < 2:
            raise ValueError("Expected as input a list/tuple of 2 tensors. Received "
                             f"input_shape={input_shape}")
        first = tuple(input_shape[0])
        if self.output_mode == "int":
            return first
        if first and first[-1] != 1:
            return first + (self.num_bins,)
        return first[:-1] + (self.num_bins,)

    def forward(self, x, training=False):
        if not isinstance(x, list):
            raise ValueError("`HashedCrossing` should be called on a list or tuple of inputs. "
                             f"Received: inputs of shape {np.shape(x)}")
        if len(x) < 2:
            raise ValueError("`HashedCrossing` should be called on at least two inputs. "
                             f"Received: {len(x)} input(s)")
        xs = [np.asarray(a) for a in x]
        shape = xs[0].shape
        if len(shape) > 2 or (len(shape) == 2 and shape[-1] != 1):
            raise ValueError("All `HashedCrossing` inputs should have shape `()`, `(batch_size)` "
                             f"or `(batch_size, 1)`. Received: shapes {[a.shape for a in xs]}")
        if any(a.shape != shape for a in xs[1:]):
            raise ValueError("All `HashedCrossing` inputs should have equal shape. Received: "
                             f"shapes {[a.shape for a in xs]}")
        if any(a.dtype.kind not in "iuOUS" for a in xs):
            raise ValueError("All `HashedCrossing` inputs should have an integer or string dtype. "
                             f"Received: dtypes {[str(a.dtype) for a in xs]}")
        cols = [text.as_text(a) if a.dtype.kind in "OUS" else a.astype("int64") for a in xs]
        ids = hashing.cross_hashed(cols, self.num_bins).reshape(shape)
        if self.output_mode == "int":
            return ids.astype(self.dtype), None
        return text.encode_dense(ids, self.num_bins, "one_hot", self.dtype), None

    def get_config(self):
        return {"num_bins": self.num_bins, "output_mode": self.output_mode, "sparse": False,
                "name": self.name, "dtype": self.dtype}
