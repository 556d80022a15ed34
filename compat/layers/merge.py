"""``keras.layers.merge``: the merge layers, and Keras 1's ``merge()`` function.

Keras 2 code imports merge layers from this module
(``from keras.layers.merge import Concatenate``); Keras 1 code imports the
function ``merge`` from ``keras.layers`` -- which is this module, so the module
itself can be called: ``merge([a, b], mode='concat')`` runs pipeseq's Keras 1
``merge``.
"""
import sys
import types

from compat import layers as _layers


def __getattr__(name):
    if name.startswith("__") and name != "__all__":
        raise AttributeError(name)
    return getattr(_layers, name)


def __dir__():
    return dir(_layers)


class _CallableModule(types.ModuleType):
    def __call__(self, *args, **kwargs):
        """Keras 1's ``merge(inputs, mode='sum', concat_axis=-1, ...)``."""
        from pipeseq.layers.merge_legacy import merge as engine_merge
        return engine_merge(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
