"""R keras's sequence and text functions: ``array_reshape``, ``pad_sequences``,
``skipgrams``, ``make_sampling_table``, ``text_to_word_sequence``, ``text_one_hot``,
``text_hashing_trick`` and the ``text_tokenizer`` family.

R's habits are kept: ``tokenizer | fit_text_tokenizer(texts)`` (or
``fit_text_tokenizer(tokenizer, texts)``) fits in place and returns the tokenizer;
``texts_to_matrix(tokenizer, texts, mode="binary")``; ``skipgrams()`` returns a named list
``couples``/``labels``.

Example
-------
>>> from pipeseq import text_tokenizer, fit_text_tokenizer, texts_to_sequences
>>> tok = text_tokenizer(num_words=10) | fit_text_tokenizer(["the cat sat", "the dog"])
>>> texts_to_sequences(tok, ["the cat"])
[[1, 2]]
>>> array_reshape([[1, 2], [3, 4]], (4,)).tolist()        # row-major, as R keras's
[1, 2, 3, 4]
"""
import numpy as np

from ..preprocessing import sequence as _seq
from ..preprocessing import text as _text
from .rlist import RList
from .verbs.base import _verb

__all__ = ["array_reshape", "pad_sequences", "skipgrams", "make_sampling_table",
           "text_to_word_sequence", "text_one_hot", "text_hashing_trick", "text_tokenizer",
           "fit_text_tokenizer", "save_text_tokenizer", "load_text_tokenizer",
           "texts_to_sequences", "texts_to_sequences_generator", "texts_to_matrix",
           "sequences_to_matrix", "sequences_to_texts"]


FILTERS = _text.FILTERS
MODES = ("binary", "count", "tfidf", "freq")


def _int(v, what):
    if v is None:
        return None
    if float(v) != int(v):
        raise ValueError(f"{what} must be a whole number. Received: {what}={v!r}")
    return int(v)


def _choice(value, choices):
    return choices[0] if isinstance(value, (tuple, list)) and tuple(value) == choices else value


def array_reshape(x, dim, order=("C", "F")):
    """R keras's ``array_reshape()``: reshape in row-major ("C") order, as Keras/NumPy read
    arrays (R's own ``dim<-`` is column-major). ``order="F"`` gives R's order.

    Example
    -------
    >>> array_reshape(np.arange(6), (2, 3)).tolist()
    [[0, 1, 2], [3, 4, 5]]
    """
    order = _choice(order, ("C", "F"))
    if order not in ("C", "F"):
        raise ValueError(f'order must be "C" or "F". Received: order={order!r}')
    dim = (dim,) if np.isscalar(dim) else tuple(dim)
    return np.reshape(np.asarray(x), tuple(_int(d, "dim") for d in dim), order=order)


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre",
                  value=0.0):
    """Pad a list of integer vectors to a matrix (``maxlen`` columns).

    Example
    -------
    >>> pad_sequences([[1, 2, 3], [4]], maxlen=2).tolist()
    [[2, 3], [0, 4]]
    """
    return _seq.pad_sequences(sequences, maxlen=_int(maxlen, "maxlen"), dtype=dtype,
                              padding=padding, truncating=truncating, value=value)


def skipgrams(sequence, vocabulary_size, window_size=4, negative_samples=1.0, shuffle=True,
              categorical=False, sampling_table=None, seed=None):
    """Skip-gram pairs as R's named list ``list(couples = ..., labels = ...)``.

    Example
    -------
    >>> sg = skipgrams([1, 2, 3], vocabulary_size=4, window_size=1, negative_samples=0,
    ...                shuffle=False)
    >>> sg.couples
    [[1, 2], [2, 1], [2, 3], [3, 2]]
    """
    couples, labels = _seq.skipgrams([int(v) for v in sequence], int(vocabulary_size),
                                     window_size=int(window_size),
                                     negative_samples=negative_samples, shuffle=shuffle,
                                     categorical=categorical, sampling_table=sampling_table,
                                     seed=_int(seed, "seed"))
    return RList(couples=couples, labels=labels)


def make_sampling_table(size, sampling_factor=1e-05):
    """word2vec's sampling probabilities by word rank (for ``skipgrams``).

    Example
    -------
    >>> make_sampling_table(3).round(4).tolist()
    [0.0032, 0.0032, 0.0055]
    """
    return _seq.make_sampling_table(int(size), sampling_factor=sampling_factor)


def text_to_word_sequence(text, filters=FILTERS, lower=True, split=" "):
    """Split a text into lower-cased words, punctuation removed.

    Example
    -------
    >>> text_to_word_sequence("Hello, world!")
    ['hello', 'world']
    """
    return _text.text_to_word_sequence(text, filters=filters, lower=lower, split=split)


def text_one_hot(input_text, n, filters=FILTERS, lower=True, split=" "):
    """Word ids in ``[1, n)`` by hashing (Keras's ``one_hot``).

    Example
    -------
    >>> len(text_one_hot("the cat the", n=10))
    3
    """
    return _text.one_hot(input_text, int(n), filters=filters, lower=lower, split=split)


def text_hashing_trick(text, n, hash_function=None, filters=FILTERS, lower=True, split=" "):
    """Word ids in ``[1, n)`` by hashing with ``hash_function``.

    Example
    -------
    >>> text_hashing_trick("the cat", n=20, hash_function="md5")
    [17, 4]
    """
    return _text.hashing_trick(text, int(n), hash_function=hash_function, filters=filters,
                               lower=lower, split=split)


def text_tokenizer(num_words=None, filters=FILTERS, lower=True, split=" ", char_level=False,
                   oov_token=None):
    """A text tokenizer (fit it with ``fit_text_tokenizer``).

    Example
    -------
    >>> tok = text_tokenizer(num_words=100, oov_token="<OOV>")
    >>> tok.num_words, tok.oov_token
    (100, '<OOV>')
    """
    return _text.Tokenizer(num_words=_int(num_words, "num_words"), filters=filters, lower=lower,
                           split=split, char_level=char_level, oov_token=oov_token)


def _texts(texts):
    return [texts] if isinstance(texts, str) else list(texts)


_tokenizer_verb = _verb(accepts=lambda o: isinstance(o, _text.Tokenizer),
                        what="a text tokenizer (text_tokenizer())")


@_tokenizer_verb
def fit_text_tokenizer(object, x):
    """Fit in place on texts (a string vector) or on integer sequences (a list of lists).

    Example
    -------
    >>> tok = text_tokenizer() | fit_text_tokenizer(["a b b", "b c"])
    >>> tok.word_index
    {'b': 1, 'a': 2, 'c': 3}
    """
    x = _texts(x)
    if x and all(isinstance(s, (list, tuple, np.ndarray)) and not isinstance(s, str) and
                 all(isinstance(v, (int, np.integer)) for v in s) for s in x):
        object.fit_on_sequences(x)
    else:
        object.fit_on_texts(x)
    return object


@_tokenizer_verb
def save_text_tokenizer(object, filename):
    """Save as Keras's tokenizer JSON (``load_text_tokenizer`` and Keras's
    ``tokenizer_from_json`` read it).

    Example
    -------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "tok.json")
    >>> tok = text_tokenizer() | fit_text_tokenizer(["a b b"])
    >>> _ = tok | save_text_tokenizer(path)
    >>> load_text_tokenizer(path).word_index
    {'b': 1, 'a': 2}
    """
    with open(filename, "w", encoding="utf-8") as fh:
        fh.write(object.to_json())
    return object


def load_text_tokenizer(filename):
    """Read a tokenizer saved by ``save_text_tokenizer`` (or Keras's ``to_json``).

    Example
    -------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "tok.json")
    >>> _ = save_text_tokenizer(fit_text_tokenizer(text_tokenizer(), ["x y"]), path)
    >>> load_text_tokenizer(path).word_index
    {'x': 1, 'y': 2}
    """
    with open(filename, encoding="utf-8") as fh:
        return _text.tokenizer_from_json(fh.read())


@_tokenizer_verb
def texts_to_sequences(object, texts):
    """Word-id sequences of texts, with a fitted tokenizer.

    Example
    -------
    >>> tok = text_tokenizer() | fit_text_tokenizer(["a b b", "b c"])
    >>> tok | texts_to_sequences(["c b a d"])
    [[3, 1, 2]]
    """
    return object.texts_to_sequences(_texts(texts))


@_tokenizer_verb
def texts_to_sequences_generator(object, texts):
    """The same as ``texts_to_sequences``, one text at a time.

    Example
    -------
    >>> tok = text_tokenizer() | fit_text_tokenizer(["a b b", "b c"])
    >>> list(texts_to_sequences_generator(tok, ["b", "c a"]))
    [[1], [3, 2]]
    """
    return object.texts_to_sequences_generator(_texts(texts))


@_tokenizer_verb
def texts_to_matrix(object, texts, mode=MODES):
    """A ``(texts, num_words)`` matrix; ``mode``: binary, count, tfidf, freq.

    Example
    -------
    >>> tok = text_tokenizer() | fit_text_tokenizer(["a b b", "b c"])
    >>> texts_to_matrix(tok, ["b b c"], mode="count").tolist()
    [[0.0, 2.0, 0.0, 1.0]]
    """
    return object.texts_to_matrix(_texts(texts), mode=_choice(mode, MODES))


@_tokenizer_verb
def sequences_to_matrix(object, sequences, mode=MODES):
    """A ``(sequences, num_words)`` matrix of word-id sequences.

    Example
    -------
    >>> tok = text_tokenizer(num_words=4)
    >>> sequences_to_matrix(tok, [[1, 3, 3]], mode="binary").tolist()
    [[0.0, 1.0, 0.0, 1.0]]
    """
    return object.sequences_to_matrix(list(sequences), mode=_choice(mode, MODES))


@_tokenizer_verb
def sequences_to_texts(object, sequences):
    """Texts back from word-id sequences.

    Example
    -------
    >>> tok = text_tokenizer() | fit_text_tokenizer(["a b b", "b c"])
    >>> sequences_to_texts(tok, [[3, 1]])
    ['c b']
    """
    return object.sequences_to_texts(list(sequences))
