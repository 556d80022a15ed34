"""R semantics of the pipe front end, each rule checked on translated R keras code."""
import numpy as np
import pytest

from pipeseq import (compile, fit, get_layer, keras_model_sequential, layer_conv_2d, layer_dense,
                     layer_flatten)
from pipeseq.r.matching import match_arguments


# ----------------------------------------------------------- argument matching (R Language
# Definition 4.3.2: exact, then unique partial, then positional)
def test_partial_names_match_a_unique_prefix():
    # R: model %>% layer_conv_2d(filter = 4, kernel_s = c(3, 3), activation = "relu")
    model = keras_model_sequential(input_shape=(8, 8, 1))
    model | layer_conv_2d(filter=4, kernel_s=(3, 3), activation="relu") | layer_flatten() \
        | layer_dense(unit=2)
    model | compile(optim="adam", loss="mse")
    assert model.layers[0].filters == 4 and model.layers[1 + 1].units == 2
    history = model | fit(np.zeros((4, 8, 8, 1)), np.zeros((4, 2)), epoch=2, verb=0)
    assert history.params["epochs"] == 2


def test_ambiguous_prefix_lists_the_candidates_and_names_the_function():
    with pytest.raises(TypeError, match=r"layer_conv_2d\(\): argument 'kernel' matches several"
                                        r".*kernel_initializer.*kernel_size"):
        layer_conv_2d(filters=2, kernel=3)


def test_exact_name_wins_over_a_longer_prefix_match():
    out = match_arguments("f", {"units": 1, "use": 2}, ["units", "use_bias"])
    assert out == {"units": 1, "use_bias": 2}


def test_one_formal_matched_twice_is_an_error():
    with pytest.raises(TypeError, match="matched by multiple actual arguments"):
        match_arguments("f", {"epo": 1, "epoc": 2}, ["epochs", "batch_size"])


def test_arguments_after_dots_match_only_exactly():
    # layer arguments R passes through `...` (input_shape, name, ...) need their full names
    with pytest.raises(TypeError, match="input_sh"):
        layer_dense(units=3, input_sh=4)
    assert layer_dense(units=3, input_shape=4).units == 3


def test_unknown_name_gets_the_closest_and_the_list():
    model = keras_model_sequential(input_shape=2) | layer_dense(units=1)
    with pytest.raises(TypeError, match=r"get_layer\(\): unused argument 'nmae'.*"
                                        r"Did you mean 'name'\?.*Arguments: index, name, object"):
        get_layer(model, nmae="dense")
    # functions that pass **kwargs on leave the report to the receiver
    with pytest.raises(TypeError, match=r"compile\(\): unrecognized argument 'optimiser'. "
                                        r"Did you mean 'optimizer'\?"):
        model | compile(optimiser="sgd", loss="mse")


# ----------------------------------------------------------- x |> layer(), varargs merges
def test_piping_into_a_called_layer_applies_it():
    # R: dense <- layer_dense(units = 2); y <- x |> dense()
    from pipeseq import layer_input, keras_model
    dense = layer_dense(units=2)
    x = np.ones((3, 4), dtype="float32")
    y = x | dense()
    assert y.shape == (3, 2)
    inputs = layer_input(shape=4)
    outputs = inputs | dense()
    model = keras_model(inputs, outputs)
    np.testing.assert_allclose(model.predict(x, verbose=0), y, rtol=1e-6)
    # R: keras_model_sequential() |> base_model() |> layer_dense(1): a model is a layer too
    seq = keras_model_sequential(input_shape=4) | model() | layer_dense(units=1)
    assert seq.layers[0] is model and seq.output_shape == (None, 1)


def test_merge_layers_take_varargs_a_list_or_the_piped_tensor():
    from pipeseq import layer_add, layer_concatenate, layer_input, layer_dot
    a, b, c = layer_input(shape=3), layer_input(shape=3), layer_input(shape=3)
    assert layer_concatenate(a, b, c).shape == (None, 9)            # R: layer_concatenate(a, b, c)
    assert layer_concatenate([a, b], axis=-1).shape == (None, 6)    # R: layer_concatenate(list(a, b))
    assert (a | layer_add(b)).shape == (None, 3)                    # R: a |> layer_add(b)
    assert layer_dot(a, b, axes=1).shape == (None, 1)
    assert type(layer_dot(1)).__name__ == "Dot"                      # R: layer_dot(1) -> a layer
    xa, xb = np.ones((2, 3)), np.full((2, 3), 2.0)
    np.testing.assert_allclose(xa | layer_add(xb), np.full((2, 3), 3.0))


# ----------------------------------------------------------- R keras 2 habits
def test_backend_returns_the_K_functions_and_stays_the_module():
    # R keras 2: K <- backend(); K$mean(x, axis = -1L)  (Python's 0-based axes)
    import pipeseq
    from pipeseq import backend
    K = backend()
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(K.mean(x, axis=-1), [1.0, 4.0])
    assert K.epsilon() == 1e-7
    assert backend.floatx() == "float32" and pipeseq.backend is backend


def test_serialize_model_round_trip_keeps_weights_and_compile():
    # R keras 2: raw <- serialize_model(model); model2 <- unserialize_model(raw)
    from pipeseq import evaluate, serialize_model, unserialize_model
    model = keras_model_sequential(input_shape=3) | layer_dense(units=4, activation="relu") \
        | layer_dense(units=1)
    model | compile(optimizer="adam", loss="mse", metrics="mae")
    x, y = np.random.default_rng(0).normal(size=(16, 3)), np.ones((16, 1))
    model | fit(x, y, epochs=1, verbose=0)
    raw = serialize_model(model)
    assert isinstance(raw, bytes) and raw[:4] == b"\x89HDF"
    model2 = unserialize_model(raw)
    np.testing.assert_allclose(model2.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)
    np.testing.assert_allclose(list(evaluate(model2, x, y, verbose=0)),
                               list(evaluate(model, x, y, verbose=0)), rtol=1e-6)
    with pytest.raises(TypeError, match="raw bytes"):
        unserialize_model("model.h5")


def test_yaml_is_refused_with_the_json_advice():
    from pipeseq import model_from_yaml, model_to_yaml
    model = keras_model_sequential(input_shape=3) | layer_dense(units=1)
    for call in (lambda: model_to_yaml(model), lambda: model_from_yaml("x")):
        with pytest.raises(NotImplementedError, match="model_to_json"):
            call()


def test_a_single_callback_needs_no_list():
    # R: model %>% fit(x, y, callbacks = callback_early_stopping(monitor = "loss"))
    from pipeseq import callback_early_stopping, callback_lambda
    model = keras_model_sequential(input_shape=3) | layer_dense(units=1)
    model | compile(optimizer="sgd", loss="mse")
    x, y = np.ones((8, 3)), np.zeros((8, 1))
    seen = []
    history = model | fit(x, y, epochs=3, verbose=0,
                          callbacks=callback_lambda(on_epoch_end=lambda epoch, logs: seen.append(epoch)))
    assert seen == [0, 1, 2] and len(history.epoch) == 3
    model | fit(x, y, epochs=2, verbose=0, callbacks=callback_early_stopping(monitor="loss"))


def test_model_checkpoint_every_n_batches_and_every_epoch(tmp_path):
    # R keras 2: callback_model_checkpoint("ckpt_{epoch}_{batch}.weights.h5", save_freq = 3)
    from pipeseq import callback_model_checkpoint
    model = keras_model_sequential(input_shape=3) | layer_dense(units=1)
    model | compile(optimizer="sgd", loss="mse")
    x, y = np.ones((20, 3)), np.zeros((20, 1))          # 4 batches of 5 an epoch
    cb = callback_model_checkpoint(str(tmp_path / "b_{epoch}_{batch}.weights.h5"),
                                   save_weights_only=True, save_freq=3.0)
    model | fit(x, y, batch_size=5, epochs=2, verbose=0, callbacks=cb)
    # 8 batches: saved after the 3rd (epoch 1, batch 3) and the 6th (epoch 2, batch 2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b_1_3.weights.h5",
                                                           "b_2_2.weights.h5"]
    cb = callback_model_checkpoint(str(tmp_path / "e_{epoch:02d}.keras"), save_freq="epoch")
    model | fit(x, y, batch_size=5, epochs=2, verbose=0, callbacks=cb)
    assert (tmp_path / "e_01.keras").exists() and (tmp_path / "e_02.keras").exists()
    with pytest.raises(ValueError, match="save_freq.*Received: save_freq='batch'"):
        callback_model_checkpoint("x.keras", save_freq="batch")


def test_get_config_is_an_r_list_and_from_config_rebuilds():
    # R: config <- get_config(model); config$layers[[2]]$config$units; from_config(config)
    from pipeseq import from_config, get_config, keras_model, layer_input
    model = keras_model_sequential(input_shape=3, name="m") | layer_dense(units=2, name="d")
    config = get_config(model)
    assert config.name == "m" and config.layers[1].config.units == 2
    rebuilt = from_config(config)
    assert type(rebuilt).__name__ == "Sequential" and rebuilt.output_shape == (None, 2)
    inputs = layer_input(shape=4)
    functional = keras_model(inputs, inputs | layer_dense(units=3))
    assert from_config(get_config(functional)).output_shape == (None, 3)
    layer = from_config(get_config(layer_dense(units=5, activation="relu")))
    assert layer.units == 5
    with pytest.raises(ValueError, match="what get_config\\(\\) returned"):
        from_config({"name": "m"})
    with pytest.raises(TypeError, match="layer or a model"):
        get_config("model")
