"""TimeDistributed, Bidirectional, RepeatVector, Permute."""
import numpy as np
import pytest

from pipeseq.layers import (GRU, LSTM, Bidirectional, Dense, Permute, RepeatVector, SimpleRNN,
                            TimeDistributed)
from pipeseq.models.sequential import Sequential
from pipeseq import backend
from tests.layer_check import check_layer

MASK = np.array([[1, 1, 0, 1], [0, 1, 1, 0]], bool)


def f64(cls, *args, **kwargs):
    """Build an inner layer in float64 (check_layer runs in float64)."""
    old = backend.floatx()
    backend.set_floatx("float64")
    try:
        return cls(*args, **kwargs)
    finally:
        backend.set_floatx(old)


def test_time_distributed_dense():
    layer = check_layer(TimeDistributed, {"layer": f64(Dense, 3, activation="tanh")}, (2, 4, 5),
                        expected_output_shape=(2, 4, 3), expected_num_weights=2)
    assert [v.shape for v in layer.weights] == [(5, 3), (3,)]
    cfg = layer.get_config()
    assert cfg["layer"]["class_name"] == "Dense"


def test_time_distributed_equals_dense_per_step():
    td = TimeDistributed(Dense(2))
    x = np.random.default_rng(0).random((3, 4, 5)).astype("float32")
    y = td(x)
    for t in range(4):
        np.testing.assert_allclose(y[:, t], td.layer(x[:, t]), rtol=1e-6)
    assert td.compute_output_shape((None, 4, 5)) == (None, 4, 2)


@pytest.mark.parametrize("mode", ["concat", "sum", "mul", "ave", None])
@pytest.mark.parametrize("seq", [False, True])
def test_bidirectional_modes(mode, seq):
    layer = check_layer(Bidirectional, {"layer": f64(LSTM, 3, return_sequences=seq), "merge_mode": mode},
                        (2, 4, 2), expected_num_weights=6)
    assert [v.name for v in layer.weights] == ["kernel", "recurrent_kernel", "bias"] * 2
    assert layer.forward_layer.name.startswith("forward_")
    assert layer.backward_layer.go_backwards and layer.backward_layer.name.startswith("backward_")


@pytest.mark.parametrize("cls,kw", [(GRU, {"return_sequences": True}), (SimpleRNN, {"return_sequences": True}),
                                    (GRU, {"reset_after": False}), (LSTM, {})])
def test_bidirectional_with_mask(cls, kw):
    check_layer(Bidirectional, {"layer": f64(cls, 3, **kw)}, (2, 4, 3), mask=MASK)


def test_bidirectional_halves():
    x = np.random.default_rng(1).random((2, 5, 3)).astype("float32")
    bi = Bidirectional(LSTM(4, return_sequences=True))
    y = bi(x)
    assert y.shape == (2, 5, 8)
    np.testing.assert_allclose(y[..., :4], bi.forward_layer(x), rtol=1e-6)
    np.testing.assert_allclose(y[..., 4:], bi.backward_layer(x)[:, ::-1], rtol=1e-6)
    with pytest.raises(ValueError, match="merge mode"):
        Bidirectional(LSTM(2), merge_mode="max")
    with pytest.raises(ValueError, match="recurrent layer"):
        Bidirectional(Dense(2))


def test_bidirectional_in_a_model_trains():
    model = Sequential([Bidirectional(LSTM(4, return_sequences=True), input_shape=(5, 3)),
                        Bidirectional(GRU(2)), Dense(1)])
    assert model.output_shape == (None, 1)
    model.compile(optimizer="adam", loss="mse")
    rng = np.random.default_rng(2)
    hist = model.fit(rng.random((16, 5, 3)), rng.random((16, 1)), epochs=2, verbose=0)
    assert np.isfinite(hist.history["loss"]).all()


def test_repeat_vector():
    layer = check_layer(RepeatVector, {"n": 3}, (2, 4), expected_output_shape=(2, 3, 4),
                        supports_training_step=False)
    assert layer.get_config()["n"] == 3
    with pytest.raises(ValueError, match="positive integer"):
        RepeatVector(0)
    with pytest.raises(ValueError, match="expected ndim=2"):
        Sequential([RepeatVector(2, input_shape=(3, 4))])


@pytest.mark.parametrize("dims,shape,out", [((2, 1), (2, 3, 4), (2, 4, 3)),
                                            ((3, 1, 2), (2, 3, 4, 5), (2, 5, 3, 4))])
def test_permute(dims, shape, out):
    check_layer(Permute, {"dims": dims}, shape, expected_output_shape=out, supports_training_step=False)


def test_permute_errors():
    with pytest.raises(ValueError, match="dims"):
        Permute((1, 3))
    with pytest.raises(ValueError, match="rank 3"):
        Sequential([Permute((2, 1), input_shape=(3, 4, 5))])


def test_seed_caption_style_repeat_and_time_distributed():
    model = Sequential([Dense(4, input_shape=(3,)), RepeatVector(5), LSTM(3, return_sequences=True),
                        TimeDistributed(Dense(2))])
    assert model.output_shape == (None, 5, 2)
    assert model.predict(np.zeros((2, 3), "float32"), verbose=0).shape == (2, 5, 2)


@pytest.mark.parametrize("cls,kw,mode", [
    (LSTM, {}, "concat"), (GRU, {"return_sequences": True}, None),
    (LSTM, {"return_sequences": True}, "sum"), (SimpleRNN, {}, "ave"),
])
def test_bidirectional_return_state(cls, kw, mode):
    layer = check_layer(Bidirectional, {"layer": f64(cls, 3, return_state=True, **kw),
                                        "merge_mode": mode}, (2, 4, 2), mask=MASK)
    n_states = 2 if cls is LSTM else 1
    outs = layer(np.ones((2, 4, 2)))
    assert len(outs) == (2 if mode is None else 1) + 2 * n_states
    assert all(s.shape == (2, 3) for s in outs[-2 * n_states:])
