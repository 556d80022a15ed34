"""The symbolic call: a layer called on ``KerasTensor`` s records a :class:`Node`.

Works on anything shaped like a layer (``name``, ``dtype``, ``_inbound``,
``_maybe_build``, ``compute_output_shape``), so it needs nothing from
``pipeseq.layers``: layers call into it, never the other way round.
"""
import numpy as np

from .tensor import KerasTensor, Node, flatten, is_shape_list


def input_tensor(layer):
    """The symbolic tensor of an input layer (created once): shape ``layer.batch_shape``."""
    for node in layer._inbound:
        if node.is_input:
            return node.outputs[0]
    t = KerasTensor(layer.batch_shape, layer.dtype or "float32", name=layer.name)
    node = Node(layer, None, [t])
    t.node = node
    layer._inbound.append(node)
    return t


def call_symbolic(layer, inputs, **kwargs):
    """Call ``layer`` on symbolic tensor(s): build it, infer output shapes, record a :class:`Node`."""
    flat = flatten(inputs)
    for t in flat:
        if not isinstance(t, KerasTensor):
            raise TypeError(f"Layer '{layer.name}' was called on a mix of symbolic tensors and "
                            f"other values ({type(t).__name__}). In the functional API every "
                            "input must come from Input() or from a layer called on one.")
    for k, v in kwargs.items():
        if any(isinstance(a, KerasTensor) for a in flatten(v)):
            raise NotImplementedError(f"Layer '{layer.name}': passing a symbolic tensor as the "
                                      f"keyword argument {k!r} is not supported by pipeseq's "
                                      "functional API.")
    multi = isinstance(inputs, (list, tuple))
    if multi:
        inputs = list(inputs)
        shapes = [t.shape for t in inputs]
    else:
        shapes = inputs.shape
    layer._maybe_build(shapes)
    shape_fn = getattr(layer, "output_shape_for_call", None)    # layers with call arguments
    out_shape = shape_fn(shapes, **kwargs) if shape_fn else layer.compute_output_shape(shapes)
    dtype = layer.dtype if layer.dtype and np.dtype(layer.dtype).kind == "f" else "float32"
    out_shapes = [tuple(s) for s in out_shape] if is_shape_list(out_shape) else [tuple(out_shape)]
    dtypes = getattr(layer, "symbolic_output_dtypes", None) or [dtype] * len(out_shapes)
    outputs = [KerasTensor(s, dt, index=i) for i, (s, dt) in enumerate(zip(out_shapes, dtypes))]
    node = Node(layer, inputs, outputs, kwargs)
    for t in outputs:
        t.node = node
    layer._inbound.append(node)
    return outputs if is_shape_list(out_shape) else outputs[0]


def layer_node_tensors(layer, attr):
    """``layer.input`` / ``layer.output``: the tensors of the layer's first call (as Keras 3)."""
    if not layer._inbound:
        raise AttributeError(
            f"The layer '{layer.name}' has never been called and thus has no defined {attr}. "
            "Give its Sequential model an input shape (e.g. keras_model_sequential(input_shape=...)"
            " or Input(shape=...) first) or call it on a symbolic tensor.")
    node = layer._inbound[0]
    if attr == "output":
        return node.outputs[0] if len(node.outputs) == 1 else list(node.outputs)
    if node.is_input:
        return node.outputs[0]
    return node.inputs
