"""Callbacks with Keras's hook names: History, EarlyStopping, ModelCheckpoint,
LearningRateScheduler, ReduceLROnPlateau, CSVLogger, TerminateOnNaN, LambdaCallback.

Example
-------
>>> from pipeseq.training.callbacks import EarlyStopping
>>> EarlyStopping(monitor="val_loss", patience=2)
<EarlyStopping monitor=val_loss patience=2>
"""
import csv
import math
import os

import numpy as np

from ..plotting import plot_history
from .progbar import Progbar


class Callback:
    """Base class. Override any ``on_*`` hook; ``self.model`` and ``self.params`` are set."""

    def __init__(self):
        self.model = None
        self.params = {}

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params

    def on_train_begin(self, logs=None): pass
    def on_train_end(self, logs=None): pass
    def on_epoch_begin(self, epoch, logs=None): pass
    def on_epoch_end(self, epoch, logs=None): pass
    def on_train_batch_begin(self, batch, logs=None): pass
    def on_train_batch_end(self, batch, logs=None): pass
    def on_test_begin(self, logs=None): pass
    def on_test_end(self, logs=None): pass
    def on_test_batch_begin(self, batch, logs=None): pass
    def on_test_batch_end(self, batch, logs=None): pass
    def on_predict_begin(self, logs=None): pass
    def on_predict_end(self, logs=None): pass
    def on_predict_batch_begin(self, batch, logs=None): pass
    def on_predict_batch_end(self, batch, logs=None): pass
    # Keras 1/2 names
    def on_batch_begin(self, batch, logs=None): pass
    def on_batch_end(self, batch, logs=None): pass

    def __repr__(self):
        return f"<{type(self).__name__}>"


class CallbackList:
    """Dispatch each hook to every callback in order."""

    def __init__(self, callbacks, model, params):
        self.callbacks = list(callbacks)
        for cb in self.callbacks:
            cb.set_model(model)
            cb.set_params(params)
        # Batch hooks only when someone overrides them: keeps verbose=0 fitting lean.
        self._batch_hooks = [cb for cb in self.callbacks
                             if _overrides(cb, "on_train_batch_end") or _overrides(cb, "on_batch_end")
                             or _overrides(cb, "on_train_batch_begin") or _overrides(cb, "on_batch_begin")]

    def call(self, hook, *args):
        for cb in self.callbacks:
            getattr(cb, hook)(*args)

    def batch_begin(self, batch, logs):
        for cb in self._batch_hooks:
            cb.on_train_batch_begin(batch, logs)
            cb.on_batch_begin(batch, logs)

    def batch_end(self, batch, logs):
        for cb in self._batch_hooks:
            cb.on_train_batch_end(batch, logs)
            cb.on_batch_end(batch, logs)

    @property
    def wants_batch_logs(self):
        return bool(self._batch_hooks)


def _overrides(cb, name):
    # A hook counts if the class overrides it or the instance sets it (LambdaCallback).
    return name in vars(cb) or getattr(type(cb), name) is not getattr(Callback, name)


class History(Callback):
    """Records epoch indices and logs. ``print(history)`` shows the final epoch's values."""

    def __init__(self):
        super().__init__()
        self.epoch, self.history = [], {}

    def on_train_begin(self, logs=None):
        self.epoch = []
        self.history = {}

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for k, v in (logs or {}).items():
            self.history.setdefault(k, []).append(v)

    def __repr__(self):
        return self.format()

    def format(self):
        """R's print of a training history: final epoch values, right-aligned names."""
        lines = []
        p = self.params or {}
        if "samples" in p:
            val = f", validated on {p['val_samples']:,} samples" if p.get("val_samples") else ""
            lines.append(f"Trained on {p['samples']:,} samples{val} "
                         f"(batch_size={p.get('batch_size')}, epochs={p.get('epochs')})")
        lines.append("Final epoch (plot to see history):")
        width = max((len(k) for k in self.history), default=0)
        for k, v in self.history.items():
            lines.append(f"{k:>{width}}: {_fmt4(v[-1])}")
        return "\n".join(lines)

    def __str__(self):
        return self.format()

    def _repr_pretty_(self, p, cycle):
        p.text(self.format())

    def _repr_html_(self):
        import html
        rows = "".join(f"<tr><td>{html.escape(k)}</td><td>{_fmt4(v[-1])}</td></tr>"
                       for k, v in self.history.items())
        return (f"<p>Training history: {len(self.epoch)} epoch(s)</p>"
                f"<table><tr><th>metric</th><th>final</th></tr>{rows}</table>")

    def plot(self, metrics=None, filename=None):
        """One panel per metric, training and validation against epoch (matplotlib)."""
        return plot_history(self, metrics=metrics, filename=filename)

    def to_dataframe(self):
        import pandas as pd
        return pd.DataFrame(self.history, index=[e + 1 for e in self.epoch])


def _fmt4(v):
    # As the progress bar prints it: 4 decimals (scientific notation for tiny values).
    from .progbar import format_value
    return format_value(v)


class ProgbarLogger(Callback):
    """Prints ``Epoch i/n`` and a progress bar (verbose 1) or one line per epoch (verbose 2)."""

    def __init__(self, verbose=1):
        super().__init__()
        self.verbose = verbose
        self.bar = None
        self.target = None
        self.seen = 0

    def on_epoch_begin(self, epoch, logs=None):
        if self.verbose and self.params.get("epochs", 1) > 1:
            print(f"Epoch {epoch + 1}/{self.params['epochs']}", flush=True)
        # An unknown number of steps (a generator) is learned from the first epoch.
        self.target = self.params.get("steps") or self.target
        self.seen = 0
        self.bar = Progbar(self.target, verbose=self.verbose)

    def on_train_batch_end(self, batch, logs=None):
        self.seen = batch + 1
        if self.bar is not None and self.verbose == 1:
            self.bar.update(batch + 1, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.bar is not None:
            self.target = self.target or self.seen
            self.bar.update(self.seen or self.target, logs, finalize=True)


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
    """Save the model (or weights) after each epoch; ``filepath`` may hold ``{epoch:02d}``
    and log names, e.g. ``"w.{epoch:02d}-{val_loss:.2f}.weights.h5"``."""

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=False, mode="auto", save_freq="epoch",
                 initial_value_threshold=None):
        super().__init__()
        self._init_monitor(monitor, mode, 0)
        self.filepath, self.verbose = os.fspath(filepath), verbose
        self.save_best_only, self.save_weights_only = save_best_only, save_weights_only
        if save_freq != "epoch":
            raise ValueError(f"ModelCheckpoint: only save_freq='epoch' is supported. Received: save_freq={save_freq!r}")
        if initial_value_threshold is not None:
            self.best = initial_value_threshold

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        path = self.filepath.format(epoch=epoch + 1, **logs)
        if self.save_best_only:
            current = self._get_monitor(logs)
            if current is None or not self._improved(current, self.best):
                if self.verbose and current is not None:
                    print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {self.best:.5f}")
                return
            if self.verbose:
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {self.best:.5f} to "
                      f"{current:.5f}, saving model to {path}")
            self.best = current
        elif self.verbose:
            print(f"\nEpoch {epoch + 1}: saving model to {path}")
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


class CSVLogger(Callback):
    """Stream epoch results to a CSV file: ``epoch,<metric>,...``."""

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename, self.sep, self.append = os.fspath(filename), separator, append
        self.keys, self._file = None, None

    def on_train_begin(self, logs=None):
        has_header = self.append and os.path.exists(self.filename) and os.path.getsize(self.filename) > 0
        self._file = open(self.filename, "a" if self.append else "w", newline="")
        self._writer = None
        self._has_header = has_header

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
        if self._writer is None:
            self._writer = csv.DictWriter(self._file, fieldnames=["epoch"] + self.keys,
                                          delimiter=self.sep)
            if not self._has_header:
                self._writer.writeheader()
        self._writer.writerow({"epoch": epoch, **{k: logs.get(k, "NA") for k in self.keys}})
        self._file.flush()

    def on_train_end(self, logs=None):
        if self._file:
            self._file.close()
            self._file = None


class TerminateOnNaN(Callback):
    """Stop training as soon as a batch loss is NaN or infinite."""

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(loss):
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True


class LambdaCallback(Callback):
    """Build a callback from functions: ``LambdaCallback(on_epoch_end=lambda epoch, logs: ...)``."""

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None,
                 on_train_end=None, on_train_batch_begin=None, on_train_batch_end=None,
                 on_batch_begin=None, on_batch_end=None, **kwargs):
        super().__init__()
        fns = dict(on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end,
                   on_train_begin=on_train_begin, on_train_end=on_train_end,
                   on_train_batch_begin=on_train_batch_begin or on_batch_begin,
                   on_train_batch_end=on_train_batch_end or on_batch_end, **kwargs)
        for name, fn in fns.items():
            if fn is not None:
                setattr(self, name, fn)
