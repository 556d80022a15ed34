"""Callbacks with Keras's hook names.

* :mod:`.base` — ``Callback``, ``CallbackList``, ``History``, ``ProgbarLogger``;
* :mod:`.monitors` — EarlyStopping, ModelCheckpoint, ReduceLROnPlateau, LearningRateScheduler;
* :mod:`.loggers` — CSVLogger, TerminateOnNaN, LambdaCallback, RemoteMonitor;
* :mod:`.tensorboard` — TensorBoard;
* :mod:`.backup` — BackupAndRestore, SwapEMAWeights.

Example
-------
>>> from pipeseq.training.callbacks import EarlyStopping
>>> EarlyStopping(monitor="val_loss", patience=2)
<EarlyStopping monitor=val_loss patience=2>
"""
from .backup import BackupAndRestore, SwapEMAWeights  # noqa: F401
from .base import (Callback, CallbackList, History, ProgbarLogger, _fmt4, _overrides,  # noqa: F401
                   fit_callbacks)
from .loggers import CSVLogger, LambdaCallback, RemoteMonitor, TerminateOnNaN  # noqa: F401
from .monitors import (EarlyStopping, LearningRateScheduler, ModelCheckpoint,  # noqa: F401
                       ReduceLROnPlateau, _MonitorMixin)
from .tensorboard import TensorBoard  # noqa: F401
