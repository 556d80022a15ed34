"""plot_model / model_to_dot, R plot(model), keras.utils helpers, keras.random, activations."""
import numpy as np
import pytest

import compat as keras
from pipeseq.models import plot as P


def _functional():
    from pipeseq.layers import Concatenate, Dense, Input
    from pipeseq.models import Model
    a, b = Input((4,), name="a"), Input((2,), name="b")
    h = Dense(3, activation="relu", name="hidden")(a)
    return Model([a, b], Dense(1, name="out")(Concatenate(name="merge")([h, b])), name="m")


def test_model_to_dot_has_keras_nodes_and_edges():
    pytest.importorskip("pydot")
    dot = P.model_to_dot(_functional(), show_shapes=True, show_layer_activations=True)
    labels = " ".join(n.get_label() or "" for n in dot.get_nodes())
    assert "<b>hidden</b> (Dense)" in labels and "Output shape: <b>(None, 3)</b>" in labels
    assert "Input shape: <b>(None, 3), (None, 2)</b>" in labels          # merge
    assert "Activation: <b>relu</b>" in labels
    assert len(dot.get_edges()) == 4


def test_plot_model_writes_png_and_r_plot(tmp_path):
    pytest.importorskip("pydot")
    try:
        P.check_graphviz()
    except ImportError:
        pytest.skip("Graphviz not installed")
    path = tmp_path / "m.png"
    keras.utils.plot_model(_functional(), to_file=str(path), show_shapes=True)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    from pipeseq import keras_model_sequential, layer_dense, plot
    seq = keras_model_sequential(input_shape=(3,))
    layer_dense(seq, units=2)
    out = plot(seq, filename=str(tmp_path / "seq.svg"), show_shapes=True)
    assert "<svg" in open(out).read()


def test_plot_model_without_graphviz_says_what_to_install(monkeypatch):
    pydot = pytest.importorskip("pydot")

    def fail(*a, **k):
        raise FileNotFoundError("dot not found in path")
    monkeypatch.setattr(pydot.Dot, "create", fail)
    with pytest.raises(ImportError, match="apt-get install graphviz"):
        keras.utils.plot_model(_functional(), to_file="never.png")


def test_utils_helpers():
    U = keras.utils
    assert U.to_ordinal([0, 2, 1], num_classes=3).tolist() == [[0, 0], [1, 1], [1, 0]]
    assert U.unpack_x_y_sample_weight((1, 2)) == (1, 2, None)
    assert U.unpack_x_y_sample_weight(5) == (5, None, None)
    assert U.pack_x_y_sample_weight(1, 2, 3) == (1, 2, 3)
    with pytest.raises(ValueError, match="sample_weight"):
        U.unpack_x_y_sample_weight((1, 2, 3, 4))
    from pipeseq.layers import Dense, Input
    a = Input((2,))
    assert U.get_source_inputs(Dense(1)(Dense(2)(a))) == [a]
    assert U.is_keras_tensor(a) and not U.is_keras_tensor(np.ones(2))


def test_progbar_keras_api(capsys):
    bar = keras.utils.Progbar(3, stateful_metrics=["acc"])
    for i in range(3):
        bar.add(1, values=[("loss", float(i)), ("acc", 0.5 + i)])
    out = capsys.readouterr().out
    assert "3/3" in out and "loss: 1.0000" in out and "acc: 2.5000" in out


def test_interactive_logging_switch(capsys, caplog):
    import logging
    keras.config.disable_interactive_logging()
    try:
        with caplog.at_level(logging.INFO, logger="pipeseq"):
            keras.utils.Progbar(1).update(1, {"loss": 0.5}, finalize=True)
    finally:
        keras.config.enable_interactive_logging()
    assert capsys.readouterr().out == "" and "loss: 0.5000" in caplog.text
    assert keras.config.is_interactive_logging_enabled()


def test_random_is_seeded():
    R = keras.random
    assert np.array_equal(R.normal((3,), seed=7), R.normal((3,), seed=7))
    g = R.SeedGenerator(3)
    a, b = R.uniform((3,), seed=g), R.uniform((3,), seed=g)
    assert not np.array_equal(a, b)
    g2 = R.SeedGenerator(3)
    assert np.array_equal(R.uniform((3,), seed=g2), a)
    t = R.truncated_normal((1000,), seed=1)
    assert np.abs(t).max() <= 2
    d = R.dropout(np.ones((100,)), 0.5, seed=2)
    assert set(np.unique(d)) <= {0.0, 2.0}
    assert sorted(R.shuffle(np.arange(5), seed=1).tolist()) == [0, 1, 2, 3, 4]
    assert R.categorical(np.log([[0.0001, 0.9999]]), 5, seed=1).tolist() == [[1] * 5]
    with pytest.raises(ValueError, match="seed"):
        R.normal((2,), seed="x")


@pytest.mark.parametrize("name", ["celu", "glu", "hard_shrink", "hard_tanh", "log_sigmoid",
                                  "soft_shrink", "sparse_plus", "sparse_sigmoid", "sparsemax",
                                  "squareplus", "tanh_shrink", "hard_swish"])
def test_new_activations_train_in_a_dense_layer(name):
    from pipeseq import keras_model_sequential, layer_dense
    from pipeseq.kernels.activations import get
    act = get(name)
    x = np.array([[-1.7, -0.3, 0.2, 1.4]])
    y = act(x)
    g = act.backward(x, y, np.ones_like(y))
    eps = 1e-6
    num = np.array([(act(x + eps * e).sum() - act(x - eps * e).sum()) / (2 * eps)
                    for e in np.eye(4)[:, None, :]]).reshape(x.shape)
    np.testing.assert_allclose(g, num, atol=1e-5)
    if name != "glu":
        m = keras_model_sequential(input_shape=(3,))
        layer_dense(m, units=2, activation=name)
        m.compile(optimizer="sgd", loss="mse")
        m.fit(np.ones((4, 3), "float32"), np.zeros((4, 2), "float32"), verbose=0)


def test_backend_graph_only_functions_say_what_to_do():
    from compat import backend as K
    for fn in (K.gradients, K.function, K.placeholder):
        with pytest.raises(RuntimeError, match="pipeseq does not have"):
            fn(None)
    K.set_learning_phase(1)
    try:
        assert K.in_train_phase(1, 2) == 1
    finally:
        K.set_learning_phase(0)
    assert K.in_train_phase(lambda: 1, lambda: 2) == 2


def test_serialize_and_deserialize_keras_objects():
    from compat.saving import deserialize_keras_object as de
    from compat.saving import register_keras_serializable, serialize_keras_object as ser
    from pipeseq.training import metrics, optimizers
    opt = optimizers.AdamW(learning_rate=optimizers.schedules.ExponentialDecay(0.1, 10, 0.5))
    back = de(ser(opt))
    assert type(back).__name__ == "AdamW" and back._learning_rate.get_config()["decay_steps"] == 10
    m = de(ser(metrics.AUC(curve="PR", num_thresholds=50)))
    assert m.curve == "PR" and m.num_thresholds == 50
    assert type(de(ser(keras.losses.Dice(axis=-1)))).__name__ == "Dice"
    layer = de(ser(keras.layers.Dense(3, activation="relu")))
    assert layer.units == 3

    @register_keras_serializable(package="toolbox_test")
    def my_fn(x):
        return x
    assert de(ser(my_fn)) is my_fn
    with pytest.raises(ValueError, match="register_keras_serializable"):
        de({"class_name": "NoSuchThing", "config": {}})


def test_more_keras2_backend_functions():
    from compat import backend as K
    x = np.arange(6.0).reshape(2, 3)
    assert K.repeat_elements(x, 2, axis=1).shape == (2, 6)
    assert K.reverse(x, 1)[0].tolist() == [2.0, 1.0, 0.0]
    assert K.permute_dimensions(x, (1, 0)).shape == (3, 2)
    assert K.temporal_padding(np.ones((1, 2, 3)), (1, 2)).shape == (1, 5, 3)
    assert K.spatial_2d_padding(np.ones((1, 2, 2, 3))).shape == (1, 4, 4, 3)
    assert K.in_top_k(np.array([[0.1, 0.9], [0.8, 0.2]]), np.array([1, 1]), 1).tolist() == [True, False]
    assert K.foldl(lambda a, b: a + b, [1, 2, 3]) == 6 and K.foldr(lambda a, b: a - b, [1, 2, 3]) == 0
    assert K.map_fn(lambda e: e * 2, x).tolist() == (x * 2).tolist()
    v = K.random_normal_variable((2,), 0.0, 1.0, seed=1)
    K.update_add(v, np.ones(2))
    K.moving_average_update(v, np.zeros(2), 0.5)
    assert np.allclose(v.value, 0.5 * (K.random_normal((2,), seed=1) + 1))
    assert set(np.unique(K.random_bernoulli((50,), p=0.5, seed=3))) <= {0.0, 1.0}
