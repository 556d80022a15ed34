"""Keras 1/2's ``keras.utils.np_utils``: ``to_categorical`` and ``normalize``."""
from pipeseq.utils import normalize, to_categorical  # noqa: F401

__all__ = ["to_categorical", "normalize"]
