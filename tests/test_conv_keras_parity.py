"""Inference parity with real Keras on the conv/pooling fixtures (tests/fixtures/keras).

Each fixture's npz holds the input ``x``, Keras's output ``y``, the weights ``w0, w1, ...``
(in ``model.weights`` order) and every layer's output ``o0, o1, ...``. The model is rebuilt
with pipeseq layer classes from the manifest's layer configs (no file loaders involved),
the weights are set, and every layer output must match within 1e-5 relative (float32).
"""
import inspect
import json
import os

import numpy as np
import pytest

from pipeseq.layers import get_layer_class
from pipeseq.models.sequential import Sequential
from pipeseq.kernels import conv as conv_ops

HERE = os.path.join(os.path.dirname(__file__), "fixtures", "keras")
MANIFEST = os.path.join(HERE, "MANIFEST.json")
FAMILY = {"Conv1D", "Conv2D", "Conv1DTranspose", "Conv2DTranspose", "DepthwiseConv2D",
          "SeparableConv2D", "MaxPooling1D", "MaxPooling2D", "AveragePooling1D",
          "AveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D",
          "GlobalAveragePooling1D", "GlobalAveragePooling2D", "UpSampling1D", "UpSampling2D",
          "ZeroPadding1D", "ZeroPadding2D", "Cropping1D", "Cropping2D"}
HELPERS = {"Dense", "Flatten", "Activation", "Dropout", "Reshape"}


def _cases():
    if not os.path.exists(MANIFEST):
        return []
    models = json.load(open(MANIFEST))["models"]
    out = []
    for name, m in sorted(models.items()):
        classes = {l["class_name"] for l in m["layers"]}
        if classes & FAMILY and classes <= FAMILY | HELPERS and m.get("model_class") == "Sequential" \
                and m["files"].get("npz") and len(m["inputs"]) == 1:
            out.append(pytest.param(m, id=name))
    return out


def _build(m):
    layers = []
    for entry in m["layers"]:
        cls = get_layer_class(entry["class_name"])
        accepted = set(cls._accepted_kwargs())
        cfg = {k: v for k, v in entry["config"].items() if k in accepted}
        layers.append(cls(**cfg))
    model = Sequential(layers)
    model.build((None,) + tuple(m["inputs"][0]["shape"][1:]))
    return model


CASES = _cases()


@pytest.mark.skipif(not CASES, reason="Keras fixtures (MANIFEST.json) not generated yet")
@pytest.mark.parametrize("method", ["im2col", "fft"])
@pytest.mark.parametrize("m", CASES)
def test_keras_parity(m, method):
    data = np.load(os.path.join(HERE, m["files"]["npz"]))
    model = _build(m)
    n_w = len(model.weights)
    model.set_weights([data[f"w{i}"] for i in range(n_w)])
    old = conv_ops.default_method()
    conv_ops.set_default_method(method)
    try:
        x = data["x"]
        for i, layer in enumerate(model.layers):
            x = layer(x)
            key = f"o{i}"
            if key in data:
                ref = data[key]
                assert x.shape == ref.shape, (layer.name, x.shape, ref.shape)
                assert x.dtype == np.float32
                np.testing.assert_allclose(x, ref, rtol=1e-5, atol=1e-5 * max(1.0, np.abs(ref).max()),
                                           err_msg=f"{m['name']}: layer {i} ({layer.name})")
        np.testing.assert_allclose(x, data["y"], rtol=1e-5, atol=1e-5 * max(1.0, np.abs(data["y"]).max()))
    finally:
        conv_ops.set_default_method(old)


def test_family_fixtures_present():
    """Guard against the parity test silently covering nothing once fixtures exist."""
    if not os.path.exists(MANIFEST):
        pytest.skip("fixtures not generated yet")
    covered = {l["class_name"] for c in CASES for l in c.values[0]["layers"]}
    assert {"Conv1D", "Conv2D", "Conv2DTranspose", "MaxPooling2D"} <= covered
