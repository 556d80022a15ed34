"""Confusion-matrix metrics: counts at thresholds, Precision, Recall, the "X at Y" family, AUC.

State is kept in float32 as Keras keeps it, and updated the way Keras updates it
(``metrics_utils.update_confusion_matrix_variables``): a prediction is positive
at threshold ``t`` when ``y_pred > t``; evenly spaced thresholds use Keras's
bucket formula ``ceil(p * (n - 1)) - 1`` so that results agree to the last bit.

Example
-------
>>> from pipeseq.training.metrics import AUC, Precision
>>> m = AUC(num_thresholds=3)
>>> m.update_state([0, 0, 1, 1], [0.0, 0.5, 0.3, 0.9])
>>> round(float(m.result()), 4)
0.75
>>> p = Precision()
>>> p.update_state([0, 1, 1, 1], [1, 0, 1, 1])
>>> round(float(p.result()), 4)
0.6667
"""
import numpy as np

from .base import Metric, register

from .confusion_counts import (EPSILON, NEG_INF, _F, _div, confusion_counts,  # noqa: F401
                               evenly_spaced, parse_thresholds)


class _ConfusionBase(Metric):
    """Shared state handling: float32 arrays named as Keras names its variables."""

    _state_names = ()

    def _zero_state(self, shape):
        for s in self._state_names:
            setattr(self, s, np.zeros(shape, _F))

    def _accumulate(self, counts):
        for s, key in zip(self._state_names, self._keys):
            setattr(self, s, (getattr(self, s) + counts[key]).astype(_F))

    @property
    def variables(self):
        return [getattr(self, s) for s in self._state_names]


class _ConditionCount(_ConfusionBase):
    _cond = "tp"
    _state_names = ("accumulator",)

    def __init__(self, thresholds=None, name=None, dtype=None):
        self.init_thresholds = thresholds
        self.thresholds = parse_thresholds(thresholds, 0.5)
        self._evenly = evenly_spaced(self.thresholds)
        self._keys = (self._cond,)
        super().__init__(name=name, dtype=dtype)

    def reset_state(self):
        self._zero_state((len(self.thresholds),))

    def update_state(self, y_true, y_pred, sample_weight=None):
        self._accumulate(confusion_counts(y_true, y_pred, self.thresholds, self._evenly,
                                          sample_weight=sample_weight))

    def result(self):
        return self.accumulator[0] if len(self.thresholds) == 1 else self.accumulator

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


@register
class TruePositives(_ConditionCount):
    """Weighted count of ``y_true == 1`` and ``y_pred > threshold``."""
    _cond = "tp"


@register
class FalsePositives(_ConditionCount):
    """Weighted count of ``y_true == 0`` and ``y_pred > threshold``."""
    _cond = "fp"


@register
class TrueNegatives(_ConditionCount):
    """Weighted count of ``y_true == 0`` and ``y_pred <= threshold``."""
    _cond = "tn"


@register
class FalseNegatives(_ConditionCount):
    """Weighted count of ``y_true == 1`` and ``y_pred <= threshold``."""
    _cond = "fn"


class _PrecisionRecall(_ConfusionBase):
    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        self.init_thresholds, self.top_k, self.class_id = thresholds, top_k, class_id
        self.thresholds = parse_thresholds(thresholds, 0.5 if top_k is None else NEG_INF)
        self._evenly = evenly_spaced(self.thresholds)
        super().__init__(name=name, dtype=dtype)

    def reset_state(self):
        self._zero_state((len(self.thresholds),))

    def update_state(self, y_true, y_pred, sample_weight=None):
        self._accumulate(confusion_counts(y_true, y_pred, self.thresholds, self._evenly,
                                          top_k=self.top_k, class_id=self.class_id,
                                          sample_weight=sample_weight))

    def result(self):
        other = getattr(self, self._state_names[1])
        r = _div(self.true_positives, self.true_positives + other)
        return r[0] if len(self.thresholds) == 1 else r

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds,
                "top_k": self.top_k, "class_id": self.class_id}


@register
class Precision(_PrecisionRecall):
    """``tp / (tp + fp)`` at ``thresholds`` (default 0.5), optionally for the ``top_k``
    predictions or one ``class_id``."""
    _state_names = ("true_positives", "false_positives")
    _keys = ("tp", "fp")


@register
class Recall(_PrecisionRecall):
    """``tp / (tp + fn)`` at ``thresholds`` (default 0.5), optionally for the ``top_k``
    predictions or one ``class_id``."""
    _state_names = ("true_positives", "false_negatives")
    _keys = ("tp", "fn")


class _SensitivitySpecificityBase(_ConfusionBase):
    _state_names = ("true_positives", "false_positives", "true_negatives", "false_negatives")
    _keys = ("tp", "fp", "tn", "fn")
    _value_name = "value"

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        if value < 0 or value > 1:
            raise ValueError(f"Argument `{self._value_name}` must be in the range [0, 1]. "
                             f"Received: {self._value_name}={value}")
        if num_thresholds <= 0:
            raise ValueError("Argument `num_thresholds` must be an integer > 0. "
                             f"Received: num_thresholds={num_thresholds}")
        self.value, self.num_thresholds, self.class_id = value, num_thresholds, class_id
        setattr(self, self._value_name, value)
        if num_thresholds == 1:
            self.thresholds, self._evenly = [0.5], False
        else:
            self.thresholds = [0.0] + [(i + 1) * 1.0 / (num_thresholds - 1)
                                       for i in range(num_thresholds - 2)] + [1.0]
            self._evenly = True
        super().__init__(name=name, dtype=dtype)

    def reset_state(self):
        self._zero_state((len(self.thresholds),))

    def update_state(self, y_true, y_pred, sample_weight=None):
        self._accumulate(confusion_counts(y_true, y_pred, self.thresholds, self._evenly,
                                          class_id=self.class_id, sample_weight=sample_weight))

    def _rates(self):
        tp, fp, tn, fn = self.variables
        return {"sensitivity": _div(tp, tp + fn), "recall": _div(tp, tp + fn),
                "specificity": _div(tn, tn + fp), "precision": _div(tp, tp + fp)}

    def result(self):
        r = self._rates()
        constrained, dependent = r[self._value_name], r[self._dependent]
        return _F(np.max(np.where(constrained >= _F(self.value), dependent, 0), initial=0))

    def get_config(self):
        return {**super().get_config(), "class_id": self.class_id,
                "num_thresholds": self.num_thresholds, self._value_name: self.value}


@register
class SensitivityAtSpecificity(_SensitivitySpecificityBase):
    """Best sensitivity (recall) with specificity >= ``specificity``."""
    _value_name, _dependent = "specificity", "sensitivity"

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(specificity, num_thresholds, class_id, name, dtype)


@register
class SpecificityAtSensitivity(_SensitivitySpecificityBase):
    """Best specificity with sensitivity >= ``sensitivity``."""
    _value_name, _dependent = "sensitivity", "specificity"

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)


@register
class PrecisionAtRecall(_SensitivitySpecificityBase):
    """Best precision with recall >= ``recall``."""
    _value_name, _dependent = "recall", "precision"

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(recall, num_thresholds, class_id, name, dtype)


@register
class RecallAtPrecision(_SensitivitySpecificityBase):
    """Best recall with precision >= ``precision``."""
    _value_name, _dependent = "precision", "recall"

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(precision, num_thresholds, class_id, name, dtype)


@register
class AUC(_ConfusionBase):
    """Area under the ROC or PR curve from ``num_thresholds`` confusion matrices.

    ``summation_method``: ``"interpolation"`` (Keras's default; the PR curve
    interpolates as Davis & Goadrich), ``"minoring"``, ``"majoring"``.
    ``multi_label=True`` computes one curve per label and averages them
    (weighted by ``label_weights``).
    """

    _state_names = ("true_positives", "false_positives", "true_negatives", "false_negatives")
    _keys = ("tp", "fp", "tn", "fn")

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation",
                 name=None, dtype=None, thresholds=None, multi_label=False, num_labels=None,
                 label_weights=None, from_logits=False):
        curves = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
        if str(curve).lower() not in curves:
            raise ValueError(f'Invalid AUC curve value: "{curve}". Expected values are '
                             '["PR", "ROC", "PRGAIN"]')
        if str(summation_method).lower() not in ("interpolation", "majoring", "minoring"):
            raise ValueError(f'Invalid AUC summation method value: "{summation_method}". '
                             'Expected values are ["interpolation", "majoring", "minoring"]')
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            thresholds = sorted(float(t) for t in thresholds)
            self.num_thresholds = len(thresholds) + 2
            self._evenly = evenly_spaced(np.array([0.0] + thresholds + [1.0]))
        else:
            if num_thresholds <= 1:
                raise ValueError("Argument `num_thresholds` must be an integer > 1. "
                                 f"Received: num_thresholds={num_thresholds}")
            self.num_thresholds = int(num_thresholds)
            thresholds = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._evenly = True
        self._thresholds = np.array([0.0 - EPSILON] + thresholds + [1.0 + EPSILON])
        self.curve = curves[str(curve).lower()]
        self.summation_method = str(summation_method).lower()
        self.multi_label, self.num_labels = bool(multi_label), num_labels
        self.label_weights = None if label_weights is None else np.asarray(label_weights, _F)
        self._from_logits = from_logits
        if num_labels and not multi_label:
            raise ValueError("`num_labels` is needed only when `multi_label` is True.")
        self._num_labels = num_labels if multi_label else None
        super().__init__(name=name, dtype=dtype)

    @property
    def thresholds(self):
        return list(self._thresholds)

    def reset_state(self):
        if self.multi_label and self._num_labels is None:
            for s in self._state_names:
                setattr(self, s, None)
            return
        shape = (self.num_thresholds, self._num_labels) if self.multi_label else (self.num_thresholds,)
        self._zero_state(shape)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = np.asarray(y_pred, dtype=_F)
        if self.multi_label:
            if y_pred.ndim != 2:
                raise ValueError("`y_pred` must have rank 2 when `multi_label=True`. Found rank "
                                 f"{y_pred.ndim}. Full shape received for `y_pred`: {y_pred.shape}")
            if self._num_labels is None:
                self._num_labels = y_pred.shape[1]
                self.reset_state()
        if self._from_logits:
            y_pred = (1.0 / (1.0 + np.exp(-y_pred))).astype(_F)
        self._accumulate(confusion_counts(
            y_true, y_pred, self._thresholds, self._evenly, sample_weight=sample_weight,
            multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights))

    def _average(self, per_threshold):
        if self.multi_label:
            by_label = per_threshold.sum(axis=0, dtype=_F)
            if self.label_weights is None:
                return _F(by_label.mean(dtype=_F))
            return _div(np.sum(by_label * self.label_weights, dtype=_F),
                        np.sum(self.label_weights, dtype=_F))[()]
        return _F(per_threshold.sum(dtype=_F))

    def interpolate_pr_auc(self):
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        n = self.num_thresholds
        dtp = tp[:n - 1] - tp[1:]
        p = tp + fp
        dp = p[:n - 1] - p[1:]
        slope = _div(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        ratio = np.where((p[:n - 1] > 0) & (p[1:] > 0), _div(p[:n - 1], np.maximum(p[1:], 0)),
                         np.ones_like(p[1:]))
        with np.errstate(divide="ignore"):
            inc = _div(slope * (dtp + intercept * np.log(ratio)), np.maximum(tp[1:] + fn[1:], 0))
        return self._average(inc)

    def result(self):
        if self.true_positives is None:
            return _F(0.0)
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self.interpolate_pr_auc()
        tp, fp, tn, fn = self.variables
        recall = _div(tp, tp + fn)
        if self.curve == "ROC":
            x, y = _div(fp, fp + tn), recall
        elif self.curve == "PR":
            x, y = recall, _div(tp, tp + fp)
        else:
            scale = _div(tp + fn, tn + fp)
            x = np.maximum(np.where(tp == 0, 0.0, 1.0 - scale * _div(fn, tp)), 0.0).astype(_F)
            y = np.where(tp == 0, 1.0, 1.0 - scale * _div(fp, tp)).astype(_F)
        n = self.num_thresholds
        if self.summation_method == "interpolation":
            heights = (y[:n - 1] + y[1:]) / _F(2)
        elif self.summation_method == "minoring":
            heights = np.minimum(y[:n - 1], y[1:])
        else:
            heights = np.maximum(y[:n - 1], y[1:])
        return self._average(((x[:n - 1] - x[1:]) * heights).astype(_F))

    def get_config(self):
        lw = None if self.label_weights is None else self.label_weights.tolist()
        cfg = {**super().get_config(), "num_thresholds": self.num_thresholds, "curve": self.curve,
               "summation_method": self.summation_method, "multi_label": self.multi_label,
               "num_labels": self.num_labels, "label_weights": lw,
               "from_logits": self._from_logits}
        if self._init_from_thresholds:
            cfg["thresholds"] = self.thresholds[1:-1]
        return cfg
