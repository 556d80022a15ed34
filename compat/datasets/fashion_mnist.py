"""``keras.datasets.fashion_mnist``: ``load_data`` (Keras's cache and file format)."""
from pipeseq.datasets.fashion_mnist import load_data  # noqa: F401

__all__ = ["load_data"]
