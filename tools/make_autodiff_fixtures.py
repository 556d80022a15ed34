"""Real Keras 3 trains user-written computation; the results become pipeseq's parity fixtures.

Run in the Keras virtualenv (see tools/README.md), from the repository root:

    KERAS_BACKEND=tensorflow /work/kerasenv/bin/python tools/make_autodiff_fixtures.py

Writes ``tests/fixtures/autodiff/<case>.json`` (per-epoch history, weight shapes and paths, fit
arguments) and ``<case>.npz`` (final weights ``f<i>``, predictions ``pred`` for the first rows,
``eval_loss``). Inputs, targets, sample weights and *initial weights* are not stored: both this
script and tests/test_autodiff_parity.py make them from a numpy RNG seeded by crc32 of the case
name (``case_data`` / ``initial_weights`` below, duplicated there), so the fixtures stay small.
Every case: 2 epochs, ``shuffle=False``. The ``*_tf_keras`` cases are made by tf.keras (Keras 2),
for what Keras 3 does not implement (``add_loss`` of a symbolic tensor on a functional model
raises ``NotImplementedError`` in Keras 3.15).
"""
import json
import os
import sys
import zlib

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests",
                   "fixtures", "autodiff")
EPOCHS = 2


# ---- shared with tests/test_autodiff_parity.py (keep identical) -----------------------------
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


def main():
    import keras
    from keras import layers, ops

    cases = {}

    def case(fn):
        cases[fn.__name__] = fn
        return fn

    def mlp(out_units=3, out_act=None, in_dim=6):
        return keras.Sequential([keras.Input((in_dim,)), layers.Dense(16, activation="tanh"),
                                 layers.Dense(out_units, activation=out_act)])

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
            return ops.mean(ops.square(y_pred - y_true))
        xs, ys, sw = case_data("batch_scalar_loss", 40, [(6,)], [(3,)])
        return mlp(), dict(optimizer=keras.optimizers.SGD(0.05, momentum=0.9),
                           loss=batch_scalar), \
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
        model = mlp(3, "softmax")
        return model, dict(optimizer=keras.optimizers.RMSprop(0.01), loss=FocalLike()), \
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
        model = keras.Model(inp, {"a": a, "b": b})
        rng = case_rng("per_output_losses")
        x = rng.normal(size=(40, 5)).astype("float32")
        ya = rng.normal(size=(40, 2)).astype("float32")
        yb = (rng.uniform(size=(40, 1)) > 0.5).astype("float32")
        return model, dict(optimizer=keras.optimizers.Adam(0.01),
                           loss={"a": elementwise, "b": "binary_crossentropy"},
                           loss_weights={"a": 0.5, "b": 1.0}, metrics={"a": [mean_pred]}), \
            dict(x=x, y={"a": ya, "b": yb}, batch_size=8)

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
        model = keras.Sequential([keras.Input((5,)), Linear(8), layers.Activation("relu"),
                                  Linear(2)])
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
        model = keras.Model(inp, out)
        xs, ys, _ = case_data("ops_between_layers", 40, [(5,)], [(3,)])
        return model, dict(optimizer=keras.optimizers.Adam(0.01), loss="mse"), \
            dict(x=xs[0], y=ys[0], batch_size=8)

    @case
    def merge_lambda_vs_subtract():
        in1, in2 = keras.Input((4,)), keras.Input((4,))
        a = layers.Dense(6, activation="tanh")(in1)
        b = layers.Dense(6, activation="tanh")(in2)
        out = layers.Dense(1)(layers.Subtract()([a, b]))
        model = keras.Model([in1, in2], out)
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
        model(np.zeros((1, 5), "float32"))    # Keras 3.15's build() does not build sublayers
        xs, ys, _ = case_data("model_subclass", 40, [(5,)], [(2,)])
        return model, dict(optimizer=keras.optimizers.Adam(0.01), loss="mse"), \
            dict(x=xs[0], y=ys[0], batch_size=8)

    tf_keras_cases(cases)
    only = sys.argv[1:]
    os.makedirs(OUT, exist_ok=True)
    for name, make in cases.items():
        if only and name not in only:
            continue
        keras.utils.clear_session()
        model, compile_kw, fit_kw = make()
        made_by = "tf_keras " + TFK.__version__ if name.endswith("_tf_keras") else \
            "keras " + keras.__version__
        init = initial_weights(name, [tuple(w.shape) for w in model.weights])
        assert init, f"{name}: the model has no weights yet (not built)"
        model.set_weights(init)
        model.compile(**compile_kw)
        hist = model.fit(epochs=EPOCHS, shuffle=False, verbose=0, **fit_kw)
        x = fit_kw["x"]
        first = [a[:8] for a in x] if isinstance(x, list) else x[:8]
        pred = model.predict(first, verbose=0)
        arrays = {f"f{i}": w for i, w in enumerate(model.get_weights())}
        if isinstance(pred, dict):
            arrays.update({f"pred__{k}": v for k, v in pred.items()})
        else:
            arrays["pred"] = pred
        ev = model.evaluate(fit_kw["x"], fit_kw["y"], batch_size=fit_kw["batch_size"], verbose=0,
                            return_dict=True)
        arrays["eval_loss"] = np.float64(ev["loss"])
        np.savez_compressed(os.path.join(OUT, name + ".npz"), **arrays)
        desc = {"history": {k: [float(v) for v in vs] for k, vs in hist.history.items()},
                "weights": [[getattr(v, "path", None) or v.name, list(v.shape)]
                            for v in model.weights],
                "batch_size": fit_kw["batch_size"], "epochs": EPOCHS, "keras": made_by}
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            json.dump(desc, f, indent=1)
        print(name, {k: [round(v, 6) for v in vs] for k, vs in desc["history"].items()})


TFK = None


def tf_keras_cases(cases):
    """Cases tf.keras makes: a functional model's ``add_loss`` of a symbolic tensor."""
    global TFK
    import tf_keras
    from tf_keras import backend as K
    from tf_keras import layers as tl
    TFK = tf_keras

    def encoder_decoder(name):
        x = tl.Input((6,))
        h = tl.Dense(8, activation="tanh")(x)
        z_mean, z_log_var = tl.Dense(2)(h), tl.Dense(2)(h)
        out = tl.Dense(6)(z_mean)
        xs, _, _ = case_data(name, 40, [(6,)], [])
        return x, out, z_mean, z_log_var, xs[0]

    def functional_add_loss_tf_keras():
        x, out, z_mean, z_log_var, data = encoder_decoder("functional_add_loss_tf_keras")
        model = tf_keras.Model(x, out)
        model.add_loss(-0.5 * K.mean(1 + z_log_var - K.square(z_mean) - K.exp(z_log_var)))
        return model, dict(optimizer=tf_keras.optimizers.Adam(0.01), loss="mse"), \
            dict(x=data, y=data, batch_size=8)

    def add_loss_only_tf_keras():          # Keras 2's VAE example: compile() without a loss
        x, out, z_mean, z_log_var, data = encoder_decoder("add_loss_only_tf_keras")
        model = tf_keras.Model(x, out)
        reconstruction = K.sum(K.square(x - out), axis=-1)
        kl = -0.5 * K.sum(1 + z_log_var - K.square(z_mean) - K.exp(z_log_var), axis=-1)
        model.add_loss(K.mean(reconstruction + 0.1 * kl))
        return model, dict(optimizer=tf_keras.optimizers.Adam(0.01)), \
            dict(x=data, y=None, batch_size=8)

    cases["functional_add_loss_tf_keras"] = functional_add_loss_tf_keras
    cases["add_loss_only_tf_keras"] = add_loss_only_tf_keras


if __name__ == "__main__":
    main()
