"""Attention layers: the declarative checker per option set, masks, symbolic calls, errors.

Parity with Keras (outputs and training) is in tests/test_layer_fixtures.py.
"""
import numpy as np
import pytest

from pipeseq import Input, Model
from pipeseq.kernels import attention as ops
from pipeseq.saving.api import model_from_json
from pipeseq.layers import (AdditiveAttention, Attention, Dense, EinsumDense,
                            MultiHeadAttention)
from tests.layer_check import check_layer

QV = [(2, 3, 4), (2, 5, 4)]


@pytest.mark.parametrize("kwargs,shapes,n", [
    ({}, QV, 0),
    ({"use_scale": True}, QV + [(2, 5, 4)], 1),
    ({"use_scale": True, "score_mode": "concat"}, QV, 2),
    ({"score_mode": "concat"}, [(2, 3, 4), (2, 5, 2), (2, 5, 4)], 1),
])
def test_attention(kwargs, shapes, n):
    check_layer(Attention, kwargs, shapes, expected_num_weights=n)


@pytest.mark.parametrize("kwargs,n", [({}, 1), ({"use_scale": False}, 0)])
def test_additive_attention(kwargs, n):
    check_layer(AdditiveAttention, kwargs, QV, expected_num_weights=n)


@pytest.mark.parametrize("kwargs,shapes,n", [
    ({"num_heads": 2, "key_dim": 3}, [(2, 3, 4), (2, 5, 6)], 8),
    ({"num_heads": 2, "key_dim": 3, "value_dim": 2, "output_shape": 5, "use_bias": False},
     [(2, 3, 4), (2, 5, 6), (2, 5, 3)], 4),
    ({"num_heads": 1, "key_dim": 2, "sliding_window": 2}, [(2, 4, 3), (2, 4, 3)], 8),
    ({"num_heads": 2, "key_dim": 2}, [(2, 2, 3, 4), (2, 2, 2, 6)], 8),
])
def test_multi_head_attention(kwargs, shapes, n):
    layer = check_layer(MultiHeadAttention, kwargs, shapes, expected_num_weights=n)
    assert [w.path for w in layer.weights][:2] == ["query/kernel", "query/bias"][:2] or \
        not kwargs.get("use_bias", True)


@pytest.mark.parametrize("kwargs", [
    {"equation": "ab,bc->ac", "output_shape": 3, "bias_axes": "c"},
    {"equation": "abc,cde->abde", "output_shape": (None, 2, 3), "bias_axes": "e",
     "activation": "tanh"},
    {"equation": "...b,bc->...c", "output_shape": 3},
])
def test_einsum_dense(kwargs):
    shape = (2, 4) if kwargs["equation"].startswith("ab,") else (2, 3, 4)
    check_layer(EinsumDense, kwargs, shape)


def test_mha_weights_follow_keras():
    mha = MultiHeadAttention(num_heads=3, key_dim=2, value_dim=4, name="mha")
    q, v = np.ones((1, 5, 6), "float32"), np.ones((1, 7, 8), "float32")
    mha(q, v)
    assert [(w.path, w.shape) for w in mha.weights] == [
        ("query/kernel", (6, 3, 2)), ("query/bias", (3, 2)), ("key/kernel", (8, 3, 2)),
        ("key/bias", (3, 2)), ("value/kernel", (8, 3, 4)), ("value/bias", (3, 4)),
        ("attention_output/kernel", (3, 4, 6)), ("attention_output/bias", (6,))]
    assert mha.get_config()["attention_axes"] == [1]


def test_mha_masks_gradients_and_symbolic_call():
    rng = np.random.default_rng(0)
    mha = MultiHeadAttention(num_heads=2, key_dim=2)
    q, v = rng.normal(size=(2, 4, 3)), rng.normal(size=(2, 4, 3))
    am = np.ones((2, 4, 4), bool)
    am[:, :, -1] = False
    out, scores = mha(q, v, attention_mask=am, use_causal_mask=True, return_attention_scores=True)
    assert np.allclose(scores[..., -1], 0) and np.allclose(np.triu(scores[0, 0], 1), 0)
    assert np.allclose(scores.sum(-1), 1, atol=1e-6)
    # symbolic: the mask is a second graph input, passed by keyword
    qi, vi, mi = Input((4, 3)), Input((4, 3)), Input((4, 4), dtype="bool")
    model = Model([qi, vi, mi], Dense(1)(mha(qi, vi, attention_mask=mi)))
    y = model.predict([q, v, am], verbose=0)
    assert y.shape == (2, 4, 1)
    node = [e for e in model.get_config()["layers"]
            if e["class_name"] == "MultiHeadAttention"][0]["inbound_nodes"][0]
    assert len(node["args"]) == 2 and node["kwargs"]["attention_mask"]["class_name"] == \
        "__keras_tensor__"
    clone = model_from_json(model.to_json())
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.predict([q, v, am], verbose=0), y, rtol=1e-6)


def test_masked_softmax_modes_and_einsum_grad():
    s = np.zeros((1, 2, 3))
    m = np.array([[[True, True, False], [False, False, False]]])
    w, _ = ops.masked_softmax(s, m, mode="replace")
    assert np.allclose(w[0, 1], 0)
    w, _ = ops.masked_softmax(s, m, mode="fill")
    assert np.allclose(w[0, 1], 1 / 3)
    w, _ = ops.masked_softmax(s, m, mode="subtract")
    assert np.allclose(w[0, 0], [0.5, 0.5, 0])


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match="num_heads"):
        MultiHeadAttention(num_heads=0, key_dim=2)
    with pytest.raises(ValueError, match="score_mode"):
        Attention(score_mode="cosine")
    with pytest.raises(ValueError, match="list of inputs"):
        Attention()(np.ones((2, 3, 4)))
    with pytest.raises(ValueError, match="value` and `key"):
        MultiHeadAttention(2, 2)(np.ones((1, 3, 4)), np.ones((1, 5, 4)), key=np.ones((1, 4, 4)))
    with pytest.raises(NotImplementedError, match="attention_axes"):
        MultiHeadAttention(2, 2, attention_axes=(2,))(np.ones((1, 3, 4, 2)), np.ones((1, 3, 4, 2)))
    with pytest.raises(ValueError, match="equation"):
        EinsumDense("ab->c", output_shape=2)(np.ones((1, 2)))
