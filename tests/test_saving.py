"""Round trips through every file format (for every layer class the Keras fixtures use),
JSON configs, ModelCheckpoint files and the inspect command."""
import json
import os

import numpy as np
import pytest

from pipeseq import Sequential, ops
from pipeseq.custom_objects import register_keras_serializable
from pipeseq.layers import Dense, Layer
from pipeseq.saving import api
from pipeseq.saving.inspect import main_inspect

from .test_keras_files import FIX, MODELS, inputs_of, require_classes

FORMATS = {"keras": ("m.keras", "model"), "legacy_model": ("m.h5", "model"),
           "keras3_weights": ("w.weights.h5", "weights"), "legacy_weights": ("w.h5", "weights")}
ROUND = [(m, f) for m in sorted(MODELS) for f in FORMATS]


def _outputs(model, x):
    y = model.predict(x, verbose=0)
    return y if isinstance(y, list) else [y]


@pytest.mark.parametrize("model_name,fmt", ROUND, ids=[f"{m}-{f}" for m, f in ROUND])
def test_round_trip_identical_outputs(model_name, fmt, tmp_path):
    require_classes(model_name)
    src = api.load_model(os.path.join(FIX, model_name + ".keras"))
    x, _ = inputs_of(model_name)
    fname, kind = FORMATS[fmt]
    p = str(tmp_path / fname)
    if kind == "model":
        src.save(p)
        back = api.load_model(p)
        assert [type(l).__name__ for l in back.layers] == [type(l).__name__ for l in src.layers]
        assert back.get_config() == src.get_config()
    else:
        src.save_weights(p)
        back = api.model_from_json(src.to_json())      # fresh random weights
        back.load_weights(p)
    for a, b in zip(_outputs(back, x), _outputs(src, x)):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(back.get_weights(), src.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_to_json_is_keras3_and_model_from_json_rebuilds():
    m = Sequential([Dense(3, activation="tanh", input_shape=(4,)), Dense(1)])
    cfg = json.loads(m.to_json())
    assert list(cfg) == ["module", "class_name", "config", "registered_name", "build_config",
                         "compile_config"]
    assert cfg["config"]["layers"][0]["class_name"] == "InputLayer"
    assert cfg["config"]["layers"][1]["config"]["dtype"] == {
        "module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
        "registered_name": None}
    assert "batch_input_shape" not in cfg["config"]["layers"][1]["config"]
    m2 = api.model_from_json(m.to_json())
    assert m2.get_config() == m.get_config()


def test_keras1_and_keras2_json_configs():
    keras2 = {"class_name": "Sequential", "keras_version": "2.4.0", "backend": "tensorflow",
              "config": {"name": "s", "layers": [
                  {"class_name": "Dense", "config": {"name": "d", "units": 3, "dtype": "float32",
                                                     "batch_input_shape": [None, 4],
                                                     "activation": "hard_sigmoid"}}]}}
    m = api.model_from_json(json.dumps(keras2))
    assert m.layers[0].activation.name == "legacy_hard_sigmoid"
    assert m.input_shape == (None, 4)
    keras1 = {"class_name": "Sequential", "keras_version": "1.2.2", "config": [
        {"class_name": "Dense", "config": {"name": "d1", "output_dim": 5, "input_dim": 4,
                                           "init": "glorot_uniform", "activation": "relu",
                                           "batch_input_shape": [None, 4]}},
        {"class_name": "Dense", "config": {"name": "d2", "output_dim": 2}}]}
    m = api.model_from_json(json.dumps(keras1))
    assert [l.units for l in m.layers] == [5, 2]


def test_compiled_model_keeps_compile_and_optimizer_state(tmp_path):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(16, 4)).astype("float32"), rng.normal(size=(16, 1)).astype("float32")
    m = Sequential([Dense(3, activation="tanh", input_shape=(4,)), Dense(1)])
    m.compile(optimizer="adam", loss="mse")
    m.fit(x, y, epochs=2, batch_size=8, verbose=0)
    for name in ("m.keras", "m.h5"):
        p = str(tmp_path / name)
        m.save(p)
        back = api.load_model(p)
        assert back.compiled and type(back.optimizer).__name__ == "Adam"
        np.testing.assert_array_equal(back.predict(x, verbose=0), m.predict(x, verbose=0))
    back = api.load_model(str(tmp_path / "m.keras"))
    assert back.optimizer.iterations == m.optimizer.iterations
    h1 = m.fit(x, y, epochs=1, batch_size=8, verbose=0, shuffle=False).history["loss"]
    h2 = back.fit(x, y, epochs=1, batch_size=8, verbose=0, shuffle=False).history["loss"]
    np.testing.assert_allclose(h1, h2, rtol=1e-6)          # Adam moments were restored


def test_model_checkpoint_writes_loadable_files(tmp_path):
    from pipeseq.training.callbacks import ModelCheckpoint
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(8, 4)).astype("float32"), rng.normal(size=(8, 1)).astype("float32")
    m = Sequential([Dense(2, input_shape=(4,)), Dense(1)])
    m.compile(optimizer="sgd", loss="mse")
    pm, pw = str(tmp_path / "ck.keras"), str(tmp_path / "ck.weights.h5")
    m.fit(x, y, epochs=2, verbose=0, callbacks=[ModelCheckpoint(pm, monitor="loss"),
                                                ModelCheckpoint(pw, monitor="loss",
                                                                save_weights_only=True)])
    np.testing.assert_array_equal(api.load_model(pm).predict(x, verbose=0), m.predict(x, verbose=0))
    fresh = Sequential([Dense(2, input_shape=(4,)), Dense(1)])
    fresh.load_weights(pw)
    np.testing.assert_array_equal(fresh.predict(x, verbose=0), m.predict(x, verbose=0))


@pytest.mark.parametrize("name", ["m.keras", "m.h5", "w.weights.h5", "w.h5"])
def test_inspect_prints_summary_or_weight_table(tmp_path, name):
    m = Sequential([Dense(3, input_shape=(4,), name="first"), Dense(1, name="second")])
    p = str(tmp_path / name)
    (m.save if name.startswith("m") else m.save_weights)(p)
    lines = []
    assert main_inspect(p, print_fn=lines.append) == 0
    text = "\n".join(lines)
    assert "first" in text and "second" in text
    if name.startswith("w"):
        assert "(4, 3)" in text and "float32" in text
    else:
        assert "Total params: 19" in text


def test_inspect_reports_errors(tmp_path):
    p = str(tmp_path / "junk.h5")
    open(p, "wb").write(b"junk")
    lines = []
    assert main_inspect(p, print_fn=lines.append) == 1
    assert "error" in lines[0]


# ---------------------------------------------------------------- every registered layer class
from pipeseq import Input, Model  # noqa: E402
from pipeseq.layers import base as layers_base  # noqa: E402


def _seq(*layers):
    return lambda: {"layers": [Dense(3, input_shape=(4,)), *[f() for f in layers]]}


def _lstm(**kw):
    from pipeseq.layers import LSTM
    return LSTM(3, **kw)


def _d(units=3, **kw):
    return Dense(units, activation="tanh", **kw)


# {class name: (constructor kwargs, or a function returning them; input shape without the batch
# axis, or a list of shapes for layers with several inputs)}. Every class registered in
# pipeseq.layers.base.LAYER_CLASSES must be here (aliases share their class's entry).
@register_keras_serializable(package="tests")
def affine_for_lambda(x):
    """A named function: a saved Lambda finds it through the registry when loading."""
    return x * 2.0 + 1.0


@register_keras_serializable(package="tests")
class TwoStateCell(Layer):
    """A user-written cell (tf_keras's AbstractRNNCell): saved and reloaded inside RNN."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    @property
    def state_size(self):
        return [self.units, self.units]

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), name="w")

    def call(self, inputs, states):
        c = ops.tanh(ops.matmul(inputs, self.w) + states[1])
        h = ops.sigmoid(states[0] + c)
        return h, [h, c]

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def _cells():
    from pipeseq.layers import GRUCell, LSTMCell, SimpleRNNCell
    return {"rnn_list": [LSTMCell(3), GRUCell(2)], "stack": [SimpleRNNCell(2), LSTMCell(3)]}


# Cells are saved inside an RNN layer.
RNN_CELL_CLASSES = ("SimpleRNNCell", "LSTMCell", "GRUCell", "StackedRNNCells", "AbstractRNNCell")

LAYER_TABLE = {
    "InputLayer": ({"shape": (4,)}, (4,)),
    "Sequential": (lambda: {"layers": [Dense(3, input_shape=(4,)), Dense(2)]}, (4,)),
    "Functional": ({}, (4,)),        # built by _build_model: a functional model over Dense
    "Dense": ({"units": 3, "activation": "relu", "kernel_regularizer": "l2",
               "bias_constraint": "non_neg"}, (4,)),
    "Activation": ({"activation": "swish"}, (4,)),
    "Dropout": ({"rate": 0.3, "noise_shape": (None, 1), "seed": 3}, (4,)),
    "Flatten": ({}, (2, 3)),
    "Reshape": ({"target_shape": (3, 2)}, (6,)),
    "RepeatVector": ({"n": 3}, (4,)),
    "Permute": ({"dims": (2, 1)}, (2, 3)),
    "ReLU": ({"max_value": 2.0, "negative_slope": 0.1, "threshold": 0.2}, (4,)),
    "LeakyReLU": ({"negative_slope": 0.2}, (4,)),
    "ELU": ({"alpha": 0.7}, (4,)),
    "Softmax": ({"axis": -1}, (4,)),
    "PReLU": ({"shared_axes": [1]}, (3, 2)),
    "BatchNormalization": ({"momentum": 0.9, "epsilon": 0.01, "center": False}, (4,)),
    "LayerNormalization": ({"epsilon": 0.01}, (3, 4)),
    "LayerScale": ({"init_values": 0.1, "projection_dim": 4}, (3, 4)),
    "Rescaling": ({"scale": 0.5, "offset": 1.0}, (3, 4)),
    "CustomScaleLayer": ({"scale": 0.17}, [(3,), (3,)]),
    "Normalization": ({"axis": -1}, (3, 4)),
    "SimpleRNN": ({"units": 3, "return_sequences": True}, (4, 2)),
    "SimpleRNNCell": ({"units": 3, "activation": "relu"}, (4, 2)),
    "LSTMCell": ({"units": 3, "unit_forget_bias": False}, (4, 2)),
    "GRUCell": ({"units": 3, "reset_after": False}, (4, 2)),
    "StackedRNNCells": (lambda: {"cells": _cells()["stack"]}, (4, 2)),
    "AbstractRNNCell": ({"units": 2}, (4, 2)),
    "RNN": (lambda: {"cell": _cells()["rnn_list"], "return_sequences": True,
                     "go_backwards": True}, (4, 2)),
    "LSTM": ({"units": 3, "go_backwards": True, "recurrent_activation": "hard_sigmoid"}, (4, 2)),
    "GRU": ({"units": 3, "reset_after": False, "return_sequences": True}, (4, 2)),
    "Embedding": ({"input_dim": 7, "output_dim": 3, "mask_zero": True}, (4,)),
    "Masking": ({"mask_value": 0.0}, (4, 2)),
    "TimeDistributed": (lambda: {"layer": _d(3)}, (4, 2)),
    "Bidirectional": (lambda: {"layer": _lstm(return_sequences=True), "merge_mode": "ave"},
                      (4, 2)),
    "Conv1D": ({"filters": 2, "kernel_size": 2, "padding": "causal", "dilation_rate": 2},
               (6, 3)),
    "Conv2D": ({"filters": 2, "kernel_size": (2, 3), "strides": 2, "padding": "same"},
               (5, 5, 3)),
    "Conv1DTranspose": ({"filters": 2, "kernel_size": 3, "strides": 2}, (4, 3)),
    "Conv2DTranspose": ({"filters": 2, "kernel_size": 2, "strides": (2, 1), "padding": "same"},
                        (3, 3, 2)),
    "DepthwiseConv2D": ({"kernel_size": 2, "depth_multiplier": 2}, (4, 4, 2)),
    "SeparableConv2D": ({"filters": 3, "kernel_size": 2, "depth_multiplier": 2}, (4, 4, 2)),
    "MaxPooling1D": ({"pool_size": 2, "padding": "same"}, (5, 2)),
    "MaxPooling2D": ({"pool_size": 2, "strides": 1}, (4, 4, 2)),
    "AveragePooling1D": ({"pool_size": 3, "strides": 1}, (5, 2)),
    "AveragePooling2D": ({"pool_size": 2, "padding": "same"}, (5, 5, 2)),
    "GlobalMaxPooling1D": ({"keepdims": True}, (5, 2)),
    "GlobalMaxPooling2D": ({}, (4, 4, 2)),
    "GlobalAveragePooling1D": ({}, (5, 2)),
    "GlobalAveragePooling2D": ({"keepdims": True}, (4, 4, 2)),
    "UpSampling1D": ({"size": 3}, (4, 2)),
    "UpSampling2D": ({"size": (2, 1), "interpolation": "bilinear"}, (3, 3, 2)),
    "ZeroPadding1D": ({"padding": (1, 2)}, (4, 2)),
    "ZeroPadding2D": ({"padding": ((1, 0), (0, 2))}, (3, 3, 2)),
    "Cropping1D": ({"cropping": (1, 2)}, (6, 2)),
    "Cropping2D": ({"cropping": ((1, 0), (0, 1))}, (4, 4, 2)),
    "GaussianNoise": ({"stddev": 0.3, "seed": 1}, (4,)),
    "GaussianDropout": ({"rate": 0.2, "seed": 1}, (4,)),
    "AlphaDropout": ({"rate": 0.2, "seed": 1}, (4,)),
    "SpatialDropout1D": ({"rate": 0.2}, (4, 3)),
    "SpatialDropout2D": ({"rate": 0.2}, (3, 3, 2)),
    "Identity": ({}, (4,)),
    "Add": ({}, [(4,), (4,)]),
    "Subtract": ({}, [(4,), (4,)]),
    "Multiply": ({}, [(4,), (4,)]),
    "Average": ({}, [(4,), (4,)]),
    "Maximum": ({}, [(4,), (4,)]),
    "Minimum": ({}, [(4,), (4,)]),
    "Concatenate": ({"axis": 1}, [(2, 3), (1, 3)]),
    "Dot": ({"axes": (2, 2), "normalize": True}, [(3, 4), (2, 4)]),
    "Lambda": ({"function": affine_for_lambda}, (4,)),
    "EinsumDense": ({"equation": "abc,cde->abde", "output_shape": (None, 2, 3),
                     "bias_axes": "de", "activation": "relu"}, (3, 4)),
    "Attention": ({"use_scale": True, "score_mode": "concat"}, [(3, 4), (5, 4)]),
    "AdditiveAttention": ({"dropout": 0.1}, [(3, 4), (5, 4), (5, 4)]),
    "MultiHeadAttention": ({"num_heads": 2, "key_dim": 3, "value_dim": 2, "output_shape": 5},
                           [(3, 4), (5, 6), (5, 2)]),
    "ConvLSTM1D": ({"filters": 2, "kernel_size": 2, "return_sequences": True}, (3, 4, 2)),
    "ConvLSTM2D": ({"filters": 2, "kernel_size": 2, "padding": "same", "go_backwards": True},
                   (2, 3, 3, 1)),
    "ConvLSTM3D": ({"filters": 1, "kernel_size": 2, "data_format": "channels_first"},
                   (2, 1, 3, 2, 2)),
    "Conv3D": ({"filters": 2, "kernel_size": 2, "strides": (1, 2, 1), "padding": "same"},
               (3, 4, 3, 2)),
    "Conv3DTranspose": ({"filters": 2, "kernel_size": 2, "strides": 2}, (2, 2, 2, 2)),
    "DepthwiseConv1D": ({"kernel_size": 2, "depth_multiplier": 2}, (5, 2)),
    "SeparableConv1D": ({"filters": 3, "kernel_size": 2, "depth_multiplier": 2}, (5, 2)),
    "MaxPooling3D": ({"pool_size": 2, "padding": "same"}, (3, 4, 3, 2)),
    "AveragePooling3D": ({"pool_size": (2, 1, 2)}, (4, 3, 4, 2)),
    "GlobalMaxPooling3D": ({"keepdims": True}, (2, 3, 2, 2)),
    "GlobalAveragePooling3D": ({}, (2, 3, 2, 2)),
    "UpSampling3D": ({"size": (1, 2, 2)}, (2, 2, 2, 1)),
    "ZeroPadding3D": ({"padding": (1, 0, 2)}, (2, 2, 2, 1)),
    "Cropping3D": ({"cropping": ((1, 0), (0, 1), 1)}, (3, 3, 4, 1)),
    "GroupNormalization": ({"groups": 2, "epsilon": 0.01}, (3, 4)),
    "UnitNormalization": ({"axis": [1, 2]}, (3, 4)),
    "ActivityRegularization": ({"l1": 0.01, "l2": 0.1}, (4,)),
    "SpatialDropout3D": ({"rate": 0.2}, (2, 2, 2, 3)),
    "StochasticDepth": ({"drop_path_rate": 0.1}, (3, 4)),
    "RMSNormalization": ({"axis": [1, 2], "epsilon": 0.01}, (3, 4)),
    "AdaptiveAveragePooling1D": ({"output_size": 2}, (5, 2)),
    "AdaptiveAveragePooling2D": ({"output_size": (2, 3)}, (5, 4, 2)),
    "AdaptiveAveragePooling3D": ({"output_size": 2}, (3, 4, 3, 2)),
    "AdaptiveMaxPooling1D": ({"output_size": 3}, (5, 2)),
    "AdaptiveMaxPooling2D": ({"output_size": 2, "data_format": "channels_first"}, (2, 5, 4)),
    "AdaptiveMaxPooling3D": ({"output_size": (1, 2, 2)}, (3, 4, 3, 2)),
    "TFOpLambda": ({"function": "math.tanh"}, (4,)),
    "ThresholdedReLU": ({"theta": 0.5}, (4,)),
    "Resizing": ({"height": 3, "width": 5, "crop_to_aspect_ratio": True}, (6, 4, 2)),
    "CenterCrop": ({"height": 3, "width": 2}, (5, 4, 2)),
    "AugMix": ({"factor": 0.2, "num_chains": 2, "seed": 3}, (5, 4, 3)),
    "AutoContrast": ({"value_range": (0, 1)}, (4, 4, 3)),
    "ContrastLimitedAdaptiveHistogramEqualization": ({"tile_grid_size": (2, 2)}, (5, 4, 3)),
    "CutMix": ({"factor": 0.5, "seed": 3}, (4, 4, 3)),
    "Equalization": ({"bins": 64}, (4, 4, 3)),
    "MaxNumBoundingBoxes": ({"max_number": 5, "bounding_box_format": "xyxy"}, (4, 4, 3)),
    "MixUp": ({"alpha": 0.3, "seed": 3}, (4, 4, 3)),
    "Pipeline": (lambda: {"layers": [layers_base.get_layer_class("RandomFlip")(seed=1),
                                     layers_base.get_layer_class("RandomZoom")(0.2)]},
                 (5, 4, 3)),
    "RandAugment": ({"num_ops": 3, "factor": 0.3, "value_range": (0, 1)}, (5, 4, 3)),
    "RandomBrightness": ({"factor": (-0.1, 0.3), "value_range": (0, 1), "seed": 3}, (4, 4, 3)),
    "RandomColorDegeneration": ({"factor": 0.4, "seed": 3}, (4, 4, 3)),
    "RandomColorJitter": ({"brightness_factor": 0.1, "hue_factor": (0.1, 0.2),
                           "value_range": (0, 1)}, (4, 4, 3)),
    "RandomContrast": ({"factor": 0.3, "seed": 3}, (4, 4, 3)),
    "RandomCrop": ({"height": 3, "width": 2, "seed": 3}, (5, 4, 2)),
    "RandomElasticTransform": ({"scale": 0.5, "fill_mode": "constant"}, (6, 5, 2)),
    "RandomErasing": ({"scale": (0.1, 0.4), "fill_value": (1, 2, 3)}, (4, 4, 3)),
    "RandomFlip": ({"mode": "horizontal", "seed": 3}, (4, 4, 2)),
    "RandomGaussianBlur": ({"kernel_size": 5, "sigma": (0.5, 0.8)}, (4, 4, 3)),
    "RandomGrayscale": ({"factor": 0.3}, (4, 4, 3)),
    "RandomHue": ({"factor": 0.4, "value_range": [0, 1]}, (4, 4, 3)),
    "RandomHeight": ({"factor": (-0.2, 0.3), "interpolation": "nearest"}, (5, 4, 3)),
    "RandomInvert": ({"factor": 0.7}, (4, 4, 3)),
    "RandomPerspective": ({"factor": 0.5, "scale": 0.3, "fill_value": 1.0}, (5, 4, 2)),
    "RandomPosterization": ({"factor": (2, 4)}, (4, 4, 3)),
    "RandomRotation": ({"factor": (-0.1, 0.2), "fill_mode": "constant", "seed": 3}, (5, 4, 2)),
    "RandomSaturation": ({"factor": (0.2, 0.6)}, (4, 4, 3)),
    "RandomSharpness": ({"factor": 0.6, "value_range": (0, 1)}, (4, 4, 3)),
    "RandomShear": ({"x_factor": 0.2, "y_factor": (0.1, 0.3), "fill_mode": "wrap"}, (5, 4, 2)),
    "RandomWidth": ({"factor": 0.4, "seed": 3}, (5, 4, 3)),
    "RandomTranslation": ({"height_factor": 0.2, "width_factor": (-0.1, 0.3),
                           "interpolation": "nearest"}, (5, 4, 2)),
    "RandomZoom": ({"height_factor": 0.2, "width_factor": 0.1, "fill_mode": "wrap"}, (5, 4, 2)),
    "Solarization": ({"addition_factor": 0.1, "threshold_factor": (0.2, 0.5)}, (4, 4, 3)),
    "Discretization": ({"bin_boundaries": [-0.5, 0.0, 0.5]}, (4,)),
    "CategoryEncoding": ({"num_tokens": 7, "output_mode": "count"}, (4,)),
    "GroupQueryAttention": ({"head_dim": 2, "num_query_heads": 4, "num_key_value_heads": 2,
                             "use_gate": True}, [(3, 6), (5, 6)]),
    "LocallyConnected1D": ({"filters": 2, "kernel_size": 3, "implementation": 3,
                            "padding": "same"}, (5, 2)),
    "LocallyConnected2D": ({"filters": 2, "kernel_size": 2, "implementation": 2,
                            "data_format": "channels_first"}, (2, 3, 4)),
    "ReversibleEmbedding": ({"input_dim": 7, "output_dim": 3, "tie_weights": False,
                             "logit_soft_cap": 2.0}, (4,)),
    "SpectralNormalization": (lambda: {"layer": _d(3), "power_iterations": 2}, (4,)),
    "Merge": (lambda: {"layers": [Sequential([Dense(3, input_dim=4)]),
                                  Sequential([Dense(3, input_dim=2)])], "mode": "concat"},
              [(4,), (2,)]),
}


def _registered_class_names():
    layers_base._import_all_layers()
    return {cls.__name__ for cls in layers_base.LAYER_CLASSES.values()}


def test_layer_table_covers_every_registered_class():
    missing = sorted(_registered_class_names() - set(LAYER_TABLE))
    assert not missing, (f"Layer classes with no round-trip case in LAYER_TABLE "
                         f"(tests/test_saving.py): {missing}. Add one per new layer class.")
    stale = sorted(set(LAYER_TABLE) - _registered_class_names())
    assert not stale, f"LAYER_TABLE names classes that are not registered: {stale}"


def _build_model(name):
    kwargs, shape = LAYER_TABLE[name]
    kwargs = kwargs() if callable(kwargs) else dict(kwargs)
    cls = layers_base.get_layer_class(name)
    if name == "Merge":
        return Sequential([cls(**kwargs), Dense(2)])
    if name in RNN_CELL_CLASSES:
        from pipeseq.layers import RNN
        cell = (TwoStateCell if name == "AbstractRNNCell" else cls)(**kwargs)
        return Sequential([RNN(cell, input_shape=shape, return_sequences=True)])
    if isinstance(shape, list):
        ins = [Input(shape=s) for s in shape]
        if getattr(cls, "call_args", None):          # mha(query, value, key)
            return Model(ins, cls(**kwargs)(*ins))
        return Model(ins, cls(**kwargs)(ins))
    if name == "Functional":
        inp = Input(shape=shape)
        h = Dense(3, activation="relu")(inp)
        return Model(inp, [Dense(2)(h), Dense(1, activation="sigmoid")(h)])
    if name == "InputLayer":
        return Sequential([cls(**kwargs), Dense(2)])
    if name == "TFOpLambda":                       # an op node of a functional graph
        inp = Input(shape=shape)
        return Model(inp, Dense(2)(cls(**kwargs)(Dense(3)(inp))))
    if name == "Sequential":
        return Sequential([cls(**kwargs), Dense(2)])
    return Sequential([cls(input_shape=shape, **kwargs)])


def _random_weights(model, rng):
    for v in model.weights:
        w = rng.normal(size=v.shape) * 0.5
        if "variance" in v.name:
            w = np.abs(w) + 0.5
        v.value = w.astype(v.value.dtype)
    return model


def _inputs_for(name, model, rng):
    _, shape = LAYER_TABLE[name]
    shapes = shape if isinstance(shape, list) else [shape]
    if name in ("Embedding", "CategoryEncoding", "ReversibleEmbedding"):
        xs = [rng.integers(0, 7, size=(3, *shapes[0]))]
    else:
        xs = [rng.normal(size=(3, *s)).astype("float32") for s in shapes]
        if name == "Masking":
            xs[0][:, 1] = 0.0
    return xs[0] if len(xs) == 1 else xs


ALL_FORMATS = ("keras", "keras3_weights", "legacy_weights", "legacy_model")
LAYER_CASES = [(n, f) for n in sorted(LAYER_TABLE) for f in ALL_FORMATS]


@pytest.mark.parametrize("name,fmt", LAYER_CASES, ids=[f"{n}-{f}" for n, f in LAYER_CASES])
def test_every_layer_class_round_trips(name, fmt, tmp_path):
    rng = np.random.default_rng(len(name))
    src = _random_weights(_build_model(name), rng)
    x = _inputs_for(name, src, rng)
    fname, kind = FORMATS[fmt]
    p = str(tmp_path / fname)
    if kind == "model":
        src.save(p)
        back = api.load_model(p)
    else:
        src.save_weights(p)
        back = api.model_from_json(src.to_json())
        for v in back.weights:                # prove the weights come from the file
            v.value = np.zeros_like(v.value)
        back.load_weights(p)
    assert back.get_config() == src.get_config()
    for a, b in zip(back.get_weights(), src.get_weights()):
        np.testing.assert_array_equal(a, b)
    ya, yb = _outputs(back, x), _outputs(src, x)
    assert len(ya) == len(yb)
    for a, b in zip(ya, yb):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_loss_options_survive_save_and_load(tmp_path, suffix):
    from pipeseq.layers import Dense, Layer
    from pipeseq.models import Sequential
    from pipeseq.saving.api import load_model
    from pipeseq.training.losses import CategoricalCrossentropy
    model = Sequential([Dense(3, input_shape=(2,))])
    model.compile(optimizer="adam", loss=CategoricalCrossentropy(from_logits=True, label_smoothing=0.1))
    path = str(tmp_path / ("m" + suffix))
    model.save(path)
    loss = load_model(path)._losses[0]
    assert loss.fn_name == "categorical_crossentropy"
    assert loss.kwargs["from_logits"] is True and loss.kwargs["label_smoothing"] == 0.1
