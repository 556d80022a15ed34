"""``keras.layers``: every pipeseq layer under its Keras class name.

Names are looked up in pipeseq's layer registry when first used, so layer
families that land later appear here without changes. A class without Keras 1/2
spellings *is* the engine class (``compat.layers.Flatten is
pipeseq.layers.Flatten``); a class with legacy spellings is a thin wrapper that
translates them and returns an engine instance, with
``isinstance(pipeseq_dense, compat.layers.Dense)`` holding.

Also here: ``Input``, ``InputLayer``, ``Layer``, the Keras 1 class names
(``Convolution2D``, ``Deconvolution2D``, ``AtrousConvolution2D``…),
``TimeDistributedDense`` and, once it exists in pipeseq, ``Merge``.

Example
-------
>>> from compat.layers import Dense
>>> Dense(10, init="uniform", input_dim=20).kernel_initializer   # doctest: +SKIP
RandomUniform(minval=-0.05, maxval=0.05, seed=None)
"""
from .._legacy import make_wrapper, warn_once
from . import _specs

_CACHE = {}
_SPECIAL = ("Input", "InputLayer", "Layer", "InputSpec", "TimeDistributedDense")


def _registry():
    from pipeseq.layers import base
    base._import_all_layers()
    return base.LAYER_CLASSES


def _is_layer_class(cls):
    from pipeseq.models.model import Model
    return isinstance(cls, type) and not issubclass(cls, Model)


def TimeDistributedDense(units=None, **kwargs):
    """Keras 1's ``TimeDistributedDense(units)``: ``TimeDistributed(Dense(units))``.

    Input-shape arguments and ``name`` go to the ``TimeDistributed`` wrapper,
    everything else (Keras 1 spellings included) to the ``Dense`` layer.

    >>> layer = TimeDistributedDense(8, input_shape=(5, 3))   # doctest: +SKIP
    """
    warn_once(("TimeDistributedDense", "TimeDistributed(Dense)"),
              "TimeDistributedDense is the Keras 1 spelling; use "
              "`TimeDistributed(Dense(units))` instead.")
    wrapper_kw = {}
    for k in ("input_shape", "batch_input_shape", "batch_size", "name", "trainable"):
        if k in kwargs:
            wrapper_kw[k] = kwargs.pop(k)
    if "input_dim" in kwargs or "input_length" in kwargs:
        if "input_shape" in wrapper_kw or "batch_input_shape" in wrapper_kw:
            raise TypeError("TimeDistributedDense: got `input_dim`/`input_length` and "
                            "`input_shape`/`batch_input_shape`. Pass only `input_shape`.")
        wrapper_kw["input_shape"] = (kwargs.pop("input_length", None), kwargs.pop("input_dim", None))
    if units is not None:
        kwargs["units"] = units
    dense = __getattr__("Dense")(**kwargs)
    return __getattr__("TimeDistributed")(dense, **wrapper_kw)


def _lookup(name):
    if name == "TimeDistributedDense":
        return TimeDistributedDense
    if name == "Input":
        from pipeseq.models import Input
        return Input
    if name == "Layer":
        from pipeseq.layers.base import Layer
        return Layer
    reg = _registry()
    if name in _specs.LEGACY_CLASSES:
        target, spec = _specs.LEGACY_CLASSES[name]
        engine = reg.get(target)
        if engine is not None:
            return make_wrapper(name, engine, spec, __name__)
        return None
    engine = reg.get(name)
    if engine is None or not _is_layer_class(engine) or name.startswith("_"):
        return None
    spec = _specs.SPECS.get(engine.__name__)
    if spec is None:
        return engine
    return make_wrapper(name, engine, spec, __name__)


def _all_names():
    reg = _registry()
    names = {n for n, c in reg.items() if _is_layer_class(c) and not n.startswith("_")}
    names |= {n for n, (t, _) in _specs.LEGACY_CLASSES.items() if t in reg}
    names |= {"Input", "Layer", "TimeDistributedDense"}
    return sorted(names)


def __getattr__(name):
    if name == "__all__":
        return _all_names()
    if name.startswith("__"):
        raise AttributeError(name)
    if name in _CACHE:
        return _CACHE[name]
    obj = _lookup(name)
    if obj is None:
        from pipeseq.utils import did_you_mean
        raise AttributeError(
            f"module 'compat.layers' has no attribute {name!r}: pipeseq has no layer class "
            f"named {name!r}.{did_you_mean(name, _all_names())}")
    _CACHE[name] = obj
    return obj


def __dir__():
    return sorted(set(globals()) | set(_all_names()))
