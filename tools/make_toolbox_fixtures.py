#!/usr/bin/env python
"""Keras-made fixtures for pipeseq's training toolbox (dev-only; see tools/README.md).

    KERAS_BACKEND=tensorflow /work/kenv/bin/python tools/make_toolbox_fixtures.py [part ...]

Parts (default: all) and the files they write under tests/fixtures/toolbox/:

* ``metrics``    -> metrics.json: each metric streamed over three batches (inputs stored,
  rounded to 4 decimals so both sides read identical float32 values), Keras's result.
* ``losses``     -> losses.json: per-sample values and reduced values of the new losses.
* ``optimizers`` -> optimizers.json: a small Dense model trained 2 epochs per optimizer
  (initial weights, data and final weights stored).
* ``schedules``  -> schedules.json: learning rate at chosen steps, and each config.

Inputs are small and stored in the JSON itself, so the tests need no RNG agreement.
"""
import json
import os
import sys
import warnings

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
warnings.filterwarnings("ignore")

import numpy as np  # noqa: E402

import keras  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "toolbox")


def r4(a):
    return np.round(np.asarray(a, dtype="float64"), 4)


def tolist(a):
    a = np.asarray(a)
    return a.tolist()


# ------------------------------------------------------------------- metrics
def metric_cases(rng):
    def binary(n=8, labels=1):
        shape = (n,) if labels == 1 else (n, labels)
        return (rng.integers(0, 2, shape).astype("float64"), r4(rng.random(shape)))

    def multiclass(n=8, k=4, onehot=True):
        ids = rng.integers(0, k, n)
        yt = np.eye(k)[ids] if onehot else ids.astype("float64")
        return yt, r4(rng.dirichlet(np.ones(k), n))

    def regress(n=8, k=3):
        return r4(rng.normal(size=(n, k))), r4(rng.normal(size=(n, k)))

    def sw(n=8):
        return r4(rng.random(n) + 0.2)

    cases = []

    def add(cls, config, make, weighted=False, batches=3):
        bs = []
        for _ in range(batches):
            yt, yp = make()
            bs.append([tolist(yt), tolist(yp), tolist(sw(len(yp))) if weighted else None])
        cases.append({"class": cls, "config": config, "batches": bs})

    for cfg in ({}, {"curve": "PR"}, {"num_thresholds": 7}, {"summation_method": "majoring"},
                {"curve": "PR", "summation_method": "minoring"}, {"curve": "PRGAIN"},
                {"thresholds": [0.2, 0.45, 0.7]}, {"from_logits": True}):
        add("AUC", cfg, (lambda: (binary()[0], r4(rng.normal(size=8) * 2)))
            if cfg.get("from_logits") else binary)
    add("AUC", {}, binary, weighted=True)
    add("AUC", {"multi_label": True}, lambda: binary(labels=3))
    add("AUC", {"multi_label": True, "label_weights": [0.2, 0.5, 0.3], "curve": "PR"},
        lambda: binary(labels=3))
    add("AUC", {"label_weights": [0.2, 0.5, 0.3]}, lambda: binary(labels=3))
    for cls in ("Precision", "Recall"):
        add(cls, {}, binary)
        add(cls, {"thresholds": [0.3, 0.6]}, binary, weighted=True)
        add(cls, {"top_k": 2}, multiclass)
        add(cls, {"class_id": 1}, multiclass)
        add(cls, {"top_k": 2, "class_id": 2}, multiclass)
    for cls in ("TruePositives", "FalsePositives", "TrueNegatives", "FalseNegatives"):
        add(cls, {}, binary)
        add(cls, {"thresholds": [0.25, 0.5, 0.75]}, binary, weighted=True)
    add("PrecisionAtRecall", {"recall": 0.6}, binary)
    add("RecallAtPrecision", {"precision": 0.7}, binary)
    add("SensitivityAtSpecificity", {"specificity": 0.5}, binary, weighted=True)
    add("SpecificityAtSensitivity", {"sensitivity": 0.5, "num_thresholds": 50}, binary)
    add("PrecisionAtRecall", {"recall": 0.5, "class_id": 1}, multiclass)
    for avg in (None, "micro", "macro", "weighted"):
        add("F1Score", {"average": avg}, multiclass)
    add("F1Score", {"average": "macro", "threshold": 0.3}, multiclass, weighted=True)
    add("FBetaScore", {"beta": 2.0, "average": "weighted"}, multiclass)
    add("IoU", {"num_classes": 4, "target_class_ids": [0, 2]},
        lambda: (rng.integers(0, 4, 10).astype("float64"), rng.integers(0, 4, 10).astype("float64")))
    add("MeanIoU", {"num_classes": 3},
        lambda: (rng.integers(0, 3, 10).astype("float64"), rng.integers(0, 3, 10).astype("float64")))
    add("MeanIoU", {"num_classes": 3, "ignore_class": 0},
        lambda: (rng.integers(0, 3, 10).astype("float64"), rng.integers(0, 3, 10).astype("float64")))
    add("BinaryIoU", {}, binary)
    add("BinaryIoU", {"target_class_ids": [1], "threshold": 0.3}, binary)
    add("OneHotIoU", {"num_classes": 4, "target_class_ids": [1, 3]}, multiclass)
    add("OneHotMeanIoU", {"num_classes": 4}, multiclass)
    add("R2Score", {}, regress)
    add("R2Score", {"class_aggregation": "variance_weighted_average"}, regress, weighted=True)
    add("R2Score", {"class_aggregation": None, "num_regressors": 2}, regress)
    add("RootMeanSquaredError", {}, regress, weighted=True)
    add("PearsonCorrelation", {}, regress)
    add("ConcordanceCorrelation", {}, regress)
    add("Accuracy", {}, lambda: (rng.integers(0, 3, (8, 1)).astype("float64"),
                                 rng.integers(0, 3, (8, 1)).astype("float64")))
    for cls, make in (("MeanSquaredError", regress), ("MeanAbsoluteError", regress),
                      ("MeanAbsolutePercentageError", regress), ("LogCoshError", regress),
                      ("CosineSimilarity", regress), ("Hinge", lambda: binary(labels=3)),
                      ("SquaredHinge", lambda: binary(labels=3)), ("CategoricalHinge", multiclass),
                      ("MeanSquaredLogarithmicError", lambda: (abs(regress()[0]), abs(regress()[1]))),
                      ("KLDivergence", multiclass), ("Poisson", lambda: binary(labels=3)),
                      ("BinaryCrossentropy", lambda: binary(labels=3)),
                      ("CategoricalCrossentropy", multiclass),
                      ("SparseCategoricalCrossentropy", lambda: multiclass(onehot=False))):
        add(cls, {}, make, weighted=cls in ("MeanSquaredError", "BinaryCrossentropy"))
    add("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1},
        lambda: (binary(labels=3)[0], r4(rng.normal(size=(8, 3)))))
    add("Sum", {}, lambda: (None, r4(rng.normal(size=(8,)))), weighted=True)
    add("Mean", {}, lambda: (None, r4(rng.normal(size=(8,)))), weighted=True)
    return cases


def make_metrics():
    rng = np.random.default_rng(19)
    cases = metric_cases(rng)
    for c in cases:
        keras.utils.clear_session()
        m = getattr(keras.metrics, c["class"])(**c["config"])
        for yt, yp, w in c["batches"]:
            kw = {} if w is None else {"sample_weight": np.array(w, "float32")}
            if c["class"] in ("Sum", "Mean"):
                m.update_state(np.array(yp, "float32"), **kw)
            else:
                m.update_state(np.array(yt, "float32"), np.array(yp, "float32"), **kw)
        c["result"] = tolist(np.asarray(m.result(), dtype="float64"))
        c["keras_config"] = {k: v for k, v in m.get_config().items()
                             if not isinstance(v, np.ndarray)}
        c["name"] = m.name
    return {"cases": cases}


PARTS = {"metrics": make_metrics}


def main(argv):
    parts = argv or list(PARTS)
    os.makedirs(OUT, exist_ok=True)
    for p in parts:
        data = PARTS[p]()
        data["versions"] = {"keras": keras.__version__, "numpy": np.__version__}
        path = os.path.join(OUT, f"{p}.json")
        with open(path, "w") as f:
            json.dump(data, f, separators=(",", ":"), default=lambda o: np.asarray(o).tolist())
        print(f"wrote {os.path.normpath(path)} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main(sys.argv[1:])
