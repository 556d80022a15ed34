"""The confusion-matrix update shared by the threshold metrics (Keras's
``metrics_utils.update_confusion_matrix_variables``), in float32 as Keras computes it.

Example
-------
>>> from pipeseq.training.metrics.confusion_counts import confusion_counts
>>> confusion_counts([0, 1, 1], [0.2, 0.6, 0.4], [0.5])["tp"].tolist()
[1.0]
"""
import numpy as np

NEG_INF = -1e10
EPSILON = 1e-7
_F = np.float32


def _to_list(x):
    return list(x) if isinstance(x, (list, tuple, np.ndarray)) else [x]


def parse_thresholds(thresholds, default):
    if thresholds is not None:
        bad = [t for t in _to_list(thresholds) if t is None or t < 0 or t > 1]
        if bad:
            raise ValueError(f"Threshold values must be in [0, 1]. Received: {bad}")
    return [float(t) for t in _to_list(default if thresholds is None else thresholds)]


def evenly_spaced(thresholds):
    n = len(thresholds)
    if n < 3:
        return False
    return bool(np.allclose(thresholds, np.arange(n, dtype=_F) / (n - 1), atol=EPSILON))


def _same_rank(y_pred, y_true):
    """Keras's ``squeeze_or_expand_to_same_rank`` (y_pred first)."""
    if y_pred.ndim == y_true.ndim + 1 and y_pred.shape[-1] == 1:
        y_pred = y_pred[..., 0]
    elif y_true.ndim == y_pred.ndim + 1 and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    return y_pred, y_true


def _filter_top_k(x, k):
    idx = np.argsort(-x, axis=-1, kind="stable")[..., :k]
    mask = np.zeros(x.shape, _F)
    np.put_along_axis(mask, idx, 1.0, axis=-1)
    return x * mask + _F(NEG_INF) * (1 - mask)


def confusion_counts(y_true, y_pred, thresholds, evenly=False, top_k=None, class_id=None,
                     sample_weight=None, multi_label=False, label_weights=None, want="tp fp tn fn"):
    """``{"tp": ..., "fp": ..., "tn": ..., "fn": ...}`` for one batch, one entry per threshold
    (``(n_thresholds, n_labels)`` when ``multi_label``)."""
    y_true = np.asarray(y_true, dtype=_F)
    y_pred = np.asarray(y_pred, dtype=_F)
    thr = np.asarray(thresholds, dtype=_F)
    y_pred, y_true = _same_rank(y_pred, y_true)
    if y_pred.shape != y_true.shape and not (y_true.size == y_pred.size):
        raise ValueError(f"y_true and y_pred must have compatible shapes. Received: "
                         f"y_true.shape={y_true.shape}, y_pred.shape={y_pred.shape}")
    y_true = y_true.reshape(y_pred.shape)
    sw = None
    if sample_weight is not None:
        sw = np.asarray(sample_weight, dtype=_F)
        sw = sw.reshape(sw.shape + (1,) * (y_pred.ndim - sw.ndim)) if sw.ndim < y_pred.ndim else sw
        sw = np.broadcast_to(sw, y_pred.shape)
    if top_k is not None:
        y_pred = _filter_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim == 1:
            raise ValueError("When class_id is provided, y_pred must be a 2D array with shape "
                             f"(num_samples, num_classes), found shape: {y_pred.shape}")
        y_true, y_pred = y_true[..., class_id, None], y_pred[..., class_id, None]
        sw = None if sw is None else sw[..., class_id, None]
    lw = None
    if label_weights is not None and not multi_label:
        lw = np.broadcast_to(np.asarray(label_weights, _F)[None], y_pred.shape)
    weights = None
    if sw is not None or lw is not None:
        weights = (sw if sw is not None else 1.0) * (lw if lw is not None else 1.0)
        weights = np.broadcast_to(np.asarray(weights, _F), y_pred.shape)
    pos = y_true.astype(bool)
    if multi_label:
        p2, pos2 = y_pred.reshape(len(y_pred), -1), pos.reshape(len(pos), -1)
        w2 = None if weights is None else weights.reshape(len(weights), -1)
    else:
        p2, pos2 = y_pred.reshape(-1, 1), pos.reshape(-1, 1)
        w2 = None if weights is None else weights.reshape(-1, 1)
    w2 = np.ones(p2.shape, _F) if w2 is None else w2.astype(_F)
    true_w = np.where(pos2, w2, _F(0))
    false_w = np.where(pos2, _F(0), w2)
    n = len(thr)
    if evenly:
        # Keras's O(T + N) bucket path: bucket = ceil(clip(p) * (n - 1)) - 1, relu'd when the
        # end thresholds carry an epsilon.
        pc = np.clip(p2, _F(0), _F(1))
        b = np.ceil(pc * _F(n - 1)) - _F(1)
        if thr[0] < 0 or thr[-1] > 1:
            b = np.maximum(b, 0)
        b = b.astype(np.int64)
        tp = np.zeros((n, p2.shape[1]), np.float64)
        fp = np.zeros((n, p2.shape[1]), np.float64)
        cols = np.broadcast_to(np.arange(p2.shape[1]), b.shape)
        ok = b >= 0
        np.add.at(tp, (b[ok], cols[ok]), true_w[ok])
        np.add.at(fp, (b[ok], cols[ok]), false_w[ok])
        tp = np.cumsum(tp[::-1], axis=0)[::-1]
        fp = np.cumsum(fp[::-1], axis=0)[::-1]
    else:
        above = p2[None] > thr[:, None, None]
        tp = np.where(above, true_w[None], 0).sum(axis=1, dtype=np.float64)
        fp = np.where(above, false_w[None], 0).sum(axis=1, dtype=np.float64)
    out = {"tp": tp, "fp": fp}
    if "tn" in want or "fn" in want:
        out["fn"] = true_w.sum(axis=0, dtype=np.float64)[None] - tp
        out["tn"] = false_w.sum(axis=0, dtype=np.float64)[None] - fp
    if not multi_label:
        out = {k: v[:, 0] for k, v in out.items()}
    return {k: v.astype(_F) for k, v in out.items()}


def _div(a, b):
    """``divide_no_nan``: 0 where the denominator is 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b == 0, _F(0), a / np.where(b == 0, _F(1), b)).astype(_F)
