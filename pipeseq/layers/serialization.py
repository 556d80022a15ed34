"""Layer and model configs <-> Keras's JSON structures. Never executes code from a config.

``serialize_layer(layer)`` gives Keras 3's entry ``{"module", "class_name",
"config", "registered_name", "build_config"}`` (models add ``compile_config``),
with dtype policies as ``DTypePolicy`` objects, exactly as Keras 3 writes
``config.json``. ``deserialize_layer(entry)`` reads Keras 3, Keras 2
(``batch_input_shape``, plain dtype strings) and Keras 1 (bare-list model
configs, ``output_dim``/``init``...) entries; it looks the class up in the
layer registry and refuses anything it does not know (a ``Lambda`` layer, a
custom class) unless the caller passes ``custom_objects={"Name": cls}``.
Whole model configs read from files are normalised first by
``pipeseq.saving.serialization.prepare_config``.

Example
-------
>>> from pipeseq.layers import Dense
>>> d = Dense(2, name="d")
>>> e = serialize_layer(d)
>>> e["class_name"], e["config"]["dtype"]["class_name"]
('Dense', 'DTypePolicy')
>>> deserialize_layer(e).units
2
"""
from ..errors import FileFormatError, UnsafeConfigError, WeightMismatchError
from .base import get_layer_class

_MODULES = {"Sequential": "keras", "Functional": "keras.src.models.functional", "Model": "keras"}
_REGISTERED = {"Functional": "Functional"}
_REFUSED = {}      # class name -> why pipeseq refuses it (tf_keras's op layers: see tf_op_layer)
# Old Keras class names -> current ones (used when the registry does not know the old name).
CLASS_ALIASES = {"Convolution1D": "Conv1D", "Convolution2D": "Conv2D", "Convolution3D": "Conv3D",
                 "Deconvolution2D": "Conv2DTranspose", "Deconv2D": "Conv2DTranspose",
                 "Conv2DTranspose": "Conv2DTranspose", "SeparableConvolution2D": "SeparableConv2D",
                 "MaxPool1D": "MaxPooling1D", "MaxPool2D": "MaxPooling2D",
                 "AvgPool1D": "AveragePooling1D", "AvgPool2D": "AveragePooling2D",
                 "GlobalMaxPool1D": "GlobalMaxPooling1D", "GlobalMaxPool2D": "GlobalMaxPooling2D",
                 "GlobalAvgPool1D": "GlobalAveragePooling1D",
                 "GlobalAvgPool2D": "GlobalAveragePooling2D",
                 "CuDNNLSTM": "LSTM", "CuDNNGRU": "GRU", "UnifiedLSTM": "LSTM", "UnifiedGRU": "GRU"}
# Keys Keras writes that pipeseq layers may not take; dropped when the class does not accept them.
_IGNORABLE = {"quantization_config": None, "time_major": False, "implementation": None,
              "lora_rank": None, "lora_alpha": None, "synchronized": None, "autocast": None,
              "groups": 1, "sparse": False, "ragged": False, "optional": False,
              "zero_output_for_mask": None, "renorm": False, "renorm_clipping": None,
              "renorm_momentum": None, "virtual_batch_size": None, "adjustment": None,
              "fused": None, "reset_dropout_mask": None, "unroll": False,
              # tf_keras SeparableConv writes these although it has no single kernel
              "kernel_initializer": None, "kernel_regularizer": None, "kernel_constraint": None}
_DROP_ANY = {"implementation", "zero_output_for_mask", "fused", "synchronized", "autocast",
             "renorm_momentum", "renorm_clipping", "kernel_initializer", "kernel_regularizer",
             "kernel_constraint",
             "reset_dropout_mask"}
_ACTIVATION_KEYS = ("activation", "recurrent_activation", "inner_activation")


def dtype_policy(name):
    """Keras 3's serialized ``DTypePolicy`` for a dtype name."""
    return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": name},
            "registered_name": None}


# ------------------------------------------------------------------- writing
def serialize_layer(layer):
    """Keras 3 entry of ``layer`` (what ``keras.saving.serialize_keras_object`` writes)."""
    if callable(getattr(layer, "keras_entry", None)):     # an op node (Keras 3 Operation)
        return layer.keras_entry()
    cls = type(layer).__name__
    config = _keras3_config(layer.get_config(), cls)
    entry = {"module": _MODULES.get(cls, "keras.layers"), "class_name": cls, "config": config,
             "registered_name": _REGISTERED.get(cls)}
    if getattr(type(layer), "keras_module", None):   # registered by Keras outside keras.layers
        entry["module"], entry["registered_name"] = type(layer).keras_module, cls
    if get_layer_class(cls) is not type(layer) and cls not in _MODULES:   # your own class
        from .. import custom_objects as registry
        entry["module"] = type(layer).__module__
        entry["registered_name"] = registry.get_registered_name(type(layer))
    if cls != "InputLayer" and layer.built and layer._build_input_shape is not None and \
            _has_build(layer):
        shape = layer._build_input_shape
        entry["build_config"] = {"input_shape": [list(s) for s in shape] if isinstance(shape, list)
                                 else list(shape)}
    if layer.built and callable(getattr(layer, "keras_build_config", None)):
        entry["build_config"] = layer.keras_build_config()  # build(query_shape, value_shape...)
    if cls == "Functional":
        entry["build_config"] = {"input_shape": None}     # what Keras 3 writes for Functional
    if hasattr(layer, "compile") and hasattr(layer, "layers"):
        entry["compile_config"] = layer.get_compile_config()
    return entry


# Keras 3 classes built in ``__init__`` (no ``build_config`` in their entry), observed in
# config.json files written by Keras 3.15.
NO_BUILD_CONFIG = {"Activation", "AveragePooling1D", "AveragePooling2D", "AveragePooling3D",
                   "Dropout", "ELU", "GlobalAveragePooling1D", "GlobalAveragePooling2D",
                   "GlobalAveragePooling3D", "GlobalMaxPooling1D", "GlobalMaxPooling2D",
                   "GlobalMaxPooling3D", "LeakyReLU", "Masking", "MaxPooling1D", "MaxPooling2D",
                   "MaxPooling3D", "ReLU", "Reshape", "Softmax", "ThresholdedReLU",
                   "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise",
                   "GaussianDropout", "AlphaDropout", "ActivityRegularization", "Identity"}
# Activation names Keras 3 writes differently from Keras 2.
_KERAS3_ACTIVATION_NAMES = {"swish": "silu"}


def _has_build(layer):
    """Whether Keras 3 writes a ``build_config`` for this layer's class."""
    return type(layer).__name__ not in NO_BUILD_CONFIG


def _keras3_config(config, cls):
    config = dict(config)
    if cls != "InputLayer":
        config.pop("batch_input_shape", None)    # Keras 3 carries the input in the InputLayer
        dtype = config.get("dtype")
        if isinstance(dtype, str):
            config["dtype"] = dtype_policy(dtype)
    for key in _ACTIVATION_KEYS:
        if isinstance(config.get(key), str):
            config[key] = _KERAS3_ACTIVATION_NAMES.get(config[key], config[key])
    return config


def resolve_class(name, registered_name=None, custom_objects=None, layer_name=None):
    """The class for ``name``: custom objects first, then the registry; refuses code."""
    from .. import custom_objects as registry
    cls = registry.lookup(name, custom_objects) or registry.lookup(registered_name or "",
                                                                   custom_objects)
    if isinstance(cls, type):
        return cls
    if name in _REFUSED:
        raise UnsafeConfigError(
            f"Refusing to load layer '{layer_name or name}' of class {name}: {_REFUSED[name]}, "
            "and pipeseq never executes code from a file. Rebuild that part of the model in "
            f"code, or pass custom_objects={{'{name}': YourLayerClass}} with your own "
            "implementation.")
    cls = get_layer_class(name) or get_layer_class(CLASS_ALIASES.get(name, ""))
    if cls is None:
        raise UnsafeConfigError(
            f"Unknown layer class '{name}' (layer '{layer_name or '?'}'). pipeseq does not "
            "import or run code named in files. If this is your own layer, pass "
            f"custom_objects={{'{name}': YourLayerClass}}.")
    return cls


def deserialize_layer(entry, custom_objects=None):
    """Build a layer (or model) from a Keras config entry, safely."""
    if not isinstance(entry, dict) or "class_name" not in entry:
        raise ValueError(f"Not a layer config (expected a dict with 'class_name'). Received: {entry!r:.200}")
    name = entry["class_name"]
    if str(entry.get("module") or "").startswith(("keras.src.ops.", "keras.ops")):
        from .op_layer import OpLayer
        return OpLayer.from_keras_entry(entry)
    config = entry.get("config")
    if config is None:
        config = {}
    layer_name = config.get("name", name) if isinstance(config, dict) else name
    cls = resolve_class(name, entry.get("registered_name"), custom_objects, layer_name)
    is_model = name in ("Sequential", "Functional", "Model") or \
        (hasattr(cls, "layers") and hasattr(cls, "compile"))
    if not is_model and not isinstance(config, dict):
        raise ValueError(f"Layer config of '{name}' must be a dict. Received: {config!r:.200}")
    try:
        if is_model or _takes_custom_objects(cls):
            layer = cls.from_config(config if is_model else _clean_config(config, cls),
                                    custom_objects=custom_objects)
        else:
            layer = cls.from_config(_clean_config(config, cls))
    except (UnsafeConfigError, WeightMismatchError, FileFormatError, OSError):
        raise
    except (TypeError, ValueError) as e:
        raise ValueError(f"Could not rebuild layer '{layer_name}' ({name}) from its config: "
                         f"{e}") from None
    build = entry.get("build_config") or {}
    if not isinstance(build, dict):
        raise ValueError(f"build_config of layer '{layer_name}' must be a dict. "
                         f"Received: {build!r:.200}")
    if not layer.built and build.get("shapes_dict") and hasattr(layer, "build_from_shapes_dict"):
        layer.build_from_shapes_dict(build["shapes_dict"])
    if not layer.built and isinstance(build, dict) and build.get("input_shape") is not None:
        shape = build["input_shape"]
        try:
            layer._maybe_build([tuple(s) for s in shape] if shape and isinstance(shape[0], list)
                               else tuple(shape))
        except (UnsafeConfigError, WeightMismatchError, FileFormatError):
            raise
        except (TypeError, ValueError, IndexError, KeyError) as e:
            raise ValueError(f"Could not build layer '{layer_name}' ({name}) for the input shape "
                             f"{shape!r:.200} its build_config gives: {e}") from None
    return layer


def _takes_custom_objects(cls):
    import inspect
    try:
        return "custom_objects" in inspect.signature(cls.from_config).parameters
    except (TypeError, ValueError):
        return False


def _clean_config(config, cls=None):
    """Accept Keras 3/2 configs: dtype policies -> dtype names; drop keys pipeseq ignores."""
    config = dict(config)
    dtype = config.get("dtype")
    if isinstance(dtype, dict):
        config["dtype"] = (dtype.get("config") or {}).get("name", "float32")
    if isinstance(config.get("dtype"), str) and config["dtype"].startswith("mixed_"):
        config["dtype"] = "float32"
    if cls is not None and hasattr(cls, "_accepted_kwargs"):
        try:
            accepted = set(cls._accepted_kwargs())
        except Exception:
            accepted = None
        if accepted is not None:
            for key in list(config):
                if key not in accepted and key in _IGNORABLE and (
                        key in _DROP_ANY or config[key] == _IGNORABLE[key]):
                    config.pop(key)
    return config
