"""Core ops of ``keras.ops``: casting, shapes, control flow, slicing and scatter, custom gradients.

Control flow (``cond``, ``while_loop``, ``scan``, ...) runs eagerly in Python,
so autograd differentiates through whichever branch ran.

Example
-------
>>> import numpy as np
>>> from pipeseq import ops
>>> ops.cast(np.array([1.7, 2.2]), "int32")
array([1, 2], dtype=int32)
>>> ops.fori_loop(0, 3, lambda i, v: v + i, 0)
3
>>> ops.scatter(np.array([[0], [2]]), np.array([1.0, 2.0], "float32"), (4,))
array([1., 0., 2., 0.], dtype=float32)
"""
import builtins

import autograd.numpy as anp
import numpy as np
from autograd.extend import defvjp, primitive

from . import prims
from .dispatch import is_traced, op, standardize_dtype, tensor, value

__all__ = ["cast", "saturate_cast", "convert_to_tensor", "convert_to_numpy", "shape", "dtype",
           "is_tensor", "stop_gradient", "cond", "switch", "while_loop", "fori_loop", "scan",
           "associative_scan", "map", "vectorized_map", "vectorize", "slice", "slice_update",
           "scatter", "scatter_update", "get_item", "custom_gradient"]


@op
def cast(x, dtype):
    """``x`` converted to ``dtype`` (differentiable between float types)."""
    x = tensor(x)
    dtype = standardize_dtype(dtype)
    if np.dtype(dtype).kind not in "fc":
        return np.asarray(value(x)).astype(dtype)
    return anp.astype(x, dtype)


@op
def saturate_cast(x, dtype):
    """Cast, clipping to the range of ``dtype`` first."""
    dtype = standardize_dtype(dtype)
    info = np.iinfo(dtype) if np.dtype(dtype).kind in "iu" else np.finfo(dtype)
    return cast(anp.clip(tensor(x), info.min, info.max), dtype)


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """``x`` as an array (``floatx`` for Python floats, ``int32`` for Python ints)."""
    return tensor(x, standardize_dtype(dtype))


def convert_to_numpy(x):
    """``x`` as a plain NumPy array."""
    return np.asarray(value(tensor(x)))


def shape(x):
    """The shape of ``x`` as a tuple (``None`` for unknown dimensions of a symbolic tensor)."""
    s = getattr(x, "shape", None)
    return tuple(s) if s is not None else np.shape(x)


def dtype(x):
    """The dtype name of ``x``, e.g. ``"float32"``."""
    d = getattr(x, "dtype", None)
    return standardize_dtype(d if d is not None else value(tensor(x)).dtype)


def is_tensor(x):
    """True for arrays (and traced values and symbolic tensors)."""
    return isinstance(x, np.ndarray) or is_traced(x) or getattr(x, "_pipeseq_symbolic", False)


@op
def stop_gradient(variable):
    """The value of ``variable`` with no gradient flowing back through it."""
    return value(tensor(variable))


def cond(pred, true_fn, false_fn):
    """``true_fn()`` if ``pred`` else ``false_fn()``."""
    return true_fn() if bool(np.asarray(value(pred))) else false_fn()


def switch(index, branches, *operands):
    """``branches[index](*operands)`` (``index`` clipped to the valid range)."""
    i = builtins.min(builtins.max(int(np.asarray(value(index))), 0), len(branches) - 1)
    return branches[i](*operands)


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """Run ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)``."""
    single = not isinstance(loop_vars, (list, tuple))
    state = (loop_vars,) if single else tuple(loop_vars)
    it = 0
    while bool(np.asarray(value(cond(*state)))):
        if maximum_iterations is not None and it >= maximum_iterations:
            break
        out = body(*state)
        state = (out,) if single else tuple(out)
        it += 1
    return state[0] if single else (list(state) if isinstance(loop_vars, list) else state)


def fori_loop(lower, upper, body_fun, init_val):
    """``val = body_fun(i, val)`` for ``i`` in ``range(lower, upper)``."""
    val = init_val
    for i in range(int(lower), int(upper)):
        val = body_fun(i, val)
    return val


def _tree_stack(items):
    first = items[0]
    if isinstance(first, (list, tuple)):
        return type(first)(_tree_stack([it[j] for it in items]) for j in range(len(first)))
    if isinstance(first, dict):
        return {k: _tree_stack([it[k] for it in items]) for k in first}
    return anp.stack([tensor(i) for i in items])


def _tree_index(xs, i):
    if isinstance(xs, (list, tuple)):
        return type(xs)(_tree_index(x, i) for x in xs)
    if isinstance(xs, dict):
        return {k: _tree_index(v, i) for k, v in xs.items()}
    return xs[i]


def _tree_len(xs):
    if isinstance(xs, (list, tuple)):
        return _tree_len(xs[0])
    if isinstance(xs, dict):
        return _tree_len(next(iter(xs.values())))
    return value(tensor(xs)).shape[0]


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """``carry, y = f(carry, x)`` over the leading axis of ``xs``; returns ``(carry, stacked ys)``."""
    n = _tree_len(xs) if xs is not None else int(length)
    order = range(n - 1, -1, -1) if reverse else range(n)
    carry, ys = init, []
    for i in order:
        carry, y = f(carry, None if xs is None else _tree_index(xs, i))
        ys.append(y)
    if reverse:
        ys = ys[::-1]
    return carry, (_tree_stack(ys) if ys and ys[0] is not None else None)


def associative_scan(f, elems, reverse=False, axis=0):
    """Inclusive scan with the associative ``f`` along ``axis`` (sequentially)."""
    def slices(e):
        e = anp.moveaxis(tensor(e), axis, 0)
        return e
    leaves = [slices(e) for e in (elems if isinstance(elems, (list, tuple)) else [elems])]
    n = value(leaves[0]).shape[0]
    order = list(range(n - 1, -1, -1)) if reverse else list(range(n))
    acc, outs = None, [None] * n
    for i in order:
        cur = [leaf[i] for leaf in leaves]
        cur = cur if isinstance(elems, (list, tuple)) else cur[0]
        acc = cur if acc is None else (f(cur, acc) if reverse else f(acc, cur))
        outs[i] = acc
    if isinstance(elems, (list, tuple)):
        return type(elems)(anp.moveaxis(anp.stack([o[j] for o in outs]), 0, axis)
                           for j in range(len(elems)))
    return anp.moveaxis(anp.stack(outs), 0, axis)


def map(f, xs):  # noqa: A001 - Keras's name
    """``f`` applied to each slice of ``xs`` along the leading axis, results stacked."""
    return _tree_stack([f(_tree_index(xs, i)) for i in range(_tree_len(xs))])


def vectorized_map(function, elements):
    """Same as :func:`map` (pipeseq runs it as a loop)."""
    return map(function, elements)


def vectorize(pyfunc, *, excluded=None, signature=None):
    """``numpy.vectorize`` of ``pyfunc`` (no gradient)."""
    return np.vectorize(pyfunc, excluded=excluded, signature=signature)


@op
def slice(inputs, start_indices, shape):  # noqa: A001 - Keras's name
    """The block of ``shape`` starting at ``start_indices``."""
    x = tensor(inputs)
    start = [int(s) for s in value(tensor(start_indices))]
    return x[tuple(builtins.slice(s, s + int(n)) for s, n in zip(start, shape))]


@op
def slice_update(inputs, start_indices, updates):
    """``inputs`` with the block at ``start_indices`` replaced by ``updates``."""
    start = tuple(int(s) for s in value(tensor(start_indices)))
    return prims.slice_set(tensor(inputs), start, tensor(updates))


@op
def scatter(indices, values, shape):
    """Zeros of ``shape`` with ``values`` added at ``indices`` (``(n, rank)`` coordinates)."""
    idx = np.asarray(value(tensor(indices))).astype("int64")
    return prims.scatter_add(idx, tensor(values), tuple(int(d) for d in shape))


@op
def scatter_update(inputs, indices, updates, reduction=None):
    """``inputs`` with ``updates`` written (or added / multiplied...) at ``indices``."""
    x = tensor(inputs)
    idx = np.asarray(value(tensor(indices))).astype("int64")
    u = tensor(updates)
    if reduction is None:
        return prims.scatter_set(x, idx, u)
    if reduction == "add":
        return x + prims.scatter_add(idx, u, value(x).shape)
    if reduction in ("max", "min", "mul"):
        out = np.array(value(x), copy=True)
        ufunc = {"max": np.maximum, "min": np.minimum, "mul": np.multiply}[reduction]
        ufunc.at(out, tuple(idx.T), value(u))
        return out
    raise ValueError(f"scatter_update(): unknown reduction {reduction!r}. Expected None, "
                     "'add', 'max', 'min' or 'mul'.")


@op
def get_item(x, key):
    """``x[key]`` (differentiable)."""
    if isinstance(key, tuple):
        key = tuple(np.asarray(value(k)) if isinstance(k, np.ndarray) or is_traced(k) else k
                    for k in key)
    elif isinstance(key, np.ndarray) or is_traced(key):
        key = np.asarray(value(key))
    return tensor(x)[key]


def custom_gradient(f):
    """Decorator: ``f(*args)`` returns ``(y, grad_fn)``; ``grad_fn(upstream)`` gives the input gradients.

    Example
    -------
    >>> import numpy as np
    >>> from autograd import grad
    >>> @custom_gradient
    ... def clipped_identity(x):
    ...     return x, lambda dy: np.clip(dy, -1, 1)
    >>> float(grad(lambda v: 3 * clipped_identity(v))(2.0))
    1.0
    """
    state = {}

    @primitive
    def fwd(*args):
        y, grad_fn = f(*args)
        state["grad_fn"] = grad_fn
        return y

    def make_vjp(i):
        def vjp(ans, *args):
            grad_fn = state["grad_fn"]

            def g_i(g):
                grads = grad_fn(g)
                grads = grads if isinstance(grads, (list, tuple)) else (grads,)
                return grads[i]
            return g_i
        return vjp
    defvjp(fwd, *[make_vjp(i) for i in range(8)])

    def wrapper(*args):
        return fwd(*args)
    wrapper.__name__ = getattr(f, "__name__", "custom_gradient")
    wrapper.__doc__ = f.__doc__
    return wrapper


