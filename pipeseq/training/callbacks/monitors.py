"""Callbacks that watch a logged value: EarlyStopping, ModelCheckpoint, ReduceLROnPlateau,
and LearningRateScheduler.

Example
-------
>>> from pipeseq.training.callbacks import EarlyStopping
>>> EarlyStopping(monitor="val_loss", patience=2)
<EarlyStopping monitor=val_loss patience=2>
"""
import os

import numpy as np

from .base import Callback


class _MonitorMixin:
    def _init_monitor(self, monitor, mode, min_delta):
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"{type(self).__name__}: mode must be 'auto', 'min' or 'max'. "
                             f"Received: mode={mode!r}")
        if mode == "auto":
            mode = "max" if ("acc" in monitor or monitor.startswith("fmeasure")
                             or "auc" in monitor) else "min"
        self.monitor, self.mode = monitor, mode
        self.min_delta = abs(min_delta) if mode == "max" else -abs(min_delta)
        self.best = -np.inf if mode == "max" else np.inf

    def _improved(self, current, reference):
        if self.mode == "max":
            return current - self.min_delta > reference
        return current - self.min_delta < reference

    def _get_monitor(self, logs):
        logs = logs or {}
        if self.monitor not in logs:
            import warnings
            warnings.warn(f"{type(self).__name__}: metric '{self.monitor}' is not available. "
                          f"Available metrics are: {', '.join(logs)}", stacklevel=3)
            return None
        return float(logs[self.monitor])


class EarlyStopping(_MonitorMixin, Callback):
    """Stop training when ``monitor`` stops improving for ``patience`` epochs."""

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False, start_from_epoch=0):
        super().__init__()
        self._init_monitor(monitor, mode, min_delta)
        self.patience, self.verbose, self.baseline = patience, verbose, baseline
        self.restore_best_weights, self.start_from_epoch = restore_best_weights, start_from_epoch

    def on_train_begin(self, logs=None):
        self.wait, self.stopped_epoch, self.best_weights, self.best_epoch = 0, 0, None, 0
        self.best = -np.inf if self.mode == "max" else np.inf

    def on_epoch_end(self, epoch, logs=None):
        current = self._get_monitor(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
        self.wait += 1
        if self._improved(current, self.best):
            self.best, self.best_epoch = current, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._improved(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True
            if self.restore_best_weights and self.best_weights is not None:
                if self.verbose:
                    print(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
                self.model.set_weights(self.best_weights)

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")

    def __repr__(self):
        return f"<EarlyStopping monitor={self.monitor} patience={self.patience}>"


class ModelCheckpoint(_MonitorMixin, Callback):
    """Save the model (or weights) after each epoch, or every ``save_freq`` batches.

    ``filepath`` may hold ``{epoch:02d}``, ``{batch}`` (with an integer ``save_freq``) and log
    names, e.g. ``"w.{epoch:02d}-{val_loss:.2f}.weights.h5"``. An integer ``save_freq`` counts
    training batches across epochs and saves when it is reached, as Keras does.
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=False, mode="auto", save_freq="epoch",
                 initial_value_threshold=None):
        super().__init__()
        self._init_monitor(monitor, mode, 0)
        self.filepath, self.verbose = os.fspath(filepath), verbose
        self.save_best_only, self.save_weights_only = save_best_only, save_weights_only
        if isinstance(save_freq, float) and save_freq.is_integer():
            save_freq = int(save_freq)          # R's numbers are doubles: save_freq = 100
        if save_freq != "epoch" and not (isinstance(save_freq, (int, np.integer))
                                         and not isinstance(save_freq, bool) and save_freq > 0):
            raise ValueError(f"ModelCheckpoint: unrecognized save_freq. Expected 'epoch' or a "
                             f"positive number of batches. Received: save_freq={save_freq!r}")
        self.save_freq = save_freq
        if initial_value_threshold is not None:
            self.best = initial_value_threshold
        self._epoch, self._since_save, self._last_batch = 0, 0, -1

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        # Keras's count: batch numbers restart each epoch.
        self._since_save += batch + 1 if batch <= self._last_batch else batch - self._last_batch
        self._last_batch = batch
        if self._since_save >= self.save_freq:
            self._since_save = 0
            self._save(self._epoch, batch, logs or {})

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._save(epoch, None, logs or {})

    def _save(self, epoch, batch, logs):
        where = f"Epoch {epoch + 1}" + ("" if batch is None else f", batch {batch + 1}")
        fields = dict(logs) if batch is None or "batch" in logs else dict(logs, batch=batch + 1)
        path = self.filepath.format(epoch=epoch + 1, **fields)
        if self.save_best_only:
            current = self._get_monitor(logs)
            if current is None or not self._improved(current, self.best):
                if self.verbose and current is not None:
                    print(f"\n{where}: {self.monitor} did not improve from {self.best:.5f}")
                return
            if self.verbose:
                print(f"\n{where}: {self.monitor} improved from {self.best:.5f} to "
                      f"{current:.5f}, saving model to {path}")
            self.best = current
        elif self.verbose:
            print(f"\n{where}: saving model to {path}")
        if self.save_weights_only:
            self.model.save_weights(path)
        else:
            self.model.save(path)


class LearningRateScheduler(Callback):
    """Set the learning rate at each epoch start: ``schedule(epoch, lr) -> new lr``."""

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule, self.verbose = schedule, verbose

    def on_epoch_begin(self, epoch, logs=None):
        opt = self.model.optimizer
        try:
            lr = self.schedule(epoch, opt.learning_rate)
        except TypeError:  # Keras 1 style: schedule(epoch)
            lr = self.schedule(epoch)
        if not isinstance(lr, (float, int, np.floating, np.integer)):
            raise ValueError(f"LearningRateScheduler: the schedule must return a number. Received: {lr!r}")
        opt.learning_rate = float(lr)
        if self.verbose:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {lr}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = self.model.optimizer.learning_rate


class ReduceLROnPlateau(_MonitorMixin, Callback):
    """Multiply the learning rate by ``factor`` after ``patience`` epochs without improvement."""

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto",
                 min_delta=1e-4, cooldown=0, min_lr=0.0, **kwargs):
        super().__init__()
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau does not support a factor >= 1.0. Received: factor={factor}")
        self._init_monitor(monitor, mode, min_delta)
        self.factor, self.patience, self.verbose = factor, patience, verbose
        self.cooldown, self.min_lr = cooldown, min_lr

    def on_train_begin(self, logs=None):
        self.wait, self.cooldown_counter = 0, 0
        self.best = -np.inf if self.mode == "max" else np.inf

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        logs["learning_rate"] = self.model.optimizer.learning_rate
        current = self._get_monitor(logs)
        if current is None:
            return
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if self._improved(current, self.best):
            self.best, self.wait = current, 0
        elif self.cooldown_counter <= 0:
            self.wait += 1
            if self.wait >= self.patience:
                old = self.model.optimizer.learning_rate
                if old > self.min_lr:
                    new = max(old * self.factor, self.min_lr)
                    self.model.optimizer.learning_rate = new
                    if self.verbose:
                        print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new}.")
                    self.cooldown_counter, self.wait = self.cooldown, 0
