"""The inference path of ``predict``/``predict_on_batch``: no backward caches, early freeing,
BatchNormalization folded into the convolution before it, activations fused or in place.

``Model.forward(x, training=False)`` keeps every layer's cache (the padded input of each
convolution, every activation's input) because a backward pass may follow. ``predict`` never
runs one, so :func:`run_functional` and :func:`run_sequential` call the layers' ``forward``
and drop the caches at once, release each intermediate value after its last consumer, and
rewrite two patterns that the big convolutional networks (Keras Applications) are made of:

* **Conv -> BatchNormalization [-> activation]**: a ``Conv1D``/``Conv2D``/
  ``DepthwiseConv2D``/``SeparableConv2D`` (channels_last, linear activation) whose only
  consumer is a ``BatchNormalization`` over the channel axis (called without arguments) runs
  once with the normalisation folded into its kernel and bias
  (:mod:`pipeseq.kernels.fold`); a following ``Activation``/``ReLU`` that is the
  normalisation's only consumer (ReLU, ReLU with a cap, relu6, swish) is applied inside the
  convolution (plain ReLU, per cache-sized chunk) or in place on its fresh output.
* **MaxPooling2D** without the argmax bookkeeping of the backward pass
  (:func:`pipeseq.kernels.pooling.max_pool_infer`).
* **in place on dead values**: ``Add`` and those activations write into an input that this
  pass produced itself, that no later layer reads and that shares memory with no live value.

Results equal the layer-by-layer forward pass within float32 rounding (the tests compare both
in float64). Only exact built-in classes are rewritten; subclasses, masks, call arguments and
other data formats take the plain path.
"""
import weakref

import numpy as np

from ..kernels import conv as conv_ops
from ..kernels import core as core_ops
from ..kernels import conv_depthwise as dw_ops
from ..kernels import fold
from ..kernels import pooling as pool_ops
from ..kernels import activations as act_ops
from ..kernels.conv_threads import run_elementwise
from ..layers.activation import ReLU
from ..layers.conv import Conv1D, Conv2D
from ..layers.conv_depthwise import DepthwiseConv2D, SeparableConv2D
from ..layers.core import Activation, Dense
from ..layers.merge import Add
from ..layers.normalization import BatchNormalization
from ..layers.pooling import MaxPooling2D

_HEADS = (Conv1D, Conv2D, DepthwiseConv2D, SeparableConv2D)


def _activation_of(layer):
    """The activation object of an ``Activation``/``ReLU`` layer (exact classes), else None."""
    if type(layer) is Activation:
        return layer.activation
    if type(layer) is ReLU:
        return layer._activation()
    return None


def epilogue_of(act):
    """``("relu", cap or None)``, ``("swish", None)`` or None for an activation object."""
    if act is None:
        return None
    name, kw, fn = act.name, act.kwargs, getattr(act, "_fn", None)
    table = act_ops._TABLE
    if name == "relu" and fn is table["relu"][0]:
        if kw.get("negative_slope", 0.0) == 0.0 and kw.get("threshold", 0.0) == 0.0:
            cap = kw.get("max_value")
            return ("relu", None if cap is None else float(cap))
    if name == "relu6" and not kw and fn is table["relu6"][0]:
        return ("relu", 6.0)
    if name == "swish" and not kw and fn is table["swish"][0]:
        return ("swish", None)
    return None


def _head_ok(layer):
    if type(layer) not in _HEADS or layer.data_format != "channels_last":
        return False
    if layer.activation.name != "linear":
        return False
    if isinstance(layer, (DepthwiseConv2D, SeparableConv2D)):
        return layer.method == "auto" and conv_ops.default_method() == "auto"
    return True


def _bn_ok(layer):
    return type(layer) is BatchNormalization and getattr(layer, "_ax", None) is not None


# ------------------------------------------------------------------ fused execution
def run_fused(head, bn, epilogue, x):
    """``epilogue(bn(head(x)))`` with the normalisation folded into ``head``; None when the
    shapes do not allow it (the caller then runs the layers one by one)."""
    head._check_input(x, _in_channels(head))
    if bn._ax != x.ndim - 1:
        return None
    s, t = fold.bn_scale_shift(bn.gamma.value if bn.scale else None,
                               bn.beta.value if bn.center else None,
                               bn.moving_mean.value, bn.moving_variance.value, bn.epsilon)
    bias = head.bias.value if head.use_bias else None
    if isinstance(head, (Conv1D, Conv2D)):
        k, b = fold.fold_kernel(head.kernel.value, bias, s, t)
        relu = epilogue == ("relu", None)
        y, _ = conv_ops.conv_forward(x, k, head.strides, head.padding, head.dilation_rate,
                                     head.groups, method=head.method, bias=b, relu=relu,
                                     epilogue=None if relu else epilogue, for_backward=False)
        return y.astype(x.dtype, copy=False)
    if head.rank != 2:
        return None
    if type(head) is DepthwiseConv2D:
        k, b = fold.fold_depthwise_kernel(head.kernel.value, bias, s, t)
        y, _ = dw_ops.depthwise_forward(x, k, tuple(head.strides), head.padding,
                                        tuple(head.dilation_rate), bias=b, epilogue=epilogue,
                                        for_backward=False)
        return y.astype(x.dtype, copy=False)
    h, _ = dw_ops.depthwise_forward(x, head.depthwise_kernel.value, tuple(head.strides),
                                    head.padding, tuple(head.dilation_rate),   # SeparableConv2D
                                    for_backward=False)
    pw = head.pointwise_kernel.value.reshape(head.pointwise_kernel.shape[-2:])
    k, b = fold.fold_kernel(pw, bias, s, t)
    y, _ = conv_ops.conv_forward(h, k[None, None], (1, 1), "valid", (1, 1), bias=b,
                                 relu=epilogue == ("relu", None), for_backward=False,
                                 epilogue=None if epilogue == ("relu", None) else epilogue)
    return y.astype(x.dtype, copy=False)


def _in_channels(head):
    if isinstance(head, (Conv1D, Conv2D)):
        return head.kernel.shape[-2] * head.groups
    if type(head) is DepthwiseConv2D:
        return head.kernel.shape[-2]
    return head.depthwise_kernel.shape[-2]


def _run_layer(layer, args, kwargs, mask=None):
    from .model import Model
    if isinstance(layer, Model) and mask is None and not kwargs and hasattr(layer, "_infer"):
        return layer._infer(args)
    if type(layer) is MaxPooling2D and layer.data_format == "channels_last" and mask is None \
            and not kwargs and isinstance(args, np.ndarray) and args.ndim == 4:
        return pool_ops.max_pool_infer(args, layer.pool_size, layer.strides, layer.padding)
    if type(layer) is Dense and mask is None and not kwargs and isinstance(args, np.ndarray) \
            and args.ndim >= 2 and args.shape[-1] == layer.kernel.shape[0]:
        act = layer.activation
        ep = epilogue_of(act)                                # bias and activation fused, or
        y = core_ops.dense_infer(args, layer.kernel.value,   # the activation afterwards
                                 layer.bias.value if layer.use_bias else None, ep)
        return y if ep is not None or act.name == "linear" else act(y)
    if mask is not None and layer.accepts_mask:
        return layer.forward(args, training=False, mask=mask, **kwargs)[0]
    return layer.forward(args, training=False, **kwargs)[0]


def _shares(v, live):
    return any(isinstance(u, np.ndarray) and np.may_share_memory(v, u) for u in live)


def _is_owned(a, owned):
    return isinstance(a, np.ndarray) and owned.get(id(a)) is a


def _in_place(layer, args, owned, dead, live):
    """Run ``Add`` or an in-place-able activation into a dead, owned input; None if not."""
    if type(layer) is Add and isinstance(args, list) and len(args) >= 2:
        first = args[0]
        if (_is_owned(first, owned) and dead[0] and first.flags.writeable
                and all(isinstance(a, np.ndarray) and a.shape == first.shape
                        and a.dtype == first.dtype for a in args)
                and not _shares(first, live)
                and not any(np.may_share_memory(first, a) for a in args[1:])):
            def add(y, *rest):
                for a in rest:
                    np.add(y, a, out=y)
            run_elementwise(add, args)              # row blocks on the workers when large
            return first
        return None
    ep = epilogue_of(_activation_of(layer))
    if ep is not None and _is_owned(args, owned) and dead[0] and args.flags.writeable \
            and args.dtype.kind == "f" and not _shares(args, live):
        run_elementwise(lambda y: fold.epilogue_apply(y, ep), [args])
        return args
    return None


# ------------------------------------------------------------------ functional models
def _plan(model):
    """``(steps, last, outputs)``: per node ``("fuse", head, bn, act or None)``, ``("skip",)``
    for a node a fusion absorbed, or ``("node", node)``; each tensor's last reader (index)."""
    nodes = model._nodes
    readers = {}
    for i, node in enumerate(nodes):
        for t in node.input_tensors:
            readers.setdefault(id(t), []).append(i)
    outputs = {id(t) for t in model._outputs}

    def sole_reader(t):
        r = readers.get(id(t), [])
        return r[0] if len(r) == 1 and id(t) not in outputs else None

    steps = [None] * len(nodes)
    for i, node in enumerate(nodes):
        if steps[i] is not None:
            continue
        steps[i] = ("node", node)
        if not _head_ok(node.layer) or node.kwargs or len(node.outputs) != 1:
            continue
        j = sole_reader(node.outputs[0])
        if j is None:
            continue
        bn_node = nodes[j]
        if not _bn_ok(bn_node.layer) or bn_node.kwargs or len(bn_node.input_tensors) != 1:
            continue
        act_node, k = None, sole_reader(bn_node.outputs[0])
        if k is not None:
            cand = nodes[k]
            if not cand.kwargs and len(cand.input_tensors) == 1 \
                    and epilogue_of(_activation_of(cand.layer)) is not None:
                act_node = cand
        steps[i] = ("fuse", node, bn_node, act_node)
        steps[j] = ("skip",)
        if act_node is not None:
            steps[k] = ("skip",)
    last = {k: v[-1] for k, v in readers.items()}
    return steps, last, outputs


def run_functional(model, x):
    """``model.forward(x, training=False)[0]`` by the inference path (see the module doc)."""
    key = tuple(id(n) for n in model._nodes)
    cached = getattr(model, "_inference_plan", None)
    if cached is None or cached[0] != key:
        cached = (key, _plan(model))
        model._inference_plan = cached
    steps, last, outputs = cached[1]
    xs = model._standardize(x)
    values = {id(t): v for t, v in zip(model._inputs, xs)}
    masks, owned = {}, weakref.WeakValueDictionary()
    for i, step in enumerate(steps):
        if step[0] == "skip":
            continue
        node = step[1]
        if step[0] == "fuse" and not any(id(t) in masks for t in node.input_tensors):
            bn_node, act_node = step[2], step[3]
            ep = epilogue_of(_activation_of(act_node.layer)) if act_node is not None else None
            y = run_fused(node.layer, bn_node.layer, ep, values[id(node.input_tensors[0])])
            if y is not None:
                values[id((act_node or bn_node).outputs[0])] = y
                owned[id(y)] = y
                _release(values, node, i, last, outputs)
                continue
        for n in [s for s in step[1:] if s is not None]:
            _run_node(n, i, values, masks, owned, last, outputs, xs)
    outs = [values[id(t)] for t in model._outputs]
    return outs[0] if model._single_output else outs


def _release(values, node, i, last, outputs):
    """Drop the values ``node`` (step ``i``) read for the last time (outputs stay)."""
    for t in node.input_tensors:
        if last.get(id(t)) == i and id(t) not in outputs:
            values.pop(id(t), None)


def _run_node(node, i, values, masks, owned, last, outputs, xs):
    flat = [values[id(t)] for t in node.input_tensors]
    args = flat if isinstance(node.inputs, list) else flat[0]
    in_masks = [masks.get(id(t)) for t in node.input_tensors]
    mask = (in_masks if isinstance(node.inputs, list) else in_masks[0]) \
        if any(m is not None for m in in_masks) else None
    layer = node.layer
    y = None
    if mask is None and not node.kwargs:
        reads = {id(t) for t in node.input_tensors}
        dead = [last.get(id(t)) == i and id(t) not in outputs for t in node.input_tensors]
        live = [v for k, v in values.items() if k not in reads] + list(xs)
        y = _in_place(layer, args, owned, dead, live)
    if y is None:
        y = _run_layer(layer, args, node.kwargs, mask)
    ys = y if len(node.outputs) > 1 else [y]
    try:
        out_mask = layer.compute_mask(args, mask)
    except Exception:
        out_mask = None
    for j, (t, v) in enumerate(zip(node.outputs, ys)):
        values[id(t)] = v
        m = out_mask[j] if isinstance(out_mask, list) else out_mask
        if m is not None:
            masks[id(t)] = m
    _release(values, node, i, last, outputs)


# ------------------------------------------------------------------ Sequential models
def run_sequential(model, x):
    """``model.forward(x, training=False)[0]`` by the inference path (see the module doc)."""
    layers, user = model._layers, x
    mask, owned, i = None, weakref.WeakValueDictionary(), 0
    while i < len(layers):
        layer = layers[i]
        if mask is None and i + 1 < len(layers) and _head_ok(layer) and _bn_ok(layers[i + 1]):
            act = layers[i + 2] if i + 2 < len(layers) else None
            ep = epilogue_of(_activation_of(act)) if act is not None else None
            y = run_fused(layer, layers[i + 1], ep, x)
            if y is not None:
                x, i = y, i + (3 if ep else 2)
                owned[id(x)] = x
                continue
        y = _in_place(layer, x, owned, [True], [user]) if mask is None else None
        if y is None:
            y = _run_layer(layer, x, {}, mask)
        mask = layer.compute_mask(x, mask)
        x, i = y, i + 1
    return x
