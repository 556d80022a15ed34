"""Model configs read from files, normalised before the layers are rebuilt.

Keras 1/2 spellings become current ones, initializer/regularizer/constraint
configs keep only the arguments pipeseq takes, and serialized functions are
refused unless they are Keras built-ins. Building layers from the result is
``pipeseq.layers.serialization.deserialize_layer``.

Example
-------
>>> prepare_config({"class_name": "Dense", "config": {"output_dim": 2}}, "1.2.2")
{'class_name': 'Dense', 'config': {'units': 2}}
"""
import copy
import inspect

from ..layers.serialization import _ACTIVATION_KEYS, _REFUSED, UnsafeConfigError

_KERAS1_KEYS = {"output_dim": "units", "init": "kernel_initializer", "inner_init": "recurrent_initializer",
                "W_regularizer": "kernel_regularizer", "b_regularizer": "bias_regularizer",
                "U_regularizer": "recurrent_regularizer", "W_constraint": "kernel_constraint",
                "b_constraint": "bias_constraint", "U_constraint": "recurrent_constraint",
                "inner_activation": "recurrent_activation", "dropout_W": "dropout",
                "dropout_U": "recurrent_dropout", "input_dtype": "dtype", "bias": "use_bias",
                "nb_filter": "filters", "border_mode": "padding", "subsample": "strides",
                "subsample_length": "strides", "filter_length": "kernel_size",
                "pool_length": "pool_size", "stride": "strides"}
_SAFE_MODULES = ("keras.initializers", "keras.regularizers", "keras.constraints",
                 "keras.src.initializers", "keras.src.regularizers", "keras.src.constraints")


# ------------------------------------------------------------------- reading
def prepare_config(tree, keras_version=None, custom_objects=None):
    """Normalise a whole model config read from a file (returns a new object).

    * Keras 1/2 files: activation ``hard_sigmoid`` becomes ``legacy_hard_sigmoid``
      (Keras 1/2's ``0.2x + 0.5``), Keras 1 argument names become Keras 2 names.
    * Initializer/regularizer/constraint configs keep only the arguments pipeseq's
      classes take (Keras 3 adds ``input_axes``...).
    * Activations serialized as ``{"class_name": "function", ...}`` become their
      name if they are Keras built-ins, else the config is refused.
    """
    legacy = str(keras_version or "").startswith(("1", "2."))
    keras1 = str(keras_version or "").startswith("1")
    return _prepare(copy.deepcopy(tree), legacy, keras1, custom_objects)


def _prepare(obj, legacy, keras1, custom_objects=None):
    if isinstance(obj, list):
        return [_prepare(v, legacy, keras1, custom_objects) for v in obj]
    if not isinstance(obj, dict):
        return obj
    if obj.get("class_name") in _REFUSED:
        return obj      # refused (or replaced by custom_objects) by name when it is built
    if obj.get("class_name") in ("function", "__lambda__") or "__lambda__" in obj:
        module = str(obj.get("module", ""))
        if module.startswith("keras.") and isinstance(obj.get("config"), str) and \
                obj.get("class_name") == "function":
            return obj["config"]
        from .. import custom_objects as registry
        found = registry.lookup(obj.get("config"), custom_objects)
        if found is not None:          # a function your code supplied under that name
            return found
        raise UnsafeConfigError(
            f"Refusing to load a custom function from the file ({obj.get('config', obj)!r:.80}): "
            "pipeseq never executes code from a file. Pass custom_objects with your own function.")
    lambda_layer = obj.get("class_name") == "Lambda" and isinstance(obj.get("config"), dict)
    out = {}
    for k, v in obj.items():
        if keras1 and k in _KERAS1_KEYS and _KERAS1_KEYS[k] not in obj:
            k = _KERAS1_KEYS[k]
        if lambda_layer and k == "config":     # Lambda.from_config resolves its functions
            out[k] = {ck: (cv if ck in ("function", "output_shape", "mask") else
                           _prepare(cv, legacy, keras1, custom_objects)) for ck, cv in v.items()}
            continue
        v = _prepare(v, legacy, keras1, custom_objects)
        if legacy and k in _ACTIVATION_KEYS and v == "hard_sigmoid":
            v = "legacy_hard_sigmoid"
        out[k] = v
    if isinstance(out.get("config"), dict) and "class_name" in out and \
            (str(out.get("module", "")).startswith(_SAFE_MODULES) or _is_keras_object(out)):
        out["config"] = _filter_object_config(out["class_name"], out["config"])
    return out


def _is_keras_object(entry):
    """An initializer/regularizer/constraint entry (a layer, e.g. Identity, has a "name")."""
    from .. import initializers, regularizers
    if str(entry.get("module", "")).startswith("keras.layers") or "name" in entry["config"]:
        return False
    return entry["class_name"] in initializers._REGISTRY or \
        entry["class_name"] in getattr(regularizers, "_REGISTRY", {}) or \
        entry["class_name"] in getattr(regularizers, "_CONSTRAINTS", {})


def _filter_object_config(class_name, config):
    from .. import initializers, regularizers
    for reg in (initializers._REGISTRY, getattr(regularizers, "_REGISTRY", {}),
                getattr(regularizers, "_CONSTRAINTS", {})):
        cls = reg.get(class_name)
        if cls is not None and isinstance(cls, type):
            try:
                params = inspect.signature(cls.__init__).parameters
            except (TypeError, ValueError):
                return config
            if any(p.kind == p.VAR_KEYWORD for p in params.values()):
                return config
            return {k: v for k, v in config.items() if k in params}
    return config
