"""compile and fit, shared by every model class (evaluate/predict: evaluation.py; data: model_data.py).

The trainer needs only what every model provides: ``forward(x, training)``,
``backward(cache, dy)``, ``gradient_variables`` and ``trainable_weights``.
It never looks at layer classes.
"""

import numpy as np

from .. import backend
from ..kernels.conv_threads import caller_blas_during

from . import custom_losses
from . import data_adapters as da
from . import losses as losses_mod
from . import validation
from .evaluation import Evaluation
from .generator_methods import GeneratorMethods
from .model_data import FEED_ARGS, ModelData, reject_unknown

_COMPILE_EXTRAS = ("weighted_metrics", "run_eagerly", "steps_per_execution", "jit_compile",
                   "auto_scale_loss", "sample_weight_mode", "target_tensors")


class Trainer(Evaluation, GeneratorMethods, ModelData):
    """Mixin giving a model Keras's training API (Python semantics)."""

    optimizer = None
    compiled = False
    _strategy = None          # a pipeseq.distributed strategy during fit(strategy=...)
    _batch_fraction = 1.0     # this rank's share of the global batch (distributed fit)
    _step_plan = None         # cached by _gradient_plan() for the duration of one fit
    _step_layers = None       # the model's nested layers (add_loss values), after the first step
    stop_training = False
    history = None

    # -------------------------------------------------------------- compile
    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None, **kwargs):
        """Configure training: optimizer, loss (one per output) and metrics.

        Parameters
        ----------
        optimizer : str or Optimizer
            e.g. ``"rmsprop"`` or ``SGD(learning_rate=0.01, momentum=0.9)``.
        loss : str, callable, Loss, or a list/dict with one per output.
        metrics : list of str/callables, or a dict ``{name: fn}`` (R's named vector).
        loss_weights : list or dict of floats, one per output.
        """
        unknown = set(kwargs) - set(_COMPILE_EXTRAS)
        if unknown:
            from ..utils import did_you_mean
            bad = sorted(unknown)[0]
            raise TypeError(f"compile(): unrecognized argument {bad!r}."
                            f"{did_you_mean(bad, ['optimizer', 'loss', 'metrics', 'loss_weights', *_COMPILE_EXTRAS])}")
        from . import optimizers as optimizers_mod
        opt = optimizers_mod.get(optimizer)
        names = self.output_names
        n = len(names)
        loss_list = self._per_output(loss, "loss", names)
        self._losses = [losses_mod.get(l) if l is not None else None for l in loss_list]
        if all(l is None for l in self._losses) and loss is not None:
            raise ValueError("compile(): could not resolve the loss.")
        lw = self._per_output(loss_weights, "loss_weights", names) if loss_weights is not None else [1.0] * n
        self._loss_weights = [1.0 if w is None else float(w) for w in lw]
        self._metric_specs = self._metric_spec(metrics, names)
        self.optimizer = opt
        self._compile_config = {"optimizer": optimizer, "loss": loss, "metrics": metrics,
                                "loss_weights": loss_weights}
        self.compiled = True
        self._build_metrics()       # resolves metric names now, so typos fail at compile()
        return self

    @staticmethod
    def _per_output(value, what, names):
        n = len(names)
        if isinstance(value, dict):
            unknown = set(value) - set(names)
            if unknown:
                raise ValueError(f"compile(): {what} has keys {sorted(unknown)} that are not "
                                 f"output names. Output names: {names}")
            return [value.get(k) for k in names]
        if isinstance(value, (list, tuple)) and n > 1:
            if len(value) != n:
                raise ValueError(f"compile(): {what} must have one entry per output ({n}). "
                                 f"Received {len(value)}.")
            return list(value)
        if isinstance(value, (list, tuple)) and n == 1 and what == "loss_weights":
            return list(value)
        return [value] * n

    @staticmethod
    def _metric_spec(metrics, names):
        """Return, per output, a list of (identifier, name-or-None)."""
        n = len(names)
        if metrics is None:
            return [[] for _ in names]

        def entries(m):
            if m is None:
                return []
            if isinstance(m, dict):   # R: c("accuracy", mean_pred = fn) / {"mean_pred": fn}
                return [(v, k) for k, v in m.items()]
            if isinstance(m, (list, tuple)):
                out = []
                for item in m:
                    out.extend(entries(item) if isinstance(item, dict) else [(item, None)])
                return out
            return [(m, None)]
        if n > 1 and isinstance(metrics, dict) and set(metrics) <= set(names):
            return [entries(metrics.get(k)) for k in names]
        if n > 1 and isinstance(metrics, (list, tuple)) and len(metrics) == n and all(
                isinstance(m, (list, tuple)) or m is None for m in metrics):
            return [entries(m) for m in metrics]
        return [entries(metrics) for _ in names]

    def _build_metrics(self):
        from . import metrics as metrics_mod
        names = self.output_names
        multi = len(names) > 1
        self._metrics = []
        for i, spec in enumerate(self._metric_specs):
            loss = self._losses[i]
            loss_name = getattr(loss, "fn_name", None)
            out = []
            for ident, nm in spec:
                m = metrics_mod.get(ident, loss_name=loss_name, name=nm)
                if multi:
                    m.name = f"{names[i]}_{m.name}"
                out.append(m)
            self._metrics.append(out)
        self._loss_tracker = metrics_mod.Mean(name="loss")
        self._output_loss_trackers = [metrics_mod.Mean(name=f"{n}_loss") for n in names] if multi else []

    @property
    def metrics_names(self):
        if not self.compiled:
            return []
        if self._metrics is None:
            self._build_metrics()
        return ["loss"] + [m.name for t in self._output_loss_trackers for m in [t]] + \
            [m.name for ms in self._metrics for m in ms]

    def _require_compiled(self, what):
        if not self.compiled:
            raise RuntimeError(f"You must call compile() before {what}(). For example: "
                               "model.compile(optimizer='rmsprop', loss='mse')")

    # --------------------------------------------------------------- steps
    def _compute_losses(self, ys, preds, sw, want_grad):
        """Total loss, per-output losses (Keras's reduction) and d total / d each prediction."""
        total = 0.0
        dys = []
        per_output = []
        for i, (y, p) in enumerate(zip([None] * len(preds) if ys is None else ys, preds)):
            loss = self._losses[i]
            w = self._loss_weights[i]
            if loss is None:
                dys.append(np.zeros_like(p))
                per_output.append(0.0)
                continue
            value, g = custom_losses.weighted_value_and_gradient(loss, y, p, sw, want_grad)
            per_output.append(value)
            total += w * value
            if want_grad:
                if w != 1.0:
                    g = g * np.asarray(w, dtype=g.dtype)
                dys.append(g)
        return total, per_output, dys

    def _plan_gradients(self):
        """Note which variables training updates; done once per fit/train_on_batch call."""
        self._trainable_ids = {id(v) for v in self.trainable_weights}
        self._step_plan = self._step_layers = None

    def _gradient_plan(self):
        """``[(index into backward's gradients, variable)]`` for the trainable variables."""
        plan = self._step_plan
        if plan is None:
            plan = self._step_plan = [(i, v) for i, v in enumerate(self.gradient_variables)
                                      if id(v) in self._trainable_ids]
        return plan

    def _regularization(self, variables):
        pen = 0.0
        for v in variables:
            if v.regularizer is not None:
                pen += float(v.regularizer(v.value))
        return pen

    @caller_blas_during            # the thread policy: kernels/conv_threads.py
    def _train_step(self, xs, ys, sw):
        x = xs if self.n_inputs > 1 else xs[0]
        layers = self._step_layers          # None until a forward pass has built every layer
        custom_losses.clear_call_losses(self, layers)
        y_pred, cache = self.forward(x, training=True)
        if layers is None:
            layers = self._step_layers = custom_losses.all_layers(self)
        preds = y_pred if isinstance(y_pred, list) else [y_pred]
        loss, per_output, dys = self._compute_losses(ys, preds, sw, want_grad=True)
        loss += custom_losses.call_losses(self, layers)     # add_loss / activity regularizers
        dy = dys if len(preds) > 1 else dys[0]
        if getattr(self, "input_grad_optional", False):   # no gradient for the data itself
            _, grads = self.backward(cache, dy, need_input_grad=False)
        else:
            _, grads = self.backward(cache, dy)
        keep_g, keep_v = [], []
        for i, v in self._gradient_plan():
            g = grads[i]
            if g is not None:
                keep_g.append(g)
                keep_v.append(v)
        if self._strategy is not None:   # average the data gradients over all ranks
            keep_g = self._strategy.allreduce_gradients(keep_g, self._batch_fraction)
        for i, v in enumerate(keep_v):
            if v.regularizer is not None:
                keep_g[i] = keep_g[i] + v.regularizer.gradient(v.value).astype(keep_g[i].dtype)
        loss += self._regularization(keep_v)
        self.optimizer.apply(keep_g, keep_v)
        return loss, per_output, preds

    def _update_metrics(self, loss, per_output, ys, preds, sw, batch_n):
        self._loss_tracker.update_state(loss, sample_weight=batch_n)
        for t, v in zip(self._output_loss_trackers, per_output):
            t.update_state(v, sample_weight=batch_n)
        for ms, y, p in zip(self._metrics, [None] * len(preds) if ys is None else ys, preds):
            for m in ms:
                m.update_state(y, p, sw)

    def _reset_metrics(self):
        self._loss_tracker.reset_state()
        for t in self._output_loss_trackers:
            t.reset_state()
        for ms in self._metrics:
            for m in ms:
                m.reset_state()

    def _logs(self, prefix=""):
        logs = {prefix + "loss": float(self._loss_tracker.result())}
        for t in self._output_loss_trackers:
            logs[prefix + t.name] = float(t.result())
        for ms in self._metrics:
            for m in ms:
                logs[prefix + m.name] = float(m.result())
        return logs

    # ----------------------------------------------------------------- fit
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1, strategy=None, max_queue_size=None,
            workers=None, use_multiprocessing=None, **kwargs):
        """Train for ``epochs`` epochs; return a :class:`History`.

        ``x`` may be arrays (with ``y``), a generator or a ``PyDataset``/``Sequence``
        yielding ``(x, y[, sample_weight])`` batches, or array-likes read batch by
        batch (h5py datasets, memmaps, Dask arrays). ``validation_split`` takes the
        last fraction of the data before shuffling, as Keras does. In-memory arrays
        are checked whole before any weight changes; other data batch by batch,
        each before its own update.
        """
        reject_unknown("fit", kwargs, _FIT_ARGS)
        self._require_compiled("fit")
        verbose = 1 if verbose == "auto" else int(verbose)
        if not isinstance(epochs, (int, np.integer)) or epochs < 0:
            raise ValueError(f"fit(): epochs must be a non-negative integer. Received: epochs={epochs!r}")
        if backend.max_epochs() is not None:          # keras.config.set_max_epochs
            epochs = min(epochs, backend.max_epochs())
        if not 0.0 <= validation_split < 1.0:
            raise ValueError(f"fit(): validation_split must be in [0, 1). Received: {validation_split}")
        if batch_size is not None and int(batch_size) <= 0:
            raise ValueError(f"fit(): batch_size must be positive. Received: batch_size={batch_size}")
        validation.check_counts("fit", validation_steps=validation_steps,
                                validation_batch_size=validation_batch_size,
                                validation_freq=validation_freq)
        feed = {"workers": workers, "use_multiprocessing": use_multiprocessing,
                "max_queue_size": max_queue_size}
        data = self._epoch_iterator("fit", x, y, sample_weight, batch_size, steps_per_epoch,
                                    shuffle, class_weight, **feed)
        val = self._validation_data(data, validation_split, validation_data, validation_steps,
                                    validation_batch_size or batch_size, feed)
        return self._run_fit(data, val, epochs, verbose, callbacks, initial_epoch,
                             validation_freq, strategy)

    def _validation_data(self, data, split, validation_data, steps, batch_size, feed):
        if validation_data is not None:
            if isinstance(validation_data, (list, tuple)):
                if len(validation_data) not in (2, 3):
                    raise ValueError("validation_data must be a tuple (x_val, y_val) or "
                                     "(x_val, y_val, sample_weight_val), a generator or a "
                                     f"PyDataset. Received a {type(validation_data).__name__} of "
                                     f"{len(validation_data)} items.")
                vx, vy, vsw = (tuple(validation_data) + (None,))[:3]
            else:
                vx, vy, vsw = validation_data, None, None
            return self._epoch_iterator("evaluate", vx, vy, vsw, batch_size, steps, **feed)
        if split:
            return data.split(split, batch_size)
        return None

    def _run_fit(self, data, val, epochs, verbose, callbacks, initial_epoch, validation_freq,
                 strategy):
        if self._metrics is None:
            self._build_metrics()
        adapter = data.adapter
        if adapter.batch_size is not None:
            self._check_batch_size(adapter.batch_size, adapter.num_samples,
                                   None if val is None else val.adapter.num_samples)
        backend.keep_freed_memory()         # no page faults for each batch's arrays
        self._plan_gradients()
        if strategy is not None:
            # Same weights and shuffling on every rank; only rank 0 prints and writes files.
            if not isinstance(adapter, da.ArrayDataAdapter):
                raise ValueError("fit(strategy=...) needs array data (in memory or streamed), "
                                 f"so that every rank can take its shard of each batch. "
                                 f"Received {adapter.source}.")
            strategy.setup(self, adapter.num_samples, adapter.batch_size)
            adapter.set_strategy(strategy)
        from . import callbacks as callbacks_mod
        cbs, history = callbacks_mod.fit_callbacks(callbacks, verbose)
        if strategy is not None and not strategy.is_chief:
            cbs = [c for c in cbs if strategy.allowed_on_worker(c)]
        params = {"verbose": verbose, "epochs": epochs, "steps": data.num_batches,
                  "samples": adapter.num_samples, "batch_size": adapter.batch_size,
                  "val_samples": 0 if val is None else (val.adapter.num_samples or 0)}
        cb = callbacks_mod.CallbackList(cbs, self, params)
        self.history = history
        self.stop_training = False
        self._strategy = strategy
        self._initial_epoch = None
        cb.call("on_train_begin", {})
        if self._initial_epoch is not None:     # BackupAndRestore resumes an interrupted fit
            initial_epoch = self._initial_epoch
        logs = {}
        try:
            for epoch in range(initial_epoch, epochs):
                steps_done, logs = self._fit_epoch(epoch, data, cb)
                if not steps_done and data.exhausted:
                    break
                if val is not None and (epoch + 1 - initial_epoch) % validation_freq == 0:
                    cb.call("on_test_begin", {})
                    val_logs = self._evaluate_batches(val, prefix="val_") or {}
                    cb.call("on_test_end", val_logs)
                    logs.update(val_logs)
                cb.call("on_epoch_end", epoch, logs)
                if self.stop_training or data.exhausted:
                    break
        finally:
            self._strategy = None
            data.close()
            if val is not None:
                val.close()
        if epochs > initial_epoch:
            self.optimizer.finalize_variable_values(self.trainable_weights)   # EMA -> weights
        cb.call("on_train_end", logs)
        return history

    def _fit_epoch(self, epoch, data, cb):
        """One epoch of training steps; returns ``(steps run, logs)``."""
        self._reset_metrics()
        cb.call("on_epoch_begin", epoch, {})
        steps = 0
        for step, batch in data.epoch():
            if cb.wants_batch_logs:
                cb.batch_begin(step, {})
            n = len(batch.x[0])
            if batch.global_size is not None:      # this rank's share of the global batch
                self._batch_fraction = n / batch.global_size
            loss, per_output, preds = self._train_step(batch.x, batch.y, batch.sample_weight)
            self._update_metrics(loss, per_output, batch.y, preds, batch.sample_weight, n)
            steps = step + 1
            if cb.wants_batch_logs:            # a progress bar or a batch callback
                cb.batch_end(step, self._logs())
            if self.stop_training or steps == backend.max_steps_per_epoch():
                break
        if self._strategy is not None:
            self._strategy.end_of_epoch(self)
        return steps, self._logs()

    def _check_batch_size(self, batch_size, n, n_val=None):
        """Stateful models override this: their batch size is fixed."""

    # -------------------------------------------------------- on_batch API
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        self._require_compiled("train_on_batch")
        xs, ys, sw, n = self._prepare(x, y, sample_weight, class_weight)
        if self._metrics is None:
            self._build_metrics()
        backend.keep_freed_memory()
        self._plan_gradients()
        self._reset_metrics()
        loss, per_output, preds = self._train_step(xs, ys, sw)
        self._update_metrics(loss, per_output, ys, preds, sw, n)
        return self._batch_result(return_dict)


_FIT_ARGS = ["x", "y", "batch_size", "epochs", "verbose", "callbacks", "validation_split",
             "validation_data", "shuffle", "class_weight", "sample_weight", "initial_epoch",
             "steps_per_epoch", "validation_steps", "validation_batch_size", "validation_freq",
             *FEED_ARGS]
