"""Keras 2 (tf.keras / tf_keras) forms of a model's config and compile config, for the legacy
full-model ``.h5`` (``model.save("m.h5")``, R ``save_model_hdf5``).

Written so that BOTH tf_keras 2.x and Keras 3 load the file (``load_model``, also with
``compile=True``), as checked with tools/check_pipeseq_files_in_keras.py:

* the input layer carries ``batch_input_shape`` (Keras 3 accepts it too), dtypes are plain
  strings, the model's ``layers`` entries are ``{class_name, config}`` (plus ``name`` and
  Keras 2 ``inbound_nodes`` lists in a functional model);
* keys only Keras 3 knows are dropped when they hold their default (``quantization_config``,
  ``seed`` of LSTM/GRU, initializers' ``input_axes``...); LeakyReLU's ``negative_slope`` is
  written as Keras 2's ``alpha``; ``silu`` as ``swish``;
* keys only tf_keras writes that Keras 3 refuses (``time_major``, transposed/depthwise/separable
  convolutions' ``groups``) are never written -- tf_keras uses its defaults;
* the training config follows tf_keras: full loss names (Keras 3 cannot resolve ``"mse"`` as a
  loss there), metrics as a list of names, the optimizer as ``Custom>Adam`` named ``Adam``
  (Keras 3 looks it up by that name) with tf_keras's optimizer arguments.

Example
-------
>>> from pipeseq import Sequential
>>> from pipeseq.layers import Dense
>>> m = Sequential([Dense(2, input_shape=(3,), name="d")])
>>> cfg = model_config(m)
>>> cfg["config"]["layers"][0]["config"]["batch_input_shape"], cfg["config"]["layers"][1]["config"]["dtype"]
([None, 3], 'float32')
"""
from ..layers.serialization import serialize_layer

# Keras-3-only config keys tf_keras refuses, with the value at which they can be left out.
_KERAS3_ONLY = {"quantization_config": None, "lora_rank": None, "lora_alpha": None,
                "zero_output_for_mask": None, "seed": None, "rms_scaling": False,
                "synchronized": False, "data_format": "channels_last", "noise_shape": None,
                "use_gate": False, "sliding_window": None}
_KERAS3_ONLY_ANY_VALUE = {"zero_output_for_mask"}
# Keys tf_keras writes but Keras 3 refuses (never written; tf_keras defaults apply).
_NOT_FOR_KERAS3 = {"time_major"}
_ZERO_GROUP_CLASSES = {"Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose",
                       "DepthwiseConv2D", "DepthwiseConv1D", "SeparableConv1D", "SeparableConv2D"}
# Keys to drop at their default only for these classes (other classes keep them).
_CLASS_KEYS = {"seed": {"LSTM", "GRU", "SimpleRNN", "MultiHeadAttention", "ConvLSTM1D",
                        "ConvLSTM2D", "ConvLSTM3D"},
               "data_format": {"ZeroPadding1D", "Cropping1D", "UpSampling1D", "SpatialDropout1D",
                               "SpatialDropout2D"},
               "noise_shape": {"AlphaDropout"}, "rms_scaling": {"LayerNormalization"},
               "synchronized": {"BatchNormalization"}}
_ACTIVATIONS = {"silu": "swish"}
_INITIALIZER_KEYS3 = ("input_axes", "output_axes")


# Classes whose Keras 2-format (legacy ``.h5``) config names the Python class, not the exported
# name: Keras 3 writes ``GroupedQueryAttention`` there (and ``GroupQueryAttention`` in .keras).
_H5_CLASS_NAMES = {"GroupQueryAttention": "GroupedQueryAttention"}
# Classes tf_keras never had: Keras 3 writes their inbound nodes in its own form
# (``{"args", "kwargs"}``) even in a legacy ``.h5``, and reads them back only in that form.
_KERAS3_NODE_CLASSES = {"GroupQueryAttention"}


def model_config(model):
    """``{"class_name", "config"}`` of ``model`` in the Keras 2 form (see the module doc)."""
    entry = serialize_layer(model)
    return _model(entry, top=True)


def _model(entry, top):
    cls = entry["class_name"]
    cfg = dict(entry["config"])
    out_cfg = {"name": cfg.get("name")}
    if "trainable" in cfg:
        out_cfg["trainable"] = cfg["trainable"]
    functional = "input_layers" in cfg or cls in ("Functional", "Model")
    layers = []
    for e in cfg.get("layers", []):
        if str(e.get("module") or "").startswith("keras.src.ops."):
            layers.append(dict(e))       # an op node: Keras 2 has no form for it, keep Keras 3's
            continue
        le = {"class_name": _H5_CLASS_NAMES.get(e["class_name"], e["class_name"]),
              "config": _layer_config(e)} if top else _nested(e)
        if functional:
            le["name"] = e.get("name", le["config"].get("name"))
            le["inbound_nodes"] = [_node(n, e["class_name"]) for n in e.get("inbound_nodes", [])]
        layers.append(le)
    out_cfg["layers"] = layers
    if functional:
        out_cfg["input_layers"] = cfg.get("input_layers")
        out_cfg["output_layers"] = cfg.get("output_layers")
    elif cfg.get("build_input_shape") is not None:
        out_cfg["build_input_shape"] = cfg["build_input_shape"]
    return {"class_name": cls, "config": out_cfg}


def _nested(e):
    """A layer entry inside a layer's config (a wrapped layer): module and names kept."""
    out = {"module": e.get("module", "keras.layers"),
           "class_name": _H5_CLASS_NAMES.get(e["class_name"], e["class_name"]),
           "config": _layer_config(e), "registered_name": e.get("registered_name")}
    if e.get("build_config") is not None:
        out["build_config"] = e["build_config"]
    return out


def _is_model_entry(e):
    return isinstance(e.get("config"), dict) and isinstance(e["config"].get("layers"), list) and \
        e["class_name"] in ("Sequential", "Functional", "Model")


def _layer_config(e):
    if _is_model_entry(e):
        return _model(e, top=False)["config"]
    cls = e["class_name"]
    cfg = dict(e["config"])
    if cls == "InputLayer":
        out = {"batch_input_shape": cfg.get("batch_shape", cfg.get("batch_input_shape")),
               "dtype": _dtype(cfg.get("dtype")), "sparse": cfg.get("sparse", False),
               "ragged": cfg.get("ragged", False), "name": cfg.get("name")}
        if cfg.get("optional"):
            out["optional"] = True
        return out
    out = {}
    for k, v in cfg.items():
        if k in _NOT_FOR_KERAS3 or (k == "groups" and cls in _ZERO_GROUP_CLASSES and v == 1):
            continue
        if k in _KERAS3_ONLY and (k not in _CLASS_KEYS or cls in _CLASS_KEYS[k]) and \
                (k in _KERAS3_ONLY_ANY_VALUE or v == _KERAS3_ONLY[k]):
            continue
        if k == "dtype":
            v = _dtype(v)
        elif k in ("activation", "recurrent_activation") and isinstance(v, str):
            v = _ACTIVATIONS.get(v, v)
        elif k == "negative_slope" and cls == "LeakyReLU":
            k = "alpha"
        elif isinstance(v, dict) and "class_name" in v and isinstance(v.get("config"), dict):
            v = _nested(v) if _is_layer_entry(v) else _object(v)
        elif isinstance(v, list) and v and all(isinstance(x, dict) and "class_name" in x
                                               for x in v):
            v = [_nested(x) if _is_layer_entry(x) else _object(x) for x in v]
        out[k] = v
    if cls == "MultiHeadAttention":     # tf.keras rebuilds it from these three config keys
        shapes = (e.get("build_config") or {}).get("shapes_dict") or {}
        out["query_shape"] = shapes.get("query_shape")
        out["value_shape"] = shapes.get("value_shape")
        out["key_shape"] = shapes.get("key_shape", shapes.get("value_shape"))
    return out


def _is_layer_entry(v):
    return str(v.get("module", "keras.layers")).startswith("keras.layers") or _is_model_entry(v) \
        or "name" in v.get("config", {})


def _object(v):
    """An initializer/regularizer/constraint entry without Keras-3-only empty arguments."""
    cfg = {k: x for k, x in v["config"].items() if not (k in _INITIALIZER_KEYS3 and x is None)}
    return {**v, "config": cfg}


def _dtype(d):
    if isinstance(d, dict):
        return (d.get("config") or {}).get("name", "float32")
    return d


def _node(n, class_name=None):
    """A Keras 3 inbound node ``{"args": [...], "kwargs": {}}`` as Keras 2's
    ``[[layer_name, node_index, tensor_index, kwargs], ...]``."""
    if isinstance(n, list) or class_name in _KERAS3_NODE_CLASSES:   # Keras 2, or kept as Keras 3
        return n
    from ..layers.base import get_layer_class
    call_args = getattr(get_layer_class(class_name), "call_args", None) if class_name else None
    if call_args:
        from ..models.multi_arg_nodes import keras2_node
        return keras2_node(n, call_args)
    kwargs = {k: v for k, v in (n.get("kwargs") or {}).items() if _plain_json(v)}
    out = []

    def walk(a):
        if isinstance(a, dict) and a.get("class_name") == "__keras_tensor__":
            name, node_index, tensor_index = a["config"]["keras_history"]
            out.append([name, node_index, tensor_index, dict(kwargs)])
        elif isinstance(a, (list, tuple)):
            for x in a:
                walk(x)
    walk(n.get("args", []))
    return out


def _plain_json(v):
    return v is None or isinstance(v, (str, int, float, bool))


# ------------------------------------------------------------------ training config
_OPTIMIZER_KEYS3 = ("loss_scale_factor", "gradient_accumulation_steps")


def training_config(cc, n_outputs=1):
    """tf_keras's ``training_config`` from pipeseq's Keras 3 ``compile_config`` ``cc``.

    A flat metrics list of a model with several outputs is written once per output
    (``[["mae"], ["mae"]]``): what it means in tf_keras and pipeseq, and the only form
    Keras 3 accepts for several outputs.
    """
    from ..training import losses
    opt = cc["optimizer"]
    ocfg = {k: v for k, v in opt["config"].items() if k not in _OPTIMIZER_KEYS3}
    # tf_keras names the optimizer after its class; Keras 3 resolves "Custom>X" by that name
    ocfg.update({"name": opt["class_name"], "jit_compile": False, "is_legacy_optimizer": False})
    return {"loss": _full_names(cc.get("loss"), losses.ALIASES),
            "metrics": _metrics(cc.get("metrics"), n_outputs), "weighted_metrics": None,
            "loss_weights": cc.get("loss_weights"),
            "optimizer_config": {"class_name": f"Custom>{opt['class_name']}", "config": ocfg}}


def _full_names(obj, aliases):
    if isinstance(obj, str):
        return aliases.get(obj, obj)
    if isinstance(obj, dict) and "class_name" not in obj:
        return {k: _full_names(v, aliases) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_full_names(v, aliases) for v in obj]
    if isinstance(obj, dict):          # a loss object: tf_keras's {class_name, config}
        return {"class_name": obj["class_name"], "config": obj.get("config", {})}
    return obj


def _metrics(metrics, n_outputs):
    """Metric names as given (``"accuracy"``, ``"mae"``: both Keras resolve them as metrics)."""
    if metrics is None:
        return None
    metrics = _full_names(metrics, {})
    if n_outputs > 1 and isinstance(metrics, list) and not (
            len(metrics) == n_outputs and all(isinstance(m, list) or m is None for m in metrics)):
        metrics = [list(metrics) for _ in range(n_outputs)]
    return metrics
