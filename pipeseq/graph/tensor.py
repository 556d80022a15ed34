"""``KerasTensor`` (a shape-carrying placeholder) and ``Node`` (one symbolic call).

A :class:`KerasTensor` carries a shape (batch axis ``None``) and a dtype, and
remembers the :class:`Node` that produced it: the layer, the tensors it was
called on and its output index. A layer called twice (a shared layer) has two
nodes, kept in ``layer._inbound``.

Example
-------
>>> t = KerasTensor((None, 3))
>>> t.shape, t.ndim, t.layer is None
((None, 3), 2, True)
"""
import itertools

_NODE_IDS = itertools.count()
_TENSOR_IDS = itertools.count()


def format_shape(shape):
    """``(None, 3)`` -> ``"(None, 3)"``; lists of shapes in brackets; ``None`` -> ``"?"``."""
    if shape is None:
        return "?"
    if isinstance(shape, list):
        return "[" + ", ".join(format_shape(s) for s in shape) + "]"
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def is_symbolic(x):
    """Whether ``x`` (or any item of a list/tuple ``x``) is a symbolic tensor."""
    if isinstance(x, (list, tuple)):
        return any(is_symbolic(a) for a in x)
    return getattr(x, "_pipeseq_symbolic", False)


def flatten(x):
    """Nested lists/tuples -> a flat list of their leaves."""
    if isinstance(x, (list, tuple)):
        return [a for item in x for a in flatten(item)]
    return [x]


def is_shape_list(shape):
    """Whether ``shape`` is a list of shapes (a layer with several inputs or outputs)."""
    return isinstance(shape, list) and len(shape) > 0 and all(
        isinstance(s, (list, tuple)) for s in shape)


class KerasTensor:
    """A shape-carrying placeholder produced by ``Input()`` or by calling a layer on one.

    Attributes
    ----------
    shape : tuple (batch axis first, ``None`` where unknown)
    dtype : str
    node : Node that produced it; ``layer`` is ``node.layer``.
    index : which output of that node.
    """

    _pipeseq_symbolic = True
    __array_ufunc__ = None

    def __init__(self, shape, dtype="float32", node=None, index=0, name=None):
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = dtype
        self.node = node
        self.index = index
        self.name = name or (f"keras_tensor_{next(_TENSOR_IDS)}")

    @property
    def layer(self):
        return None if self.node is None else self.node.layer

    @property
    def inbound(self):
        return tuple(self.node.input_tensors) if self.node is not None else ()

    @property
    def _keras_history(self):
        return (self.layer, self.node.layer._inbound.index(self.node)
                if self.node in self.node.layer._inbound else 0, self.index)

    @property
    def ndim(self):
        return len(self.shape)

    def __len__(self):
        raise TypeError(f"A symbolic tensor ({self!r}) has no length: it is a placeholder. Build a "
                        "model with Model(inputs, outputs) and call it on arrays.")

    def __array__(self, dtype=None, copy=None):
        raise TypeError(f"A symbolic tensor ({self!r}) cannot be converted to an array. Build a "
                        "model from it with Model(inputs=..., outputs=...) and call the model on "
                        "data instead.")

    # Operators and indexing record op nodes: they call pipeseq.ops, which pipeseq.layers
    # hands over with use_ops() when it is imported (graph sits below ops and imports nothing).
    def __getitem__(self, key):
        return _op("get_item")(self, key)

    @property
    def T(self):
        return _op("transpose")(self)

    def __repr__(self):
        src = f", from layer '{self.layer.name}'" if self.layer is not None else ""
        return f"<KerasTensor shape={format_shape(self.shape)}, dtype={self.dtype}{src}>"


class Node:
    """One call of ``layer`` on symbolic ``inputs`` (a tensor or a list), giving ``outputs``."""

    def __init__(self, layer, inputs, outputs, kwargs=None):
        self.layer = layer
        self.inputs = inputs            # None for an InputLayer's node
        self.outputs = outputs          # list of KerasTensor
        self.kwargs = dict(kwargs or {})
        self.id = next(_NODE_IDS)

    @property
    def is_input(self):
        return self.inputs is None

    @property
    def input_tensors(self):
        if self.inputs is None:
            return []
        return list(self.inputs) if isinstance(self.inputs, list) else [self.inputs]

    def __repr__(self):
        return (f"<Node layer={self.layer.name}, inputs="
                f"{[t.layer.name for t in self.input_tensors]}>")



_OPS = []


def use_ops(ops_module):
    """Register the op namespace that KerasTensor operators call (done by pipeseq.layers)."""
    _OPS[:] = [ops_module]


def _op(name):
    if not _OPS:
        raise TypeError("Operators on symbolic tensors need pipeseq.layers to be imported.")
    return getattr(_OPS[0], name)


def _operator(op_name, reflected=False):
    def method(self, other):
        fn = _op(op_name)
        return fn(other, self) if reflected else fn(self, other)
    method.__name__ = op_name
    return method


def _unary_operator(op_name):
    def method(self):
        return _op(op_name)(self)
    return method


for _dunder, _name in (("add", "add"), ("sub", "subtract"), ("mul", "multiply"),
                       ("truediv", "divide"), ("floordiv", "floor_divide"), ("mod", "mod"),
                       ("pow", "power"), ("matmul", "matmul")):
    setattr(KerasTensor, f"__{_dunder}__", _operator(_name))
    setattr(KerasTensor, f"__r{_dunder}__", _operator(_name, reflected=True))
for _dunder, _name in (("lt", "less"), ("le", "less_equal"), ("gt", "greater"),
                       ("ge", "greater_equal")):   # no | or &: "tensor | layer" is the R pipe
    setattr(KerasTensor, f"__{_dunder}__", _operator(_name))
for _dunder, _name in (("neg", "negative"), ("abs", "abs"), ("invert", "logical_not")):
    setattr(KerasTensor, f"__{_dunder}__", _unary_operator(_name))
del _dunder, _name
