"""Streaming metrics against results real Keras computed on the same inputs
(tests/fixtures/toolbox/metrics.json, made by tools/make_toolbox_fixtures.py)."""
import json
import os

import numpy as np
import pytest

from pipeseq.training import metrics as M

FIX = os.path.join(os.path.dirname(__file__), "fixtures", "toolbox", "metrics.json")
CASES = json.load(open(FIX))["cases"]


def _id(c):
    return c["class"] + "-" + "-".join(f"{k}={v}" for k, v in c["config"].items())


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_metric_matches_keras_after_three_batches(case):
    m = getattr(M, case["class"])(**case["config"])
    for yt, yp, w in case["batches"]:
        kw = {} if w is None else {"sample_weight": np.array(w, "float32")}
        if case["class"] in ("Sum", "Mean"):
            m.update_state(np.array(yp, "float32"), **kw)
        else:
            m.update_state(np.array(yt, "float32"), np.array(yp, "float32"), **kw)
    np.testing.assert_allclose(np.asarray(m.result(), "float64"), case["result"], atol=1e-6,
                               rtol=1e-6)
    assert m.name == case["name"]
    cfg = m.get_config()
    for k, v in case["keras_config"].items():
        if k != "dtype":
            assert cfg[k] == v, (k, cfg[k], v)
    # reset_state starts again: the first batch alone gives the same as a fresh metric
    m.reset_state()
    fresh = getattr(M, case["class"])(**case["config"])
    yt, yp, w = case["batches"][0]
    for obj in (m, fresh):
        kw = {} if w is None else {"sample_weight": np.array(w, "float32")}
        if case["class"] in ("Sum", "Mean"):
            obj.update_state(np.array(yp, "float32"), **kw)
        else:
            obj.update_state(np.array(yt, "float32"), np.array(yp, "float32"), **kw)
    np.testing.assert_array_equal(np.asarray(m.result()), np.asarray(fresh.result()))


def test_every_keras_metric_class_is_covered_by_a_fixture():
    classes = {c["class"] for c in CASES}
    for name in ("AUC", "Precision", "Recall", "TruePositives", "FalsePositives", "TrueNegatives",
                 "FalseNegatives", "PrecisionAtRecall", "RecallAtPrecision",
                 "SensitivityAtSpecificity", "SpecificityAtSensitivity", "F1Score", "FBetaScore",
                 "IoU", "MeanIoU", "BinaryIoU", "OneHotIoU", "OneHotMeanIoU", "R2Score",
                 "PearsonCorrelation", "ConcordanceCorrelation", "RootMeanSquaredError",
                 "Accuracy", "Sum", "Mean"):
        assert name in classes


@pytest.mark.parametrize("ident,cls", [("auc", "AUC"), ("AUC", "AUC"), ("precision", "Precision"),
                                       ("Recall", "Recall"), ("f1_score", "F1Score"),
                                       ("r2_score", "R2Score"),
                                       ({"class_name": "AUC", "config": {"curve": "PR"}}, "AUC")])
def test_get_resolves_names_and_configs(ident, cls):
    assert type(M.get(ident)).__name__ == cls


def test_bad_arguments_are_clear():
    with pytest.raises(ValueError, match="Threshold values must be in"):
        M.Precision(thresholds=[1.5])
    with pytest.raises(ValueError, match="Invalid AUC curve"):
        M.AUC(curve="XY")
    with pytest.raises(ValueError, match="num_thresholds"):
        M.AUC(num_thresholds=1)
    with pytest.raises(ValueError, match="recall"):
        M.PrecisionAtRecall(recall=2.0)
    with pytest.raises(ValueError, match="Unknown metric"):
        M.get("aucc")


def test_auc_in_compile_and_fit():
    from pipeseq import keras_model_sequential, layer_dense
    from pipeseq.training.optimizers import SGD
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    model = keras_model_sequential(input_shape=(4,))
    layer_dense(model, units=1, activation="sigmoid")
    model.compile(optimizer=SGD(0.1), loss="binary_crossentropy",
                  metrics=["AUC", M.Precision(name="p"), "recall"])
    hist = model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    assert set(hist.history) == {"loss", "auc", "p", "recall"}
    assert 0.0 <= hist.history["auc"][-1] <= 1.0
    res = model.evaluate(x, y, verbose=0, return_dict=True)
    m = M.AUC()
    m.update_state(y, model.predict(x, verbose=0))
    assert res["auc"] == pytest.approx(float(m.result()), abs=1e-6)
