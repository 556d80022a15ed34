"""``model.add_loss(symbolic tensor)`` on a functional model, as tf.keras (Keras 3 raises
NotImplementedError). Training parity with tf.keras: tests/test_autodiff_parity.py (*_tf_keras)."""
import os

import numpy as np
import pytest

import compat as keras
from compat import backend as K
from compat import layers

X = np.random.default_rng(0).normal(size=(16, 4)).astype("float32")


def encoder_decoder():
    x = keras.Input((4,))
    h = layers.Dense(3)(x)
    z_mean, z_log_var = layers.Dense(2, name="mu")(h), layers.Dense(2, name="log_var")(h)
    return x, z_mean, z_log_var, layers.Dense(4)(z_mean)


def test_the_loss_branch_joins_the_model_after_its_layers():
    x, z_mean, z_log_var, out = encoder_decoder()
    model = keras.Model(x, out)
    n_weights = len(model.weights)
    model.add_loss(-0.5 * K.mean(1 + z_log_var - K.square(z_mean) - K.exp(z_log_var)))
    names = [l.name for l in model.layers]
    assert names.index("log_var") > names.index(model.output_names[0])     # tf.keras's order
    assert names[-1].startswith("add_loss") and type(model.layers[-1]).__name__ == "AddLoss"
    assert len(model.weights) == n_weights + 2                    # log_var trains too
    model.compile(optimizer="sgd", loss="mse")
    before = model.get_layer("log_var").get_weights()[0].copy()
    model.fit(X, X, epochs=1, verbose=0)
    assert not np.allclose(model.get_layer("log_var").get_weights()[0], before)


def test_the_loss_is_part_of_evaluate():
    x, z_mean, z_log_var, out = encoder_decoder()
    model = keras.Model(x, out)
    model.compile(optimizer="sgd", loss="mse")
    plain = model.evaluate(X, X, verbose=0)
    model.add_loss(K.sum(K.square(z_log_var)) * 0 + 2.5)
    assert model.evaluate(X, X, verbose=0) == pytest.approx(plain + 2.5, rel=1e-6)


def test_a_value_that_is_not_symbolic_is_refused_and_changes_nothing():
    x, z_mean, z_log_var, out = encoder_decoder()
    model = keras.Model(x, out)
    names = [l.name for l in model.layers]
    for bad in (np.float32(1.0), 1.0, lambda: K.mean(z_mean)):
        with pytest.raises(ValueError, match="Expected a symbolic Tensors or a callable"):
            model.add_loss(bad)
    assert [l.name for l in model.layers] == names


def test_a_loss_from_other_inputs_is_refused_and_changes_nothing():
    x, z_mean, z_log_var, out = encoder_decoder()
    model = keras.Model(x, out)
    names = [l.name for l in model.layers]
    other = layers.Dense(1)(keras.Input((2,)))
    with pytest.raises(ValueError, match="must be computed from the inputs"):
        model.add_loss(K.mean(other))
    assert [l.name for l in model.layers] == names
    model.compile(optimizer="sgd", loss="mse")
    model.fit(X, X, epochs=1, verbose=0)


@pytest.mark.parametrize("ext", [".keras", ".h5"])
def test_saved_and_loaded_with_its_loss(tmp_path, ext):
    x, z_mean, z_log_var, out = encoder_decoder()
    model = keras.Model(x, out)
    # layers only (saving ops between layers is a separate matter)
    model.add_loss(layers.GlobalAveragePooling1D()(layers.Reshape((2, 1))(z_log_var)))
    model.compile(optimizer="sgd", loss="mse")
    model.fit(X, X, epochs=1, verbose=0)
    path = os.path.join(tmp_path, "m" + ext)
    model.save(path)
    again = keras.models.load_model(path)
    assert [l.name for l in again.layers] == [l.name for l in model.layers]
    assert again.evaluate(X, X, verbose=0) == pytest.approx(model.evaluate(X, X, verbose=0))


def test_compiled_without_a_loss_fits_without_targets():
    x, z_mean, z_log_var, out = encoder_decoder()
    model = keras.Model(x, out)
    model.add_loss(K.mean(K.sum(K.square(x - out), axis=-1)))
    model.compile(optimizer="adam")
    hist = model.fit(X, epochs=2, batch_size=8, verbose=0, validation_data=(X, None))
    assert sorted(hist.history) == ["loss", "val_loss"]
    assert hist.history["loss"][1] < hist.history["loss"][0]
