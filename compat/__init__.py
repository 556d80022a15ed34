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
              "Regularizer": "pipeseq.regularizers", "KerasTensor": "pipeseq.graph",
              "InputSpec": "pipeseq.layers", "DTypePolicy": "pipeseq.backend",
              "FloatDTypePolicy": "pipeseq.backend", "SymbolicScope": "pipeseq.graph",
              "Operation": "pipeseq.ops.operation", "Function": "pipeseq.models.function"}

__all__ = list(_SUBMODULES) + list(_TOP_LEVEL) + ["version", "name_scope", "device", "remat",
                                                  "RematScope"]


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


_REMAT_MESSAGE = ("Rematerialization memory optimization is not supported by pipeseq (NumPy): "
                  "activations are kept and results are unchanged.")


def remat(f):
    """``keras.remat(f)``: as on Keras's own NumPy backend, warns that rematerialization
    (recomputing activations to save memory) is not supported and returns ``f`` unchanged."""
    import warnings
    warnings.warn(_REMAT_MESSAGE, stacklevel=2)
    return f


class RematScope:
    """``with keras.RematScope(mode="full"):`` — Keras's arguments, checked as Keras checks
    them; the active scope is ``get_current_remat_mode()``. A mode other than None warns, as
    :func:`remat` does: pipeseq keeps activations (no memory saving; same results)."""

    _stack = []

    def __init__(self, mode="full", output_size_threshold=1024, layer_names=None):
        if mode not in ("full", "activations", "larger_than", "list_of_layers", None):
            raise ValueError(f"Invalid mode '{mode}'. Supported modes are: 'full', "
                             "'activations', 'larger_than', 'list_of_layers', or None.")
        self.mode, self.output_size_threshold = mode, output_size_threshold
        self.layer_names = list(layer_names or [])

    def __enter__(self):
        if self.mode is not None:
            import warnings
            warnings.warn(_REMAT_MESSAGE, stacklevel=2)
        RematScope._stack.append(self)
        return self

    def __exit__(self, *exc):
        RematScope._stack.pop()
        return False


def get_current_remat_mode():
    """``(mode, output_size_threshold, layer_names)`` of the innermost RematScope, or None."""
    if not RematScope._stack:
        return None
    s = RematScope._stack[-1]
    return (s.mode, s.output_size_threshold, s.layer_names)


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
