"""Layer configs <-> Keras's JSON structures. Never executes code from a config.

``serialize_layer(layer)`` gives Keras 3's entry
``{"module", "class_name", "config", "registered_name", "build_config"}``;
``deserialize_layer(entry)`` looks the class up in the layer registry and
refuses anything it does not know (a ``Lambda`` layer, a custom class) unless
the caller passes ``custom_objects={"Name": cls}``.
"""
from ..layers.base import get_layer_class

_MODULES = {"Sequential": "keras", "Functional": "keras", "Model": "keras"}
_REFUSED = {"Lambda": "it holds Python code (a function body)",
            "TFOpLambda": "it holds a TensorFlow operation",
            "SlicingOpLambda": "it holds a TensorFlow operation"}


class UnsafeConfigError(ValueError):
    """A config names code pipeseq will not run (Lambda layers, unknown custom objects)."""


def serialize_layer(layer):
    entry = {"module": _MODULES.get(type(layer).__name__, "keras.layers"),
             "class_name": type(layer).__name__, "config": layer.get_config(),
             "registered_name": None}
    if layer.built and layer._build_input_shape is not None and type(layer).__name__ != "InputLayer":
        shape = layer._build_input_shape
        entry["build_config"] = {"input_shape": [list(s) for s in shape] if isinstance(shape, list)
                                 else list(shape)}
    return entry


def deserialize_layer(entry, custom_objects=None):
    """Build a layer (or model) from a Keras config entry, safely."""
    if not isinstance(entry, dict) or "class_name" not in entry:
        raise ValueError(f"Not a layer config (expected a dict with 'class_name'). Received: {entry!r:.200}")
    name = entry["class_name"]
    config = dict(entry.get("config") or {})
    custom_objects = custom_objects or {}
    cls = custom_objects.get(name) or custom_objects.get(entry.get("registered_name") or "")
    if cls is None:
        if name in _REFUSED:
            raise UnsafeConfigError(
                f"Refusing to load layer '{config.get('name', name)}' of class {name}: {_REFUSED[name]}, "
                "and pipeseq never executes code from a file. Rebuild that part of the model in "
                f"code, or pass custom_objects={{'{name}': YourLayerClass}} with your own "
                "implementation.")
        cls = get_layer_class(name)
    if cls is None:
        raise UnsafeConfigError(
            f"Unknown layer class '{name}' (layer '{config.get('name', '?')}'). pipeseq does not "
            "import or run code named in files. If this is your own layer, pass "
            f"custom_objects={{'{name}': YourLayerClass}}.")
    if hasattr(cls, "from_config"):
        try:
            if name in ("Sequential", "Functional", "Model"):
                layer = cls.from_config(config, custom_objects=custom_objects)
            else:
                layer = cls.from_config(_clean_config(config))
        except TypeError as e:
            raise ValueError(f"Could not rebuild layer '{config.get('name', '?')}' ({name}) from "
                             f"its config: {e}") from None
    else:
        layer = cls(**config)
    build = entry.get("build_config") or {}
    if not layer.built and build.get("input_shape") is not None:
        shape = build["input_shape"]
        try:
            layer._maybe_build([tuple(s) for s in shape] if shape and isinstance(shape[0], list)
                               else tuple(shape))
        except Exception:
            pass   # a Sequential parent builds it with the right shape anyway
    return layer


def _clean_config(config):
    """Accept Keras 3 configs: dtype policies become dtype names; drop keys pipeseq ignores."""
    config = dict(config)
    dtype = config.get("dtype")
    if isinstance(dtype, dict):
        config["dtype"] = (dtype.get("config") or {}).get("name", "float32")
        if config["dtype"].startswith("mixed_"):
            config["dtype"] = "float32"
    return config
