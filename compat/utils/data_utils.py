"""Keras 2's ``keras.utils.data_utils``: ``get_file``, ``validate_file``, ``hash_file``.

Other names (``Sequence``, ...) resolve as in :mod:`compat.utils`.
"""
from pipeseq.datasets.cache import get_file, hash_file, validate_file  # noqa: F401

_hash_file = hash_file          # Keras 2's private spelling, used by some scripts

__all__ = ["get_file", "validate_file", "hash_file"]


def __getattr__(name):
    import compat.utils
    return getattr(compat.utils, name)
