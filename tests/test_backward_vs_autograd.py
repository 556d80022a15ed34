"""Every built-in layer's hand-written backward equals the automatic gradient (float64).

Layers come from the round-trip table of tests/test_saving.py (one configuration per
registered class), plus ``VARIANTS``: the options the table does not reach (masks,
``go_backwards``, ``return_state``, GRU ``reset_after`` both ways, every Bidirectional
merge mode, causal attention and returned scores, strides/dilation/``output_padding``,
``channels_first``, interpolations, ``activity_regularizer``). Each is checked against
autograd's gradient of its own forward when autograd can trace it, else of its Keras
definition written with ``pipeseq.ops`` (tests/autograd_check.py and the
tests/autograd_refs_*.py modules). Cells are checked as ``RNN(cell)``
(``AbstractRNNCell`` as RNN over a user-written cell subclassing it). The classes not checked, and why, are in
``NOT_CHECKED``.
"""
import numpy as np
import pytest

from pipeseq import backend
from pipeseq.layers import GRU, LSTM, RNN, GRUCell, LSTMCell, SimpleRNN, SimpleRNNCell, \
    StackedRNNCells
from pipeseq.layers import base as layers_base
from tests.autograd_check import OPS_FORWARD, check_backward_against_autograd
from tests.test_saving import LAYER_TABLE, RNN_CELL_CLASSES, TwoStateCell

# class -> why it is not checked here
NOT_CHECKED = {
    "CategoryEncoding": "integer class ids in, counts out: no gradient and no weights",
    "Functional": "a container (its layers are checked)",
    "HashedCrossing": "strings or integers in, bins out: no gradient and no weights",
    "Hashing": "strings or integers in, bins out: no gradient and no weights",
    "InputLayer": "no computation",
    "IntegerLookup": "integers in, indices out: no gradient and no weights",
    "Lambda": "its backward is autograd itself",
    "LayerScale": "defined by call() as in Keras: its backward is autograd itself",
    "LocallyConnected1D": "its table config (implementation=3) keeps a scipy.sparse kernel "
                          "autograd cannot trace; implementation 2 (the same function, "
                          "tests/test_locally_connected.py) is checked in VARIANTS",
    "MelSpectrogram": "audio in, mel spectrogram out: a data layer, no gradient (as Keras's)",
    "Merge": "a container of models (its modes are Add/Concatenate/... checked here)",
    "Sequential": "a container (its layers are checked)",
    "StochasticDepth": "defined by call() as in Keras: its backward is autograd itself",
    "StringLookup": "strings in, indices out: no gradient and no weights",
    "TFOpLambda": "an op node: its backward is autograd itself",
    "TextVectorization": "strings in, indices out: no gradient and no weights",
}

T, F = True, False
STEPS_MASK = np.array([[T, T, T, T], [T, T, F, F], [F, T, T, F]])    # (batch 3, 4 steps)
QUERY_MASK = np.array([[T, T, T], [T, F, T], [F, T, T]])
VALUE_MASK = np.array([[T, T, T, T, T], [T, T, F, F, F], [T, F, T, F, T]])
SEQUENCE_AND_STATE = [["sequences", None], ["initial_state", 0]]      # layer([x, h0]) as a node

# (class, constructor kwargs or a function returning them, input shape(s) without the
# batch axis, call kwargs); alphabetical by class.
VARIANTS = [
    ("ActivityRegularization", {"l1": 0.3}, (3, 2), {}),
    ("AdaptiveMaxPooling1D", {"output_size": 4, "data_format": "channels_first"}, (2, 7), {}),
    ("AdaptiveMaxPooling2D", {"output_size": (3, 2)}, (7, 5, 2), {}),
    ("AdditiveAttention", {"use_scale": False}, [(3, 4), (5, 4)],
     {"mask": [QUERY_MASK, VALUE_MASK], "return_attention_scores": True}),
    ("AdditiveAttention", {}, [(4, 3), (4, 3)], {"use_causal_mask": True}),
    ("Attention", {"use_scale": True}, [(3, 4), (5, 4)],
     {"use_causal_mask": True, "return_attention_scores": True}),
    ("Attention", {}, [(3, 4), (5, 4), (5, 4)], {"mask": [QUERY_MASK, VALUE_MASK]}),
    ("Attention", {"score_mode": "concat"}, [(3, 4), (5, 4)], {"use_causal_mask": True}),
    ("AveragePooling2D", {"pool_size": 3, "strides": 2, "padding": "same",
                          "data_format": "channels_first"}, (2, 5, 4), {}),
    ("AveragePooling3D", {"pool_size": 2, "padding": "same"}, (3, 3, 2, 2), {}),
    ("BatchNormalization", {"epsilon": 0.01}, (4,), {"training": True}),
    ("BatchNormalization", {"axis": 1, "center": False}, (2, 3, 3), {"training": True}),
    ("BatchNormalization", {"scale": False}, (3, 2), {}),
    ("Bidirectional", lambda: {"layer": GRU(3, return_sequences=True)}, (4, 2),
     {"mask": STEPS_MASK}),
    ("Bidirectional", lambda: {"layer": SimpleRNN(2), "merge_mode": "sum"}, (4, 2), {}),
    ("Bidirectional", lambda: {"layer": LSTM(2, return_sequences=True), "merge_mode": "mul"},
     (4, 2), {}),
    ("Bidirectional", lambda: {"layer": GRU(2, reset_after=False), "merge_mode": None}, (4, 2),
     {"mask": STEPS_MASK}),
    ("Bidirectional", lambda: {"layer": LSTM(2, return_state=True)}, (4, 2), {}),
    ("Conv1D", {"filters": 4, "kernel_size": 3, "groups": 2, "strides": 2,
                "data_format": "channels_first"}, (4, 7), {}),
    ("Conv1D", {"filters": 2, "kernel_size": 2, "activity_regularizer": "l2"}, (5, 3), {}),
    ("Conv1DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same",
                         "output_padding": 1}, (4, 3), {}),
    ("Conv2D", {"filters": 4, "kernel_size": (3, 2), "groups": 2, "dilation_rate": (1, 2),
                "padding": "same", "activation": "sigmoid"}, (4, 5, 2), {}),
    ("Conv2DTranspose", {"filters": 2, "kernel_size": (3, 2), "dilation_rate": 2,
                         "data_format": "channels_first", "activation": "tanh"}, (2, 3, 3), {}),
    ("Conv3D", {"filters": 2, "kernel_size": (2, 1, 2), "dilation_rate": (1, 1, 2),
                "data_format": "channels_first"}, (2, 3, 3, 4), {}),
    ("Conv3DTranspose", {"filters": 1, "kernel_size": 3, "strides": (1, 2, 1), "padding": "same",
                         "use_bias": False}, (2, 2, 2, 2), {}),
    ("ConvLSTM1D", {"filters": 2, "kernel_size": 3, "padding": "same", "strides": 1,
                    "return_state": True, "recurrent_activation": "hard_sigmoid"}, (3, 5, 2), {}),
    ("ConvLSTM2D", {"filters": 1, "kernel_size": 2, "strides": 2, "use_bias": False,
                    "return_sequences": True, "data_format": "channels_first"}, (2, 2, 4, 4), {}),
    ("Dense", {"units": 3, "activity_regularizer": "l1_l2"}, (4,), {}),
    ("DepthwiseConv1D", {"kernel_size": 2, "dilation_rate": 2, "padding": "same",
                         "data_format": "channels_first"}, (2, 5), {}),
    ("DepthwiseConv2D", {"kernel_size": 3, "strides": 2, "padding": "same",
                         "activation": "relu"}, (5, 5, 2), {}),
    ("Dot", {"axes": 1}, [(4,), (4,)], {}),
    ("Dot", {"axes": (1, 2)}, [(3, 4), (2, 3)], {}),
    ("EinsumDense", {"equation": "abc,cd->abd", "output_shape": (2, 3), "bias_axes": "b"},
     (2, 4), {}),
    ("Embedding", {"input_dim": 5, "output_dim": 2}, (3, 2), {}),
    ("GRU", {"units": 2}, [(4, 2), (2,)], {"call_slots": SEQUENCE_AND_STATE}),
    ("GRU", {"units": 3}, (4, 2), {}),
    ("GRU", {"units": 3, "go_backwards": True, "return_sequences": True}, (4, 2),
     {"mask": STEPS_MASK}),
    ("GRU", {"units": 3, "reset_after": False, "go_backwards": True, "return_state": True},
     (4, 2), {"mask": STEPS_MASK}),
    ("GRU", {"units": 2, "use_bias": False, "activation": "relu"}, (4, 2), {}),
    ("LSTM", {"units": 2, "return_sequences": True}, [(4, 2), (2,), (2,)],
     {"call_slots": SEQUENCE_AND_STATE + [["initial_state", 1]], "mask": STEPS_MASK}),
    ("LSTM", {"units": 3, "return_sequences": True, "return_state": True}, (4, 2),
     {"mask": STEPS_MASK}),
    ("LSTM", {"units": 2, "unit_forget_bias": False, "zero_output_for_mask": True,
              "return_sequences": True, "go_backwards": True}, (4, 2), {"mask": STEPS_MASK}),
    ("MaxPooling2D", {"pool_size": (2, 3), "strides": (1, 2), "padding": "same",
                      "data_format": "channels_first"}, (2, 4, 5), {}),
    ("MaxPooling3D", {"pool_size": (2, 2, 1), "strides": 1, "data_format": "channels_first"},
     (2, 3, 3, 2), {}),
    ("MultiHeadAttention", {"num_heads": 2, "key_dim": 3}, [(4, 6), (4, 6)],
     {"use_causal_mask": True, "return_attention_scores": True}),
    ("MultiHeadAttention", {"num_heads": 2, "key_dim": 2, "use_bias": False}, [(3, 4), (5, 4)],
     {"mask": [None, VALUE_MASK]}),
    ("MultiHeadAttention", {"num_heads": 1, "key_dim": 2, "value_dim": 3}, [(3, 4), (5, 2), (5, 4)],
     {"use_causal_mask": True}),
    ("MultiHeadAttention", {"num_heads": 2, "key_dim": 2}, [(2, 3, 4), (3, 2, 4)],
     {"return_attention_scores": True}),
    ("RNN", lambda: {"cell": SimpleRNNCell(3), "return_state": True}, (4, 2),
     {"mask": STEPS_MASK}),
    ("RNN", lambda: {"cell": GRUCell(2), "go_backwards": True, "return_sequences": True}, (4, 2),
     {"mask": STEPS_MASK}),
    ("RNN", lambda: {"cell": [GRUCell(2, reset_after=False), LSTMCell(3)], "return_state": True},
     [(4, 2), (2,), (3,), (3,)],
     {"call_slots": SEQUENCE_AND_STATE + [["initial_state", 1], ["initial_state", 2]]}),
    ("RNN", lambda: {"cell": StackedRNNCells([LSTMCell(2), SimpleRNNCell(3)]),
                     "zero_output_for_mask": True, "return_sequences": True}, (4, 2),
     {"mask": STEPS_MASK}),
    ("ReversibleEmbedding", {"input_dim": 6, "output_dim": 3}, (4, 3), {"reverse": True}),
    ("ReversibleEmbedding", {"input_dim": 6, "output_dim": 3, "tie_weights": False,
                             "logit_soft_cap": 1.5}, (4, 3), {"reverse": True}),
    ("GroupQueryAttention", {"head_dim": 2, "num_query_heads": 2, "num_key_value_heads": 1},
     [(3, 4), (3, 4)], {"use_causal_mask": True, "return_attention_scores": True}),
    ("LocallyConnected1D", {"filters": 2, "kernel_size": 2, "implementation": 2,
                            "padding": "same", "activation": "tanh"}, (5, 3), {}),
    ("Resizing", {"height": 5, "width": 3, "interpolation": "nearest"}, (3, 4, 2), {}),
    ("Resizing", {"height": 2, "width": 6, "data_format": "channels_first"}, (2, 3, 4), {}),
    ("Resizing", {"height": 4, "width": 2, "crop_to_aspect_ratio": True,
                  "interpolation": "nearest"}, (5, 5, 1), {}),
    ("SeparableConv1D", {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same",
                         "use_bias": False}, (6, 2), {}),
    ("SeparableConv2D", {"filters": 2, "kernel_size": 2, "dilation_rate": 2,
                         "data_format": "channels_first"}, (2, 5, 5), {}),
    ("STFTSpectrogram", {"frame_length": 4, "frame_step": 2, "padding": "same",
                         "expand_dims": True}, (9, 2), {}),
    ("STFTSpectrogram", {"mode": "magnitude", "frame_length": 4, "scaling": "spectrum",
                         "data_format": "channels_first"}, (2, 10), {}),
    ("STFTSpectrogram", {"mode": "stft", "frame_length": 4, "window": "hamming"}, (8, 1), {}),
    ("STFTSpectrogram", {"mode": "angle", "frame_length": 4}, (8, 1), {}),
    ("SimpleRNN", {"units": 3, "return_sequences": True}, [(4, 2), (3,)],
     {"call_slots": SEQUENCE_AND_STATE}),
    ("SimpleRNN", {"units": 3, "go_backwards": True, "return_state": True}, (4, 2),
     {"mask": STEPS_MASK}),
    ("SimpleRNN", {"units": 3, "activation": "relu", "use_bias": False}, (4, 2), {}),
]


def _cases():
    table = [pytest.param(name, *LAYER_TABLE[name], {}, id=name)
             for name in sorted(LAYER_TABLE) if name not in NOT_CHECKED]
    variants = [pytest.param(*case, id=f"{case[0]}-{i}") for i, case in enumerate(VARIANTS)]
    return table + variants


def test_every_unchecked_class_says_why():
    assert set(NOT_CHECKED) <= set(LAYER_TABLE)
    assert all(reason for reason in NOT_CHECKED.values())


def test_every_reference_names_a_registered_class():
    assert set(OPS_FORWARD) <= set(LAYER_TABLE), sorted(set(OPS_FORWARD) - set(LAYER_TABLE))


@pytest.mark.filterwarnings("ignore:Output seems independent of input")   # Discretization
@pytest.mark.parametrize("name, kwargs, shape, call_kwargs", _cases())
def test_backward_equals_autograd(name, kwargs, shape, call_kwargs):
    backend.set_floatx("float64")
    try:
        kwargs = kwargs() if callable(kwargs) else dict(kwargs)   # inner layers in float64 too
        cls = layers_base.get_layer_class(name)
        if name in RNN_CELL_CLASSES:            # a cell is checked as the RNN running it
            layer = RNN((TwoStateCell if name == "AbstractRNNCell" else cls)(**kwargs),
                        return_sequences=True)
        else:
            layer = cls(**kwargs)
        rng = np.random.default_rng(len(name))
        shapes = shape if isinstance(shape, list) else [shape]
        if name in ("Embedding", "ReversibleEmbedding") and not call_kwargs.get("reverse"):
            xs = [rng.integers(0, layer.input_dim, size=(3, *shapes[0]))]
        else:
            xs = [rng.normal(size=(3, *s)) for s in shapes]
        x = xs if isinstance(shape, list) else xs[0]
        if name in ("MultiHeadAttention", "GroupQueryAttention"):   # layer(query, value[, key])
            layer(*xs)
        elif call_kwargs.get("reverse"):         # ReversibleEmbedding: built on ids first
            layer(rng.integers(0, layer.input_dim, size=(3, 2)))
        elif "call_slots" in call_kwargs:        # [sequences, *initial_state]: build on sequences
            layer(xs[0])
        else:
            layer(x)
        for v in layer.weights:
            if "variance" in v.name:
                v.value = np.abs(v.value) + 0.5
        assert check_backward_against_autograd(layer, x, call_kwargs=call_kwargs) in \
            ("own forward", "ops reference")
    finally:
        backend.set_floatx("float32")
