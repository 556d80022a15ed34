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


def test_conversion_layout():
    lstm = LSTM(2)
    lstm(np.zeros((1, 2, 3), "float32"))
    assert cudnn.file_shapes(lstm) == [(3, 8), (2, 8), (16,)]
    k = np.arange(24.0).reshape(3, 8)
    rk = np.arange(16.0).reshape(2, 8)
    out = cudnn.from_cudnn(lstm, [k, rk, np.ones(16)])
    # per gate: input kernels read in Fortran order, recurrent kernels transposed, biases summed
    np.testing.assert_array_equal(out[0][:, :2], k[:, :2].T.reshape((3, 2), order="F"))
    np.testing.assert_array_equal(out[1][:, 2:4], rk[:, 2:4].T)
    np.testing.assert_array_equal(out[2], np.full(8, 2.0))
    assert cudnn.file_shapes(GRU(2, reset_after=False)) is None
