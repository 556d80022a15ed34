"""Public saving/loading functions (what ``model.save``, ``load_model``... call).

* ``save_weights``: ``*.weights.h5`` -> Keras 3 layout; ``*.h5``/``*.hdf5`` -> Keras 2 layout.
* ``load_weights``: layout detected from the file's content (Keras 3, Keras 2
  weights, Keras 2/3 full-model ``.h5``, or a ``.keras`` archive).
* ``save_model`` / ``load_model``: ``.keras`` zip or legacy full-model ``.h5``.
* ``model_to_json`` / ``model_from_json``.

All writes go to a temporary file that is renamed into place; all reads are
checked against the model before anything is assigned.

Example
-------
>>> import os, tempfile, numpy as np
>>> from pipeseq import Sequential
>>> from pipeseq.layers import Dense
>>> m = Sequential([Dense(2, input_shape=(3,))])
>>> path = os.path.join(tempfile.mkdtemp(), "m.keras")
>>> save_model(m, path)
>>> m2 = load_model(path)
>>> bool(np.allclose(m2.predict(np.ones((1, 3)), verbose=0), m.predict(np.ones((1, 3)), verbose=0)))
True
"""
import json
import os
import warnings

from .. import limits
from ..errors import FileFormatError, UnsafeConfigError, WeightMismatchError, cap
from . import configcheck, h5io, keras_zip
from . import weights as wmod
from ..layers.serialization import deserialize_layer, serialize_layer
from .serialization import prepare_config

__all__ = ["save_model", "load_model", "save_weights", "load_weights", "model_to_json",
           "model_from_json", "FileFormatError", "WeightMismatchError", "UnsafeConfigError"]


def _suffix_kind(path):
    p = str(path).lower()
    if p.endswith(".weights.h5"):
        return "keras3_weights"
    if p.endswith(".keras"):
        return "keras"
    if p.endswith((".h5", ".hdf5", ".hdf", ".h5py")):
        return "h5"
    return None


def _require_built(model, what):
    if not model.built:
        raise ValueError(f"Cannot {what}: model '{model.name}' has not been built yet, so it has "
                         "no weights. Call it on data or build it (model.build((None, n))) first.")


# ------------------------------------------------------------------ weights
def save_weights(model, filepath, overwrite=True, **kwargs):
    """Save the weights: ``*.weights.h5`` (Keras 3 layout) or ``*.h5``/``*.hdf5`` (Keras 2)."""
    filepath = os.fspath(filepath)
    save_format = kwargs.pop("save_format", None)
    if kwargs:
        raise TypeError(f"save_weights(): unrecognized argument(s) {sorted(kwargs)}.")
    _require_built(model, "save weights")
    kind = _suffix_kind(filepath)
    if save_format == "h5" and kind is None:
        kind = "h5"
    if kind == "keras3_weights":
        # As Keras 3: a compiled, trained model's optimizer state goes in too (``optimizer/vars``)
        opt = model.optimizer if getattr(model, "compiled", False) else None
        with h5io.atomic_h5(filepath, overwrite) as f:
            wmod.write_keras3(model, f, optimizer=opt)
    elif kind == "h5":
        with h5io.atomic_h5(filepath, overwrite) as f:
            wmod.write_legacy(model, f)
    else:
        raise ValueError(f"save_weights(): the file name must end in '.weights.h5' (Keras 3 "
                         "layout) or '.h5' / '.hdf5' (Keras 2 layout). "
                         f"Received: filepath={filepath!r}")


def load_weights(model, filepath, by_name=False, skip_mismatch=False, **kwargs):
    """Load weights saved by pipeseq or Keras into ``model``; the layout is read from the file.

    ``by_name=True`` matches layers by name (layers missing from the file keep
    their weights); ``skip_mismatch=True`` skips layers whose weights do not fit
    (with a warning) instead of failing. On any error the model is unchanged.
    """
    filepath = os.fspath(filepath)
    kwargs.pop("objects_to_skip", None)
    if kwargs:
        raise TypeError(f"load_weights(): unrecognized argument(s) {sorted(kwargs)}.")
    _require_built(model, "load weights")
    h5io.check_regular_file(filepath, "weights file")
    if keras_zip.is_zip(filepath):
        members = keras_zip.read_members(filepath)
        with h5io.open_h5_bytes(members["weights"], _member(filepath)) as f:
            scan = wmod.check_file(f, _member(filepath))
            _load_keras3(model, f, filepath, by_name, skip_mismatch, scan)
        return
    with h5io.open_h5(filepath) as f:
        scan = wmod.check_file(f, f"'{filepath}'")
        layout = wmod.detect_layout(f)
        if layout == "keras3":
            _load_keras3(model, f, filepath, by_name, skip_mismatch, scan)
        else:
            g = _h5_group(f, "model_weights") if layout == "legacy_model" else f
            pending = _with_path(filepath, wmod.read_legacy, model, g, by_name, skip_mismatch)
            wmod.assign_all(pending)


def _load_keras3(model, f, filepath, by_name, skip_mismatch, scan=None):
    pending = _with_path(filepath, wmod.read_keras3, model, f, skip_mismatch, by_name, scan)
    restore_opt = None
    if getattr(model, "compiled", False):
        restore_opt = wmod.read_optimizer_keras3(model, model.optimizer, f)
    wmod.assign_all(pending)
    if restore_opt is not None:
        restore_opt()


def _with_path(filepath, fn, *args):
    try:
        return fn(*args)
    except WeightMismatchError as e:
        raise WeightMismatchError(f"Cannot load weights from '{filepath}' into model "
                                  f"'{args[0].name}': {e}") from None


def _member(filepath):
    return f"'model.weights.h5' in '{filepath}'"


def _h5_group(f, name):
    from . import h5safe
    return h5safe.get(f, name, "group")


# ------------------------------------------------------------------ models
def save_model(model, filepath, overwrite=True, include_optimizer=True, **kwargs):
    """Save architecture + weights (+ compile config/optimizer state).

    ``.keras`` -> Keras 3 zip; ``.h5``/``.hdf5`` -> legacy Keras full-model HDF5.
    """
    filepath = os.fspath(filepath)
    save_format = kwargs.pop("save_format", None)
    kwargs.pop("zipped", None)
    if kwargs:
        raise TypeError(f"save_model(): unrecognized argument(s) {sorted(kwargs)}.")
    _require_built(model, "save the model")
    kind = _suffix_kind(filepath)
    if save_format in ("h5", "keras") and kind is None:
        kind = save_format
    if kind == "keras":
        keras_zip.write_keras_zip(model, filepath, overwrite, include_optimizer)
    elif kind in ("h5", "keras3_weights"):
        _save_legacy_model(model, filepath, overwrite, include_optimizer)
    else:
        raise ValueError("save_model(): the file name must end in '.keras' (Keras 3 archive) or "
                         f"'.h5' / '.hdf5' (legacy HDF5). Received: filepath={filepath!r}")


def _save_legacy_model(model, filepath, overwrite, include_optimizer):
    """Legacy full-model HDF5 with a Keras 2 style config (tf_keras and Keras 3 both load it)."""
    from . import keras2
    config = keras2.model_config(model)
    with h5io.atomic_h5(filepath, overwrite) as f:
        f.attrs["backend"] = wmod.BACKEND
        f.attrs["keras_version"] = wmod.KERAS_VERSION
        f.attrs["model_config"] = json.dumps(config)
        cc = model.get_compile_config() if include_optimizer else {}
        if cc:
            n_out = len(getattr(model, "outputs", None) or [None])
            f.attrs["training_config"] = json.dumps(keras2.training_config(cc, n_out))
        wmod.write_legacy(model, f.create_group("model_weights"))


def load_model(filepath, custom_objects=None, compile=True, **kwargs):
    """Load a model saved by pipeseq or Keras (``.keras`` archive or full-model ``.h5``).

    A bad file raises :class:`FileFormatError`, :class:`WeightMismatchError`,
    :class:`UnsafeConfigError` or an ``OSError`` (see :mod:`pipeseq.errors`), before
    the model's weights are allocated where the file could not fill them.
    """
    filepath = os.fspath(filepath)
    kwargs.pop("safe_mode", None)
    if kwargs:
        raise TypeError(f"load_model(): unrecognized argument(s) {sorted(kwargs)}.")
    try:
        size = h5io.check_regular_file(filepath, "model file")
    except IsADirectoryError as e:
        raise FileFormatError(str(e)) from None
    if keras_zip.is_zip(filepath):
        return _load_keras_zip(filepath, custom_objects, compile)
    if h5io.is_hdf5(filepath):
        return _load_legacy_model(filepath, custom_objects, compile)
    if size == 0:
        raise FileFormatError(f"Cannot load model from '{filepath}': the file is empty.")
    raise FileFormatError(f"Cannot load model from '{filepath}': it is neither a .keras archive "
                          "(zip) nor an HDF5 file.")


def _build_from_config(config, custom_objects, keras_version, filepath, budget=None):
    """Rebuild the model a config describes; with ``budget`` (bytes), no weight beyond it is
    ever allocated. Every failure is one of the documented errors."""
    label = f"'{filepath}'" if filepath != "<json>" else "the JSON config"
    if not isinstance(config, dict) or "class_name" not in config:
        raise FileFormatError(f"{label}: the model config is not a Keras model config.")
    configcheck.check_config(config, label)
    try:
        config = prepare_config(config, keras_version, custom_objects)
        if budget is None:
            model = deserialize_layer(config, custom_objects=custom_objects)
        else:
            with limits.allocation_budget(budget + limits.BUDGET_SLACK, label):
                model = deserialize_layer(config, custom_objects=custom_objects)
    except (UnsafeConfigError, WeightMismatchError, FileFormatError) as e:
        raise type(e)(f"Cannot load model from {label}: {e}") from None
    except OSError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError,
            MemoryError, OverflowError, ArithmeticError) as e:
        raise FileFormatError(f"Cannot load model from {label}: the config is invalid "
                              f"({type(e).__name__}: {cap(e, 1500)})") from None
    if not hasattr(model, "layers"):
        raise FileFormatError(f"{label}: the config describes a {type(model).__name__}, "
                              "not a model.")
    return model


def _load_keras_zip(filepath, custom_objects, compile):
    members = keras_zip.read_members(filepath)
    with h5io.open_h5_bytes(members["weights"], _member(filepath)) as f:
        scan = wmod.check_file(f, _member(filepath))
        version = members["metadata"].get("keras_version") if isinstance(
            members["metadata"], dict) else None
        model = _build_from_config(members["config"], custom_objects, version, filepath,
                                   budget=scan.credit)
        _require_built(model, f"load the weights of '{filepath}'")
        cc = members["config"].get("compile_config") or {}
        if compile and cc:
            _compile_from(model, cc, filepath, custom_objects)
        _load_keras3(model, f, filepath, False, False, scan)
    try:
        keras_zip.load_assets(model, members.get("assets", {}))
    except (ValueError, TypeError, UnicodeDecodeError, OSError) as e:
        raise FileFormatError(f"Cannot load model from '{filepath}': a layer's assets are "
                              f"invalid ({type(e).__name__}: {cap(e, 500)})") from None
    return model


def _load_legacy_model(filepath, custom_objects, compile):
    with h5io.open_h5(filepath, "model file") as f:
        scan = wmod.check_file(f, f"'{filepath}'")
        raw = h5io.get_attr(f, "model_config")
        if raw is None:
            raise FileFormatError(
                f"'{filepath}' holds weights only (no 'model_config' attribute), not a whole "
                "model. Build the model in code and call model.load_weights() on this file.")
        config = configcheck.parse_json(raw, f"model_config of '{filepath}'")
        version = h5io.get_attr(f, "keras_version")
        model = _build_from_config(config, custom_objects, version, filepath, budget=scan.credit)
        _require_built(model, f"load the weights of '{filepath}'")
        g = _h5_group(f, "model_weights") or f
        pending = _with_path(filepath, wmod.read_legacy, model, g, False, False)
        wmod.assign_all(pending)
        training = h5io.get_attr(f, "training_config")
        if compile and training:
            try:
                tc = configcheck.check_config(
                    configcheck.parse_json(training, f"training_config of '{filepath}'"),
                    f"training_config of '{filepath}'")
                cc = {"optimizer": tc.get("optimizer_config"), "loss": tc.get("loss"),
                      "metrics": tc.get("metrics"), "loss_weights": tc.get("loss_weights")}
                _compile_from(model, cc, filepath, custom_objects)
            except (FileFormatError, UnsafeConfigError, AttributeError) as e:
                warnings.warn(f"'{filepath}': training_config cannot be used ({cap(e, 300)}); "
                              "the model is loaded uncompiled.", stacklevel=2)
    return model


def _compile_from(model, cc, filepath, custom_objects=None):
    """Compile from a Keras compile config; on failure warn and leave the model uncompiled.

    Losses and metrics of your own are found by name in ``custom_objects`` (or the
    custom-object registry / scopes), never imported from the file.
    """
    from ..training import optimizers
    cc = dict(cc, loss=_custom(cc.get("loss"), custom_objects),
              metrics=_custom(cc.get("metrics"), custom_objects))
    try:
        opt = cc.get("optimizer")
        if isinstance(opt, dict):
            name = str(opt.get("class_name", "")).replace("Custom>", "")
            cls = optimizers.CLASSES.get(name) or optimizers.OPTIMIZERS.get(name.lower())
            if cls is None:
                raise ValueError(f"unknown optimizer {name!r}")
            accepted = set(cls._accepted())
            conf = {k: v for k, v in (opt.get("config") or {}).items() if k in accepted}
            if conf.get("name") == name:      # Keras 2 names optimizers "Adam": use the default
                conf.pop("name")
            opt = cls.from_config(conf)
        model.compile(optimizer=opt if opt is not None else "rmsprop",
                      loss=_loss_spec(cc.get("loss")), metrics=_metric_spec(cc.get("metrics")),
                      loss_weights=cc.get("loss_weights"))
    except Exception as e:
        warnings.warn(f"'{filepath}': could not restore the compile configuration ({e}); the "
                      "model is loaded uncompiled. Call compile() yourself.", stacklevel=3)


def _custom(spec, custom_objects):
    """Replace names / Keras function and class entries by the objects your code supplied."""
    from .. import custom_objects as registry
    if isinstance(spec, list):
        return [_custom(v, custom_objects) for v in spec]
    if isinstance(spec, str):
        found = registry.lookup(spec, custom_objects)
        return spec if found is None else found
    if isinstance(spec, dict) and "class_name" in spec:
        name = spec["config"] if spec["class_name"] == "function" else spec["class_name"]
        found = registry.lookup(spec.get("registered_name") or "", custom_objects) \
            if spec.get("registered_name") not in (None, "function") else None
        found = found or registry.lookup(name if isinstance(name, str) else "", custom_objects)
        if found is None:
            return spec
        if isinstance(found, type):
            conf = {k: v for k, v in (spec.get("config") or {}).items()
                    if k not in ("reduction", "dtype")}
            try:
                return found(**conf)
            except TypeError:
                return found()
        return found
    if isinstance(spec, dict):
        return {k: _custom(v, custom_objects) for k, v in spec.items()}
    return spec


def _loss_spec(loss):
    if isinstance(loss, dict) and "class_name" in loss:
        from ..training import losses
        if loss["class_name"] in losses.LOSS_CLASSES:
            return losses.get(loss)       # a built-in loss object, with its options
        name = (loss.get("config") or {}).get("name") or loss["class_name"]
        return name
    if isinstance(loss, dict):
        return {k: _loss_spec(v) for k, v in loss.items()}
    if isinstance(loss, list):
        return [_loss_spec(v) for v in loss]
    return loss


def _metric_spec(metrics):
    if metrics is None:
        return None
    if isinstance(metrics, dict) and "class_name" in metrics:
        return (metrics.get("config") or {}).get("name") or metrics["class_name"]
    if isinstance(metrics, list):
        out = [_metric_spec(m) for m in metrics]
        return [m for m in out if m is not None] or None
    return metrics


# ------------------------------------------------------------------ JSON
def model_to_json(model, **kwargs):
    """The model's Keras 3 config as a JSON string (``model.to_json()``)."""
    return json.dumps(serialize_layer(model), **kwargs)


def model_from_json(json_string, custom_objects=None):
    """Rebuild a model (fresh weights) from ``to_json()`` output (Keras 1/2/3)."""
    config = configcheck.parse_json(json_string, "model_from_json()")
    version = config.get("keras_version") if isinstance(config, dict) else None
    return _build_from_config(config, custom_objects, version, "<json>")
