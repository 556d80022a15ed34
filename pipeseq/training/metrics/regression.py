"""Regression and reduction metrics: R2Score, RootMeanSquaredError, Pearson/Concordance
correlation, Accuracy, Sum, and the class forms of the loss metrics.

Example
-------
>>> from pipeseq.training.metrics import R2Score
>>> m = R2Score()
>>> m.update_state([[1.0], [4.0], [3.0]], [[2.0], [4.0], [4.0]])
>>> round(float(m.result()), 4)
0.5714
"""
import warnings

import numpy as np

from .. import losses as losses_mod
from .base import Mean, MeanMetricWrapper, Metric, register
from ...utils import did_you_mean

EPSILON = 1e-7
_F = np.float32


def _same_rank(y_true, y_pred):
    if y_pred.ndim == y_true.ndim + 1 and y_pred.shape[-1] == 1:
        y_pred = y_pred[..., 0]
    elif y_true.ndim == y_pred.ndim + 1 and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    return y_true, y_pred


def _pair(y_true, y_pred):
    y_pred = np.asarray(y_pred, _F)
    return _same_rank(np.asarray(y_true, _F), y_pred)


def accuracy(y_true, y_pred):
    """1.0 where ``y_true == y_pred`` (exactly), else 0.0."""
    y_true, y_pred = _pair(y_true, y_pred)
    return (y_true == y_pred).astype(_F)


def pearson_correlation(y_true, y_pred, axis=-1):
    """Pearson correlation of ``y_true`` and ``y_pred`` along ``axis``."""
    y_true, y_pred = _pair(y_true, y_pred)
    t = y_true - y_true.mean(axis=axis, keepdims=True)
    p = y_pred - y_pred.mean(axis=axis, keepdims=True)
    t = t / t.std(axis=axis, keepdims=True)
    p = p / p.std(axis=axis, keepdims=True)
    return (t * p).mean(axis=axis)


def concordance_correlation(y_true, y_pred, axis=-1):
    """Lin's concordance correlation coefficient along ``axis`` (Keras's formula)."""
    y_true, y_pred = _pair(y_true, y_pred)
    tm = y_true.mean(axis=axis, keepdims=True)
    pm = y_pred.mean(axis=axis, keepdims=True)
    tv = (y_true - tm).var(axis=axis, keepdims=True)
    pv = (y_pred - pm).var(axis=axis, keepdims=True)
    covar = (y_true - pm) * (y_pred - pm)
    norm = tv + pv + np.square(tm - pm)
    return (2 * covar / (norm + _F(EPSILON))).mean(axis=axis)


def cosine_similarity(y_true, y_pred, axis=-1):
    """Cosine similarity along ``axis`` (the metric is positive; the loss is its negative)."""
    y_true, y_pred = _pair(y_true, y_pred)

    def unit(v):
        return v / np.sqrt(np.maximum(np.square(v).sum(axis=axis, keepdims=True), _F(1e-12)))
    return (unit(y_true) * unit(y_pred)).sum(axis=axis)


@register
class CosineSimilarity(MeanMetricWrapper):
    """Mean cosine similarity of ``y_true`` and ``y_pred``."""

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        self.axis = axis
        super().__init__(cosine_similarity, name=name, axis=axis)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


@register
class Accuracy(MeanMetricWrapper):
    """How often ``y_pred`` equals ``y_true`` exactly."""

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(accuracy, name=name)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class _AxisWrapper(MeanMetricWrapper):
    _fn = None

    def __init__(self, name=None, dtype=None, axis=-1):
        self.axis = axis
        super().__init__(type(self)._fn, name=name or self._default_name, axis=axis)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}


@register
class PearsonCorrelation(_AxisWrapper):
    """Mean over batches of the per-sample Pearson correlation."""
    _fn, _default_name = staticmethod(pearson_correlation), "pearson_correlation"


@register
class ConcordanceCorrelation(_AxisWrapper):
    """Mean over batches of the per-sample concordance correlation."""
    _fn, _default_name = staticmethod(concordance_correlation), "concordance_correlation"


@register
class Sum(Metric):
    """Running (weighted) sum of the values passed to ``update_state``."""

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def reset_state(self):
        self.total = _F(0)

    def update_state(self, values, sample_weight=None):
        values = np.asarray(values, _F)
        if sample_weight is not None:
            sw = np.asarray(sample_weight, _F)
            values, sw = _same_rank(values, sw) if values.ndim != sw.ndim else (values, sw)
            if values.ndim > sw.ndim:
                values = values.sum(axis=tuple(range(sw.ndim, values.ndim)))
            values = values * np.broadcast_to(sw, values.shape)
        self.total = _F(self.total + values.sum(dtype=_F))

    def result(self):
        return self.total

    @property
    def variables(self):
        return [np.asarray(self.total)]


@register
class RootMeanSquaredError(Mean):
    """``sqrt(mean((y_pred - y_true) ** 2))`` over everything seen."""

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = _pair(y_true, y_pred)
        err = np.square(y_pred - y_true)
        if err.ndim > 1:
            err = err.mean(axis=tuple(range(1, err.ndim)))
        super().update_state(err, sample_weight)

    def result(self):
        return _F(np.sqrt(super().result()))


@register
class R2Score(Metric):
    """Coefficient of determination, streamed per output column.

    ``class_aggregation``: ``"uniform_average"`` (default), ``"variance_weighted_average"``
    or ``None`` (one score per column); ``num_regressors > 0`` gives the adjusted R².
    """

    def __init__(self, class_aggregation="uniform_average", num_regressors=0, name="r2_score",
                 dtype=None):
        valid = (None, "uniform_average", "variance_weighted_average")
        if class_aggregation not in valid:
            raise ValueError(f"Invalid value for argument `class_aggregation`. Expected one of "
                             f"{valid}. Received: class_aggregation={class_aggregation}")
        if num_regressors < 0:
            raise ValueError("Invalid value for argument `num_regressors`. Expected a value >= 0. "
                             f"Received: num_regressors={num_regressors}")
        self.class_aggregation, self.num_regressors = class_aggregation, num_regressors
        super().__init__(name=name, dtype=dtype)

    def reset_state(self):
        self.num_samples = _F(0)
        self.sum = self.squared_sum = self.total_mse = self.count = None

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = _pair(y_true, y_pred)
        if y_pred.ndim != 2 or y_true.ndim != 2:
            raise ValueError("R2Score expects 2D inputs with shape (batch_size, output_dim). "
                             f"Received input shapes: y_pred.shape={y_pred.shape} and "
                             f"y_true.shape={y_true.shape}.")
        if self.sum is None:
            z = np.zeros(y_pred.shape[-1], _F)
            self.sum, self.squared_sum, self.total_mse, self.count = z, z.copy(), z.copy(), z.copy()
        sw = _F(1) if sample_weight is None else np.asarray(sample_weight, _F)
        if np.ndim(sw) == 1:
            sw = sw[:, None]
        sw = np.broadcast_to(sw, y_true.shape).astype(_F)
        wt = y_true * sw
        self.sum = self.sum + wt.sum(axis=0)
        self.squared_sum = self.squared_sum + (y_true * wt).sum(axis=0)
        self.total_mse = self.total_mse + ((y_true - y_pred) ** 2 * sw).sum(axis=0)
        self.count = self.count + sw.sum(axis=0)
        self.num_samples = _F(self.num_samples + y_true.size)

    def result(self):
        if self.sum is None:
            return _F(0)
        mean = self.sum / self.count
        total = self.squared_sum - self.sum * mean
        with np.errstate(divide="ignore", invalid="ignore"):
            raw = (1 - self.total_mse / total).astype(_F)
        raw = np.where(np.isinf(raw), _F(0), raw)
        if self.class_aggregation == "uniform_average":
            r2 = _F(raw.mean(dtype=_F))
        elif self.class_aggregation == "variance_weighted_average":
            r2 = _F((total * raw).sum(dtype=_F) / total.sum(dtype=_F))
        else:
            r2 = raw
        if self.num_regressors:
            n, p = float(self.num_samples), float(self.num_regressors)
            if p > n - 1:
                warnings.warn("More independent predictors than datapoints in adjusted R2 score. "
                              "Falling back to standard R2 score.", stacklevel=2)
            elif p == n - 1:
                warnings.warn("Division by zero in Adjusted R2 score. Falling back to standard "
                              "R2 score.", stacklevel=2)
            else:
                r2 = (1.0 - (1.0 - r2) * _F(n - 1.0) / _F(n - p - 1.0)).astype(_F)
        return r2

    @property
    def variables(self):
        return [np.asarray(self.num_samples)] + [v for v in (self.squared_sum, self.sum,
                                                             self.total_mse, self.count)
                                                 if v is not None]

    def get_config(self):
        return {**super().get_config(), "class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}


# ---------------------------------------------------- class forms of the loss metrics
_LOSS_METRICS = {
    "MeanSquaredError": ("mean_squared_error", {}),
    "MeanAbsoluteError": ("mean_absolute_error", {}),
    "MeanAbsolutePercentageError": ("mean_absolute_percentage_error", {}),
    "MeanSquaredLogarithmicError": ("mean_squared_logarithmic_error", {}),
    "KLDivergence": ("kl_divergence", {}),
    "Poisson": ("poisson", {}),
    "Hinge": ("hinge", {}),
    "SquaredHinge": ("squared_hinge", {}),
    "CategoricalHinge": ("categorical_hinge", {}),
    "LogCoshError": ("log_cosh", {}),
    "BinaryCrossentropy": ("binary_crossentropy", {"from_logits": False, "label_smoothing": 0}),
    "CategoricalCrossentropy": ("categorical_crossentropy",
                                {"from_logits": False, "label_smoothing": 0, "axis": -1}),
    "SparseCategoricalCrossentropy": ("sparse_categorical_crossentropy",
                                      {"from_logits": False, "ignore_class": None, "axis": -1}),
}
_DEFAULT_NAMES = {"LogCoshError": "logcosh"}


def _loss_metric_class(cls_name, fn_name, defaults):
    def __init__(self, name=None, dtype=None, **kwargs):
        unknown = set(kwargs) - set(defaults)
        if unknown:
            bad = sorted(unknown)[0]
            raise TypeError(f"{cls_name}: unrecognized argument {bad!r}."
                            f"{did_you_mean(bad, list(defaults))} Accepted: "
                            f"{['name', 'dtype', *defaults]}. Received: {bad}={kwargs[bad]!r}")
        self.options = {**defaults, **kwargs}
        loss_kw = {k: v for k, v in self.options.items()
                   if not (k == "axis" and fn_name != "categorical_crossentropy"
                           and fn_name != "cosine_similarity")}
        if fn_name == "sparse_categorical_crossentropy":
            loss_kw.pop("axis", None)
        if loss_kw.get("label_smoothing") == 0:
            loss_kw["label_smoothing"] = 0.0
        loss = losses_mod.Loss(fn_name, **loss_kw)
        MeanMetricWrapper.__init__(self, loss, name=name or _DEFAULT_NAMES.get(cls_name, fn_name))
        self.dtype = dtype or "float32"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, **self.options}
    import inspect
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    __init__.__signature__ = inspect.Signature(
        [inspect.Parameter("self", kind), inspect.Parameter("name", kind, default=None),
         inspect.Parameter("dtype", kind, default=None)]
        + [inspect.Parameter(k, kind, default=v) for k, v in defaults.items()])
    return register(type(cls_name, (MeanMetricWrapper,), {
        "__init__": __init__, "get_config": get_config, "__module__": __name__,
        "__doc__": f"Keras's ``{cls_name}`` metric: the mean of ``{fn_name}`` over all samples."}))


for _c, (_fn, _d) in _LOSS_METRICS.items():
    globals()[_c] = _loss_metric_class(_c, _fn, _d)
del _c, _fn, _d
