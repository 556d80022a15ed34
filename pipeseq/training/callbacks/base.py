"""The callback base: ``Callback``, ``CallbackList``, ``History`` and ``ProgbarLogger``.

Example
-------
>>> from pipeseq.training.callbacks import History
>>> History().history
{}
"""
from ...plotting import plot_history
from ..progbar import Progbar


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
    def on_train_batch_begin(self, batch, logs=None):
        self.on_batch_begin(batch, logs)        # Keras: the Keras 1/2 name is an alias

    def on_train_batch_end(self, batch, logs=None):
        self.on_batch_end(batch, logs)

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
            cb.on_train_batch_begin(batch, logs)      # which calls on_batch_begin unless overridden

    def batch_end(self, batch, logs):
        for cb in self._batch_hooks:
            cb.on_train_batch_end(batch, logs)

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
    from ..progbar import format_value
    return format_value(v)


def fit_callbacks(callbacks, verbose):
    """``fit``'s callbacks and its History: the user's, plus a progress bar and a History
    unless the user gave one (as Keras, which never runs two progress bars).

    Keras's order for the added ones: the progress bar first, History last (it sees what
    callbacks add to the logs, e.g. ReduceLROnPlateau's learning_rate).
    """
    cbs = list(callbacks or [])
    if verbose and not any(isinstance(c, ProgbarLogger) for c in cbs):
        cbs.insert(0, ProgbarLogger(verbose))
    history = next((c for c in cbs if isinstance(c, History)), None)
    if history is None:
        history = History()
        cbs.append(history)
    return cbs, history


class ProgbarLogger(Callback):
    """Prints ``Epoch i/n`` and a progress bar (verbose 1) or one line per epoch (verbose 2).

    Given to ``fit(callbacks=...)``, it takes ``fit``'s ``verbose`` (as Keras's).
    """

    def __init__(self, verbose=1):
        super().__init__()
        self.verbose = verbose
        self.bar = None
        self.target = None
        self.seen = 0

    def set_params(self, params):
        super().set_params(params)
        if "verbose" in (params or {}):
            self.verbose = 1 if params["verbose"] == "auto" else params["verbose"]

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


