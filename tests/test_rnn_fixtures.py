"""Parity with Keras-made fixtures of RNN(cell), stacks, a user cell and ConvLSTM
(tools/make_rnn_fixtures.py): Keras's JSON and weights in, Keras's outputs out; trainable
cases train as Keras trained them (SGD 0.05, mse, full batch, 2 epochs)."""
import json
import os

import numpy as np
import pytest

from pipeseq import ops
from pipeseq.layers import Layer
from pipeseq.saving import api
from pipeseq.training.optimizers import SGD

FIX = os.path.join(os.path.dirname(__file__), "fixtures", "rnn")
with open(os.path.join(FIX, "MANIFEST.json")) as _f:
    MANIFEST = json.load(_f)["cases"]


class MinimalRNNCell(Layer):
    """The user cell of the fixture, written with pipeseq.ops."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units),
                                                name="recurrent_kernel")

    def call(self, inputs, states):
        out = ops.tanh(ops.matmul(inputs, self.kernel) +
                       ops.matmul(states[0], self.recurrent_kernel))
        return out, [out]

    def get_config(self):
        return {**super().get_config(), "units": self.units}


CUSTOM = {"MinimalRNNCell": MinimalRNNCell}


def _load(name):
    data = np.load(os.path.join(FIX, f"{name}.npz"))
    entry = MANIFEST[name]
    xs = [data[f"x{i}"] for i in range(entry["n_inputs"])]
    ys = [data[f"y{i}"] for i in range(entry["n_outputs"])]
    model = api.model_from_json(json.dumps(entry["model"]), custom_objects=CUSTOM)
    model.set_weights([data[f"w{i}"] for i in range(entry["n_weights"])])
    return model, xs, ys, data, entry


def _close(a, b, what):
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5 * max(1.0, float(np.abs(b).max())),
                               err_msg=what)


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_inference_matches_keras(name):
    model, xs, ys, _, _ = _load(name)
    out = model.predict(xs[0], verbose=0)
    out = out if isinstance(out, list) else [out]
    assert len(out) == len(ys)
    for i, (a, b) in enumerate(zip(out, ys)):
        assert a.shape == b.shape, (name, i, a.shape, b.shape)
        _close(a, b, f"{name}: output {i}")


@pytest.mark.parametrize("name", sorted(n for n, e in MANIFEST.items() if "losses" in e))
def test_training_matches_keras(name):
    from pipeseq import Model
    model, xs, _, data, entry = _load(name)
    train = Model(model.inputs, model.outputs[0]) if entry["n_outputs"] > 1 else model
    train.compile(optimizer=SGD(learning_rate=0.05), loss="mse")
    hist = train.fit(xs[0], data["ty"], batch_size=len(xs[0]), epochs=2, shuffle=False, verbose=0)
    np.testing.assert_allclose(hist.history["loss"], entry["losses"], rtol=1e-4, atol=1e-6)
    for i, w in enumerate(model.get_weights()):
        np.testing.assert_allclose(w, data[f"t{i}"], rtol=1e-4, atol=1e-4,
                                   err_msg=f"{name}: weight {entry['names'][i]}")


@pytest.mark.parametrize("kind", ["tfk_model", "tfk_weights"])
def test_cudnn_files_load_into_lstm_and_gru_as_tf_keras_does(kind):
    """tf_keras CuDNNLSTM + CuDNNGRU files (cuDNN weight layout): pipeseq reads them into
    LSTM / GRU(reset_after=True) and reproduces tf_keras's LSTM/GRU on the converted weights."""
    from pipeseq import Sequential
    from pipeseq.layers import GRU, LSTM
    data = np.load(os.path.join(FIX, "cudnn.npz"))
    path = os.path.join(FIX, f"cudnn.{kind}.h5")
    if kind == "tfk_model":
        model = api.load_model(path, compile=False)
        assert [type(l).__name__ for l in model.layers] == ["LSTM", "GRU"]
        assert model.layers[1].reset_after
    else:
        model = Sequential([LSTM(3, input_shape=(5, 4), return_sequences=True), GRU(2)])
        model.load_weights(path)
    assert [w.shape for w in model.get_weights()] == [(4, 12), (3, 12), (12,), (3, 6), (2, 6),
                                                      (2, 6)]
    _close(model.predict(data["x"], verbose=0), data["y"], f"cudnn {kind}")


def test_cudnn_weights_need_a_cudnn_compatible_gru():
    from pipeseq import Sequential
    from pipeseq.errors import WeightMismatchError
    from pipeseq.layers import GRU, LSTM
    model = Sequential([LSTM(3, input_shape=(5, 4), return_sequences=True),
                        GRU(2, reset_after=False)])
    before = model.get_weights()
    with pytest.raises((WeightMismatchError, ValueError)):
        model.load_weights(os.path.join(FIX, "cudnn.tfk_weights.h5"))
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_compat_cudnn_names_make_lstm_and_gru():
    from compat.layers import CuDNNGRU, CuDNNLSTM
    from pipeseq.layers import GRU, LSTM
    lstm, gru = CuDNNLSTM(4, return_sequences=True), CuDNNGRU(3)
    assert type(lstm) is LSTM and type(gru) is GRU
    assert gru.reset_after and gru.recurrent_activation.name == "sigmoid"
    with pytest.raises(TypeError, match="reset_after"):
        CuDNNGRU(3, reset_after=False)


def test_tf_keras_legacy_model_with_cells_and_conv_lstm():
    """A tf_keras .h5 (its own configs: RNN of a cell list, StackedRNNCells, ConvLSTM2D)."""
    data = np.load(os.path.join(FIX, "tfk_rnn.npz"))
    model = api.load_model(os.path.join(FIX, "tfk_rnn.tfk_model.h5"), compile=False)
    out = model.predict([data["x0"], data["x1"]], verbose=0)
    assert len(out) == 3
    for i, a in enumerate(out):
        _close(a, data[f"y{i}"], f"tf_keras model: output {i}")
