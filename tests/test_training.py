"""fit / evaluate / predict semantics, callbacks, reproducibility, bad input."""
import io
import math
import os

import numpy as np
import pytest

from pipeseq import backend
from pipeseq.layers import BatchNormalization, Dense, Dropout
from pipeseq.models import Sequential
from pipeseq.training import callbacks as cb
from pipeseq.training.optimizers import SGD


def blobs(n=200, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(size=(n, 3)).astype("float32")
    y = (x.sum(axis=1) > 1.5).astype("float32")[:, None]
    return x, y


def small_model(**compile_kw):
    model = Sequential([Dense(8, activation="tanh", input_shape=(3,)), Dense(1, activation="sigmoid")])
    model.compile(optimizer=compile_kw.pop("optimizer", "rmsprop"),
                  loss=compile_kw.pop("loss", "binary_crossentropy"),
                  metrics=compile_kw.pop("metrics", ["accuracy"]), **compile_kw)
    return model


def test_fit_history_and_evaluate_forms():
    x, y = blobs()
    model = small_model()
    h = model.fit(x, y, epochs=3, batch_size=32, verbose=0, validation_split=0.25)
    assert list(h.history) == ["loss", "accuracy", "val_loss", "val_accuracy"]
    assert h.epoch == [0, 1, 2] and all(len(v) == 3 for v in h.history.values())
    assert h.params["epochs"] == 3 and h.params["steps"] == math.ceil(150 / 32)
    loss, acc = model.evaluate(x, y, verbose=0)
    d = model.evaluate(x, y, verbose=0, return_dict=True)
    assert d == {"loss": loss, "accuracy": acc}
    plain = Sequential([Dense(1, input_shape=(3,))])
    plain.compile(optimizer="sgd", loss="mse")
    assert isinstance(plain.evaluate(x, y, verbose=0), float)


def test_training_reduces_loss_and_reaches_accuracy():
    backend.set_random_seed(1)
    x, y = blobs(600)
    from pipeseq.training.optimizers import Adam
    model = small_model(optimizer=Adam(0.01))
    h = model.fit(x, y, epochs=30, batch_size=32, verbose=0)
    assert h.history["loss"][-1] < h.history["loss"][0] * 0.6
    assert h.history["accuracy"][-1] > 0.9


def test_same_seed_identical_weights_and_losses():
    x, y = blobs()
    runs = []
    for _ in range(2):
        backend.set_random_seed(7)
        model = Sequential([Dense(8, activation="relu", input_shape=(3,)), Dropout(0.3), Dense(1, activation="sigmoid")])
        model.compile(optimizer="adam", loss="binary_crossentropy")
        h = model.fit(x, y, epochs=2, batch_size=16, verbose=0)
        runs.append((h.history["loss"], model.get_weights()))
    assert runs[0][0] == runs[1][0]
    for a, b in zip(runs[0][1], runs[1][1]):
        assert np.array_equal(a, b)


def test_validation_split_takes_last_fraction_before_shuffling():
    x, y = blobs(100)
    model = small_model()
    seen = []

    class Spy(cb.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append(logs["val_loss"])
    model.fit(x, y, epochs=1, validation_split=0.2, verbose=0, callbacks=[Spy()])
    manual = model.evaluate(x[80:], y[80:], verbose=0)[0]
    assert np.isclose(seen[0], manual, rtol=1e-6)


def test_predict_and_classes():
    x, y = blobs(50)
    model = small_model()
    p = model.predict(x, verbose=0, batch_size=7)
    assert p.shape == (50, 1) and p.dtype == np.float32
    np.testing.assert_allclose(p, model(x), rtol=1e-6)
    assert set(np.unique(model.predict_classes(x))) <= {0, 1}
    np.testing.assert_array_equal(model.predict_on_batch(x), model(x))


def test_integer_and_list_inputs_are_converted():
    model = small_model()
    x = [[0, 1, 1], [1, 1, 1], [0, 0, 0]]
    y = [1, 1, 0]
    model.fit(x, y, epochs=1, verbose=0)
    assert model.predict(np.array(x, dtype="int64"), verbose=0).dtype == np.float32


def test_sample_and_class_weight():
    x, y = blobs(64)
    model = small_model(optimizer=SGD(0.0))
    base = model.evaluate(x, y, verbose=0, return_dict=True)["loss"]
    zero = model.evaluate(x, y, sample_weight=np.zeros(64), verbose=0, return_dict=True)["loss"]
    assert zero == 0.0 and base > 0
    h = model.fit(x, y, class_weight={0: 1.0, 1: 0.0}, epochs=1, verbose=0, shuffle=False)
    assert h.history["loss"][0] < base


def test_on_batch_methods():
    x, y = blobs(32)
    model = small_model()
    before = model.get_weights()
    out = model.train_on_batch(x, y)
    assert len(out) == 2
    assert any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    assert set(model.test_on_batch(x, y, return_dict=True)) == {"loss", "accuracy"}


def test_progress_output_formats(capsys):
    x, y = blobs(64)
    model = small_model()
    model.fit(x, y, epochs=2, batch_size=32, verbose=1)
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out
    assert "2/2 [==============================] - " in out and " - loss: " in out and " - accuracy: " in out
    model.fit(x, y, epochs=1, batch_size=32, verbose=2)
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("2/2 - ") and "ms/epoch" in out[0]
    model.fit(x, y, epochs=1, verbose=0)
    assert capsys.readouterr().out == ""


def test_batchnorm_model_trains_and_has_4_params_per_feature():
    model = Sequential([BatchNormalization(input_shape=(3,))])
    assert model.count_params() == 12
    assert len(model.trainable_weights) == 2 and len(model.non_trainable_weights) == 2
    x, y = blobs()
    model2 = Sequential([Dense(6, input_shape=(3,)), BatchNormalization(), Dense(1, activation="sigmoid")])
    model2.compile(optimizer="adam", loss="binary_crossentropy")
    before = model2.layers[1].moving_mean.numpy()
    model2.fit(x, y, epochs=1, verbose=0)
    assert not np.array_equal(before, model2.layers[1].moving_mean.value)


# ------------------------------------------------------------- callbacks
def test_early_stopping_restores_best():
    x, y = blobs()
    model = small_model(optimizer=SGD(0.0))   # the loss never improves
    es = cb.EarlyStopping(monitor="loss", patience=2, restore_best_weights=True)
    h = model.fit(x, y, epochs=20, verbose=0, callbacks=[es], shuffle=False)
    assert len(h.epoch) == 3


def test_csv_logger_lr_scheduler_reduce_lr_and_lambda(tmp_path):
    x, y = blobs()
    model = small_model(optimizer=SGD(0.1))
    path = tmp_path / "log.csv"
    ends = []
    cbs = [cb.CSVLogger(path), cb.LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1)),
           cb.LambdaCallback(on_epoch_end=lambda epoch, logs: ends.append(epoch))]
    model.fit(x, y, epochs=3, verbose=0, callbacks=cbs)
    rows = path.read_text().strip().splitlines()
    assert rows[0].split(",")[0] == "epoch" and len(rows) == 4
    assert ends == [0, 1, 2]
    assert np.isclose(model.optimizer.learning_rate, 0.1 / 3)
    model2 = small_model(optimizer=SGD(0.0))
    rl = cb.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, min_delta=1.0)
    model2.optimizer.learning_rate = 0.2
    model2.fit(x, y, epochs=3, verbose=0, callbacks=[rl])
    assert model2.optimizer.learning_rate < 0.2


@pytest.mark.filterwarnings("ignore:overflow encountered", "ignore:invalid value encountered")
def test_terminate_on_nan():
    x, y = blobs()
    model = Sequential([Dense(1, input_shape=(3,))])
    model.compile(optimizer=SGD(1e30), loss="mse")
    h = model.fit(x * 1e10, y, epochs=5, verbose=0, callbacks=[cb.TerminateOnNaN()])
    assert len(h.epoch) <= 2


def test_regularizer_penalty_in_loss():
    x, y = blobs(32)
    model = Sequential([Dense(1, input_shape=(3,), kernel_regularizer="l2")])
    model.compile(optimizer=SGD(0.0), loss="mse")
    w = model.layers[0].kernel.value
    plain = float(np.mean((model.predict(x, verbose=0) - y) ** 2))
    assert np.isclose(model.evaluate(x, y, verbose=0), plain + 0.01 * float((w ** 2).sum()), rtol=1e-5)


def test_legacy_lr_and_decay():
    opt = SGD(lr=0.1, decay=0.5)
    assert opt.learning_rate == 0.1
    opt.iterations = 2
    assert np.isclose(opt.learning_rate, 0.1 / 2)
