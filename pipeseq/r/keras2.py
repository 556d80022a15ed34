"""R keras 2.x functions that R scripts still call: ``backend()``, ``serialize_model()`` /
``unserialize_model()``, ``model_to_yaml()`` / ``model_from_yaml()``.

* ``K <- backend(); K$mean(x)`` translates to ``K = backend(); K.mean(x)``: R keras 2's
  ``backend()`` returned Python Keras's backend module, so its functions take Python's
  0-based axes (``axis = -1L``), unlike R's ``k_*`` functions (1-based).
* ``serialize_model(model)`` is the model as a raw vector: the bytes of a legacy full-model
  HDF5 file, as R keras 2 writes it (``save_model_hdf5`` to a temporary file, read back).
  ``unserialize_model(raw)`` reverses it, through the same safe loader as ``load_model_hdf5``.
* ``model_to_yaml`` / ``model_from_yaml`` were removed from TensorFlow 2.6 (YAML loading could
  run code); R keras 2 warned and then failed. pipeseq refuses with the same advice: use
  ``model_to_json()``.

Example
-------
>>> import numpy as np
>>> from pipeseq import keras_model_sequential, layer_dense
>>> model = keras_model_sequential(input_shape=3) | layer_dense(units=2)
>>> raw = serialize_model(model)
>>> raw[:4]                             # an HDF5 file's signature
b'\\x89HDF'
>>> model2 = unserialize_model(raw)
>>> x = np.ones((1, 3), dtype="float32")
>>> bool(np.allclose(model2.predict(x, verbose=0), model.predict(x, verbose=0)))
True
>>> K = backend()
>>> float(K.mean(np.array([1.0, 2.0, 3.0])))
2.0
"""
import os
import tempfile

__all__ = ["backend", "serialize_model", "unserialize_model", "model_to_yaml", "model_from_yaml"]


def backend(convert=True):
    """The Keras backend functions, as R keras 2's ``backend()`` returns them.

    Parameters
    ----------
    convert : bool
        Accepted for R compatibility (R's reticulate conversion flag); no effect.

    Returns
    -------
    module
        The module behind ``compat.backend`` (``K.*``, Python's 0-based axes).

    Example
    -------
    >>> K = backend()
    >>> K.epsilon()
    1e-07
    """
    from . import array_ops
    return array_ops


def _model_check(model, fn):
    from ..models.model import Model
    if not isinstance(model, Model):
        raise TypeError(f"{fn}(): you must pass a Keras model object. "
                        f"Received: {type(model).__name__}")


def serialize_model(model, include_optimizer=True):
    """The model as bytes (R's raw vector): a legacy full-model HDF5 file.

    Parameters
    ----------
    model : Model
    include_optimizer : bool
        Store the optimizer's state too (R keras 2's default).

    Returns
    -------
    bytes

    Example
    -------
    >>> raw = serialize_model(model)                               # doctest: +SKIP
    """
    _model_check(model, "serialize_model")
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "keras_model.h5")
        model.save(path, overwrite=True, include_optimizer=include_optimizer)
        with open(path, "rb") as f:
            return f.read()


def unserialize_model(model, custom_objects=None, compile=True):
    """The model back from :func:`serialize_model`'s bytes (R ``unserialize_model(model)``).

    Parameters
    ----------
    model : bytes
        What :func:`serialize_model` returned (a legacy HDF5 file's bytes).
    custom_objects : dict, optional
    compile : bool

    Returns
    -------
    Model

    Example
    -------
    >>> model2 = unserialize_model(serialize_model(model))         # doctest: +SKIP
    """
    if not isinstance(model, (bytes, bytearray, memoryview)):
        raise TypeError("unserialize_model(): `model` must be the raw bytes serialize_model() "
                        f"returned. Received: {type(model).__name__}")
    from ..saving import api
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "keras_model.h5")
        with open(path, "wb") as f:
            f.write(bytes(model))
        return api.load_model(path, custom_objects=custom_objects, compile=compile)


_YAML_GONE = ("The ability to serialize models to/from YAML was removed in TensorFlow 2.6 "
              "(loading YAML could run arbitrary code); R keras 2 warned and then failed. "
              "Use model_to_json() / model_from_json() instead.")


def model_to_yaml(object):
    """Refused, as in R keras 2 on TensorFlow >= 2.6: use :func:`model_to_json`.

    Example
    -------
    >>> model_to_yaml(model)                                       # doctest: +SKIP
    Traceback (most recent call last):
    NotImplementedError: The ability to serialize models to/from YAML was removed ...
    """
    raise NotImplementedError(_YAML_GONE)


def model_from_yaml(yaml, custom_objects=None):
    """Refused, as in R keras 2 on TensorFlow >= 2.6: use :func:`model_from_json`.

    Example
    -------
    >>> model_from_yaml("...")                                     # doctest: +SKIP
    Traceback (most recent call last):
    NotImplementedError: The ability to serialize models to/from YAML was removed ...
    """
    raise NotImplementedError(_YAML_GONE)
