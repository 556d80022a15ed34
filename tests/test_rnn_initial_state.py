"""Recurrent layers called with a symbolic ``initial_state`` (encoder-decoder models):
gradients reach the states, configs round-trip in both Keras layouts.

Parity with Keras: tests/test_layer_fixtures.py (seq2seq_initial_state)."""
import os

import numpy as np
import pytest

from pipeseq import Input, Model, backend
from pipeseq.layers import GRU, LSTM, Dense, SimpleRNN
from pipeseq.saving import api
from tests.layer_check import numeric_grad


@pytest.mark.parametrize("cls,n_states", [(SimpleRNN, 1), (GRU, 1), (LSTM, 2)])
def test_state_gradients_are_exact(cls, n_states):
    old = backend.floatx()
    backend.set_floatx("float64")
    try:
        rng = np.random.default_rng(0)
        x, states = Input((4, 3)), [Input((3,)) for _ in range(n_states)]
        model = Model([x] + states, cls(3, return_sequences=True)(x, initial_state=states))
        xs = [rng.normal(size=(2, 4, 3))] + [rng.normal(size=(2, 3)) for _ in states]
        r = rng.normal(size=(2, 4, 3))
        _, cache = model.forward(xs)
        dx, _ = model.backward(cache, r)
        for i in range(1 + n_states):
            num = numeric_grad(lambda: float((model.forward(xs)[0] * r).sum()), xs[i])
            np.testing.assert_allclose(dx[i], num, rtol=1e-6, atol=1e-8)
    finally:
        backend.set_floatx(old)


@pytest.mark.parametrize("fname", ["m.keras", "m.h5"])
def test_encoder_decoder_saves_and_loads(tmp_path, fname):
    enc, dec = Input((5, 3)), Input((4, 2))
    _, h, c = LSTM(4, return_state=True)(enc)
    model = Model([enc, dec], Dense(2)(LSTM(4, return_sequences=True)(dec, initial_state=[h, c])))
    node = [e for e in model.get_config()["layers"] if e["class_name"] == "LSTM"][1]
    assert [len(n["args"]) for n in node["inbound_nodes"]] == [1]
    assert len(node["inbound_nodes"][0]["kwargs"]["initial_state"]) == 2
    rng = np.random.default_rng(1)
    xs = [rng.normal(size=(2, 5, 3)).astype("float32"), rng.normal(size=(2, 4, 2)).astype("float32")]
    path = os.path.join(tmp_path, fname)
    model.save(path)
    np.testing.assert_array_equal(api.load_model(path).predict(xs, verbose=0),
                                  model.predict(xs, verbose=0))


def test_symbolic_state_needs_symbolic_inputs():
    with pytest.raises(TypeError, match="initial_state"):
        LSTM(2)(np.ones((1, 3, 2), "float32"), initial_state=[Input((2,)), Input((2,))])
