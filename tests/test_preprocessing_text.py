"""Sequence and text preprocessing against real Keras's outputs (tests/fixtures/data, made by
tools/make_preprocessing_fixtures.py), plus their error messages."""
import json
import os
import random

import numpy as np
import pytest

from compat.preprocessing.sequence import (TimeseriesGenerator, make_sampling_table,
                                           pad_sequences, skipgrams)
from compat.preprocessing.text import (Tokenizer, hashing_trick, one_hot, text_to_word_sequence,
                                       tokenizer_from_json)
from pipeseq.preprocessing.sequence import timeseries_generator_from_json

FIX = os.path.join(os.path.dirname(__file__), "fixtures", "data")
REF = np.load(os.path.join(FIX, "preprocessing.npz"))
with open(os.path.join(FIX, "preprocessing.json")) as _fh:
    META = json.load(_fh)


@pytest.mark.parametrize("case", sorted(META["pad"]["cases"]))
def test_pad_sequences_matches_keras(case):
    got = pad_sequences(META["pad"]["input"], **META["pad"]["cases"][case])
    want = REF[f"pad__{case}"]
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)


def test_pad_sequences_of_vectors_strings_and_errors():
    vec = [np.arange(6).reshape(3, 2), np.arange(2).reshape(1, 2) + 10]
    np.testing.assert_array_equal(pad_sequences(vec, maxlen=2), REF["pad__vectors"])
    assert pad_sequences([["a", "b"], ["c"]], dtype=object, value="").tolist() == \
        [["a", "b"], ["", "c"]]
    with pytest.raises(ValueError, match="dtype=object"):
        pad_sequences([["a"]], value="x")
    with pytest.raises(ValueError, match='Padding type "middle"'):
        pad_sequences([[1]], padding="middle")
    with pytest.raises(ValueError, match="non-iterable: 3"):
        pad_sequences([[1], 3])
    with pytest.raises(ValueError, match="different from expected shape"):
        pad_sequences([np.zeros((2, 2)), np.zeros((2, 3))])


def test_sampling_table_and_skipgrams_match_keras():
    np.testing.assert_allclose(make_sampling_table(12, sampling_factor=1e-2),
                               REF["sampling_table"], rtol=1e-12)
    random.seed(1234)
    couples, labels = skipgrams([1, 2, 0, 3, 4, 5, 2], 8, window_size=2, seed=7)
    assert [couples, labels] == [META["skipgrams"]["couples"], META["skipgrams"]["labels"]]
    random.seed(1234)
    couples, labels = skipgrams([1, 2, 3, 4], 6, window_size=1, negative_samples=0.5,
                                categorical=True, shuffle=False)
    assert couples == META["skipgrams_categorical"]["couples"]
    assert labels == META["skipgrams_categorical"]["labels"]


@pytest.mark.parametrize("case", ["plain", "strided", "reverse"])
def test_timeseries_generator_matches_keras(case):
    data, targets = np.arange(30).reshape(15, 2), np.arange(15) * 10
    gen = TimeseriesGenerator(data, targets, **META["tsgen"][case])
    assert len(gen) == int(REF[f"tsgen__{case}__len"])
    for i in range(len(gen)):
        x, y = gen[i]
        np.testing.assert_array_equal(x, REF[f"tsgen__{case}__x{i}"])
        np.testing.assert_array_equal(y, REF[f"tsgen__{case}__y{i}"])
    again = timeseries_generator_from_json(gen.to_json())
    np.testing.assert_array_equal(again[0][0], gen[0][0])
    with pytest.raises(ValueError, match="same length"):
        TimeseriesGenerator(data, targets[:3], length=2)
    with pytest.raises(ValueError, match="is disallowed"):
        TimeseriesGenerator(data, targets, length=20)


TEXT = META["text"]


@pytest.mark.parametrize("case", sorted(TEXT["cases"]))
def test_tokenizer_matches_keras(case):
    ref = TEXT["cases"][case]
    tok = Tokenizer(**ref["kwargs"])
    tok.fit_on_texts(TEXT["texts"])
    assert tok.word_index == ref["word_index"]
    assert list(tok.word_index) == list(ref["word_index"])        # rank order, ties included
    assert dict(tok.word_counts) == ref["word_counts"]
    assert dict(tok.word_docs) == ref["word_docs"]
    assert {str(k): v for k, v in tok.index_docs.items()} == ref["index_docs"]
    assert tok.document_count == ref["document_count"]
    seqs = tok.texts_to_sequences(TEXT["probe"])
    assert seqs == ref["sequences"]
    assert tok.sequences_to_texts(seqs) == ref["texts_back"]
    for mode, want in ref["matrix"].items():
        np.testing.assert_allclose(tok.texts_to_matrix(TEXT["probe"], mode=mode), want,
                                   rtol=1e-12, err_msg=mode)
    assert _config(tok.to_json()) == _config(ref["json"])


def _config(text):
    """The JSON config with its JSON-string fields parsed (their key order follows set order)."""
    out = json.loads(text)
    out["config"] = {k: json.loads(v) if k.startswith(("word_", "index_")) else v
                     for k, v in out["config"].items()}
    return out


def test_tokenizer_json_round_trip_reads_keras_json():
    ref = TEXT["cases"]["oov"]
    tok = tokenizer_from_json(ref["json"])                 # Keras wrote this string
    assert tok.texts_to_sequences(TEXT["probe"]) == ref["sequences"]
    np.testing.assert_allclose(tok.texts_to_matrix(TEXT["probe"], mode="tfidf"),
                               ref["matrix"]["tfidf"], rtol=1e-12)
    assert tokenizer_from_json(tok.to_json()).word_index == tok.word_index


def test_tokenizer_on_sequences_and_errors():
    tok = Tokenizer(num_words=7)
    tok.fit_on_sequences([[1, 2, 2], [3, 4], [2, 5, 6]])
    assert {str(k): v for k, v in tok.index_docs.items()} == \
        TEXT["from_sequences"]["index_docs"]
    np.testing.assert_allclose(tok.sequences_to_matrix([[1, 2, 2, 8]], mode="tfidf"),
                               TEXT["from_sequences"]["tfidf"], rtol=1e-12)
    with pytest.raises(ValueError, match="Unknown vectorization mode: 'tf'"):
        tok.sequences_to_matrix([[1]], mode="tf")
    with pytest.raises(ValueError, match="fit on some text data first"):
        Tokenizer().texts_to_matrix(["a"])
    with pytest.raises(ValueError, match="tfidf"):
        Tokenizer(num_words=3).texts_to_matrix(["a"], mode="tfidf")
    with pytest.raises(TypeError, match="single string"):
        Tokenizer().fit_on_texts("a whole text")
    with pytest.warns(DeprecationWarning, match="num_words"):
        assert Tokenizer(nb_words=4).num_words == 4
    with pytest.raises(TypeError, match="Unrecognized keyword"):
        Tokenizer(num_wrds=3)


def test_word_sequences_and_hashing_match_keras():
    ws = TEXT["word_sequences"]
    assert text_to_word_sequence("Hello, World! This is -- Keras.") == ws["default"]
    assert text_to_word_sequence("a,b;;c", filters=";", split=",") == ws["split"]
    assert text_to_word_sequence("Keep THE Case", lower=False) == ws["upper"]
    assert hashing_trick("the cat sat on the mat", 20, hash_function="md5") == TEXT["hashing_md5"]
    ids = one_hot("the cat the", 10)
    assert len(ids) == 3 and ids[0] == ids[2] and all(1 <= i < 10 for i in ids)
