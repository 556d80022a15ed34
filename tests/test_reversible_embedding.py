"""ReversibleEmbedding: the declarative checker on both directions, tied and untied weights,
soft cap, a tied language-model head in a functional model, errors. Keras parity is in
tests/test_layer_fixtures.py."""
import numpy as np
import pytest

from pipeseq import Input, Model
from pipeseq.layers import Dense, ReversibleEmbedding
from pipeseq.saving.api import model_from_json
from pipeseq.training.losses import SparseCategoricalCrossentropy
from tests.layer_check import check_layer


class _Reversed(ReversibleEmbedding):
    """The reverse direction as the default call, so that check_layer exercises it."""

    def forward(self, x, training=False, reverse=True):
        return super().forward(x, training=training, reverse=reverse)

    def compute_output_shape(self, input_shape, reverse=True):
        return super().compute_output_shape(input_shape, reverse=reverse)

    def build(self, input_shape):
        super().build(tuple(input_shape[:-1]))


@pytest.mark.parametrize("kwargs,n", [({}, 1), ({"tie_weights": False}, 2),
                                      ({"mask_zero": True, "tie_weights": False}, 2)])
def test_embedding_direction(kwargs, n):
    layer = check_layer(ReversibleEmbedding, {"input_dim": 7, "output_dim": 3, **kwargs}, (2, 4),
                        int_input_max=7, expected_num_weights=n, expected_output_shape=(2, 4, 3))
    assert [w.name for w in layer.weights] == ["embeddings", "reverse_embeddings"][:n]


@pytest.mark.parametrize("kwargs,n", [({}, 1), ({"tie_weights": False}, 2),
                                      ({"logit_soft_cap": 0.5}, 1),
                                      ({"tie_weights": False, "logit_soft_cap": 2.0}, 2)])
def test_reverse_direction(kwargs, n):
    check_layer(_Reversed, {"input_dim": 7, "output_dim": 3, **kwargs}, (2, 4, 3),
                expected_num_weights=n, expected_output_shape=(2, 4, 7))


def test_tied_reverse_is_transpose_and_soft_cap():
    emb = ReversibleEmbedding(6, 3, logit_soft_cap=0.1)
    emb(np.array([[0]]))
    h = np.random.default_rng(0).normal(size=(2, 3)).astype("float32")
    raw = h @ emb.embeddings.value.T
    np.testing.assert_allclose(emb(h, reverse=True), np.tanh(raw / 0.1) * 0.1, rtol=1e-5)
    assert np.abs(emb(h * 100, reverse=True)).max() <= 0.1 + 1e-6
    e64 = ReversibleEmbedding(6, 3, reverse_dtype="float64")
    e64(np.array([[0]]))
    assert e64(h, reverse=True).dtype == np.float64


def test_tied_language_model_head_trains_and_round_trips():
    tokens = Input((5,), dtype="int32")
    emb = ReversibleEmbedding(11, 4, name="tok")
    logits = emb(Dense(4, activation="tanh")(emb(tokens)), reverse=True)
    model = Model(tokens, logits)
    assert model.output_shape == (None, 5, 11)
    x = np.random.default_rng(1).integers(0, 11, (6, 5))
    model.compile(optimizer="adam", loss=SparseCategoricalCrossentropy(from_logits=True))
    before = emb.embeddings.numpy()
    hist = model.fit(x, x, epochs=3, verbose=0)
    assert hist.history["loss"][-1] < hist.history["loss"][0]
    assert not np.allclose(before, emb.embeddings.value)
    clone = model_from_json(model.to_json())
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)


@pytest.mark.parametrize("kwargs,match", [({"reverse_dtype": "int32"}, "reverse_dtype"),
                                          ({"logit_soft_cap": -1.0}, "logit_soft_cap")])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ReversibleEmbedding(5, 2, **kwargs)


def test_reverse_call_checks_the_vector_size():
    emb = ReversibleEmbedding(5, 2)
    emb(np.array([[1]]))
    with pytest.raises(ValueError, match="output_dim=2"):
        emb(np.ones((1, 3), "float32"), reverse=True)


@pytest.mark.parametrize("fname", ["m.keras", "m.h5", "w.weights.h5", "w.h5"])
def test_language_model_head_in_every_file_format(fname, tmp_path):
    """The layer called twice (forward, then ``reverse=True``) survives every format."""
    from pipeseq.saving import api
    tokens = Input((3,), dtype="int32")
    emb = ReversibleEmbedding(8, 2, tie_weights=False)
    model = Model(tokens, emb(Dense(2)(emb(tokens)), reverse=True))
    x = np.array([[1, 2, 3], [7, 0, 4]])
    path = str(tmp_path / fname)
    if fname.startswith("m."):
        model.save(path)
        back = api.load_model(path)
    else:
        model.save_weights(path)
        back = model_from_json(model.to_json())
        back.load_weights(path)
    for a, b in zip(back.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(back.predict(x, verbose=0), model.predict(x, verbose=0))
