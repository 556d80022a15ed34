"""compat: the Keras module tree resolves, and compat objects are the engine's objects."""
import importlib
import warnings

import numpy as np
import pytest

import compat
import pipeseq
from pipeseq.layers import base as layer_base

# Every name a Keras user imports from these modules (keras.X -> compat.X).
NAMES = {
    "compat": ["models", "layers", "optimizers", "losses", "metrics", "callbacks", "initializers",
               "regularizers", "constraints", "activations", "backend", "utils", "objectives",
               "Sequential", "Model", "Input", "load_model", "model_from_json"],
    "compat.models": ["Sequential", "Model", "load_model", "model_from_json", "model_from_config",
                      "save_model"],
    "compat.layers": ["Dense", "Activation", "Dropout", "Flatten", "Reshape", "Permute",
                      "RepeatVector", "BatchNormalization", "Input", "InputLayer", "Layer",
                      "ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax", "TimeDistributedDense"],
    "compat.layers.core": ["Dense", "Activation", "Dropout", "Flatten", "Reshape"],
    "compat.layers.normalization": ["BatchNormalization"],
    "compat.layers.advanced_activations": ["LeakyReLU", "PReLU", "ELU"],
    "compat.optimizers": ["SGD", "RMSprop", "Adam", "Adagrad", "Adadelta", "Adamax", "Nadam",
                          "Optimizer", "get", "serialize", "deserialize", "sgd", "rmsprop",
                          "adam", "adagrad", "adadelta", "adamax", "nadam"],
    "compat.losses": ["categorical_crossentropy", "sparse_categorical_crossentropy",
                      "binary_crossentropy", "mean_squared_error", "mean_absolute_error",
                      "mean_absolute_percentage_error", "mean_squared_logarithmic_error",
                      "mse", "mae", "mape", "msle", "hinge", "squared_hinge",
                      "categorical_hinge", "kullback_leibler_divergence", "poisson",
                      "cosine_similarity", "logcosh", "huber", "Loss", "MeanSquaredError",
                      "CategoricalCrossentropy", "BinaryCrossentropy", "get", "serialize",
                      "deserialize"],
    "compat.objectives": ["categorical_crossentropy", "binary_crossentropy", "mse"],
    "compat.metrics": ["binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
                       "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy",
                       "mse", "mae", "mean_squared_error", "binary_crossentropy",
                       "categorical_crossentropy", "BinaryAccuracy", "CategoricalAccuracy",
                       "Metric", "Mean", "get"],
    "compat.callbacks": ["Callback", "History", "ProgbarLogger", "EarlyStopping",
                         "ModelCheckpoint", "LearningRateScheduler", "ReduceLROnPlateau",
                         "CSVLogger", "TerminateOnNaN", "LambdaCallback"],
    "compat.initializers": ["Initializer", "Zeros", "Ones", "Constant", "RandomUniform",
                            "RandomNormal", "TruncatedNormal", "VarianceScaling", "Orthogonal",
                            "Identity", "GlorotUniform", "GlorotNormal", "HeUniform",
                            "HeNormal", "LecunUniform", "LecunNormal", "zeros", "ones",
                            "zero", "one", "constant", "uniform", "normal", "random_uniform",
                            "random_normal", "glorot_uniform", "glorot_normal", "he_normal",
                            "he_uniform", "lecun_uniform", "orthogonal", "identity", "get"],
    "compat.regularizers": ["Regularizer", "L1", "L2", "L1L2", "l1", "l2", "l1_l2", "get",
                            "l1l2", "activity_l1", "activity_l2", "activity_l1l2",
                            "WeightRegularizer"],
    "compat.constraints": ["Constraint", "MaxNorm", "NonNeg", "UnitNorm", "MinMaxNorm",
                           "max_norm", "non_neg", "unit_norm", "min_max_norm", "maxnorm",
                           "nonneg", "unitnorm"],
    "compat.activations": ["relu", "sigmoid", "softmax", "tanh", "elu", "selu", "softplus",
                           "softsign", "hard_sigmoid", "linear", "exponential", "swish",
                           "gelu", "get", "serialize", "deserialize"],
    "compat.backend": ["mean", "sum", "max", "min", "square", "sqrt", "abs", "exp", "log",
                       "clip", "epsilon", "ones", "zeros", "argmax", "cast", "maximum",
                       "minimum", "pow", "sign", "round", "dot", "transpose", "reshape",
                       "concatenate", "stack", "expand_dims", "squeeze", "equal", "greater",
                       "floatx", "set_floatx", "cast_to_floatx", "batch_flatten", "flatten",
                       "image_data_format", "set_image_data_format", "image_dim_ordering",
                       "set_image_dim_ordering", "clear_session", "backend", "int_shape"],
    "compat.utils": ["to_categorical", "normalize", "np_utils"],
    "compat.utils.np_utils": ["to_categorical"],
}

# Layers from families written separately: checked when pipeseq has the class.
LATER_LAYERS = {
    "compat.layers": ["Conv1D", "Conv2D", "Conv2DTranspose", "SeparableConv2D",
                      "MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D",
                      "GlobalMaxPooling1D", "GlobalAveragePooling2D", "ZeroPadding2D",
                      "UpSampling2D", "SimpleRNN", "LSTM", "GRU", "Embedding", "Masking",
                      "TimeDistributed", "Bidirectional", "Concatenate", "Add", "Multiply",
                      "Average", "Maximum", "Dot", "Merge", "Convolution1D", "Convolution2D",
                      "Deconvolution2D", "AtrousConvolution2D", "MaxPool2D", "AvgPool2D"],
    "compat.layers.convolutional": ["Conv2D", "Convolution2D", "MaxPooling2D"],
    "compat.layers.pooling": ["MaxPooling1D", "GlobalAveragePooling2D"],
    "compat.layers.recurrent": ["LSTM", "GRU", "SimpleRNN"],
    "compat.layers.embeddings": ["Embedding"],
    "compat.layers.wrappers": ["TimeDistributed", "Bidirectional"],
    "compat.layers.merge": ["Merge", "Concatenate"],
}
_ENGINE_NAME = {"Convolution1D": "Conv1D", "Convolution2D": "Conv2D",
                "Deconvolution2D": "Conv2DTranspose", "AtrousConvolution2D": "Conv2D",
                "MaxPool2D": "MaxPooling2D", "AvgPool2D": "AveragePooling2D"}


@pytest.mark.parametrize("module,name", [(m, n) for m, ns in NAMES.items() for n in ns])
def test_keras_name_resolves(module, name):
    mod = importlib.import_module(module)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assert getattr(mod, name) is not None
    exported = getattr(mod, "__all__", None)
    if exported is not None and module not in ("compat",):
        assert name in exported or name in dir(mod), f"{module}.__all__ misses {name}"


@pytest.mark.parametrize("module,name", [(m, n) for m, ns in LATER_LAYERS.items() for n in ns])
def test_layer_from_later_family_resolves(module, name):
    if layer_base.get_layer_class(_ENGINE_NAME.get(name, name)) is None:
        pytest.skip(f"pipeseq has no {name} layer yet")
    assert getattr(importlib.import_module(module), name) is not None


def test_import_forms():
    import compat as keras
    from compat import layers, models
    assert keras.layers is layers and keras.models is models
    assert keras.layers.Dense is layers.Dense
    ns = {}
    exec("from compat.layers import *", ns)
    assert "Dense" in ns and "TimeDistributedDense" in ns
    assert keras.Sequential is models.Sequential


def test_unknown_layer_name_suggests():
    with pytest.raises(AttributeError, match="Dense"):
        compat.layers.Dence
    with pytest.raises(AttributeError):
        compat.no_such_module


def test_layer_classes_are_the_engine_classes():
    from compat import layers
    from pipeseq.layers import Dense as EngineDense, Flatten as EngineFlatten
    assert layers.Flatten is EngineFlatten          # no legacy spellings: the same class
    d = layers.Dense(3)
    assert type(d) is EngineDense                    # the wrapper returns engine objects
    assert isinstance(EngineDense(2), layers.Dense)
    assert isinstance(d, layers.Dense) and not isinstance(layers.Flatten(), layers.Dense)
    assert issubclass(EngineDense, layers.Dense)
    assert layers.Dense.from_config(d.get_config()).units == 3


def test_user_subclass_of_compat_layer_is_an_ordinary_class():
    from compat.layers import Dense

    class Twice(Dense):
        def __init__(self, units, **kwargs):
            super().__init__(units, **kwargs)
            self.tag = "twice"

    layer = Twice(4)
    assert type(layer) is Twice and layer.tag == "twice" and isinstance(layer, Dense)
    assert layer(np.ones((2, 3), "float32")).shape == (2, 4)


def test_every_registered_layer_is_exported():
    from compat import layers
    layer_base._import_all_layers()
    from pipeseq.models.model import Model
    for name, cls in layer_base.LAYER_CLASSES.items():
        if isinstance(cls, type) and not issubclass(cls, Model):
            assert name in layers.__all__, name
            assert isinstance(cls.__new__(cls), getattr(layers, name)), name


def test_models_isinstance_and_adoption(tmp_path):
    from compat import models
    from compat.layers import Dense, Input
    engine_seq = pipeseq.Sequential([pipeseq.layers.Dense(2, input_shape=(3,))])
    assert isinstance(engine_seq, models.Sequential) and isinstance(engine_seq, models.Model)
    seq = models.Sequential([Dense(2, input_shape=(3,))])
    assert isinstance(seq, pipeseq.Sequential) and type(seq).__name__ == "Sequential"
    assert seq.get_config() == pipeseq.Sequential.from_config(seq.get_config()).get_config()
    # functional models built through compat get the legacy fit spellings
    inp = Input(shape=(3,))
    fmodel = models.Model(inp, Dense(2)(inp))
    assert isinstance(fmodel, models.Model)
    fmodel.compile(optimizer="sgd", loss="mse")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        hist = fmodel.fit(np.zeros((4, 3)), np.zeros((4, 2)), nb_epoch=2, verbose=0)
    assert len(hist.history["loss"]) == 2
    # models rebuilt from JSON or loaded from a file too
    clone = models.model_from_json(seq.to_json())
    assert isinstance(clone, models.Sequential) and clone.output_shape == (None, 2)
    seq.compile(optimizer="sgd", loss="mse")
    path = str(tmp_path / "m.keras")
    seq.save(path)
    loaded = models.load_model(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        hist = loaded.fit(np.zeros((4, 3)), np.zeros((4, 2)), nb_epoch=1, verbose=0)
    assert len(hist.history["loss"]) == 1
    np.testing.assert_array_equal(loaded.get_weights()[0], seq.get_weights()[0])


def test_predict_classes_and_proba_through_compat():
    from compat.layers import Dense
    from compat.models import Sequential
    model = Sequential([Dense(3, activation="softmax", input_dim=2, kernel_initializer="ones")])
    x = np.array([[1.0, 2.0]], "float32")
    assert model.predict_proba(x, verbose=0).shape == (1, 3)
    assert model.predict_classes(x, verbose=0).shape == (1,)


def test_losses_and_metrics_are_engine_objects():
    from compat import losses, metrics, optimizers
    from pipeseq.training import losses as eng_losses
    assert losses.mean_squared_error is eng_losses.mean_squared_error
    assert losses.mse is losses.mean_squared_error
    assert metrics.mse is losses.mse
    assert eng_losses.get(losses.categorical_crossentropy).fn_name == "categorical_crossentropy"
    assert isinstance(optimizers.get("adam"), optimizers.Adam)


def test_activation_functions_compute_and_are_recognised_by_layers():
    from compat import activations
    from compat.layers import Dense
    x = np.array([-2.0, 0.5], "float32")
    np.testing.assert_allclose(activations.relu(x), [0.0, 0.5])
    np.testing.assert_allclose(activations.relu(x, alpha=0.1), [-0.2, 0.5], rtol=1e-6)
    np.testing.assert_allclose(activations.sigmoid(x), 1 / (1 + np.exp(-x)), rtol=1e-6)
    np.testing.assert_allclose(activations.softmax(np.array([[0.0, 0.0]])), [[0.5, 0.5]])
    assert activations.relu(x).dtype == np.float32
    layer = Dense(2, activation=activations.tanh)
    assert layer.get_config()["activation"] == "tanh"
    assert activations.get("relu") is activations.relu
    with pytest.raises(ValueError, match="relu"):
        activations.get("rellu")


def test_backend_settings_and_clear_session():
    from compat import backend as K
    from compat.layers import Dense
    assert K.backend() == "numpy" and K.image_data_format() == "channels_last"
    K.clear_session()
    assert Dense(2).name == "dense"
    assert Dense(2).name == "dense_1"
    K.clear_session()
    assert Dense(2).name == "dense"


def test_utils_to_categorical_paths():
    from compat.utils import to_categorical
    from compat.utils.np_utils import to_categorical as old
    assert old is to_categorical
    np.testing.assert_array_equal(to_categorical(np.array([[1], [0]]), 2), [[0, 1], [1, 0]])


def test_keras_layer_pipeseq_lacks_raises_naming_it():
    from compat import layers
    from pipeseq.r.layers import LayerNotAvailableError
    missing = sorted(n for n in layers.KERAS_LAYER_NAMES
                     if layer_base.get_layer_class(n) is None and n not in layers.__all__)
    if not missing:
        pytest.skip("pipeseq has every Keras layer class")
    with pytest.raises(LayerNotAvailableError, match=f"pipeseq layer class '{missing[0]}' is not"):
        exec(f"from compat.layers import {missing[0]}", {})
