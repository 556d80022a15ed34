"""Inference and training parity of the sequence layers with real Keras 3 fixtures.

The fixtures (tests/fixtures/keras/, made by tools/make_keras_fixtures.py with real
Keras) hold the input ``x``, Keras's output ``y``, every layer's output ``o<i>`` and
the weights ``w<i>``. We rebuild each model from the manifest's layer configs with
pipeseq classes, ``set_weights`` Keras's weights, and compare.
"""
import json
import os

import numpy as np
import pytest

from pipeseq.layers.base import get_layer_class
from pipeseq.models.sequential import Sequential

FIX = os.path.join(os.path.dirname(__file__), "fixtures", "keras")
MANIFEST = os.path.join(FIX, "MANIFEST.json")
MODELS = ["simple_rnn", "simple_rnn_variants", "lstm", "lstm_variants", "gru", "gru_variants",
          "gru_reset_after_false", "gru_reset_after_false_variants", "embedding_lstm",
          "embedding_flatten", "masking_gru", "bidirectional_concat", "bidirectional_sum",
          "bidirectional_mixed", "time_distributed", "repeat_vector", "permute"]

pytestmark = pytest.mark.skipif(not os.path.exists(MANIFEST), reason="Keras fixtures not generated")


def _manifest():
    with open(MANIFEST) as f:
        return json.load(f)


def _make_layer(entry):
    cls = get_layer_class(entry["class_name"])
    assert cls is not None, entry["class_name"]
    cfg = dict(entry["config"])
    cfg.pop("quantization_config", None)
    for key in ("layer", "backward_layer"):
        if isinstance(cfg.get(key), dict):
            cfg[key] = _make_layer(cfg[key])
    return cls(**cfg)


def _build(spec, data):
    inp = spec["inputs"][0]
    model = Sequential([_make_layer(e) for e in spec["layers"]])
    model.build((None,) + tuple(inp["shape"][1:]))
    n = len(model.weights)
    model.set_weights([data[f"w{i}"] for i in range(n)])
    return model


def _close(got, want, what):
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6, err_msg=what)


@pytest.mark.parametrize("name", MODELS)
def test_inference_parity(name):
    spec = _manifest()["models"].get(name)
    if spec is None:
        pytest.skip(f"fixture {name} not in the manifest")
    data = np.load(os.path.join(FIX, f"{name}.npz"))
    model = _build(spec, data)
    # every Keras weight is consumed, shapes included (set_weights checks them)
    assert sum(1 for k in data.files if k.startswith("w") and k[1:].isdigit()) == len(model.weights)
    x = data["x"]
    y = model.predict(x, verbose=0)
    _close(y, data["y"], f"{name}: model output")
    # layer by layer, masks included
    out = x
    mask = None
    for i, layer in enumerate(model.layers):
        key = f"o{i}"
        inputs = out
        xin = layer._convert_input(out)
        if mask is not None and layer.accepts_mask:
            out, _ = layer.forward(xin, mask=mask)
        else:
            out, _ = layer.forward(xin)
        mask = layer.compute_mask(inputs, mask)
        if key in data.files:
            _close(out, data[key], f"{name}: output of layer {i} ({layer.name})")


def test_lstm_rmsprop_training_parity():
    path = os.path.join(FIX, "training", "lstm_rmsprop.json")
    if not os.path.exists(path):
        pytest.skip("training fixture missing")
    with open(path) as f:
        spec = json.load(f)
    data = np.load(os.path.join(FIX, "training", "lstm_rmsprop.npz"))
    from pipeseq.training.optimizers import RMSprop
    layers = [_make_layer(e) for e in spec["layers"]]
    model = Sequential(layers)
    model.build((None,) + data["x"].shape[1:])
    model.set_weights([data[f"w{i}"] for i in range(len(model.weights))])
    oc = spec["optimizer"]["config"]
    model.compile(optimizer=RMSprop(learning_rate=oc["learning_rate"], rho=oc["rho"],
                                    epsilon=oc["epsilon"], momentum=oc["momentum"],
                                    centered=oc["centered"]), loss=spec.get("loss", "mse"))
    fit = spec["fit"]
    hist = model.fit(data["x"], data["y"], batch_size=fit["batch_size"], epochs=fit["epochs"],
                     shuffle=fit["shuffle"], verbose=0)
    np.testing.assert_allclose(hist.history["loss"], data["losses"], rtol=1e-4, atol=1e-6)
    for i, w in enumerate(model.get_weights()):
        np.testing.assert_allclose(w, data[f"f{i}"], rtol=1e-4, atol=1e-5,
                                   err_msg=f"final weight {i}")
    np.testing.assert_allclose(model.predict(data["x"], verbose=0), data["pred_final"],
                               rtol=1e-4, atol=1e-5)
