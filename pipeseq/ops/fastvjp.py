"""Lean first-order vector-Jacobian products for the autograd primitives user code uses most.

autograd's own VJPs are written with ``autograd.numpy`` so that they can be
differentiated again; every call inside them goes through autograd's dispatch
(a few microseconds each), ``unbroadcast`` inspects dtypes and shapes through
wrapped functions, ``sum``/``mean`` materialise their broadcast gradient, and
``mean`` divides by a NumPy integer, which turns a float32 gradient into
float64 for the rest of the backward pass. A custom loss or a ``Lambda`` on a
small batch spends most of its time there.

:func:`install` registers, for the primitives below, VJPs that compute the same
first-order gradients with plain NumPy, keep the dtype of the value they are
taken with respect to, and fall back to autograd's own VJP whenever a value or
the incoming gradient is itself being traced (higher-order derivatives), is
complex, or the call has a form not handled here.

Example
-------
>>> import numpy as np
>>> from pipeseq import ops
>>> from pipeseq.ops.autodiff import value_and_grad
>>> x = np.array([[1.0, 2.0], [3.0, 4.0]], "float32")
>>> value_and_grad(lambda a: ops.mean(ops.square(a - 1.0)))(x)[1]
array([[0. , 0.5],
       [1. , 1.5]], dtype=float32)
"""
import contextlib
import math

import autograd.numpy as anp
import numpy as np
from autograd.core import primitive_vjps
from autograd.numpy import numpy_wrapper
from autograd.tracer import box_types

__all__ = ["install", "disabled"]

_REAL = frozenset("fiub")


def _plain(args):
    """True when no argument is traced and every array argument is real."""
    for a in args:
        if type(a) in box_types:
            return False
        if isinstance(a, np.ndarray) and a.dtype.kind not in _REAL:
            return False
    return True


def _meta(x):
    """(shape, float dtype or None) of a value a gradient is taken with respect to."""
    if type(x) is np.ndarray:
        return x.shape, (x.dtype if x.dtype.kind == "f" else None)
    dt = getattr(x, "dtype", None)
    return np.shape(x), (dt if dt is not None and dt.kind == "f" else None)


def _fit(g, meta):
    """``g`` summed over broadcast axes down to ``meta``'s shape (its dtype kept, as autograd:
    a float32 value inside a float64 computation must not round the gradient through it)."""
    shape = meta[0]
    if g.shape != shape:
        extra = g.ndim - len(shape)
        if extra > 0:
            g = g.sum(axis=tuple(range(extra)))
        axes = tuple(i for i, d in enumerate(shape) if d == 1 and g.shape[i] != 1)
        if axes:
            g = g.sum(axis=axes, keepdims=True)
    return g


def _register(fun, make):
    """Use ``make(argnums, ans, args, kwargs) -> vjp or None`` before autograd's VJP of ``fun``."""
    orig = _ORIGINAL.setdefault(fun, primitive_vjps[fun])

    def vjp_maker(argnums, ans, args, kwargs):
        fast = make(argnums, ans, args, kwargs) if _plain(args) else None
        if fast is None:
            return orig(argnums, ans, args, kwargs)

        def vjp(g):
            if type(g) in box_types:
                return orig(argnums, ans, args, kwargs)(g)
            g = np.asarray(g)
            if g.dtype.kind == "c":
                return orig(argnums, ans, args, kwargs)(g)
            return fast(g)
        return vjp
    vjp_maker.fast = True
    primitive_vjps[fun] = vjp_maker


def _elementwise(*partials):
    """A maker from per-argument ``partial(g, ans, *args)`` (None: no fast form for it)."""
    def make(argnums, ans, args, kwargs):
        if kwargs or len(args) != len(partials) or any(partials[i] is None for i in argnums):
            return None
        metas = [_meta(args[i]) for i in argnums]

        def fast(g):
            return tuple(_fit(partials[i](g, ans, *args), m) for i, m in zip(argnums, metas))
        return fast
    return make


def _scale_eq(x, ans, y, dtype):
    """autograd's ``balanced_eq``: 1 where ``x`` won, 1/2 on ties, in ``dtype``."""
    won = (x == ans)
    tie = (x == y)
    if np.any(tie):
        return np.where(tie, 0.5, won).astype(dtype)
    return won.astype(dtype)


def _power(argnums, ans, args, kwargs):
    """``x ** c`` for a constant number ``c`` (other forms: autograd's VJP)."""
    if kwargs or len(args) != 2 or argnums != (0,) or \
            not isinstance(args[1], (int, float, np.integer, np.floating)):
        return None
    x, c = args[0], float(args[1])
    meta = _meta(x)
    return lambda g: (_fit(g * c * x ** (c - 1.0 if c else 1.0), meta),)


def _axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    axis = axis if isinstance(axis, (tuple, list)) else (axis,)
    return tuple(int(a) % ndim for a in axis)


def _reduction(mean):
    def make(argnums, ans, args, kwargs):
        x = args[0]
        if len(args) > 3 or not isinstance(x, np.ndarray) or \
                any(k not in ("axis", "keepdims") for k in kwargs):
            return None
        axis = args[1] if len(args) > 1 else kwargs.get("axis")
        keepdims = args[2] if len(args) > 2 else kwargs.get("keepdims", False)
        try:
            axes = _axes(axis, x.ndim)
        except TypeError:
            return None
        shape = x.shape
        count = math.prod(shape[a] for a in axes)
        kept = tuple(1 if i in axes else d for i, d in enumerate(shape))

        def fast(g):
            if mean and count != 1:
                g = g / np.asarray(count, g.dtype if g.dtype.kind == "f" else np.float64)
            if not keepdims and axes:
                g = g.reshape(kept)
            out = np.empty(shape, g.dtype)
            np.copyto(out, g)            # the broadcast, as one C-level copy
            return (out,)
        return fast
    return make


def _reshape_like(argnums, ans, args, kwargs):
    """``reshape``/``squeeze``/``expand_dims``: the gradient takes the input's shape back."""
    x = args[0]
    if argnums != (0,) or not isinstance(x, np.ndarray):
        return None
    shape = x.shape
    return lambda g: (np.reshape(g, shape),)


def _matmul(argnums, ans, args, kwargs):
    """2-D (or batched-rows @ 2-D) products: the two matrix products of the chain rule."""
    if kwargs or len(args) != 2:
        return None
    a, b = args
    if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)) or b.ndim != 2 or a.ndim < 2:
        return None
    ma, mb = _meta(a), _meta(b)

    def fast(g):
        out = []
        for i in argnums:
            if i == 0:
                out.append(_fit(g @ b.T, ma))
            else:
                out.append(_fit(a.reshape(-1, a.shape[-1]).T @ g.reshape(-1, g.shape[-1]), mb))
        return tuple(out)
    return fast


def _where(argnums, ans, args, kwargs):
    if kwargs or len(args) != 3 or 0 in argnums:
        return None
    c = args[0]
    metas = {i: _meta(args[i]) for i in argnums}

    def fast(g):
        return tuple(_fit(np.where(c, g, 0) if i == 1 else np.where(c, 0, g), metas[i])
                     for i in argnums)
    return fast


def _clip(argnums, ans, args, kwargs):
    if kwargs or len(args) != 3 or argnums != (0,):
        return None
    x, lo, hi = args
    meta = _meta(x)
    return lambda g: (_fit(g * ((ans != lo) & (ans != hi)), meta),)


_ELEMENTWISE = {
    "add": (lambda g, ans, x, y: g, lambda g, ans, x, y: g),
    "subtract": (lambda g, ans, x, y: g, lambda g, ans, x, y: -g),
    "multiply": (lambda g, ans, x, y: g * y, lambda g, ans, x, y: g * x),
    "true_divide": (lambda g, ans, x, y: g / y, lambda g, ans, x, y: -g * x / y ** 2),
    "maximum": (lambda g, ans, x, y: g * _scale_eq(x, ans, y, g.dtype),
                lambda g, ans, x, y: g * _scale_eq(y, ans, x, g.dtype)),
    "minimum": (lambda g, ans, x, y: g * _scale_eq(x, ans, y, g.dtype),
                lambda g, ans, x, y: g * _scale_eq(y, ans, x, g.dtype)),
    "negative": (lambda g, ans, x: -g,),
    "square": (lambda g, ans, x: g * 2 * x,),
    "sqrt": (lambda g, ans, x: g * 0.5 / ans,),
    "exp": (lambda g, ans, x: g * ans,),
    "log": (lambda g, ans, x: g / x,),
    "log1p": (lambda g, ans, x: g / (x + 1),),
    "tanh": (lambda g, ans, x: g * (1 - ans * ans),),
    "abs": (lambda g, ans, x: g * np.sign(x),),
}

_INSTALLED = []
_ORIGINAL = {}         # primitive -> autograd's own VJP maker


def install():
    """Register the lean VJPs (once per process)."""
    if _INSTALLED:
        return
    for name, partials in _ELEMENTWISE.items():
        _register(getattr(anp, name), _elementwise(*partials))
    _register(anp.absolute, _elementwise(*_ELEMENTWISE["abs"]))
    _register(anp.sum, _reduction(mean=False))
    _register(getattr(numpy_wrapper, "_primitive_mean", anp.mean), _reduction(mean=True))
    for name in ("reshape", "squeeze", "expand_dims"):
        _register(getattr(anp, name), _reshape_like)
    _register(anp.matmul, _matmul)
    _register(anp.dot, _matmul)
    _register(anp.power, _power)
    where = getattr(anp, "_original_where", anp.where)      # autograd 1.8 wraps the primitive
    if where in primitive_vjps:
        _register(where, _where)
    _register(anp.clip, _clip)
    _INSTALLED.append(True)


@contextlib.contextmanager
def disabled():
    """autograd's own VJPs for the duration (the reference the lean ones are tested against)."""
    lean = {f: primitive_vjps[f] for f in _ORIGINAL}
    primitive_vjps.update(_ORIGINAL)
    try:
        yield
    finally:
        primitive_vjps.update(lean)
