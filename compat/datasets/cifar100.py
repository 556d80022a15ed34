"""``keras.datasets.cifar100``: ``load_data`` (Keras's cache and file format)."""
from pipeseq.datasets.cifar100 import load_data  # noqa: F401

__all__ = ["load_data"]
