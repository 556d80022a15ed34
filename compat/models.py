"""``keras.models``: ``Sequential``, ``Model``, ``load_model``, ``model_from_json``.

``Sequential`` here is pipeseq's ``Sequential`` plus the Keras 1/2 spellings of
the training methods (``fit(nb_epoch=...)``, ``evaluate(show_accuracy=...)``);
the class name, config and behaviour are the engine's. Models loaded from
files or JSON get the same spellings. ``isinstance(m, compat.models.Model)``
holds for every pipeseq model.

Example
-------
>>> from compat.models import Sequential
>>> from compat.layers import Dense
>>> model = Sequential([Dense(2, input_dim=3)])
>>> model.output_shape
(None, 2)
"""
import json

import pipeseq.models as _engine

from ._legacy import ANY_VALUE, EngineAliasMeta, Spec, translate
from pipeseq.layers.serialization import deserialize_layer as _deserialize_layer
from pipeseq.models.functional import Functional as _Functional

_SHOW_ACC = ("Keras reports the metrics passed to compile(metrics=[...]); "
             "use metrics=['accuracy'] there.")
FIT = Spec(renames={"nb_epoch": "epochs"}, removed={"show_accuracy": (ANY_VALUE, _SHOW_ACC)})
EVALUATE = Spec(removed={"show_accuracy": (ANY_VALUE, _SHOW_ACC)})
# Keras 1's functional API: Model(input=..., output=...).
MODEL = Spec(renames={"input": "inputs", "output": "outputs"})


class _LegacyTrainingMixin:
    """Keras 1/2 keyword spellings of ``fit`` / ``evaluate``, translated then passed on."""

    def fit(self, *args, **kwargs):
        """``Model.fit`` accepting ``nb_epoch`` (= ``epochs``) and ``show_accuracy`` (ignored)."""
        engine = super().fit
        rest, kw = translate("fit", FIT, engine, args, kwargs)
        return engine(*rest, **kw)

    def evaluate(self, *args, **kwargs):
        """``Model.evaluate`` accepting ``show_accuracy`` (ignored, with a warning)."""
        engine = super().evaluate
        rest, kw = translate("evaluate", EVALUATE, engine, args, kwargs)
        return engine(*rest, **kw)


class _ModelMeta(EngineAliasMeta):
    """``isinstance`` against the engine class; ``compat.models.Model(...)`` builds an engine model."""

    def __call__(cls, *args, **kwargs):
        if cls.__dict__.get("_compat_factory"):
            if args or kwargs:
                rest, kwargs = translate("Model", MODEL, _Functional, args, kwargs)
                args = rest
            return adopt(cls._compat_engine(*args, **kwargs))
        return super().__call__(*args, **kwargs)


class Sequential(_LegacyTrainingMixin, _engine.Sequential, metaclass=_ModelMeta):
    """A linear stack of layers: pipeseq's ``Sequential`` with Keras 1/2 ``fit`` spellings.

    >>> from compat.layers import Dense
    >>> m = Sequential()
    >>> _ = m.add(Dense(32, input_dim=784))
    """

    _compat_engine = _engine.Sequential


class Model(_LegacyTrainingMixin, _engine.Model, metaclass=_ModelMeta):
    """``Model(inputs, outputs)`` (functional API) or a base class for subclassed models.

    Calling ``Model(...)`` builds pipeseq's model and gives it the Keras 1/2
    ``fit`` spellings; a class derived from it is an ordinary pipeseq model.
    """

    _compat_engine = _engine.Model
    _compat_factory = True


_ADOPTED = {_engine.Sequential: Sequential}


def adopt(model):
    """Give an engine model the Keras 1/2 training spellings (in place); return it.

    The model keeps its class name and behaviour: its class becomes a subclass
    of its engine class with :class:`_LegacyTrainingMixin` in front.
    """
    if not isinstance(model, _engine.Model) or isinstance(model, _LegacyTrainingMixin):
        return model
    cls = type(model)
    sub = _ADOPTED.get(cls)
    if sub is None:
        sub = type(cls.__name__, (_LegacyTrainingMixin, cls),
                   {"__module__": cls.__module__, "__qualname__": cls.__qualname__,
                    "__doc__": cls.__doc__})
        _ADOPTED[cls] = sub
    model.__class__ = sub
    return model


def load_model(filepath, custom_objects=None, compile=True, **kwargs):
    """Load a whole model (``.keras`` zip or legacy ``.h5``) saved by Keras or pipeseq."""
    from pipeseq.saving import api as _api     # the file formats, on first use
    return adopt(_api.load_model(filepath, custom_objects=custom_objects, compile=compile, **kwargs))


def save_model(model, filepath, overwrite=True, **kwargs):
    """Keras 2's ``save_model(model, path)``: the same as ``model.save(path)``."""
    return model.save(filepath, overwrite=overwrite, **kwargs)


def model_from_config(config, custom_objects=None):
    """Rebuild a model from a Keras config dict (``{"class_name": ..., "config": ...}``)."""
    return adopt(_deserialize_layer(config, custom_objects=custom_objects))


def model_from_json(json_string, custom_objects=None):
    """Rebuild a model (architecture only, fresh weights) from ``model.to_json()`` output."""
    try:
        from pipeseq.saving.api import model_from_json as engine_fn
    except ImportError:
        engine_fn = None
    if engine_fn is not None:
        return adopt(engine_fn(json_string, custom_objects=custom_objects))
    return model_from_config(json.loads(json_string), custom_objects=custom_objects)

