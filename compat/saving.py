"""``keras.saving``: files and your own objects by name.

``register_keras_serializable(package=...)``, ``get_custom_objects()``,
``custom_object_scope(...)`` / ``CustomObjectScope``, ``get_registered_name``,
``get_registered_object`` (pipeseq's registry: loading finds only objects your code
provided, never code from a file), and ``load_model`` / ``save_model``.

Example
-------
>>> from compat import saving
>>> @saving.register_keras_serializable(package="my_package")
... def scaled_tanh(x):
...     return 2.0 * x
>>> saving.get_registered_name(scaled_tanh)
'my_package>scaled_tanh'
"""
from pipeseq.custom_objects import (CustomObjectScope, custom_object_scope,  # noqa: F401
                                    get_custom_objects, get_registered_name,
                                    get_registered_object, register_keras_serializable)

from .models import load_model, save_model  # noqa: F401

__all__ = ["register_keras_serializable", "get_custom_objects", "custom_object_scope",
           "CustomObjectScope", "get_registered_name", "get_registered_object", "load_model",
           "save_model"]
