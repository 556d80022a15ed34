"""Symbolic tensors and the functional API (``Input``, ``Model(inputs, outputs)``)."""
import numpy as np

from ..layers.base import InputLayer, format_shape


class KerasTensor:
    """A shape-carrying placeholder produced by ``Input()`` or by calling a layer on one."""

    _pipeseq_symbolic = True
    __array_ufunc__ = None

    def __init__(self, shape, dtype="float32", layer=None, inbound=(), index=0, name=None):
        self.shape = tuple(shape)
        self.dtype = dtype
        self.layer = layer            # the layer that produced this tensor
        self.inbound = tuple(inbound)  # the tensors that layer was called on
        self.index = index            # which output of the layer
        self.name = name or (layer.name if layer is not None else "tensor")

    @property
    def ndim(self):
        return len(self.shape)

    def __repr__(self):
        return f"<KerasTensor shape={format_shape(self.shape)}, dtype={self.dtype}, name={self.name}>"


def Input(shape=None, batch_size=None, name=None, dtype=None, batch_shape=None, **kwargs):
    """An input placeholder: ``Input(shape=(784,))`` (batch axis excluded)."""
    layer = InputLayer(shape=shape, batch_size=batch_size, name=name, dtype=dtype,
                       batch_shape=batch_shape, **kwargs)
    return KerasTensor(layer.batch_shape, layer.dtype, layer=layer, name=layer.name)


def call_symbolic(layer, inputs, **kwargs):
    raise NotImplementedError(
        f"Calling layer '{layer.name}' on a symbolic tensor needs the functional API, which is "
        "not available in this version of pipeseq.")
