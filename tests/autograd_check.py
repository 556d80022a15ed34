"""One helper: a built-in layer's hand-written ``backward`` equals autograd's gradient of its forward.

``check_backward_against_autograd(layer, x)`` (float64) takes the automatic gradient
of ``sum(r * forward(x))`` (plus the penalties the layer adds to the loss:
``ActivityRegularization``, ``activity_regularizer``) with respect to the floating
input(s) and every gradient variable and compares it with ``layer.backward(cache, r)``.
Integer inputs (an ``Embedding``'s ids) are constants. The forward it differentiates is

* the layer's own ``forward`` when autograd can trace it (NumPy code that avoids
  in-place writes, ``np.asarray`` and the like) and the layer adds no loss, else
* the layer's math re-expressed with :mod:`pipeseq.ops` in ``OPS_FORWARD`` (Keras's
  definition of the layer, independent of the hand-written kernels; one module per
  family, ``tests/autograd_refs_*.py``); the reference's outputs (and penalty) must
  equal the layer's first.

``call_kwargs`` (``mask=``, ``use_causal_mask=``, ``return_attention_scores=``, ...) go
to both the layer's ``forward`` and the reference; with ``training=True`` among them
(batch statistics) the reference is always the one differentiated, since a training
forward may update state (moving averages) that autograd must not trace.
"""
import numpy as np

from pipeseq import ops
from pipeseq.layers.autodiff import substituted
from pipeseq.ops.autodiff import vjp
from tests import autograd_refs_attention, autograd_refs_conv, autograd_refs_core, \
    autograd_refs_rnn
from tests.autograd_refs_core import WithLoss

OPS_FORWARD = {**autograd_refs_core.REFERENCES, **autograd_refs_conv.REFERENCES,
               **autograd_refs_rnn.REFERENCES, **autograd_refs_attention.REFERENCES}


def _outputs(out):
    return list(out) if isinstance(out, (list, tuple)) else [out]


def _reference(layer, ins, values, call_kwargs):
    """``(outputs, penalty)`` of the layer's ops reference."""
    out = OPS_FORWARD[type(layer).__name__](layer, ins, values, **call_kwargs)
    loss = 0.0
    if isinstance(out, WithLoss):
        out, loss = out.output, out.loss
    reg = getattr(layer, "activity_regularizer", None)
    if reg is not None:          # Keras 3: the output's penalty divided by the batch size
        loss = loss + sum(reg(o) / o.shape[0] for o in _outputs(out))
    return _outputs(out), loss


def _objective(outs, rs):
    return sum(ops.sum(o * r) for o, r in zip(outs, rs) if r is not None)


def check_backward_against_autograd(layer, x, rtol=1e-6, atol=1e-8, seed=0, call_kwargs=None):
    """Return ``"own forward"`` or ``"ops reference"`` after checking; raise on a mismatch."""
    name = type(layer).__name__
    call_kwargs = dict(call_kwargs or {})
    training = bool(call_kwargs.pop("training", False))
    rng = np.random.default_rng(seed)
    multi = isinstance(x, list)
    xs = list(x) if multi else [x]
    diff = [i for i, a in enumerate(xs) if np.asarray(a).dtype.kind == "f"]
    variables = layer.gradient_variables
    values = [v.value for v in variables]
    layer._call_losses.clear()
    y, cache = layer.forward(x, training=training, **call_kwargs)
    penalty = float(sum(layer._call_losses))
    adds_loss = bool(layer._call_losses)
    ys = _outputs(y)
    rs = [rng.normal(size=np.shape(a)) if a is not None else None for a in ys]
    dx, grads = layer.backward(cache, rs if isinstance(y, list) else rs[0])
    dxs = list(dx) if multi else [dx]
    manual = [dxs[i] for i in diff] + list(grads)

    def split(args):
        ins = list(xs)
        for i, a in zip(diff, args[:len(diff)]):
            ins[i] = a
        return (ins if multi else ins[0]), list(args[len(diff):])

    def own(*args):
        ins, vals = split(args)
        with substituted(variables, vals):
            out, _ = layer.forward(ins, training=False, **call_kwargs)
        return _objective(_outputs(out), rs)

    def reference(*args):
        outs, loss = _reference(layer, *split(args), ref_kwargs)
        return _objective(outs, rs) + loss

    ref_kwargs = {**call_kwargs, "training": True} if training else call_kwargs
    args = [xs[i] for i in diff] + values
    how = "own forward"
    try:
        if adds_loss or training:
            raise TypeError("a loss or a training forward: differentiate the ops reference")
        _, back = vjp(own, *args)
        auto = back(1.0)
    except Exception:
        if name not in OPS_FORWARD:
            raise
        how = "ops reference"
        outs, loss = _reference(layer, *split(args), ref_kwargs)
        assert len(outs) == len(ys), f"{name}: the ops reference gives {len(outs)} outputs"
        for i, (o, a) in enumerate(zip(outs, ys)):
            np.testing.assert_allclose(np.asarray(o), a, rtol=1e-6, atol=1e-8,
                                       err_msg=f"{name}: the ops reference's output {i} differs")
        np.testing.assert_allclose(float(np.asarray(loss)), penalty, rtol=1e-6, atol=1e-12,
                                   err_msg=f"{name}: the ops reference's penalty differs")
        _, back = vjp(reference, *args)
        auto = back(1.0)
    for i, (m, a) in enumerate(zip(manual, auto)):
        m = np.zeros_like(a) if m is None else m      # "no gradient" must mean zero
        what = f"input {diff[i]}" if i < len(diff) else variables[i - len(diff)].name
        np.testing.assert_allclose(m, a, rtol=rtol, atol=atol,
                                   err_msg=f"{name}: d/d {what} ({how})")
    return how
