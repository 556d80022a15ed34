"""Embedding and Masking: gradients, masks, index errors, Keras-style arguments."""
import numpy as np
import pytest

from pipeseq.layers import LSTM, Dense, Embedding, Masking
from pipeseq.models.sequential import Sequential
from tests.layer_check import check_layer


@pytest.mark.parametrize("kwargs,shape", [({"input_dim": 10, "output_dim": 3}, (2, 5)),
                                          ({"input_dim": 7, "output_dim": 2, "mask_zero": True}, (3, 4)),
                                          ({"input_dim": 6, "output_dim": 4}, (2, 3, 2))])
def test_embedding_checks(kwargs, shape):
    layer = check_layer(Embedding, kwargs, shape, int_input_max=kwargs["input_dim"],
                        expected_num_weights=1)
    assert layer.weights[0].name == "embeddings"
    assert layer.weights[0].shape == (kwargs["input_dim"], kwargs["output_dim"])


def test_embedding_gradient_accumulates_repeated_indices():
    layer = Embedding(5, 2)
    x = np.array([[1, 1, 3], [1, 0, 3]])
    layer(x)
    y, cache = layer.forward(x)
    np.testing.assert_array_equal(y[0, 0], layer.embeddings.value[1])
    _, (dE,) = layer.backward(cache, np.ones_like(y))
    np.testing.assert_array_equal(dE[:, 0], [1, 3, 0, 2, 0])


def test_embedding_defaults_and_config():
    layer = Embedding(1000, 8)
    layer(np.zeros((1, 2), "int64"))
    w = layer.embeddings.value
    assert w.dtype == np.float32 and np.abs(w).max() <= 0.05
    cfg = layer.get_config()
    assert cfg["embeddings_initializer"]["class_name"] == "RandomUniform"
    assert cfg["mask_zero"] is False and cfg["input_dim"] == 1000 and cfg["output_dim"] == 8
    assert Embedding.input_dtype_kind == "int"


def test_input_length_declares_the_input_shape():
    model = Sequential([Embedding(100, 4, input_length=7), LSTM(3)])
    assert model.built and model.input_shape == (None, 7)
    assert model.output_shape == (None, 3)
    assert model.count_params() == 100 * 4 + 4 * (4 * 3 + 3 * 3 + 3)


def test_mask_zero_mask_and_float_indices():
    layer = Embedding(10, 3, mask_zero=True)
    x = np.array([[4, 2, 0, 0]])
    np.testing.assert_array_equal(layer.compute_mask(x), [[True, True, False, False]])
    np.testing.assert_array_equal(layer(x.astype("float32")), layer(x))
    assert Embedding(10, 3).compute_mask(x) is None


@pytest.mark.parametrize("bad", [10, 25, -1])
def test_index_out_of_range_is_a_clear_error(bad):
    layer = Embedding(10, 3, name="words")
    with pytest.raises(ValueError, match=rf"Embedding 'words'.*\[0, 10\).*index {bad}"):
        layer(np.array([[1, bad, 2]]))


def test_index_error_through_a_model():
    model = Sequential([Embedding(10, 3, input_length=3), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=r"\[0, 10\)"):
        model.fit(np.array([[1, 2, 12]]), np.zeros((1, 3, 1)), verbose=0)


def test_masking_layer():
    check_layer(Masking, {"mask_value": 0.0}, (2, 4, 3), supports_training_step=False)
    x = np.array([[[1.0, 2.0], [0.0, 0.0], [3.0, 0.0]]], "float32")
    np.testing.assert_array_equal(Masking().compute_mask(x), [[True, False, True]])
    x2 = np.array([[[-1.0, -1.0], [2.0, -1.0]]], "float32")
    y = Masking(mask_value=-1.0)(x2)
    np.testing.assert_array_equal(y, [[[0, 0], [2, -1]]])
    assert Masking(mask_value=-1.0).get_config()["mask_value"] == -1.0


def test_mask_flows_from_embedding_to_lstm_in_a_model():
    model = Sequential([Embedding(10, 4, mask_zero=True, input_length=5), LSTM(3)])
    x = np.array([[3, 4, 5, 0, 0], [1, 0, 0, 0, 0]])
    emb, lstm = model.layers
    y = model.predict(x, verbose=0)
    np.testing.assert_allclose(y[:1], lstm(emb(x[:1, :3])), rtol=1e-6)   # padding skipped
    np.testing.assert_allclose(y[1:], lstm(emb(x[1:, :1])), rtol=1e-6)
    assert not np.allclose(y[:1], lstm(emb(x[:1])))
