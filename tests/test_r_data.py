"""The R front end's data functions: R's names, argument habits and result structure, with the
same numbers as the compat (Keras) functions they wrap."""
import json
import os

import numpy as np
import pytest

import pipeseq
from pipeseq import (array_reshape, fit_image_data_generator, fit_text_tokenizer,
                     flow_images_from_data, flow_images_from_directory, generator_next,
                     image_array_resize, image_data_generator, image_dataset_from_directory,
                     image_load, image_to_array, load_text_tokenizer, pad_sequences,
                     save_text_tokenizer, sequences_to_texts, skipgrams, text_dataset_from_directory,
                     text_tokenizer, texts_to_matrix, texts_to_sequences,
                     timeseries_dataset_from_array)
from pipeseq.r.rlist import RList

FIX = os.path.join(os.path.dirname(__file__), "fixtures", "data")
FILES = os.path.join(FIX, "files")
REF = np.load(os.path.join(FIX, "preprocessing.npz"))
with open(os.path.join(FIX, "preprocessing.json")) as _fh:
    META = json.load(_fh)


def test_array_reshape_is_row_major():
    x = np.arange(6).reshape(2, 3)
    assert array_reshape(x, (3, 2)).tolist() == [[0, 1], [2, 3], [4, 5]]
    assert array_reshape(x, (3, 2), order="F").tolist() == [[0, 4], [3, 2], [1, 5]]
    mnist_like = np.zeros((5, 28, 28), dtype="uint8")
    assert array_reshape(mnist_like, (5, 784)).shape == (5, 784)
    assert array_reshape(x, 6.0).shape == (6,)
    with pytest.raises(ValueError, match="whole number"):
        array_reshape(x, (2.5, 2))


def test_pad_sequences_r_defaults():
    got = pad_sequences(META["pad"]["input"], maxlen=5.0, value=-1)
    np.testing.assert_array_equal(got, REF["pad__value"])


def test_tokenizer_pipeline_in_both_forms(tmp_path):
    ref = META["text"]["cases"]["num_words"]
    tok = text_tokenizer(num_words=5) | fit_text_tokenizer(META["text"]["texts"])
    same = fit_text_tokenizer(text_tokenizer(num_words=5), META["text"]["texts"])
    assert tok.word_index == same.word_index == ref["word_index"]
    seqs = tok | texts_to_sequences(META["text"]["probe"])
    assert seqs == ref["sequences"]
    assert sequences_to_texts(tok, seqs) == ref["texts_back"]
    np.testing.assert_allclose(texts_to_matrix(tok, META["text"]["probe"], mode="tfidf"),
                               ref["matrix"]["tfidf"], rtol=1e-12)
    np.testing.assert_allclose(texts_to_matrix(tok, META["text"]["probe"]),   # R: "binary"
                               ref["matrix"]["binary"])
    assert texts_to_sequences(tok, "the cat") == texts_to_sequences(tok, ["the cat"])  # 1 text
    save_text_tokenizer(tok, str(tmp_path / "tok.json"))
    assert load_text_tokenizer(str(tmp_path / "tok.json")).word_index == tok.word_index
    with pytest.raises(TypeError, match="text tokenizer"):
        fit_text_tokenizer(object=[1, 2], x=["a"])


def test_fit_text_tokenizer_on_sequences():
    tok = fit_text_tokenizer(text_tokenizer(num_words=7), [[1, 2, 2], [3, 4], [2, 5, 6]])
    assert tok.document_count == 3 and tok.index_docs[2] == 2


def test_skipgrams_is_a_named_list():
    sg = skipgrams([1, 2, 3, 4], vocabulary_size=6, window_size=1, negative_samples=0,
                   shuffle=False)
    assert isinstance(sg, RList) and sg.names() == ["couples", "labels"]
    assert sg.couples == [[1, 2], [2, 1], [2, 3], [3, 2], [3, 4], [4, 3]] and set(sg.labels) == {1}


def test_image_functions(tmp_path):
    path = os.path.join(FILES, META["load_img"]["file"])
    np.testing.assert_array_equal(image_to_array(image_load(path, target_size=(3, 4))),
                                  REF["load__nearest"])
    gray = image_to_array(image_load(path, grayscale=True), data_format="channels_first")
    np.testing.assert_array_equal(gray[0], REF["load__gray"][..., 0])
    x = REF["img__batch"]
    assert image_array_resize(x[:1], 12, 10).shape == (1, 12, 10, 3)
    gen = image_data_generator(featurewise_center=True, featurewise_std_normalization=True,
                               rescale=1 / 255)
    gen | fit_image_data_generator(x)
    np.testing.assert_allclose(gen.mean, REF["img__fit_mean"], rtol=1e-5)
    it = flow_images_from_data(x, np.arange(5), generator=gen, batch_size=2, shuffle=False)
    xb, yb = generator_next(it)
    assert xb.shape == (2, 6, 5, 3) and yb.tolist() == [0, 1]
    it = flow_images_from_directory(os.path.join(FILES, "img"),
                                    generator=image_data_generator(rescale=1 / 255),
                                    target_size=(4, 5), batch_size=4, shuffle=False,
                                    class_mode="sparse")
    np.testing.assert_allclose(it[0][0], REF["flowdir__x0"], rtol=1e-6)


def test_dataset_functions():
    ds = image_dataset_from_directory(os.path.join(FILES, "img"), image_size=(4, 6),
                                      batch_size=2, shuffle=False, verbose=False)
    np.testing.assert_allclose(np.concatenate([b[0] for b in ds]), REF["imgds__bilinear__x"],
                               rtol=1e-5, atol=1e-3)
    ds = text_dataset_from_directory(os.path.join(FILES, "txt"), batch_size=2, shuffle=False,
                                     max_length=12, verbose=False)
    assert [t for xb, _ in ds for t in xb] == META["text_dataset"]["texts"]
    ts = timeseries_dataset_from_array(np.arange(40, dtype="float32").reshape(20, 2),
                                       np.arange(20) * 3, sequence_length=4, batch_size=3)
    np.testing.assert_array_equal(ts[1][0], REF["ts__basic__x1"])


def test_r_argument_matching_applies():
    tok = text_tokenizer(num_w=3)             # R's partial matching: num_words
    assert tok.num_words == 3
    assert "array_reshape" in pipeseq.__all__ and "dataset_mnist" in pipeseq.__all__
