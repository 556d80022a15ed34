"""evaluate / predict and the per-batch test and predict calls, shared by every model class."""
import warnings

import numpy as np

from .. import backend
from ..kernels.conv_threads import caller_blas_during
from . import custom_losses
from .model_data import FEED_ARGS, reject_unknown
from .progbar import Progbar

_EVALUATE_ARGS = ["x", "y", "batch_size", "verbose", "sample_weight", "steps", "callbacks",
                  "return_dict", *FEED_ARGS]


class Evaluation:
    """Mixin for :class:`~pipeseq.training.trainer.Trainer`: inference over any data."""

    @caller_blas_during
    def _test_step(self, xs, ys, sw):
        custom_losses.clear_call_losses(self)
        with backend.no_backward():
            out = self.forward(xs if self.n_inputs > 1 else xs[0], training=False)[0]
        preds = out if isinstance(out, list) else [out]
        loss, per_output, _ = self._compute_losses(ys, preds, sw, want_grad=False)
        loss += custom_losses.call_losses(self)     # add_loss / activity regularizers
        loss += self._regularization(self.trainable_weights)
        self._update_metrics(loss, per_output, ys, preds, sw, len(xs[0]))

    def _evaluate_batches(self, data, prefix="", verbose=0):
        """Loss and metrics over one epoch of ``data``; ``None`` if it yielded no batch."""
        if self._metrics is None:
            self._build_metrics()
        self._reset_metrics()
        bar = Progbar(data.num_batches, verbose=verbose) if verbose else None
        steps = 0
        for step, b in data.epoch():
            self._test_step(b.x, b.y, b.sample_weight)
            steps = step + 1
            if bar:
                bar.update(steps, self._logs(prefix))
        if not steps:
            return None
        if bar:
            bar.update(steps, self._logs(prefix), finalize=True)
        return self._logs(prefix)

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False, max_queue_size=None, workers=None,
                 use_multiprocessing=None, **kwargs):
        """Loss and metrics on ``(x, y)`` (or batches from a generator/``PyDataset``):
        a scalar, a list ``[loss, *metrics]``, or a dict."""
        reject_unknown("evaluate", kwargs, _EVALUATE_ARGS)
        self._require_compiled("evaluate")
        verbose = 1 if verbose == "auto" else int(verbose)
        data = self._epoch_iterator("evaluate", x, y, sample_weight, batch_size, steps,
                                    workers=workers, use_multiprocessing=use_multiprocessing,
                                    max_queue_size=max_queue_size)
        from . import callbacks as callbacks_mod
        cb = callbacks_mod.CallbackList(callbacks or [], self, {"verbose": verbose})
        cb.call("on_test_begin", {})
        try:
            logs = self._evaluate_batches(data, verbose=verbose)
        finally:
            data.close()
            cb.call("on_test_end", {})
        if logs is None:
            raise ValueError(f"evaluate(): {data.adapter.source} yielded no batches.")
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    # -------------------------------------------------------------- predict
    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None,
                max_queue_size=None, workers=None, use_multiprocessing=None):
        """Outputs for ``x`` in batches (``training=False``); a list for multi-output models.

        ``x``: arrays, array-likes read batch by batch, a generator or a ``PyDataset``
        (whose batches may carry targets: only their inputs are used)."""
        feed = {"workers": workers, "use_multiprocessing": use_multiprocessing,
                "max_queue_size": max_queue_size}
        from . import callbacks as callbacks_mod
        cb = callbacks_mod.CallbackList(callbacks or [], self, {"verbose": verbose})
        cb.call("on_predict_begin", {})
        try:
            return self._predict(x, batch_size, verbose, steps, feed)
        finally:
            cb.call("on_predict_end", {})

    def _predict(self, x, batch_size, verbose, steps, feed, max_samples=None):
        verbose = 1 if verbose == "auto" else int(verbose)
        data = self._epoch_iterator("predict", x, batch_size=batch_size, steps=steps,
                                    need_y=False, max_samples=max_samples, **feed)
        bar = Progbar(data.num_batches, verbose=verbose) if verbose else None
        outs = []
        try:
            for step, b in data.epoch():
                with backend.no_backward():        # also for models nested inside
                    out = self._infer(b.x if self.n_inputs > 1 else b.x[0])
                outs.append(out if isinstance(out, list) else [out])
                if bar:
                    bar.update(step + 1)
        finally:
            data.close()
        if not outs:
            raise ValueError(f"predict(): {data.adapter.source} yielded no batches.")
        if bar:
            bar.update(len(outs), finalize=True)
        result = [np.concatenate([o[i] for o in outs]) for i in range(len(outs[0]))]
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
    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        self._require_compiled("test_on_batch")
        xs, ys, sw, n = self._prepare(x, y, sample_weight)
        if self._metrics is None:
            self._build_metrics()
        self._reset_metrics()
        self._test_step(xs, ys, sw)
        return self._batch_result(return_dict)

    def predict_on_batch(self, x):
        xs = self._prepare(x)[0]
        with backend.no_backward():
            return self._infer(xs if self.n_inputs > 1 else xs[0])

    @caller_blas_during
    def _infer(self, x):
        """Outputs for one batch in inference mode, when no backward pass will follow
        (Sequential and functional models take a faster path: models/inference.py)."""
        return self.forward(x, training=False)[0]

    def _batch_result(self, return_dict):
        logs = self._logs()
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values
