"""``keras.metrics``: accuracy functions and classes, plus the loss functions as metrics.

``compile(metrics=["accuracy"])`` is resolved by the engine from the shapes, as
in Keras; the functions here (``binary_accuracy``, ``categorical_accuracy``…)
and any ``f(y_true, y_pred)`` of your own may be passed as metrics too.

Example
-------
>>> from compat.metrics import binary_accuracy
>>> binary_accuracy([[1.0], [0.0]], [[0.9], [0.8]]).tolist()
[1.0, 0.0]
"""
from pipeseq.training import losses as _losses
from pipeseq.training import metrics as _engine

from ._reexport import module_getattr, public_names

_EXCLUDE = ("np", "losses_mod", "resolve_accuracy", "resolve_crossentropy", "register", "snake_case",
            "base", "confusion", "fscore_iou", "regression")
from pipeseq.training import extra_losses as _extra

_LOSS_FUNCTIONS = [n for n in public_names(_losses) if n[0].islower() and n not in
                   ("get", "serialize", "backend", "np", "register_extra_losses")]
for _n in ("binary_focal_crossentropy", "categorical_focal_crossentropy"):
    globals()[_n] = getattr(_extra, _n)
_LOSS_FUNCTIONS += ["binary_focal_crossentropy", "categorical_focal_crossentropy"]
for _n in _LOSS_FUNCTIONS:
    globals()[_n] = globals().get(_n) or getattr(_losses, _n)
for _n in public_names(_engine, _EXCLUDE):
    globals()[_n] = getattr(_engine, _n)
__all__ = sorted(set(public_names(_engine, _EXCLUDE)) | set(_LOSS_FUNCTIONS)
                 | {"deserialize", "serialize"})
__getattr__ = module_getattr(__name__, _engine, _EXCLUDE)


def serialize(metric):
    """A metric's Keras 3 config (``{"module": "keras.metrics", "class_name": ...}``), or a
    metric function's name."""
    from pipeseq.saving.objects import serialize_keras_object
    return serialize_keras_object(metric)


def deserialize(config, custom_objects=None):
    """A metric from a name, a config dict or a function."""
    if custom_objects and isinstance(config, str) and config in custom_objects:
        return custom_objects[config]
    return _engine.get(config)
