"""Training parity with real Keras 3: same initial weights, data, shuffle=False.

Fixtures come from tools/make_keras_fixtures.py (run in a separate virtualenv with
real Keras); each run records Keras's per-epoch losses and final weights.
"""
import glob
import json
import os

import numpy as np
import pytest

from pipeseq.layers import Dense
from pipeseq.layers.base import get_layer_class
from pipeseq.models import Sequential
from pipeseq.training import optimizers

HERE = os.path.join(os.path.dirname(__file__), "fixtures", "keras", "training")
RUNS = sorted(os.path.basename(p)[:-5] for p in glob.glob(os.path.join(HERE, "*.json")))


def build(name):
    if name == "regression_mse":
        return Sequential([Dense(8, activation="tanh", input_shape=(5,)), Dense(2)])
    if name == "binary_accuracy":
        return Sequential([Dense(8, activation="relu", input_shape=(5,)), Dense(1, activation="sigmoid")])
    if name == "lstm_rmsprop":
        lstm = get_layer_class("LSTM")
        if lstm is None:
            pytest.skip("LSTM layer not available")
        return Sequential([lstm(4, input_shape=(5, 3)), Dense(2)])
    return Sequential([Dense(8, activation="tanh", input_shape=(5,)), Dense(3, activation="softmax")])


@pytest.mark.skipif(not RUNS, reason="training fixtures not generated (tools/make_keras_fixtures.py)")
@pytest.mark.parametrize("run", RUNS)
def test_training_matches_keras(run):
    with open(os.path.join(HERE, run + ".json")) as fh:
        desc = json.load(fh)
    data = np.load(os.path.join(HERE, run + ".npz"))
    model = build(run)
    n = len(model.weights)
    model.set_weights([data[f"w{i}"] for i in range(n)])
    opt = getattr(optimizers, desc["optimizer"]["class_name"])(**desc["optimizer"]["kwargs"])
    model.compile(optimizer=opt, loss=desc["loss"], metrics=desc["metrics"] or None)
    fit = desc["fit"]
    history = model.fit(data["x"], data["y"], verbose=0, **fit)
    np.testing.assert_allclose(history.history["loss"], data["losses"], rtol=1e-4,
                               err_msg=f"{run}: per-epoch losses differ from Keras")
    for i in range(n):
        np.testing.assert_allclose(model.get_weights()[i], data[f"f{i}"], atol=1e-4, rtol=1e-4,
                                   err_msg=f"{run}: final weight {i} differs from Keras")
    assert sorted(history.history) == desc["history_keys"]
    for key in desc["history_keys"]:
        np.testing.assert_allclose(history.history[key], data["history__" + key], rtol=1e-4, atol=1e-6,
                                   err_msg=f"{run}: history['{key}'] differs from Keras")
