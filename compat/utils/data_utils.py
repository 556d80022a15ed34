"""Keras 2's ``keras.utils.data_utils``: ``Sequence`` (and Keras 3's ``PyDataset``),
``get_file``, ``validate_file``, ``hash_file``."""
from pipeseq.datasets.cache import get_file, hash_file, validate_file  # noqa: F401
from pipeseq.training.data_adapters import PyDataset, Sequence  # noqa: F401

_hash_file = hash_file          # Keras 2's private spelling, used by some scripts

__all__ = ["Sequence", "PyDataset", "get_file", "validate_file", "hash_file"]
