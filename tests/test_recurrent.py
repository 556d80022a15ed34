"""SimpleRNN / LSTM / GRU: gradients through time, masks, states, dropout, errors, seed examples."""
import numpy as np
import pytest

from pipeseq import backend
from pipeseq.layers import GRU, LSTM, Dense, Dropout, Embedding, SimpleRNN
from pipeseq.models.sequential import Sequential
from tests.layer_check import check_layer, gradient_check

CELLS = [(SimpleRNN, {}), (LSTM, {}), (GRU, {}), (GRU, {"reset_after": False})]
IDS = ["simple_rnn", "lstm", "gru", "gru_reset_before"]
MASK = np.array([[1, 1, 0, 1], [0, 1, 1, 0]], bool)


def _f64():
    old = backend.floatx()
    backend.set_floatx("float64")
    return old


@pytest.mark.parametrize("cls,extra", CELLS, ids=IDS)
@pytest.mark.parametrize("opts", [{}, {"return_sequences": True}, {"go_backwards": True},
                                  {"return_sequences": True, "go_backwards": True},
                                  {"return_state": True}, {"use_bias": False}],
                         ids=["last", "seq", "back", "seq_back", "state", "nobias"])
def test_gradients_through_time(cls, extra, opts):
    n_w = 2 + opts.get("use_bias", True)
    check_layer(cls, {"units": 3, **extra, **opts}, (2, 4, 3), expected_num_weights=n_w)


@pytest.mark.parametrize("cls,extra", CELLS, ids=IDS)
@pytest.mark.parametrize("opts", [{}, {"return_sequences": True}, {"go_backwards": True, "return_sequences": True},
                                  {"return_state": True}, {"return_sequences": True, "zero_output_for_mask": True}],
                         ids=["last", "seq", "seq_back", "state", "zero_out"])
def test_gradients_with_mask(cls, extra, opts):
    check_layer(cls, {"units": 3, **extra, **opts}, (2, 4, 3), mask=MASK)


@pytest.mark.parametrize("cls,extra", [(LSTM, {"activation": "relu", "recurrent_activation": "hard_sigmoid"}),
                                       (GRU, {"activation": "softsign", "recurrent_activation": "legacy_hard_sigmoid"}),
                                       (GRU, {"reset_after": False, "recurrent_activation": "tanh"}),
                                       (SimpleRNN, {"activation": "sigmoid"})])
def test_other_activations(cls, extra):
    check_layer(cls, {"units": 3, **extra}, (2, 4, 3))


@pytest.mark.parametrize("cls,extra", CELLS, ids=IDS)
@pytest.mark.parametrize("rates", [(0.4, 0.0), (0.0, 0.4), (0.3, 0.3)], ids=["in", "rec", "both"])
def test_dropout_gradients_with_fixed_masks(cls, extra, rates):
    """training=True with the dropout generator re-seeded on every call: fixed masks."""
    old = _f64()
    try:
        layer = cls(3, dropout=rates[0], recurrent_dropout=rates[1], return_sequences=True, **extra)
        x = np.random.default_rng(0).normal(size=(3, 4, 2))
        layer(x)
        forward = layer.forward

        def seeded(x, training=False, **kw):
            layer._rng = np.random.default_rng(5)
            return forward(x, training=training, **kw)
        layer.forward = seeded
        y_train = layer.forward(x, training=True)[0]
        assert not np.allclose(y_train, layer.forward(x, training=False)[0])
        gradient_check(layer, x, training=True)
        gradient_check(layer, x, training=False)
    finally:
        backend.set_floatx(old)


def test_dropout_mask_is_fixed_per_sequence_and_seeded():
    x = np.random.default_rng(1).random((4, 6, 5)).astype("float32")
    a = LSTM(3, dropout=0.5, seed=7)
    b = LSTM(3, dropout=0.5, seed=7)
    a(x)
    b(x)
    b.set_weights(a.get_weights())
    ya, yb = a.forward(x, training=True)[0], b.forward(x, training=True)[0]
    np.testing.assert_array_equal(ya, yb)                       # same seed, same masks
    assert not np.array_equal(a.forward(x, training=True)[0], ya)  # new masks per call
    np.testing.assert_array_equal(a(x), a(x))                   # inference: no dropout
    # one (batch, features) input mask shared by every time step (recurrent_dropout=0)
    a._rng = np.random.default_rng(3)
    in_m, rec_m = a._sequence_dropout_masks(4, 5, np.float32, True)
    assert in_m.shape == (4, 5) and rec_m is None
    a._rng = np.random.default_rng(3)
    y_drop = a.forward(x, training=True)[0]
    np.testing.assert_allclose(y_drop, a(x * in_m[:, None, :]), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("cls,extra", CELLS, ids=IDS)
def test_go_backwards_is_reversed_input(cls, extra):
    x = np.random.default_rng(2).random((2, 5, 3)).astype("float32")
    back = cls(4, go_backwards=True, return_sequences=True, **extra)
    fwd = cls(4, return_sequences=True, **extra)
    back(x)
    fwd(x)
    fwd.set_weights(back.get_weights())
    np.testing.assert_allclose(back(x), fwd(x[:, ::-1]), rtol=1e-6)   # processing order, as Keras


@pytest.mark.parametrize("cls,extra", CELLS, ids=IDS)
def test_trailing_mask_equals_truncated_sequence(cls, extra):
    x = np.random.default_rng(3).random((2, 6, 3)).astype("float32")
    layer = cls(4, return_state=True, **extra)
    layer(x)
    mask = np.ones((2, 6), bool)
    mask[:, 4:] = False
    masked = layer(x, mask=mask)
    truncated = layer(x[:, :4])
    for a, b in zip(masked, truncated):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    seq = cls(4, return_sequences=True, **extra)
    seq(x)
    seq.set_weights(layer.get_weights())
    ys = seq(x, mask=mask)
    np.testing.assert_allclose(ys[:, 4], ys[:, 3])        # masked step repeats the previous output
    np.testing.assert_allclose(ys[:, 5], ys[:, 3])


def test_leading_masked_steps_output_zeros():
    x = np.random.default_rng(4).random((1, 4, 2)).astype("float32")
    layer = GRU(3, return_sequences=True)
    y = layer(x, mask=np.array([[0, 0, 1, 1]], bool))
    np.testing.assert_array_equal(y[0, :2], 0)
    np.testing.assert_allclose(y[0, 2:], layer(x[:, 2:])[0], rtol=1e-6)


@pytest.mark.parametrize("cls,extra", CELLS, ids=IDS)
def test_return_state(cls, extra):
    layer = cls(3, return_state=True, return_sequences=True, **extra)
    x = np.random.default_rng(5).random((2, 4, 5)).astype("float32")
    out = layer(x)
    shapes = layer.compute_output_shape((None, 4, 5))
    n_states = 2 if cls is LSTM else 1
    assert isinstance(out, list) and len(out) == 1 + n_states
    assert isinstance(shapes, list) and shapes == [(None, 4, 3)] + [(None, 3)] * n_states
    np.testing.assert_allclose(out[0][:, -1], out[1])                 # last output == h


@pytest.mark.parametrize("cls,extra", CELLS, ids=IDS)
def test_stateful_carries_state_and_resets(cls, extra):
    x = np.random.default_rng(6).random((2, 6, 3)).astype("float32")
    full = cls(4, return_state=True, **extra)
    full(x)
    st = cls(4, stateful=True, return_state=True, **extra)
    st(x[:, :3])
    st.set_weights(full.get_weights())
    st.reset_states()
    st(x[:, :3])
    second = st(x[:, 3:])                      # continues from the first half's states
    for a, b in zip(second, full(x)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    st.reset_states()
    assert all(np.all(s == 0) for s in st.states)
    for a, b in zip(st(x[:, 3:]), full(x[:, 3:])):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cls,extra", CELLS, ids=IDS)
def test_stateful_gradient_of_second_call(cls, extra):
    old = _f64()
    try:
        rng = np.random.default_rng(7)
        layer = cls(3, stateful=True, return_sequences=True, **extra)
        x1, x2 = rng.normal(size=(2, 3, 2)), rng.normal(size=(2, 4, 2))
        layer(x1)
        for v in layer.weights:
            v.value = v.value + rng.normal(scale=0.2, size=v.shape)
        layer.forward(x1)                         # first call sets non-zero states
        saved = [s.copy() for s in layer.states]
        assert all(np.abs(s).sum() > 0 for s in saved)
        forward = layer.forward

        def from_saved(x, training=False, **kw):
            layer.reset_states(saved)
            return forward(x, training=training, **kw)
        layer.forward = from_saved
        gradient_check(layer, x2)
        gradient_check(layer, x2, mask=np.array([[1, 0, 1, 1], [1, 1, 0, 0]], bool))
    finally:
        backend.set_floatx(old)


def test_initial_states_layout_and_forget_bias():
    layer = LSTM(3)
    layer(np.zeros((1, 2, 5), "float32"))
    assert [(v.name, v.shape) for v in layer.weights] == [
        ("kernel", (5, 12)), ("recurrent_kernel", (3, 12)), ("bias", (12,))]
    np.testing.assert_array_equal(layer.bias.value, [0] * 3 + [1] * 3 + [0] * 6)
    rk = layer.recurrent_kernel.value
    np.testing.assert_allclose(rk @ rk.T, np.eye(3), atol=1e-5)        # orthogonal
    assert LSTM(3, unit_forget_bias=False).get_config()["unit_forget_bias"] is False
    g = GRU(2, reset_after=False)
    g(np.zeros((1, 2, 4), "float32"))
    assert [v.shape for v in g.weights] == [(4, 6), (2, 6), (6,)]
    s = SimpleRNN(2)
    s(np.zeros((1, 2, 4), "float32"))
    assert [v.shape for v in s.weights] == [(4, 2), (2, 2), (2,)]


def test_config_keys_match_keras():
    cfg = GRU(3).get_config()
    for k in ("return_sequences", "return_state", "go_backwards", "stateful", "unroll",
              "zero_output_for_mask", "units", "activation", "recurrent_activation", "use_bias",
              "kernel_initializer", "recurrent_initializer", "bias_initializer", "dropout",
              "recurrent_dropout", "reset_after", "seed"):
        assert k in cfg
    assert cfg["recurrent_initializer"]["class_name"] == "Orthogonal"
    assert "recurrent_activation" not in SimpleRNN(2).get_config()
    assert LSTM(2, recurrent_activation="hard_sigmoid").get_config()["recurrent_activation"] == "hard_sigmoid"


def test_regularizers_reach_the_loss():
    model = Sequential([LSTM(2, kernel_regularizer="l2", recurrent_regularizer="l2",
                             bias_regularizer="l2", input_shape=(3, 2))])
    assert all(v.regularizer is not None for v in model.weights)


# ------------------------------------------------------------------ bad input
def test_2d_input_to_lstm_is_a_clear_error():
    with pytest.raises(ValueError, match=r"lstm.*expected ndim=3.*\(batch_size, timesteps, features\)"):
        LSTM(3, name="lstm_err")(np.zeros((4, 5), "float32"))
    with pytest.raises(ValueError, match="expected ndim=3"):
        Sequential([LSTM(3, input_shape=(5,))])
    layer = LSTM(3)
    layer(np.zeros((2, 4, 5), "float32"))
    with pytest.raises(ValueError, match="expected ndim=3"):
        layer(np.zeros((4, 5), "float32"))
    with pytest.raises(ValueError, match="axis -1 of input shape to have value 5"):
        layer(np.zeros((2, 4, 6), "float32"))


def test_stateful_without_fixed_batch_size_is_a_clear_error():
    with pytest.raises(ValueError, match=r"stateful=True needs a fixed batch size.*batch_input_shape"):
        Sequential([LSTM(3, stateful=True, input_shape=(5, 2))])


def test_stateful_batch_size_errors():
    model = Sequential([LSTM(3, stateful=True, batch_input_shape=(4, 5, 2)), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.zeros((8, 5, 2), "float32"), np.zeros((8, 1), "float32")
    with pytest.raises(ValueError, match="fixed batch size of 4.*batch_size=8"):
        model.fit(x, y, batch_size=8, verbose=0)
    with pytest.raises(ValueError, match="not a multiple of 4"):
        model.fit(x[:6], y[:6], batch_size=4, verbose=0)
    with pytest.raises(ValueError, match="fixed batch size of 4"):
        model.predict(x[:3], verbose=0)
    model.fit(x, y, batch_size=4, epochs=1, verbose=0, shuffle=False)


def test_bad_arguments():
    with pytest.raises(ValueError, match="units"):
        LSTM(0)
    with pytest.raises(ValueError, match="dropout"):
        GRU(2, dropout=1.5)
    with pytest.raises(TypeError, match="unrecognized keyword"):
        SimpleRNN(2, unitz=3)


# -------------------------------------------------------------- seed examples
def test_seed_004_shapes():
    inputs = np.random.random([32, 10, 8]).astype(np.float32)
    for cls in (SimpleRNN, LSTM, GRU):
        assert cls(units=4)(inputs).shape == (32, 4)
        assert cls(units=4, return_sequences=True)(inputs).shape == (32, 10, 4)


def test_seed_stacked_lstm_with_validation_data():
    rng = np.random.default_rng(0)
    timesteps, data_dim, n = 8, 16, 10
    model = Sequential([LSTM(32, return_sequences=True, input_shape=(timesteps, data_dim)),
                        LSTM(32, return_sequences=True), LSTM(32), Dense(10, activation="softmax")])
    model.compile(loss="categorical_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
    x, y = rng.random((128, timesteps, data_dim)), rng.random((128, n))
    xv, yv = rng.random((20, timesteps, data_dim)), rng.random((20, n))
    hist = model.fit(x, y, batch_size=64, epochs=2, validation_data=(xv, yv), verbose=0)
    assert set(hist.history) >= {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert np.all(np.isfinite(hist.history["loss"]))


def test_seed_stateful_stacked_lstm():
    rng = np.random.default_rng(1)
    batch_size, timesteps, data_dim = 32, 8, 16
    model = Sequential([LSTM(32, return_sequences=True, stateful=True,
                             batch_input_shape=(batch_size, timesteps, data_dim)),
                        LSTM(32, return_sequences=True, stateful=True), LSTM(32, stateful=True),
                        Dense(10, activation="softmax")])
    model.compile(loss="categorical_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
    x, y = rng.random((batch_size * 3, timesteps, data_dim)), rng.random((batch_size * 3, 10))
    xv, yv = rng.random((batch_size * 2, timesteps, data_dim)), rng.random((batch_size * 2, 10))
    hist = model.fit(x, y, batch_size=batch_size, epochs=2, shuffle=False,
                     validation_data=(xv, yv), verbose=0)
    assert len(hist.history["val_loss"]) == 2
    # states carry across calls (predict too, as Keras) until reset_states()
    model.reset_states()
    p1 = model.predict(x[:32], batch_size=32, verbose=0)
    p2 = model.predict(x[:32], batch_size=32, verbose=0)
    assert not np.allclose(p1, p2)
    model.reset_states()
    np.testing.assert_allclose(model.predict(x[:32], batch_size=32, verbose=0), p1, rtol=1e-6)


def test_seed_sentiment_embedding_lstm_dropout_dense():
    rng = np.random.default_rng(2)
    max_features, maxlen = 50, 12
    model = Sequential([Embedding(max_features, 16, input_length=maxlen), LSTM(8), Dropout(0.5),
                        Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
    x = rng.integers(0, max_features, (64, maxlen))
    y = (x[:, 0] > max_features // 2).astype("float32")
    hist = model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    assert np.isfinite(hist.history["loss"]).all()
    score = model.evaluate(x, y, batch_size=16, verbose=0)
    assert len(score) == 2
    assert model.predict(x[:5], verbose=0).shape == (5, 1)
