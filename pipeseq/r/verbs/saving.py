"""R verbs for files: ``save_model``/``load_model`` (``.keras``), ``*_hdf5`` (legacy HDF5),
``save_model_weights``/``load_model_weights``, ``model_to_json``/``model_from_json``."""
import builtins
import os
import tempfile

from ...layers.serialization import deserialize_layer
from ...saving import api
from ..rlist import RList
from .base import _verb

__all__ = ['save_model_weights_hdf5', 'load_model_weights_hdf5', 'save_model_weights', 'load_model_weights', 'save_model_hdf5', 'save_model', 'load_model', 'load_model_hdf5', 'model_to_json', 'model_from_json', 'get_config', 'from_config']


# ------------------------------------------------------------ files
@_verb()
def save_model_weights_hdf5(object, filepath, overwrite=True):
    """Save the weights to a legacy Keras HDF5 file (``.h5``); returns the model.

    Example
    -------
    >>> model | save_model_weights_hdf5("weights.h5")              # doctest: +SKIP
    """
    object.save_weights(filepath, overwrite=overwrite)
    return object


@_verb()
def load_model_weights_hdf5(object, filepath, by_name=False, skip_mismatch=False, reshape=False):
    """Load weights from an HDF5 file (Keras- or pipeseq-written); returns the model.

    Example
    -------
    >>> model | load_model_weights_hdf5("weights.h5")              # doctest: +SKIP
    """
    object.load_weights(filepath, by_name=by_name, skip_mismatch=skip_mismatch)
    return object


@_verb()
def save_model_weights(object, filepath, overwrite=False, **kwargs):
    """Save the weights (keras3 ``save_model_weights()``; ``.weights.h5``); returns the model.

    Example
    -------
    >>> model | save_model_weights("model.weights.h5")             # doctest: +SKIP
    """
    object.save_weights(filepath, overwrite=overwrite, **kwargs)
    return object


@_verb()
def load_model_weights(object, filepath, skip_mismatch=False, **kwargs):
    """Load weights (keras3 ``load_model_weights()``); returns the model.

    Example
    -------
    >>> model | load_model_weights("model.weights.h5")             # doctest: +SKIP
    """
    object.load_weights(filepath, skip_mismatch=skip_mismatch, **kwargs)
    return object


@_verb()
def save_model_hdf5(object, filepath, overwrite=True, include_optimizer=True):
    """Save architecture + weights (+ optimizer) to a legacy ``.h5`` file; returns the model.

    Example
    -------
    >>> save_model_hdf5(model, "model.h5")                         # doctest: +SKIP
    """
    object.save(filepath, overwrite=overwrite, include_optimizer=include_optimizer)
    return object


@_verb()
def save_model(object, filepath=None, overwrite=False, **kwargs):
    """Save the whole model as a ``.keras`` zip; returns the model (keras3).

    With ``filepath=None`` the bytes of the ``.keras`` file are returned instead.

    Example
    -------
    >>> save_model(model, "model.keras")                           # doctest: +SKIP
    """
    if filepath is None:
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "model.keras")
            object.save(path, overwrite=True, **kwargs)
            with open(path, "rb") as f:
                return f.read()
    object.save(filepath, overwrite=overwrite, **kwargs)
    return object


def load_model(filepath, custom_objects=None, compile=True, **kwargs):
    """Load a model saved as ``.keras`` or legacy ``.h5`` (or the bytes of a ``.keras`` file).

    Example
    -------
    >>> model = load_model("model.keras")                          # doctest: +SKIP
    """
    if isinstance(filepath, (bytes, bytearray)):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "model.keras")
            with open(path, "wb") as f:
                f.write(filepath)
            return api.load_model(path, custom_objects=custom_objects, compile=compile, **kwargs)
    return api.load_model(filepath, custom_objects=custom_objects, compile=compile, **kwargs)


def load_model_hdf5(filepath, custom_objects=None, compile=True):
    """Load a model from a legacy full-model ``.h5`` file (R keras 2.x).

    Example
    -------
    >>> model = load_model_hdf5("model.h5")                        # doctest: +SKIP
    """
    return load_model(filepath, custom_objects=custom_objects, compile=compile)


@_verb()
def model_to_json(object):
    """The model's architecture as a Keras JSON string.

    Example
    -------
    >>> text = model_to_json(model)                                # doctest: +SKIP
    """
    return object.to_json()


def model_from_json(json, custom_objects=None):
    """A model (fresh weights) from a Keras JSON architecture string.

    Example
    -------
    >>> model2 = model_from_json(model_to_json(model))             # doctest: +SKIP
    """
    return api.model_from_json(json, custom_objects=custom_objects)


class ConfigList(RList):
    """An R named list that remembers the class it configures (R keeps it as an attribute)."""

    __slots__ = ("_class_name",)


def _as_rlist(value, cls=RList):
    if isinstance(value, dict):
        return cls(**{str(k): _as_rlist(v) for k, v in value.items()})
    if isinstance(value, list):
        return [_as_rlist(v) for v in value]
    return value


def get_config(object):
    """A layer's or model's configuration as R's named list (R ``get_config()``).

    ``config$name``, ``config$layers[[1]]`` translate to ``config.name``,
    ``config.layers[0]``; ``from_config(config)`` rebuilds the object (fresh weights).

    Example
    -------
    >>> from pipeseq import keras_model_sequential, layer_dense
    >>> model = keras_model_sequential(input_shape=3, name="m") | layer_dense(units=2)
    >>> config = get_config(model)
    >>> config.name, config.layers[1].config.units
    ('m', 2)
    >>> from_config(config).output_shape
    (None, 2)
    """
    from ...layers.base import Layer
    if not isinstance(object, Layer):
        raise TypeError(f"get_config() applies to a layer or a model. Received: "
                        f"{type(object).__name__}")
    config = _as_rlist(object.get_config(), ConfigList)
    builtins.object.__setattr__(config, "_class_name", type(object).__name__)
    return config


def from_config(config, custom_objects=None):
    """Rebuild a layer or model from :func:`get_config`'s result (R ``from_config()``).

    Example
    -------
    >>> model2 = from_config(get_config(model))                   # doctest: +SKIP
    """
    class_name = getattr(config, "_class_name", None)
    if class_name is None:
        raise ValueError("from_config(): `config` must be what get_config() returned (it "
                         f"records the class). Received: {type(config).__name__}")
    return deserialize_layer({"class_name": class_name, "config": _as_plain(config)},
                             custom_objects=custom_objects)


def _as_plain(value):
    if isinstance(value, RList):
        return {k: _as_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_plain(v) for v in value]
    return value
