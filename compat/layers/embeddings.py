"""Keras 1/2 module path ``keras.layers.embeddings``: the layers of :mod:`compat.layers`.

Old code imports layers from submodules (``from keras.layers.core import Dense``);
every name resolves exactly as in ``compat.layers``.
"""
from compat import layers as _layers


def __getattr__(name):
    if name.startswith("__") and name != "__all__":
        raise AttributeError(name)
    return getattr(_layers, name)


def __dir__():
    return dir(_layers)
