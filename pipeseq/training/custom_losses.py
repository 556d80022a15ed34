"""Losses written by the user, reduced and weighted as Keras 3 does, differentiated by autograd.

A custom loss ``f(y_true, y_pred)`` (written with :mod:`pipeseq.ops`, ``K.*`` or
R's ``op_*`` / ``k_*``) may return one value per element, per sample or one
scalar per batch. As in Keras 3 (``LossFunctionWrapper`` then
``reduce_weighted_values``):

1. ``y_true`` and ``y_pred`` are cast to the loss dtype and their ranks aligned
   (a trailing axis of 1 is squeezed or added);
2. the values are multiplied by the sample weights (ranks aligned the same
   way; a scalar loss is broadcast, so weights scale it by their mean; for
   per-element values each sample's weight covers its row, as in Keras 2);
3. the result is summed and divided by its number of elements
   (``"sum_over_batch_size"``; ``"sum"`` skips the division; a scalar without
   weights is used as is).

The gradient of that scalar with respect to ``y_pred`` is exact (reverse-mode
automatic differentiation), for any of the three shapes of result.

Example
-------
>>> import numpy as np
>>> from pipeseq import ops
>>> from pipeseq.training.custom_losses import CustomLoss
>>> loss = CustomLoss(lambda t, p: ops.mean(ops.square(p - t)))      # one scalar per batch
>>> value, grad = loss.weighted_value_and_gradient(np.zeros((2, 2)), np.ones((2, 2), "float32"))
>>> float(value), grad
(1.0, array([[0.5, 0.5],
       [0.5, 0.5]], dtype=float32))
"""
import math

import autograd.numpy as anp
import numpy as np

from .. import backend
from ..ops.autodiff import value_and_grad
from ..ops.dispatch import value as unbox
from ..ops.prims import sum_divided
from . import losses as losses_mod

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Keras's rank alignment: squeeze (or add) a trailing axis of 1 when ranks differ by one."""
    r1, r2 = np.ndim(unbox(x1)), np.ndim(unbox(x2))
    s1, s2 = np.shape(unbox(x1)), np.shape(unbox(x2))
    if r1 == r2 + 1 and s1[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = anp.expand_dims(x2, -1)
        else:
            x1 = anp.squeeze(x1, axis=-1)
    if r2 == r1 + 1 and s2[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = anp.expand_dims(x1, -1)
        else:
            x2 = anp.squeeze(x2, axis=-1)
    return x1, x2


def reduce_weighted_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Keras 3's ``reduce_weighted_values`` (written with autograd.numpy: differentiable)."""
    if sample_weight is not None:
        sw = np.asarray(sample_weight).astype(unbox(values).dtype)
        values, sw = squeeze_or_expand_to_same_rank(values, sw)
        extra = np.ndim(unbox(values)) - sw.ndim
        if extra > 0 and sw.ndim:     # per-element values: each sample's weight covers its row
            sw = sw.reshape(sw.shape + (1,) * extra)   # (Keras 2's weighting; Keras 3 raises)
        values = values * sw
    shape = np.shape(unbox(values))
    if reduction in (None, "none") or shape == () or shape == (0,):
        return values
    if reduction == "sum":
        return anp.sum(values)
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = float(np.sum(sample_weight))
    else:
        divisor = float(math.prod(shape))
    return sum_divided(values, divisor) if divisor else anp.sum(values) * 0.0


def prepare_targets(y_true, y_pred, dtype=None):
    """Cast both to the loss dtype (``y_pred``'s float dtype, else ``floatx``) and align ranks."""
    p = y_pred if unbox(y_pred).dtype.kind == "f" else np.asarray(y_pred, dtype or backend.floatx())
    dt = unbox(p).dtype
    t = np.asarray(y_true)
    if t.dtype != dt:
        t = t.astype(dt)
    return squeeze_or_expand_to_same_rank(t, p)


class CustomLoss(losses_mod.Loss):
    """A user function ``fn(y_true, y_pred)`` as a loss (Keras's ``LossFunctionWrapper``).

    Parameters
    ----------
    fn : callable
        Returns per-element, per-sample or one scalar value(s); written with ops.
    name : str, optional
        Defaults to the function's name (the name Keras reports it under).
    reduction : str
        ``"sum_over_batch_size"`` (default), ``"sum"``, ``"mean_with_sample_weight"``, ``"none"``.
    **kwargs :
        Passed to ``fn`` on every call (Keras's ``LossFunctionWrapper(fn, **kwargs)``).
    """

    def __init__(self, fn, name=None, reduction="sum_over_batch_size", **kwargs):
        if not callable(fn):
            raise TypeError(f"A custom loss must be callable as fn(y_true, y_pred). "
                            f"Received: fn={fn!r}")
        if reduction not in REDUCTIONS:
            raise ValueError(f"Invalid reduction {reduction!r}. Expected one of "
                             f"{[r for r in REDUCTIONS if r]}. Received: reduction={reduction!r}")
        losses_mod.Loss.__init__(self, "custom", name=name or getattr(fn, "__name__", None)
                                 or "custom_loss", reduction=reduction)
        self.fn = fn
        self.fn_kwargs = kwargs

    def _values(self, t, p):
        out = self.fn(t, p, **self.fn_kwargs)
        if out is None:
            raise ValueError(f"The loss function '{self.name}' returned None; it must return "
                             "the loss value(s) for (y_true, y_pred).")
        return out

    def _scalar(self, t, p, sample_weight):
        return reduce_weighted_values(self._values(t, p), sample_weight, self.reduction)

    def __call__(self, y_true, y_pred, sample_weight=None):
        """The loss reduced as Keras reduces it (a scalar), on arrays."""
        t, p = prepare_targets(y_true, y_pred)
        return np.asarray(unbox(self._scalar(t, p, sample_weight)), dtype=unbox(p).dtype)

    def weighted_value_and_gradient(self, y_true, y_pred, sample_weight=None, want_grad=True):
        """``(reduced value as a float, d value / d y_pred)`` (gradient None without ``want_grad``)."""
        t, p = prepare_targets(y_true, y_pred)
        if not want_grad:
            return float(np.asarray(unbox(self._scalar(t, p, sample_weight)))), None
        try:
            v, g = value_and_grad(lambda q: self._scalar(t, q, sample_weight), strict=True)(p)
        except Exception as e:
            try:      # does it fail on plain arrays too? then it is the loss's own error
                self._scalar(t, p, sample_weight)
            except Exception:
                raise e from None
            raise TypeError(
                f"The loss '{self.name}' could not be differentiated: write it with "
                "pipeseq.ops / compat.ops, keras.backend (K.*) or R op_*/k_* functions of y_pred "
                "(conversions such as np.asarray(y_pred) or float(...) cut the gradient). "
                f"Original error: {type(e).__name__}: {e}") from e
        if np.shape(v) != ():
            raise ValueError(f"The loss '{self.name}' with reduction={self.reduction!r} does not "
                             "give one number to minimise. Use reduction='sum_over_batch_size'.")
        return float(v), g

    def value_and_gradient(self, y_true, y_pred):
        raise TypeError("CustomLoss has no per-sample gradient; use weighted_value_and_gradient.")

    def gradient(self, y_true, y_pred):
        raise TypeError("CustomLoss has no per-sample gradient; use weighted_value_and_gradient.")

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction, **self.fn_kwargs}

    def __repr__(self):
        return f"<CustomLoss {self.name}>"


def weighted_value_and_gradient(loss, y_true, y_pred, sample_weight=None, want_grad=True):
    """One output's training loss as Keras reports it, and its gradient w.r.t. ``y_pred``.

    Built-in losses use their hand-written per-sample gradient; custom ones autograd.
    """
    if isinstance(loss, CustomLoss):
        return loss.weighted_value_and_gradient(y_true, y_pred, sample_weight, want_grad)
    p = np.asarray(y_pred)
    if want_grad:
        values, g = loss.value_and_gradient(y_true, p)
    else:
        values, g = loss(y_true, p), None
    count = values.size
    if sample_weight is not None:
        swb = sample_weight.reshape(sample_weight.shape + (1,) * (values.ndim - 1)).astype(
            values.dtype)
        value = float((values * swb).sum()) / count
    else:
        value = float(values.sum()) / count
    if want_grad:
        scale = np.asarray(1.0 / count, dtype=p.dtype)
        if sample_weight is not None:
            swg = sample_weight.reshape(sample_weight.shape + (1,) * (g.ndim - 1)).astype(p.dtype)
            g = g * swg * scale
        else:
            g *= scale
    return value, g


def from_loss_subclass(loss):
    """A Keras-style ``Loss`` subclass instance (it defines ``call``) as a :class:`CustomLoss`."""
    wrapped = CustomLoss(loss.call, name=loss.name, reduction=loss.reduction)
    wrapped.source = loss
    return wrapped


losses_mod.register_function_loss(CustomLoss, from_loss_subclass)


def _walk(model):
    stack, seen = [model], set()
    while stack:
        layer = stack.pop()
        if id(layer) in seen:
            continue
        seen.add(id(layer))
        yield layer
        stack.extend(layer._sublayers())


def all_layers(model):
    """``model`` and every layer nested in it, each once (for a training loop to keep)."""
    return list(_walk(model))


def call_losses(model, layers=None):
    """Sum of the ``add_loss`` values and activity penalties of the last forward pass.

    Keras 3 adds them to the training loss (after the per-output losses and their weights).
    ``layers``: :func:`all_layers` of ``model``, when the caller keeps it.
    """
    return float(sum(sum(getattr(layer, "_call_losses", ()))
                     for layer in (_walk(model) if layers is None else layers)))


def clear_call_losses(model, layers=None):
    """Forget the values recorded by the previous forward pass (called before each one)."""
    for layer in (_walk(model) if layers is None else layers):
        if getattr(layer, "_call_losses", None):
            layer._call_losses.clear()
