"""compile / fit / evaluate / predict, shared by every model class.

The trainer needs only what every model provides: ``forward(x, training)``,
``backward(cache, dy)``, ``gradient_variables`` and ``trainable_weights``.
It never looks at layer classes.
"""
import math
import warnings

import numpy as np

from .. import backend
from . import callbacks as callbacks_mod
from . import data as data_mod
from . import losses as losses_mod
from . import metrics as metrics_mod
from . import optimizers as optimizers_mod
from .progbar import Progbar

_COMPILE_EXTRAS = ("weighted_metrics", "run_eagerly", "steps_per_execution", "jit_compile",
                   "auto_scale_loss", "sample_weight_mode", "target_tensors")


class Trainer:
    """Mixin giving a model Keras's training API (Python semantics)."""

    optimizer = None
    compiled = False
    _strategy = None          # a pipeseq.distributed strategy during fit(strategy=...)
    _batch_fraction = 1.0     # this rank's share of the global batch (distributed fit)
    _step_plan = None         # cached by _gradient_plan() for the duration of one fit
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

    # ----------------------------------------------------------- data prep
    def _prepare(self, x, y=None, sample_weight=None, class_weight=None, check_y=True):
        xs = data_mod.as_list(x, self.n_inputs, "x", getattr(self, "input_names", None))
        ys = data_mod.as_list(y, len(self.output_names), "y", self.output_names) if y is not None else None
        sw = None if sample_weight is None else data_mod.to_array(sample_weight, "sample_weight").astype("float64")
        n = data_mod.check_lengths(xs, ys, sw)
        if n == 0:
            raise ValueError("Received empty data: x has 0 samples.")
        data_mod.check_finite(xs)
        if not self.built:
            self.build([(None,) + a.shape[1:] for a in xs] if self.n_inputs > 1 else (None,) + xs[0].shape[1:])
        data_mod.check_input_shapes(xs, self._expected_input_shapes(), self.input_names)
        xs = data_mod.cast_inputs(xs, self._input_kinds())
        if ys is not None and check_y:
            self._check_targets(ys)
        if class_weight is not None:
            if ys is None or len(ys) != 1:
                raise ValueError("class_weight is supported for single-output models with targets.")
            cw = self._class_weights(ys[0], class_weight)
            sw = cw if sw is None else sw * cw
        return xs, ys, sw, n

    def _class_weights(self, y, class_weight):
        y = np.asarray(y)
        if y.ndim > 1 and y.shape[-1] > 1:
            ids = np.argmax(y, axis=-1)
        else:
            ids = np.round(y.reshape(len(y), -1)[:, 0]).astype(int)
        ids = ids.reshape(len(y), -1)[:, 0]
        return np.array([float(class_weight.get(int(c), 1.0)) for c in ids])

    def _check_targets(self, ys):
        shapes = self._output_shapes()
        for i, (y, loss) in enumerate(zip(ys, self._losses if self.compiled else [None] * len(ys))):
            out_shape = shapes[i]
            if loss is None or out_shape is None:
                continue
            units = out_shape[-1]
            name = getattr(loss, "fn_name", None)
            where = "" if len(ys) == 1 else f" for output '{self.output_names[i]}'"
            if name == "sparse_categorical_crossentropy":
                yi = y.reshape(len(y), -1) if y.ndim == 1 or y.shape[-1] == 1 else y
                if y.ndim == len(out_shape) and y.shape[-1] == units and units > 1:
                    raise ValueError(
                        f"sparse_categorical_crossentropy expects integer class ids{where}, shape "
                        f"(n,) or (n, 1); received one-hot-like targets of shape {y.shape}. Use "
                        "loss='categorical_crossentropy' for one-hot targets.")
                if units is not None and yi.size and (yi.min() < 0 or yi.max() >= units):
                    raise ValueError(f"Target labels{where} must be in [0, {units - 1}] for a model "
                                     f"with {units} output units. Received labels from "
                                     f"{yi.min():g} to {yi.max():g}.")
            elif name == "categorical_crossentropy" and units is not None:
                if y.ndim < 2 or y.shape[-1] != units:
                    hint = (" Convert class ids with to_categorical(y, num_classes="
                            f"{units})." if y.ndim == 1 or (y.ndim == 2 and y.shape[-1] == 1)
                            else "")
                    raise ValueError(
                        f"categorical_crossentropy expects one-hot targets with {units} classes"
                        f"{where} (the model's last layer has {units} units), but y has shape "
                        f"{y.shape}.{hint}")
            elif units is not None and y.ndim >= 2 and y.shape[-1] != units and not (
                    y.ndim == len(out_shape) - 1):
                raise ValueError(f"Targets{where} have shape {y.shape}, but the model outputs "
                                 f"{units} value(s) per sample ({tuple(out_shape)}).")

    def _expected_input_shapes(self):
        try:
            shapes = self._input_shapes()
        except Exception:
            return [None] * self.n_inputs
        return shapes

    # --------------------------------------------------------------- steps
    def _compute_losses(self, ys, preds, sw, want_grad):
        total = 0.0
        dys = []
        per_output = []
        for i, (y, p) in enumerate(zip(ys, preds)):
            loss = self._losses[i]
            w = self._loss_weights[i]
            if loss is None:
                dys.append(np.zeros_like(p))
                per_output.append(0.0)
                continue
            if want_grad:
                values, g = loss.value_and_gradient(y, p)
            else:
                values = loss(y, p)
            count = values.size
            if sw is not None:
                swb = sw.reshape(sw.shape + (1,) * (values.ndim - 1)).astype(values.dtype)
                value = float((values * swb).sum()) / count
            else:
                value = float(values.sum()) / count
            per_output.append(value)
            total += w * value
            if want_grad:
                scale = np.asarray(w / count, dtype=p.dtype)
                if sw is not None:
                    swg = sw.reshape(sw.shape + (1,) * (g.ndim - 1)).astype(p.dtype)
                    g = g * swg * scale
                else:
                    g *= scale
                dys.append(g)
        return total, per_output, dys

    def _plan_gradients(self):
        """Note which variables training updates; done once per fit/train_on_batch call."""
        self._trainable_ids = {id(v) for v in self.trainable_weights}
        self._step_plan = None

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

    def _train_step(self, xs, ys, sw):
        x = xs if self.n_inputs > 1 else xs[0]
        y_pred, cache = self.forward(x, training=True)
        preds = y_pred if isinstance(y_pred, list) else [y_pred]
        loss, per_output, dys = self._compute_losses(ys, preds, sw, want_grad=True)
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
        for ms, y, p in zip(self._metrics, ys, preds):
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
            validation_batch_size=None, validation_freq=1, strategy=None, **kwargs):
        """Train for ``epochs`` epochs; return a :class:`History`.

        ``validation_split`` takes the last fraction of the data before shuffling,
        as Keras does. Every check on the data runs before any weight changes.
        """
        if kwargs:
            from ..utils import did_you_mean
            bad = next(iter(kwargs))
            raise TypeError(f"fit(): unrecognized argument {bad!r}.{did_you_mean(bad, _FIT_ARGS)}")
        self._require_compiled("fit")
        if x is None:
            raise ValueError("fit(): x is required.")
        if y is None:
            raise ValueError("fit(): y is required (pipeseq has no unsupervised fit).")
        verbose = 1 if verbose == "auto" else int(verbose)
        if not isinstance(epochs, (int, np.integer)) or epochs < 0:
            raise ValueError(f"fit(): epochs must be a non-negative integer. Received: epochs={epochs!r}")
        if not 0.0 <= validation_split < 1.0:
            raise ValueError(f"fit(): validation_split must be in [0, 1). Received: {validation_split}")
        xs, ys, sw, n = self._prepare(x, y, sample_weight, class_weight)
        val = None
        if validation_data is not None:
            if not isinstance(validation_data, (list, tuple)) or len(validation_data) not in (2, 3):
                raise ValueError("validation_data must be a tuple (x_val, y_val) or "
                                 "(x_val, y_val, sample_weight_val).")
            vx, vy = validation_data[0], validation_data[1]
            vsw = validation_data[2] if len(validation_data) == 3 else None
            val = self._prepare(vx, vy, vsw)[:3]
        elif validation_split:
            split_at = int(math.floor(n * (1.0 - validation_split)))
            if split_at == 0 or split_at == n:
                raise ValueError(f"validation_split={validation_split} leaves no "
                                 f"{'training' if split_at == 0 else 'validation'} samples "
                                 f"out of {n}.")
            val = ([a[split_at:] for a in xs], [a[split_at:] for a in ys],
                   None if sw is None else sw[split_at:])
            xs, ys = [a[:split_at] for a in xs], [a[:split_at] for a in ys]
            sw = None if sw is None else sw[:split_at]
            n = split_at
        batch_size = 32 if batch_size is None else int(batch_size)
        if batch_size <= 0:
            raise ValueError(f"fit(): batch_size must be positive. Received: batch_size={batch_size}")
        self._check_batch_size(batch_size, n, val)
        steps = int(math.ceil(n / batch_size)) if steps_per_epoch is None else int(steps_per_epoch)

        if self._metrics is None:
            self._build_metrics()
        self._plan_gradients()
        history = callbacks_mod.History()
        # Keras's order: the progress bar first, History last (it sees what callbacks add to
        # the logs, e.g. ReduceLROnPlateau's learning_rate).
        cbs = ([callbacks_mod.ProgbarLogger(verbose)] if verbose else []) + list(callbacks or [])
        cbs.append(history)
        params = {"verbose": verbose, "epochs": epochs, "steps": steps, "samples": n,
                  "batch_size": batch_size, "val_samples": 0 if val is None else len(val[0][0])}
        cb = callbacks_mod.CallbackList(cbs, self, params)
        self.history = history
        self.stop_training = False
        need_batch_logs = cb.wants_batch_logs or verbose == 1
        rng = backend.rng()
        self._strategy = strategy
        if strategy is not None:
            # Same weights and shuffling on every rank; only rank 0 prints and writes files.
            strategy.setup(self, n, batch_size)
            rng = strategy.rng
            if not strategy.is_chief:
                cbs = [c for c in cbs if strategy.allowed_on_worker(c)]
                cb = callbacks_mod.CallbackList(cbs, self, params)
        self._initial_epoch = None
        cb.call("on_train_begin", {})
        if self._initial_epoch is not None:     # BackupAndRestore resumes an interrupted fit
            initial_epoch = self._initial_epoch
        logs = {}
        cursor = 0
        for epoch in range(initial_epoch, epochs):
            self._reset_metrics()
            cb.call("on_epoch_begin", epoch, {})
            if shuffle and shuffle != "batch":
                order = rng.permutation(n)
            elif shuffle == "batch":
                blocks = np.arange(0, n, batch_size)
                rng.shuffle(blocks)
                order = np.concatenate([np.arange(b, min(b + batch_size, n)) for b in blocks])
            else:
                order = None
            for step in range(steps):
                if steps_per_epoch is None:
                    lo = step * batch_size
                else:
                    lo = cursor % n
                    cursor += batch_size
                hi = min(lo + batch_size, n)
                if strategy is not None:   # this rank's shard of the global batch
                    idx = strategy.shard(lo, hi, order)
                    self._batch_fraction = len(idx) / (hi - lo)
                    xb, yb = [a[idx] for a in xs], [a[idx] for a in ys]
                    swb = None if sw is None else sw[idx]
                    lo, hi = 0, len(idx)
                elif order is None:
                    sl = slice(lo, hi)
                    xb, yb = [a[sl] for a in xs], [a[sl] for a in ys]
                    swb = None if sw is None else sw[sl]
                else:
                    idx = order[lo:hi]
                    xb, yb = [a[idx] for a in xs], [a[idx] for a in ys]
                    swb = None if sw is None else sw[idx]
                if cb.wants_batch_logs:
                    cb.batch_begin(step, {})
                loss, per_output, preds = self._train_step(xb, yb, swb)
                self._update_metrics(loss, per_output, yb, preds, swb, hi - lo)
                if need_batch_logs:
                    blogs = self._logs()
                    cb.batch_end(step, blogs)
                    if verbose == 1:
                        for c in cbs:
                            if isinstance(c, callbacks_mod.ProgbarLogger):
                                c.on_train_batch_end(step, blogs)
                if self.stop_training:
                    break
            if strategy is not None:
                strategy.end_of_epoch(self)
            logs = self._logs()
            if val is not None and (epoch + 1 - initial_epoch) % validation_freq == 0:
                cb.call("on_test_begin", {})
                val_logs = self._evaluate_arrays(*val, batch_size=validation_batch_size or batch_size,
                                                 prefix="val_")
                cb.call("on_test_end", val_logs)
                logs.update(val_logs)
            cb.call("on_epoch_end", epoch, logs)
            if self.stop_training:
                break
        if epochs > initial_epoch:
            self.optimizer.finalize_variable_values(self.trainable_weights)   # EMA -> weights
        cb.call("on_train_end", logs)
        self._strategy = None
        return history

    def _check_batch_size(self, batch_size, n, val=None):
        """Stateful models override this: their batch size is fixed."""

    # ------------------------------------------------------------- evaluate
    def _evaluate_arrays(self, xs, ys, sw, batch_size=32, prefix="", verbose=0):
        if self._metrics is None:
            self._build_metrics()
        self._reset_metrics()
        n = len(xs[0])
        steps = int(math.ceil(n / batch_size))
        bar = Progbar(steps, verbose=verbose) if verbose else None
        for step in range(steps):
            sl = slice(step * batch_size, min((step + 1) * batch_size, n))
            xb, yb = [a[sl] for a in xs], [a[sl] for a in ys]
            swb = None if sw is None else sw[sl]
            out = self.forward(xb if self.n_inputs > 1 else xb[0], training=False)[0]
            preds = out if isinstance(out, list) else [out]
            loss, per_output, _ = self._compute_losses(yb, preds, swb, want_grad=False)
            loss += self._regularization(self.trainable_weights)
            self._update_metrics(loss, per_output, yb, preds, swb, sl.stop - sl.start)
            if bar:
                bar.update(step + 1, self._logs(prefix), finalize=step == steps - 1)
        return self._logs(prefix)

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False, **kwargs):
        """Loss and metrics on ``(x, y)``: a scalar, a list ``[loss, *metrics]``, or a dict."""
        if kwargs:
            from ..utils import did_you_mean
            bad = next(iter(kwargs))
            raise TypeError(f"evaluate(): unrecognized argument {bad!r}."
                            f"{did_you_mean(bad, ['x', 'y', 'batch_size', 'verbose', 'sample_weight', 'return_dict'])}")
        self._require_compiled("evaluate")
        verbose = 1 if verbose == "auto" else int(verbose)
        xs, ys, sw, n = self._prepare(x, y, sample_weight)
        cb = callbacks_mod.CallbackList(callbacks or [], self, {"verbose": verbose})
        cb.call("on_test_begin", {})
        logs = self._evaluate_arrays(xs, ys, sw, batch_size=batch_size or 32, verbose=verbose)
        cb.call("on_test_end", logs)
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    # -------------------------------------------------------------- predict
    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """Outputs for ``x`` in batches (``training=False``); a list for multi-output models."""
        verbose = 1 if verbose == "auto" else int(verbose)
        xs, _, _, n = self._prepare(x)
        cb = callbacks_mod.CallbackList(callbacks or [], self, {"verbose": verbose})
        cb.call("on_predict_begin", {})
        batch_size = batch_size or 32
        nsteps = int(math.ceil(n / batch_size))
        bar = Progbar(nsteps, verbose=verbose) if verbose else None
        outs = []
        for step in range(nsteps):
            sl = slice(step * batch_size, min((step + 1) * batch_size, n))
            xb = [a[sl] for a in xs]
            out = self.forward(xb if self.n_inputs > 1 else xb[0], training=False)[0]
            outs.append(out if isinstance(out, list) else [out])
            if bar:
                bar.update(step + 1, finalize=step == nsteps - 1)
        result = [np.concatenate([o[i] for o in outs]) for i in range(len(outs[0]))]
        cb.call("on_predict_end", {})
        return result if len(result) > 1 else result[0]

    def predict_classes(self, x, batch_size=32, verbose=0):
        """Class ids: argmax of the outputs, or ``output > 0.5`` for a single unit (Keras 1/2)."""
        proba = self.predict(x, batch_size=batch_size, verbose=verbose)
        if proba.shape[-1] > 1:
            return proba.argmax(axis=-1)
        return (proba > 0.5).astype("int32")

    def predict_proba(self, x, batch_size=32, verbose=0):
        """Same as ``predict`` (Keras 1/2 name); warns when outputs are not probabilities."""
        preds = self.predict(x, batch_size=batch_size, verbose=verbose)
        if preds.min() < 0 or preds.max() > 1:
            warnings.warn("Network returning invalid probability values. The last layer might "
                          "not normalize predictions into probabilities (like softmax or sigmoid "
                          "would).", stacklevel=2)
        return preds

    # -------------------------------------------------------- on_batch API
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        self._require_compiled("train_on_batch")
        xs, ys, sw, n = self._prepare(x, y, sample_weight, class_weight)
        if self._metrics is None:
            self._build_metrics()
        self._plan_gradients()
        self._reset_metrics()
        loss, per_output, preds = self._train_step(xs, ys, sw)
        self._update_metrics(loss, per_output, ys, preds, sw, n)
        return self._batch_result(return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        self._require_compiled("test_on_batch")
        xs, ys, sw, n = self._prepare(x, y, sample_weight)
        self._evaluate_arrays(xs, ys, sw, batch_size=n)
        return self._batch_result(return_dict)

    def predict_on_batch(self, x):
        xs = self._prepare(x)[0]
        return self.forward(xs if self.n_inputs > 1 else xs[0], training=False)[0]

    def _batch_result(self, return_dict):
        logs = self._logs()
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values


_FIT_ARGS = ["x", "y", "batch_size", "epochs", "verbose", "callbacks", "validation_split",
             "validation_data", "shuffle", "class_weight", "sample_weight", "initial_epoch",
             "steps_per_epoch", "validation_steps", "validation_batch_size", "validation_freq"]
