"""freeze_weights / unfreeze_weights with R keras3 semantics (incl. the keras3 package's tests)."""
import numpy as np
import pytest

from pipeseq import (compile, fit, freeze_weights, initializer_ones, keras_model_sequential,
                     layer_activation, layer_dense, summary, unfreeze_weights)


def define_freeze_model():
    # keras3 tests/testthat/test-freeze.R
    model = keras_model_sequential()
    model | layer_dense(32, input_shape=784, kernel_initializer=initializer_ones(), name="input") \
          | layer_activation("relu", name="relu_activation") \
          | layer_dense(10, name="dense") \
          | layer_activation("softmax", name="softmax_activation")
    return model


def define_eight_layer_model():
    model = keras_model_sequential()
    model | layer_dense(8, input_shape=4, name="input") | layer_activation("relu", name="relu")
    for i in range(1, 6):
        model | layer_dense(4, name=f"dense{i}")
    model | layer_activation("softmax", name="softmax")
    return model


def trainable_flags(model):
    return [l.trainable for l in model.layers]


# ---------------------------------------------------- the keras3 package's own cases
def test_freeze_entire_model():
    model = define_freeze_model()
    assert freeze_weights(model) is model
    assert len(model.trainable_weights) == 0


def test_unfreeze_after_freeze():
    model = define_freeze_model()
    freeze_weights(model)
    assert unfreeze_weights(model) is model
    assert len(model.trainable_weights) == 4


def test_freeze_by_indexes():
    model = define_freeze_model()
    freeze_weights(model, from_=2, to=3)
    assert len(model.trainable_weights) == 2
    assert trainable_flags(model) == [True, False, False, True]


def test_freeze_by_names():
    model = define_freeze_model()
    freeze_weights(model, from_="dense")
    assert len(model.trainable_weights) == 2
    assert trainable_flags(model) == [True, True, False, False]


@pytest.mark.parametrize("kwargs, n_non_trainable, frozen", [
    ({"from_": -2}, 2, {"dense5", "softmax"}),
    ({"from_": -3}, 4, {"dense4", "dense5", "softmax"}),
    ({"from_": -4, "to": -3}, 4, {"dense3", "dense4"}),
    ({"which": lambda layer: layer.name.startswith("dense")}, 10,
     {"dense1", "dense2", "dense3", "dense4", "dense5"}),
    ({"which": [6, 7]}, 4, {"dense4", "dense5"}),
    ({"which": ["dense1", "dense2"]}, 4, {"dense1", "dense2"}),
    ({"which": [-1, -2]}, 2, {"dense5", "softmax"}),
    ({"which": [False, False, True, False, False, False, False, False]}, 2, {"dense1"}),
])
def test_freeze_eight_layer_model(kwargs, n_non_trainable, frozen):
    model = define_eight_layer_model()
    freeze_weights(model, **kwargs)
    assert len(model.non_trainable_weights) == n_non_trainable
    assert {l.name for l in model.layers if not l.trainable} == frozen


def test_which_predicate_leaves_only_input_trainable():
    model = define_eight_layer_model()
    freeze_weights(model, which=lambda l: l.name.startswith("dense"))
    assert len(model.trainable_weights) == 2


# ---------------------------------------------------- semantics details
def test_range_is_global_layers_outside_get_the_opposite():
    model = define_eight_layer_model()
    for layer in model.layers:
        layer.trainable = False
    freeze_weights(model, from_=3, to=4)
    assert trainable_flags(model) == [True, True, False, False, True, True, True, True]
    unfreeze_weights(model, from_=3, to=4)
    assert trainable_flags(model) == [False, False, True, True, False, False, False, False]


def test_from_and_to_accept_layers_and_mixed_forms():
    model = define_eight_layer_model()
    freeze_weights(model, from_=model.layers[2], to="dense3")
    assert [l.name for l in model.layers if not l.trainable] == ["dense1", "dense2", "dense3"]
    freeze_weights(model, **{"from": 7})      # R spelling via a dict
    assert [l.name for l in model.layers if not l.trainable] == ["dense5", "softmax"]
    freeze_weights(model, to=2)               # missing from = first layer
    assert [l.name for l in model.layers if not l.trainable] == ["input", "relu"]


def test_from_after_to_follows_r_walk():
    model = define_eight_layer_model()
    freeze_weights(model, from_=6, to=2)
    # flag turns on at layer 6 and never turns off: 6..8 frozen, 1..5 trainable
    assert trainable_flags(model) == [True] * 5 + [False] * 3


def test_explicit_none_counts_as_supplied():
    model = define_freeze_model()
    freeze_weights(model, from_=None)   # R: from = NULL is "supplied" -> whole range frozen
    assert not any(trainable_flags(model)) and model.trainable


def test_unfreeze_from_to_mirror():
    model = define_eight_layer_model()
    freeze_weights(model)
    unfreeze_weights(model, to=-6)     # R doc: == freeze_weights(from = -5)
    other = define_eight_layer_model()
    freeze_weights(other, from_=-5)
    assert trainable_flags(model) == trainable_flags(other)


def test_pipe_form_returns_model():
    model = define_freeze_model()
    assert (model | freeze_weights(from_=1, to=-2)) is model
    assert trainable_flags(model) == [False, False, False, True]
    assert (model | unfreeze_weights()) is model
    assert all(trainable_flags(model))


def test_nested_model_frozen_whole_and_recursively():
    base = keras_model_sequential(input_shape=4) | layer_dense(3) | layer_dense(3)
    model = keras_model_sequential(input_shape=4) | base | layer_dense(2)
    freeze_weights(base)
    assert not base.trainable and all(not l.trainable for l in base.layers)
    assert len(model.trainable_weights) == 2
    freeze_weights(model)
    assert model.trainable_weights == []
    unfreeze_weights(model)
    assert len(model.trainable_weights) == 6


# ---------------------------------------------------- summary and training
def test_summary_shows_trainable_column_after_freezing(capsys):
    model = keras_model_sequential(input_shape=784) | layer_dense(32, activation="relu") \
        | layer_dense(32, activation="relu") | layer_dense(32, activation="relu") \
        | layer_dense(10)
    summary(model)
    assert "┃ Trainable" not in capsys.readouterr().out
    model | freeze_weights(from_=1, to=-2)
    print(model)
    out = capsys.readouterr().out
    assert "┃ Trainable" in out
    rows = [line for line in out.splitlines() if "(Dense)" in line]
    assert [r.rstrip(" │").split()[-1] for r in rows] == ["N", "N", "N", "Y"]
    assert "Total params: 27,562 (107.66 KB)" in out
    assert "Trainable params: 330 (1.29 KB)" in out
    assert "Non-trainable params: 27,232 (106.38 KB)" in out


def test_fit_leaves_frozen_weights_bit_identical():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(32, 6)), rng.normal(size=(32, 2))
    model = keras_model_sequential(input_shape=6) | layer_dense(5, activation="relu") \
        | layer_dense(4, activation="tanh") | layer_dense(2)
    model | freeze_weights(to=2) | compile(optimizer="adam", loss="mse")
    frozen = [w.copy() for l in model.layers[:2] for w in l.get_weights()]
    head = [w.copy() for w in model.layers[2].get_weights()]
    model | fit(x, y, epochs=3, batch_size=8, verbose=0)
    after = [w for l in model.layers[:2] for w in l.get_weights()]
    assert all(np.array_equal(a, b) for a, b in zip(frozen, after))
    assert any(not np.array_equal(a, b) for a, b in zip(head, model.layers[2].get_weights()))


# ---------------------------------------------------- bad input: clear errors, unchanged
@pytest.mark.parametrize("kwargs, exc, pattern", [
    ({"from_": 0}, ValueError, r"1-based \(0 was passed\).*1\.\.4.*-1\.\.-4"),
    ({"to": 5}, IndexError, r"`to`=5 is out of range.*4 layer\(s\).*1\.\.4"),
    ({"from_": -5}, IndexError, r"out of range.*1\.\.4 and -1\.\.-4"),
    ({"from_": "desne"}, ValueError,
     r"no layer named 'desne'.*Did you mean 'dense'.*\['input', 'relu_activation', 'dense', "
     r"'softmax_activation'\]"),
    ({"which": ["nope"]}, ValueError, r"no layer named 'nope'"),
    ({"which": [True, False]}, ValueError, r"one per layer \(4"),
    ({"which": [0]}, ValueError, r"1-based"),
    ({"which": [1], "from_": 1, "to": 2}, ValueError, "both `which` and `from_`/`to`"),
    ({"from_": 1.5}, TypeError, "whole number"),
    ({"form": 1}, TypeError, "unrecognized argument 'form'"),
])
def test_bad_input_clear_error_and_model_unchanged(kwargs, exc, pattern):
    model = define_freeze_model()
    model.layers[1].trainable = False
    before = trainable_flags(model), model.trainable
    with pytest.raises(exc, match=pattern):
        freeze_weights(model, **kwargs)
    assert (trainable_flags(model), model.trainable) == before
    with pytest.raises(exc):
        unfreeze_weights(model, **kwargs)
    assert (trainable_flags(model), model.trainable) == before


def test_layer_not_in_model_is_an_error():
    model = define_freeze_model()
    stranger = layer_dense(3, name="stranger")
    with pytest.raises(ValueError, match="'stranger' is not a layer of model"):
        freeze_weights(model, from_=stranger)
    assert all(trainable_flags(model))
