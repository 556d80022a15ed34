"""``keras.optimizers``: SGD, RMSprop, Adam, Adagrad, Adadelta, Adamax, Nadam, AdamW, Lion,
Lamb, Ftrl, Adafactor, Muon, ScheduleFreeAdamW, LossScaleOptimizer, MultiOptimizer,
OptimizerMap; ``keras.optimizers.schedules``.

Each name is a thin wrapper over pipeseq's optimizer: calling it returns the
engine optimizer. Keras 1/2 spellings are accepted with a one-time
``DeprecationWarning``: ``lr=`` (→ ``learning_rate``) and ``decay=`` (kept:
pipeseq applies Keras 2's ``lr / (1 + decay * iterations)``). Keras 1/2's
lowercase aliases (``sgd``, ``rmsprop``…) and ``get`` are here too.

Example
-------
>>> import warnings
>>> from compat.optimizers import SGD
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore")
...     sgd = SGD(lr=0.1, decay=1e-6, momentum=0.9, nesterov=True)
>>> sgd.learning_rate, sgd.momentum, sgd.nesterov
(0.1, 0.9, True)
"""
from pipeseq.training import optimizers as _engine
from pipeseq.training.optimizers import (AdamW, Adafactor, Ftrl, Lamb, Lion,  # noqa: F401
                                         LossScaleOptimizer, Muon, MultiOptimizer, Optimizer,
                                         OptimizerMap, ScheduleFreeAdamW, get, serialize)

from . import schedules  # noqa: F401

from .._legacy import ANY_VALUE, Spec, make_wrapper

_LR = Spec(renames={"lr": "learning_rate"}, era="Keras 2",
           warn_only={"decay": "a learning-rate schedule (pipeseq still applies "
                               "lr / (1 + decay * iterations))"})
_NADAM = _LR.merged(removed={"schedule_decay": (ANY_VALUE, "Nadam's momentum schedule is "
                                                           "fixed in Keras 2+.")})

SGD = make_wrapper("SGD", _engine.SGD, _LR, __name__)
RMSprop = make_wrapper("RMSprop", _engine.RMSprop, _LR, __name__)
Adam = make_wrapper("Adam", _engine.Adam, _LR, __name__)
Adagrad = make_wrapper("Adagrad", _engine.Adagrad, _LR, __name__)
Adadelta = make_wrapper("Adadelta", _engine.Adadelta, _LR, __name__)
Adamax = make_wrapper("Adamax", _engine.Adamax, _LR, __name__)
Nadam = make_wrapper("Nadam", _engine.Nadam, _NADAM, __name__)

# Keras 1/2 lowercase aliases.
sgd, rmsprop, adam, adagrad, adadelta, adamax, nadam = SGD, RMSprop, Adam, Adagrad, Adadelta, Adamax, Nadam


def deserialize(config, custom_objects=None):
    """An optimizer from ``{"class_name": ..., "config": ...}``."""
    return get(config)


__all__ = ["Optimizer", "SGD", "RMSprop", "Adam", "Adagrad", "Adadelta", "Adamax", "Nadam",
           "AdamW", "Adafactor", "Ftrl", "Lamb", "Lion", "LossScaleOptimizer", "Muon",
           "MultiOptimizer", "OptimizerMap", "ScheduleFreeAdamW", "get", "serialize", "deserialize", "schedules", "legacy"]


class _Legacy:
    """``keras.optimizers.legacy.X`` (Keras 2.11+ kept the old optimizers there): the same classes."""

    def __getattr__(self, name):
        if name in __all__ and name[0].isupper():
            return globals()[name]
        raise AttributeError(f"module 'compat.optimizers.legacy' has no attribute {name!r}")


legacy = _Legacy()

from .._reexport import suggest_getattr as _suggest_getattr  # noqa: E402

__getattr__ = _suggest_getattr(__name__)   # unknown names: AttributeError with "Did you mean"
