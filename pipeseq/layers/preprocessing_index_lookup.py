"""``IndexLookup``: the vocabulary machinery of ``StringLookup`` and ``IntegerLookup``.

A vocabulary comes from ``adapt`` (tokens by frequency, ties by token, descending, as
Keras orders them), from ``vocabulary=`` (a list, an array or a text file with one token a
line) or from :meth:`IndexLookup.set_vocabulary`. Index 0 is the mask token when one is
set (``output_mode="int"``), then ``num_oov_indices`` out-of-vocabulary buckets (several
buckets: FarmHash of the string, or ``value % n`` for integers, as Keras), then the tokens.
Outputs: ``"int"`` indices, or ``"one_hot"``, ``"multi_hot"``, ``"count"``, ``"tf_idf"``
rows; ``invert=True`` maps indices back to tokens.

Saved as Keras saves them: the adapted vocabulary goes to ``assets/.../vocabulary.txt``
in a ``.keras`` file (the IDF weights to the ``idf_weights`` variable), and into the
layer's config in a legacy ``.h5`` file.
"""
import collections
import os

import numpy as np

from ..kernels import hashing, text
from .preprocessing_categorical import _NoGradient

_INT64_MAX = np.iinfo("int64").max
_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


class IndexLookup(_NoGradient):
    """The shared base of :class:`StringLookup` and :class:`IntegerLookup`."""

    vocabulary_dtype = "string"

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=None,
                 vocabulary=None, idf_weights=None, invert=False, output_mode="int",
                 sparse=False, pad_to_max_tokens=False, oov_method="floormod", salt=None,
                 **kwargs):
        frozen = kwargs.pop("vocabulary_size", None)
        has_input = kwargs.pop("has_input_vocabulary", None)
        kwargs.pop("vocabulary_dtype", None)
        kwargs.pop("dtype", None)              # Keras ignores it (tf_keras writes int64 here)
        super().__init__(**kwargs)
        self._sparse(sparse)
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError("If set, `max_tokens` must be greater than 1. "
                             f"Received: max_tokens={max_tokens}")
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError("If pad_to_max_tokens is True, must set `max_tokens`. "
                             f"Received: max_tokens={max_tokens}")
        if num_oov_indices < 0:
            raise ValueError("`num_oov_indices` must be greater than or equal to 0. "
                             f"Received: num_oov_indices={num_oov_indices}")
        if oov_method not in ("floormod", "farmhash"):
            raise ValueError("Invalid value for argument `oov_method`. Expected one of "
                             f"('floormod', 'farmhash'). Received: oov_method={oov_method!r}")
        if salt is not None:
            if self.vocabulary_dtype != "string" and oov_method != "farmhash":
                raise ValueError("`salt` can only be used when `oov_method='farmhash'`. "
                                 f"Received: oov_method={oov_method}")
            if isinstance(salt, (tuple, list)) and len(salt) == 2:
                salt = [int(s) for s in salt]
            elif isinstance(salt, (int, np.integer)):
                salt = [int(salt), int(salt)]
            else:
                raise ValueError("The `salt` argument for `IndexLookup` can only be a tuple of 2 "
                                 f"integers, or a single integer. Received: salt={salt}.")
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        if output_mode not in _MODES:
            raise ValueError(f"Invalid value for argument `output_mode`. Expected one of {_MODES}."
                             f" Received: output_mode={output_mode!r}")
        if invert and output_mode != "int":
            raise ValueError("`output_mode` must be `'int'` when `invert` is true. "
                             f"Received: output_mode={output_mode}")
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError("`idf_weights` should only be set if `output_mode` is `'tf_idf'`. "
                             f"Received: idf_weights={idf_weights} and output_mode={output_mode}")
        self.invert, self.max_tokens, self.num_oov_indices = bool(invert), max_tokens, \
            int(num_oov_indices)
        self.mask_token, self.oov_token, self.output_mode = mask_token, oov_token, output_mode
        self.pad_to_max_tokens, self.oov_method, self.salt = bool(pad_to_max_tokens), \
            oov_method, salt
        self._frozen_vocab_size = frozen
        self.input_vocabulary = vocabulary if not isinstance(vocabulary, str) else None
        self.input_idf_weights = idf_weights
        self._has_input_vocabulary = (vocabulary is not None) if has_input is None else \
            bool(has_input)
        self._tokens, self._index, self.idf_weights = None, {}, None
        if output_mode == "tf_idf" and self._has_input_vocabulary and idf_weights is None:
            raise ValueError("When specifying the `vocabulary` argument, in TF-IDF output mode, "
                             "the `idf_weights` argument must also be provided.")
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)
        self.reset_state()

    @property
    def input_dtype_kind(self):
        return "int" if self.invert or self.vocabulary_dtype != "string" else "string"

    # ----------------------------------------------------------- indices
    def _oov_start_index(self):
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self):
        return self._oov_start_index() + self.num_oov_indices

    def vocabulary_size(self):
        """The vocabulary's size, mask and OOV indices included."""
        return len(self._tokens or ()) + self._token_start_index()

    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary; index ``i`` of the list is the token that maps to ``i``."""
        vocab = [self.oov_token] * self._token_start_index() + list(self._tokens or ())
        if self.mask_token is not None and self.output_mode == "int":
            vocab[0] = self.mask_token
        return vocab if include_special_tokens else vocab[self._token_start_index():]

    def _convert_tokens(self, values):
        if self.vocabulary_dtype == "string":
            return text.as_text(values, getattr(self, "encoding", "utf-8"))
        arr = np.asarray(values)
        if arr.dtype.kind not in "iub":
            raise TypeError(f"{type(self).__name__} '{self.name}' expects integer tokens. "
                            f"Received dtype {arr.dtype}.")
        return arr.astype("int64")

    # --------------------------------------------------------- vocabulary
    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Set the vocabulary (a list, an array or a file path) and, for ``tf_idf``, its
        IDF weights, replacing any vocabulary the layer had."""
        if self.output_mode == "tf_idf" and idf_weights is None:
            raise ValueError("`idf_weights` must be set if output_mode is 'tf_idf'.")
        if self.output_mode != "tf_idf" and idf_weights is not None:
            raise ValueError("`idf_weights` should only be set if output_mode is `'tf_idf'`. "
                             f"Received: output_mode={self.output_mode} and "
                             f"idf_weights={idf_weights}")
        from_file = isinstance(vocabulary, str)
        if from_file:
            if not os.path.isfile(vocabulary):
                raise ValueError(f"Vocabulary file {vocabulary} does not exist.")
            if self.output_mode == "tf_idf":
                raise ValueError("output_mode `'tf_idf'` does not support loading a vocabulary "
                                 "from file.")
            with open(vocabulary, encoding="utf-8") as f:
                lines = f.read().splitlines()
            vocabulary = lines if self.vocabulary_dtype == "string" else [int(v) for v in lines]
        vocabulary = list(self._convert_tokens(np.asarray(vocabulary, dtype=object
                                                          if self.vocabulary_dtype == "string"
                                                          else None).ravel()))
        if not vocabulary:
            raise ValueError(f"Cannot set an empty vocabulary. Received: vocabulary={vocabulary}")
        token_start = self._token_start_index()
        special = [self.mask_token] * self._oov_start_index() + \
            [self.oov_token] * self.num_oov_indices
        found_special = not from_file and vocabulary[:token_start] == special
        tokens = vocabulary[token_start:] if found_special else vocabulary
        seen = set(tokens)
        repeated = [t for t, n in collections.Counter(tokens).items() if n > 1]
        if repeated:
            raise ValueError("The passed vocabulary has at least one repeated term. Please "
                             f"uniquify your dataset. The repeated terms are: {repeated}")
        for token, what in ((self.mask_token, "mask_token"),
                            (self.oov_token if self.invert else None, "oov_token")):
            if token is not None and token in seen:
                raise ValueError(
                    f"Found reserved {'mask' if what == 'mask_token' else 'OOV'} token at "
                    "unexpected location in `vocabulary`. Note that passed `vocabulary` does not "
                    "need to include the OOV and mask tokens. Either remove all mask and OOV "
                    "tokens, or include them only at the start of the vocabulary in precisely "
                    f"this order: {special}. Received: {what}={token}")
        if self.max_tokens is not None and token_start + len(tokens) > self.max_tokens:
            raise ValueError("Attempted to set a vocabulary larger than the maximum vocab size. "
                             f"Received vocabulary size is {token_start + len(tokens)}; "
                             f"`max_tokens` is {self.max_tokens}.")
        weights = None
        if self.output_mode == "tf_idf":
            idf = np.asarray(idf_weights, "float64")
            if idf.ndim != 1:
                raise ValueError("TF-IDF data must be a 1-index array. "
                                 f"Received: idf_weights of shape {idf.shape}")
            if len(idf) != len(vocabulary):
                raise ValueError("`idf_weights` must be the same length as vocabulary. "
                                 f"len(idf_weights) is {len(idf)}; len(vocabulary) is "
                                 f"{len(vocabulary)}")
            front = 0 if found_special else token_start
            back = self.max_tokens - front - len(idf) if self.pad_to_max_tokens else 0
            weights = np.pad(idf, (front, back), constant_values=(
                0 if found_special else np.average(idf), 0)).astype("float32")
        self._set_tokens(tokens, weights)

    def _set_tokens(self, tokens, idf_weights=None):
        size = self._token_start_index() + len(tokens)
        if self.output_mode != "int" and not self.pad_to_max_tokens and \
                self._frozen_vocab_size is not None and self._frozen_vocab_size != size and \
                self.built:
            raise RuntimeError(f"When using `output_mode={self.output_mode}` and "
                               "`pad_to_max_tokens=False`, the vocabulary size cannot be changed "
                               f"after the layer is called. Old vocab size is "
                               f"{self._frozen_vocab_size}, new vocab size is {size}")
        start = self._token_start_index()
        self._tokens = [str(t) if isinstance(t, str) else int(t) for t in tokens]
        self._index = {t: start + i for i, t in enumerate(self._tokens)}
        if idf_weights is not None:
            self.idf_weights = np.asarray(idf_weights, "float32")
        self._frozen_vocab_size = size

    # -------------------------------------------------------------- adapt
    def reset_state(self):
        self._counts, self._doc_counts, self._num_documents = {}, {}, 0

    def adapt(self, data, steps=None):
        """Learn the vocabulary (and IDF weights) from an array, a list, or an iterable of
        batches (a generator, a Sequence); at most ``steps`` batches."""
        self.reset_state()
        if isinstance(data, (list, tuple, np.ndarray)) or not hasattr(data, "__iter__"):
            arr = self._convert_tokens(data)
            self.update_state(arr[:, None] if arr.ndim == 1 else arr)
        else:
            for i, batch in enumerate(data):
                if steps is not None and i >= steps:
                    break
                self.update_state(batch[0] if isinstance(batch, tuple) else batch)
        self.finalize_state()

    def update_state(self, data):
        if self._has_input_vocabulary:
            raise ValueError(f"Cannot adapt layer '{self.name}' after setting a static vocabulary "
                             "via `vocabulary` argument or `set_vocabulary()` method.")
        arr = self._convert_tokens(data)
        if arr.ndim <= 1:
            arr = arr.reshape(1, -1)
        self._update_rows(list(arr.reshape(arr.shape[0], -1)))

    def _update_rows(self, rows):
        counts, docs = self._counts, self._doc_counts
        for row in rows:
            for t in row:
                counts[t] = counts.get(t, 0) + 1
            if self.output_mode == "tf_idf":
                for t in set(row):
                    docs[t] = docs.get(t, 0) + 1
        self._num_documents += len(rows)

    def finalize_state(self):
        if self._has_input_vocabulary or not self._counts:
            return
        counts = dict(self._counts)
        for special in (self.mask_token, self.oov_token):
            counts.pop(special, None)
        start = self._token_start_index()
        tokens = text.ordered_vocabulary(
            counts, self.max_tokens - start if self.max_tokens else None)
        weights = None
        if self.output_mode == "tf_idf":
            idf = text.inverse_document_frequency([self._doc_counts[t] for t in tokens],
                                                  self._num_documents).astype("float32")
            back = self.max_tokens - start - len(idf) if self.pad_to_max_tokens else 0
            weights = np.pad(idf, (start, back), constant_values=(np.mean(idf), 0))
        self._set_tokens(tokens, weights)
        self.reset_state()

    # --------------------------------------------------------------- call
    def _depth(self):
        return self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return tuple(input_shape)
        return text.encoded_shape(tuple(input_shape), self.output_mode, self._depth())

    def _oov_buckets(self, values):
        n = self.num_oov_indices
        if self.vocabulary_dtype != "string" and self.oov_method != "farmhash":
            return np.mod(values.astype("int64"), n)
        strings = hashing.as_string(values)
        if self.salt is not None:
            return hashing.hash_bucket_strong(strings, n, self.salt)
        return hashing.hash_bucket_fast(strings, n)

    def lookup(self, values):
        """Indices of the tokens of ``values`` (any shape), masking and OOV handled."""
        flat = values.ravel()
        if flat.size == 0:
            return np.zeros(values.shape, "int64")
        uniq, inverse = np.unique(flat, return_inverse=True)
        ids = np.fromiter((self._index.get(u, -1) for u in uniq), "int64", len(uniq))
        if self.mask_token is not None:
            ids[uniq == self.mask_token] = -2
        missing = ids == -1
        if missing.any():
            if self.num_oov_indices == 0:
                raise ValueError("When `num_oov_indices=0` all inputs should be in vocabulary, "
                                 f"found OOV values {list(uniq[missing][:10])}, consider setting "
                                 "`num_oov_indices=1`.")
            if self.num_oov_indices == 1:
                ids[missing] = self._oov_start_index()
            else:
                ids[missing] = self._oov_buckets(uniq[missing]) + self._oov_start_index()
        ids[ids == -2] = 0 if self.output_mode == "int" else _INT64_MAX
        return ids[inverse.reshape(-1)].reshape(values.shape)

    def invert_lookup(self, indices):
        vocab = self.get_vocabulary()
        dtype = object if self.vocabulary_dtype == "string" else "int64"
        table = np.array(vocab + [self.oov_token], dtype=dtype)
        idx = np.asarray(indices, "int64")
        idx = np.where((idx < 0) | (idx >= len(vocab)), len(vocab), idx)
        if self.mask_token is not None:
            table[0] = self.mask_token
        out = table[idx]
        return out.astype(str) if dtype is object else out

    def _require_vocabulary(self):
        if self.output_mode != "int" and not self.pad_to_max_tokens and \
                self._frozen_vocab_size is None:
            raise RuntimeError(f"When using `output_mode={self.output_mode}` and "
                               "`pad_to_max_tokens=False`, you must set the layer's vocabulary "
                               "before calling it. Either pass a `vocabulary` argument to the "
                               "layer, or call `adapt` with some sample data.")

    def encode(self, ids):
        """The output of the layer for the looked-up ``ids``: a dense array, or a list of
        ragged rows of ids (TextVectorization's token lists)."""
        if self.output_mode == "int":
            return ids
        depth = self._depth()
        mode = "count" if self.output_mode == "tf_idf" else self.output_mode
        if isinstance(ids, list):
            out = text.encode_rows(ids, depth, mode)
        else:
            out = text.encode_dense(ids, depth, mode)
        if self.output_mode != "tf_idf":
            return out.astype("int64")                  # Keras 3 answers int64 here
        if self.idf_weights is None:
            raise ValueError("When `output_mode` is `'tf_idf'`, `idf_weights` must be provided.")
        return (out * self.idf_weights[:depth]).astype("float32")

    def forward(self, x, training=False):
        self._require_vocabulary()
        if self.invert:
            return self.invert_lookup(x), None
        values = self._convert_tokens(x)
        scalar = values.ndim == 0
        ids = self.lookup(values.reshape(1) if scalar else values)
        if self.output_mode == "int":
            return (ids[0] if scalar else ids), None
        return self.encode(ids), None

    # ----------------------------------------------------------- config
    def keras_build_config(self):
        return {}                       # what Keras writes for the lookup layers

    def get_config(self):
        def listify(v):
            return v.tolist() if isinstance(v, np.ndarray) else v
        return {"name": self.name, "trainable": self.trainable, "dtype": self.dtype,
                "invert": self.invert, "max_tokens": self.max_tokens,
                "num_oov_indices": self.num_oov_indices, "oov_token": self.oov_token,
                "mask_token": self.mask_token, "output_mode": self.output_mode,
                "sparse": False, "pad_to_max_tokens": self.pad_to_max_tokens,
                "vocabulary_dtype": "string" if self.vocabulary_dtype == "string" else "int64",
                "idf_weights": listify(self.input_idf_weights),
                "vocabulary": listify(self.input_vocabulary),
                "vocabulary_size": self._frozen_vocab_size, "oov_method": self.oov_method,
                "salt": self.salt}

    def legacy_h5_config(self):
        """The config a legacy ``.h5`` file stores: the vocabulary (and IDF weights) inline,
        since that format has no assets."""
        config = self.get_config()
        if self.input_vocabulary is None and self._tokens:
            config["vocabulary"] = self.get_vocabulary()
            if self.output_mode == "tf_idf":
                config["idf_weights"] = self.idf_weights[:self.vocabulary_size()].tolist()
        return config

    # ------------------------------------- Keras 3 saving: variables and assets
    def save_own_variables(self, store):
        if self.output_mode == "tf_idf" and self.idf_weights is not None:
            store["idf_weights"] = self.idf_weights

    def load_own_variables(self, store):
        if self.output_mode == "tf_idf" and "idf_weights" in store:
            self.idf_weights = np.asarray(store["idf_weights"], "float32")

    def save_assets(self, dir_path):
        if self.input_vocabulary is not None:
            return
        with open(os.path.join(dir_path, "vocabulary.txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(str(w) for w in self.get_vocabulary()))

    def load_assets(self, dir_path):
        if self.input_vocabulary is not None:
            return
        with open(os.path.join(dir_path, "vocabulary.txt"), encoding="utf-8") as f:
            lines = f.read().splitlines()
        while lines and lines[-1] == "":
            lines.pop()
        values = lines if self.vocabulary_dtype == "string" else [int(v) for v in lines]
        idf = self.idf_weights
        if self.output_mode == "tf_idf":
            if idf is None:
                raise ValueError(f"{type(self).__name__} '{self.name}': the file has a "
                                 "vocabulary but no `idf_weights` for output_mode='tf_idf'.")
            self.set_vocabulary(values, idf_weights=idf[:len(values)])
            self.idf_weights = idf
        else:
            self.set_vocabulary(values)

