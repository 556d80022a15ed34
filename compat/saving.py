"""``keras.saving``: ``save_model``, ``load_model``, ``save_weights``, ``load_weights``, and the
custom-object registry (``register_keras_serializable``, ``get_custom_objects``,
``custom_object_scope``, ``get_registered_name``/``get_registered_object``,
``serialize_keras_object``/``deserialize_keras_object``) where pipeseq provides it.

Example
-------
>>> import compat as keras
>>> callable(keras.saving.load_model)
True
"""
import importlib

from pipeseq.saving.api import load_model, load_weights, save_model, save_weights  # noqa: F401

# The registry lives in pipeseq.custom_objects (when present); resolved on first use.
_REGISTRY_NAMES = ("register_keras_serializable", "get_custom_objects", "custom_object_scope",
                   "CustomObjectScope", "get_registered_name", "get_registered_object",
                   "serialize_keras_object", "deserialize_keras_object", "KerasSaveable")


def __getattr__(name):
    if name in _REGISTRY_NAMES:
        try:
            mod = importlib.import_module("pipeseq.custom_objects")
        except ImportError:
            mod = None
        if mod is not None and hasattr(mod, name):
            return getattr(mod, name)
        from pipeseq.saving import objects as _objects
        if hasattr(_objects, name):
            return getattr(_objects, name)
    from ._reexport import _suggest
    raise AttributeError(f"module 'compat.saving' has no attribute {name!r}."
                         + _suggest(__name__, name, _REGISTRY_NAMES))
