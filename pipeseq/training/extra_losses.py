"""Keras 3's newer losses: BinaryFocalCrossentropy, CategoricalFocalCrossentropy,
CategoricalGeneralizedCrossEntropy, Dice, Tversky, Circle and CTC.

Each is written once with ``autograd.numpy`` following Keras's formula; the gradient
the trainer needs comes from automatic differentiation (CTC: the forward-backward
recursion of :mod:`pipeseq.kernels.ctc`). ``Dice`` and ``Tversky`` with ``axis=None``
reduce the whole batch to one value, as Keras does.

Example
-------
>>> import numpy as np
>>> from pipeseq.training.extra_losses import binary_focal_crossentropy
>>> np.round(binary_focal_crossentropy(np.array([[0, 1]]), np.array([[0.4, 0.6]])), 4)
array([0.0817])
"""
import autograd.numpy as anp
import numpy as np
from autograd import elementwise_grad, grad

from ..kernels import ctc as ctc_kernel
from . import losses as losses_mod

EPS = 1e-7


def _cast(y_true, y_pred):
    y_pred = np.asarray(y_pred)
    if y_pred.dtype.kind != "f":
        y_pred = y_pred.astype("float32")
    return np.asarray(y_true).astype(y_pred.dtype), y_pred


def _sigmoid(x):
    return 0.5 * (anp.tanh(0.5 * x) + 1.0)


def _softmax(x, axis=-1):
    e = anp.exp(x - anp.max(x, axis=axis, keepdims=True))
    return e / anp.sum(e, axis=axis, keepdims=True)


def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25, gamma=2.0,
                              from_logits=False, label_smoothing=0.0, axis=-1):
    """Focal binary crossentropy, one value per sample (mean over ``axis``)."""
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        y_pred = _sigmoid(y_pred)
    out = anp.clip(y_pred, EPS, 1.0 - EPS)
    bce = -(y_true * anp.log(out) + (1.0 - y_true) * anp.log(1.0 - out))
    p_t = y_true * y_pred + (1 - y_true) * (1 - y_pred)
    focal = (1.0 - p_t) ** gamma * bce
    if apply_class_balancing:
        focal = (y_true * alpha + (1 - y_true) * (1 - alpha)) * focal
    return anp.mean(focal, axis=axis)


def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False,
                                   label_smoothing=0.0, axis=-1):
    """Focal categorical crossentropy, one value per sample."""
    if isinstance(axis, bool):
        raise ValueError(f"`axis` must be of type `int`. Received: axis={axis} of type {type(axis)}")
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / y_true.shape[-1]
    if from_logits:
        y_pred = _softmax(y_pred, axis=axis)
    out = anp.clip(y_pred / anp.sum(y_pred, axis=axis, keepdims=True), EPS, 1.0 - EPS)
    return anp.sum((1.0 - out) ** gamma * alpha * (-y_true * anp.log(out)), axis=axis)


def categorical_generalized_cross_entropy(y_true, y_pred, q):
    """Generalized cross entropy (robust to noisy labels): ``(1 - p_true ** q) / q``;
    ``y_true`` holds integer class ids."""
    ids = np.asarray(y_true).astype("int64")
    if ids.ndim == np.ndim(y_pred) and ids.shape[-1] == 1:
        ids = ids[..., 0]
    onehot = np.eye(np.shape(y_pred)[-1], dtype=np.asarray(y_pred).dtype)[ids]
    p = anp.sum(y_pred * onehot, axis=-1)
    return (1 - p ** q) / q


def dice(y_true, y_pred, axis=None):
    """``1 - 2 |y_true . y_pred| / (|y_true| + |y_pred|)`` summed over ``axis``."""
    inter = anp.sum(y_true * y_pred, axis=axis)
    return 1 - 2.0 * inter / (anp.sum(y_true, axis=axis) + anp.sum(y_pred, axis=axis) + EPS)


def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """Tversky loss: Dice with false positives weighted ``alpha`` and false negatives ``beta``."""
    inter = anp.sum(y_true * y_pred, axis=axis)
    fp = anp.sum((1 - y_pred) * y_true, axis=axis)
    fn = anp.sum(y_pred * (1 - y_true), axis=axis)
    return 1 - inter / (inter + fp * alpha + fn * beta + EPS)


def _logsumexp_masked(x, mask):
    x = anp.where(mask, x, -np.inf)
    m = np.max(np.where(mask, getattr(x, "_value", x), -np.inf), axis=1, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    s = anp.sum(anp.where(mask, anp.exp(x - m), 0.0), axis=1)
    return anp.log(s) + m[:, 0]


def circle(y_true, y_pred, ref_labels=None, ref_embeddings=None, remove_diagonal=True, gamma=80,
           margin=0.4):
    """Circle loss of L2-normalised embeddings ``y_pred`` with integer labels ``y_true``."""
    labels = np.asarray(y_true).astype("int64").reshape(-1)
    ref = y_pred if ref_embeddings is None else ref_embeddings
    ref_labels = labels if ref_labels is None else np.asarray(ref_labels).astype("int64").reshape(-1)
    dist = anp.maximum(1 - anp.dot(y_pred, anp.transpose(ref)), 0.0)
    pos = labels[:, None] == ref_labels[None, :]
    if remove_diagonal:
        pos = pos & ~np.eye(len(labels), len(ref_labels), dtype=bool)
    neg = labels[:, None] != ref_labels[None, :]
    pos_w = anp.maximum((margin + dist) * pos, 0.0)
    neg_w = anp.maximum((1 + margin - dist) * neg, 0.0)
    p_loss = _logsumexp_masked(-gamma * pos_w * (margin - dist), pos)
    n_loss = _logsumexp_masked(gamma * neg_w * ((1 - margin) - dist), neg)
    z = p_loss + n_loss
    return anp.logaddexp(0.0, z)


def ctc(y_true, y_pred):
    """CTC loss per sample: ``y_true`` ``(batch, max_label_len)`` integer labels padded with 0,
    ``y_pred`` ``(batch, time, classes)`` logits; class 0 is the blank (Keras 3)."""
    y_true, y_pred = _check_ctc(y_true, y_pred)
    lengths = (y_true != 0).sum(axis=-1)
    loss, _ = ctc_kernel.ctc_loss_and_grad(y_pred, y_true, lengths,
                                           np.full(len(y_pred), y_pred.shape[1]), blank=0,
                                           want_grad=False)
    return loss.astype(y_pred.dtype)


def _check_ctc(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.ndim != 2:
        raise ValueError("Targets `y_true` are expected to be a tensor of shape `(batch_size, "
                         f"max_length)` in integer format. Received: y_true.shape={y_true.shape}")
    if y_pred.ndim != 3:
        raise ValueError("Logits `y_pred` are expected to be a tensor of shape `(batch_size, "
                         f"max_length, num_classes)`. Received: y_pred.shape={y_pred.shape}")
    return y_true.astype("int64"), y_pred.astype("float32") if y_pred.dtype.kind != "f" else y_pred


# ------------------------------------------------------------------ loss classes
class _AutodiffLoss(losses_mod.Loss):
    """A loss whose per-sample values come from an autograd function (``_fn``)."""

    _fn = None
    _fn_name = None
    _options = {}

    def __init__(self, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        unknown = set(kwargs) - set(self._options)
        if unknown:
            from ..utils import did_you_mean
            bad = sorted(unknown)[0]
            raise TypeError(f"{type(self).__name__}: unrecognized argument {bad!r}."
                            f"{did_you_mean(bad, list(self._options))} Accepted: "
                            f"{['reduction', 'name', 'dtype', *self._options]}. "
                            f"Received: {bad}={kwargs[bad]!r}")
        opts = {**self._options, **kwargs}
        self._validate(opts)
        losses_mod.Loss.__init__(self, self._fn_name, name=name or self._fn_name,
                                 reduction=reduction, **opts)
        for k, v in opts.items():
            setattr(self, k, v)

    def _validate(self, opts):
        pass

    def _values(self, t, p):
        return type(self)._fn(t, p, **self.kwargs)

    def __call__(self, y_true, y_pred, sample_weight=None):
        t, p = _cast(y_true, y_pred)
        return np.asarray(self._values(t, p)).astype(p.dtype)

    def gradient(self, y_true, y_pred):
        return self.value_and_gradient(y_true, y_pred)[1]

    def value_and_gradient(self, y_true, y_pred):
        t, p = _cast(y_true, y_pred)
        p64 = p.astype("float64")
        value = self._values(t.astype("float64"), p64)
        if np.ndim(value) == 0:          # one value for the batch (Dice/Tversky, axis=None)
            g = grad(lambda q: self._values(t.astype("float64"), q))(p64)
        else:
            g = elementwise_grad(lambda q: anp.sum(self._values(t.astype("float64"), q)))(p64)
        return np.asarray(value).astype(p.dtype), np.asarray(g).astype(p.dtype)

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction, "dtype": None, **self.kwargs}


class BinaryFocalCrossentropy(_AutodiffLoss):
    """Focal loss for binary (multi-label) targets: down-weights easy examples by
    ``(1 - p_t) ** gamma``; ``apply_class_balancing`` weights positives by ``alpha``."""
    _fn, _fn_name = staticmethod(binary_focal_crossentropy), "binary_focal_crossentropy"
    _options = {"apply_class_balancing": False, "alpha": 0.25, "gamma": 2.0,
                "from_logits": False, "label_smoothing": 0.0, "axis": -1}


class CategoricalFocalCrossentropy(_AutodiffLoss):
    """Focal loss for one-hot targets."""
    _fn, _fn_name = staticmethod(categorical_focal_crossentropy), "categorical_focal_crossentropy"
    _options = {"alpha": 0.25, "gamma": 2.0, "from_logits": False, "label_smoothing": 0.0,
                "axis": -1}


class CategoricalGeneralizedCrossEntropy(_AutodiffLoss):
    """Generalized cross entropy with ``0 < q < 1`` (integer class-id targets)."""
    _fn = staticmethod(categorical_generalized_cross_entropy)
    _fn_name = "categorical_generalized_cross_entropy"
    _options = {"q": 0.5}

    def _validate(self, opts):
        if not 0 < opts["q"] < 1:
            raise ValueError(f"q must be in the interval (0, 1). Received: q={opts['q']}")


class Dice(_AutodiffLoss):
    """Dice loss (segmentation); ``axis=None`` gives one value for the whole batch."""
    _fn, _fn_name = staticmethod(dice), "dice"
    _options = {"axis": None}


class Tversky(_AutodiffLoss):
    """Tversky loss: ``alpha`` weighs false positives, ``beta`` false negatives."""
    _fn, _fn_name = staticmethod(tversky), "tversky"
    _options = {"alpha": 0.5, "beta": 0.5, "axis": None}


class Circle(_AutodiffLoss):
    """Circle loss for metric learning (integer labels, L2-normalised embeddings).

    As Keras, samples whose loss is 0 are masked out of the mean."""
    _fn, _fn_name = staticmethod(circle), "circle"
    _options = {"gamma": 80.0, "margin": 0.4, "remove_diagonal": True}

    def _values(self, t, p):
        v = circle(t, p, **self.kwargs)
        raw = getattr(v, "_value", v)
        valid = np.asarray(raw) > 0
        n_valid = max(int(valid.sum()), 1)
        # the trainer takes the mean over samples; Keras divides by the unmasked count
        return anp.where(valid, v, 0.0) * (len(valid) / n_valid)


class CTC(_AutodiffLoss):
    """CTC loss: labels ``(batch, max_label_len)`` padded with 0, logits
    ``(batch, time, classes)`` with the blank at index 0 (Keras 3's convention)."""
    _fn_name = "ctc"
    _options = {}

    def _values(self, t, p):
        return ctc(t, p)

    def value_and_gradient(self, y_true, y_pred):
        t, p = _check_ctc(y_true, y_pred)
        lengths = (t != 0).sum(axis=-1)
        loss, g = ctc_kernel.ctc_loss_and_grad(p, t, lengths, np.full(len(p), p.shape[1]), blank=0)
        return loss.astype(p.dtype), g.astype(p.dtype)


CLASSES = {c.__name__: c for c in (BinaryFocalCrossentropy, CategoricalFocalCrossentropy,
                                   CategoricalGeneralizedCrossEntropy, Dice, Tversky, Circle, CTC)}
FUNCTIONS = {c._fn_name: c for c in CLASSES.values()}
losses_mod.register_extra_losses(CLASSES, FUNCTIONS)


def ctc_decode(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1,
               merge_repeated=True, mask_index=0):
    """Keras 3's ``ops.ctc_decode``: ``(decoded, scores)``.

    ``inputs``: ``(batch, time, classes)`` logits; ``decoded`` has shape
    ``(top_paths, batch, time)`` padded with -1; ``scores``: greedy -> minus the sum of the
    best input per step ``(batch, 1)``, beam search -> log-probabilities ``(batch, top_paths)``.
    """
    x = np.asarray(inputs, dtype="float64")
    logp = ctc_kernel.log_softmax(x)
    lengths = np.asarray(sequence_lengths).astype("int64").reshape(-1)
    if strategy == "greedy":
        paths, scores = ctc_kernel.greedy_decode(x, lengths, mask_index, merge_repeated)
        paths, scores = [paths], scores[:, None]
    elif strategy == "beam_search":
        per_sample, sc = ctc_kernel.beam_search_decode(logp, lengths, beam_width, top_paths,
                                                       mask_index)
        paths = [[p[k] if k < len(p) else [] for p in per_sample] for k in range(top_paths)]
        scores = np.array([s + [-np.inf] * (top_paths - len(s)) for s in sc])
    else:
        raise ValueError(f"Invalid strategy {strategy!r}. Supported values are 'greedy' and "
                         "'beam_search'.")
    width = x.shape[1]
    out = np.full((len(paths), len(lengths), width), -1, dtype="int32")
    for k, group in enumerate(paths):
        for i, p in enumerate(group):
            out[k, i, :len(p)] = p
    return out, scores.astype("float32")
