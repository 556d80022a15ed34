"""``EinsumDense``: a dense layer whose product is an einsum equation (Keras 3).

``EinsumDense("abc,cde->abde", output_shape=(None, 4, 5), bias_axes="de")`` maps
``(batch, T, c)`` to ``(batch, T, 4, 5)`` with a kernel ``(c, 4, 5)`` and a bias ``(4, 5)``;
the projections of ``MultiHeadAttention`` are such layers. Shapes of the kernel and bias
are derived from the equation exactly as Keras does (``...`` on the left is allowed).
The arithmetic is in :mod:`pipeseq.kernels.attention`.

Example
-------
>>> import numpy as np
>>> layer = EinsumDense("ab,bc->ac", output_shape=4, bias_axes="c")
>>> layer(np.ones((2, 3), "float32")).shape, [w.shape for w in layer.weights]
((2, 4), [(3, 4), (4,)])
"""
import re

import numpy as np

from .. import initializers, regularizers
from ..kernels import activations as act_ops
from ..kernels import attention as ops
from .base import Layer, format_shape, register


def analyze_equation(equation, bias_axes, input_shape, output_shape):
    """``(kernel_shape, bias_shape, full_output_shape)`` as Keras's ``_analyze_einsum_string``."""
    eq = re.sub(r"\.\.\.", "0", equation.replace(" ", ""))
    m = re.fullmatch("([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)", eq)
    left = False
    if not m:
        m = re.fullmatch("0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)", eq)
        left = True
    if not m:
        raise ValueError(f"Invalid einsum equation '{equation}'. Equations must be in the form "
                         "[X],[Y]->[Z] or ...[X],[Y]->...[Z]. Received: equation="
                         f"{equation!r}")
    ins, ws, outs = m.groups()
    out = [output_shape] if isinstance(output_shape, int) else list(output_shape)
    out.insert(0, input_shape[0])
    elided = len(input_shape) - len(ins)
    if left:
        for i in range(1, elided):
            out.insert(1, input_shape[i])
        in_map = {ch: input_shape[i + elided] for i, ch in enumerate(ins)}
        out_map = {ch: out[i + len(out) - len(outs)] for i, ch in enumerate(outs)}
    else:
        if elided != 0:
            raise ValueError(f"EinsumDense: equation {equation!r} expects inputs of rank "
                             f"{len(ins)}. Received input shape {format_shape(input_shape)}")
        in_map = {ch: input_shape[i] for i, ch in enumerate(ins)}
        out_map = {ch: out[i] for i, ch in enumerate(outs)}
    if len(out) != len(outs) + (max(elided, 0) if left else 0):
        raise ValueError(f"EinsumDense: output_shape does not match the equation {equation!r} (output "
                         f"'{outs}'). Received: output_shape={output_shape!r}")
    for ch in outs:
        if ch in in_map and out_map[ch] is not None and in_map[ch] is not None \
                and out_map[ch] != in_map[ch]:
            raise ValueError(f"EinsumDense: input dimension {ch!r} is {in_map[ch]} but "
                             f"output_shape gives {out_map[ch]} (equation {equation!r}).")
    kernel = []
    for ch in ws:
        if ch in in_map:
            kernel.append(in_map[ch])
        elif ch in out_map:
            kernel.append(out_map[ch])
        else:
            raise ValueError(f"EinsumDense: weight dimension {ch!r} of {equation!r} is in "
                             "neither the input nor the output.")
    bias = None
    if bias_axes:
        for ch in bias_axes:
            if ch not in outs:
                raise ValueError(f"EinsumDense: bias axis {ch!r} is not among the output axes "
                                 f"{outs!r}. Received: bias_axes={bias_axes!r}")
        first = min(outs.find(ch) for ch in bias_axes)
        bias = [out_map[ch] if ch in bias_axes else 1 for ch in outs[first:]]
    n_lead = len(out) - len(outs)
    full = tuple(out[:n_lead]) + tuple(out_map[ch] if out_map[ch] is not None else in_map.get(ch)
                                       for ch in outs)
    return tuple(int(d) for d in kernel), (None if bias is None else tuple(bias)), full


@register
class EinsumDense(Layer):
    """``activation(einsum(equation, x, kernel) + bias)`` (see the module docstring)."""

    def __init__(self, equation, output_shape, activation=None, bias_axes=None,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, lora_rank=None, lora_alpha=None,
                 quantization_config=None, **kwargs):
        super().__init__(**kwargs)
        if lora_rank or quantization_config:
            raise NotImplementedError(f"EinsumDense '{self.name}': LoRA and quantization are not "
                                      "supported by pipeseq. Received: "
                                      f"lora_rank={lora_rank!r}, quantization_config="
                                      f"{quantization_config!r}")
        self.equation = str(equation)
        analyze_equation(self.equation, bias_axes, (None,) * 8, [None] * 8) if False else None
        self.partial_output_shape = (output_shape,) if isinstance(output_shape, int) \
            else tuple(output_shape)
        self.activation = act_ops.get(activation)
        self.bias_axes = bias_axes
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = regularizers.get_constraint(kernel_constraint)
        self.bias_constraint = regularizers.get_constraint(bias_constraint)

    def build(self, input_shape):
        k, b, _ = analyze_equation(self.equation, self.bias_axes, input_shape,
                                   self.partial_output_shape)
        self.kernel = self.add_weight("kernel", k, self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = None if b is None else self.add_weight(
            "bias", b, self.bias_initializer, regularizer=self.bias_regularizer,
            constraint=self.bias_constraint)

    def compute_output_shape(self, input_shape):
        return analyze_equation(self.equation, self.bias_axes, input_shape,
                                self.partial_output_shape)[2]

    def forward(self, x, training=False):
        z, cache = ops.einsum_forward(self.equation, x, self.kernel.value,
                                      None if self.bias is None else self.bias.value)
        if self.activation.name == "linear":
            return z, (cache, None, None)
        y = self.activation(z)
        return y, (cache, z, y)

    def backward(self, cache, dy, need_dx=True):
        cache, z, y = cache
        if z is not None:
            dy = self.activation.backward(z, y, dy)
        dx, dk, db = ops.einsum_backward(cache, dy, need_dx=need_dx)
        if self.bias is None:
            return dx, [dk]
        return dx, [dk, ops.reduce_to_shape(db, self.bias.shape).reshape(self.bias.shape)]

    def get_config(self):
        return {**super().get_config(), "output_shape": list(self.partial_output_shape),
                "equation": self.equation, "activation": self.activation.name,
                "bias_axes": self.bias_axes,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "kernel_constraint": regularizers.serialize_constraint(self.kernel_constraint),
                "bias_constraint": regularizers.serialize_constraint(self.bias_constraint),
                "quantization_config": None}
