"""compat: Python Keras names on pipeseq, so Keras code runs with only its imports changed.

``from keras.layers import Dense`` becomes ``from compat.layers import Dense``;
``import keras`` becomes ``import compat as keras``. The Keras 1/2 spellings
of old tutorials (``nb_epoch``, ``Convolution2D(32, 3, 3)``, ``init=``,
``border_mode=``, ``lr=``…) are accepted, translated to their modern names and
reported once each with a ``DeprecationWarning``. compat renames and
translates; the engine (``pipeseq``) does the work.

Modules: ``models``, ``layers``, ``optimizers``, ``losses`` (alias
``objectives``), ``metrics``, ``callbacks``, ``initializers``,
``regularizers``, ``constraints``, ``activations``, ``backend``, ``utils``
(with ``utils.np_utils``, ``utils.data_utils``), ``datasets``, ``preprocessing``,
``applications``, ``ops`` (Keras 3's ``keras.ops``), ``saving``.

Example
-------
>>> import compat as keras
>>> model = keras.models.Sequential([keras.layers.Dense(1, input_shape=(3,))])
>>> model.count_params()
4
"""
import importlib

__version__ = "3.0.0"   # the Keras API level compat follows (pipeseq's own version differs)

_SUBMODULES = ("models", "layers", "optimizers", "losses", "objectives", "metrics", "callbacks",
               "initializers", "regularizers", "constraints", "activations", "backend", "utils",
               "datasets", "preprocessing", "applications", "ops", "saving")
_TOP_LEVEL = {"Sequential": "models", "Model": "models", "Input": "layers",
              "load_model": "models", "model_from_json": "models"}

__all__ = list(_SUBMODULES) + list(_TOP_LEVEL)


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _TOP_LEVEL:
        return getattr(importlib.import_module(f"{__name__}.{_TOP_LEVEL[name]}"), name)
    from pipeseq.utils import did_you_mean
    raise AttributeError(f"module 'compat' has no attribute {name!r}.{did_you_mean(name, __all__)}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
