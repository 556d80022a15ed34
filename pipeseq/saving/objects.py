"""``serialize_keras_object`` / ``deserialize_keras_object``: Keras 3's object config format
(``{"module", "class_name", "config", "registered_name"}``) for layers, losses, metrics,
optimizers, learning-rate schedules, initializers, regularizers, constraints and your own
registered classes and functions.

Deserialising never runs code from the config: a class is found by name among pipeseq's
classes, ``custom_objects`` and the custom-object registry (``register_keras_serializable``).

Example
-------
>>> from pipeseq.training.optimizers import Adam
>>> cfg = serialize_keras_object(Adam(learning_rate=0.01))
>>> cfg["class_name"], type(deserialize_keras_object(cfg)).__name__
('Adam', 'Adam')
"""
import types

from .. import custom_objects as registry

_MODULES = (("pipeseq.training.optimizers.schedules", "keras.optimizers.schedules"),
            ("pipeseq.training.optimizers", "keras.optimizers"),
            ("pipeseq.training.losses", "keras.losses"),
            ("pipeseq.training.extra_losses", "keras.losses"),
            ("pipeseq.training.metrics", "keras.metrics"),
            ("pipeseq.initializers", "keras.initializers"),
            ("pipeseq.regularizers", "keras.regularizers"),
            ("pipeseq.layers", "keras.layers"))


def _keras_module(obj):
    mod = type(obj).__module__
    for prefix, keras_mod in _MODULES:
        if mod.startswith(prefix):
            return keras_mod
    return mod


def serialize_keras_object(obj):
    """A JSON-able description of ``obj`` (primitives, lists and dicts recursively)."""
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(o) for o in obj]
    if isinstance(obj, dict):
        return {k: serialize_keras_object(v) for k, v in obj.items()}
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)):
        name = registry.get_registered_name(obj)
        return name if ">" not in name else {"module": obj.__module__, "class_name": "function",
                                              "config": name, "registered_name": name}
    if hasattr(obj, "get_config"):
        registered = registry.get_registered_name(type(obj))
        return {"module": _keras_module(obj), "class_name": type(obj).__name__,
                "config": serialize_keras_object(obj.get_config()),
                "registered_name": registered if registered != type(obj).__name__ else None}
    if hasattr(obj, "tolist"):
        return obj.tolist()
    raise TypeError(f"Cannot serialize {obj!r}: it is not a primitive, a list/dict, a function, "
                    "or an object with get_config().")


def _find_class(name, registered_name, custom_objects):
    for key in (registered_name, name):
        if key:
            found = registry.lookup(key, custom_objects)
            if found is not None:
                return found
    from ..layers.base import LAYER_CLASSES, _import_all_layers
    from ..training import extra_losses, losses, metrics, optimizers
    from ..training.optimizers import schedules
    from .. import initializers, regularizers
    _import_all_layers()
    tables = [schedules.SCHEDULES, optimizers.CLASSES, losses.LOSS_CLASSES, extra_losses.CLASSES,
              metrics._REGISTRY, LAYER_CLASSES]
    for table in tables:
        if name in table:
            return table[name]
    for mod in (initializers, regularizers):
        cls = getattr(mod, name, None)
        if isinstance(cls, type):
            return cls
    return None


def deserialize_keras_object(config, custom_objects=None, module_objects=None, safe_mode=True,
                             **kwargs):
    """The object ``serialize_keras_object`` described (or a name: a registered object)."""
    custom_objects = {**(module_objects or {}), **(custom_objects or {})}
    if config is None or isinstance(config, (bool, int, float)):
        return config
    if isinstance(config, str):
        found = registry.lookup(config, custom_objects)
        return found if found is not None else config
    if isinstance(config, (list, tuple)):
        return [deserialize_keras_object(c, custom_objects) for c in config]
    if not isinstance(config, dict) or "class_name" not in config:
        if isinstance(config, dict):
            return {k: deserialize_keras_object(v, custom_objects) for k, v in config.items()}
        raise TypeError(f"Cannot deserialize {config!r}.")
    name = config["class_name"]
    if name == "function":
        found = registry.lookup(config.get("registered_name") or config.get("config"),
                                custom_objects)
        if found is None:
            raise ValueError(f"Unknown function {config.get('config')!r}: register it with "
                             "register_keras_serializable or pass it in custom_objects.")
        return found
    cls = _find_class(name, config.get("registered_name"), custom_objects)
    if cls is None:
        raise ValueError(f"Could not locate class {name!r}. Make sure custom classes are "
                         "decorated with `@keras.saving.register_keras_serializable()` or passed "
                         f"in custom_objects. Full object config: {config}")
    inner = config.get("config") or {}
    if hasattr(cls, "from_config"):
        try:
            return cls.from_config(inner, custom_objects=custom_objects)
        except TypeError:
            return cls.from_config(inner)
    return cls(**inner)
