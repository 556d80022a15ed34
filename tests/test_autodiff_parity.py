"""User-written computation trains as in real Keras 3 (fixtures: tools/make_autodiff_fixtures.py),
and as in tf.keras for what only tf.keras implements (``*_tf_keras``: a functional model's
``add_loss`` of a symbolic tensor).

Each case: same data and initial weights (made from a seeded RNG, as in the generator), 2 epochs,
``shuffle=False``; per-epoch history within 1e-4 relative, final weights and predictions within
1e-4, and ``evaluate`` on the training data.
"""
import json
import os
import zlib

import numpy as np
import pytest

import compat as keras
from compat import layers, ops

HERE = os.path.join(os.path.dirname(__file__), "fixtures", "autodiff")


# ---- shared with tools/make_autodiff_fixtures.py (keep identical) ----------------------------
def case_rng(name, salt=0):
    return np.random.default_rng(zlib.crc32(name.encode()) + salt)


def case_data(name, n, in_shapes, out_shapes, kind="normal"):
    rng = case_rng(name)
    xs = [rng.normal(size=(n,) + tuple(s)).astype("float32") for s in in_shapes]
    ys = []
    for s in out_shapes:
        if kind == "onehot":
            ys.append(np.eye(s[-1], dtype="float32")[rng.integers(0, s[-1], n)])
        elif kind == "binary":
            ys.append((rng.uniform(size=(n,) + tuple(s)) > 0.5).astype("float32"))
        else:
            ys.append(rng.normal(size=(n,) + tuple(s)).astype("float32"))
    sw = rng.uniform(0.5, 1.5, size=n).astype("float32")
    return xs, ys, sw


def initial_weights(name, shapes):
    rng = case_rng(name, salt=1)
    return [rng.uniform(-0.4, 0.4, size=s).astype("float32") for s in shapes]
# ----------------------------------------------------------------------------------------------


def mlp(out_units=3, out_act=None, in_dim=6):
    return keras.Sequential([keras.Input((in_dim,)), layers.Dense(16, activation="tanh"),
                             layers.Dense(out_units, activation=out_act)])


CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


@case
def per_sample_loss():
    def per_sample(y_true, y_pred):
        return ops.mean(ops.square(y_pred - y_true), axis=-1) + \
            0.5 * ops.mean(ops.abs(y_pred - y_true), axis=-1)
    xs, ys, sw = case_data("per_sample_loss", 40, [(6,)], [(3,)])
    return mlp(), dict(optimizer=keras.optimizers.Adam(0.01), loss=per_sample), \
        dict(x=xs[0], y=ys[0], sample_weight=sw, batch_size=8)


@case
def batch_scalar_loss():
    def batch_scalar(y_true, y_pred):
        return keras.backend.mean(keras.backend.square(y_pred - y_true))    # Keras 2's K.*
    xs, ys, sw = case_data("batch_scalar_loss", 40, [(6,)], [(3,)])
    return mlp(), dict(optimizer=keras.optimizers.SGD(0.05, momentum=0.9), loss=batch_scalar), \
        dict(x=xs[0], y=ys[0], sample_weight=sw, batch_size=8)


@case
def batch_scalar_loss_unweighted():
    def batch_scalar(y_true, y_pred):
        return ops.mean(ops.square(y_pred - y_true))
    xs, ys, _ = case_data("batch_scalar_loss_unweighted", 40, [(6,)], [(3,)])
    return mlp(), dict(optimizer=keras.optimizers.Adam(0.01), loss=batch_scalar), \
        dict(x=xs[0], y=ys[0], batch_size=16)


@case
def bce_autoencoder():
    def hand_bce(y_true, y_pred):
        return -ops.mean(y_true * ops.log(y_pred + 1e-7)
                         + (1 - y_true) * ops.log(1 - y_pred + 1e-7), axis=-1)
    rng = case_rng("bce_autoencoder")
    x = (rng.uniform(size=(48, 784)) > 0.7).astype("float32")
    model = keras.Sequential([keras.Input((784,)), layers.Dense(32, activation="relu"),
                              layers.Dense(784, activation="sigmoid")])
    return model, dict(optimizer=keras.optimizers.Adam(1e-3), loss=hand_bce), \
        dict(x=x, y=x, batch_size=16)


@case
def loss_subclass_class_weight():
    class FocalLike(keras.losses.Loss):
        def call(self, y_true, y_pred):
            p = ops.clip(y_pred, 1e-7, 1 - 1e-7)
            return -ops.sum(y_true * ops.square(1 - p) * ops.log(p), axis=-1)
    xs, ys, _ = case_data("loss_subclass_class_weight", 40, [(6,)], [(3,)], kind="onehot")
    return mlp(3, "softmax"), dict(optimizer=keras.optimizers.RMSprop(0.01), loss=FocalLike()), \
        dict(x=xs[0], y=ys[0], class_weight={0: 1.0, 1: 2.0, 2: 0.5}, batch_size=8)


@case
def per_output_losses():
    def elementwise(y_true, y_pred):
        return ops.square(y_pred - y_true)

    def mean_pred(y_true, y_pred):
        return ops.mean(y_pred)
    inp = keras.Input((5,))
    h = layers.Dense(8, activation="tanh")(inp)
    a = layers.Dense(2, name="a")(h)
    b = layers.Dense(1, activation="sigmoid", name="b")(h)
    model = keras.Model(inp, [a, b])
    rng = case_rng("per_output_losses")
    x = rng.normal(size=(40, 5)).astype("float32")
    ya = rng.normal(size=(40, 2)).astype("float32")
    yb = (rng.uniform(size=(40, 1)) > 0.5).astype("float32")
    return model, dict(optimizer=keras.optimizers.Adam(0.01),
                       loss={"a": elementwise, "b": "binary_crossentropy"},
                       loss_weights={"a": 0.5, "b": 1.0}, metrics={"a": [mean_pred]}), \
        dict(x=x, y=[ya, yb], batch_size=8)


@case
def lambda_between_dense():
    model = keras.Sequential([keras.Input((5,)), layers.Dense(8, activation="tanh"),
                              layers.Lambda(lambda x: x * ops.sigmoid(x) + 0.1 * ops.square(x)),
                              layers.Dense(2)])
    xs, ys, _ = case_data("lambda_between_dense", 40, [(5,)], [(2,)])
    return model, dict(optimizer=keras.optimizers.Adam(0.01), loss="mse"), \
        dict(x=xs[0], y=ys[0], batch_size=8)


class Linear(keras.layers.Layer):            # the Keras guide's layer, verbatim
    def __init__(self, units=32):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units),
                                 initializer="random_normal", trainable=True)
        self.b = self.add_weight(shape=(self.units,), initializer="random_normal",
                                 trainable=True)

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b


@case
def guide_linear_layer():
    model = keras.Sequential([keras.Input((5,)), Linear(8), layers.Activation("relu"), Linear(2)])
    xs, ys, _ = case_data("guide_linear_layer", 40, [(5,)], [(2,)])
    return model, dict(optimizer=keras.optimizers.SGD(0.05), loss="mse"), \
        dict(x=xs[0], y=ys[0], batch_size=8)


class ActivityRegularizationLayer(keras.layers.Layer):
    def __init__(self, rate=1e-2):
        super().__init__()
        self.rate = rate

    def call(self, inputs):
        self.add_loss(self.rate * ops.sum(ops.square(inputs)))
        return inputs


@case
def add_loss_and_activity_regularizer():
    model = keras.Sequential([
        keras.Input((5,)),
        layers.Dense(8, activation="tanh", activity_regularizer=keras.regularizers.L2(1e-2)),
        ActivityRegularizationLayer(1e-2), layers.Dense(2)])
    xs, ys, _ = case_data("add_loss_and_activity_regularizer", 40, [(5,)], [(2,)])
    return model, dict(optimizer=keras.optimizers.Adam(0.01), loss="mse"), \
        dict(x=xs[0], y=ys[0], batch_size=8)


@case
def ops_between_layers():
    inp = keras.Input((5,))
    h = layers.Dense(8)(inp)
    h = ops.tanh(h) * 0.5 + ops.sigmoid(h)
    h = h[:, 1:7] - ops.mean(h, axis=-1, keepdims=True)
    out = layers.Dense(3)(h)
    xs, ys, _ = case_data("ops_between_layers", 40, [(5,)], [(3,)])
    return keras.Model(inp, out), dict(optimizer=keras.optimizers.Adam(0.01), loss="mse"), \
        dict(x=xs[0], y=ys[0], batch_size=8)


@case
def merge_lambda_vs_subtract():
    # Keras 1's Merge(mode=lambda) here; Keras 3's Subtract made the fixture
    from compat.layers import Merge
    left = keras.Sequential([layers.Dense(6, activation="tanh", input_dim=4)])
    right = keras.Sequential([layers.Dense(6, activation="tanh", input_dim=4)])
    model = keras.Sequential([Merge([left, right], mode=lambda x, y: x - y), layers.Dense(1)])
    xs, ys, _ = case_data("merge_lambda_vs_subtract", 40, [(4,), (4,)], [(1,)])
    return model, dict(optimizer=keras.optimizers.SGD(0.1), loss="mse"), \
        dict(x=xs, y=ys[0], batch_size=8)


class MLP(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(8, activation="relu")
        self.out = layers.Dense(2)

    def call(self, inputs):
        return self.out(self.hidden(inputs))


@case
def model_subclass():
    model = MLP()
    model.build((None, 5))
    xs, ys, _ = case_data("model_subclass", 40, [(5,)], [(2,)])
    return model, dict(optimizer=keras.optimizers.Adam(0.01), loss="mse"), \
        dict(x=xs[0], y=ys[0], batch_size=8)


def _encoder_decoder(name):
    x = keras.Input((6,))
    h = layers.Dense(8, activation="tanh")(x)
    z_mean, z_log_var = layers.Dense(2)(h), layers.Dense(2)(h)
    out = layers.Dense(6)(z_mean)
    xs, _, _ = case_data(name, 40, [(6,)], [])
    return x, out, z_mean, z_log_var, xs[0]


@case
def functional_add_loss_tf_keras():
    from compat import backend as K
    x, out, z_mean, z_log_var, data = _encoder_decoder("functional_add_loss_tf_keras")
    model = keras.Model(x, out)
    model.add_loss(-0.5 * K.mean(1 + z_log_var - K.square(z_mean) - K.exp(z_log_var)))
    return model, dict(optimizer=keras.optimizers.Adam(0.01), loss="mse"), \
        dict(x=data, y=data, batch_size=8)


@case
def add_loss_only_tf_keras():
    from compat import backend as K
    x, out, z_mean, z_log_var, data = _encoder_decoder("add_loss_only_tf_keras")
    model = keras.Model(x, out)
    reconstruction = K.sum(K.square(x - out), axis=-1)
    kl = -0.5 * K.sum(1 + z_log_var - K.square(z_mean) - K.exp(z_log_var), axis=-1)
    model.add_loss(K.mean(reconstruction + 0.1 * kl))
    return model, dict(optimizer=keras.optimizers.Adam(0.01)), dict(x=data, y=None, batch_size=8)


def test_every_fixture_has_a_case():
    import glob
    made = {os.path.basename(p)[:-5] for p in glob.glob(os.path.join(HERE, "*.json"))}
    assert made == set(CASES)


def _check(name, model, compile_kw, fit_kw):
    with open(os.path.join(HERE, name + ".json")) as f:
        desc = json.load(f)
    ref = np.load(os.path.join(HERE, name + ".npz"))
    assert [list(w.shape) for w in model.weights] == [s for _, s in desc["weights"]]
    model.set_weights(initial_weights(name, [w.shape for w in model.weights]))
    model.compile(**compile_kw)
    hist = model.fit(epochs=desc["epochs"], shuffle=False, verbose=0, **fit_kw)
    assert sorted(hist.history) == sorted(desc["history"])
    for key, values in desc["history"].items():
        np.testing.assert_allclose(hist.history[key], values, rtol=1e-4, atol=1e-7,
                                   err_msg=f"{name}: history[{key!r}]")
    for i, w in enumerate(model.get_weights()):
        np.testing.assert_allclose(w, ref[f"f{i}"], rtol=1e-4, atol=1e-4,
                                   err_msg=f"{name}: final weight {i}")
    x = fit_kw["x"]
    pred = model.predict([a[:8] for a in x] if isinstance(x, list) else x[:8], verbose=0)
    if isinstance(pred, list):
        for out, p in zip(model.output_names, pred):
            np.testing.assert_allclose(p, ref[f"pred__{out}"], rtol=1e-4, atol=1e-4)
    else:
        np.testing.assert_allclose(pred, ref["pred"], rtol=1e-4, atol=1e-4)
    ev = model.evaluate(fit_kw["x"], fit_kw["y"], batch_size=fit_kw["batch_size"], verbose=0)
    ev = ev[0] if isinstance(ev, list) else ev
    np.testing.assert_allclose(ev, float(ref["eval_loss"]), rtol=1e-4)


@pytest.mark.parametrize("name", sorted(CASES))
def test_trains_like_keras(name):
    keras.backend.clear_session()
    model, compile_kw, fit_kw = CASES[name]()
    _check(name, model, compile_kw, fit_kw)
