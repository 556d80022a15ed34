"""What imdb and reuters share: Keras's shuffling and word-index remapping of ragged sequences."""
import json

import numpy as np


def shuffled(x, y, rng):
    indices = np.arange(len(x))
    rng.shuffle(indices)
    return x[indices], y[indices]


def shift(xs, start_char, index_from):
    """Prepend ``start_char`` and add ``index_from`` to every word id (Keras's order of steps)."""
    if start_char is not None:
        return [[start_char] + [w + index_from for w in x] for x in xs]
    if index_from:
        return [[w + index_from for w in x] for x in xs]
    return [list(x) for x in xs]


def remove_long(maxlen, xs, labels):
    """Keep the sequences shorter than ``maxlen`` (strictly, as Keras does)."""
    keep = [i for i, x in enumerate(xs) if len(x) < maxlen]
    return [xs[i] for i in keep], [labels[i] for i in keep]


def clip_vocabulary(xs, num_words, skip_top, oov_char):
    """Ids outside ``[skip_top, num_words)`` become ``oov_char`` (or are dropped if it is None)."""
    if not num_words:
        num_words = max(max(x) for x in xs if len(x)) if any(len(x) for x in xs) else 0
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    return [[w for w in x if skip_top <= w < num_words] for x in xs]


def object_array(lists):
    """A 1-D ``dtype=object`` array of lists (as Keras returns; never a 2-D array)."""
    out = np.empty(len(lists), dtype="object")
    for i, x in enumerate(lists):
        out[i] = x
    return out


def load_word_index(path):
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)
