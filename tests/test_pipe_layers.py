"""layer_* constructors (registry table, merge layers, wrappers, functional) and plot(history)."""
import sys

import numpy as np
import pytest

import pipeseq
from pipeseq import (compile, fit, keras_model, keras_model_sequential, layer_add,
                     layer_concatenate, layer_dense, layer_input, plot, to_categorical)
from pipeseq.r import layers as pipe_layers


def test_every_table_entry_is_exported_and_names_its_class():
    table = {**pipe_layers.R_LAYERS, **pipe_layers.R_MERGE_LAYERS, **pipe_layers.R_WRAPPERS}
    for r_name, (cls_name, _) in table.items():
        fn = getattr(pipeseq, r_name)
        assert fn.__name__ == r_name and fn.keras_class_name == cls_name
        assert cls_name in fn.__doc__ and "Example" in fn.__doc__


def test_available_layers_use_the_registry():
    from pipeseq.layers.base import get_layer_class
    avail = pipe_layers.available_layers()
    for r_name, cls_name in avail.items():
        assert get_layer_class(cls_name) is not None
    assert {"layer_dense", "layer_dropout", "layer_flatten", "layer_reshape",
            "layer_batch_normalization", "layer_activation"} <= set(avail)


def test_unregistered_classes_raise_layer_not_available():
    from pipeseq.layers.base import get_layer_class
    table = {**pipe_layers.R_LAYERS, **pipe_layers.R_MERGE_LAYERS, **pipe_layers.R_WRAPPERS}
    missing = [(r, c) for r, (c, _) in table.items() if get_layer_class(c) is None]
    for r_name, cls_name in missing:
        with pytest.raises(pipe_layers.LayerNotAvailableError, match=f"'{cls_name}'"):
            getattr(pipeseq, r_name)(layer=layer_dense(units=2)) if r_name in \
                pipe_layers.R_WRAPPERS else getattr(pipeseq, r_name)()


@pytest.mark.parametrize("r_name, kwargs, in_shape, out_shape", [
    ("layer_dense", {"units": 3}, (4,), (None, 3)),
    ("layer_activation", {"activation": "relu"}, (4,), (None, 4)),
    ("layer_dropout", {"rate": 0.5}, (4,), (None, 4)),
    ("layer_flatten", {}, (2, 3), (None, 6)),
    ("layer_reshape", {"target_shape": (2, 2)}, (4,), (None, 2, 2)),
    ("layer_batch_normalization", {}, (4,), (None, 4)),
    ("layer_conv_2d", {"filters": 2, "kernel_size": (3, 3)}, (5, 5, 1), (None, 3, 3, 2)),
    ("layer_max_pooling_2d", {"pool_size": (2, 2)}, (4, 4, 1), (None, 2, 2, 1)),
    ("layer_conv_1d", {"filters": 2, "kernel_size": 3}, (6, 2), (None, 4, 2)),
    ("layer_global_average_pooling_1d", {}, (6, 2), (None, 2)),
    ("layer_lstm", {"units": 3}, (5, 2), (None, 3)),
    ("layer_gru", {"units": 3, "return_sequences": True}, (5, 2), (None, 5, 3)),
    ("layer_simple_rnn", {"units": 3}, (5, 2), (None, 3)),
    ("layer_repeat_vector", {"n": 3}, (4,), (None, 3, 4)),
])
def test_layer_fns_build_in_a_model(r_name, kwargs, in_shape, out_shape):
    fn = getattr(pipeseq, r_name)
    try:
        model = keras_model_sequential(input_shape=in_shape) | fn(**kwargs)
    except pipe_layers.LayerNotAvailableError as e:
        pytest.skip(str(e))
    assert model.output_shape == out_shape
    assert fn(keras_model_sequential(input_shape=in_shape), **kwargs).output_shape == out_shape


def test_positional_layer_arguments_as_in_r():
    model = keras_model_sequential() | layer_dense(32, input_shape=784) \
        | pipeseq.layer_activation("relu") | pipeseq.layer_dropout(0.5)
    assert model.layers[0].units == 32 and model.layers[2].rate == 0.5


def test_embedding_layer_fn():
    try:
        model = keras_model_sequential() | pipeseq.layer_embedding(input_dim=20, output_dim=4) \
            | pipeseq.layer_lstm(units=3)
    except pipe_layers.LayerNotAvailableError as e:
        pytest.skip(str(e))
    out = model(np.array([[1, 2, 3], [4, 5, 0]]))
    assert out.shape == (2, 3)


def test_wrappers_take_the_layer():
    try:
        m = keras_model_sequential(input_shape=(5, 3)) | pipeseq.time_distributed(
            layer_dense(units=2))
        assert m.output_shape == (None, 5, 2)
        m2 = pipeseq.layer_time_distributed(keras_model_sequential(input_shape=(5, 3)),
                                            layer_dense(units=4))
        assert m2.output_shape == (None, 5, 4)
        assert type(pipeseq.bidirectional(layer=pipeseq.layer_lstm(units=2))).__name__ == \
            "Bidirectional"
    except pipe_layers.LayerNotAvailableError as e:
        pytest.skip(str(e))
    with pytest.raises(TypeError, match="needs the layer to wrap"):
        pipeseq.time_distributed()


def test_functional_layer_input_and_keras_model():
    inputs = layer_input(shape=4)
    assert inputs.shape == (None, 4)
    hidden = inputs | layer_dense(units=3, activation="relu")
    outputs = layer_dense(hidden, units=2)
    model = keras_model(inputs, outputs)
    assert model(np.ones((5, 4))).shape == (5, 2)
    model_list = keras_model(inputs=[inputs], outputs=[outputs])   # length-1 lists unwrapped
    assert model_list(np.ones((1, 4))).shape == (1, 2)


def test_merge_layers_take_inputs_first():
    a, b = layer_input(shape=3), layer_input(shape=3)
    cat = layer_concatenate([a, b], axis=-1)
    assert cat.shape == (None, 6)
    model = keras_model([a, b], layer_add([a, b]))
    out = model.predict([np.ones((2, 3)), 2 * np.ones((2, 3))], verbose=0)
    np.testing.assert_allclose(out, 3 * np.ones((2, 3)))
    np.testing.assert_allclose(layer_add([np.ones((2, 2)), np.ones((2, 2))]), 2 * np.ones((2, 2)))
    layer = layer_concatenate(axis=1)
    assert type(layer).__name__ == "Concatenate"
    dot = pipeseq.layer_dot(axes=1)
    assert type(dot).__name__ == "Dot"
    with pytest.raises(TypeError, match="inputs must be tensors"):
        layer_add(["a", "b"])


def test_layer_fn_with_a_layer_as_object_is_clear():
    with pytest.raises(TypeError, match="not a model or a tensor"):
        pipe_layers.compose_layer(layer_dense(units=2), layer_dense(units=3), "layer_dense")


# ------------------------------------------------------------------ plot(history)
def _history(validation=True):
    rng = np.random.default_rng(0)
    x = rng.uniform(size=(40, 3))
    y = to_categorical((x.sum(axis=1) > 1.5).astype(int), num_classes=2)
    model = keras_model_sequential(input_shape=3) | layer_dense(units=4, activation="relu") \
        | layer_dense(units=2, activation="softmax") \
        | compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics="accuracy")
    return model | fit(x, y, epochs=3, batch_size=16, verbose=0,
                       validation_split=0.25 if validation else 0.0)


def test_plot_history_one_panel_per_metric(tmp_path):
    pytest.importorskip("matplotlib")
    hist = _history()
    path = tmp_path / "history.png"
    fig = plot(hist, filename=str(path))
    axes = fig.get_axes()
    assert [ax.get_ylabel() for ax in axes] == ["loss", "accuracy"]
    for ax in axes:
        labels = [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")]
        assert labels.count("training") >= 1 and labels.count("validation") >= 1
        xs = ax.get_lines()[0].get_xdata()
        np.testing.assert_array_equal(xs, [1, 2, 3])
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert hist.plot(metrics=["loss"]).get_axes()[0].get_ylabel() == "loss"
    fig2 = hist | plot(metrics="accuracy")
    assert len(fig2.get_axes()) == 1


def test_plot_history_bad_metric_and_empty():
    hist = _history(validation=False)
    with pytest.raises(ValueError, match=r"unknown metric.*\['loss', 'accuracy'\]"):
        plot(hist, metrics=["acc"])
    from pipeseq.plotting import plot_history
    with pytest.raises(ValueError, match="empty"):
        plot_history({})
    with pytest.raises(TypeError, match="training history"):
        plot(object=3)
    with pytest.raises(ValueError, match="not yet been built"):     # plot(model): plot_model
        plot(keras_model_sequential())


def test_plot_without_matplotlib_names_the_extra(monkeypatch):
    hist = _history(validation=False)
    for mod in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, mod)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r"pip install pipeseq\[plot\]"):
        plot(hist)
