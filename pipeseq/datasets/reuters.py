"""Reuters newswire topics: ``load_data(...)``, ``get_word_index()``, ``get_label_names()``,
as ``keras.datasets.reuters`` (same id conventions as :mod:`imdb`; 46 topics)."""
import numpy as np

from .cache import KERAS_DATASETS_URL, get_file
from .safe_pickle import load_npz
from .word_sequences import (clip_vocabulary, load_word_index, object_array, remove_long, shift,
                             shuffled)

ORIGIN_FOLDER = KERAS_DATASETS_URL
FILE_HASH = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
WORD_INDEX_HASH = "4d44cc38712099c9e383dc6e5f11a921"
LABEL_NAMES = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply",
    "coffee", "sugar", "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas",
    "cpi", "money-fx", "interest", "gnp", "meal-feed", "alum", "oilseed", "gold", "tin",
    "strategic-metal", "livestock", "retail", "ipi", "iron-steel", "rubber", "heat", "jobs",
    "lei", "bop", "zinc", "orange", "pet-chem", "dlr", "gas", "silver", "wpi", "hog", "lead")


def load_data(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2,
              seed=113, start_char=1, oov_char=2, index_from=3):
    """``(x_train, y_train), (x_test, y_test)``: object arrays of id lists, int64 topic ids."""
    f = load_npz(get_file(path, origin=ORIGIN_FOLDER + "reuters.npz", file_hash=FILE_HASH))
    xs, labels = shuffled(f["x"], f["y"], np.random.RandomState(seed))
    xs = shift(xs, start_char, index_from)
    labels = list(labels)
    if maxlen:
        xs, labels = remove_long(maxlen, xs, labels)
    xs = clip_vocabulary(xs, num_words, skip_top, oov_char)
    idx = int(len(xs) * (1 - test_split))
    return ((object_array(xs[:idx]), np.array(labels[:idx])),
            (object_array(xs[idx:]), np.array(labels[idx:])))


def get_word_index(path="reuters_word_index.json"):
    """``{word: id}`` of the Reuters vocabulary."""
    return load_word_index(get_file(path, origin=ORIGIN_FOLDER + "reuters_word_index.json",
                                    file_hash=WORD_INDEX_HASH))


def get_label_names():
    """The 46 topic names, in label order."""
    return LABEL_NAMES
