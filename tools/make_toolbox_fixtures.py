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
* ``optimizers_jax`` -> optimizers_jax.json: the ScheduleFreeAdamW runs, made on Keras's JAX
  backend (Keras 3.15.1 with jax, no TensorFlow needed)::

      KERAS_BACKEND=jax python tools/make_toolbox_fixtures.py optimizers_jax

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


# ---------------------------------------------------------------- optimizers
def optimizer_cases():
    from keras.src.optimizers.multi_optimizer import OptimizerMap
    S = keras.optimizers.schedules
    O = keras.optimizers
    return [
        ("adamw", lambda: O.AdamW(learning_rate=0.01, weight_decay=0.05)),
        ("adamw_amsgrad", lambda: O.AdamW(learning_rate=0.01, amsgrad=False, beta_1=0.8)),
        ("lion", lambda: O.Lion(learning_rate=0.003)),
        ("lamb", lambda: O.Lamb(learning_rate=0.01)),
        ("ftrl", lambda: O.Ftrl(learning_rate=0.05, l1_regularization_strength=0.001,
                                l2_regularization_strength=0.01,
                                l2_shrinkage_regularization_strength=0.001, beta=0.1)),
        ("adafactor", lambda: O.Adafactor(learning_rate=0.01)),
        ("adafactor_schedule", lambda: O.Adafactor(learning_rate=S.ExponentialDecay(0.05, 4, 0.9))),
        ("muon", lambda: O.Muon(learning_rate=0.01)),
        ("sgd_weight_decay", lambda: O.SGD(learning_rate=0.05, momentum=0.9, weight_decay=0.01)),
        ("adam_ema", lambda: O.Adam(learning_rate=0.01, use_ema=True, ema_momentum=0.9)),
        ("adam_ema_overwrite", lambda: O.Adam(learning_rate=0.01, use_ema=True, ema_momentum=0.8,
                                              ema_overwrite_frequency=3)),
        ("sgd_accumulation", lambda: O.SGD(learning_rate=0.1, gradient_accumulation_steps=2)),
        ("adam_accumulation", lambda: O.Adam(learning_rate=0.01, gradient_accumulation_steps=3)),
        ("adam_global_clipnorm", lambda: O.Adam(learning_rate=0.01, global_clipnorm=0.05)),
        ("rmsprop_clipnorm", lambda: O.RMSprop(learning_rate=0.01, clipnorm=0.02)),
        ("sgd_exponential", lambda: O.SGD(learning_rate=S.ExponentialDecay(0.1, 3, 0.8, staircase=True))),
        ("adam_cosine_warmup", lambda: O.Adam(learning_rate=S.CosineDecay(
            0.0, decay_steps=6, warmup_target=0.02, warmup_steps=3, alpha=0.1))),
        ("rmsprop_piecewise", lambda: O.RMSprop(learning_rate=S.PiecewiseConstantDecay(
            [3, 6], [0.01, 0.005, 0.001]))),
        ("nadam_polynomial", lambda: O.Nadam(learning_rate=S.PolynomialDecay(0.01, 5, 0.001, power=2.0))),
        ("adagrad_inverse_time", lambda: O.Adagrad(learning_rate=S.InverseTimeDecay(0.1, 2, 0.5))),
        ("sgd_cosine_restarts", lambda: O.SGD(learning_rate=S.CosineDecayRestarts(0.1, 2, t_mul=2.0,
                                                                                   m_mul=0.8))),
        ("loss_scale_adam", lambda: O.LossScaleOptimizer(O.Adam(learning_rate=0.01))),
        # ScheduleFreeAdamW runs on Keras's JAX backend (part optimizers_jax, see the module
        # docstring): on TensorFlow, Keras's fit builds the optimizer symbolically and loses
        # the "momentum = copy of the weights" start, and reads the momentum after updating it
        # (a tf.Variable, not a snapshot); JAX runs the published algorithm pipeseq follows.
        ("schedule_free_adamw", lambda: O.ScheduleFreeAdamW(learning_rate=0.01)),
        ("schedule_free_adamw_warmup", lambda: O.ScheduleFreeAdamW(
            learning_rate=0.02, beta_1=0.8, warmup_steps=4, weight_decay=0.01)),
        # a Sequential's variables are "sequential/dense_1/kernel": only the second layer's
        ("multi_adam_sgd", lambda: O.MultiOptimizer(OptimizerMap(
            O.SGD(learning_rate=0.05, momentum=0.9), {".*dense_1/.*": O.Adam(learning_rate=0.01)}))),
    ]


def make_optimizers():
    rng = np.random.default_rng(7)
    x = r4(rng.normal(size=(24, 3)))
    y = r4(rng.normal(size=(24, 2)))
    shapes = [(3, 5), (5,), (5, 2), (2,)]
    w0 = [r4(rng.normal(size=s) * 0.5) for s in shapes]
    runs = []
    for name, make in optimizer_cases():
        if name.startswith("schedule_free") != (keras.backend.backend() == "jax"):
            continue
        keras.utils.clear_session()
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(5, activation="tanh"),
                                  keras.layers.Dense(2)])
        model.set_weights([w.astype("float32") for w in w0])
        opt = make()
        model.compile(optimizer=opt, loss="mse")
        hist = model.fit(x.astype("float32"), y.astype("float32"), batch_size=8, epochs=2,
                         shuffle=False, verbose=0)
        runs.append({"name": name, "optimizer": keras.optimizers.serialize(opt),
                     "loss": [float(v) for v in hist.history["loss"]],
                     "weights": [tolist(w) for w in model.get_weights()],
                     "n_optimizer_variables": len(opt.variables),
                     "optimizer_variable_shapes": [list(v.shape) for v in opt.variables]})
    return {"x": tolist(x), "y": tolist(y), "initial_weights": [tolist(w) for w in w0],
            "runs": runs}


# ----------------------------------------------------------------- schedules
def make_schedules():
    S = keras.optimizers.schedules
    cases = [S.ExponentialDecay(0.1, 7, 0.96), S.ExponentialDecay(0.1, 7, 0.5, staircase=True),
             S.PiecewiseConstantDecay([10, 20], [0.1, 0.01, 0.001]),
             S.PolynomialDecay(0.1, 30, 0.001), S.PolynomialDecay(0.1, 12, 0.01, power=0.5, cycle=True),
             S.InverseTimeDecay(0.1, 5, 0.5), S.InverseTimeDecay(0.1, 5, 0.5, staircase=True),
             S.CosineDecay(0.1, 40), S.CosineDecay(0.1, 40, alpha=0.2),
             S.CosineDecay(0.0, 30, warmup_target=0.1, warmup_steps=10),
             S.CosineDecayRestarts(0.1, 10), S.CosineDecayRestarts(0.1, 10, t_mul=1.0, m_mul=0.5),
             S.CosineDecayRestarts(0.05, 7, t_mul=1.5, m_mul=0.9, alpha=0.1)]
    steps = [0, 1, 2, 3, 5, 7, 9, 10, 11, 13, 19, 20, 21, 29, 30, 31, 39, 40, 41, 55, 77, 100, 1000]
    out = []
    for sch in cases:
        out.append({"serialized": keras.optimizers.schedules.serialize(sch),
                    "steps": steps,
                    "values": [float(np.float32(sch(s))) for s in steps]})
    return {"cases": out}


# -------------------------------------------------------------------- losses
def make_losses():
    import tensorflow as tf
    rng = np.random.default_rng(11)
    L = keras.losses

    def binary(shape=(6, 4)):
        return rng.integers(0, 2, shape).astype("float64"), r4(rng.uniform(0.02, 0.98, shape))

    def onehot(n=6, k=4):
        return np.eye(k)[rng.integers(0, k, n)], r4(rng.dirichlet(np.ones(k), n))

    def embeddings(n=8, d=5):
        e = rng.normal(size=(n, d))
        return rng.integers(0, 3, n).astype("float64"), r4(e / np.linalg.norm(e, axis=1, keepdims=True))

    def ctc_data(b=3, t=7, c=5):
        lab = np.zeros((b, 3))
        for i, n in enumerate([3, 2, 1]):
            lab[i, :n] = rng.integers(1, c, n)
        return lab, r4(rng.normal(size=(b, t, c)))

    cases = [
        ("BinaryFocalCrossentropy", {}, binary),
        ("BinaryFocalCrossentropy", {"apply_class_balancing": True, "alpha": 0.3, "gamma": 1.5}, binary),
        ("BinaryFocalCrossentropy", {"from_logits": True, "label_smoothing": 0.1},
         lambda: (binary()[0], r4(rng.normal(size=(6, 4))))),
        ("CategoricalFocalCrossentropy", {}, onehot),
        ("CategoricalFocalCrossentropy", {"from_logits": True, "alpha": 0.5, "gamma": 1.0,
                                          "label_smoothing": 0.05},
         lambda: (onehot()[0], r4(rng.normal(size=(6, 4))))),
        ("CategoricalGeneralizedCrossEntropy", {}, lambda: (rng.integers(0, 4, 6).astype("float64"),
                                                           onehot()[1])),
        ("CategoricalGeneralizedCrossEntropy", {"q": 0.8},
         lambda: (rng.integers(0, 4, 6).astype("float64"), onehot()[1])),
        ("Dice", {}, binary),
        ("Dice", {"axis": -1}, binary),
        ("Tversky", {}, binary),
        ("Tversky", {"alpha": 0.7, "beta": 0.3, "axis": -1}, binary),
        ("Circle", {}, embeddings),
        ("Circle", {"gamma": 10.0, "margin": 0.25}, embeddings),
        ("CTC", {}, ctc_data),
    ]
    out = []
    for cls, cfg, make in cases:
        yt, yp = make()
        loss = getattr(L, cls)(**cfg)
        p = tf.Variable(yp.astype("float32"))
        with tf.GradientTape() as tape:
            value = loss(yt.astype("float32"), p)
        g = tape.gradient(value, p)
        fn = getattr(L, loss.get_config()["name"], None)
        per_sample = None
        if fn is not None and cls not in ("Circle",):
            kw = {"q": 0.5, **cfg} if cls == "CategoricalGeneralizedCrossEntropy" else dict(cfg)
            per_sample = tolist(np.asarray(fn(yt.astype("float32"), yp.astype("float32"), **kw)))
        out.append({"class": cls, "config": cfg, "y_true": tolist(yt), "y_pred": tolist(yp),
                    "value": float(value), "grad": tolist(np.asarray(g)),
                    "per_sample": per_sample, "keras_config": loss.get_config()})
    # ctc_decode
    logits = r4(rng.normal(size=(2, 6, 4)) * 2)
    lengths = np.array([6, 4])
    dec = {}
    for strategy in ("greedy", "beam_search"):
        kw = {"beam_width": 5, "top_paths": 2} if strategy == "beam_search" else {}
        d, s = keras.ops.ctc_decode(logits.astype("float32"), lengths, strategy=strategy, **kw)
        dec[strategy] = {"decoded": tolist(np.asarray(d)), "scores": tolist(np.asarray(s))}
    return {"cases": out, "ctc_decode": {"logits": tolist(logits), "lengths": tolist(lengths),
                                         **dec}}


PARTS = {"metrics": make_metrics, "losses": make_losses, "optimizers": make_optimizers,
         "schedules": make_schedules, "optimizers_jax": make_optimizers}


def main(argv):
    jax = keras.backend.backend() == "jax"
    parts = argv or ([p for p in PARTS if p != "optimizers_jax"] if not jax else ["optimizers_jax"])
    if jax != (parts == ["optimizers_jax"]):
        sys.exit("part optimizers_jax needs KERAS_BACKEND=jax (and only it); the other parts "
                 f"need KERAS_BACKEND=tensorflow. Received: parts={parts}, "
                 f"backend={keras.backend.backend()}")
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
