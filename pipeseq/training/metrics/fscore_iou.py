"""F-scores (F1Score, FBetaScore) and the intersection-over-union family (IoU, MeanIoU,
BinaryIoU, OneHotIoU, OneHotMeanIoU), streamed as Keras streams them.

Example
-------
>>> from pipeseq.training.metrics import MeanIoU
>>> m = MeanIoU(num_classes=2)
>>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
>>> round(float(m.result()), 4)
0.3333
"""
import numpy as np

from .base import Metric, register

EPSILON = 1e-7
_F = np.float32


@register
class FBetaScore(Metric):
    """F-beta score of multi-class/multi-label predictions of shape ``(batch, classes)``.

    ``average``: ``None`` (one score per class), ``"micro"``, ``"macro"``, ``"weighted"``;
    ``threshold``: ``None`` means the highest prediction of each row is the positive one.
    """

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError("Invalid `average` argument value. Expected one of: {None, 'micro', "
                             f"'macro', 'weighted'}}. Received: average={average}")
        if not isinstance(beta, float):
            raise ValueError("Invalid `beta` argument value. It should be a Python float. "
                             f"Received: beta={beta} of type '{type(beta)}'")
        if beta <= 0.0:
            raise ValueError(f"Invalid `beta` argument value. It should be > 0. Received: beta={beta}")
        if threshold is not None and (not isinstance(threshold, float) or not 0.0 < threshold <= 1.0):
            raise ValueError("Invalid `threshold` argument value. It should be a Python float with "
                             f"0 < threshold <= 1. Received: threshold={threshold!r}")
        self.average, self.beta, self.threshold = average, beta, threshold
        self.axis = None if average == "micro" else 0
        super().__init__(name=name, dtype=dtype)

    def reset_state(self):
        self.true_positives = self.false_positives = None
        self.false_negatives = self.intermediate_weights = None

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = np.asarray(y_true, _F)
        y_pred = np.asarray(y_pred, _F)
        if y_pred.ndim != 2 or y_true.ndim != 2:
            raise ValueError(f"{type(self).__name__} expects 2D inputs with shape (batch_size, "
                             f"output_dim). Received input shapes: y_pred.shape={y_pred.shape} "
                             f"and y_true.shape={y_true.shape}.")
        if self.true_positives is None:
            shape = () if self.average == "micro" else (y_pred.shape[-1],)
            self.true_positives, self.false_positives = np.zeros(shape, _F), np.zeros(shape, _F)
            self.false_negatives, self.intermediate_weights = np.zeros(shape, _F), np.zeros(shape, _F)
        if self.threshold is None:
            pred = (y_pred >= y_pred.max(axis=-1, keepdims=True)) & (np.abs(y_pred) > 1e-9)
        else:
            pred = y_pred > self.threshold
        pred = pred.astype(_F)
        sw = None if sample_weight is None else np.asarray(sample_weight, _F)

        def wsum(v):
            if sw is not None:
                v = v * sw.reshape(-1, 1)
            return v.sum(axis=self.axis, dtype=_F)
        self.true_positives = self.true_positives + wsum(pred * y_true)
        self.false_positives = self.false_positives + wsum(pred * (1 - y_true))
        self.false_negatives = self.false_negatives + wsum((1 - pred) * y_true)
        self.intermediate_weights = self.intermediate_weights + wsum(y_true)

    def result(self):
        if self.true_positives is None:
            return _F(0)
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        precision = tp / (tp + fp + _F(EPSILON))
        recall = tp / (tp + fn + _F(EPSILON))
        b2 = _F(self.beta ** 2)
        f = precision * recall / (b2 * precision + recall + _F(EPSILON)) * (1 + b2)
        if self.average == "weighted":
            w = self.intermediate_weights / (self.intermediate_weights.sum() + _F(EPSILON))
            return _F((f * w).sum(dtype=_F))
        if self.average is not None:
            return _F(np.mean(f, dtype=_F))
        return f.astype(_F)

    @property
    def variables(self):
        return [v for v in (self.true_positives, self.false_positives, self.false_negatives,
                            self.intermediate_weights) if v is not None]

    def get_config(self):
        return {**super().get_config(), "average": self.average, "beta": self.beta,
                "threshold": self.threshold}


@register
class F1Score(FBetaScore):
    """F1 score (``FBetaScore`` with ``beta=1``)."""

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        cfg = super().get_config()
        del cfg["beta"]
        return cfg


class _IoUBase(Metric):
    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_true=True,
                 sparse_y_pred=True, axis=-1):
        self.num_classes, self.ignore_class = int(num_classes), ignore_class
        self.sparse_y_true, self.sparse_y_pred, self.axis = sparse_y_true, sparse_y_pred, axis
        super().__init__(name=name, dtype=dtype or "int64")

    def reset_state(self):
        self.total_cm = np.zeros((self.num_classes, self.num_classes), np.int64)

    @property
    def variables(self):
        return [self.total_cm]

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
        if not self.sparse_y_true:
            y_true = np.argmax(y_true, axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = np.argmax(y_pred, axis=self.axis)
        y_true = y_true.astype(np.int64).reshape(-1)     # Keras casts to int (truncation)
        y_pred = y_pred.astype(np.int64).reshape(-1)
        sw = np.ones_like(y_true) if sample_weight is None else np.broadcast_to(
            np.asarray(sample_weight).astype(np.int64).reshape(-1), y_true.shape)
        ok = (y_true >= 0) & (y_true < self.num_classes) & (y_pred >= 0) & (y_pred < self.num_classes)
        if self.ignore_class is not None:
            ok &= y_true != self.ignore_class
        cm = np.zeros_like(self.total_cm)
        np.add.at(cm, (y_true[ok], y_pred[ok]), sw[ok])
        self.total_cm = self.total_cm + cm


@register
class IoU(_IoUBase):
    """Mean intersection-over-union of the classes in ``target_class_ids``."""

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):
        super().__init__(num_classes, name, dtype, ignore_class, sparse_y_true, sparse_y_pred, axis)
        if max(target_class_ids) >= num_classes:
            raise ValueError(f"Target class id {max(target_class_ids)} is out of range, which is "
                             f"[0, {num_classes}).")
        self.target_class_ids = list(target_class_ids)

    def result(self):
        cm = self.total_cm.astype(np.float64)
        tp = np.diag(cm)
        denom = (cm.sum(axis=0) + cm.sum(axis=1) - tp)[self.target_class_ids].astype(_F)
        tp = tp[self.target_class_ids].astype(_F)
        valid = denom > 1e-9
        iou = np.where(valid, tp / (denom + _F(EPSILON)), _F(0))
        return _F(iou.sum(dtype=_F) / (_F(valid.sum()) + _F(EPSILON)))

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes,
                "target_class_ids": self.target_class_ids, "ignore_class": self.ignore_class,
                "sparse_y_true": self.sparse_y_true, "sparse_y_pred": self.sparse_y_pred,
                "axis": self.axis}


@register
class BinaryIoU(IoU):
    """IoU of a binary task: ``y_pred >= threshold`` is class 1."""

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(2, target_class_ids, name=name, dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = (np.asarray(y_pred, _F) >= self.threshold).astype(np.int64)
        super().update_state(np.asarray(y_true, _F), y_pred, sample_weight)

    def get_config(self):
        return {"target_class_ids": self.target_class_ids, "threshold": self.threshold,
                "name": self.name, "dtype": self.dtype}


@register
class MeanIoU(IoU):
    """IoU averaged over all ``num_classes`` classes."""

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_true=True,
                 sparse_y_pred=True, axis=-1):
        super().__init__(num_classes, list(range(num_classes)), name=name, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=sparse_y_true,
                         sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {"num_classes": self.num_classes, "name": self.name, "dtype": self.dtype,
                "ignore_class": self.ignore_class, "sparse_y_true": self.sparse_y_true,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


@register
class OneHotIoU(IoU):
    """IoU with one-hot ``y_true`` (and by default class scores as ``y_pred``)."""

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_pred=False, axis=-1):
        super().__init__(num_classes, target_class_ids, name=name, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=False,
                         sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {"num_classes": self.num_classes, "target_class_ids": self.target_class_ids,
                "name": self.name, "dtype": self.dtype, "ignore_class": self.ignore_class,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


@register
class OneHotMeanIoU(MeanIoU):
    """Mean IoU with one-hot ``y_true`` (and by default class scores as ``y_pred``)."""

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_pred=False,
                 axis=-1):
        super().__init__(num_classes, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {"num_classes": self.num_classes, "name": self.name, "dtype": self.dtype,
                "ignore_class": self.ignore_class, "sparse_y_pred": self.sparse_y_pred,
                "axis": self.axis}
