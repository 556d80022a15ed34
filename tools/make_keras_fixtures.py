#!/usr/bin/env python
"""Generate Keras-made test fixtures for pipeseq (dev-only tool).

Runs ONLY under the throwaway virtualenv with real Keras (see tools/README.md):

    KERAS_BACKEND=tensorflow /work/kerasenv/bin/python tools/make_keras_fixtures.py

Nothing in pipeseq or its tests imports this file or Keras; the tests read the
files written here:

    tests/fixtures/keras/<model>.{keras,weights.h5,legacy.h5,tfk_weights.h5,tfk_model.h5,npz}
    tests/fixtures/keras/MANIFEST.json
    tests/fixtures/keras/losses.npz, activations.npz
    tests/fixtures/keras/training/<run>.npz, <run>.json (+ <run>.keras for some)

Every model gets deterministic weights from a numpy RNG seeded by the model's
name (crc32), so adding a model never changes the others.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import warnings
import zlib

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # deterministic float32 kernels
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
warnings.filterwarnings("ignore")

import numpy as np  # noqa: E402

try:
    import keras  # noqa: E402
    import tf_keras  # noqa: E402
    import tensorflow as tf  # noqa: E402
except ImportError as e:  # pragma: no cover
    sys.exit(f"make_keras_fixtures.py needs the Keras virtualenv (tools/README.md): {e}")

if os.environ["KERAS_BACKEND"] != "tensorflow" or keras.backend.backend() != "tensorflow":
    sys.exit("set KERAS_BACKEND=tensorflow")

try:
    import absl.logging

    absl.logging.set_verbosity(absl.logging.ERROR)
except Exception:  # pragma: no cover
    pass
tf.get_logger().setLevel("ERROR")
tf_keras.utils.disable_interactive_logging()
keras.utils.disable_interactive_logging()

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(REPO, "tests", "fixtures", "keras")
N = 3  # samples per prediction fixture


# --------------------------------------------------------------------------- helpers
def seed_of(name: str) -> int:
    return zlib.crc32(name.encode("utf-8"))


def clear():
    keras.backend.clear_session()
    tf_keras.backend.clear_session()


def random_weights(rng, weights):
    """Deterministic, non-trivial values for every variable (by variable name)."""
    out = []
    for v in weights:
        shape = tuple(int(s) for s in v.shape)
        base = v.name.split("/")[-1].split(":")[0]
        if base in ("gamma",):
            a = rng.uniform(0.5, 1.5, shape)
        elif base in ("moving_variance",):
            a = rng.uniform(0.5, 2.0, shape)
        elif base in ("beta", "moving_mean", "bias"):
            a = rng.uniform(-0.5, 0.5, shape)
        elif base == "alpha":  # PReLU
            a = rng.uniform(0.05, 0.5, shape)
        elif base == "embeddings":
            a = rng.uniform(-1.0, 1.0, shape)
        elif len(shape) >= 2:
            rf = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
            fan_in, fan_out = rf * shape[-2], rf * shape[-1]
            lim = np.sqrt(6.0 / (fan_in + fan_out)) * 1.2
            a = rng.uniform(-lim, lim, shape)
        else:
            a = rng.uniform(-0.5, 0.5, shape)
        out.append(np.asarray(a, dtype=np.float32))
    return out


def as_list(y):
    if isinstance(y, (list, tuple)):
        return [np.asarray(t) for t in y]
    if isinstance(y, dict):
        return [np.asarray(t) for t in y.values()]
    return [np.asarray(y)]


def run(model, xs):
    """Inference forward pass (eager call, training=False)."""
    inp = xs[0] if len(xs) == 1 else list(xs)
    return [a.astype(np.float32) for a in as_list(model(inp, training=False))]


def max_diff(a_list, b_list):
    d = 0.0
    for a, b in zip(a_list, b_list):
        if a.shape != b.shape:
            return float("inf")
        if a.size:
            d = max(d, float(np.max(np.abs(a.astype(np.float64) - b.astype(np.float64)))))
    return d


SIMPLE = (int, float, str, bool, type(None))


def summarize_config(cfg):
    """Compact, JSON-simple view of a layer config (drops dtype policies, initializers...)."""
    out = {}
    for k, v in cfg.items():
        if k in ("dtype", "trainable", "seed") or k.endswith(("_regularizer", "_constraint")):
            continue
        if isinstance(v, SIMPLE):
            out[k] = v
        elif isinstance(v, (list, tuple)) and all(
            isinstance(e, SIMPLE) or (isinstance(e, (list, tuple)) and all(isinstance(f, SIMPLE) for f in e))
            for e in v
        ):
            out[k] = [list(e) if isinstance(e, (list, tuple)) else e for e in v]
        elif isinstance(v, dict) and k in ("layer", "forward_layer", "backward_layer", "cell"):
            out[k] = {"class_name": v.get("class_name"), "config": summarize_config(v.get("config", {}))}
    return out


def layer_summary(layer):
    d = {"class_name": type(layer).__name__, "name": layer.name}
    try:
        d["config"] = summarize_config(layer.get_config())
    except Exception as e:  # pragma: no cover
        d["config_error"] = str(e)
    if hasattr(layer, "layers") and isinstance(layer, keras.Model):
        d["layers"] = [layer_summary(sub) for sub in layer.layers]
    return d


# --------------------------------------------------------------------------- inputs
def x_float(shape, scale=1.0):
    return lambda rng: (rng.normal(0, scale, (N,) + shape)).astype(np.float32)


def x_masked_seq(T, F):
    def f(rng):
        x = rng.normal(0, 1, (N, T, F)).astype(np.float32)
        x[0, T - 2:] = 0.0  # padded at the end
        x[1, 2] = 0.0  # a masked step in the middle
        return x
    return f


def x_int_padded(T, vocab):
    def f(rng):
        x = rng.integers(1, vocab, (N, T)).astype(np.int32)
        x[0, T - 3:] = 0
        x[1, T - 1:] = 0
        return x
    return f


# --------------------------------------------------------------------------- models
# Each builder takes (K, tfk): K is the keras or tf_keras module, tfk a bool.
# Keras-version-specific arguments are chosen with tfk.
MODELS = {}


def model(name, inputs, note=None, twin=None):
    def deco(fn):
        MODELS[name] = dict(build=fn, inputs=inputs, note=note, twin=twin)
        return fn
    return deco


def seq(K, input_shape, layers, dtype=None):
    inp = K.Input(input_shape, dtype=dtype) if dtype else K.Input(input_shape)
    return K.Sequential([inp] + layers)


L = lambda K: K.layers  # noqa: E731


@model("dense_mlp", [x_float((4,))])
def _(K, tfk):
    return seq(K, (4,), [L(K).Dense(5, activation="relu"), L(K).Dropout(0.3), L(K).Dense(3, activation="softmax")])


@model("dense_bn", [x_float((8,))])
def _(K, tfk):
    return seq(K, (8,), [
        L(K).Dense(6), L(K).BatchNormalization(), L(K).Activation("tanh"),
        L(K).Dense(4), L(K).BatchNormalization(center=False), L(K).Dense(2)])


@model("batchnorm_options", [x_float((4, 4, 3))])
def _(K, tfk):
    return seq(K, (4, 4, 3), [
        L(K).BatchNormalization(),
        L(K).BatchNormalization(axis=1, scale=False, epsilon=0.01, momentum=0.9),
        L(K).Flatten(), L(K).Dense(2)])


@model("layer_norm", [x_float((5,))])
def _(K, tfk):
    return seq(K, (5,), [L(K).Dense(6), L(K).LayerNormalization(), L(K).Dense(3)])


@model("activation_layers", [x_float((5,), 3.0)])
def _(K, tfk):
    leaky = L(K).LeakyReLU(alpha=0.2) if tfk else L(K).LeakyReLU(negative_slope=0.2)
    return seq(K, (5,), [
        L(K).Dense(6), L(K).ReLU(max_value=6.0, negative_slope=0.1, threshold=0.2), leaky,
        L(K).PReLU(), L(K).ELU(alpha=0.5), L(K).Softmax()])


ACT_STRINGS = ["linear", "relu", "sigmoid", "hard_sigmoid", "softmax", "tanh", "elu", "selu", "softplus",
               "softsign", "swish", "gelu", "leaky_relu", "exponential"]


@model("activation_strings", [x_float((4,), 2.0)],
       note="one Dense(4, activation=s) per activation string; tf_keras hard_sigmoid differs (0.2x+0.5)")
def _(K, tfk):
    return seq(K, (4,), [L(K).Dense(4, activation=a) for a in ACT_STRINGS])


@model("flatten_reshape", [x_float((2, 3, 4))])
def _(K, tfk):
    return seq(K, (2, 3, 4), [
        L(K).Flatten(), L(K).Dense(6), L(K).Reshape((2, -1)), L(K).Reshape((3, 2)),
        L(K).Activation("relu"), L(K).Flatten(), L(K).Dense(3)])


# ---- conv1d, input (10, 3)
@model("conv1d_valid", [x_float((10, 3))])
def _(K, tfk):
    return seq(K, (10, 3), [L(K).Conv1D(4, 3, activation="relu"), L(K).Conv1D(3, 2, use_bias=False)])


@model("conv1d_variants", [x_float((16, 3))],
       note="same (odd and even kernel), causal, causal+dilation, dilation 2 valid/same, strides 2 valid/same")
def _(K, tfk):
    C = L(K).Conv1D
    return seq(K, (16, 3), [C(4, 3, padding="same"), C(4, 4, padding="same"), C(4, 3, padding="causal"),
                            C(3, 2, padding="causal", dilation_rate=2), C(4, 3, dilation_rate=2),
                            C(3, 2, dilation_rate=2, padding="same"), C(4, 3, strides=2),
                            C(3, 3, strides=2, padding="same")])


@model("conv1d_transpose", [x_float((5, 3))])
def _(K, tfk):
    return seq(K, (5, 3), [L(K).Conv1DTranspose(4, 3, strides=2), L(K).Conv1DTranspose(2, 2, padding="same")])


# ---- conv2d, input (8, 8, 3)
@model("conv2d_valid", [x_float((8, 8, 3))])
def _(K, tfk):
    return seq(K, (8, 8, 3), [L(K).Conv2D(4, 3, activation="relu"), L(K).Conv2D(3, 2)])


@model("conv2d_variants", [x_float((12, 12, 2))],
       note="same (odd and even kernel), dilation 2 valid/same, strides 2 valid, strides (2,1) kernel (2,3) same")
def _(K, tfk):
    C = L(K).Conv2D
    return seq(K, (12, 12, 2), [C(3, 3, padding="same"), C(3, 2, padding="same"), C(4, 3, dilation_rate=2),
                                C(3, 2, dilation_rate=2, padding="same"), C(4, 3, strides=2),
                                C(3, (2, 3), strides=(2, 1), padding="same")])


def _cf_twin(K):
    """channels_last model with the same weights and math as conv2d_channels_first."""
    inp = K.Input((3, 8, 8))
    h = L(K).Permute((2, 3, 1))(inp)
    h = L(K).Conv2D(4, 3, padding="same")(h)
    h = L(K).MaxPooling2D(2)(h)
    h = L(K).Permute((3, 1, 2))(h)
    h = L(K).Flatten()(h)
    out = L(K).Dense(3)(h)
    return K.Model(inp, out)


@model("conv2d_channels_first", [x_float((3, 8, 8))], twin=_cf_twin,
       note="TF on CPU cannot run channels_first Conv2D: y computed by a channels_last twin with the same "
            "weights (Permute -> NHWC Conv2D/MaxPooling2D -> Permute back -> Flatten -> Dense)")
def _(K, tfk):
    return seq(K, (3, 8, 8), [L(K).Conv2D(4, 3, padding="same", data_format="channels_first"),
                              L(K).MaxPooling2D(2, data_format="channels_first"),
                              L(K).Flatten(), L(K).Dense(3)])


@model("conv2d_groups2", [x_float((6, 6, 4))])
def _(K, tfk):
    return seq(K, (6, 6, 4), [L(K).Conv2D(6, 3, groups=2), L(K).Conv2D(4, 2, groups=2, padding="same")])


@model("conv2d_transpose_valid", [x_float((4, 4, 3))])
def _(K, tfk):
    return seq(K, (4, 4, 3), [L(K).Conv2DTranspose(4, 3, strides=2), L(K).Conv2DTranspose(2, 2)])


@model("conv2d_transpose_variants", [x_float((2, 2, 3))],
       note="strides 2 same, even kernel same, output_padding 1 valid, strides (2,1) output_padding (1,0) same")
def _(K, tfk):
    T = L(K).Conv2DTranspose
    return seq(K, (2, 2, 3), [T(4, 3, strides=2, padding="same"), T(3, 2, padding="same"),
                              T(3, 3, strides=2, output_padding=1),
                              T(2, 3, strides=(2, 1), padding="same", output_padding=(1, 0))])


@model("separable_conv2d", [x_float((8, 8, 3))])
def _(K, tfk):
    return seq(K, (8, 8, 3), [L(K).SeparableConv2D(4, 3, depth_multiplier=2, padding="same"),
                              L(K).SeparableConv2D(3, 3, strides=2)])


@model("depthwise_conv2d", [x_float((8, 8, 3))])
def _(K, tfk):
    return seq(K, (8, 8, 3), [L(K).DepthwiseConv2D(3, depth_multiplier=2),
                              L(K).DepthwiseConv2D(2, strides=2, padding="same")])


@model("conv2d_cnn", [x_float((8, 8, 2))])
def _(K, tfk):
    return seq(K, (8, 8, 2), [L(K).Conv2D(4, 3, activation="relu"), L(K).MaxPooling2D(),
                              L(K).Flatten(), L(K).Dense(3, activation="softmax")])


# ---- pooling, 1D input (11, 3), 2D input (7, 7, 2)
for _nm, _cls in [("max", "MaxPooling"), ("average", "AveragePooling")]:
    def _b1(K, tfk, _cls=_cls):
        P = getattr(L(K), _cls + "1D")
        return seq(K, (16, 3), [P(3, strides=2, padding="same"), P(3, strides=2), P(2, padding="same")])

    def _b2(K, tfk, _cls=_cls):
        P = getattr(L(K), _cls + "2D")
        return seq(K, (9, 9, 2), [P(3, strides=2, padding="same"), P(3, strides=2),
                                  P((2, 1), strides=(1, 2), padding="same")])

    model(f"{_nm}_pooling1d", [x_float((16, 3))], note="pool 3 strides 2 same; pool 3 strides 2 valid; "
          "pool 2 same on odd length")(_b1)
    model(f"{_nm}_pooling2d", [x_float((9, 9, 2))], note="pool 3 strides 2 same; pool 3 strides 2 valid; "
          "pool (2,1) strides (1,2) same")(_b2)

for _nm, _cls in [("max", "GlobalMaxPooling"), ("average", "GlobalAveragePooling")]:
    for _d, _shape in [("1d", (6, 3)), ("2d", (5, 5, 3))]:
        for _kd in [_d == ("1d" if _nm == "max" else "2d")]:  # keepdims=True for GMP1D and GAP2D only
            def _bg(K, tfk, _cls=_cls + _d.upper(), _shape=_shape, _kd=_kd):
                return seq(K, _shape, [getattr(L(K), _cls)(keepdims=_kd)])
            model(f"global_{_nm}_pooling{_d}" + ("_keepdims" if _kd else ""), [x_float(_shape)])(_bg)


@model("resample1d", [x_float((5, 3))])
def _(K, tfk):
    return seq(K, (5, 3), [L(K).UpSampling1D(2), L(K).ZeroPadding1D((1, 2)), L(K).Cropping1D((2, 1)),
                           L(K).ZeroPadding1D(1), L(K).Cropping1D(1)])


@model("resample2d", [x_float((4, 4, 2))])
def _(K, tfk):
    return seq(K, (4, 4, 2), [L(K).UpSampling2D((2, 3)), L(K).ZeroPadding2D(((1, 0), (2, 1))),
                              L(K).Cropping2D(((0, 2), (1, 1))), L(K).ZeroPadding2D(1), L(K).Cropping2D(1)])


@model("upsampling2d_bilinear", [x_float((3, 3, 2))])
def _(K, tfk):
    return seq(K, (3, 3, 2), [L(K).UpSampling2D(2, interpolation="bilinear")])


# ---- recurrent, input (5, 3)
HS_NOTE = ("go_backwards (return_sequences True, then False); second layer recurrent_activation='hard_sigmoid' "
           "(Keras 3 relu6(x+3)/6 vs tf_keras 0.2x+0.5 -> y_tfk differs), activation='relu', use_bias=False")
for _nm, _cls, _extra in [("simple_rnn", "SimpleRNN", {}), ("lstm", "LSTM", {}), ("gru", "GRU", {}),
                          ("gru_reset_after_false", "GRU", {"reset_after": False})]:
    def _br(K, tfk, _cls=_cls, _extra=_extra):
        return seq(K, (5, 3), [getattr(L(K), _cls)(4, return_sequences=True, **_extra),
                               getattr(L(K), _cls)(3, **_extra)])

    def _bv(K, tfk, _cls=_cls, _extra=_extra):
        hs = {} if _cls == "SimpleRNN" else {"recurrent_activation": "hard_sigmoid"}
        return seq(K, (5, 3), [getattr(L(K), _cls)(4, return_sequences=True, go_backwards=True, **_extra),
                               getattr(L(K), _cls)(3, go_backwards=True, activation="relu", use_bias=False,
                                                   **hs, **_extra)])
    model(_nm, [x_float((5, 3))], note="return_sequences=True then False")(_br)
    model(_nm + "_variants", [x_float((5, 3))], note=HS_NOTE)(_bv)


@model("embedding_lstm", [x_int_padded(6, 10)], note="mask_zero=True; int input padded with zeros at the end")
def _(K, tfk):
    return seq(K, (6,), [L(K).Embedding(10, 4, mask_zero=True), L(K).LSTM(5, return_sequences=True),
                         L(K).LSTM(3)], dtype="int32")


@model("embedding_flatten", [x_int_padded(6, 10)])
def _(K, tfk):
    return seq(K, (6,), [L(K).Embedding(10, 3), L(K).Flatten(), L(K).Dense(2)], dtype="int32")


@model("masking_gru", [x_masked_seq(5, 3)], note="Masking(0.0); sample 0 padded at the end, sample 1 step 2 masked")
def _(K, tfk):
    return seq(K, (5, 3), [L(K).Masking(0.0), L(K).GRU(4, return_sequences=True), L(K).GRU(3)])


@model("bidirectional_concat", [x_float((5, 3))])
def _(K, tfk):
    return seq(K, (5, 3), [L(K).Bidirectional(L(K).LSTM(3, return_sequences=True)),
                           L(K).Bidirectional(L(K).LSTM(2))])


@model("bidirectional_sum", [x_float((5, 3))])
def _(K, tfk):
    return seq(K, (5, 3), [L(K).Bidirectional(L(K).LSTM(3), merge_mode="sum")])


@model("bidirectional_mixed", [x_float((5, 3))])
def _(K, tfk):
    return seq(K, (5, 3), [L(K).Bidirectional(L(K).GRU(3, return_sequences=True), merge_mode="mul"),
                           L(K).Bidirectional(L(K).SimpleRNN(2), merge_mode="ave")])


@model("time_distributed", [x_float((5, 3))])
def _(K, tfk):
    return seq(K, (5, 3), [L(K).TimeDistributed(L(K).Dense(4, activation="tanh")), L(K).Flatten(), L(K).Dense(2)])


@model("repeat_vector", [x_float((3,))])
def _(K, tfk):
    return seq(K, (3,), [L(K).Dense(4), L(K).RepeatVector(5), L(K).LSTM(3, return_sequences=True),
                         L(K).TimeDistributed(L(K).Dense(2))])


@model("permute", [x_float((5, 3))])
def _(K, tfk):
    return seq(K, (5, 3), [L(K).Permute((2, 1)), L(K).Dense(4), L(K).Permute((2, 1))])


# ---- functional and nested
@model("functional", [x_float((4,)), x_float((3,))], note="two inputs, two outputs (y0 softmax(2), y1 linear(1))")
def _(K, tfk):
    a, b = K.Input((4,)), K.Input((3,))
    da, db = L(K).Dense(5)(a), L(K).Dense(5)(b)
    cat = L(K).Concatenate()([da, db])
    add = L(K).Add()([da, db])
    h = L(K).Concatenate()([cat, add])
    h = L(K).Dense(6, activation="relu")(h)
    return K.Model([a, b], [L(K).Dense(2, activation="softmax")(h), L(K).Dense(1)(h)])


@model("functional_merge", [x_float((4,)), x_float((4,))],
       note="Subtract, Multiply, Average, Maximum, Minimum, Dot(normalize), Concatenate(axis=-1)")
def _(K, tfk):
    a, b = K.Input((4,)), K.Input((4,))
    ha, hb = L(K).Dense(3)(a), L(K).Dense(3)(b)
    parts = [L(K).Subtract()([ha, hb]), L(K).Multiply()([ha, hb]), L(K).Average()([ha, hb]),
             L(K).Maximum()([ha, hb]), L(K).Minimum()([ha, hb]), L(K).Dot(axes=1)([ha, hb]),
             L(K).Dot(axes=1, normalize=True)([ha, hb])]
    return K.Model([a, b], L(K).Dense(2)(L(K).Concatenate()(parts)))


@model("nested", [x_float((4,))], note="Sequential whose first layer is a Sequential (Dense -> Dense)")
def _(K, tfk):
    base = K.Sequential([K.Input((4,)), L(K).Dense(5, activation="relu"), L(K).Dense(3)])
    return K.Sequential([K.Input((4,)), base, L(K).Dense(2)])


# --------------------------------------------------------------------------- file tiers
# HDF5 files cost ~1-2 KB per group whatever their content, so to keep the fixtures small not every model
# ships every file kind. Every layer class appears in every file kind at least once; the variants of a
# layer (padding, strides, keepdims...) ship .keras (their Keras 3 config) and .npz (weights, x, y) only.
# `--all-files` writes every kind for every model (for local debugging; don't commit that).
ALL_KINDS = ("keras", "weights_h5", "legacy_h5", "tfk_weights_h5", "tfk_model_h5", "npz")
TIER_A = {"dense_mlp", "dense_bn", "lstm", "gru", "functional", "nested"}
TIER_B = {"conv2d_cnn", "embedding_lstm", "bidirectional_concat", "time_distributed", "batchnorm_options",
          "layer_norm", "activation_layers", "conv1d_valid", "conv1d_transpose", "conv2d_channels_first",
          "conv2d_groups2", "conv2d_transpose_valid", "separable_conv2d", "depthwise_conv2d", "simple_rnn",
          "gru_reset_after_false", "bidirectional_mixed"}
TIER_C = {"flatten_reshape", "masking_gru", "repeat_vector", "permute", "functional_merge", "max_pooling1d",
          "average_pooling2d", "global_max_pooling1d_keepdims", "resample1d", "resample2d"}


def kinds_for(name, all_files=False):
    if all_files or name in TIER_A:
        return ("A", ALL_KINDS)
    if name in TIER_B:
        return ("B", ("keras", "weights_h5", "tfk_model_h5", "npz"))
    if name in TIER_C:
        return ("C", ("keras", "tfk_model_h5", "npz"))
    return ("D", ("keras", "npz"))


SUFFIX = {"keras": ".keras", "weights_h5": ".weights.h5", "legacy_h5": ".legacy.h5",
          "tfk_weights_h5": ".tfk_weights.h5", "tfk_model_h5": ".tfk_model.h5", "npz": ".npz"}


# --------------------------------------------------------------------------- prediction fixtures
def make_model_fixture(name, spec, out, manifest, tmp, all_files=False):
    rng = np.random.default_rng(seed_of(name))
    xs = [f(rng) for f in spec["inputs"]]
    entry = {"name": name, "note": spec["note"]}
    clear()
    m = spec["build"](keras, False)
    weights = random_weights(rng, m.weights)
    m.set_weights(weights)
    names = [v.path for v in m.weights]

    layer_outs = []
    if spec["twin"] is not None:
        twin = spec["twin"](keras)
        twin.set_weights(weights)
        ys = run(twin, xs)
        entry["y_source"] = "channels_last twin"
        try:  # XLA can run the channels_first model on CPU: confirm the twin
            xla = tf.function(lambda t, training=False: m(t, training=False), jit_compile=True)
            entry["xla_channels_first_max_abs_diff_vs_twin"] = max_diff(run(xla, xs), ys)
        except Exception as e:  # pragma: no cover
            entry["xla_check_error"] = str(e)[:200]
    else:
        ys = run(m, xs)
        entry["y_source"] = "model"
        try:
            probe = keras.Model(m.inputs, [lay.output for lay in m.layers])
            layer_outs = run(probe, xs)
        except Exception as e:  # pragma: no cover
            entry["layer_outputs_error"] = str(e)[:200]

    arrays = {}
    for i, x in enumerate(xs):
        arrays["x" if len(xs) == 1 else f"x{i}"] = x
    for i, y in enumerate(ys):
        arrays["y" if len(ys) == 1 else f"y{i}"] = y
    for i, w in enumerate(weights):
        arrays[f"w{i}"] = w
    arrays["names"] = np.array(names)
    for i, o in enumerate(layer_outs):
        arrays[f"o{i}"] = o

    p = os.path.join(tmp, name)  # every kind is written and self-checked here; the tier's kinds are copied
    files = {}
    m.save(p + ".keras")
    files["keras"] = name + ".keras"
    m.save_weights(p + ".weights.h5")
    files["weights_h5"] = name + ".weights.h5"
    m.save(p + ".legacy.h5")
    files["legacy_h5"] = name + ".legacy.h5"

    # self-check: Keras 3 reloads its own files
    checks = {}
    if spec["twin"] is None:
        checks["keras"] = max_diff(run(keras.models.load_model(p + ".keras"), xs), ys)
        checks["legacy_h5"] = max_diff(run(keras.models.load_model(p + ".legacy.h5"), xs), ys)
        clone = spec["build"](keras, False)
        clone.load_weights(p + ".weights.h5")
        checks["weights_h5"] = max_diff(run(clone, xs), ys)

    # tf_keras (legacy Keras 2 layouts)
    try:
        mt = spec["build"](tf_keras, True)
        shapes_k3 = [w.shape for w in weights]
        shapes_t = [tuple(int(s) for s in v.shape) for v in mt.weights]
        if shapes_k3 != shapes_t:
            raise ValueError(f"weight shapes differ: keras3 {shapes_k3} vs tf_keras {shapes_t}")
        mt.set_weights(weights)
        arrays["tfk_names"] = np.array([v.name for v in mt.weights])
        mt.save_weights(p + ".tfk_weights.h5")
        files["tfk_weights_h5"] = name + ".tfk_weights.h5"
        mt.save(p + ".tfk_model.h5")
        files["tfk_model_h5"] = name + ".tfk_model.h5"
        if spec["twin"] is None:
            yt = run(mt, xs)
            d = max_diff(yt, ys)
            entry["tfk_max_abs_diff_vs_y"] = d
            if d > 1e-5:
                for i, y in enumerate(yt):
                    arrays["y_tfk" if len(yt) == 1 else f"y{i}_tfk"] = y
            checks["tfk_model_h5"] = max_diff(run(tf_keras.models.load_model(p + ".tfk_model.h5"), xs), yt)
            clone = spec["build"](tf_keras, True)
            clone.load_weights(p + ".tfk_weights.h5")
            checks["tfk_weights_h5"] = max_diff(run(clone, xs), yt)
            # Keras 3 reading the tf_keras weights file
            clone = spec["build"](keras, False)
            clone.load_weights(p + ".tfk_weights.h5")
            checks["keras3_loads_tfk_weights_h5"] = max_diff(run(clone, xs), ys)
    except Exception as e:
        entry["tfk_skipped"] = f"{type(e).__name__}: {str(e)[:300]}"
        for k in ("tfk_weights_h5", "tfk_model_h5"):
            files.pop(k, None)
            if os.path.exists(p + "." + k.replace("_h5", ".h5")):
                os.remove(p + "." + k.replace("_h5", ".h5"))

    np.savez_compressed(p + ".npz", **arrays)
    files["npz"] = name + ".npz"
    tier, kinds = kinds_for(name, all_files)
    for k in list(files):
        dst = os.path.join(out, name + SUFFIX[k])
        if k in kinds:
            shutil.copyfile(p + SUFFIX[k], dst)
        else:
            files.pop(k)
            if os.path.exists(dst):
                os.remove(dst)
    entry["tier"] = tier

    entry.update({
        "model_class": type(m).__name__,
        "inputs": [{"key": "x" if len(xs) == 1 else f"x{i}", "shape": list(x.shape), "dtype": str(x.dtype)}
                   for i, x in enumerate(xs)],
        "outputs": [{"key": "y" if len(ys) == 1 else f"y{i}", "shape": list(y.shape)} for i, y in enumerate(ys)],
        "layers": [layer_summary(lay) for lay in m.layers],
        "layer_outputs": [f"o{i}" for i in range(len(layer_outs))],
        "weights": [[n, list(w.shape)] for n, w in zip(names, weights)],
        "files": files,
        "self_check_max_abs_diff": checks,
    })
    bad = {k: v for k, v in checks.items() if not v <= 1e-5}
    if bad:
        entry["self_check_failed"] = bad
    manifest["models"][name] = entry
    status = "ok" if not bad else f"SELF-CHECK FAILED {bad}"
    print(f"  {name:34s} files={len(files)} {status}" + (f"  tfk skipped: {entry['tfk_skipped'][:80]}"
                                                       if "tfk_skipped" in entry else ""))


# --------------------------------------------------------------------------- losses / activations
def make_losses(out):
    rng = np.random.default_rng(seed_of("losses"))
    n, k = 6, 4
    f32 = lambda a: np.asarray(a, np.float32)  # noqa: E731
    labels = rng.integers(0, k, n)
    onehot = f32(np.eye(k)[labels])
    logits = f32(rng.normal(0, 2, (n, k)))
    probs = f32(np.exp(logits) / np.exp(logits).sum(-1, keepdims=True))
    extreme = probs.copy()
    extreme[0] = np.eye(k)[(labels[0] + 1) % k]  # exact 0 on the true class -> epsilon clipping
    extreme[1] = np.eye(k)[labels[1]]  # exact 1 on the true class
    bin_true = f32(rng.integers(0, 2, (n, 3)))
    bin_logits = f32(rng.normal(0, 2, (n, 3)))
    bin_prob = f32(1 / (1 + np.exp(-bin_logits)))
    bin_extreme = bin_prob.copy()
    bin_extreme[0] = 1 - bin_true[0]
    bin_extreme[1] = bin_true[1]
    reg_true = f32(rng.normal(0, 1, (n, 3)))
    reg_pred = f32(rng.normal(0, 1, (n, 3)))
    pos_true = f32(rng.uniform(0.1, 3, (n, 3)))
    pos_pred = f32(rng.uniform(0.1, 3, (n, 3)))
    pm_true = f32(np.where(rng.integers(0, 2, (n, 3)) > 0, 1.0, -1.0))
    sw = f32(rng.uniform(0, 2, (n,)))

    Ls = keras.losses
    cases = {
        "categorical_crossentropy": (Ls.CategoricalCrossentropy, {}, onehot, probs),
        "categorical_crossentropy_from_logits": (Ls.CategoricalCrossentropy, {"from_logits": True}, onehot, logits),
        "categorical_crossentropy_label_smoothing": (Ls.CategoricalCrossentropy, {"label_smoothing": 0.1},
                                                     onehot, probs),
        "categorical_crossentropy_clip": (Ls.CategoricalCrossentropy, {}, onehot, extreme),
        "sparse_categorical_crossentropy": (Ls.SparseCategoricalCrossentropy, {}, f32(labels), probs),
        "sparse_categorical_crossentropy_from_logits": (Ls.SparseCategoricalCrossentropy, {"from_logits": True},
                                                        f32(labels), logits),
        "binary_crossentropy": (Ls.BinaryCrossentropy, {}, bin_true, bin_prob),
        "binary_crossentropy_from_logits": (Ls.BinaryCrossentropy, {"from_logits": True}, bin_true, bin_logits),
        "binary_crossentropy_label_smoothing": (Ls.BinaryCrossentropy, {"label_smoothing": 0.1}, bin_true, bin_prob),
        "binary_crossentropy_clip": (Ls.BinaryCrossentropy, {}, bin_true, bin_extreme),
        "mean_squared_error": (Ls.MeanSquaredError, {}, reg_true, reg_pred),
        "mean_absolute_error": (Ls.MeanAbsoluteError, {}, reg_true, reg_pred),
        "mean_absolute_percentage_error": (Ls.MeanAbsolutePercentageError, {}, reg_true, reg_pred),
        "mean_squared_logarithmic_error": (Ls.MeanSquaredLogarithmicError, {}, pos_true, pos_pred),
        "hinge": (Ls.Hinge, {}, bin_true, reg_pred),
        "hinge_pm1": (Ls.Hinge, {}, pm_true, reg_pred),
        "squared_hinge": (Ls.SquaredHinge, {}, bin_true, reg_pred),
        "categorical_hinge": (Ls.CategoricalHinge, {}, onehot, reg_pred[:, :1].repeat(k, 1) + logits),
        "kl_divergence": (Ls.KLDivergence, {}, onehot * 0.7 + 0.075, probs),
        "poisson": (Ls.Poisson, {}, pos_true, pos_pred),
        "cosine_similarity": (Ls.CosineSimilarity, {}, reg_true, reg_pred),
        "huber": (Ls.Huber, {}, reg_true, reg_pred * 2),
        "huber_delta_0_5": (Ls.Huber, {"delta": 0.5}, reg_true, reg_pred * 2),
        "log_cosh": (Ls.LogCosh, {}, reg_true, reg_pred),
    }
    arrays, meta = {}, {}
    for key, (cls, kw, yt, yp) in cases.items():
        obj = cls(**kw)
        arrays[key] = f32(obj(yt, yp))
        arrays[key + "__none"] = f32(cls(reduction=None, **kw)(yt, yp))
        arrays[key + "__y_true"] = yt
        arrays[key + "__y_pred"] = yp
        meta[key] = {"class_name": cls.__name__, "kwargs": kw, "string": obj.name}
    # sample_weight with the default reduction ('sum_over_batch_size')
    arrays["mean_squared_error_sample_weight"] = f32(Ls.MeanSquaredError()(reg_true, reg_pred, sample_weight=sw))
    arrays["mean_squared_error_sample_weight__sample_weight"] = sw
    arrays["mean_squared_error_sample_weight__y_true"] = reg_true
    arrays["mean_squared_error_sample_weight__y_pred"] = reg_pred
    meta["mean_squared_error_sample_weight"] = {"class_name": "MeanSquaredError", "kwargs": {},
                                                "sample_weight": True}
    arrays["_meta"] = np.array(json.dumps(meta))
    np.savez_compressed(os.path.join(out, "losses.npz"), **arrays)
    print(f"  losses.npz: {len(meta)} cases")
    return sorted(meta)


def make_activations(out):
    rng = np.random.default_rng(seed_of("activations"))
    x = np.concatenate([np.linspace(-6, 6, 37), rng.normal(0, 3, 12)]).astype(np.float32).reshape(7, 7)
    arrays = {"x": x}
    names = [n for n in dir(keras.activations) if not n.startswith("_")
             and n not in ("get", "serialize", "deserialize", "glu")]
    names.remove("threshold")
    for n in names:
        f = getattr(keras.activations, n)
        arrays[n] = np.asarray(f(x), np.float32)
    arrays["threshold__t0.5_v-1"] = np.asarray(keras.activations.threshold(x, 0.5, -1.0), np.float32)
    arrays["glu"] = np.asarray(keras.activations.glu(x[:, :6]), np.float32)
    arrays["glu__x"] = x[:, :6]
    tfk_names = []
    for n in names:
        try:
            f = tf_keras.activations.get(n)
        except Exception:
            continue
        arrays["tfk__" + n] = np.asarray(f(tf.constant(x)), np.float32)
        tfk_names.append(n)
    # layer forms with non-default arguments
    lay = keras.layers
    arrays["layer__ReLU_max6_slope0.1_thr0.2"] = np.asarray(
        lay.ReLU(max_value=6.0, negative_slope=0.1, threshold=0.2)(x), np.float32)
    arrays["layer__LeakyReLU_default"] = np.asarray(lay.LeakyReLU()(x), np.float32)
    arrays["layer__ELU_default"] = np.asarray(lay.ELU()(x), np.float32)
    arrays["layer__Softmax_axis0"] = np.asarray(lay.Softmax(axis=0)(x), np.float32)
    arrays["tfk__layer__LeakyReLU_default"] = np.asarray(tf_keras.layers.LeakyReLU()(x), np.float32)
    np.savez_compressed(os.path.join(out, "activations.npz"), **arrays)
    print(f"  activations.npz: {len(names) + 1} keras 3 functions, {len(tfk_names)} tf_keras")
    return sorted(names + ["glu", "threshold__t0.5_v-1"]), tfk_names


# --------------------------------------------------------------------------- training parity
TRAIN_OPTIMIZERS = {
    "sgd": ("SGD", {"learning_rate": 0.1}),
    "sgd_momentum": ("SGD", {"learning_rate": 0.1, "momentum": 0.9}),
    "sgd_nesterov": ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
    "rmsprop": ("RMSprop", {"learning_rate": 0.01}),
    "rmsprop_centered_momentum": ("RMSprop", {"learning_rate": 0.01, "momentum": 0.5, "centered": True}),
    "adam": ("Adam", {"learning_rate": 0.01}),
    "adam_amsgrad": ("Adam", {"learning_rate": 0.01, "amsgrad": True}),
    "adagrad": ("Adagrad", {"learning_rate": 0.1}),
    "adadelta": ("Adadelta", {"learning_rate": 1.0}),
    "adamax": ("Adamax", {"learning_rate": 0.01}),
    "nadam": ("Nadam", {"learning_rate": 0.01}),
    "sgd_clipnorm": ("SGD", {"learning_rate": 0.1, "clipnorm": 0.5}),
    "adam_clipvalue": ("Adam", {"learning_rate": 0.01, "clipvalue": 0.01}),
}
SAVE_TRAINED = {"adam", "lstm_rmsprop"}


class StepRecorder(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.weights, self.logs = [], []

    def on_train_batch_end(self, batch, logs=None):
        self.weights.append([np.array(w) for w in self.model.get_weights()])
        self.logs.append({k: float(v) for k, v in (logs or {}).items()})


def train_run(name, out, build, x, y, opt_cls, opt_kw, loss, metrics=None, fit_kw=None, init_key=None):
    clear()
    m = build()
    rng = np.random.default_rng(seed_of("train/" + (init_key or name)))
    w_init = random_weights(rng, m.weights)
    m.set_weights(w_init)
    opt = getattr(keras.optimizers, opt_cls)(**opt_kw)
    m.compile(optimizer=opt, loss=loss, metrics=metrics or None)
    rec = StepRecorder()
    fit_kw = dict(batch_size=16, epochs=2, shuffle=False, verbose=0, **(fit_kw or {}))
    hist = m.fit(x, y, callbacks=[rec], **fit_kw)
    w_final = m.get_weights()
    arrays = {"x": x, "y": y, "losses": np.array(hist.history["loss"], np.float32),
              "names": np.array([v.path for v in m.weights]),
              "pred_final": np.asarray(m(x, training=False), np.float32),
              "batch_logged_loss": np.array([d["loss"] for d in rec.logs], np.float32)}
    for i, w in enumerate(w_init):
        arrays[f"w{i}"] = w
    for i, w in enumerate(w_final):
        arrays[f"f{i}"] = np.asarray(w, np.float32)
        arrays[f"s{i}"] = np.stack([s[i] for s in rec.weights]).astype(np.float32)
    for k, v in hist.history.items():
        arrays["history__" + k] = np.array(v, np.float32)
    p = os.path.join(out, name)
    np.savez_compressed(p + ".npz", **arrays)
    files = [name + ".npz", name + ".json"]
    if name in SAVE_TRAINED:
        m.save(p + ".keras")
        files.append(name + ".keras")
    desc = {
        "name": name,
        "optimizer": {"class_name": opt_cls, "kwargs": opt_kw,
                      "config": json.loads(json.dumps(opt.get_config(), default=float))},
        "loss": loss, "metrics": metrics or [],
        "fit": {k: v for k, v in fit_kw.items() if k != "verbose"},
        "layers": [layer_summary(lay) for lay in m.layers],
        "weights": [[v.path, list(map(int, v.shape))] for v in m.weights],
        "history": {k: [float(a) for a in v] for k, v in hist.history.items()},
        "history_keys": sorted(hist.history),
        "steps_recorded": len(rec.weights),
        "arrays": {"x": "inputs", "y": "targets", "w<i>": "initial weights (get_weights order)",
                   "f<i>": "final weights", "s<i>": "weights after each train step, stacked (steps, *shape)",
                   "losses": "history['loss'] per epoch", "batch_logged_loss":
                   "logs['loss'] at on_train_batch_end (Keras 3: running mean over the epoch so far)",
                   "pred_final": "model(x) after training", "history__<key>": "history values"},
        "files": files,
    }
    with open(p + ".json", "w") as fh:
        json.dump(desc, fh, indent=1, sort_keys=True)
    print(f"  training/{name:28s} losses={[round(float(v), 5) for v in hist.history['loss']]}")
    return desc


def make_training(out):
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(seed_of("training-data"))
    x = rng.normal(0, 1, (64, 5)).astype(np.float32)
    teacher = rng.normal(0, 1, (5, 3))
    labels = np.argmax(x @ teacher + rng.normal(0, 0.5, (64, 3)), axis=1)
    y = np.eye(3, dtype=np.float32)[labels]

    def dense_cls():
        return keras.Sequential([keras.Input((5,)), keras.layers.Dense(8, activation="tanh"),
                                 keras.layers.Dense(3, activation="softmax")])

    runs = {}
    for name, (cls, kw) in TRAIN_OPTIMIZERS.items():
        runs[name] = train_run(name, out, dense_cls, x, y, cls, kw, "categorical_crossentropy",
                               init_key="dense_classifier")  # same initial weights for every optimizer

    y_reg = (np.tanh(x @ rng.normal(0, 1, (5, 2))) + 0.1 * rng.normal(0, 1, (64, 2))).astype(np.float32)
    runs["regression_mse"] = train_run(
        "regression_mse", out,
        lambda: keras.Sequential([keras.Input((5,)), keras.layers.Dense(8, activation="tanh"),
                                  keras.layers.Dense(2)]),
        x, y_reg, "SGD", {"learning_rate": 0.05}, "mse")

    xs = rng.normal(0, 1, (64, 5, 3)).astype(np.float32)
    ys = np.stack([xs.sum(axis=(1, 2)) / 5, xs[:, -1, 0]], axis=1).astype(np.float32)
    runs["lstm_rmsprop"] = train_run(
        "lstm_rmsprop", out,
        lambda: keras.Sequential([keras.Input((5, 3)), keras.layers.LSTM(4), keras.layers.Dense(2)]),
        xs, ys, "RMSprop", {"learning_rate": 0.01}, "mse")

    y_bin = (x[:, :1] + 0.5 * x[:, 1:2] > 0).astype(np.float32)
    runs["binary_accuracy"] = train_run(
        "binary_accuracy", out,
        lambda: keras.Sequential([keras.Input((5,)), keras.layers.Dense(8, activation="relu"),
                                  keras.layers.Dense(1, activation="sigmoid")]),
        x, y_bin, "Adam", {"learning_rate": 0.01}, "binary_crossentropy", metrics=["accuracy"],
        fit_kw={"validation_split": 0.25})
    return {k: {"files": v["files"], "optimizer": v["optimizer"]["class_name"], "loss": v["loss"],
                "history_keys": v["history_keys"]} for k, v in runs.items()}


# --------------------------------------------------------------------------- main
def write_manifest(path, manifest):
    """JSON, one line per model (compact, still greppable); read it with json.load."""
    dump = lambda o: json.dumps(o, default=float, separators=(", ", ": "))  # noqa: E731
    parts = []
    for k, v in manifest.items():
        if isinstance(v, dict):
            inner = ",\n".join(f"  {json.dumps(kk)}: {dump(vv)}" for kk, vv in v.items())
            parts.append(f" {json.dumps(k)}: {{\n{inner}\n }}")
        else:
            parts.append(f" {json.dumps(k)}: {dump(v)}")
    text = "{\n" + ",\n".join(parts) + "\n}\n"
    json.loads(text)
    with open(path, "w") as fh:
        fh.write(text)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--only", nargs="*", help="model names to (re)generate (MANIFEST is then merged)")
    ap.add_argument("--skip-training", action="store_true")
    ap.add_argument("--all-files", action="store_true", help="write every file kind for every model")
    args = ap.parse_args(argv)
    out = args.out
    os.makedirs(out, exist_ok=True)
    mpath = os.path.join(out, "MANIFEST.json")
    manifest = {"models": {}}
    if args.only and os.path.exists(mpath):
        with open(mpath) as fh:
            manifest = json.load(fh)
    manifest["generator"] = "tools/make_keras_fixtures.py"
    manifest["versions"] = {"keras": keras.__version__, "tf_keras": tf_keras.__version__,
                            "tensorflow": tf.__version__, "numpy": np.__version__,
                            "h5py": __import__("h5py").__version__, "python": sys.version.split()[0]}
    manifest["file_kinds"] = {
        "keras": "<model>.keras: Keras 3 model.save (zip: metadata.json, config.json, model.weights.h5)",
        "weights_h5": "<model>.weights.h5: Keras 3 model.save_weights (layers/<key>/vars/<i> layout)",
        "legacy_h5": "<model>.legacy.h5: Keras 3 model.save('x.h5'), legacy full-model HDF5, Keras 3 configs",
        "tfk_weights_h5": "<model>.tfk_weights.h5: tf_keras save_weights('x.h5'), legacy Keras 2 weights layout",
        "tfk_model_h5": "<model>.tfk_model.h5: tf_keras model.save('x.h5'), legacy Keras 2 full model",
        "npz": "<model>.npz: x|x0,x1.. inputs, y|y0,y1.. Keras 3 outputs (eager call, training=False), "
               "w<i> = get_weights(), names = variable paths, tfk_names = tf_keras variable names, "
               "o<i> = output of model.layers[i] (Sequential/functional, not for twins), "
               "y_tfk only when tf_keras output differs from y by > 1e-5",
    }
    manifest["tiers"] = {
        "A": "all file kinds (the main layouts)",
        "B": "keras, weights_h5, tfk_model_h5 (its /model_weights group has the legacy Keras 2 weights layout, "
             "the same as tfk_weights_h5), npz: the other weight-bearing layer classes",
        "C": "keras, tfk_model_h5, npz: weightless layer classes (their Keras 2 configs)",
        "D": "keras, npz: argument variants of layers that A/B/C already cover in every file kind"}
    if not args.only:  # full regeneration: drop stale fixture files first
        for fn in os.listdir(out):
            if fn.endswith((".keras", ".h5", ".npz")):
                os.remove(os.path.join(out, fn))
        shutil.rmtree(os.path.join(out, "training"), ignore_errors=True)
    names = args.only or list(MODELS)
    unknown = [n for n in names if n not in MODELS]
    if unknown:
        sys.exit(f"unknown models: {unknown}")
    print(f"keras {keras.__version__}, tf_keras {tf_keras.__version__}, tensorflow {tf.__version__} -> {out}")
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            make_model_fixture(name, MODELS[name], out, manifest, tmp, args.all_files)
    if not args.only:
        manifest["losses"] = make_losses(out)
        acts, tfk_acts = make_activations(out)
        manifest["activations"] = {"keras": acts, "tf_keras": tfk_acts}
        if not args.skip_training:
            manifest["training"] = make_training(os.path.join(out, "training"))
    manifest["models"] = dict(sorted(manifest["models"].items()))
    write_manifest(mpath, manifest)
    failed = [n for n, e in manifest["models"].items() if e.get("self_check_failed")]
    if failed:
        print("SELF-CHECK FAILED:", failed)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
