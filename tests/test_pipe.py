"""The pipe DSL's verbs: return values, in-place behaviour, both call forms, bad input."""
import numpy as np
import pytest

import pipeseq
from pipeseq import (PipeVerb, compile, count_params, evaluate, fit, get_layer, get_weights,
                     keras_model_sequential, layer_activation, layer_dense, layer_dropout,
                     layer_flatten, loss_binary_crossentropy, loss_mean_squared_error,
                     metric_binary_accuracy, k_mean, op_ones, optimizer_adam, optimizer_rmsprop,
                     optimizer_sgd, pop_layer, predict, predict_classes, predict_proba, k_argmax,
                     reset_states, set_weights, summary, to_categorical)


def _mlp(n_in=4, n_out=3, act="softmax"):
    model = keras_model_sequential()
    model | layer_dense(units=5, activation="relu", input_shape=n_in) \
          | layer_dense(units=n_out, activation=act)
    return model


def _data(n=40, n_in=4, n_out=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(size=(n, n_in))
    y = to_categorical(rng.integers(0, n_out, size=(n, 1)), num_classes=n_out)
    return x, y


# ---------------------------------------------------------------- adding layers
def test_pipe_adds_in_place_without_reassignment():
    model = keras_model_sequential()
    out = model | layer_dense(units=2, activation="relu")
    assert out is model and len(model.layers) == 1
    model | layer_dense(units=3, activation="relu")
    model | layer_dense(units=4)
    assert [type(l).__name__ for l in model.layers] == ["Dense"] * 3
    assert not model.built


def test_layer_fn_with_model_first_adds_and_returns_model():
    model = keras_model_sequential()
    assert layer_dense(model, units=2, input_shape=3) is model
    assert layer_activation(model, "relu") is model
    assert [l.name for l in model.layers] == ["dense", "activation"]
    assert model.built and model.layers[0].kernel.shape == (3, 2)


def test_layer_fn_without_object_returns_layer():
    layer = layer_dense(units=3)
    assert isinstance(layer, pipeseq.layers.Dense) and layer.units == 3
    assert layer.weights == []


def test_r_style_common_arguments():
    model = keras_model_sequential() | layer_dense(units=2, input_shape=4, name="first",
                                                   trainable=False)
    assert model.layers[0].name == "first" and not model.layers[0].trainable
    assert model.input_shape == (None, 4)
    w = [np.ones((4, 2), "float32"), np.zeros(2, "float32")]
    m2 = keras_model_sequential() | layer_dense(units=2, batch_input_shape=(8, 4), weights=w)
    assert m2.input_shape == (8, 4)
    np.testing.assert_array_equal(m2.layers[0].kernel.value, w[0])
    m3 = keras_model_sequential() | layer_dense(units=2, input_shape=(6,), batch_size=5)
    assert m3.input_shape == (5, 6)


def test_keras_model_sequential_arguments():
    m = keras_model_sequential(input_shape=4) | layer_dense(units=2)
    assert m.built and m.output_shape == (None, 2)
    m = keras_model_sequential(input_shape=(6, 8), input_batch_size=32, name="stateful")
    assert m.name == "stateful" and m._input_layer.batch_shape == (32, 6, 8)
    m = keras_model_sequential(layers=[layer_dense(units=2, activation="relu"),
                                       layer_dense(units=4)])
    assert len(m.layers) == 2
    with pytest.raises(TypeError, match="input_shape="):
        keras_model_sequential(4)


def test_array_pipes_through_layers_and_model_call():
    x = op_ones((3, 3))
    layer1 = layer_dense(units=2, activation="relu", name="layer1")
    layer2 = layer_dense(units=3, activation="relu", name="layer2")
    layer3 = layer_dense(units=4, name="layer3")
    y = x | layer1 | layer2 | layer3
    assert y.shape == (3, 4)
    model = keras_model_sequential(layers=[layer1, layer2, layer3])
    np.testing.assert_allclose(model(x), y)
    np.testing.assert_allclose(x | model, y)
    single = x | layer_dense(units=5)
    assert single.shape == (3, 5)
    assert layer_dense(x, units=7).shape == (3, 7)


def test_weights_error_before_build_then_weights_after_call():
    model = keras_model_sequential() | layer_dense(units=2) | layer_dense(units=3) \
        | layer_dense(units=4)
    with pytest.raises(ValueError, match="not been built"):
        model.weights
    model(op_ones((1, 4)))
    assert len(model.weights) == 6


def test_piping_a_non_layer_is_a_clear_error_and_model_unchanged():
    model = _mlp()
    before = [l.name for l in model.layers]
    for bad in (42, "dense", np.ones(3), [layer_dense(units=2)]):
        with pytest.raises(TypeError, match="expected a layer"):
            model | bad
        assert [l.name for l in model.layers] == before


def test_incompatible_layer_leaves_model_unchanged():
    model = keras_model_sequential(input_shape=4) | layer_dense(units=2)
    with pytest.raises(Exception):
        model | pipeseq.layer_conv_2d(filters=2, kernel_size=3)
    assert len(model.layers) == 1


def test_unregistered_layer_class_raises_clear_error(monkeypatch):
    from pipeseq.r import layers as pipe_layers
    fn = pipe_layers._make_layer_fn("layer_made_up", "MadeUpLayer", "")
    with pytest.raises(pipe_layers.LayerNotAvailableError, match="'MadeUpLayer'"):
        fn(units=3)


# ---------------------------------------------------------------- verbs
def test_verbs_are_deferred_without_a_model():
    v = compile(optimizer="sgd", loss="mse")
    assert isinstance(v, PipeVerb) and "compile" in repr(v)
    model = _mlp()
    assert v(model) is model and model.compiled


def test_compile_both_forms_return_model():
    m1, m2 = _mlp(), _mlp()
    assert (m1 | compile(optimizer="rmsprop", loss="categorical_crossentropy",
                         metrics="accuracy")) is m1
    assert compile(m2, optimizer=optimizer_rmsprop(lr=0.002), loss="mse") is m2
    assert m1.compiled and m2.compiled and m2.optimizer.learning_rate == pytest.approx(0.002)


def test_fit_returns_history_and_trains_in_place():
    model = _mlp()
    x, y = _data()
    model | compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    w0 = model.get_weights()
    hist = model | fit(x, y, epochs=3, batch_size=8, verbose=0, validation_split=0.25)
    assert isinstance(hist, pipeseq.training.callbacks.History)
    assert set(hist.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(hist.history["loss"]) == 3
    assert any(not np.array_equal(a, b) for a, b in zip(w0, model.get_weights()))
    hist2 = fit(model, x, y, epochs=1, verbose=0, validation_data=[x[:5], y[:5]])
    assert "val_loss" in hist2.history
    text = str(hist)
    assert "Final epoch (plot to see history):" in text and "val_accuracy:" in text


def test_fit_initial_epoch_is_one_based():
    model = _mlp() | compile(optimizer="sgd", loss="mse")
    x, y = _data()
    hist = fit(model, x, y, epochs=3, initial_epoch=2, verbose=0)
    assert hist.epoch == [1, 2]
    with pytest.raises(ValueError, match="1-based"):
        fit(model, x, y, epochs=3, initial_epoch=0, verbose=0)


def test_evaluate_returns_an_r_named_list():
    model = _mlp() | compile(optimizer="sgd", loss="categorical_crossentropy",
                             metrics="accuracy")
    x, y = _data()
    scores = model | evaluate(x, y, verbose=0)
    assert scores.names() == ["loss", "accuracy"]                 # R: names(scores)
    assert scores.loss == scores["loss"] == scores[0]              # scores$loss, scores[[1]]
    loss, acc = scores                                             # c(loss, acc) %<-% scores
    assert (loss, acc) == (scores["loss"], scores["accuracy"])
    again = evaluate(model, x, y, verbose=0, batch_size=128)
    assert again.names() == scores.names()
    assert again["loss"] == pytest.approx(scores["loss"], rel=1e-6)
    assert 0 <= scores["accuracy"] <= 1


def test_predict_and_predict_classes():
    model = _mlp() | compile(optimizer="sgd", loss="mse")
    x, _ = _data()
    p = model | predict(x, verbose=0)
    assert p.shape == (40, 3)
    with pytest.warns(DeprecationWarning, match="please use `predict\\(\\)` instead"):
        np.testing.assert_allclose(predict_proba(model, x), p)
    with pytest.warns(DeprecationWarning, match=r"model \| predict\(x\) \| k_argmax\(\)"):
        cls = predict_classes(model, x)
    np.testing.assert_array_equal(cls, p.argmax(axis=-1))
    np.testing.assert_array_equal(cls, model | predict(x, verbose=0) | k_argmax())   # the advice
    assert cls.dtype.kind == "i"
    binary = _mlp(n_out=1, act="sigmoid")
    pb = predict(binary, x, verbose=0)
    with pytest.warns(DeprecationWarning, match="removed from tensorflow in version 2.6"):
        np.testing.assert_array_equal(binary | predict_classes(x), (pb > 0.5).astype("int32"))


def test_summary_prints_and_print_model_shows_summary(capsys):
    model = _mlp()
    assert summary(model) is None
    out = capsys.readouterr().out
    assert 'Model: "sequential"' in out and "Total params: 43" in out
    model | summary()
    assert capsys.readouterr().out == out
    print(model)
    assert capsys.readouterr().out == out


def test_pop_layer_returns_model():
    model = keras_model_sequential() | layer_dense(units=2) | layer_dense(units=3) \
        | layer_dense(units=4)
    assert (model | pop_layer()) is model
    assert len(model.layers) == 2
    assert pop_layer(model) is model and len(model.layers) == 1
    pop_layer(model)
    with pytest.raises(ValueError, match="no layers"):
        pop_layer(model)


def test_weights_verbs():
    model = _mlp()
    assert count_params(model) == 4 * 5 + 5 + 5 * 3 + 3 == (model | count_params())
    ws = get_weights(model)
    assert [w.shape for w in ws] == [(4, 5), (5,), (5, 3), (3,)]
    zeros = [np.zeros_like(w) for w in ws]
    assert (model | set_weights(zeros)) is model
    assert all(not w.any() for w in get_weights(model))
    model.layers[0].trainable = False
    assert [w.shape for w in get_weights(model, trainable=True)] == [(5, 3), (3,)]
    assert [w.shape for w in get_weights(model, trainable=False)] == [(4, 5), (5,)]
    assert reset_states(model) is model


def test_verb_applied_to_wrong_object_is_clear():
    with pytest.raises(TypeError, match="compile\\(\\) applies to a model"):
        np.ones(3) | compile(optimizer="sgd", loss="mse")
    with pytest.raises(TypeError, match="needs a model"):
        compile(layer_dense(units=2), optimizer="sgd", loss="mse")


def test_builtin_compile_still_works_after_star_import():
    code = compile("1 + 1", "<test>", "eval")
    assert eval(code) == 2


def test_chain_of_layers_and_compile():
    model = keras_model_sequential()
    out = model | layer_dense(units=32, activation="relu", input_shape=100) \
        | layer_dense(units=1, activation="sigmoid") \
        | compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    assert out is model and model.compiled and len(model.layers) == 2


# ---------------------------------------------------------------- get_layer
def test_get_layer_by_name_and_one_based_index():
    model = keras_model_sequential(input_shape=3) | layer_dense(units=2, name="a") \
        | layer_dropout(rate=0.1, name="b") | layer_dense(units=1, name="c")
    assert get_layer(model, "b").name == "b"
    assert get_layer(model, index=1).name == "a"
    assert get_layer(model, index=3).name == "c"
    assert get_layer(model, index=-1).name == "c"
    assert get_layer(model, index=-3).name == "a"
    assert (model | get_layer(index=2)).name == "b"
    assert (model | get_layer("c")).name == "c"


@pytest.mark.parametrize("kwargs, exc, pattern", [
    ({"index": 0}, ValueError, r"1-based \(0 was passed\).*1\.\.3"),
    ({"index": 4}, IndexError, r"out of range.*3 layer\(s\).*1\.\.3"),
    ({"index": -4}, IndexError, r"valid positions are 1\.\.3 and -1\.\.-3"),
    ({"name": "nope"}, ValueError, r"no layer named 'nope'.*\['a', 'b', 'c'\]"),
    ({"name": "a", "index": 1}, ValueError, "not both"),
    ({}, ValueError, "provide a layer `name`"),
])
def test_get_layer_bad_input(kwargs, exc, pattern):
    model = keras_model_sequential(input_shape=3) | layer_dense(units=2, name="a") \
        | layer_dropout(rate=0.1, name="b") | layer_dense(units=1, name="c")
    with pytest.raises(exc, match=pattern):
        get_layer(model, **kwargs)


# ------------------------------------------------------- losses / metrics / opts
def test_loss_objects_uncalled_called_and_on_data():
    t, p = np.array([[1.0], [0.0]]), np.array([[0.8], [0.3]])
    v = loss_binary_crossentropy(t, p)
    np.testing.assert_allclose(v, -np.log([0.8, 0.7]), rtol=1e-5)
    obj = loss_binary_crossentropy(from_logits=True)
    assert obj.kwargs["from_logits"] is True
    np.testing.assert_allclose(loss_mean_squared_error(np.zeros((2, 1)), np.ones((2, 1))), [1, 1])
    from pipeseq.training import losses
    assert losses.get(loss_binary_crossentropy) is loss_binary_crossentropy
    from pipeseq.training.custom_losses import CustomLoss
    assert not isinstance(losses.get(loss_binary_crossentropy), CustomLoss)


def test_compile_with_loss_and_metric_functions_uncalled():
    model = _mlp(n_out=1, act="sigmoid")
    model | compile(optimizer=optimizer_rmsprop(), loss=loss_binary_crossentropy,
                    metrics=metric_binary_accuracy)
    x, _ = _data()
    y = (x.sum(axis=1, keepdims=True) > 2).astype("float64")
    hist = model | fit(x, y, epochs=2, verbose=0)
    assert list(hist.history) == ["loss", "binary_accuracy"]
    scores = evaluate(model, x, y, verbose=0)
    manual = float(np.mean(metric_binary_accuracy(y, predict(model, x, verbose=0))))
    assert scores["binary_accuracy"] == pytest.approx(manual)
    assert metric_binary_accuracy(threshold=0.7).name == "binary_accuracy"


def test_custom_metric_with_k_mean_as_dict_and_list():
    def metric_mean_pred(y_true, y_pred):
        return k_mean(y_pred)
    x, _ = _data()
    y = (x[:, :1] > 0.5).astype("float64")
    for metrics in ({"mean_pred": metric_mean_pred}, ["accuracy", {"mean_pred": metric_mean_pred}]):
        model = _mlp(n_out=1, act="sigmoid")
        model | compile(optimizer=optimizer_rmsprop(), loss=loss_binary_crossentropy,
                        metrics=metrics)
        scores = evaluate(model, x, y, verbose=0, batch_size=len(x))
        assert "mean_pred" in scores
        assert scores["mean_pred"] == pytest.approx(float(predict(model, x, verbose=0).mean()),
                                                   rel=1e-5)


def test_optimizer_constructors_accept_lr_and_legacy_args():
    opt = optimizer_sgd(lr=0.01, decay=1e-6, momentum=0.9, nesterov=True)
    assert opt.momentum == 0.9 and opt.nesterov and opt.decay == 1e-6
    assert opt.learning_rate == pytest.approx(0.01)
    assert optimizer_adam(learning_rate=0.1).learning_rate == pytest.approx(0.1)
    with pytest.raises(ValueError, match="not both"):
        optimizer_adam(learning_rate=0.1, lr=0.2)
    with pytest.raises(TypeError, match="unrecognized"):
        optimizer_sgd(lr=0.1, mometum=0.9)


def test_vocabulary_constructors():
    from pipeseq import (callback_csv_logger, callback_early_stopping, callback_lambda,
                         callback_learning_rate_scheduler, callback_model_checkpoint,
                         callback_reduce_lr_on_plateau, callback_terminate_on_nan,
                         initializer_constant, initializer_glorot_uniform, initializer_ones,
                         regularizer_l1, regularizer_l1_l2, regularizer_l2)
    assert type(callback_early_stopping(monitor="loss", patience=2)).__name__ == "EarlyStopping"
    assert type(callback_reduce_lr_on_plateau()).__name__ == "ReduceLROnPlateau"
    assert type(callback_terminate_on_nan()).__name__ == "TerminateOnNaN"
    assert type(callback_lambda(on_epoch_end=lambda e, l: None)).__name__ == "LambdaCallback"
    assert type(callback_learning_rate_scheduler(lambda e, lr: lr)).__name__ == \
        "LearningRateScheduler"
    assert type(callback_csv_logger("x.csv")).__name__ == "CSVLogger"
    assert type(callback_model_checkpoint("x.h5")).__name__ == "ModelCheckpoint"
    np.testing.assert_array_equal(initializer_ones()((2, 2)), np.ones((2, 2)))
    np.testing.assert_array_equal(initializer_constant(3.0)((2,)), [3.0, 3.0])
    assert initializer_glorot_uniform(seed=1)((3, 4)).shape == (3, 4)
    assert float(regularizer_l1(0.5)(np.ones(2))) == pytest.approx(1.0)
    assert float(regularizer_l2(0.5)(np.ones(2))) == pytest.approx(1.0)
    assert float(regularizer_l1_l2(l1=0.5, l2=0.5)(np.ones(2))) == pytest.approx(2.0)


def test_callbacks_run_through_fit():
    from pipeseq import callback_early_stopping, callback_lambda
    seen = []
    model = _mlp() | compile(optimizer="sgd", loss="mse")
    x, y = _data()
    hist = model | fit(x, y, epochs=50, verbose=0, callbacks=[
        callback_early_stopping(monitor="loss", patience=0, min_delta=10.0),
        callback_lambda(on_epoch_end=lambda epoch, logs: seen.append(epoch))])
    assert len(hist.epoch) < 50 and seen == hist.epoch


def test_to_categorical_both_forms():
    y = np.array([[0], [2], [1]])
    np.testing.assert_array_equal(to_categorical(y, num_classes=3), np.eye(3)[[0, 2, 1]])
    np.testing.assert_array_equal(y | to_categorical(num_classes=4), np.eye(4)[[0, 2, 1]])
    assert to_categorical([1, 0]).shape == (2, 2)


def test_public_names_have_docstrings_with_examples():
    missing = []
    for name in pipeseq.__all__:
        obj = getattr(pipeseq, name)
        if isinstance(obj, type(pipeseq)) or name in ("floatx", "set_floatx", "set_random_seed",
                                                       "normalize", "Model", "Sequential",
                                                       "Input"):
            continue
        doc = getattr(obj, "__doc__", None) or ""
        if "Example" not in doc and ">>>" not in doc and "Example:" not in doc:
            missing.append(name)
    assert not missing, missing


# ---------------------------------------------------------------- files
def test_file_verbs_call_through_and_return_model(tmp_path):
    from pipeseq import (load_model, load_model_hdf5, load_model_weights,
                         load_model_weights_hdf5, model_from_json, model_to_json, save_model,
                         save_model_hdf5, save_model_weights, save_model_weights_hdf5)
    model = _mlp() | compile(optimizer="adam", loss="mse")
    w = model.get_weights()

    def fresh():
        return _mlp()
    path = str(tmp_path / "w.h5")
    assert (model | save_model_weights_hdf5(path)) is model
    m2 = fresh()
    assert (m2 | load_model_weights_hdf5(path)) is m2
    assert all(np.array_equal(a, b) for a, b in zip(w, m2.get_weights()))
    path3 = str(tmp_path / "w.weights.h5")
    assert save_model_weights(model, path3) is model
    m3 = fresh()
    assert load_model_weights(m3, path3) is m3
    assert all(np.array_equal(a, b) for a, b in zip(w, m3.get_weights()))
    for saver, loader, name in ((save_model_hdf5, load_model_hdf5, "m.h5"),
                                (save_model, load_model, "m.keras")):
        p = str(tmp_path / name)
        assert saver(model, p) is model
        loaded = loader(p)
        assert all(np.array_equal(a, b) for a, b in zip(w, loaded.get_weights()))
    raw = save_model(model)
    assert isinstance(raw, bytes)
    assert all(np.array_equal(a, b) for a, b in zip(w, load_model(raw).get_weights()))
    again = model_from_json(model_to_json(model))
    assert [type(l).__name__ for l in again.layers] == ["Dense", "Dense"]


def test_import_pipeseq_stays_light():
    import subprocess
    import sys
    code = ("import sys, pipeseq; heavy = ['h5py', 'tabulate', 'matplotlib', 'scipy.signal'];"
            "print([m for m in heavy if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
