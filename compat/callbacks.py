"""``keras.callbacks``: pipeseq's callbacks under their Keras names.

``Callback`` is pipeseq's base class (subclass it as in Keras). Keras 2
spellings: ``ReduceLROnPlateau(epsilon=)`` (→ ``min_delta``) and
``ModelCheckpoint(period=1)`` (→ the default ``save_freq="epoch"``).

Example
-------
>>> from compat.callbacks import EarlyStopping
>>> EarlyStopping(monitor="loss", patience=2).patience
2
"""
from pipeseq.training import callbacks as _engine

from ._legacy import Spec, make_wrapper
from ._reexport import module_getattr, public_names

_EXCLUDE = ("csv", "math", "np", "os", "Progbar", "backup", "base", "loggers", "monitors",
            "tensorboard")
for _n in public_names(_engine, _EXCLUDE):
    globals()[_n] = getattr(_engine, _n)

ReduceLROnPlateau = make_wrapper(
    "ReduceLROnPlateau", _engine.ReduceLROnPlateau,
    Spec(renames={"epsilon": "min_delta"}, era="Keras 2"), __name__)
ModelCheckpoint = make_wrapper(
    "ModelCheckpoint", _engine.ModelCheckpoint,
    Spec(removed={"period": ((1,), "checkpoints are written every epoch "
                                   "(save_freq='epoch'); other periods are not supported.")},
         era="Keras 2"), __name__)

__all__ = public_names(_engine, _EXCLUDE)
__getattr__ = module_getattr(__name__, _engine, _EXCLUDE)
