"""Keras-made fixtures for the layer catalogue: one small functional model per case.

Run with the Keras virtualenv (never imported by pipeseq or its tests)::

    KERAS_BACKEND=tensorflow /work/kenv/bin/python tools/make_layer_fixtures.py [--only CASE ...]

Writes ``tests/fixtures/layers/<case>.npz`` and ``tests/fixtures/layers/MANIFEST.json``.
Per case the npz holds ``x0, x1, ...`` (inputs), ``y0, y1, ...`` (Keras 3 outputs of an
inference call), ``w0, w1, ...`` (the weights, drawn from a numpy RNG seeded by crc32
of the case name) and, for cases with trainable weights, ``t0, t1, ...``: the weights
after ``fit(x, target, batch_size=len(x), epochs=2, shuffle=False)`` with
``SGD(learning_rate=0.05)`` and mean squared error on the first output (``target`` is
``ty`` in the npz). The manifest holds each model's JSON (``model.to_json()``), so
the test rebuilds the model from Keras's own config.
"""
import argparse
import json
import os
import sys
import zlib

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import keras  # noqa: E402
from keras import layers as L  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "layers")


def _rng(name):
    return np.random.default_rng(zlib.crc32(name.encode()))


def _f(rng, *shape):
    return rng.normal(size=shape).astype("float32")


# ---------------------------------------------------------------- cases
# name -> function(rng) -> (model, [inputs]); train flag in TRAIN.
def attention_dot(rng):
    q, v = keras.Input((3, 4)), keras.Input((5, 4))
    return keras.Model([q, v], L.Attention()([q, v])), [_f(rng, 2, 3, 4), _f(rng, 2, 5, 4)]


def attention_scaled_causal_scores(rng):
    q, v, k = keras.Input((4, 3)), keras.Input((4, 2)), keras.Input((4, 3))
    out, s = L.Attention(use_scale=True)([q, v, k], use_causal_mask=True,
                                         return_attention_scores=True)
    return keras.Model([q, v, k], [out, s]), [_f(rng, 2, 4, 3), _f(rng, 2, 4, 2), _f(rng, 2, 4, 3)]


def attention_concat(rng):
    q, v = keras.Input((3, 4)), keras.Input((5, 4))
    out = L.Attention(use_scale=True, score_mode="concat")([q, v])
    return keras.Model([q, v], out), [_f(rng, 2, 3, 4), _f(rng, 2, 5, 4)]


def attention_masked(rng):
    q, v = keras.Input((5,), dtype="int32"), keras.Input((6,), dtype="int32")
    emb = L.Embedding(10, 4, mask_zero=True)
    out = L.Attention()([emb(q), emb(v)])
    xq = rng.integers(1, 10, (2, 5)).astype("int32"); xq[:, -1] = 0
    xv = rng.integers(1, 10, (2, 6)).astype("int32"); xv[0, -2:] = 0
    return keras.Model([q, v], out), [xq, xv]


def additive_attention(rng):
    q, v = keras.Input((3, 4)), keras.Input((5, 4))
    return keras.Model([q, v], L.AdditiveAttention()([q, v])), [_f(rng, 2, 3, 4), _f(rng, 2, 5, 4)]


def mha_self(rng):
    x = keras.Input((5, 6))
    return keras.Model(x, L.MultiHeadAttention(2, 3)(x, x)), [_f(rng, 2, 5, 6)]


def mha_cross_key_scores(rng):
    q, v, k = keras.Input((4, 6)), keras.Input((3, 5)), keras.Input((3, 2))
    out, s = L.MultiHeadAttention(3, 2, value_dim=4, output_shape=7)(
        q, v, key=k, return_attention_scores=True)
    return keras.Model([q, v, k], [out, s]), [_f(rng, 2, 4, 6), _f(rng, 2, 3, 5), _f(rng, 2, 3, 2)]


def mha_causal_masked(rng):
    t = keras.Input((6,), dtype="int32")
    e = L.Embedding(12, 8, mask_zero=True)(t)
    out = L.MultiHeadAttention(2, 4, use_bias=False)(e, e, use_causal_mask=True)
    x = rng.integers(1, 12, (3, 6)).astype("int32"); x[1, -2:] = 0
    return keras.Model(t, out), [x]


def mha_attention_mask(rng):
    q, v, m = keras.Input((4, 6)), keras.Input((5, 6)), keras.Input((4, 5), dtype="bool")
    out = L.MultiHeadAttention(2, 3)(q, v, attention_mask=m)
    mask = rng.random((2, 4, 5)) > 0.3
    mask[:, :, 0] = True
    return keras.Model([q, v, m], out), [_f(rng, 2, 4, 6), _f(rng, 2, 5, 6), mask]


def mha_rank4(rng):
    x = keras.Input((2, 3, 4))
    return keras.Model(x, L.MultiHeadAttention(2, 2)(x, x)), [_f(rng, 2, 2, 3, 4)]


def einsum_dense(rng):
    x = keras.Input((3, 4))
    y = L.EinsumDense("abc,cde->abde", output_shape=(None, 2, 5), bias_axes="de",
                      activation="tanh")(x)
    return keras.Model(x, y), [_f(rng, 2, 3, 4)]


def _seq(shape, *layers_):
    def make(rng):
        x = keras.Input(shape)
        h = x
        for layer in layers_:
            h = layer(h)
        return keras.Model(x, h), [_f(rng, 2, *shape)]
    return make


def _seq_cases():
    return {
    "conv3d": ((5, 4, 6, 2), [L.Conv3D(3, (2, 3, 2), strides=(2, 1, 1), padding="same",
                                       activation="relu")]),
    "conv3d_groups_dilation": ((5, 6, 5, 4), [L.Conv3D(4, 2, groups=2, dilation_rate=(2, 1, 2))]),
    "conv3d_transpose": ((3, 2, 3, 2), [L.Conv3DTranspose(3, 3, strides=2, padding="same")]),
    "conv3d_transpose_valid_op": ((2, 3, 2, 2), [L.Conv3DTranspose(2, (3, 2, 2), strides=2,
                                                                   output_padding=1)]),
    "pooling3d": ((5, 6, 4, 2), [L.MaxPooling3D((2, 3, 2), strides=(2, 2, 1), padding="same"),
                                 L.AveragePooling3D(2, padding="same"),
                                 L.UpSampling3D((2, 1, 2)), L.ZeroPadding3D(((1, 0), (0, 2), 1)),
                                 L.Cropping3D(((0, 1), 1, (2, 0))),
                                 L.GlobalMaxPooling3D(keepdims=True), L.Dense(3)]),
    "global_avg3d": ((3, 4, 2, 3), [L.AveragePooling3D(2, strides=1), L.GlobalAveragePooling3D(),
                                    L.Dense(2)]),
    "depthwise_conv1d": ((7, 3), [L.DepthwiseConv1D(3, strides=2, padding="same",
                                                    depth_multiplier=2, activation="tanh")]),
    "separable_conv1d": ((8, 3), [L.SeparableConv1D(4, 3, dilation_rate=2, depth_multiplier=2)]),
    "group_norm": ((4, 6), [L.GroupNormalization(groups=3, epsilon=1e-2), L.Dense(2)]),
    "group_norm_image": ((3, 3, 4), [L.GroupNormalization(groups=-1, center=False), L.Dense(2)]),
    "unit_norm": ((3, 4), [L.Dense(5), L.UnitNormalization(axis=[1, 2])]),
    "activity_regularization": ((4,), [L.Dense(3), L.ActivityRegularization(l1=0.01, l2=0.1),
                                       L.Dense(2)]),
    "adaptive_pooling": ((7, 9, 3), [L.AdaptiveMaxPooling2D((3, 4)),
                                     L.AdaptiveAveragePooling2D(2), L.Dense(2)]),
    "adaptive_pooling_1d_3d": ((5, 6, 7, 2), [L.AdaptiveAveragePooling3D((2, 4, 3)),
                                              L.AdaptiveMaxPooling3D((1, 3, 2)),
                                              L.Reshape((6, 2)), L.AdaptiveMaxPooling1D(4),
                                              L.AdaptiveAveragePooling1D(3)]),
    "rms_norm": ((3, 4), [L.Dense(4), L.RMSNormalization(epsilon=1e-3), L.Dense(2)]),
    "rms_norm_axes": ((3, 4), [L.RMSNormalization(axis=[1, 2]), L.Dense(2)]),
    "resizing": ((7, 5, 2), [L.Resizing(4, 9), L.Resizing(3, 3, interpolation="nearest"),
                             L.Dense(2)]),
    "resizing_crop_aspect": ((8, 5, 2), [L.Resizing(3, 4, crop_to_aspect_ratio=True)]),
    "center_crop": ((7, 6, 2), [L.CenterCrop(4, 3), L.CenterCrop(6, 5), L.Dense(2)]),
    "random_flip_inference": ((4, 5, 2), [L.RandomFlip(), L.Dense(2)]),
    "augment_inference": ((6, 5, 3), [L.RandomRotation(0.1, fill_mode="wrap"),
                                      L.RandomZoom(0.2, seed=3), L.RandomTranslation(0.1, 0.2),
                                      L.RandomContrast(0.3), L.RandomBrightness(0.2),
                                      L.Flatten(), L.Dense(2)]),
    }


def discretization_adapt(rng):
    data = rng.gamma(2.0, size=(200, 3)).astype("float32")
    layer = L.Discretization(num_bins=5, epsilon=0.05, output_mode="one_hot")
    layer.adapt(data)
    x = keras.Input((3,))
    return keras.Model(x, layer(x)), [data[:4]], {"adapt": data}


def seq2seq_initial_state(rng):
    enc_in, dec_in = keras.Input((5, 3)), keras.Input((4, 2))
    _, h, c = L.LSTM(6, return_state=True)(enc_in)
    dec = L.LSTM(6, return_sequences=True)(dec_in, initial_state=[h, c])
    gru_out = L.GRU(3)(dec, initial_state=L.Dense(3)(h))
    return keras.Model([enc_in, dec_in], [L.Dense(2)(dec), gru_out]), \
        [_f(rng, 2, 5, 3), _f(rng, 2, 4, 2)]


def bidirectional_return_state(rng):
    x = keras.Input((5, 3))
    y, hf, cf, hb, cb = L.Bidirectional(L.LSTM(4, return_state=True))(x)
    seq, gf, gb = L.Bidirectional(L.GRU(2, return_sequences=True, return_state=True),
                                  merge_mode="sum")(x)
    return keras.Model(x, [L.Dense(2)(L.Concatenate()([y, hf, cb, gf])), hb, seq, gb]), \
        [_f(rng, 2, 5, 3)]


def category_encoding(rng):
    x = keras.Input((4,), dtype="int32")
    y = L.Concatenate()([L.CategoryEncoding(6, output_mode="count")(x),
                         L.CategoryEncoding(6)(x)])
    return keras.Model(x, y), [rng.integers(0, 6, (3, 4)).astype("int32")]


CASES = {f.__name__: f for f in [
    attention_dot, attention_scaled_causal_scores, attention_concat, attention_masked,
    additive_attention, mha_self, mha_cross_key_scores, mha_causal_masked, mha_attention_mask,
    mha_rank4, einsum_dense, discretization_adapt, category_encoding, seq2seq_initial_state,
    bidirectional_return_state]}
# attention_dot has no weights; the masked cases' outputs carry a Keras mask, which Keras 3
# applies to the loss (pipeseq's trainer does not yet), so they are inference-only here.
for _name in _seq_cases():
    CASES[_name] = (lambda n: lambda rng: _seq(*_seq_cases()[n][:1], *_seq_cases()[n][1])(rng))(
        _name)
NO_TRAIN = {"attention_dot", "attention_masked", "mha_causal_masked", "discretization_adapt",
            "random_flip_inference", "augment_inference",   # training augments at random
            "category_encoding"}


def make(name):
    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    rng = _rng(name)
    made = CASES[name](rng)
    model, xs = made[:2]
    weights = [(rng.normal(size=w.shape) * 0.5).astype("float32") for w in model.get_weights()]
    model.set_weights(weights)
    ys = model(xs if len(xs) > 1 else xs[0], training=False)
    ys = [np.asarray(y) for y in (ys if isinstance(ys, (list, tuple)) else [ys])]
    data = {f"x{i}": x for i, x in enumerate(xs)}
    data.update({f"y{i}": y for i, y in enumerate(ys)})
    data.update({f"w{i}": w for i, w in enumerate(weights)})
    data.update(made[2] if len(made) > 2 else {})      # e.g. the data a layer was adapted on
    entry = {"model": json.loads(model.to_json()), "n_inputs": len(xs), "n_outputs": len(ys),
             "n_weights": len(weights), "names": [w.path for w in model.weights]}
    if model.trainable_weights and name not in NO_TRAIN:
        train_model = keras.Model(model.inputs, model.outputs[0])
        target = rng.normal(size=ys[0].shape).astype("float32")
        train_model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")
        hist = train_model.fit(xs if len(xs) > 1 else xs[0], target, batch_size=len(xs[0]),
                               epochs=2, shuffle=False, verbose=0)
        data["ty"] = target
        data.update({f"t{i}": np.asarray(w) for i, w in enumerate(model.get_weights())})
        entry["losses"] = [float(v) for v in hist.history["loss"]]
    os.makedirs(OUT, exist_ok=True)
    np.savez_compressed(os.path.join(OUT, f"{name}.npz"), **data)
    return entry


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args(argv)
    path = os.path.join(OUT, "MANIFEST.json")
    manifest = {"versions": {"keras": keras.__version__, "numpy": np.__version__},
                "cases": {}}
    if args.only and os.path.exists(path):
        with open(path) as f:
            manifest["cases"] = json.load(f)["cases"]
    for name in args.only or CASES:
        manifest["cases"][name] = make(name)
        print("made", name)
    manifest["cases"] = dict(sorted(manifest["cases"].items()))
    with open(path, "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
