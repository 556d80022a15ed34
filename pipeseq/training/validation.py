"""Checks on array data and loop arguments, run before any weight changes.

* :func:`check_counts` -- ``batch_size``, ``steps``, ``steps_per_epoch``... must be
  positive integers (``None`` meaning "the default").
* :func:`check_arrays` -- targets and sample weights must be finite (NaN/Inf in
  ``y`` would train every weight to NaN); sparse class labels must lie in
  ``[0, units - 1]``.
* :func:`first_build_guard` -- a model that was not built when a call began is
  left unbuilt when the call fails before training starts (a bad first call,
  such as 1-D samples, does not pin the model to the wrong input shape).

Example
-------
>>> import numpy as np
>>> check_counts("predict", batch_size=8, steps=None)
>>> try:
...     check_counts("predict", batch_size=0)
... except ValueError as e:
...     print(e)
predict(): batch_size must be a positive integer. Received: batch_size=0
>>> try:
...     check_arrays([np.array([1.0, np.nan])], None, ["dense"])
... except ValueError as e:
...     print(str(e)[:44])
y contains NaN or infinite values (first at
"""
import contextlib

import numpy as np

_SPARSE = ("sparse_categorical_crossentropy",)


def check_counts(fn, **counts):
    """Each given count (``None`` = default) must be a positive integer (not a bool)."""
    for name, value in counts.items():
        if value is None:
            continue
        ok = isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
        if not ok or value <= 0:
            raise ValueError(f"{fn}(): {name} must be a positive integer. "
                             f"Received: {name}={value!r}")


def _first_bad(a):
    bad = np.argwhere(~np.isfinite(a))[0]
    return tuple(int(b) for b in bad), a[tuple(bad)]


def check_arrays(ys, sw, output_names, losses=None, output_shapes=None):
    """Refuse non-finite targets/sample weights and out-of-range sparse labels."""
    multi = ys is not None and len(ys) > 1
    for i, y in enumerate(ys or []):
        if y.dtype.kind in "fc" and not np.isfinite(y).all():
            where, value = _first_bad(y)
            name = f"y[{i}] (output '{output_names[i]}')" if multi else "y"
            raise ValueError(f"{name} contains NaN or infinite values (first at index {where}: "
                             f"{value}). Targets must be finite: a NaN target makes the loss and "
                             "every weight NaN. Clean or drop those samples.")
    if sw is not None:
        sw_arr = np.asarray(sw)
        if sw_arr.dtype.kind in "fc" and not np.isfinite(sw_arr).all():
            where, value = _first_bad(sw_arr)
            raise ValueError(f"sample_weight contains NaN or infinite values (first at index "
                             f"{where}: {value}). Sample weights must be finite.")
    if losses is None or output_shapes is None:
        return
    for i, (y, loss, shape) in enumerate(zip(ys or [], losses, output_shapes)):
        if loss is None or shape is None or getattr(loss, "fn_name", None) not in _SPARSE:
            continue
        units = shape[-1]
        if units is None or not y.size:
            continue
        where = "" if not multi else f" for output '{output_names[i]}'"
        lo, hi = y.min(), y.max()
        if lo < 0 or hi >= units:
            bad = y.ravel()[np.argmax((y.ravel() < 0) | (y.ravel() >= units))]
            raise ValueError(f"Target labels{where} must be in [0, {units - 1}] (class ids) for "
                             f"a model with {units} output units. Received labels from {lo:g} to "
                             f"{hi:g} (e.g. {bad:g}).")


def _layers(model):
    out, stack, seen = [], [model], set()
    while stack:
        layer = stack.pop()
        if id(layer) in seen:
            continue
        seen.add(id(layer))
        out.append(layer)
        subs = getattr(layer, "_sublayers", None)
        stack.extend(subs() if callable(subs) else [])
        stack.extend(getattr(layer, "_layers", None) or [])
    return out


@contextlib.contextmanager
def first_build_guard(model):
    """If ``model`` is unbuilt, restore every unbuilt layer's state when the block fails."""
    if getattr(model, "built", True):
        yield
        return
    saved = [(layer, dict(vars(layer))) for layer in _layers(model)
             if not getattr(layer, "built", False)]
    try:
        yield
    except BaseException:
        for layer, state in saved:
            layer.__dict__.clear()
            layer.__dict__.update(state)
        raise
