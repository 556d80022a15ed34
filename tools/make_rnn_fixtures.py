"""Keras-made fixtures for RNN(cell), the cells, StackedRNNCells, ConvLSTM and CuDNN weights.

Run with the Keras virtualenv (never imported by pipeseq or its tests)::

    KERAS_BACKEND=tensorflow /work/kenv/bin/python tools/make_rnn_fixtures.py [--only CASE ...]

Writes ``tests/fixtures/rnn/<case>.npz`` and ``tests/fixtures/rnn/MANIFEST.json`` in the format
of ``tools/make_layer_fixtures.py`` (whose ``make`` it runs): inputs ``x*``, Keras 3 outputs
``y*``, weights ``w*`` drawn from a seeded RNG, and for trainable cases the weights ``t*``
after two epochs of full-batch SGD(0.05) on mse towards ``ty``. ``rnn_user_cell`` uses the
``MinimalRNNCell`` of Keras's RNN docstring (the test passes the same cell written with
pipeseq.ops as a custom object). Also written: tf_keras CuDNNLSTM/CuDNNGRU files
(``cudnn.*``, see ``make_cudnn``) and a tf_keras legacy model of RNN/cells/ConvLSTM
(``tfk_rnn.*``, see ``make_tf_keras``).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_layer_fixtures as base  # noqa: E402
from make_layer_fixtures import L, _f, keras  # noqa: E402

base.OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "rnn")


@keras.saving.register_keras_serializable(package="tests")
class MinimalRNNCell(L.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units),
                                                name="recurrent_kernel")

    def call(self, inputs, states):
        out = keras.ops.tanh(keras.ops.matmul(inputs, self.kernel) +
                             keras.ops.matmul(states[0], self.recurrent_kernel))
        return out, [out]

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def rnn_lstm_cell(rng):
    x = keras.Input((5, 3))
    y = L.RNN(L.LSTMCell(4), return_sequences=True)(x)
    return keras.Model(x, L.Dense(2)(y)), [_f(rng, 2, 5, 3)]


def rnn_gru_cell_backwards(rng):
    x = keras.Input((5, 3))
    a = L.RNN(L.GRUCell(3, reset_after=False), go_backwards=True)(x)
    b = L.RNN(L.GRUCell(2), return_sequences=True, go_backwards=True)(x)
    return keras.Model(x, [a, b]), [_f(rng, 2, 5, 3)]


def rnn_simple_cell_masked(rng):
    # Sequential: a functional Masking layer is saved as a NotEqual op node in Keras 3
    model = keras.Sequential([keras.Input((5, 3)), L.Masking(0.0),
                              L.RNN(L.SimpleRNNCell(4, activation="relu"))])
    xs = _f(rng, 2, 5, 3)
    xs[0, 3:] = 0.0
    xs[1, :1] = 0.0
    return model, [xs]


def rnn_stacked_return_state(rng):
    x = keras.Input((4, 3))
    out, (h1, c1), h2 = L.RNN([L.LSTMCell(3), L.GRUCell(2)], return_state=True)(x)
    return keras.Model(x, [out, h1, c1, h2]), [_f(rng, 2, 4, 3)]


def rnn_stacked_cells_class(rng):
    x = keras.Input((4, 3))
    cells = L.StackedRNNCells([L.SimpleRNNCell(3), L.LSTMCell(2, unit_forget_bias=False)])
    return keras.Model(x, L.RNN(cells, return_sequences=True)(x)), [_f(rng, 2, 4, 3)]


def rnn_user_cell(rng):
    x = keras.Input((5, 3))
    y = L.RNN(MinimalRNNCell(4), return_sequences=True)(x)
    return keras.Model(x, L.Dense(1)(y)), [_f(rng, 3, 5, 3)]


def conv_lstm1d(rng):
    x = keras.Input((3, 7, 2))
    y = L.ConvLSTM1D(3, 3, padding="same", return_sequences=True)(x)
    return keras.Model(x, y), [_f(rng, 2, 3, 7, 2)]


def conv_lstm2d(rng):
    x = keras.Input((3, 6, 5, 2))
    y = L.ConvLSTM2D(2, (3, 2), strides=(2, 1), go_backwards=True)(x)
    return keras.Model(x, L.Dense(2)(L.Flatten()(y))), [_f(rng, 2, 3, 6, 5, 2)]


def conv_lstm2d_state(rng):
    x = keras.Input((2, 5, 5, 1))
    y, h, c = L.ConvLSTM2D(2, 3, padding="same", dilation_rate=2, return_state=True,
                           return_sequences=True, recurrent_activation="hard_sigmoid")(x)
    return keras.Model(x, [y, h, c]), [_f(rng, 2, 2, 5, 5, 1)]


def conv_lstm3d(rng):
    x = keras.Input((2, 4, 3, 4, 1))
    y = L.ConvLSTM3D(2, 2, padding="same", unit_forget_bias=False)(x)
    return keras.Model(x, y), [_f(rng, 2, 2, 4, 3, 4, 1)]


base.CASES = {f.__name__: f for f in [
    rnn_lstm_cell, rnn_gru_cell_backwards, rnn_simple_cell_masked, rnn_stacked_return_state,
    rnn_stacked_cells_class, rnn_user_cell, conv_lstm1d, conv_lstm2d, conv_lstm2d_state,
    conv_lstm3d]}
# the masked case's output carries no mask (return_sequences=False), so it trains as well
base.NO_TRAIN = set()


def make_cudnn():
    """``cudnn.tfk_model.h5`` / ``cudnn.tfk_weights.h5``: tf_keras CuDNNLSTM + CuDNNGRU files
    (cuDNN weight layout, built on CPU, never run) and ``cudnn.npz``: ``x`` and ``y``, the
    output of tf_keras's LSTM + GRU(reset_after=True) after loading the weights file (which
    converts them, ``_convert_rnn_weights``)."""
    import numpy as np
    import tf_keras
    from tf_keras.src.layers.rnn.cudnn_gru import CuDNNGRU
    from tf_keras.src.layers.rnn.cudnn_lstm import CuDNNLSTM
    rng = base._rng("cudnn")
    cud = tf_keras.Sequential([CuDNNLSTM(3, input_shape=(5, 4), return_sequences=True),
                               CuDNNGRU(2)])
    cud.set_weights([(rng.normal(size=w.shape) * 0.5).astype("float32")
                     for w in cud.get_weights()])
    cud.save(os.path.join(base.OUT, "cudnn.tfk_model.h5"))
    cud.save_weights(os.path.join(base.OUT, "cudnn.tfk_weights.h5"))
    ref = tf_keras.Sequential([tf_keras.layers.LSTM(3, input_shape=(5, 4), return_sequences=True),
                               tf_keras.layers.GRU(2, reset_after=True,
                                                   recurrent_activation="sigmoid")])
    ref.load_weights(os.path.join(base.OUT, "cudnn.tfk_weights.h5"))
    x = _f(rng, 2, 5, 4)
    np.savez_compressed(os.path.join(base.OUT, "cudnn.npz"), x=x,
                        y=np.asarray(ref(x, training=False)))
    print("made cudnn")


def make_tf_keras():
    """``tfk_rnn.tfk_model.h5`` + ``tfk_rnn.npz``: a tf_keras model (its own configs: RNN of a
    cell list, StackedRNNCells, ConvLSTM2D) saved as a legacy .h5, with its outputs."""
    import numpy as np
    import tf_keras
    tl = tf_keras.layers
    rng = base._rng("tfk_rnn")
    img, seq = tf_keras.Input((4, 5, 5, 1)), tf_keras.Input((5, 3))
    y1 = tl.ConvLSTM2D(2, 3, padding="same")(img)
    y2 = tl.RNN([tl.LSTMCell(3), tl.GRUCell(2, reset_after=True), tl.SimpleRNNCell(2)],
                return_sequences=True)(seq)
    y3 = tl.RNN(tl.StackedRNNCells([tl.GRUCell(2, reset_after=False)]), go_backwards=True)(seq)
    model = tf_keras.Model([img, seq], [tl.Flatten()(y1), y2, y3])
    model.set_weights([(rng.normal(size=w.shape) * 0.5).astype("float32")
                       for w in model.get_weights()])
    xs = [_f(rng, 2, 4, 5, 5, 1), _f(rng, 2, 5, 3)]
    ys = model(xs)
    model.save(os.path.join(base.OUT, "tfk_rnn.tfk_model.h5"))
    np.savez_compressed(os.path.join(base.OUT, "tfk_rnn.npz"), x0=xs[0], x1=xs[1],
                        **{f"y{i}": np.asarray(y) for i, y in enumerate(ys)})
    print("made tfk_rnn")


if __name__ == "__main__":
    status = base.main()
    make_cudnn()
    make_tf_keras()
    sys.exit(status)
