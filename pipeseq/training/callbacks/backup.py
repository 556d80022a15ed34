"""Fault tolerance and EMA: BackupAndRestore (resume an interrupted ``fit``) and
SwapEMAWeights (evaluate with the optimizer's moving-average weights).

Example
-------
>>> from pipeseq.training.callbacks import BackupAndRestore
>>> BackupAndRestore("/tmp/backup").save_freq
'epoch'
"""
import json
import os
import shutil

from .base import Callback


class BackupAndRestore(Callback):
    """Back up weights, optimizer state and the epoch reached to ``backup_dir``; a later
    ``fit`` with the same callback resumes from there (after a crash or an interrupt).

    Files (as Keras writes them): ``latest.weights.h5`` (with the optimizer state) and
    ``training_metadata.json`` (``{"epoch": ..., "batch": ...}``). ``save_freq``:
    ``"epoch"`` or every N batches; ``double_checkpoint`` keeps the previous backup as
    ``*.bkp``; ``delete_checkpoint`` removes the folder when training completes.
    """

    def __init__(self, backup_dir, save_freq="epoch", double_checkpoint=False,
                 delete_checkpoint=True):
        super().__init__()
        if not backup_dir:
            raise ValueError("Empty `backup_dir` argument passed")
        if save_freq != "epoch" and not isinstance(save_freq, int):
            raise ValueError(f"Invalid value for argument `save_freq`. Received: save_freq="
                             f"{save_freq}. Expected either 'epoch' or an integer value.")
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq, self.double_checkpoint = save_freq, double_checkpoint
        self.delete_checkpoint = delete_checkpoint
        self._weights_path = os.path.join(self.backup_dir, "latest.weights.h5")
        self._meta_path = os.path.join(self.backup_dir, "training_metadata.json")
        self._prev_weights_path = self._weights_path + ".bkp"
        self._prev_meta_path = self._meta_path + ".bkp"
        self._batches_since_save, self._last_batch_seen, self._current_epoch = 0, 0, 0

    def on_train_begin(self, logs=None):
        try:
            self._load_model()
        except OSError:
            if not os.path.exists(self._prev_weights_path):
                raise
            shutil.copy(self._prev_weights_path, self._weights_path)
            if os.path.exists(self._prev_meta_path):
                shutil.copy(self._prev_meta_path, self._meta_path)
            elif os.path.exists(self._meta_path):
                os.remove(self._meta_path)
            self._load_model()

    def _load_model(self):
        if not self.model.built:
            raise ValueError("To use the BackupAndRestore callback, your model must be built "
                             f"before you call `fit()`. Model {self.model} is unbuilt.")
        if os.path.exists(self._weights_path):
            self.model.load_weights(self._weights_path)
        if os.path.exists(self._meta_path):
            with open(self._meta_path) as f:
                meta = json.load(f)
            self.model._initial_epoch = int(meta["epoch"])

    def on_epoch_end(self, epoch, logs=None):
        self._current_epoch = epoch + 1
        self._last_batch_seen = 0
        if self.save_freq == "epoch":
            self._save_model()

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        add = batch + 1 if batch <= self._last_batch_seen else batch - self._last_batch_seen
        self._batches_since_save += add
        self._last_batch_seen = batch
        if self._batches_since_save >= self.save_freq:
            self._batches_since_save = 0
            self._save_model()

    def _save_model(self):
        os.makedirs(self.backup_dir, exist_ok=True)
        if self.double_checkpoint and os.path.exists(self._weights_path):
            shutil.copy(self._weights_path, self._prev_weights_path)
        if self.double_checkpoint and os.path.exists(self._meta_path):
            shutil.copy(self._meta_path, self._prev_meta_path)
        self.model.save_weights(self._weights_path, overwrite=True)
        tmp = self._meta_path + ".tmp"
        with open(tmp, "w") as f:
            json.dump({"epoch": self._current_epoch, "batch": self._last_batch_seen}, f)
        os.replace(tmp, self._meta_path)

    def on_train_end(self, logs=None):
        if self.delete_checkpoint and os.path.exists(self.backup_dir):
            shutil.rmtree(self.backup_dir)


class SwapEMAWeights(Callback):
    """Evaluate (and predict) with the optimizer's EMA weights (``use_ema=True``).

    During validation and ``predict`` the model holds the moving averages; training
    resumes on the raw weights. ``swap_on_epoch=True`` also swaps them in at every epoch
    end (so checkpoints written then hold the EMA weights).
    """

    def __init__(self, swap_on_epoch=False):
        super().__init__()
        self.swap_on_epoch = swap_on_epoch
        self._ema_in_model = False

    def _optimizer(self):
        opt = self.model.optimizer
        opt = getattr(opt, "inner_optimizer", opt)
        if not getattr(opt, "use_ema", False):
            raise ValueError("SwapEMAWeights must be used when `use_ema=True` is set on the "
                             f"optimizer. Received: use_ema={getattr(opt, 'use_ema', None)}")
        return opt

    def _swap(self):
        self._optimizer().swap_ema_weights(self.model.trainable_weights)

    def _finalize(self):
        opt = self._optimizer()
        for v in self.model.trainable_weights:
            if id(v) in opt._ema:
                opt._ema[id(v)][...] = v.value

    def on_epoch_begin(self, epoch, logs=None):
        if self.swap_on_epoch and self._ema_in_model:
            self._swap()
            self._ema_in_model = False

    def on_epoch_end(self, epoch, logs=None):
        if self.swap_on_epoch and not self._ema_in_model:
            self._swap()
            self._ema_in_model = True
            if epoch == self.params.get("epochs", 0) - 1:
                self._finalize()

    def on_test_begin(self, logs=None):
        if not self._ema_in_model:
            self._swap()
            self._ema_in_model = True

    def on_test_end(self, logs=None):
        if self._ema_in_model:
            self._swap()
            self._ema_in_model = False

    on_predict_begin = on_test_begin
    on_predict_end = on_test_end
