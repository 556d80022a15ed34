"""Layers written the Keras way -- ``build`` + ``call`` with ops -- differentiated by autograd.

A layer that defines ``call`` (a user's ``Layer`` subclass, ``Lambda``, an op
recorded between layers, a subclassed ``Model``) gets ``forward``/``backward``
from here: ``forward`` runs ``call`` with the layer's variables and inputs
traced by autograd and keeps the vector-Jacobian product; ``backward`` applies
it. The trainer sees the same contract as for the hand-written built-in layers.

* Built-in layers called *inside* a traced ``call`` (a subclassed model's
  ``self.dense(x)``) run their own forward and backward as one autograd
  primitive (:func:`traced_call`), so hand-written speed is kept inside.
* ``add_loss`` inside ``call`` and ``activity_regularizer`` (as Keras 3.15:
  the penalty of the output divided by the batch size) are extra outputs of
  the traced function; their gradients flow back with the data gradient, and
  the trainer adds their values to the reported loss.
* Without a ``compute_output_shape`` the output shape comes from running
  ``call`` on zeros (:func:`traced_output_shape`).

Example
-------
>>> import numpy as np
>>> from pipeseq import ops
>>> from pipeseq.layers import Layer
>>> class Scale(Layer):
...     def build(self, input_shape):
...         self.s = self.add_weight(shape=(input_shape[-1],), initializer="ones")
...     def call(self, x):
...         return x * self.s
>>> layer = Scale()
>>> layer(np.ones((2, 3), "float32")).shape
(2, 3)
>>> y, cache = layer.forward(np.ones((2, 3), "float32"), training=True)
>>> dx, (ds,) = layer.backward(cache, np.ones((2, 3), "float32"))
>>> ds
array([2., 2., 2.], dtype=float32)
"""
import contextlib
import inspect

import numpy as np
from autograd.extend import defvjp_argnums, primitive

from ..ops.autodiff import cast_like, vjp
from ..ops.dispatch import is_traced, value as unbox
from ..graph import SymbolicScope

_COLLECTING = []          # stack of lists receiving add_loss values during a traced call


def defines_call(layer):
    return callable(getattr(type(layer), "call", None))


@contextlib.contextmanager
def substituted(variables, values, layer=None):
    """Give ``variables`` the (traced) ``values`` for the duration of a call.

    With ``layer``, its attributes holding those variables (``self.w``) hold the values
    themselves meanwhile, so ``call`` computes with arrays (``x @ self.w + self.b``).
    """
    old = [v.value for v in variables]
    for v, val in zip(variables, values):
        v.value = val
    attrs = {}
    if layer is not None:
        by_id = {id(v): val for v, val in zip(variables, values)}
        for k, a in list(layer.__dict__.items()):
            if id(a) in by_id:
                attrs[k] = a
                object.__setattr__(layer, k, by_id[id(a)])
            elif type(a) in (list, tuple) and a and any(id(b) in by_id for b in a):
                attrs[k] = a
                object.__setattr__(layer, k, type(a)(by_id.get(id(b), b) for b in a))
    try:
        yield
    finally:
        for k, a in attrs.items():
            object.__setattr__(layer, k, a)
        for v, o, val in zip(variables, old, values):
            if v.value is val:            # not re-assigned by the call itself
                v.value = o


def _call_kwargs(layer, training, mask, kwargs):
    try:
        params = inspect.signature(layer.call).parameters
    except (TypeError, ValueError):
        params = {}
    accepts_any = any(p.kind is p.VAR_KEYWORD for p in params.values())
    out = dict(kwargs)
    if "training" in params or accepts_any:
        out["training"] = training
    if mask is not None and ("mask" in params or accepts_any):
        out["mask"] = mask
    return out


def record_loss(layer, value):
    """``layer.add_loss(value)``: part of the traced outputs, or kept as a number when eager."""
    if _COLLECTING:
        _COLLECTING[-1].append(value)
    else:
        layer._call_losses.append(float(np.sum(unbox(value))))


def _activity_penalty(layer, out):
    reg = getattr(layer, "activity_regularizer", None)
    if reg is None:
        return []
    outs = out if isinstance(out, (list, tuple)) else [out]
    return [(reg(o) if is_traced(o) else float(reg(np.asarray(o)))) / _batch(o) for o in outs]


def _batch(y):
    """Keras 3.15 divides an activity penalty by the batch size (1 for a scalar output)."""
    shape = np.shape(unbox(y))
    return float(shape[0]) if shape and shape[0] else 1.0


def _run_call(layer, args, n_in, multi, variables, call_kwargs):
    ins, vals = list(args[:n_in]), args[n_in:]
    _COLLECTING.append([])
    try:
        with substituted(variables, vals, layer):
            out = layer.call(ins if multi else ins[0], **call_kwargs)
        losses = _COLLECTING[-1] + _activity_penalty(layer, out)
    finally:
        _COLLECTING.pop()
    return out, losses


def auto_forward(layer, x, training=False, mask=None, **kwargs):
    """``(y, cache)`` for a layer defined by ``call``; traced only when training."""
    multi = isinstance(x, (list, tuple))
    xs = list(x) if multi else [x]
    variables = layer.gradient_variables
    values = [v.value for v in variables]
    call_kwargs = _call_kwargs(layer, training, mask, kwargs)
    if not training:
        out, losses = _run_call(layer, xs + values, len(xs), multi, variables, call_kwargs)
        layer._call_losses.extend(float(np.sum(unbox(v))) for v in losses)
        return _plain(out), None
    meta = {}

    def f(*args):
        out, losses = _run_call(layer, args, len(xs), multi, variables, call_kwargs)
        meta["n_out"] = len(out) if isinstance(out, (list, tuple)) else None
        meta["n_loss"] = len(losses)
        return [*out, *losses] if meta["n_out"] is not None else ([out, *losses] if losses else out)
    res, back = vjp(f, *xs, *values)
    n_out, n_loss = meta["n_out"], meta["n_loss"]
    if n_loss or n_out is not None:
        res = list(res)
        k = 1 if n_out is None else n_out
        outs, losses = res[:k], res[k:]
        layer._call_losses.extend(float(np.sum(v)) for v in losses)
        y = outs[0] if n_out is None else list(outs)
    else:
        y, losses = res, []
    cache = (back, len(xs), multi, n_out, [np.shape(v) for v in losses],
             [(np.shape(o), np.asarray(o).dtype) for o in (y if n_out is not None else [y])])
    return _plain(y), cache


def _plain(y):
    if isinstance(y, (list, tuple)):
        return [np.asarray(unbox(a)) for a in y]
    return np.asarray(unbox(y))


def auto_backward(layer, cache, dy):
    """``(dx, grads)`` from the vector-Jacobian product kept by :func:`auto_forward`."""
    if cache is None:
        raise RuntimeError(f"Layer '{layer.name}': backward needs a forward pass with "
                           "training=True.")
    back, n_in, multi, n_out, loss_shapes, out_info = cache
    dys = list(dy) if n_out is not None else [dy]
    dys = [np.zeros(s, d) if g is None else g for g, (s, d) in zip(dys, out_info)]
    seeds = [np.ones(s) for s in loss_shapes]
    if n_out is None and not seeds:
        grads = back(dys[0])
    else:
        grads = back(dys + seeds)
    dx = list(grads[:n_in])
    return (dx if multi else dx[0]), list(grads[n_in:])


# ------------------------------------------------------------ built-in layers inside a trace
def _layer_fn(layer, n_in, multi, training, kwargs):
    variables = layer.gradient_variables

    @primitive
    def run(*args):
        ins, vals = list(args[:n_in]), args[n_in:]
        with substituted(variables, vals):
            y, cache = layer.forward(ins if multi else ins[0], training=training, **kwargs)
        run.caches[id(y)] = cache
        return y

    run.caches = {}

    def make_vjp(argnums, ans, args, kw):
        cache = run.caches.pop(id(ans))

        def vjp_fn(g):
            with substituted(variables, args[n_in:]):
                dx, grads = layer.backward(cache, g)
            dxs = list(dx) if multi else [dx]
            full = [cast_like(0 if d is None else d, a) for d, a in zip(dxs, args[:n_in])] + \
                [cast_like(gi, a) for gi, a in zip(grads, args[n_in:])]
            return tuple(full[i] for i in argnums)
        return vjp_fn
    defvjp_argnums(run, make_vjp)
    return run, variables


def traced_call(layer, x, training=False, **kwargs):
    """Call ``layer`` on traced values (inside another layer's ``call``): differentiable."""
    multi = isinstance(x, (list, tuple))
    xs = list(x) if multi else [x]
    shapes = [np.shape(unbox(a)) for a in xs]
    layer._maybe_build(shapes if multi else shapes[0])
    run, variables = _layer_fn(layer, len(xs), multi, training, kwargs)
    return run(*xs, *[v.value for v in variables])


# ------------------------------------------------------------------------ add_weight
_K3_ORDER = ("shape", "initializer", "dtype", "trainable", "autocast", "regularizer",
             "constraint", "aggregation", "overwrite_with_gradient", "name")
_PIPESEQ_ORDER = ("name", "shape", "initializer", "trainable", "regularizer", "constraint",
                  "dtype")


def add_weight_args(layer, args, kwargs):
    """Resolve Keras 3's ``add_weight(shape=..., ...)`` and the name-first (Keras 2) form."""
    order = _PIPESEQ_ORDER if args and isinstance(args[0], str) else _K3_ORDER
    if len(args) > len(order):
        raise TypeError(f"add_weight() takes at most {len(order)} positional arguments. "
                        f"Received {len(args)}.")
    given = dict(zip(order, args))
    for k, v in kwargs.items():
        if k in given:
            raise TypeError(f"add_weight() got multiple values for argument {k!r}.")
        if k not in _K3_ORDER and k not in ("use_resource", "synchronization", "partitioner",
                                            "caching_device", "getter"):
            raise TypeError(f"add_weight(): unrecognized argument {k!r}. Accepted: "
                            f"{list(_K3_ORDER)}. Received: {k}={v!r}")
        given[k] = v
    shape = given.get("shape")
    shape = () if shape is None else ((int(shape),) if isinstance(shape, (int, np.integer))
                                      else tuple(int(d) for d in shape))
    dtype = given.get("dtype")
    dtype = None if dtype is None else np.dtype(getattr(dtype, "name", dtype)).name
    initializer = given.get("initializer")
    if initializer is None:      # Keras 3: glorot_uniform for float variables, else zeros
        kind = np.dtype(dtype or layer.dtype or "float32").kind
        initializer = "glorot_uniform" if kind == "f" and len(shape) >= 2 else "zeros"
    name = given.get("name")        # None: the layer names it "variable", "variable_1", ...
    return (name, shape, initializer, bool(given.get("trainable", True)),
            given.get("regularizer"), given.get("constraint"), dtype)


# ------------------------------------------------------------------------- shapes
def traced_output_shape(layer, input_shape):
    """Output shape(s) by running ``call`` on zeros (unknown sizes probed with 2 and 3)."""
    multi = isinstance(input_shape, list)
    shapes = input_shape if multi else [input_shape]
    layer._maybe_build(input_shape)
    outs = []
    for probe in (2, 3):
        xs = [np.zeros([probe if d is None else d for d in s], layer.dtype or "float32")
              for s in shapes]
        saved = list(layer._call_losses)
        try:
            _COLLECTING.append([])
            variables = layer.gradient_variables
            try:
                with substituted(variables, [v.value for v in variables], layer), \
                        SymbolicScope():
                    y = layer.call(xs if multi else xs[0],
                                   **_call_kwargs(layer, False, None, {}))
            finally:
                _COLLECTING.pop()
        except Exception as e:
            raise ValueError(
                f"Layer '{layer.name}' ({type(layer).__name__}): could not infer its output shape "
                f"by calling it on zeros of shape {shapes if multi else shapes[0]} "
                f"({type(e).__name__}: {e}). Define compute_output_shape(input_shape)"
                + (" or pass output_shape=..." if hasattr(layer, "function") else "") + ".") from e
        layer._call_losses[:] = saved
        ys = y if isinstance(y, (list, tuple)) else [y]
        outs.append([np.shape(unbox(a)) for a in ys])
        if not any(d is None for s in shapes for d in s):
            outs.append(outs[0])
            break
    result = [tuple(None if a != b else a for a, b in zip(s2, s3)) for s2, s3 in zip(*outs)]
    single = not isinstance(y, (list, tuple))
    return result[0] if single else result


# --------------------------------------------------- activity regularizer on built-in layers
def regularized_forward(layer, forward):
    """Wrap a hand-written ``forward`` so the activity penalty of its output joins the losses."""
    def fwd(x, training=False, **kwargs):
        y, cache = forward(x, training=training, **kwargs)
        reg = layer.activity_regularizer
        layer._call_losses.append(float(reg(y)) / _batch(y))
        return y, (cache, y)
    return fwd


def regularized_backward(layer, backward):
    def bwd(cache, dy, **kwargs):
        inner, y = cache
        reg = layer.activity_regularizer
        grad = reg.gradient(y) if hasattr(reg, "gradient") else _auto_grad(reg, y)
        return backward(inner, dy + (grad / _batch(y)).astype(dy.dtype), **kwargs)
    return bwd


def _auto_grad(fn, y):
    from ..ops.autodiff import value_and_grad
    return value_and_grad(lambda a: fn(a))(y)[1]
