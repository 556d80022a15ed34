"""GroupQueryAttention: the declarative checker per option set, grouping, masks, scores,
symbolic calls and errors. Parity with Keras (outputs, training) is in
tests/test_layer_fixtures.py; files in tests/test_misc_layers_saving.py."""
import numpy as np
import pytest

from pipeseq import Input, Model
from pipeseq.saving.api import model_from_json
from pipeseq.layers import Embedding, GroupQueryAttention, MultiHeadAttention
from tests.layer_check import check_layer


@pytest.mark.parametrize("kwargs,shapes,n", [
    ({"head_dim": 2, "num_query_heads": 4, "num_key_value_heads": 2}, [(2, 3, 6), (2, 5, 6)], 8),
    ({"head_dim": 3, "num_query_heads": 2, "num_key_value_heads": 1, "use_bias": False},
     [(2, 3, 4), (2, 5, 4), (2, 5, 3)], 4),
    ({"head_dim": 2, "num_query_heads": 2, "num_key_value_heads": 2, "use_gate": True,
      "sliding_window": 2}, [(2, 4, 3), (2, 4, 3)], 10),
])
def test_group_query_attention(kwargs, shapes, n):
    layer = check_layer(GroupQueryAttention, kwargs, shapes, expected_num_weights=n)
    names = [w.path.split("/")[0] for w in layer.weights]
    order = ["query", "key"] + (["gate"] if kwargs.get("use_gate") else []) + \
        ["value", "attention_output"]
    assert sorted(set(names), key=names.index) == order


def test_weights_shapes_and_default_name_follow_keras():
    gqa = GroupQueryAttention(head_dim=2, num_query_heads=4, num_key_value_heads=2)
    assert gqa.name.startswith("grouped_query_attention")
    gqa(np.ones((1, 5, 6), "float32"), np.ones((1, 3, 6), "float32"))
    assert [(w.path, w.shape) for w in gqa.weights] == [
        ("query/kernel", (6, 4, 2)), ("query/bias", (4, 2)), ("key/kernel", (6, 2, 2)),
        ("key/bias", (2, 2)), ("value/kernel", (6, 2, 2)), ("value/bias", (2, 2)),
        ("attention_output/kernel", (4, 2, 6)), ("attention_output/bias", (6,))]


def test_equal_heads_is_multi_head_attention():
    """num_key_value_heads == num_query_heads computes MultiHeadAttention's function."""
    rng = np.random.default_rng(0)
    q, v = rng.normal(size=(2, 3, 4)).astype("float32"), rng.normal(size=(2, 5, 4)).astype("float32")
    gqa = GroupQueryAttention(head_dim=3, num_query_heads=2, num_key_value_heads=2)
    mha = MultiHeadAttention(num_heads=2, key_dim=3)
    gqa(q, v)
    mha(q, v)
    mha.set_weights(gqa.get_weights())
    np.testing.assert_allclose(gqa(q, v, use_causal_mask=True), mha(q, v, use_causal_mask=True),
                               rtol=1e-5, atol=1e-6)


def test_key_value_heads_are_shared():
    """With one key/value head every query head attends with the same keys and values."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(1, 4, 3)).astype("float32")
    gqa = GroupQueryAttention(head_dim=2, num_query_heads=3, num_key_value_heads=1)
    gqa(x, x)
    qk = gqa.weights[0].value
    gqa.weights[0].value = np.repeat(qk[:, :1], 3, axis=1)       # identical query heads
    gqa.weights[1].value = np.zeros_like(gqa.weights[1].value)
    _, scores = gqa(x, x, return_attention_scores=True)
    np.testing.assert_allclose(scores[:, 0], scores[:, 2], rtol=1e-6)


def test_masks_causal_and_scores():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2, 4, 3))
    gqa = GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1,
                              dtype="float64")
    am = np.ones((2, 4, 4), bool)
    am[0, :, 3] = False
    out, scores = gqa(x, x, attention_mask=am, use_causal_mask=True,
                      return_attention_scores=True)
    assert scores.shape == (2, 2, 4, 4)
    assert np.all(scores[:, :, 0, 1:] == 0) and np.all(scores[0, :, :, 3] == 0)
    np.testing.assert_allclose(scores.sum(-1), 1.0, rtol=1e-12)
    # the gradient through masks, scores and output
    y, cache = gqa.forward([x, x, am.astype("float64")], call_slots=[["query", None],
                           ["value", None], ["attention_mask", None]],
                           return_attention_scores=True, use_causal_mask=True)
    assert np.allclose(y[0], out)


def test_keras_masks_from_embedding_in_a_model():
    tokens = Input((5,), dtype="int32")
    emb = Embedding(10, 6, mask_zero=True)(tokens)
    out = GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1)(emb, emb)
    model = Model(tokens, out)
    x = np.array([[1, 2, 3, 0, 0], [4, 5, 6, 7, 8]])
    # padded keys are ignored: changing the embedding of index 0 changes no unmasked output
    emb_layer = model.layers[1]
    before = model.predict(x, verbose=0)
    emb_layer.embeddings.value[0] += 1.0
    after = model.predict(x, verbose=0)
    np.testing.assert_allclose(after[0, :3], before[0, :3], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(after[1], before[1], rtol=1e-5, atol=1e-6)


def test_symbolic_call_with_scores_and_config_round_trip():
    q, v = Input((4, 6)), Input((3, 6))
    out, scores = GroupQueryAttention(2, 4, 2, name="gqa")(q, v, return_attention_scores=True)
    assert out.shape == (None, 4, 6) and scores.shape == (None, 4, 4, 3)
    model = Model([q, v], [out, scores])
    clone = model_from_json(model.to_json())
    clone.set_weights(model.get_weights())
    xs = [np.ones((2, 4, 6), "float32"), np.ones((2, 3, 6), "float32")]
    for a, b in zip(model.predict(xs, verbose=0), clone.predict(xs, verbose=0)):
        np.testing.assert_allclose(a, b)


def test_dropout_only_in_training_and_seeded():
    x = np.random.default_rng(3).normal(size=(2, 4, 3)).astype("float32")
    a, b = GroupQueryAttention(2, 2, 1, dropout=0.5, seed=1), GroupQueryAttention(2, 2, 1,
                                                                                 dropout=0.5, seed=1)
    a(x, x)
    b(x, x)
    b.set_weights(a.get_weights())
    y1 = a.forward([x, x], training=True)[0]
    assert not np.allclose(y1, a.forward([x, x], training=False)[0])
    np.testing.assert_allclose(y1, b.forward([x, x], training=True)[0])


@pytest.mark.parametrize("kwargs,match", [
    ({"head_dim": 2, "num_query_heads": 3, "num_key_value_heads": 2}, "divisible"),
    ({"head_dim": 0, "num_query_heads": 2, "num_key_value_heads": 1}, "head_dim"),
    ({"head_dim": 2, "num_query_heads": 2, "num_key_value_heads": 1, "dropout": 1.5}, "dropout"),
    ({"head_dim": 2, "num_query_heads": 2, "num_key_value_heads": 1, "sliding_window": -1},
     "sliding_window"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        GroupQueryAttention(**kwargs)


def test_bad_shapes_change_nothing():
    gqa = GroupQueryAttention(2, 2, 1)
    with pytest.raises(ValueError, match="last dimension"):
        gqa(np.ones((1, 3, 4), "float32"), np.ones((1, 3, 5), "float32"))
    assert not gqa.built and gqa.weights == []
    with pytest.raises(ValueError, match="rank-3"):
        gqa(np.ones((1, 2, 3, 4), "float32"), np.ones((1, 2, 3, 4), "float32"))


def test_files_use_the_names_keras_writes(tmp_path):
    """Keras 3 files GroupQueryAttention as its Python class GroupedQueryAttention: the weights
    under layers/grouped_query_attention/_query_dense..., the legacy .h5 config's class name,
    and its inbound nodes in Keras 3's own form (tf_keras never had the layer)."""
    import json

    import h5py
    q = Input((3, 4))
    model = Model(q, GroupQueryAttention(2, 2, 1, name="attn")(q, q))
    model.save(str(tmp_path / "m.h5"))
    model.save_weights(str(tmp_path / "w.weights.h5"))
    with h5py.File(tmp_path / "m.h5", "r") as f:
        entry = json.loads(f.attrs["model_config"])["config"]["layers"][1]
    assert entry["class_name"] == "GroupedQueryAttention"
    assert isinstance(entry["inbound_nodes"][0], dict) and len(entry["inbound_nodes"][0]["args"]) == 2
    with h5py.File(tmp_path / "w.weights.h5", "r") as f:
        for sub in ("_query_dense", "_key_dense", "_value_dense", "_output_dense"):
            assert f"layers/grouped_query_attention/{sub}/vars/1" in f
