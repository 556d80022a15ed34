"""Automatic differentiation of code written with :mod:`pipeseq.ops` (reverse mode, autograd).

``value_and_grad(f)`` and ``vjp(f, *args)`` are what the trainer and the
call-only layers use. Gradients come back in the dtype of the value they are
taken with respect to: autograd promotes some intermediate results to float64,
and a float32 model stays float32.

Example
-------
>>> import numpy as np
>>> from pipeseq import ops
>>> from pipeseq.ops.autodiff import value_and_grad, vjp
>>> x = np.array([1.0, 2.0], "float32")
>>> value_and_grad(lambda a: ops.mean(a * a))(x)
(np.float32(2.5), array([1., 2.], dtype=float32))
>>> y, back = vjp(lambda a: ops.tanh(a), np.zeros(2, "float32"))
>>> back(np.ones(2, "float32"))
(array([1., 1.], dtype=float32),)
"""
import numpy as np
from autograd import builtins as ag_builtins
from autograd.core import VJPNode, backward_pass
from autograd.core import make_vjp as _make_vjp
from autograd.tracer import trace
from autograd.tracer import isbox
from autograd.util import subvals
from autograd.extend import vspace

from . import fastvjp
from .dispatch import value

fastvjp.install()

__all__ = ["value_and_grad", "vjp", "cast_like"]


def cast_like(g, like):
    """``g`` as an array with the dtype of ``like`` (zeros when autograd returned a scalar 0)."""
    like_v = value(like)
    dt = np.asarray(like_v).dtype
    if dt.kind not in "fc":
        dt = np.dtype("float32")
    g = np.asarray(g)
    if g.shape != np.shape(like_v):
        g = np.broadcast_to(g, np.shape(like_v))
    if g.dtype != dt or not g.flags.writeable:      # broadcast views become arrays
        g = g.astype(dt)
    return g


def _pack(out):
    """Let autograd trace through list/tuple outputs."""
    if isinstance(out, (list, tuple)) and any(isbox(o) for o in out):
        return ag_builtins.tuple(tuple(out))
    return out


def vjp(fn, *args):
    """``(fn(*args), backward)``; ``backward(dy)`` returns one gradient per argument.

    ``dy`` has the structure of the output (a list for several outputs).
    Arguments the output does not depend on get zero gradients.
    """
    n = len(args)

    def packed(*a):
        return _pack(fn(*a))
    if not n:
        raise ValueError("vjp(): give at least one argument to differentiate with respect to.")
    back, out = _make_vjp(lambda t: packed(*t), ag_builtins.tuple(tuple(args)))
    out_plain = list(out) if isinstance(out, tuple) else out

    def backward(dy):
        if isinstance(dy, list):
            dy = tuple(dy)
        if isinstance(out, tuple) and not isinstance(dy, tuple):
            dy = (dy,)
        if isinstance(dy, tuple):
            dy = tuple(np.zeros(np.shape(o), np.asarray(o).dtype) if d is None else d
                       for d, o in zip(dy, out))
        grads = back(dy)
        return tuple(cast_like(g, a) for g, a in zip(grads, args))
    return out_plain, backward


def _value_and_grad(fun, x, strict):
    """``(fun(x), d fun / d x)`` traced directly (no wrapper functions built per call)."""
    end_value, end_node = trace(VJPNode.new_root(), fun, x)
    if end_node is None:
        if strict:
            raise TypeError("the result does not depend on the differentiated input (was it "
                            "converted to a plain number or array on the way?)")
        return end_value, vspace(x).zeros()
    return end_value, backward_pass(np.ones_like(np.asarray(end_value)), end_node)


def value_and_grad(fn, argnum=0, strict=False):
    """A function returning ``(fn(*args), d fn / d args[argnum])`` for a scalar ``fn``.

    ``strict``: raise ``TypeError`` when the result does not depend on the input (autograd
    would only warn and return a zero gradient).
    """
    if not isinstance(argnum, (int, list, tuple)):
        raise TypeError(f"value_and_grad(): argnum must be an int or a tuple of ints. "
                        f"Received: argnum={argnum!r}")

    def wrapped(*args):
        if isinstance(argnum, int):
            def unary(x):
                return fn(*subvals(args, [(argnum, x)]))
            ans, g = _value_and_grad(unary, args[argnum], strict)
        else:
            def unary(xs):
                return fn(*subvals(args, zip(argnum, xs)))
            ans, g = _value_and_grad(unary, ag_builtins.tuple(tuple(args[i] for i in argnum)),
                                     strict)
        if isinstance(argnum, (list, tuple)):
            g = tuple(cast_like(gi, args[i]) for gi, i in zip(g, argnum))
        else:
            g = cast_like(g, args[argnum])
        first = args[argnum if isinstance(argnum, int) else argnum[0]]
        v = np.asarray(ans)
        if v.dtype.kind == "f":
            v = v.astype(np.asarray(value(first)).dtype)
        return v[()], g
    return wrapped

