"""``TextVectorization``: strings to token indices (or multi-hot / count / TF-IDF rows).

Standardise (``"lower_and_strip_punctuation"``, ``"lower"``, ``"strip_punctuation"``,
``None`` or a function of a NumPy array of ``str``), split (``"whitespace"``,
``"character"``, ``None`` or a function from a 1-D array of ``str`` to a list of token
lists), add n-grams, then look the tokens up in a :class:`StringLookup` whose mask token is
``""`` -- exactly Keras's pipeline, so ``adapt`` learns Keras's vocabulary in Keras's order.

Example
-------
>>> import numpy as np
>>> tv = TextVectorization(output_sequence_length=4)
>>> tv.adapt(["The cat sat.", "the dog sat!", "a cat"])
>>> tv.get_vocabulary()
['', '[UNK]', 'the', 'sat', 'cat', 'dog', 'a']
>>> tv(np.array(["the cat ran"])).tolist()
[[2, 4, 1, 0]]
"""
import numpy as np

from .. import backend
from ..kernels import text
from .base import register
from .preprocessing_categorical import _NoGradient
from .preprocessing_lookup import StringLookup

_STANDARDIZE = ("lower_and_strip_punctuation", "lower", "strip_punctuation")
_SPLIT = ("whitespace", "character")


def _check_choice(value, allowed, arg):
    if value is None or callable(value) or value in allowed:
        return value
    raise ValueError(f"Invalid value for argument `{arg}`. Expected one of {allowed}, None or a "
                     f"callable. Received: {arg}={value!r}")


def _function_config(fn):
    """A function in a config, as Keras writes it (found again by its registered name)."""
    if fn is None or isinstance(fn, str):
        return fn
    from ..custom_objects import get_registered_name
    name = get_registered_name(fn)
    return {"module": getattr(fn, "__module__", None), "class_name": "function",
            "config": name, "registered_name": name}


def _function_from_config(value, arg):
    if value is None or isinstance(value, str) or callable(value):
        return value
    from ..custom_objects import get_registered_object
    name = value.get("registered_name") or value.get("config") if isinstance(value, dict) else None
    fn = get_registered_object(name) if name else None
    if fn is None:
        raise ValueError(f"TextVectorization: cannot find the `{arg}` function {name!r}. Register "
                         "it with @register_keras_serializable() or pass it in custom_objects. "
                         f"Received: {arg}={value!r}")
    return fn


@register
class TextVectorization(_NoGradient):
    """Turn strings into sequences of token indices, or into per-string vectors."""

    input_dtype_kind = "string"

    def __init__(self, max_tokens=None, standardize="lower_and_strip_punctuation",
                 split="whitespace", ngrams=None, output_mode="int", output_sequence_length=None,
                 pad_to_max_tokens=False, vocabulary=None, idf_weights=None, sparse=False,
                 ragged=False, encoding="utf-8", name=None, **kwargs):
        has_input = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        vocabulary_size = kwargs.pop("vocabulary_size", None)
        super().__init__(name=name, **kwargs)
        if self.dtype == "string":          # tf_keras's configs say so; Keras 3 keeps floatx
            self.dtype = backend.floatx()
        self._sparse(sparse)
        if ragged:
            raise NotImplementedError(f"TextVectorization '{self.name}': ragged outputs are not "
                                      "supported by pipeseq (NumPy arrays are dense); use "
                                      "output_sequence_length. Received: ragged=True")
        self._standardize = _check_choice(standardize, _STANDARDIZE, "standardize")
        self._split = _check_choice(split, _SPLIT, "split")
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        if not (ngrams is None or isinstance(ngrams, int) or
                (isinstance(ngrams, (tuple, list)) and all(isinstance(i, int) for i in ngrams))):
            raise ValueError("`ngrams` must be None, an integer, or a tuple of integers. "
                             f"Received: ngrams={ngrams}")
        if output_mode == "int" and not (output_sequence_length is None or
                                         isinstance(output_sequence_length, int)):
            raise ValueError("`output_sequence_length` must be either None or an integer when "
                             f"`output_mode` is 'int'. Received: "
                             f"output_sequence_length={output_sequence_length}")
        if output_mode != "int" and output_sequence_length is not None:
            raise ValueError("`output_sequence_length` must not be set if `output_mode` is not "
                             f"'int'. Received output_sequence_length={output_sequence_length}.")
        self._ngrams_arg = tuple(ngrams) if isinstance(ngrams, list) else ngrams
        self._ngrams = tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else \
            self._ngrams_arg
        self._output_mode, self._output_sequence_length = output_mode, output_sequence_length
        self._encoding = encoding
        self._lookup_layer = StringLookup(
            max_tokens=max_tokens, vocabulary=vocabulary, idf_weights=idf_weights,
            pad_to_max_tokens=pad_to_max_tokens, mask_token="", output_mode=output_mode,
            has_input_vocabulary=has_input, encoding=encoding, vocabulary_size=vocabulary_size,
            name=f"{self.name}_lookup")

    def _keras_saveables(self):
        return [("_lookup_layer", self._lookup_layer)]

    # ------------------------------------------------------------ pipeline
    def _standardized(self, values):
        if self._standardize in ("lower", "lower_and_strip_punctuation"):
            values = text.lower(values)
        if self._standardize in ("strip_punctuation", "lower_and_strip_punctuation"):
            values = text.strip_punctuation(values)
        if callable(self._standardize):
            values = text.as_text(self._standardize(values), self._encoding)
        return values

    def _preprocess(self, data):
        """Standardised strings, then token lists (one per string) when splitting."""
        values = self._standardized(text.as_text(data, self._encoding))
        if self._split is None:
            return values
        if values.ndim > 1:
            if values.shape[-1] != 1:
                raise ValueError("When using `TextVectorization` to tokenize strings, the input "
                                 "rank must be 1 or the last shape dimension must be 1. "
                                 f"Received: inputs.shape={values.shape} with rank={values.ndim}")
            values = values[..., 0]
        values = values.reshape(-1)
        if self._split == "whitespace":
            rows = text.split_whitespace(values)
        elif self._split == "character":
            rows = text.split_characters(values)
        else:
            rows = [[str(t) for t in row] for row in self._split(values)]
        if self._ngrams is not None:
            rows = text.ngrams(rows, self._ngrams)
        return rows

    # --------------------------------------------------------------- adapt
    def adapt(self, data, batch_size=None, steps=None):
        """Learn the vocabulary from strings: an array, a list, or an iterable of batches."""
        self._lookup_layer.reset_state()
        if isinstance(data, (list, tuple, np.ndarray)) or not hasattr(data, "__iter__"):
            arr = text.as_text(data, self._encoding)
            self.update_state(arr[:, None] if arr.ndim == 1 else arr)
        else:
            for i, batch in enumerate(data):
                if steps is not None and i >= steps:
                    break
                self.update_state(batch[0] if isinstance(batch, tuple) else batch)
        self._lookup_layer.finalize_state()

    def update_state(self, data):
        lookup = self._lookup_layer
        if lookup._has_input_vocabulary:
            raise ValueError(f"Cannot adapt layer '{self.name}' after setting a static vocabulary "
                             "via `vocabulary` argument or `set_vocabulary()` method.")
        rows = self._preprocess(data)
        if isinstance(rows, np.ndarray):
            lookup.update_state(rows)
        else:
            lookup._update_rows(rows)

    def finalize_state(self):
        self._lookup_layer.finalize_state()

    def reset_state(self):
        self._lookup_layer.reset_state()

    def get_vocabulary(self, include_special_tokens=True):
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self):
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary, idf_weights=None):
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights=idf_weights)

    # ---------------------------------------------------------------- call
    def compute_output_shape(self, input_shape):
        if self._output_mode == "int":
            return (input_shape[0], self._output_sequence_length)
        if self._split is None:
            shape = tuple(input_shape) + ((1,) if len(input_shape) <= 1 else ())
        else:
            shape = tuple(input_shape) + (None,)
        return self._lookup_layer.compute_output_shape(shape)

    def forward(self, x, training=False):
        lookup = self._lookup_layer
        lookup._require_vocabulary()
        rows = self._preprocess(x)
        if isinstance(rows, np.ndarray):                 # split=None: one token per string
            ids = lookup.lookup(rows)
            if self._output_mode != "int":
                return lookup.encode(ids), None
            out = ids
        else:
            ids = [lookup.lookup(np.array(r, dtype=object)) if r else np.zeros(0, "int64")
                   for r in rows]
            if self._output_mode != "int":
                return lookup.encode(ids), None
            width = max([len(r) for r in ids] + [0])
            out = np.zeros((len(ids), width), "int64")
            for i, r in enumerate(ids):
                out[i, :len(r)] = r
        n = self._output_sequence_length
        if n is not None:
            out = out[..., :n]
            if out.shape[-1] < n:
                pad = [(0, 0)] * (out.ndim - 1) + [(0, n - out.shape[-1])]
                out = np.pad(out, pad)
        return out, None

    # ------------------------------------------------------------ config
    def get_config(self):
        lookup = self._lookup_layer
        listify = (lambda v: v.tolist() if isinstance(v, np.ndarray) else v)
        return {"name": self.name, "trainable": self.trainable, "dtype": self.dtype,
                "max_tokens": lookup.max_tokens,
                "standardize": _function_config(self._standardize),
                "split": _function_config(self._split),
                "ngrams": list(self._ngrams_arg) if isinstance(self._ngrams_arg, tuple)
                else self._ngrams_arg,
                "output_mode": self._output_mode,
                "output_sequence_length": self._output_sequence_length,
                "pad_to_max_tokens": lookup.pad_to_max_tokens, "sparse": False, "ragged": False,
                "vocabulary": listify(lookup.input_vocabulary),
                "idf_weights": listify(lookup.input_idf_weights), "encoding": self._encoding,
                "vocabulary_size": self.vocabulary_size()}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config.pop("trainable", None)
        for arg in ("standardize", "split"):
            config[arg] = _function_from_config(config.get(arg), arg)
        return cls(**config)

    def legacy_h5_config(self):
        config = self.get_config()
        inline = self._lookup_layer.legacy_h5_config()
        config["vocabulary"], config["idf_weights"] = inline["vocabulary"], inline["idf_weights"]
        return config

    def save_own_variables(self, store):
        self._lookup_layer.save_own_variables(store)

    def load_own_variables(self, store):
        self._lookup_layer.load_own_variables(store)

    def save_assets(self, dir_path):
        self._lookup_layer.save_assets(dir_path)

    def load_assets(self, dir_path):
        self._lookup_layer.load_assets(dir_path)
