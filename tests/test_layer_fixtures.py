"""Parity with Keras-made fixtures of the layer catalogue (tools/make_layer_fixtures.py, and
tools/make_tf_keras_layer_fixtures.py for the Keras 2 layers Keras 3 dropped).

Each case's model is rebuilt from Keras's own JSON, given Keras's weights, and must
reproduce Keras's outputs; cases with trainable weights are trained as Keras trained
them (SGD 0.05, mse, full batch, 2 epochs) and must end with Keras's weights.
"""
import json
import os

import numpy as np
import pytest

from pipeseq.saving import api
from pipeseq.training.optimizers import SGD

FIX = os.path.join(os.path.dirname(__file__), "fixtures", "layers")
MANIFEST = {}
for _name in ("MANIFEST.json", "MANIFEST_tf_keras.json"):     # Keras 3 cases, tf_keras cases
    with open(os.path.join(FIX, _name)) as _f:
        MANIFEST.update(json.load(_f)["cases"])


def _load(name):
    data = np.load(os.path.join(FIX, f"{name}.npz"))
    entry = MANIFEST[name]
    xs = [data[f"x{i}"] for i in range(entry["n_inputs"])]
    ys = [data[f"y{i}"] for i in range(entry["n_outputs"])]
    model = api.model_from_json(json.dumps(entry["model"]))
    model.set_weights([data[f"w{i}"] for i in range(entry["n_weights"])])
    return model, xs, ys, data, entry


def _close(a, b, what):
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5 * max(1.0, float(np.abs(b).max())),
                               err_msg=what)


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_inference_matches_keras(name):
    model, xs, ys, _, _ = _load(name)
    out = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
    out = out if isinstance(out, list) else [out]
    assert len(out) == len(ys)
    for i, (a, b) in enumerate(zip(out, ys)):
        assert a.shape == b.shape, (name, i, a.shape, b.shape)
        _close(a, b, f"{name}: output {i}")


TRAINED = sorted(n for n, e in MANIFEST.items() if "losses" in e)


@pytest.mark.parametrize("name", TRAINED)
def test_training_matches_keras(name):
    from pipeseq import Model
    model, xs, _, data, entry = _load(name)
    train = Model(model.inputs, model.outputs[0]) if entry["n_outputs"] > 1 else model
    train.compile(optimizer=SGD(learning_rate=0.05), loss="mse")
    hist = train.fit(xs if len(xs) > 1 else xs[0], data["ty"], batch_size=len(xs[0]), epochs=2,
                     shuffle=False, verbose=0)
    np.testing.assert_allclose(hist.history["loss"], entry["losses"], rtol=1e-4, atol=1e-6)
    for i, w in enumerate(model.get_weights()):
        np.testing.assert_allclose(w, data[f"t{i}"], rtol=1e-4, atol=1e-4,
                                   err_msg=f"{name}: weight {entry['names'][i]}")


FILES = [(n, f) for n in sorted(MANIFEST) for f in MANIFEST[n].get("files", ())]


@pytest.mark.parametrize("name,fname", FILES, ids=[f for _, f in FILES])
def test_keras_written_files_load(name, fname):
    """Keras's own .keras, legacy .h5 and .weights.h5 files of a case give Keras's outputs."""
    model, xs, ys, _, _ = _load(name)
    path = os.path.join(FIX, fname)
    if fname.endswith(".weights.h5"):
        for v in model.weights:               # the weights must come from the file
            v.value = np.zeros_like(v.value)
        model.load_weights(path)
    else:
        model = api.load_model(path)
    out = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
    out = out if isinstance(out, list) else [out]
    for i, (a, b) in enumerate(zip(out, ys)):
        _close(a, b, f"{fname}: output {i}")
