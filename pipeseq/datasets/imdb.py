"""IMDB movie-review sentiment: ``load_data(...)`` and ``get_word_index()``, as ``keras.datasets.imdb``.

Reviews are lists of word ids (a 1-D object array, as in Keras); word ``i`` of
``get_word_index()`` appears as ``i + index_from``; 0 is padding, ``start_char`` opens each
review, ``oov_char`` replaces words outside ``[skip_top, num_words)``.
"""
import warnings

import numpy as np

from .cache import KERAS_DATASETS_URL, get_file
from .safe_pickle import load_npz
from .word_sequences import (clip_vocabulary, load_word_index, object_array, remove_long, shift,
                             shuffled)

ORIGIN_FOLDER = KERAS_DATASETS_URL
FILE_HASH = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
WORD_INDEX_HASH = "bfafd718b763782e994055a2d397834f"


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1,
              oov_char=2, index_from=3, **kwargs):
    """``(x_train, y_train), (x_test, y_test)``: object arrays of id lists, int64 labels (0/1).

    Keras 1's ``nb_words`` is accepted for ``num_words`` (with a warning).
    """
    if "nb_words" in kwargs:
        warnings.warn("The `nb_words` argument in `load_data` has been renamed `num_words`.",
                      DeprecationWarning, stacklevel=2)
        num_words = kwargs.pop("nb_words")
    if kwargs:
        raise TypeError(f"Unrecognized keyword arguments: {kwargs}.")
    f = load_npz(get_file(fname=path, origin=ORIGIN_FOLDER + "imdb.npz", file_hash=FILE_HASH))
    rng = np.random.RandomState(seed)
    x_train, labels_train = shuffled(f["x_train"], f["y_train"], rng)
    x_test, labels_test = shuffled(f["x_test"], f["y_test"], rng)
    x_train, x_test = shift(x_train, start_char, index_from), shift(x_test, start_char, index_from)
    if maxlen:
        x_train, labels_train = remove_long(maxlen, x_train, labels_train)
        x_test, labels_test = remove_long(maxlen, x_test, labels_test)
        if not x_train or not x_test:
            raise ValueError(f"After filtering for sequences shorter than maxlen={maxlen}, no "
                             "sequence was kept. Increase maxlen.")
    xs = clip_vocabulary(x_train + x_test, num_words, skip_top, oov_char)
    labels = np.concatenate([np.asarray(labels_train), np.asarray(labels_test)])
    idx = len(x_train)
    return (object_array(xs[:idx]), labels[:idx]), (object_array(xs[idx:]), labels[idx:])


def get_word_index(path="imdb_word_index.json"):
    """``{word: id}`` (ids start at 1, most frequent first; add ``index_from`` to match data)."""
    return load_word_index(get_file(fname=path, origin=ORIGIN_FOLDER + "imdb_word_index.json",
                                    file_hash=WORD_INDEX_HASH))
