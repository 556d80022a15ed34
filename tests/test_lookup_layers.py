"""StringLookup, IntegerLookup, TextVectorization, Hashing, HashedCrossing against Keras:
one declarative case per fixture (tests/fixtures/lookups/cases.json, made by
tools/make_lookup_fixtures.py): same adapt vocabulary and IDF weights, same output values
and dtype, same config."""
import json
import os

import numpy as np
import pytest

from pipeseq.layers import base as layers_base

FIX = os.path.join(os.path.dirname(__file__), "fixtures", "lookups")
with open(os.path.join(FIX, "cases.json"), encoding="utf-8") as _f:
    FIXTURES = json.load(_f)
CASES = FIXTURES["cases"]


def _input(case):
    if case["class_name"] == "HashedCrossing":
        return [np.array(v) for v in case["input"]]
    return np.array(case["input"])


def _plain_config(config):
    config = dict(config)
    dtype = config.pop("dtype")
    config.pop("name")
    return config, dtype["config"]["name"] if isinstance(dtype, dict) else dtype


def _kwargs(case):
    kwargs = dict(case["kwargs"])
    if isinstance(kwargs.get("ngrams"), list):
        kwargs["ngrams"] = tuple(kwargs["ngrams"])
    return kwargs


@pytest.mark.parametrize("name", sorted(CASES))
def test_layer_matches_keras(name):
    case = CASES[name]
    layer = layers_base.get_layer_class(case["class_name"])(**_kwargs(case))
    if case["adapt"] is not None:
        layer.adapt(case["adapt"])
    out = layer(_input(case))
    if case["dtype"] == "string":
        assert out.tolist() == case["output"]
    else:
        assert str(out.dtype) == case["dtype"]
        np.testing.assert_allclose(out, np.array(case["output"]), rtol=1e-6, atol=1e-6)
    if "vocabulary" in case:
        assert layer.get_vocabulary() == case["vocabulary"]
        assert layer.vocabulary_size() == len(case["vocabulary"])
    if "idf_weights" in case:
        idf = getattr(layer, "_lookup_layer", layer).idf_weights
        np.testing.assert_allclose(idf, case["idf_weights"], rtol=1e-6)
    ours, keras = _plain_config(layer.get_config()), _plain_config(case["config"])
    assert ours == keras
    # The config rebuilds the layer (its adapted vocabulary travels as an asset, not here).
    clone = type(layer).from_config(layer.get_config())
    a, b = _plain_config(clone.get_config())[0], dict(ours[0])
    if case["adapt"] is not None:
        a.pop("vocabulary_size"), b.pop("vocabulary_size")
    assert a == b


# ----------------------------------------------------------------- files
TEXTS = np.array(["good movie", "bad movie", "great film", "awful film!", "good good", "bad"])


def _adapted_model(mode):
    from pipeseq.layers import Dense, Embedding, GlobalAveragePooling1D, Input, TextVectorization
    from pipeseq.models import Sequential
    tv = TextVectorization(max_tokens=9, output_mode=mode,
                           output_sequence_length=4 if mode == "int" else None)
    tv.adapt(TEXTS)
    tail = [Embedding(9, 3), GlobalAveragePooling1D()] if mode == "int" else []
    return Sequential([Input(shape=(1,), dtype="string"), tv, *tail, Dense(1)])


@pytest.mark.parametrize("mode", ["int", "tf_idf"])
@pytest.mark.parametrize("fname", ["m.keras", "m.h5", "w.weights.h5", "w.h5"])
def test_adapted_vocabulary_survives_every_format(mode, fname, tmp_path):
    from pipeseq.saving import api
    src = _adapted_model(mode)
    x = TEXTS[:, None]
    path = str(tmp_path / fname)
    if fname.startswith("m."):
        src.save(path)
        back = api.load_model(path)
    else:                                   # weights only: the vocabulary is set in code
        src.save_weights(path)
        back = api.model_from_json(src.to_json())
        lookup = src.layers[0]._lookup_layer
        back.layers[0].set_vocabulary(
            lookup.get_vocabulary(), None if mode == "int" else
            lookup.idf_weights[:lookup.vocabulary_size()])
        for v in back.weights:
            v.value = np.zeros_like(v.value)
        back.load_weights(path)
    assert back.layers[0].get_vocabulary() == src.layers[0].get_vocabulary()
    np.testing.assert_array_equal(back.predict(x, verbose=0), src.predict(x, verbose=0))


def test_keras_archive_layout(tmp_path):
    import zipfile
    path = str(tmp_path / "m.keras")
    _adapted_model("tf_idf").save(path)
    names = zipfile.ZipFile(path).namelist()
    assert "assets/layers/text_vectorization/vocabulary.txt" in names
    assert "assets/layers/text_vectorization/_lookup_layer/vocabulary.txt" in names
    vocab = zipfile.ZipFile(path).read("assets/layers/text_vectorization/vocabulary.txt")
    assert vocab.decode().split("\n")[:4] == ["[UNK]", "good", "movie", "film"]  # 3, 2, 2 uses


@pytest.mark.parametrize("fname", sorted(FIXTURES["files"]))
def test_reads_files_keras_wrote(fname):
    from pipeseq.saving import api
    record = FIXTURES["files"][fname]
    model = api.load_model(os.path.join(FIX, fname))
    out = model.predict(np.array(record["input"]), verbose=0)
    np.testing.assert_allclose(out, record["output"], rtol=1e-5, atol=1e-6)


# ------------------------------------------------------- in a model, R verbs
def test_text_model_trains_end_to_end_on_strings():
    from pipeseq.layers import Dense, Embedding, GlobalAveragePooling1D, TextVectorization
    from pipeseq.models import Model
    from pipeseq.layers import Input
    tv = TextVectorization(max_tokens=9, output_sequence_length=3)
    tv.adapt(TEXTS)
    inp = Input(shape=(), dtype="string")
    out = Dense(1, activation="sigmoid")(GlobalAveragePooling1D()(Embedding(9, 4)(tv(inp))))
    model = Model(inp, out)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    y = np.array([1, 0, 1, 0, 1, 0], "float32")
    before = model.get_weights()
    hist = model.fit(TEXTS, y, epochs=5, batch_size=3, verbose=0).history["loss"]
    assert hist[-1] < hist[0]
    assert any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    assert model.predict(list(TEXTS), verbose=0).shape == (6, 1)


def test_r_verbs_and_layer_functions():
    import pipeseq
    lookup = pipeseq.layer_integer_lookup() | pipeseq.adapt(np.array([5, 5, 2, 9, 9, 9]))
    assert pipeseq.get_vocabulary(lookup) == [-1, 9, 5, 2]
    assert pipeseq.get_vocabulary(lookup, include_special_tokens=False) == [9, 5, 2]
    tv = pipeseq.layer_text_vectorization(output_sequence_length=3)
    tv | pipeseq.set_vocabulary(["x", "y"])
    assert (np.array(["y x q"]) | tv).tolist() == [[3, 2, 1]]
    assert pipeseq.layer_hashing(num_bins=3)(np.array(["a"])).shape == (1,)
    with pytest.raises(TypeError, match="get_vocabulary"):
        pipeseq.get_vocabulary(pipeseq.layer_dense(units=2))


# ---------------------------------------------------------------- errors
def test_bad_arguments_and_inputs_are_refused_clearly():
    from pipeseq.layers import Hashing, HashedCrossing, IntegerLookup, StringLookup
    with pytest.raises(ValueError, match="output_mode"):
        StringLookup(output_mode="bag")
    with pytest.raises(ValueError, match="repeated term"):
        StringLookup(vocabulary=["a", "a"])
    with pytest.raises(ValueError, match="num_oov_indices=0"):
        StringLookup(vocabulary=["a"], num_oov_indices=0)(np.array(["b"]))
    with pytest.raises(RuntimeError, match="adapt"):
        StringLookup(output_mode="multi_hot")(np.array([["a"]]))
    with pytest.raises(ValueError, match="salt"):
        IntegerLookup(salt=3)
    with pytest.raises(ValueError, match="num_bins"):
        Hashing(num_bins=0)
    with pytest.raises(ValueError, match="at least two"):
        HashedCrossing(4)([np.array([1])])
    layer = StringLookup(max_tokens=3)
    layer.adapt(np.array(["a", "b"]))
    with pytest.raises(ValueError, match="larger than the maximum"):
        layer.set_vocabulary(["p", "q", "r"])
    assert layer.get_vocabulary() == ["[UNK]", "b", "a"]       # unchanged by the refusal
    with pytest.raises(ValueError, match="static vocabulary"):
        StringLookup(vocabulary=["a"]).adapt(np.array(["b"]))


def test_vocabulary_file(tmp_path):
    from pipeseq.layers import StringLookup
    path = tmp_path / "vocab.txt"
    path.write_text("éa\nb\n", encoding="utf-8")
    layer = StringLookup(vocabulary=str(path))
    assert layer.get_vocabulary() == ["[UNK]", "éa", "b"]
    assert layer.get_config()["vocabulary"] is None          # saved as an asset, as Keras does
    assert layer(np.array(["b", "éa", "c"])).tolist() == [2, 1, 0]


def test_old_import_paths():
    from compat.layers.experimental.preprocessing import StringLookup, TextVectorization
    from compat.layers import StringLookup as current
    from compat.utils import FeatureSpace
    from pipeseq.layers.feature_space import FeatureSpace as engine
    assert StringLookup is current and FeatureSpace is engine
    assert TextVectorization(output_sequence_length=2, vocabulary=["a"])(
        np.array(["a b"])).tolist() == [[2, 1]]
