"""Keras 2's CuDNNLSTM / CuDNNGRU: compat names build LSTM / GRU, and a tf.keras .h5 file of
CuDNN layers (tests/fixtures/layers/cudnn_rnn.h5, written by tf_keras) loads into them with
tf.keras's weight conversion. The outputs are checked against tf_keras in
tests/test_layer_fixtures.py (case cudnn_rnn)."""
import os
import warnings

import numpy as np
import pytest

from pipeseq import Sequential
from pipeseq.errors import WeightMismatchError
from pipeseq.layers import GRU, LSTM, Bidirectional
from pipeseq.saving import cudnn

FILE = os.path.join(os.path.dirname(__file__), "fixtures", "layers", "cudnn_rnn.h5")
NPZ = os.path.join(os.path.dirname(__file__), "fixtures", "layers", "cudnn_rnn.npz")


def test_compat_names_build_the_cpu_layers():
    import compat.layers as L
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lstm, gru = L.CuDNNLSTM(4, return_sequences=True), L.CuDNNGRU(2)
    assert type(lstm) is LSTM and isinstance(lstm, L.CuDNNLSTM)
    assert type(gru) is GRU and gru.reset_after and gru.recurrent_activation.name == "sigmoid"


def _model(gru_reset_after=True):
    import compat.layers as L
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Sequential([L.CuDNNLSTM(4, return_sequences=True, input_shape=(5, 3)),
                           Bidirectional(L.CuDNNGRU(2, return_sequences=True)),
                           GRU(3, reset_after=gru_reset_after)])


def test_load_weights_converts_cudnn_arrays():
    model = _model()
    model.load_weights(FILE)
    data = np.load(NPZ)
    for i, w in enumerate(model.get_weights()):       # tf_keras's own conversion
        np.testing.assert_allclose(w, data[f"w{i}"], rtol=1e-6, err_msg=str(i))
    np.testing.assert_allclose(model.predict(data["x0"], verbose=0), data["y0"], rtol=1e-5,
                               atol=1e-6)


def test_gru_without_reset_after_refuses_cudnn_weights_and_changes_nothing():
    model = _model(gru_reset_after=False)
    before = model.get_weights()
    with pytest.raises(WeightMismatchError):
        model.load_weights(FILE)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_bidirectional_halves_are_converted_each():
    bi = Bidirectional(GRU(2, return_sequences=True))
    bi(np.zeros((1, 3, 4), "float32"))
    shapes = [(4, 6), (2, 6), (12,)] * 2
    assert cudnn.layer_is_cudnn(bi, shapes)
    assert not cudnn.layer_is_cudnn(bi, shapes[:3] + [(4, 6), (2, 6), (2, 6)])
    out = cudnn.convert(bi, [np.ones(s) for s in shapes])
    assert [a.shape for a in out] == [(4, 6), (2, 6), (2, 6)] * 2
