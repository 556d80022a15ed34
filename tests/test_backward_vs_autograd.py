"""Every built-in layer's hand-written backward equals the automatic gradient (float64).

Layers come from the round-trip table of tests/test_saving.py (one configuration per
registered class). Each is checked against autograd's gradient of its own forward when
autograd can trace it, else of its Keras definition written with ``pipeseq.ops``
(tests/autograd_check.py). The classes that are neither, and why, are listed in
``NOT_CHECKED`` (their backward is still checked by central differences in their own
test files through tests/layer_check.py).
"""
import numpy as np
import pytest

from pipeseq import backend
from pipeseq.layers import base as layers_base
from tests.autograd_check import OPS_FORWARD, check_backward_against_autograd
from tests.test_saving import LAYER_TABLE, RNN_CELL_CLASSES, TwoStateCell

# class -> why it is not checked here
NOT_CHECKED = {
    "InputLayer": "no computation", "Sequential": "a container (its layers are checked)",
    "Functional": "a container (its layers are checked)",
    "Merge": "a container of models (its modes are Add/Concatenate/... checked here)",
    "Lambda": "its backward is autograd itself",
    "LayerScale": "defined by call() as in Keras: its backward is autograd itself",
    "StochasticDepth": "defined by call() as in Keras: its backward is autograd itself",
    "TFOpLambda": "an op node: its backward is autograd itself",
    "CategoryEncoding": "integer class ids in, counts out: no gradient and no weights",
}
# Hand-written forwards autograd cannot trace (kernels write in place or convert with
# np.asarray) and with no ops re-expression written yet: their backward is checked by
# central differences in their own tests (tests/layer_check.py), not here.
NOT_TRACEABLE = {
    "ActivityRegularization", "AdaptiveMaxPooling1D", "AdaptiveMaxPooling2D",
    "AdaptiveMaxPooling3D", "AdditiveAttention", "Attention", "AveragePooling3D",
    "Bidirectional", "Conv1DTranspose", "Conv2DTranspose", "Conv3D", "Conv3DTranspose",
    "DepthwiseConv1D", "DepthwiseConv2D", "Dot", "EinsumDense", "Embedding", "GRU",
    "GroupQueryAttention", "LocallyConnected1D", "LSTM", "MaxPooling3D", "MultiHeadAttention",
    "Resizing", "ReversibleEmbedding", "SeparableConv1D", "SeparableConv2D", "SimpleRNN",
}


def _cases():
    out = []
    for name in sorted(LAYER_TABLE):
        if name in NOT_CHECKED or name in NOT_TRACEABLE:
            continue
        out.append(name)
    return out



@pytest.mark.parametrize("name", _cases())
def test_backward_equals_autograd(name):
    kwargs, shape = LAYER_TABLE[name]
    kwargs = kwargs() if callable(kwargs) else dict(kwargs)
    backend.set_floatx("float64")
    try:
        cls = layers_base.get_layer_class(name)
        if name in RNN_CELL_CLASSES:       # a cell is checked inside RNN
            from pipeseq.layers import RNN
            layer = RNN((TwoStateCell if name == "AbstractRNNCell" else cls)(**kwargs),
                        return_sequences=True)
        else:
            layer = cls(**kwargs)
        rng = np.random.default_rng(len(name))
        shapes = shape if isinstance(shape, list) else [shape]
        if name == "Embedding":
            xs = [rng.integers(0, 7, size=(3, *shapes[0]))]
        else:
            xs = [rng.normal(size=(3, *s)) for s in shapes]
        x = xs if isinstance(shape, list) else xs[0]
        layer(x)
        for v in layer.weights:
            if "variance" in v.name:
                v.value = np.abs(v.value) + 0.5
        assert check_backward_against_autograd(layer, x) in ("own forward", "ops reference")
    finally:
        backend.set_floatx("float32")
