"""ConvLSTM1D / 2D / 3D: declarative checks, data formats, dropout, states, errors."""
import numpy as np
import pytest

from pipeseq import backend
from pipeseq.layers import ConvLSTM1D, ConvLSTM2D, ConvLSTM3D
from tests.layer_check import check_layer, gradient_check

CASES = [
    (ConvLSTM1D, {"filters": 2, "kernel_size": 3, "padding": "same"}, (2, 3, 5, 2)),
    (ConvLSTM1D, {"filters": 2, "kernel_size": 2, "strides": 2, "return_sequences": True,
                  "go_backwards": True}, (2, 3, 5, 1)),
    (ConvLSTM2D, {"filters": 2, "kernel_size": 2, "return_state": True}, (2, 3, 3, 4, 1)),
    (ConvLSTM2D, {"filters": 1, "kernel_size": (2, 3), "padding": "same", "dilation_rate": 2,
                  "return_sequences": True, "recurrent_activation": "hard_sigmoid",
                  "data_format": "channels_first"}, (1, 3, 2, 4, 3)),
    (ConvLSTM2D, {"filters": 2, "kernel_size": 2, "use_bias": False, "activation": "relu"},
     (2, 2, 3, 3, 1)),
    (ConvLSTM3D, {"filters": 1, "kernel_size": 2, "padding": "same"}, (1, 2, 2, 3, 2, 1)),
]
IDS = ["1d_same", "1d_strided_seq_back", "2d_state", "2d_cf_dilated_hard", "2d_nobias_relu",
       "3d_same"]


@pytest.mark.parametrize("cls,kwargs,shape", CASES, ids=IDS)
def test_check_layer(cls, kwargs, shape):
    n = 2 + kwargs.get("use_bias", True)
    check_layer(cls, kwargs, shape, expected_num_weights=n)


def test_channels_first_equals_channels_last():
    x = np.random.default_rng(0).normal(size=(2, 3, 5, 4, 2)).astype("float32")
    last = ConvLSTM2D(3, 2, padding="same", return_sequences=True, return_state=True)
    first = ConvLSTM2D(3, 2, padding="same", return_sequences=True, return_state=True,
                       data_format="channels_first")
    ya = last(x)
    first(np.moveaxis(x, -1, 2))
    first.set_weights(last.get_weights())
    yb = first(np.moveaxis(x, -1, 2))
    np.testing.assert_allclose(np.moveaxis(yb[0], 2, -1), ya[0], rtol=1e-5, atol=1e-6)
    for a, b in zip(yb[1:], ya[1:]):
        np.testing.assert_allclose(np.moveaxis(a, 1, -1), b, rtol=1e-5, atol=1e-6)


def test_one_step_is_keras_cell_math():
    """One time step, written out with the project's conv kernel: z = conv(x) + conv(h) + b."""
    from pipeseq.kernels import conv
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 1, 5, 5, 2))
    layer = ConvLSTM2D(2, 3, padding="same", return_state=True, dtype="float64")
    layer(x)
    h0 = rng.normal(size=(2, 5, 5, 2))
    c0 = rng.normal(size=(2, 5, 5, 2))
    out, h, c = layer(x, initial_state=[h0, c0])
    W, U, b = layer.get_weights()
    z = conv.conv_forward(x[:, 0], W, (1, 1), "same", (1, 1))[0] + b + \
        conv.conv_forward(h0, U, (1, 1), "same", (1, 1))[0]
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    i, f, g, o = np.split(z, 4, axis=-1)
    c_ref = sig(f) * c0 + sig(i) * np.tanh(g)
    np.testing.assert_allclose(c, c_ref, rtol=1e-10)
    np.testing.assert_allclose(out, sig(o) * np.tanh(c_ref), rtol=1e-10)


def test_dropout_gradients_with_fixed_masks():
    old = backend.floatx()
    backend.set_floatx("float64")
    try:
        layer = ConvLSTM1D(2, 2, dropout=0.3, recurrent_dropout=0.3, return_sequences=True,
                           padding="same")
        x = np.random.default_rng(2).normal(size=(2, 3, 4, 2))
        layer(x)
        forward = layer.forward

        def seeded(x, training=False, **kw):
            layer._rng = np.random.default_rng(5)
            return forward(x, training=training, **kw)
        layer.forward = seeded
        gradient_check(layer, x, training=True)
        a = seeded(x, training=True)[0]
        assert not np.allclose(a, layer(x))          # dropout only in training
    finally:
        backend.set_floatx(old)


def test_stateful_carries_states():
    x = np.random.default_rng(3).normal(size=(2, 2, 4, 1)).astype("float32")
    layer = ConvLSTM1D(2, 3, padding="same", stateful=True)
    layer.build((2, 2, 4, 1))
    assert [s.shape for s in layer.states] == [(2, 4, 2), (2, 4, 2)]
    y1, y2 = layer(x), layer(x)
    assert not np.allclose(y1, y2)
    layer.reset_states()
    np.testing.assert_allclose(layer(x), y1, rtol=1e-6)


def test_output_shapes_and_config_keys():
    layer = ConvLSTM2D(4, 3, strides=2, return_sequences=True, return_state=True)
    assert layer.compute_output_shape((None, 5, 9, 7, 3)) == [(None, 5, 4, 3, 4), (None, 4, 3, 4),
                                                              (None, 4, 3, 4)]
    keys = {"name", "trainable", "dtype", "return_sequences", "return_state", "go_backwards",
            "stateful", "unroll", "zero_output_for_mask", "filters", "kernel_size", "strides",
            "padding", "data_format", "dilation_rate", "activation", "recurrent_activation",
            "use_bias", "kernel_initializer", "recurrent_initializer", "bias_initializer",
            "unit_forget_bias", "kernel_regularizer", "recurrent_regularizer",
            "bias_regularizer", "activity_regularizer", "kernel_constraint",
            "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout", "seed"}
    assert set(layer.get_config()) == keys
    layer.build((None, 5, 9, 7, 3))
    assert [w.shape for w in layer.weights] == [(3, 3, 3, 16), (3, 3, 4, 16), (16,)]
    np.testing.assert_array_equal(layer.bias.value[4:8], 1.0)       # unit_forget_bias


def test_bad_arguments_and_inputs_are_clear_errors():
    with pytest.raises(ValueError, match="dilation_rate"):
        ConvLSTM2D(2, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="padding"):
        ConvLSTM1D(2, 3, padding="causal")
    with pytest.raises(ValueError, match="units|filters"):
        ConvLSTM3D(0, 2)
    layer = ConvLSTM2D(2, 2)
    with pytest.raises(ValueError, match="expected ndim=5"):
        layer(np.zeros((2, 3, 4, 4)))
    layer(np.zeros((1, 2, 4, 4, 1), "float32"))
    before = layer.get_weights()
    with pytest.raises(ValueError, match="spatial shape"):
        layer(np.zeros((1, 2, 5, 4, 1), "float32"))
    with pytest.raises(ValueError, match="masked"):
        layer(np.zeros((1, 2, 4, 4, 1), "float32"), mask=np.array([[True, False]]))
    for a, b in zip(before, layer.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_r_layer_conv_lstm():
    from pipeseq import keras_model_sequential, layer_conv_lstm_1d, layer_conv_lstm_2d, \
        layer_conv_lstm_3d
    m = keras_model_sequential(input_shape=(3, 6, 6, 1)) | layer_conv_lstm_2d(
        filters=2, kernel_size=3, return_sequences=True)
    assert m.output_shape == (None, 3, 4, 4, 2)
    assert layer_conv_lstm_1d(filters=2, kernel_size=2).rank == 1
    assert layer_conv_lstm_3d(filters=2, kernel_size=2).rank == 3
