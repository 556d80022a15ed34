"""Keras 3's newer losses against values and gradients real Keras computed
(tests/fixtures/toolbox/losses.json), and ctc_decode."""
import json
import os

import numpy as np
import pytest

from pipeseq.training import extra_losses as X
from pipeseq.training import losses as L

FIX = json.load(open(os.path.join(os.path.dirname(__file__), "fixtures", "toolbox", "losses.json")))


def _id(c):
    return c["class"] + "-" + "-".join(f"{k}={v}" for k, v in c["config"].items())


def _reduced(loss, yt, yp):
    """What the trainer minimises: the mean of the per-sample values, and its gradient."""
    values, g = loss.value_and_gradient(yt, yp)
    n = max(np.size(values), 1)
    return float(np.sum(values)) / n, g / n


@pytest.mark.parametrize("case", FIX["cases"], ids=[_id(c) for c in FIX["cases"]])
def test_loss_value_and_gradient_match_keras(case):
    loss = getattr(X, case["class"])(**case["config"])
    yt = np.array(case["y_true"], "float32")
    yp = np.array(case["y_pred"], "float32")
    value, g = _reduced(loss, yt, yp)
    assert value == pytest.approx(case["value"], rel=1e-5, abs=1e-6)
    np.testing.assert_allclose(g, case["grad"], rtol=1e-4, atol=1e-6)
    if case["per_sample"] is not None:
        np.testing.assert_allclose(loss(yt, yp), case["per_sample"], rtol=1e-5, atol=1e-6)
    cfg = loss.get_config()
    for k, v in case["keras_config"].items():
        if k not in ("dtype", "reduction"):
            assert cfg[k] == v, k
    # resolvable by string and by config, as compile() and load_model() need
    assert type(L.get(cfg["name"])) is type(loss)
    assert type(L.get(L.serialize(loss))) is type(loss)


def test_new_losses_train_a_model():
    from pipeseq import keras_model_sequential, layer_dense
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 4)).astype("float32")
    y = (x[:, :2] > 0).astype("float32")
    for loss in ("binary_focal_crossentropy", X.Dice(), X.Tversky(alpha=0.7, beta=0.3)):
        m = keras_model_sequential(input_shape=(4,))
        layer_dense(m, units=2, activation="sigmoid")
        from pipeseq.training.optimizers import Adam
        m.compile(optimizer=Adam(0.05), loss=loss)
        before = m.evaluate(x, y, batch_size=32, verbose=0)
        m.fit(x, y, epochs=5, batch_size=8, verbose=0)
        assert m.evaluate(x, y, batch_size=32, verbose=0) < before


def test_ctc_decode_matches_keras():
    d = FIX["ctc_decode"]
    logits, lengths = np.array(d["logits"], "float32"), np.array(d["lengths"])
    dec, scores = X.ctc_decode(logits, lengths, strategy="greedy")
    assert dec.tolist() == d["greedy"]["decoded"]
    np.testing.assert_allclose(scores, d["greedy"]["scores"], rtol=1e-5)
    dec, scores = X.ctc_decode(logits, lengths, strategy="beam_search", beam_width=5, top_paths=2)
    assert dec.tolist() == d["beam_search"]["decoded"]
    np.testing.assert_allclose(scores, d["beam_search"]["scores"], rtol=1e-4)


def test_bad_arguments_are_clear():
    with pytest.raises(ValueError, match="q must be in the interval"):
        X.CategoricalGeneralizedCrossEntropy(q=1.5)
    with pytest.raises(TypeError, match="unrecognized argument 'gama'.*Did you mean"):
        X.BinaryFocalCrossentropy(gama=2.0)
    with pytest.raises(ValueError, match="max_length, num_classes"):
        X.CTC()(np.zeros((2, 3)), np.zeros((2, 3)))
