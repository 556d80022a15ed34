"""``keras.datasets.boston_housing``: ``load_data`` (Keras's cache and file format)."""
from pipeseq.datasets.boston_housing import load_data  # noqa: F401

__all__ = ["load_data"]
