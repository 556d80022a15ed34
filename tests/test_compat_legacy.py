"""compat: Keras 1/2 spellings map to the right modern arguments, warn once, and bad input fails."""
import warnings

import numpy as np
import pytest

from compat import _legacy
from compat import backend as K
from compat import layers, optimizers, regularizers
from compat.models import Sequential
from pipeseq import initializers
from pipeseq.layers import base as layer_base


@pytest.fixture(autouse=True)
def _quiet_and_fresh():
    _legacy.reset_warnings()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield
    _legacy.reset_warnings()


def _need(name):
    if layer_base.get_layer_class(name) is None:
        pytest.skip(f"pipeseq has no {name} layer yet")


def _cfg(layer):
    return layer.get_config()


# ----------------------------------------------------------- mappings
def test_dense_init_uniform_is_random_uniform_005():
    layer = layers.Dense(10, init="uniform", input_dim=20)
    init = layer.kernel_initializer
    assert isinstance(init, initializers.RandomUniform)
    assert (init.minval, init.maxval) == (-0.05, 0.05)
    layer.build((None, 20))
    assert np.abs(layer.kernel.value).max() <= 0.05


def test_dense_init_normal_is_random_normal_005():
    init = layers.Dense(4, init="normal").kernel_initializer
    assert isinstance(init, initializers.RandomNormal)
    assert (init.mean, init.stddev) == (0.0, 0.05)


def test_dense_keras1_arguments():
    layer = layers.Dense(output_dim=7, W_regularizer=regularizers.l2(0.01),
                         b_regularizer=regularizers.l1(0.5), bias=True, input_dim=3)
    cfg = _cfg(layer)
    assert cfg["units"] == 7 and cfg["use_bias"] is True
    assert cfg["kernel_regularizer"]["config"] == {"l2": 0.01}
    assert cfg["bias_regularizer"]["config"] == {"l1": 0.5}
    assert cfg["batch_input_shape"] == [None, 3]
    assert _cfg(layers.Dense(2, bias=False))["use_bias"] is False


def test_dropout_p_is_rate():
    assert layers.Dropout(p=0.3).rate == 0.3
    assert layers.Dropout(0.25).rate == 0.25


def test_convolution2d_keras1_form():
    _need("Conv2D")
    cfg = _cfg(layers.Convolution2D(32, 3, 3, border_mode="same", subsample=(2, 2),
                                    dim_ordering="th"))
    assert cfg["filters"] == 32 and tuple(cfg["kernel_size"]) == (3, 3)
    assert cfg["padding"] == "same" and tuple(cfg["strides"]) == (2, 2)
    assert cfg["data_format"] == "channels_first"
    tf = _cfg(layers.Convolution2D(8, 5, 3, dim_ordering="tf"))
    assert tuple(tf["kernel_size"]) == (5, 3) and tf["data_format"] == "channels_last"
    kw = _cfg(layers.Convolution2D(nb_filter=4, nb_row=2, nb_col=3, init="he_normal"))
    assert kw["filters"] == 4 and tuple(kw["kernel_size"]) == (2, 3)
    assert kw["kernel_initializer"]["class_name"] == "HeNormal"
    mixed = _cfg(layers.Conv2D(4, 2, nb_col=5))
    assert tuple(mixed["kernel_size"]) == (2, 5)
    # Keras 2 read Conv2D(32, 3, 3) as a 3x3 kernel too; the modern form is untouched.
    assert tuple(_cfg(layers.Conv2D(32, 3, 3))["kernel_size"]) == (3, 3)
    assert tuple(_cfg(layers.Conv2D(32, (3, 3), strides=2))["strides"]) == (2, 2)


def test_convolution2d_channels_first_builds_on_th_input():
    _need("Conv2D")
    layer = layers.Convolution2D(4, 3, 3, border_mode="valid", dim_ordering="th")
    out = layer(np.zeros((2, 3, 10, 10), "float32"))
    assert out.shape == (2, 4, 8, 8)


def test_convolution1d_keras1_form():
    _need("Conv1D")
    cfg = _cfg(layers.Convolution1D(nb_filter=8, filter_length=5, border_mode="same",
                                    subsample_length=2))
    assert cfg["filters"] == 8 and tuple(cfg["kernel_size"]) == (5,)
    assert cfg["padding"] == "same" and tuple(cfg["strides"]) == (2,)
    assert tuple(_cfg(layers.Convolution1D(3, 4))["kernel_size"]) == (4,)


def test_atrous_and_deconvolution():
    _need("Conv2DTranspose")
    cfg = _cfg(layers.AtrousConvolution2D(4, 3, 3, atrous_rate=(2, 2)))
    assert tuple(cfg["dilation_rate"]) == (2, 2)
    d = _cfg(layers.Deconvolution2D(4, 3, 3, output_shape=(None, 4, 9, 9), subsample=(2, 2)))
    assert tuple(d["strides"]) == (2, 2) and tuple(d["kernel_size"]) == (3, 3)


def test_pooling_keras1_forms():
    _need("MaxPooling2D")
    cfg = _cfg(layers.MaxPooling2D(pool_size=(2, 2), strides=(1, 1), border_mode="same",
                                   dim_ordering="th"))
    assert cfg["padding"] == "same" and tuple(cfg["strides"]) == (1, 1)
    assert cfg["data_format"] == "channels_first"
    one = _cfg(layers.MaxPooling1D(pool_length=3, stride=1, border_mode="valid"))
    assert tuple(one["pool_size"]) == (3,) and tuple(one["strides"]) == (1,)
    default = _cfg(layers.MaxPooling2D((2, 2), dim_ordering="default"))
    assert default["data_format"] == "channels_last"


def test_lstm_keras1_arguments():
    _need("LSTM")
    layer = layers.LSTM(output_dim=8, inner_activation="hard_sigmoid", init="uniform",
                        inner_init="orthogonal", dropout_W=0.1, dropout_U=0.2,
                        W_regularizer=regularizers.l2(0.1), forget_bias_init="one")
    cfg = _cfg(layer)
    assert cfg["units"] == 8
    # Keras 1's hard_sigmoid had slope 0.2: its own name keeps the function.
    assert cfg["recurrent_activation"] == "legacy_hard_sigmoid"
    assert cfg["kernel_initializer"]["class_name"] == "RandomUniform"
    assert cfg["recurrent_initializer"]["class_name"] == "Orthogonal"
    assert (cfg["dropout"], cfg["recurrent_dropout"]) == (0.1, 0.2)
    assert cfg["kernel_regularizer"]["config"] == {"l2": 0.1}
    assert cfg["unit_forget_bias"] is True
    # modern code keeps Keras 3's hard_sigmoid
    assert _cfg(layers.LSTM(2, recurrent_activation="hard_sigmoid"))["recurrent_activation"] \
        == "hard_sigmoid"


def test_legacy_hard_sigmoid_is_the_slope_02_function():
    _need("GRU")
    layer = layers.GRU(2, inner_activation="hard_sigmoid")
    x = np.array([-1.0, 0.0, 1.0], "float32")
    np.testing.assert_allclose(layer.recurrent_activation(x), [0.3, 0.5, 0.7], rtol=1e-6)


def test_recurrent_input_dim_and_length():
    _need("SimpleRNN")
    assert layers.SimpleRNN(output_dim=4, input_dim=3, input_length=5)._batch_input_shape \
        == (None, 5, 3)
    assert layers.LSTM(4, input_dim=3)._batch_input_shape == (None, None, 3)
    model = Sequential()
    model.add(layers.LSTM(32, input_length=10, input_dim=64))
    assert model.input_shape == (None, 10, 64) and model.output_shape == (None, 32)


def test_lstm_consume_less_is_implementation():
    _need("LSTM")
    from compat.layers import _specs
    engine = layer_base.get_layer_class("LSTM")
    for value, impl in (("cpu", 0), ("mem", 1), ("gpu", 2)):
        _, kw = _legacy.translate("LSTM", _specs.GATED_RNN, engine, (4,), {"consume_less": value})
        assert kw == {"units": 4, "implementation": impl}
    assert layers.LSTM(4, consume_less="gpu").units == 4   # accepted by the engine


def test_embedding_keras1_arguments():
    _need("Embedding")
    layer = layers.Embedding(100, 8, input_length=10, init="normal", dropout=0.0)
    cfg = _cfg(layer)
    assert (cfg["input_dim"], cfg["output_dim"]) == (100, 8)
    assert cfg["embeddings_initializer"]["class_name"] == "RandomNormal"
    model = Sequential([layer])
    assert model.output_shape == (None, 10, 8)


def test_batchnormalization_keras1_arguments():
    cfg = _cfg(layers.BatchNormalization(beta_init="ones", gamma_init="zeros", mode=0))
    assert cfg["beta_initializer"]["class_name"] == "Ones"
    assert cfg["gamma_initializer"]["class_name"] == "Zeros"


def test_time_distributed_dense():
    _need("TimeDistributed")
    layer = layers.TimeDistributedDense(5, input_dim=3, input_length=4, init="uniform")
    assert type(layer).__name__ == "TimeDistributed"
    assert layer.layer.units == 5
    assert isinstance(layer.layer.kernel_initializer, initializers.RandomUniform)
    model = Sequential([layer])
    assert model.output_shape == (None, 4, 5)


def test_optimizers_lr_and_decay():
    sgd = optimizers.SGD(lr=0.1, decay=1e-6, momentum=0.9, nesterov=True)
    cfg = sgd.get_config()
    assert cfg["learning_rate"] == pytest.approx(0.1)
    assert (sgd.momentum, sgd.nesterov, sgd.decay) == (0.9, True, 1e-6)
    for cls in (optimizers.RMSprop, optimizers.Adam, optimizers.Adagrad, optimizers.Adadelta,
                optimizers.Adamax, optimizers.Nadam):
        opt = cls(lr=0.02)
        assert type(opt).__name__ == cls.__name__
        assert opt.get_config()["learning_rate"] == pytest.approx(0.02)
    assert isinstance(optimizers.Adam(lr=0.1), optimizers.Adam)


def test_fit_nb_epoch_and_evaluate_show_accuracy():
    model = Sequential([layers.Dense(1, input_dim=2, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    x, y = np.random.random((16, 2)), np.random.randint(2, size=(16, 1))
    hist = model.fit(x, y, nb_epoch=3, batch_size=8, verbose=0)
    assert len(hist.history["loss"]) == 3
    hist = model.fit(x, y, 8, 2, 0)          # positional (batch_size, epochs, verbose)
    assert len(hist.history["loss"]) == 2
    a = model.evaluate(x, y, show_accuracy=True, verbose=0)
    b = model.evaluate(x, y, verbose=0)
    assert a == b and len(a) == 2


def test_set_image_dim_ordering_th_sets_default_data_format():
    _need("Conv2D")
    K.set_image_dim_ordering("th")
    assert K.image_data_format() == "channels_first" and K.image_dim_ordering() == "th"
    model = Sequential()
    model.add(layers.Convolution2D(4, 3, 3, border_mode="valid", input_shape=(3, 12, 12)))
    model.add(layers.MaxPooling2D(pool_size=(2, 2)))
    assert model.output_shape == (None, 4, 5, 5)
    K.set_image_dim_ordering("tf")
    assert K.image_data_format() == "channels_last" and K.image_dim_ordering() == "tf"


def test_regularizer_and_constraint_keras1_names():
    from compat import constraints
    assert regularizers.l1l2(0.1, 0.2).get_config() == {"l1": 0.1, "l2": 0.2}
    assert regularizers.activity_l2(0.3).get_config() == {"l2": 0.3}
    assert constraints.maxnorm(3).get_config()["max_value"] == 3
    assert constraints.MaxNorm(m=4).get_config()["max_value"] == 4


def test_callbacks_keras2_arguments():
    from compat import callbacks
    cb = callbacks.ReduceLROnPlateau(epsilon=0.01)
    assert abs(cb.min_delta) == 0.01 and isinstance(cb, callbacks.ReduceLROnPlateau)
    with pytest.raises(ValueError, match="period"):
        callbacks.ModelCheckpoint("x.keras", period=5)


# ----------------------------------------------------------- warnings
def _recorded(fn):
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        fn()
    return [w for w in rec if issubclass(w.category, DeprecationWarning)]


def test_each_spelling_warns_once_naming_the_modern_one():
    _legacy.reset_warnings()
    first = _recorded(lambda: layers.Dense(3, init="uniform"))
    assert len(first) == 1
    assert "`init`" in str(first[0].message) and "`kernel_initializer`" in str(first[0].message)
    assert first[0].filename == __file__          # attributed to the user's line
    assert _recorded(lambda: layers.Dense(3, init="uniform")) == []
    # another spelling still warns, once
    assert len(_recorded(lambda: layers.Dropout(p=0.1))) == 1
    assert _recorded(lambda: layers.Dropout(p=0.1)) == []
    model = Sequential([layers.Dense(1, input_dim=1)])
    model.compile(optimizer="sgd", loss="mse")
    fit = lambda: model.fit(np.zeros((2, 1)), np.zeros((2, 1)), nb_epoch=1, verbose=0)  # noqa: E731
    w = _recorded(fit)
    assert len(w) == 1 and "`epochs`" in str(w[0].message)
    assert _recorded(fit) == []


def test_optimizer_lr_warns_once():
    _legacy.reset_warnings()
    w = _recorded(lambda: optimizers.SGD(lr=0.1))
    assert len(w) == 1 and "learning_rate" in str(w[0].message)
    assert _recorded(lambda: optimizers.Adam(lr=0.1)) == []


def test_modern_spellings_do_not_warn():
    _legacy.reset_warnings()
    assert _recorded(lambda: layers.Dense(3, kernel_initializer="uniform", input_dim=2)) == []
    assert _recorded(lambda: optimizers.SGD(learning_rate=0.1, momentum=0.9)) == []


# ----------------------------------------------------------- bad input
def test_unknown_legacy_argument_names_it_and_accepted_ones():
    with pytest.raises(TypeError) as err:
        layers.Dense(3, nb_filter=4)
    msg = str(err.value)
    assert "nb_filter" in msg and "units" in msg and "kernel_initializer" in msg
    assert "output_dim" in msg and "init" in msg          # the accepted legacy spellings
    with pytest.raises(TypeError, match="subsample_lenght"):
        layers.Convolution1D(4, 3, subsample_lenght=2) if layer_base.get_layer_class("Conv1D") \
            else layers.Dense(3, subsample_lenght=2)
    model = Sequential([layers.Dense(1, input_dim=1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(TypeError, match="nb_epochs.*epochs"):
        model.fit(np.zeros((2, 1)), np.zeros((2, 1)), nb_epochs=1)


@pytest.mark.parametrize("make", [
    lambda: layers.Dense(3, output_dim=3),
    lambda: layers.Dense(units=3, output_dim=4),
    lambda: layers.Dense(3, init="uniform", kernel_initializer="zeros"),
    lambda: layers.Dropout(0.5, p=0.5),
    lambda: optimizers.SGD(lr=0.1, learning_rate=0.1),
    lambda: optimizers.Adam(0.1, lr=0.1),
], ids=["dense-positional", "dense-kw", "init", "dropout", "sgd-lr", "adam-positional-lr"])
def test_conflicting_spellings_raise(make):
    with pytest.raises(TypeError, match="Pass only|multiple values"):
        make()


def test_conflicting_fit_spellings_raise():
    model = Sequential([layers.Dense(1, input_dim=1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.zeros((2, 1))
    with pytest.raises(TypeError, match="nb_epoch.*epochs"):
        model.fit(x, x, nb_epoch=2, epochs=2, verbose=0)
    with pytest.raises(TypeError, match="nb_epoch.*epochs"):
        model.fit(x, x, 1, 3, nb_epoch=2, verbose=0)   # epochs given positionally


def test_conflicting_conv_and_rnn_spellings_raise():
    _need("Conv2D")
    with pytest.raises(TypeError, match="kernel_size"):
        layers.Convolution2D(8, 3, 3, kernel_size=3)
    with pytest.raises(TypeError, match="nb_row"):
        layers.Convolution2D(8, nb_row=3)
    with pytest.raises(TypeError, match="border_mode.*padding"):
        layers.Convolution2D(8, 3, 3, border_mode="same", padding="same")
    with pytest.raises(TypeError, match="input_shape"):
        layers.LSTM(4, input_dim=3, input_shape=(5, 3))


def test_removed_arguments_with_a_real_effect_raise():
    with pytest.raises(ValueError, match="mode"):
        layers.BatchNormalization(mode=2)
    _need("Embedding")
    with pytest.raises(ValueError, match="SpatialDropout1D"):
        layers.Embedding(10, 2, dropout=0.2)


def test_bad_dim_ordering_values():
    with pytest.raises(ValueError, match="'th'"):
        K.set_image_dim_ordering("channels_first")
    _need("Conv2D")
    with pytest.raises(ValueError):
        layers.Convolution2D(4, 3, 3, dim_ordering="xy")


def test_keras1_functional_spellings():
    _need("Concatenate")
    from compat.layers import Input, concatenate, merge
    from compat.models import Model
    a, b = Input(shape=(3,)), Input(shape=(2,))
    assert merge([a, b], mode="concat").shape == (None, 5)     # Keras 1's merge()
    model = Model(input=[a, b], output=layers.Dense(1)(concatenate([a, b])))
    assert model.output_shape == (None, 1)
    with pytest.raises(TypeError, match="Pass only `inputs`"):
        Model(input=a, inputs=a, outputs=a)
    from compat.layers.merge import Concatenate
    assert Concatenate is layers.Concatenate


def test_modern_positional_forms_still_work():
    assert layers.Dense(3, "relu").get_config()["activation"] == "relu"
    assert optimizers.SGD(0.2).get_config()["learning_rate"] == pytest.approx(0.2)
