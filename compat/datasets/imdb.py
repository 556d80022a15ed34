"""``keras.datasets.imdb``: ``load_data``, ``get_word_index`` (Keras's cache and file format)."""
from pipeseq.datasets.imdb import get_word_index, load_data  # noqa: F401

__all__ = ["load_data", "get_word_index"]
