"""Keras 2's ``keras.utils.data_utils``: ``Sequence`` (and Keras 3's ``PyDataset``)."""
from pipeseq.training.data_adapters import PyDataset, Sequence  # noqa: F401

__all__ = ["Sequence", "PyDataset"]
