"""Keras 1's ``keras.objectives``: the same names as :mod:`compat.losses`."""
from compat import losses as _losses


def __getattr__(name):
    if name.startswith("__") and name != "__all__":
        raise AttributeError(name)
    return getattr(_losses, name)


def __dir__():
    return dir(_losses)
