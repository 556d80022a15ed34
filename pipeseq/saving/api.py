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
import io
import json
import os
import warnings

from . import h5io, keras_zip
from . import weights as wmod
from .h5io import FileFormatError, WeightMismatchError
from ..layers.serialization import UnsafeConfigError, deserialize_layer, serialize_layer
from .serialization import prepare_config

__all__ = ["save_model", "load_model", "save_weights", "load_weights", "model_to_json",
           "model_from_json", "FileFormatError", "WeightMismatchError", "UnsafeConfigError"]

MODEL_CONFIG_LIMIT = keras_zip.JSON_LIMIT


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
        with h5io.atomic_h5(filepath, overwrite) as f:
            wmod.write_keras3(model, f)
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
    if not os.path.exists(filepath):
        raise FileNotFoundError(f"No such weights file: '{filepath}'.")
    if keras_zip.is_zip(filepath):
        members = keras_zip.read_members(filepath, lambda cfg: keras_zip.weights_bound_for(model))
        with _h5_from_bytes(members["weights"], filepath) as f:
            _load_keras3(model, f, filepath, by_name, skip_mismatch)
        return
    with h5io.open_h5(filepath) as f:
        layout = wmod.detect_layout(f)
        if layout == "keras3":
            _load_keras3(model, f, filepath, by_name, skip_mismatch)
        else:
            g = f["model_weights"] if layout == "legacy_model" else f
            pending = _with_path(filepath, wmod.read_legacy, model, g, by_name, skip_mismatch)
            wmod.assign_all(pending)


def _load_keras3(model, f, filepath, by_name, skip_mismatch):
    pending = _with_path(filepath, wmod.read_keras3, model, f, skip_mismatch, by_name)
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


class _h5_from_bytes:
    """An in-memory ``h5py.File`` over bytes (no path on disk is ever derived from the archive)."""

    def __init__(self, data, source):
        self.data, self.source = data, source

    def __enter__(self):
        import h5py
        if not self.data.startswith(h5io.HDF5_SIGNATURE):
            raise FileFormatError(f"'{self.source}': model.weights.h5 in the archive is not an "
                                  "HDF5 file.")
        try:
            self.f = h5py.File(io.BytesIO(self.data), "r")
        except Exception as e:
            raise FileFormatError(f"'{self.source}': model.weights.h5 in the archive is damaged "
                                  f"({type(e).__name__}: {e}).") from None
        return self.f

    def __exit__(self, *exc):
        self.f.close()
        if exc[0] is not None and issubclass(exc[0], (OSError, KeyError, RuntimeError)) and \
                not issubclass(exc[0], (FileFormatError, WeightMismatchError, FileNotFoundError)):
            raise FileFormatError(f"'{self.source}': model.weights.h5 in the archive is damaged "
                                  f"({exc[0].__name__}: {exc[1]}).") from None
        return False


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
    """Load a model saved by pipeseq or Keras (``.keras`` archive or full-model ``.h5``)."""
    filepath = os.fspath(filepath)
    kwargs.pop("safe_mode", None)
    if kwargs:
        raise TypeError(f"load_model(): unrecognized argument(s) {sorted(kwargs)}.")
    if not os.path.exists(filepath):
        raise FileNotFoundError(f"No such model file: '{filepath}'.")
    if os.path.isdir(filepath):
        raise FileFormatError(f"'{filepath}' is a directory (a TensorFlow SavedModel?). pipeseq "
                              "reads .keras archives and .h5 files.")
    if keras_zip.is_zip(filepath):
        return _load_keras_zip(filepath, custom_objects, compile)
    if h5io.is_hdf5(filepath):
        return _load_legacy_model(filepath, custom_objects, compile)
    if os.path.getsize(filepath) == 0:
        raise FileFormatError(f"Cannot load model from '{filepath}': the file is empty.")
    raise FileFormatError(f"Cannot load model from '{filepath}': it is neither a .keras archive "
                          "(zip) nor an HDF5 file.")


def _build_from_config(config, custom_objects, keras_version, filepath):
    if not isinstance(config, dict) or "class_name" not in config:
        raise FileFormatError(f"'{filepath}': the model config is not a Keras model config.")
    config = prepare_config(config, keras_version, custom_objects)
    try:
        model = deserialize_layer(config, custom_objects=custom_objects)
    except UnsafeConfigError as e:
        raise UnsafeConfigError(f"Cannot load model from '{filepath}': {e}") from None
    except ValueError as e:
        if isinstance(e, (FileFormatError, WeightMismatchError)):
            raise
        raise ValueError(f"Cannot load model from '{filepath}': {e}") from None
    if not hasattr(model, "layers"):
        raise FileFormatError(f"'{filepath}': the config describes a {type(model).__name__}, "
                              "not a model.")
    return model


def _load_keras_zip(filepath, custom_objects, compile):
    holder = {}

    def bound(cfg):
        model = _build_from_config(cfg, custom_objects, None, filepath)
        holder["model"] = model
        return keras_zip.weights_bound_for(model)

    members = keras_zip.read_members(filepath, bound)
    model = holder["model"]
    _require_built(model, f"load the weights of '{filepath}'")
    cc = members["config"].get("compile_config") or {}
    if compile and cc:
        _compile_from(model, cc, filepath, custom_objects)
    with _h5_from_bytes(members["weights"], filepath) as f:
        _load_keras3(model, f, filepath, False, False)
    return model


def _load_legacy_model(filepath, custom_objects, compile):
    with h5io.open_h5(filepath, "model file") as f:
        raw = h5io.get_attr(f, "model_config")
        if raw is None:
            raise FileFormatError(
                f"'{filepath}' holds weights only (no 'model_config' attribute), not a whole "
                "model. Build the model in code and call model.load_weights() on this file.")
        if isinstance(raw, (bytes, str)) and len(raw) > MODEL_CONFIG_LIMIT:
            raise FileFormatError(f"'{filepath}': model_config is implausibly large.")
        try:
            config = json.loads(raw)
        except (TypeError, json.JSONDecodeError) as e:
            raise FileFormatError(f"'{filepath}': model_config is not valid JSON ({e}).") from None
        version = h5io.get_attr(f, "keras_version")
        model = _build_from_config(config, custom_objects, version, filepath)
        _require_built(model, f"load the weights of '{filepath}'")
        g = f["model_weights"] if "model_weights" in f else f
        pending = _with_path(filepath, wmod.read_legacy, model, g, False, False)
        wmod.assign_all(pending)
        training = h5io.get_attr(f, "training_config")
        if compile and training:
            try:
                tc = json.loads(training)
                cc = {"optimizer": tc.get("optimizer_config"), "loss": tc.get("loss"),
                      "metrics": tc.get("metrics"), "loss_weights": tc.get("loss_weights")}
                _compile_from(model, cc, filepath, custom_objects)
            except json.JSONDecodeError:
                warnings.warn(f"'{filepath}': training_config is not valid JSON; the model is "
                              "loaded uncompiled.", stacklevel=2)
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
    try:
        config = json.loads(json_string)
    except (TypeError, json.JSONDecodeError) as e:
        raise ValueError(f"model_from_json(): not valid JSON ({e}).") from None
    version = config.get("keras_version") if isinstance(config, dict) else None
    return _build_from_config(config, custom_objects, version, "<json>")
