"""R keras3's training vocabulary added with Keras 3: the newer ``optimizer_*``,
``learning_rate_schedule_*``, ``callback_*``, ``loss_*`` and ``metric_*`` functions.

Thin constructors over pipeseq's classes, with R keras3's habits:

* ``metric_auc()`` -> a metric object; ``metric_auc(y_true, y_pred)`` -> its value on that data;
* ``loss_dice()`` -> a loss object; ``loss_dice(y_true, y_pred)`` -> the loss values;
* ``learning_rate_schedule_cosine_decay(...)`` -> a schedule for any ``learning_rate``.

Example
-------
>>> import numpy as np
>>> from pipeseq import metric_auc, optimizer_adam_w, learning_rate_schedule_exponential_decay
>>> float(metric_auc(np.array([0, 1, 1]), np.array([0.1, 0.8, 0.6])))
1.0
>>> sched = learning_rate_schedule_exponential_decay(0.01, decay_steps=100, decay_rate=0.9)
>>> optimizer_adam_w(learning_rate=sched).weight_decay
0.004
"""
import inspect

__all__ = []


def _export(name, fn, cls, kind):
    try:
        sig = str(inspect.signature(cls.__init__)).replace("(self, ", "(").replace("(self)", "()")
    except (TypeError, ValueError):
        sig = "(...)"
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"Keras's ``{cls.__name__}`` {kind} (R ``{name}()``): ``{name}{sig}``.\n\n"
                  f"Returns\n-------\n{cls.__name__}\n\n"
                  f"Example\n-------\n>>> obj = {name}()                  # doctest: +SKIP\n")
    globals()[name] = fn
    __all__.append(name)


# ------------------------------------------------------------------ optimizers
def _optimizer(cls):
    def fn(learning_rate=None, *args, lr=None, **kwargs):
        if lr is not None:
            learning_rate = lr
        if learning_rate is not None:
            kwargs["learning_rate"] = learning_rate
        return cls(*args, **kwargs)
    return fn


def _loss_scale(cls):
    def fn(inner_optimizer, initial_scale=32768.0, dynamic_growth_steps=2000, **kwargs):
        return cls(inner_optimizer, initial_scale=initial_scale,
                   dynamic_growth_steps=dynamic_growth_steps, **kwargs)
    return fn


def _register_optimizers():
    from ..training import optimizers as O
    for r, c in {"optimizer_adam_w": O.AdamW, "optimizer_adafactor": O.Adafactor,
                 "optimizer_ftrl": O.Ftrl, "optimizer_lamb": O.Lamb, "optimizer_lion": O.Lion,
                 "optimizer_muon": O.Muon}.items():
        _export(r, _optimizer(c), c, "optimizer")
    _export("optimizer_loss_scale", _loss_scale(O.LossScaleOptimizer), O.LossScaleOptimizer,
            "optimizer wrapper")
    S = O.schedules
    for r, c in {"learning_rate_schedule_cosine_decay": S.CosineDecay,
                 "learning_rate_schedule_cosine_decay_restarts": S.CosineDecayRestarts,
                 "learning_rate_schedule_exponential_decay": S.ExponentialDecay,
                 "learning_rate_schedule_inverse_time_decay": S.InverseTimeDecay,
                 "learning_rate_schedule_piecewise_constant_decay": S.PiecewiseConstantDecay,
                 "learning_rate_schedule_polynomial_decay": S.PolynomialDecay}.items():
        _export(r, _plain(c), c, "learning-rate schedule")


def _plain(cls):
    def fn(*args, **kwargs):
        return cls(*args, **kwargs)
    return fn


# ------------------------------------------------------------------- callbacks
def _register_callbacks():
    from ..training import callbacks as C
    for r, c in {"callback_backup_and_restore": C.BackupAndRestore,
                 "callback_remote_monitor": C.RemoteMonitor,
                 "callback_swap_ema_weights": C.SwapEMAWeights,
                 "callback_tensorboard": C.TensorBoard}.items():
        _export(r, _plain(c), c, "callback")


# ---------------------------------------------------------------------- losses
def _loss(cls):
    def fn(y_true=None, y_pred=None, **kwargs):
        if y_true is None and y_pred is None:
            return cls(**kwargs)
        if y_true is None or y_pred is None:
            raise TypeError(f"{fn.__name__}(): give both y_true and y_pred, or neither (to get a "
                            "loss object).")
        return cls(**kwargs)(y_true, y_pred)
    return fn


def _register_losses():
    from ..training import extra_losses as X
    for fn_name, cls in X.FUNCTIONS.items():
        _export("loss_" + fn_name, _loss(cls), cls, "loss")


# --------------------------------------------------------------------- metrics
def _metric(cls, fn=None):
    def r_fn(y_true=None, y_pred=None, **kwargs):
        if y_true is None and y_pred is None:
            return cls(**kwargs)
        if y_true is None or y_pred is None:
            raise TypeError(f"{r_fn.__name__}(): give both y_true and y_pred, or neither (to get a "
                            "metric object).")
        if fn is not None:
            return fn(y_true, y_pred, **kwargs)
        m = cls(**kwargs)
        m.update_state(y_true, y_pred)
        return m.result()
    return r_fn


_METRIC_CLASSES = {
    "auc": "AUC", "binary_iou": "BinaryIoU", "concordance_correlation": "ConcordanceCorrelation",
    "f1_score": "F1Score", "false_negatives": "FalseNegatives",
    "false_positives": "FalsePositives", "fbeta_score": "FBetaScore", "iou": "IoU",
    "log_cosh_error": "LogCoshError", "mean_iou": "MeanIoU", "one_hot_iou": "OneHotIoU",
    "one_hot_mean_iou": "OneHotMeanIoU", "pearson_correlation": "PearsonCorrelation",
    "precision": "Precision", "precision_at_recall": "PrecisionAtRecall", "r2_score": "R2Score",
    "recall": "Recall", "recall_at_precision": "RecallAtPrecision",
    "root_mean_squared_error": "RootMeanSquaredError",
    "sensitivity_at_specificity": "SensitivityAtSpecificity",
    "specificity_at_sensitivity": "SpecificityAtSensitivity", "sum": "Sum",
    "true_negatives": "TrueNegatives", "true_positives": "TruePositives",
}


def _register_metrics():
    from ..training import extra_losses as X
    from ..training import losses as L
    from ..training import metrics as M
    for key, cls_name in _METRIC_CLASSES.items():
        cls = getattr(M, cls_name)
        fn = {"pearson_correlation": M.pearson_correlation,
              "concordance_correlation": M.concordance_correlation}.get(key)
        _export("metric_" + key, _metric(cls, fn), cls, "metric")
    for key, fn in (("binary_focal_crossentropy", X.binary_focal_crossentropy),
                    ("categorical_focal_crossentropy", X.categorical_focal_crossentropy),
                    ("huber", L.huber)):
        cls = _wrapper_class(M, fn)
        _export("metric_" + key, _metric(cls, fn), cls, "metric")

    def metric_mean_wrapper(fn, name=None, dtype=None, **kwargs):
        return M.MeanMetricWrapper(fn, name=name, **kwargs)
    _export("metric_mean_wrapper", metric_mean_wrapper, M.MeanMetricWrapper, "metric")


def _wrapper_class(M, fn):
    def make(name=None, dtype=None, **kwargs):
        return M.MeanMetricWrapper(fn, name=name or fn.__name__, **kwargs)
    make.__name__ = "MeanMetricWrapper"
    make.__init__ = M.MeanMetricWrapper.__init__
    return make


_register_optimizers()
_register_callbacks()
_register_losses()
_register_metrics()
