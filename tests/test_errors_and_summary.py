"""Bad input fails early with clear messages; summary matches the seeds."""
import numpy as np
import pytest

from pipeseq.layers import Activation, BatchNormalization, Dense, Dropout
from pipeseq.models import Sequential


def compiled(units=2, loss="categorical_crossentropy"):
    model = Sequential([Dense(4, activation="relu", input_shape=(3,)),
                        Dense(units, activation="softmax" if units > 1 else "sigmoid")])
    model.compile(optimizer="adam", loss=loss, metrics=["accuracy"])
    return model


def assert_unchanged(model, before):
    for a, b in zip(before, model.get_weights()):
        assert np.array_equal(a, b)


X = np.random.default_rng(0).uniform(size=(20, 3))
Y = np.eye(2)[np.random.default_rng(1).integers(0, 2, 20)]


@pytest.mark.parametrize("x,y,match", [
    (np.ones((20, 4)), Y, r"expects samples of shape \(3,\).*\(4,\)"),
    (X, Y[:15], "x has 20 samples, y has 15"),
    (X, np.eye(3)[np.zeros(20, int)], "one-hot targets with 2 classes.*shape \\(20, 3\\)"),
    (X, np.zeros(20), "to_categorical"),
    (np.where(np.eye(20, 3) > 0, np.nan, X), Y, "NaN or infinite.*index \\(0, 0\\)"),
])
def test_bad_fit_input_raises_before_any_weight_change(x, y, match):
    model = compiled()
    before = model.get_weights()
    with pytest.raises(ValueError, match=match):
        model.fit(x, y, epochs=1, verbose=0)
    assert_unchanged(model, before)


def test_sparse_labels_out_of_range():
    model = compiled(loss="sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match=r"must be in \[0, 1\].*labels from 0 to 5"):
        model.fit(X, np.arange(20) % 6, verbose=0)


@pytest.mark.parametrize("kwargs,match", [
    ({"loss": "categorical_crossentropie"}, "Did you mean 'categorical_crossentropy'"),
    ({"loss": "mse", "optimizer": "adamm"}, "Did you mean 'adam'"),
    ({"loss": "mse", "metrics": ["acuracy"]}, "Did you mean 'accuracy'"),
])
def test_unknown_names_in_compile(kwargs, match):
    model = Sequential([Dense(1, input_shape=(3,))])
    with pytest.raises(ValueError, match=match):
        model.compile(**kwargs)


def test_unknown_activation_and_layer_argument():
    with pytest.raises(ValueError, match="Did you mean 'relu'"):
        Dense(3, activation="rellu")
    with pytest.raises(TypeError, match="Did you mean 'kernel_initializer'.*kernel_initialiser=1"):
        Dense(3, kernel_initialiser=1)
    with pytest.raises(ValueError, match="units.*Received: units=0"):
        Dense(0)


def test_fit_before_compile():
    model = Sequential([Dense(1, input_shape=(3,))])
    with pytest.raises(RuntimeError, match="compile"):
        model.fit(X, Y[:, :1])


def test_set_weights_mismatch_names_layer_and_shapes():
    layer = Dense(2)
    layer(np.ones((1, 3), "float32"))
    with pytest.raises(ValueError, match=r"'dense'.*'kernel'.*\(3, 2\).*\(4, 2\)"):
        layer.set_weights([np.ones((4, 2)), np.ones(2)])
    with pytest.raises(ValueError, match="expects 2 weight"):
        layer.set_weights([np.ones((3, 2))])


def test_dense_wrong_input_width_at_call():
    model = Sequential([Dense(2, input_shape=(3,))])
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 3"):
        model(np.ones((2, 5), "float32"))


# ----------------------------------------------------------------- summary
def text(model):
    return str(model)


def test_seed004_summary_params():
    model = Sequential()
    model.add(Dense(4, activation="tanh", input_shape=(3,)))
    model.add(Dense(4, activation="tanh"))
    model.add(Dense(1, activation="sigmoid"))
    s = text(model)
    assert 'Model: "sequential"' in s
    rows = [l for l in s.splitlines() if l.startswith("│")]
    assert [r.split("│")[3].strip() for r in rows] == ["16", "20", "5"]
    assert [r.split("│")[1].strip() for r in rows] == ["dense (Dense)", "dense_1 (Dense)", "dense_2 (Dense)"]
    assert " Total params: 41 (164.00 B)" in s and " Non-trainable params: 0 (0.00 B)" in s


def test_seed000_mlp_summary_params():
    model = Sequential([Dense(256, activation="relu", input_shape=(784,)), Dropout(0.5),
                        Dense(128, activation="relu"), Dropout(0.5), Dense(10, activation="softmax")])
    s = text(model)
    params = [r.split("│")[3].strip() for r in s.splitlines() if r.startswith("│")]
    assert params == ["200,960", "0", "32,896", "0", "1,290"]
    assert "Total params: 235,146 (918.54 KB)" in s
    assert "(None, 256)" in s and "(None, 10)" in s


def test_batchnorm_summary_12_params_6_trainable():
    s = text(Sequential([BatchNormalization(input_shape=(3,))]))
    assert "Total params: 12" in s and "Trainable params: 6 " in s and "Non-trainable params: 6 " in s


def test_unbuilt_model_summary_and_weights_error():
    model = Sequential([Dense(2, activation="relu"), Dense(3)])
    s = text(model)
    assert "?" in s and "0 (unbuilt)" in s
    with pytest.raises(ValueError, match="not been built yet.*model.build"):
        model.weights
    model(np.ones((1, 4), "float32"))
    assert len(model.weights) == 4
    assert "(1, 2)" in text(model)


def test_trainable_column_after_freezing():
    model = Sequential([Dense(32, input_shape=(784,)), Dense(10)])
    assert "┃ Trainable" not in text(model)
    model.layers[0].trainable = False
    s = text(model)
    assert "┃ Trainable" in s
    rows = [l for l in s.splitlines() if l.startswith("│")]
    assert rows[0].rstrip("│ ").endswith("N") and rows[1].rstrip("│ ").endswith("Y")
    assert "Trainable params: 330 (1.29 KB)" in s and "Non-trainable params: 25,120" in s


def test_frozen_layer_not_updated_but_backprops():
    model = Sequential([Dense(4, input_shape=(3,)), Dense(1)])
    model.layers[1].trainable = False
    model.compile(optimizer="sgd", loss="mse")
    w0 = [w.copy() for w in model.get_weights()]
    model.fit(X, X[:, :1], epochs=2, verbose=0)
    w1 = model.get_weights()
    assert not np.array_equal(w0[0], w1[0])          # layer before the frozen one learns
    assert np.array_equal(w0[2], w1[2]) and np.array_equal(w0[3], w1[3])


def test_auto_names_unique_per_prefix():
    names = [Dense(1).name, Dense(1).name, Activation("relu").name, Dense(1).name]
    assert names == ["dense", "dense_1", "activation", "dense_2"]
    model = Sequential([Dense(1, name="x", input_shape=(2,))])
    with pytest.raises(ValueError, match="unique names"):
        model.add(Dense(1, name="x"))


def test_add_non_layer_and_failed_add_leave_model_unchanged():
    model = Sequential([Dense(2, input_shape=(3,))])
    with pytest.raises(TypeError, match="Only instances of `Layer`"):
        model.add("dense")
    from pipeseq.layers import Reshape
    with pytest.raises(ValueError):
        model.add(Reshape((5,)))
    assert len(model.layers) == 1
