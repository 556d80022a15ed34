"""Your own layers, models, metrics and files: build + call layers, Lambda, ops on tensors,
Model subclasses, add_loss, Metric subclasses, custom objects, R class constructors."""
import numpy as np
import pytest

import compat as keras
from compat import layers, ops
from pipeseq.layers.serialization import UnsafeConfigError
from tests.layer_check import gradient_check

RNG = np.random.default_rng(5)


class Linear(layers.Layer):
    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros")

    def call(self, inputs):
        return ops.tanh(inputs @ self.w + self.b)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


class Keras2Style(layers.Layer):
    def build(self, input_shape):
        self.kernel = self.add_weight("kernel", (input_shape[-1], 3), "glorot_uniform")
        self.scale = self.add_weight(name="scale", shape=(3,), initializer="ones",
                                     trainable=False)

    def call(self, x, training=None):
        y = ops.matmul(x, self.kernel) * self.scale
        return y * 0.5 if training else y


def test_add_weight_forms_names_and_order():
    layer = Linear(4)
    layer.build((None, 3))
    assert [v.shape for v in layer.weights] == [(3, 4), (4,)]
    assert [v.name for v in layer.weights][0].startswith("variable")
    k2 = Keras2Style()
    k2.build((None, 5))
    assert [v.name for v in k2.weights] == ["kernel", "scale"]
    assert [v.name for v in k2.trainable_weights] == ["kernel"]
    with pytest.raises(TypeError, match="unrecognized argument 'shap'"):
        Linear().add_weight(shap=(2,))


def test_gradients_of_a_call_layer_are_exact():
    from pipeseq import backend
    backend.set_floatx("float64")
    try:
        layer = Linear(3)
        x = RNG.normal(size=(4, 5))
        layer(x)
        gradient_check(layer, x, training=True)
        k2 = Keras2Style()
        k2(x)
        gradient_check(k2, x, training=True)      # training=True reaches call
    finally:
        backend.set_floatx("float32")


def test_output_shape_from_a_trace_and_training_in_every_model_kind():
    assert Linear(4).compute_output_shape((None, 3)) == (None, 4)
    x, y = RNG.normal(size=(32, 3)).astype("float32"), RNG.normal(size=(32, 2)).astype("float32")
    seq = keras.Sequential([keras.Input((3,)), Linear(8), layers.Dense(2)])
    inp = keras.Input((3,))
    fun = keras.Model(inp, layers.Dense(2)(Linear(8)(inp)))
    nested = keras.Sequential([keras.Input((3,)), keras.Sequential([Linear(8)]), layers.Dense(2)])
    for model in (seq, fun, nested):
        assert model.output_shape == (None, 2)
        model.compile("adam", "mse")
        h = model.fit(x, y, epochs=4, batch_size=8, verbose=0)
        assert h.history["loss"][-1] < h.history["loss"][0]


def test_frozen_custom_layer_keeps_its_weights_but_passes_gradients():
    first, frozen = layers.Dense(4), Linear(4)
    model = keras.Sequential([keras.Input((3,)), first, frozen, layers.Dense(1)])
    frozen.trainable = False
    before_frozen = frozen.get_weights()
    before_first = first.get_weights()
    model.compile("sgd", "mse")
    model.fit(RNG.normal(size=(16, 3)), RNG.normal(size=(16, 1)), epochs=2, verbose=0)
    assert all(np.array_equal(a, b) for a, b in zip(before_frozen, frozen.get_weights()))
    assert not np.array_equal(before_first[0], first.get_weights()[0])


def test_lambda_and_ops_on_tensors():
    inp = keras.Input((4,))
    h = layers.Lambda(lambda t: ops.concatenate([t, ops.square(t)], axis=-1))(inp)
    assert h.shape == (None, 8)
    h = -ops.sqrt(ops.abs(h) + 1.0)[:, :6] / 2.0 + 1
    assert h.shape == (None, 6)
    model = keras.Model(inp, layers.Dense(1)(h))
    model.compile("adam", "mse")
    model.fit(RNG.normal(size=(8, 4)), RNG.normal(size=(8, 1)), epochs=1, verbose=0)
    assert layers.Lambda(lambda t: t[:, :2], output_shape=(2,)).compute_output_shape(
        (None, 5)) == (None, 2)


def test_add_loss_is_reported_and_trained():
    class Penalty(layers.Layer):
        def call(self, x):
            self.add_loss(0.5 * ops.sum(ops.square(x)))
            return x
    model = keras.Sequential([keras.Input((2,)), layers.Dense(2, kernel_initializer="ones",
                                                              use_bias=False), Penalty()])
    model.compile("sgd", "mse")
    x, y = np.ones((4, 2), "float32"), np.zeros((4, 2), "float32")
    pred = model.predict(x, verbose=0)
    assert model.evaluate(x, y, verbose=0) == pytest.approx(np.mean(pred ** 2)
                                                            + 0.5 * np.sum(pred ** 2), rel=1e-5)
    assert model.layers[-1].losses and model.layers[-1].losses[0] == pytest.approx(
        0.5 * np.sum(pred ** 2), rel=1e-5)


class MeanAbsPred(keras.metrics.Metric):
    def __init__(self, name="mean_abs_pred", **kwargs):
        super().__init__(name=name, **kwargs)
        self.total = self.add_variable(shape=(), initializer="zeros", name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", name="count")

    def update_state(self, y_true, y_pred, sample_weight=None):
        self.total.assign_add(ops.sum(ops.abs(y_pred)))
        self.count.assign_add(ops.size(y_pred))

    def result(self):
        return self.total / self.count


def test_losses_of_a_sublayer_made_in_build_count_in_every_step():
    """fit keeps the model's layer list after the first forward pass; a sublayer that a
    custom layer creates in ``build`` is in it, so its activity penalty counts every step."""
    class Outer(layers.Layer):
        def build(self, input_shape):
            self.inner = layers.Dense(3, activity_regularizer=keras.regularizers.L2(100.0))

        def call(self, x):
            self.add_loss(1000.0)
            return self.inner(x)

    x = RNG.normal(size=(64, 4)).astype("float32")
    y = np.zeros((64, 3), "float32")
    model = keras.Sequential([Outer()])                 # built by fit's first batch
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")   # weights stay put
    losses = model.fit(x, y, batch_size=16, epochs=2, verbose=0).history["loss"]
    evaluated = model.evaluate(x, y, batch_size=16, verbose=0)
    mse = float(np.mean(model.predict(x, verbose=0) ** 2))
    assert evaluated - mse > 1000.0                  # add_loss and the activity penalty
    np.testing.assert_allclose(losses, [evaluated, evaluated], rtol=1e-5)


def test_stateful_metric_subclass_and_function_metric_in_history():
    def mean_pred(y_true, y_pred):
        return ops.mean(y_pred)
    model = keras.Sequential([keras.Input((3,)), layers.Dense(2)])
    model.compile("adam", "mse", metrics=[MeanAbsPred(), mean_pred])
    x = RNG.normal(size=(10, 3)).astype("float32")
    h = model.fit(x, np.zeros((10, 2)), epochs=1, batch_size=10, verbose=0)
    assert set(h.history) == {"loss", "mean_abs_pred", "mean_pred"}
    res = model.evaluate(x, np.zeros((10, 2)), verbose=0, return_dict=True)
    pred = model.predict(x, verbose=0)
    assert res["mean_abs_pred"] == pytest.approx(np.abs(pred).mean(), rel=1e-5)
    assert res["mean_pred"] == pytest.approx(pred.mean(), rel=1e-4, abs=1e-6)


def test_custom_objects_in_files(tmp_path):
    def twice(t):
        return 2.0 * t
    model = keras.Sequential([keras.Input((3,)), Linear(4, name="lin"), layers.Lambda(twice)])
    x = RNG.normal(size=(2, 3)).astype("float32")
    for ext in (".keras", ".h5"):
        p = str(tmp_path / f"m{ext}")
        model.save(p)
        with pytest.raises(UnsafeConfigError):
            keras.models.load_model(p)
        back = keras.models.load_model(p, custom_objects={"Linear": Linear, "twice": twice})
        np.testing.assert_allclose(back.predict(x, verbose=0), model.predict(x, verbose=0),
                                   rtol=1e-6)
        with keras.saving.custom_object_scope({"Linear": Linear, "twice": twice}):
            assert keras.models.load_model(p).layers[0].units == 4
    lam = keras.Sequential([keras.Input((3,)), layers.Lambda(lambda t: t + 1.0, name="plus")])
    lam.save(str(tmp_path / "l.keras"))
    with pytest.raises(UnsafeConfigError, match="never executes code.*custom_objects"):
        keras.models.load_model(str(tmp_path / "l.keras"))
    back = keras.models.load_model(str(tmp_path / "l.keras"),
                                   custom_objects={"plus": lambda t: t + 1.0})
    np.testing.assert_allclose(back.predict(x, verbose=0), x + 1.0, rtol=1e-6)


def test_registered_class_is_found_by_its_package_key(tmp_path):
    @keras.saving.register_keras_serializable(package="tests_pkg")
    class Scale(layers.Layer):
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, x):
            return x * self.factor

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}
    assert keras.saving.get_registered_name(Scale) == "tests_pkg>Scale"
    assert keras.saving.get_custom_objects()["tests_pkg>Scale"] is Scale
    model = keras.Sequential([keras.Input((2,)), Scale(3.0)])
    model.save(str(tmp_path / "s.keras"))
    back = keras.models.load_model(str(tmp_path / "s.keras"))
    assert back.layers[0].factor == 3.0


def test_r_class_constructors():
    from pipeseq import (Callback, Layer, Loss, Metric, compile, fit, keras_model_sequential,
                         layer_dense, layer_lambda, op_matmul, op_mean, op_square, shape)

    def initialize(self, units=8):
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=shape(input_shape[-1], self.units),
                                 initializer="random_normal")

    layer_linear = Layer("RLinear", initialize=initialize, build=build,
                         call=lambda self, inputs: op_matmul(inputs, self.w))
    loss_mse = Loss("RMse", call=lambda y_true, y_pred: op_mean(op_square(y_pred - y_true),
                                                                axis=-1))

    def m_init(self, **kwargs):
        self.n = self.add_variable(shape=(), initializer="zeros", name="n")
    metric_count = Metric("RCount", initialize=m_init,
                          update_state=lambda self, y_true, y_pred, sample_weight=None:
                          self.n.assign_add(len(y_pred)),
                          result=lambda self: self.n.value)
    epochs = []
    cb = Callback("REpochs", on_epoch_end=lambda epoch, logs=None: epochs.append(epoch))
    model = keras_model_sequential(input_shape=3) | layer_linear(units=4, name="lin") \
        | layer_lambda(f=lambda x: x * 2) | layer_dense(units=1)
    assert model.layers[0].name == "lin" and model.layers[0].units == 4
    model | compile(optimizer="adam", loss=loss_mse(), metrics=[metric_count()])
    h = model | fit(RNG.normal(size=(12, 3)), RNG.normal(size=(12, 1)), epochs=2, batch_size=4,
                    verbose=0, callbacks=[cb()])
    assert epochs == [0, 1] and h.history["r_count"] == [12.0, 12.0]
    assert shape(None, 3) == (None, 3)
