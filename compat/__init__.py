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
``applications``, ``ops`` (Keras 3's ``keras.ops``).

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
               "datasets", "preprocessing", "applications", "ops", "random", "config", "saving")
_TOP_LEVEL = {"Sequential": "models", "Model": "models", "Input": "layers",
              "load_model": "models", "model_from_json": "models",
              # Keras 3's top-level base classes (subclass them as in Keras)
              "Layer": "pipeseq.layers.base", "Loss": "pipeseq.training.losses",
              "Metric": "pipeseq.training.metrics", "Optimizer": "pipeseq.training.optimizers",
              "Variable": "pipeseq.variables", "Initializer": "pipeseq.initializers",
              "Regularizer": "pipeseq.regularizers", "KerasTensor": "pipeseq.graph"}

__all__ = list(_SUBMODULES) + list(_TOP_LEVEL) + ["version", "name_scope", "device"]


def version():
    """The Keras API level compat follows (``keras.version()``)."""
    return __version__


class name_scope:
    """``with keras.name_scope("block"):`` — accepted; pipeseq names layers without scopes."""

    def __init__(self, name, **kwargs):
        self.name = name

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class device(name_scope):
    """``with keras.device("cpu:0"):`` — accepted; pipeseq always computes on the CPU."""


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _TOP_LEVEL:
        where = _TOP_LEVEL[name]
        module = where if where.startswith("pipeseq.") else f"{__name__}.{where}"
        return getattr(importlib.import_module(module), name)
    if name == "version":
        return version
    from pipeseq.utils import did_you_mean
    raise AttributeError(f"module 'compat' has no attribute {name!r}.{did_you_mean(name, __all__)}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
