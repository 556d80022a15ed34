"""The Keras 1 ``Merge`` layer: merge the outputs of several models (or tensors) by ``mode``.

``Merge([left_branch, right_branch], mode='concat')`` is the first layer of a
``Sequential`` model; that model then has one input per branch and trains with
``fit([x_left, x_right], y)``. The branches' weights are the Merge layer's
weights (branch order), as in Keras 1's ``flattened_layers``.

Modes (Keras 1.2.2 ``engine/topology.py``):

========== ===================================================== =========================
mode       output                                                output shape
========== ===================================================== =========================
``sum``    ``x0 + x1 + ...``                                     same as the inputs
``ave``    mean of the inputs                                    same
``mul``    elementwise product                                   same
``max``    elementwise maximum                                   same
``concat`` concatenation along ``concat_axis`` (default -1)      summed along that axis
``dot``    ``batch_dot(x0, x1, dot_axes)``                       ``(b, n), (b, n) -> (b, 1)``
``cos``    ``dot(a, b) / max(sqrt(dot(a, a) dot(b, b)), eps)``   ``(b, 1)`` (2-D inputs)
callable   ``mode(inputs)`` or ``mode(*inputs)``                 ``output_shape``
========== ===================================================== =========================

``cos``: Keras 1 computed the cosine with an extra ``expand_dims``, so the tensor it
produced was ``(b, 1, 1)`` while its declared output shape was ``(b, 1)`` (a known
inconsistency). pipeseq produces ``(b, 1)``, the declared shape.

Callable modes train: the function (written with arithmetic operators or
:mod:`pipeseq.ops` / ``K.*``) is differentiated automatically (autograd); NumPy's
own ``np.add``, ``np.subtract``, ``np.multiply``, ``np.maximum`` and ``np.minimum``
use the hand-written kernels. The callable receives the list of inputs, as in Keras 1,
or -- when it takes exactly one positional parameter per input, like the
``lambda x, y: x - y`` of the Keras 1 guide -- the inputs as separate arguments.
Without ``output_shape``, the output shape is found by calling ``mode`` on zeros.

Example
-------
>>> from pipeseq.models import Sequential
>>> from pipeseq.layers import Dense
>>> left = Sequential([Dense(4, input_dim=6)])
>>> right = Sequential([Dense(4, input_dim=5)])
>>> model = Sequential([Merge([left, right], mode="concat"), Dense(2)])
>>> model.n_inputs, model.output_shape
(2, (None, 2))
"""
import inspect

import numpy as np

from ..kernels import merge as ops
from .base import Layer, format_shape, register
from .merge import Concatenate, _dot_output_shape
from .serialization import UnsafeConfigError, deserialize_layer, serialize_layer

_ELEMENTWISE = {"sum": "add", "ave": "average", "mul": "multiply", "max": "maximum"}
_MODES = ("sum", "ave", "mul", "max", "concat", "dot", "cos")
_KNOWN_UFUNCS = {"add": "add", "subtract": "subtract", "multiply": "multiply",
                 "maximum": "maximum", "minimum": "minimum"}


def _ufunc_name(fn):
    name = getattr(fn, "__name__", None)
    if isinstance(fn, np.ufunc) and name in _KNOWN_UFUNCS:
        return name
    return None


@register
class Merge(Layer):
    """Keras 1 ``Merge(layers=None, mode='sum', concat_axis=-1, dot_axes=-1, output_shape=None)``.

    Parameters
    ----------
    layers : list of models (or layers), optional
        The branches; each one's output is an input of the merge. Without ``layers`` the
        Merge is called on a list of tensors/arrays directly (Keras 1's ``merge``).
    mode : {'sum', 'ave', 'mul', 'max', 'concat', 'dot', 'cos'} or callable
    concat_axis : int
        Axis for ``mode='concat'``.
    dot_axes : int or (int, int)
        Axes for ``mode='dot'`` / ``'cos'``; negative values count from the end.
    output_shape : tuple (without the batch axis) or callable of the list of input shapes
        Only for a callable ``mode``.
    arguments : dict, optional
        Extra keyword arguments for a callable ``mode``.

    Shapes: input = list of the branches' inputs (one array per branch input);
    output = see the module docstring.
    """

    def __init__(self, layers=None, mode="sum", concat_axis=-1, dot_axes=-1, output_shape=None,
                 output_mask=None, arguments=None, node_indices=None, tensor_indices=None,
                 name=None, **kwargs):
        if not (callable(mode) or mode in _MODES):
            raise ValueError(f"Merge: invalid merge mode. Expected one of {list(_MODES)} or a "
                             f"function. Received: mode={mode!r}")
        if layers is not None:
            layers = list(layers)
            if len(layers) < 2:
                raise ValueError("A Merge should only be applied to a list of layers with at least "
                                 f"2 elements. Received: layers={layers!r}")
            for b in layers:
                if not isinstance(b, Layer):
                    raise TypeError(f"Merge: every branch must be a model or a layer. Received "
                                    f"{b!r} of type {type(b).__name__}.")
            if len({id(b) for b in layers}) != len(layers):
                raise ValueError("Merge: the same branch model appears twice in `layers`; Keras 1 "
                                 "merges distinct branches (use two models that share layers).")
        if isinstance(concat_axis, bool) or not isinstance(concat_axis, (int, np.integer)):
            raise TypeError(f"Merge: concat_axis must be an integer. Received: concat_axis={concat_axis!r}")
        if isinstance(dot_axes, (list, tuple)):
            if len(dot_axes) != 2 or not all(isinstance(a, (int, np.integer)) for a in dot_axes):
                raise ValueError(f"Merge: dot_axes must be an integer or a list of two integers. "
                                 f"Received: dot_axes={dot_axes!r}")
            dot_axes = [int(a) for a in dot_axes]
        elif isinstance(dot_axes, (int, np.integer)):
            dot_axes = int(dot_axes)
        else:
            raise TypeError(f"Merge: dot_axes must be an integer or a list of two integers. "
                            f"Received: dot_axes={dot_axes!r}")
        if output_shape is not None and not callable(output_shape):
            output_shape = tuple(None if d is None else int(d) for d in output_shape)
        super().__init__(name=name, **kwargs)
        self.branches = layers
        self.mode = mode
        self.concat_axis = int(concat_axis)
        self.dot_axes = dot_axes
        self._output_shape = output_shape
        self.arguments = dict(arguments or {})
        self._ufunc = _ufunc_name(mode) if callable(mode) else None

    # -------------------------------------------------------------- branches
    @property
    def layers(self):
        return list(self.branches or [])

    def _sublayers(self):
        return self.layers

    def _branch_counts(self):
        return [getattr(b, "n_inputs", 1) for b in self.layers]

    @property
    def n_model_inputs(self):
        """Number of model inputs when this Merge is the first layer of a Sequential."""
        if not self.branches:
            raise AttributeError("n_model_inputs")
        return int(sum(self._branch_counts()))

    @property
    def model_input_shapes(self):
        """The branches' input shapes, if all are known (lets a Sequential build at once)."""
        if not self.branches:
            return None
        shapes = []
        for b in self.branches:
            s = b._input_shapes() if hasattr(b, "_input_shapes") else [b._batch_input_shape]
            if not s or any(x is None for x in s):
                return None
            shapes.extend(tuple(x) for x in s)
        return shapes

    @property
    def model_input_kinds(self):
        """Per model input: 'int' for index inputs (an Embedding branch), else 'float'."""
        if not self.branches:
            return None
        kinds = []
        for b in self.branches:
            kinds.extend(b._input_kinds() if hasattr(b, "_input_kinds") else [b.input_dtype_kind])
        return kinds

    def _split(self, items):
        """Group the flat list of model inputs by branch."""
        out, i = [], 0
        for b, n in zip(self.branches, self._branch_counts()):
            out.append(items[i:i + n] if n > 1 else items[i])
            i += n
        return out

    def _check_list(self, input_shape):
        if not (isinstance(input_shape, (list, tuple)) and input_shape
                and all(isinstance(s, (list, tuple)) for s in input_shape)):
            raise ValueError(f"Merge layer '{self.name}' expects a list of inputs. Received: "
                             f"input_shape={input_shape!r}")
        if self.branches and len(input_shape) != self.n_model_inputs:
            raise ValueError(f"Merge layer '{self.name}' has {len(self.branches)} branches taking "
                             f"{self.n_model_inputs} inputs in all; received {len(input_shape)} "
                             f"input(s) with shapes {format_shape([tuple(s) for s in input_shape])}.")

    # ---------------------------------------------------------------- shapes
    def build(self, input_shape):
        self._check_list(input_shape)
        if self.branches:
            for b, s in zip(self.branches, self._split([tuple(x) for x in input_shape])):
                b._maybe_build(s)
        self.compute_output_shape(input_shape)

    def _convert_input(self, x):
        if not isinstance(x, (list, tuple)):
            return super()._convert_input(x)
        kinds = self.model_input_kinds or ["float"] * len(x)
        out = []
        for a, kind in zip(x, kinds):
            a = np.asarray(a)
            if kind == "float" and a.dtype != self.dtype:
                a = a.astype(self.dtype)
            out.append(a)
        return out

    def compute_output_shape(self, input_shape):
        self._check_list(input_shape)
        shapes = [tuple(s) for s in input_shape]
        if self.branches:
            shapes = [tuple(b.compute_output_shape(s)) for b, s in
                      zip(self.branches, self._split(shapes))]
        return self._merged_shape(shapes)

    def _merged_shape(self, shapes):
        mode = self.mode
        if callable(mode):
            if callable(self._output_shape):
                return tuple(self._output_shape(list(shapes)))
            if self._output_shape is not None:
                return (shapes[0][0],) + tuple(self._output_shape)
            return self._probe_shape(shapes)
        if mode in _ELEMENTWISE:
            ranks = {len(s) for s in shapes}
            bad = len(ranks) > 1 or any(
                len({s[i] for s in shapes if s[i] is not None}) > 1 for i in range(1, len(shapes[0])))
            if bad:
                raise ValueError(f"Merge layer '{self.name}': only layers of the same output shape "
                                 f"can be merged using mode '{mode}'. Layer shapes: "
                                 f"{format_shape(list(shapes))}")
            return tuple(shapes[0])
        if mode == "concat":
            helper = Concatenate(axis=self.concat_axis, name=self.name)
            try:
                return helper.compute_output_shape(list(shapes))
            except ValueError:
                raise ValueError(f"Merge layer '{self.name}': mode 'concat' requires inputs with "
                                 f"matching shapes except for the concat axis ({self.concat_axis})."
                                 f" Layer shapes: {format_shape(list(shapes))}") from None
        if len(shapes) != 2:
            raise ValueError(f"Merge layer '{self.name}': mode '{mode}' merges exactly 2 inputs. "
                             f"Received {len(shapes)}.")
        if mode == "cos" and (len(shapes[0]) != 2 or len(shapes[1]) != 2):
            raise ValueError(f"Merge layer '{self.name}': mode 'cos' is the cosine proximity of 2-D "
                             f"tensors (batch, features). Received shapes {format_shape(list(shapes))}.")
        return _dot_output_shape(self, shapes[0], shapes[1], self.dot_axes)

    def _probe_shape(self, shapes):
        zeros = [np.zeros([2 if d is None else d for d in s], dtype=self.dtype) for s in shapes]
        try:
            y = np.asarray(self._call_mode(zeros))
        except Exception as e:
            raise ValueError(f"Merge layer '{self.name}': could not infer the output shape of the "
                             f"callable mode by calling it on zeros of shapes "
                             f"{format_shape(list(shapes))} ({type(e).__name__}: {e}). Pass "
                             "output_shape=(...) (without the batch axis).") from None
        return (shapes[0][0],) + tuple(y.shape[1:])

    # --------------------------------------------------------------- compute
    def _call_mode(self, xs):
        fn = self.mode
        try:
            params = [p for p in inspect.signature(fn).parameters.values()
                      if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                      and p.default is p.empty]
            spread = len(params) == len(xs) and len(xs) > 1
        except (TypeError, ValueError):          # NumPy ufuncs have no signature
            spread = isinstance(fn, np.ufunc) and fn.nin == len(xs)
        return fn(*xs, **self.arguments) if spread else fn(list(xs), **self.arguments)

    def _merge_forward(self, ys, training=False):
        mode = self.mode
        if callable(mode):
            if self._ufunc is not None and not self.arguments:
                return getattr(ops, self._ufunc + "_forward")(ys)
            if not training:                    # inference: no gradient needed
                return np.asarray(self._call_mode(ys)), None
            from ..ops.autodiff import vjp
            y, back = vjp(lambda *a: self._call_mode(list(a)), *ys)
            return np.asarray(y), back
        if mode in _ELEMENTWISE:
            return getattr(ops, _ELEMENTWISE[mode] + "_forward")(ys)
        if mode == "concat":
            return ops.concatenate_forward(ys, axis=self.concat_axis)
        if mode == "dot":
            return ops.dot_forward(ys, self.dot_axes)
        return ops.cos_forward(ys, self.dot_axes)

    def _merge_backward(self, cache, dy):
        mode = self.mode
        if callable(mode):
            if self._ufunc is None or self.arguments:
                return list(cache(dy))          # the autograd vector-Jacobian product
            return getattr(ops, self._ufunc + "_backward")(cache, dy)
        if mode in _ELEMENTWISE:
            return getattr(ops, _ELEMENTWISE[mode] + "_backward")(cache, dy)
        if mode == "concat":
            return ops.concatenate_backward(cache, dy)
        if mode == "dot":
            return ops.dot_backward(cache, dy)
        return ops.cos_backward(cache, dy)

    def forward(self, x, training=False):
        xs = list(x)
        if self.branches:
            caches, ys = [], []
            for b, xb in zip(self.branches, self._split(xs)):
                yb, cb = b.forward(xb, training=training)
                ys.append(yb)
                caches.append(cb)
        else:
            caches, ys = None, xs
        y, mc = self._merge_forward(ys, training)
        return y, (caches, mc)

    def backward(self, cache, dy):
        caches, mc = cache
        dys = self._merge_backward(mc, dy)
        if not self.branches:
            return list(dys), []
        dxs, grads = [], []
        for b, cb, db, n in zip(self.branches, caches, dys, self._branch_counts()):
            dxb, gb = b.backward(cb, db)
            dxs.extend(dxb if n > 1 else [dxb])
            grads.extend(gb)
        return dxs, grads

    # ---------------------------------------------------------------- config
    def get_config(self):
        mode = self.mode
        if callable(mode):
            mode_type = "numpy" if self._ufunc else "lambda"
            mode = self._ufunc or getattr(mode, "__name__", "<function>")
        else:
            mode_type = "raw"
        if callable(self._output_shape):
            out_shape, out_type = getattr(self._output_shape, "__name__", "<function>"), "lambda"
        else:
            out_shape = None if self._output_shape is None else list(self._output_shape)
            out_type = "raw"
        config = {**super().get_config(), "mode": mode, "mode_type": mode_type,
                  "concat_axis": self.concat_axis, "dot_axes": self.dot_axes,
                  "output_shape": out_shape, "output_shape_type": out_type, "output_mask": None,
                  "output_mask_type": "raw", "arguments": {}, "node_indices": None,
                  "tensor_indices": None}
        if self.branches:
            config["layers"] = [serialize_layer(b) for b in self.branches]
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        name = config.get("name", "merge")
        for kind in ("mode", "output_shape", "output_mask"):
            if config.pop(f"{kind}_type", "raw") == "lambda":
                fn_name = config.get(kind)
                if isinstance(fn_name, str) and custom_objects and fn_name in custom_objects:
                    config[kind] = custom_objects[fn_name]      # supplied by name, in code
                    continue
                raise UnsafeConfigError(
                    f"Refusing to load Merge layer '{name}': its {kind} is a Python function, and "
                    "pipeseq never executes code from a file. Supply the function by name, "
                    f"custom_objects={{{fn_name!r}: your_function}}, or rebuild this Merge in "
                    f"code with the function as `{kind}`.")
            if kind == "mode" and config.get("mode") in _KNOWN_UFUNCS and config.get("mode") not in _MODES:
                config["mode"] = getattr(np, config["mode"])
        layers = config.pop("layers", None)
        if layers is not None:
            layers = [deserialize_layer(e, custom_objects=custom_objects) for e in layers]
        for k in ("output_mask", "arguments", "node_indices", "tensor_indices"):
            config.pop(k, None)
        dtype = config.get("dtype")
        if isinstance(dtype, dict):
            config["dtype"] = (dtype.get("config") or {}).get("name", "float32")
        return cls(layers=layers, **config)

    def __repr__(self):
        mode = getattr(self.mode, "__name__", self.mode)
        return f"<Merge name={self.name}, mode={mode}, branches={len(self.layers)}, built={self.built}>"


def merge(inputs, mode="sum", concat_axis=-1, dot_axes=-1, output_shape=None, arguments=None,
          name=None):
    """Keras 1 functional ``merge(inputs, mode=...)``: a branch-less :class:`Merge` called on ``inputs``."""
    return Merge(mode=mode, concat_axis=concat_axis, dot_axes=dot_axes, output_shape=output_shape,
                 arguments=arguments, name=name)(inputs)
