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
