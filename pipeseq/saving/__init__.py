"""Configs and files: JSON (de)serialization, legacy ``.h5``, Keras 3 ``.weights.h5``, ``.keras``."""
