"""``keras.losses`` (Keras 1: ``keras.objectives``): pipeseq's loss functions and classes.

The function objects *are* pipeseq's, so ``compile(loss=mean_squared_error)``
uses the analytic gradient. A function of your own ``f(y_true, y_pred)``
written with :mod:`compat.backend` also works (pipeseq differentiates it
numerically).

Example
-------
>>> import numpy as np
>>> from compat.losses import mean_squared_error
>>> float(mean_squared_error(np.zeros((1, 2)), np.ones((1, 2)))[0])
1.0
"""
from pipeseq.training import losses as _engine

from ._reexport import module_getattr, public_names

from pipeseq.training import extra_losses as _extra

_EXCLUDE = ("backend", "np", "CustomLoss", "register_extra_losses")
for _n in public_names(_engine, _EXCLUDE):
    globals()[_n] = getattr(_engine, _n)
# Keras 3's newer losses: classes and their functions (ctc_decode is keras.ops's)
_EXTRA = sorted(_extra.CLASSES) + sorted(_extra.FUNCTIONS)
for _n in sorted(_extra.CLASSES):
    globals()[_n] = _extra.CLASSES[_n]
for _n in sorted(_extra.FUNCTIONS):
    globals()[_n] = getattr(_extra, _n)
Loss = _engine.Loss
__all__ = public_names(_engine, _EXCLUDE) + _EXTRA + ["deserialize"]
__getattr__ = module_getattr(__name__, _engine, _EXCLUDE)


def deserialize(config, custom_objects=None):
    """A loss from a name or ``{"class_name": ..., "config": ...}``."""
    if custom_objects and isinstance(config, str) and config in custom_objects:
        return custom_objects[config]
    return _engine.get(config)
