"""RNN(cell), SimpleRNNCell / LSTMCell / GRUCell, StackedRNNCells and user-written cells."""
import numpy as np
import pytest

from pipeseq import backend, ops
from pipeseq.layers import (GRU, LSTM, RNN, AbstractRNNCell, GRUCell, Layer, LSTMCell,
                            SimpleRNN, SimpleRNNCell, StackedRNNCells)
from pipeseq.custom_objects import register_keras_serializable
from tests.layer_check import check_layer, gradient_check

MASK = np.array([[1, 1, 0, 1], [0, 1, 1, 0]], bool)
PAIRS = [(SimpleRNN, SimpleRNNCell, {}), (LSTM, LSTMCell, {}), (GRU, GRUCell, {}),
         (GRU, GRUCell, {"reset_after": False})]
PAIR_IDS = ["simple", "lstm", "gru", "gru_before"]


@register_keras_serializable(package="tests")
class MinimalRNNCell(Layer):
    """The cell of Keras's RNN docstring: ``h = x W + h_prev U`` (no activation)."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units),
                                      initializer="glorot_uniform", name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units),
                                                initializer="orthogonal", name="recurrent_kernel")

    def call(self, inputs, states):
        out = ops.matmul(inputs, self.kernel) + ops.matmul(states[0], self.recurrent_kernel)
        return out, [out]

    def get_config(self):
        return {**super().get_config(), "units": self.units}


@register_keras_serializable(package="tests")
class PeepholeCell(AbstractRNNCell):
    """A two-state user cell on tf_keras's AbstractRNNCell."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    @property
    def state_size(self):
        return [self.units, self.units]

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), name="w")
        self.p = self.add_weight(shape=(self.units,), initializer="ones", name="p")

    def call(self, inputs, states, training=False):
        h, c = states
        c2 = ops.tanh(ops.matmul(inputs, self.w) + c * self.p)
        h2 = ops.sigmoid(h + c2)
        return h2, [h2, c2]

    def get_config(self):
        return {**super().get_config(), "units": self.units}


@register_keras_serializable(package="tests")
class TracedLSTMCell(LSTMCell):
    """LSTMCell with its own ``call``: RNN runs it step by step under autograd."""

    def call(self, inputs, states, training=False):
        return super().call(inputs, states, training=training)


def f64(make):
    """Build a cell in float64, the dtype check_layer works in."""
    old = backend.floatx()
    backend.set_floatx("float64")
    try:
        return make()
    finally:
        backend.set_floatx(old)


OPTS = [{}, {"return_sequences": True}, {"go_backwards": True}, {"return_state": True},
        {"return_sequences": True, "go_backwards": True, "return_state": True}]
OPT_IDS = ["last", "seq", "back", "state", "all"]


@pytest.mark.parametrize("layer_cls,cell_cls,extra", PAIRS, ids=PAIR_IDS)
@pytest.mark.parametrize("opts", OPTS, ids=OPT_IDS)
def test_check_layer_builtin_cells(layer_cls, cell_cls, extra, opts):
    check_layer(RNN, {"cell": f64(lambda: cell_cls(3, **extra)), **opts}, (2, 4, 3), expected_num_weights=3)


@pytest.mark.parametrize("opts", OPTS + [{"return_sequences": True, "zero_output_for_mask": True}],
                         ids=OPT_IDS + ["zero_out"])
@pytest.mark.parametrize("cells", ["stack", "user", "peephole", "traced_lstm", "mixed"])
def test_check_layer_stacks_and_user_cells_with_mask(cells, opts):
    make = {"stack": lambda: [LSTMCell(3), GRUCell(2), SimpleRNNCell(2)],
            "user": lambda: MinimalRNNCell(3), "peephole": lambda: PeepholeCell(2),
            "traced_lstm": lambda: TracedLSTMCell(3),
            "mixed": lambda: StackedRNNCells([GRUCell(3), MinimalRNNCell(2)])}[cells]
    check_layer(RNN, {"cell": f64(make), **opts}, (2, 4, 3), mask=MASK)


@pytest.mark.parametrize("layer_cls,cell_cls,extra", PAIRS, ids=PAIR_IDS)
def test_rnn_of_cell_equals_the_layer(layer_cls, cell_cls, extra):
    x = np.random.default_rng(0).normal(size=(3, 5, 4)).astype("float32")
    for opts in ({"return_sequences": True, "go_backwards": True}, {"return_state": True}):
        ref = layer_cls(3, **extra, **opts)
        ref(x)
        rnn = RNN(cell_cls(3, **extra), **opts)
        rnn(x)
        assert [w.name for w in rnn.weights] == [w.name for w in ref.weights]
        assert [w.shape for w in rnn.weights] == [w.shape for w in ref.weights]
        rnn.set_weights(ref.get_weights())
        for a, b in zip(np.atleast_1d(rnn(x)),
                        np.atleast_1d(ref(x))):
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("mask", [None, np.array([[1, 1, 0, 1, 1], [0, 1, 1, 1, 0]], bool)],
                         ids=["nomask", "mask"])
def test_traced_path_equals_hand_written_path(mask):
    """The same LSTM cell through autograd (a subclass with its own call) and the kernels."""
    x = np.random.default_rng(1).normal(size=(2, 5, 3)).astype("float32")
    fast = RNN([LSTMCell(4), GRUCell(3)], return_sequences=True, go_backwards=True)
    slow = RNN([TracedLSTMCell(4), GRUCell(3)], return_sequences=True, go_backwards=True)
    fast(x)
    slow(x)
    slow.set_weights(fast.get_weights())
    kw = {} if mask is None else {"mask": mask}
    yf, cf = fast.forward(x, training=True, **kw)
    ys, cs = slow.forward(x, training=True, **kw)
    np.testing.assert_allclose(ys, yf, rtol=1e-5, atol=1e-6)
    dy = np.random.default_rng(2).normal(size=yf.shape).astype("float32")
    dxf, gf = fast.backward(cf, dy)
    dxs, gs = slow.backward(cs, dy)
    np.testing.assert_allclose(dxs, dxf, rtol=1e-4, atol=1e-5)
    for a, b in zip(gs, gf):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_stack_equals_layers_one_after_the_other():
    x = np.random.default_rng(3).normal(size=(2, 6, 3)).astype("float32")
    rnn = RNN(StackedRNNCells([LSTMCell(4), GRUCell(2)]), return_state=True)
    out, h1, c1, h2 = rnn(x)
    a, b = LSTM(4, return_sequences=True, return_state=True), GRU(2, return_state=True)
    a(x)
    a.set_weights(rnn.get_weights()[:3])
    seq, ha, ca = a(x)
    b(seq)
    b.set_weights(rnn.get_weights()[3:])
    ob, hb = b(seq)
    for u, v in ((out, ob), (h1, ha), (c1, ca), (h2, hb)):
        np.testing.assert_allclose(u, v, rtol=1e-6, atol=1e-6)


def test_cell_call_is_one_step_of_the_layer():
    x = np.random.default_rng(4).normal(size=(2, 1, 3)).astype("float32")
    for cell in (SimpleRNNCell(2), LSTMCell(2), GRUCell(2), GRUCell(2, reset_after=False)):
        rnn = RNN(cell, return_state=True)
        res = rnn(x)
        states = [np.zeros((2, 2), "float32")] * len(res[1:])
        out, new = cell(x[:, 0], states if len(states) > 1 else states[0])
        np.testing.assert_allclose(out, res[0], rtol=1e-6, atol=1e-6)
        new = new if isinstance(new, list) else [new]
        for a, b in zip(new, res[1:]):
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)


def test_state_sizes_and_output_sizes_as_keras():
    assert LSTMCell(3).state_size == [3, 3] and GRUCell(3).state_size == 3
    assert SimpleRNNCell(3).state_size == 3 and GRUCell(5).output_size == 5
    stack = StackedRNNCells([LSTMCell(3), GRUCell(2)])
    assert stack.state_size == [[3, 3], 2] and stack.output_size == 2
    rnn = RNN([LSTMCell(3), GRUCell(2)], return_sequences=True, return_state=True)
    assert rnn.compute_output_shape((None, 7, 4)) == [(None, 7, 2), (None, 3), (None, 3),
                                                      (None, 2)]


def test_configs_match_keras_keys():
    cfg = LSTMCell(3).get_config()
    keys = ["name", "trainable", "dtype", "units", "activation", "recurrent_activation",
            "use_bias", "unit_forget_bias", "kernel_initializer", "recurrent_initializer",
            "bias_initializer", "kernel_regularizer", "recurrent_regularizer",
            "bias_regularizer", "kernel_constraint", "recurrent_constraint", "bias_constraint",
            "dropout", "recurrent_dropout", "seed"]
    assert sorted(cfg) == sorted(keys)
    assert "reset_after" in GRUCell(2).get_config()
    assert "recurrent_activation" not in SimpleRNNCell(2).get_config()
    rcfg = RNN(LSTMCell(3)).get_config()
    assert sorted(rcfg) == sorted(["name", "trainable", "dtype", "return_sequences",
                                   "return_state", "go_backwards", "stateful", "unroll",
                                   "zero_output_for_mask", "cell"])
    assert rcfg["cell"]["class_name"] == "LSTMCell"
    scfg = RNN([LSTMCell(3), GRUCell(2)]).get_config()["cell"]
    assert scfg["class_name"] == "StackedRNNCells"
    assert [c["class_name"] for c in scfg["config"]["cells"]] == ["LSTMCell", "GRUCell"]


def test_dropout_in_cells_fixed_per_sequence_and_only_in_training():
    x = np.random.default_rng(5).normal(size=(3, 4, 5)).astype("float32")
    for cell_cls in (SimpleRNNCell, LSTMCell, GRUCell):
        for traced in (False, True):
            cls = type("T", (cell_cls,), {"call": cell_cls.call}) if traced else cell_cls
            rnn = RNN(cls(3, dropout=0.5, recurrent_dropout=0.5, seed=1))
            y0 = rnn(x)
            np.testing.assert_array_equal(rnn(x), y0)                     # inference: none
            a = rnn.forward(x, training=True)[0]
            b = rnn.forward(x, training=True)[0]
            assert not np.allclose(a, y0) and not np.allclose(a, b)       # new masks per call


def test_dropout_gradients_with_fixed_masks_traced():
    old = backend.floatx()
    backend.set_floatx("float64")
    try:
        rnn = RNN(TracedLSTMCell(3, dropout=0.3, recurrent_dropout=0.3), return_sequences=True)
        x = np.random.default_rng(0).normal(size=(2, 4, 3))
        rnn(x)
        forward = rnn.forward

        def seeded(x, training=False, **kw):
            rnn.cell._rng = np.random.default_rng(5)
            return forward(x, training=training, **kw)
        rnn.forward = seeded
        gradient_check(rnn, x, training=True)
    finally:
        backend.set_floatx(old)


@pytest.mark.parametrize("cell", ["fast", "user"])
def test_stateful_rnn_carries_states(cell):
    make = (lambda: LSTMCell(3)) if cell == "fast" else (lambda: PeepholeCell(3))
    x = np.random.default_rng(6).normal(size=(2, 4, 3)).astype("float32")
    rnn = RNN(make(), stateful=True)
    rnn.build((2, 4, 3))
    ref = RNN(make(), return_state=True)
    ref.build((2, 4, 3))
    ref.set_weights(rnn.get_weights())
    y1, y2 = rnn(x), rnn(x)
    r1 = ref(x)
    np.testing.assert_allclose(y1, r1[0], rtol=1e-6)
    np.testing.assert_allclose(y2, ref(x, initial_state=r1[1:])[0], rtol=1e-5, atol=1e-6)
    rnn.reset_states()
    np.testing.assert_allclose(rnn(x), y1, rtol=1e-6)


def test_initial_state_nested_for_stacks():
    x = np.random.default_rng(7).normal(size=(2, 4, 3)).astype("float32")
    rnn = RNN([LSTMCell(3), GRUCell(2)])
    rnn(x)
    s = [np.full((2, 3), 0.1, "float32"), np.full((2, 3), 0.2, "float32"),
         np.full((2, 2), 0.3, "float32")]
    np.testing.assert_array_equal(rnn(x, initial_state=[[s[0], s[1]], s[2]]),
                                  rnn(x, initial_state=s))
    with pytest.raises(ValueError, match="initial state"):
        rnn(x, initial_state=s[:2])


def test_bad_cells_and_calls_are_clear_errors():
    with pytest.raises(ValueError, match="`call` method"):
        RNN(Layer())
    with pytest.raises(ValueError, match="state_size"):
        RNN(type("NoState", (Layer,), {"call": lambda self, x, s: (x, s)})())
    with pytest.raises(ValueError, match="non-empty list"):
        StackedRNNCells([])
    with pytest.raises(ValueError, match="units"):
        LSTMCell(0)
    with pytest.raises(ValueError, match="dropout"):
        GRUCell(2, dropout=1.5)
    with pytest.raises(TypeError, match="cell\\(inputs, states\\)"):
        LSTMCell(2)(np.ones((1, 3)))
    rnn = RNN(LSTMCell(2))
    rnn(np.ones((1, 3, 4)))
    before = rnn.get_weights()
    with pytest.raises(ValueError, match="expected axis -1"):
        rnn(np.ones((1, 3, 5)))
    for a, b in zip(before, rnn.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_training_a_model_with_a_user_cell_lowers_the_loss():
    from pipeseq.layers import Dense
    from pipeseq.models.sequential import Sequential
    rng = np.random.default_rng(8)
    x = rng.normal(size=(32, 5, 3)).astype("float32")
    y = x.sum(axis=(1, 2))[:, None].astype("float32")
    model = Sequential([RNN(MinimalRNNCell(4), input_shape=(5, 3)), Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    hist = model.fit(x, y, epochs=4, batch_size=8, verbose=0)
    assert hist.history["loss"][-1] < hist.history["loss"][0]


def test_r_layer_rnn_and_cells():
    import pipeseq
    from pipeseq import (keras_model_sequential, layer_input, layer_rnn, rnn_cell_gru,
                         rnn_cell_lstm, rnn_cell_simple, rnn_cells_stack)
    model = keras_model_sequential(input_shape=(5, 3)) | layer_rnn(
        cell=rnn_cell_lstm(units=4), return_sequences=True) | layer_rnn(
        cell=[rnn_cell_gru(units=3), rnn_cell_simple(units=2)])
    assert model.output_shape == (None, 2)
    assert [type(c).__name__ for c in model.layers[1].cell.cells] == ["GRUCell",
                                                                      "SimpleRNNCell"]
    x = layer_input(shape=(5, 3))
    assert layer_rnn(x, rnn_cells_stack(rnn_cell_lstm(4), rnn_cell_gru(2))).shape == (None, 2)
    with pytest.raises(TypeError, match="needs the cell"):
        layer_rnn(units=3)
    with pytest.raises(TypeError, match="needs cells"):
        rnn_cells_stack()
    assert pipeseq.rnn_cell_gru(units=2).reset_after is True


def test_weight_paths_in_files_are_keras_paths():
    """What Keras 3.15 writes (seen in its files): RNN(LSTMCell) at layers/rnn/cell; a stack at
    layers/rnn/cell/cells/<snake class name>; legacy .h5: rnn/<cell>/..., rnn/<stack>/<cell>/..."""
    from pipeseq import Sequential
    from pipeseq.saving.tree import keras3_nodes, legacy_layers
    stack = StackedRNNCells([LSTMCell(3, name="lstm_cell_1"), GRUCell(2, name="gru_cell"),
                             LSTMCell(2, name="lstm_cell_2")], name="stacked_rnn_cells")
    model = Sequential([RNN(LSTMCell(3, name="lstm_cell"), input_shape=(5, 4),
                            return_sequences=True, name="rnn"), RNN(stack, name="rnn_1")])
    paths = {n.path: [v.name for v in n.variables] for n in keras3_nodes(model) if n.variables}
    three = ["kernel", "recurrent_kernel", "bias"]
    assert paths == {"layers/rnn/cell": three, "layers/rnn_1/cell/cells/lstm_cell": three,
                     "layers/rnn_1/cell/cells/gru_cell": three,
                     "layers/rnn_1/cell/cells/lstm_cell_1": three}
    legacy = dict(legacy_layers(model))
    assert [n for n, _ in legacy["rnn"]] == [f"rnn/lstm_cell/{w}:0" for w in three]
    assert [n for n, _ in legacy["rnn_1"]] == [
        f"rnn_1/stacked_rnn_cells/{c}/{w}:0" for c in ("lstm_cell_1", "gru_cell", "lstm_cell_2")
        for w in three]
