"""String kernels of the lookup and text layers: as TensorFlow computes them for Keras.

* :func:`as_text` -- any array-like of ``str``/``bytes`` to an object array of ``str``;
* :func:`lower` / :func:`strip_punctuation` -- ``tf.strings.lower`` (ASCII letters only)
  and Keras's punctuation regex;
* :func:`split_whitespace` / :func:`split_characters` / :func:`ngrams` -- token lists as
  ``tf.strings.split``, ``tf.strings.unicode_split`` and ``tf.strings.ngrams`` make them;
* :func:`ordered_vocabulary` -- Keras's ``adapt`` order: count descending, ties broken by
  the token, descending (``np.lexsort((tokens, counts))[::-1]``);
* :func:`inverse_document_frequency` and :func:`encode_rows` (multi-hot / count rows that
  drop indices outside ``[0, depth)``, as ``tf.math.bincount`` does for masked tokens).

Example
-------
>>> import numpy as np
>>> split_whitespace(strip_punctuation(lower(np.array(["The cat, SAT."]))))
[['the', 'cat', 'sat']]
>>> ordered_vocabulary({"the": 2, "sat": 2, "cat": 2, "a": 1, "dog": 1})
['the', 'sat', 'cat', 'dog', 'a']
>>> ngrams([["a", "b", "c"]], (1, 2))
[['a', 'b', 'c', 'a b', 'b c']]
"""
import re

import numpy as np

# keras/src/layers/preprocessing/text_vectorization.py: DEFAULT_STRIP_REGEX
PUNCTUATION = re.compile(r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']')
_WHITESPACE = re.compile(r"[ \t\n\v\f\r]+")           # absl::ascii_isspace
_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


def _decode(value, encoding="utf-8"):
    if isinstance(value, (bytes, np.bytes_)):
        return bytes(value).decode(encoding)
    if isinstance(value, (str, np.str_)):
        return str(value)
    raise TypeError(f"Expected strings (str or bytes). Received: {value!r} of type "
                    f"{type(value).__name__}")


def as_text(x, encoding="utf-8"):
    """An object array of Python ``str`` with the shape of ``x`` (bytes are decoded)."""
    arr = np.asarray(x, dtype=object)
    if arr.dtype.kind != "O":
        arr = arr.astype(object)
    flat = [_decode(v, encoding) for v in arr.ravel()]
    out = np.empty(len(flat), dtype=object)
    out[:] = flat
    return out.reshape(arr.shape)


def _map(fn, arr):
    out = np.empty(arr.size, dtype=object)
    out[:] = [fn(s) for s in arr.ravel()]
    return out.reshape(arr.shape)


def lower(arr):
    """Lower-case ASCII letters only (``tf.strings.lower`` with its default encoding)."""
    return _map(lambda s: s.translate(_ASCII_LOWER), np.asarray(arr, dtype=object))


def strip_punctuation(arr):
    return _map(lambda s: PUNCTUATION.sub("", s), np.asarray(arr, dtype=object))


def split_whitespace(arr):
    """One token list per string of the 1-D ``arr`` (runs of ASCII whitespace separate)."""
    return [[t for t in _WHITESPACE.split(s) if t] for s in np.asarray(arr, dtype=object).ravel()]


def split_characters(arr):
    """One list of Unicode characters per string of the 1-D ``arr``."""
    return [list(s) for s in np.asarray(arr, dtype=object).ravel()]


def ngrams(rows, widths, separator=" "):
    """For each token list: every n-gram of each width in ``widths``, width by width."""
    out = []
    for tokens in rows:
        grams = []
        for n in widths:
            grams.extend(separator.join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
        out.append(grams)
    return out


def ordered_vocabulary(counts, max_learned=None):
    """Tokens by count, descending; equal counts by token, descending (Keras's lexsort)."""
    tokens = list(counts)
    if not tokens:
        return []
    keys = np.array(tokens, dtype=object)
    if all(isinstance(t, str) for t in tokens):
        # TF compares the UTF-8 bytes: sort those, not Python's code points.
        keys = np.array([t.encode("utf-8") for t in tokens])
    else:
        keys = np.array(tokens, dtype="int64")
    order = np.lexsort((keys, np.array([counts[t] for t in tokens], "int64")))[::-1]
    if max_learned is not None:
        order = order[:max_learned]
    return [tokens[i] for i in order]


def inverse_document_frequency(document_counts, num_documents):
    """``log(1 + num_documents / (1 + document_count))`` (Keras's IDF), in float64."""
    return np.log(1 + num_documents / (1 + np.asarray(document_counts, "float64")))


def encode_rows(rows, depth, mode, dtype="float32"):
    """``multi_hot`` / ``count`` of ragged rows of indices: ``(len(rows), depth)``; indices
    outside ``[0, depth)`` are dropped."""
    out = np.zeros((len(rows), depth), dtype)
    lengths = [len(r) for r in rows]
    if not sum(lengths):
        return out
    cols = np.concatenate([np.asarray(r, "int64") for r in rows])
    rid = np.repeat(np.arange(len(rows)), lengths)
    keep = (cols >= 0) & (cols < depth)
    if mode == "multi_hot":
        out[rid[keep], cols[keep]] = 1
    else:
        np.add.at(out, (rid[keep], cols[keep]), 1)
    return out


def encode_dense(indices, depth, mode, dtype="float32"):
    """``one_hot`` / ``multi_hot`` / ``count`` over the last axis of ``indices`` as Keras's
    ``encode_categorical_inputs`` (indices outside ``[0, depth)`` count for nothing)."""
    indices = np.asarray(indices, "int64")
    if indices.ndim == 0:
        indices = indices[None]
    if mode == "one_hot":
        if indices.ndim > 1 and indices.shape[-1] == 1:
            indices = indices[..., 0]
        flat = indices.reshape(-1)
        out = np.zeros((flat.size, depth), dtype)
        keep = (flat >= 0) & (flat < depth)
        out[np.nonzero(keep)[0], flat[keep]] = 1
        return out.reshape(indices.shape + (depth,))
    flat = indices.reshape(-1, indices.shape[-1])
    out = encode_rows(list(flat), depth, mode, dtype)
    return out.reshape(indices.shape[:-1] + (depth,))


def encoded_shape(input_shape, mode, depth):
    """Output shape of an encoding mode over the last axis (Keras's lookup shapes)."""
    if mode == "one_hot":
        if len(input_shape) > 1 and input_shape[-1] == 1:
            return input_shape[:-1] + (depth,)
        return input_shape + (depth,)
    return input_shape[:-1] + (depth,)
