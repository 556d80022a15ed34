"""Keras Applications parity: every architecture against a fixture written by real Keras
(tools/make_application_fixtures.py): same layers (class, name, order, inbound layers, the
config values both sides have), same weights (path, shape, trainability), same parameter
totals, and the same predictions for the deterministic weights of tests/app_weights.py.

Big networks run only with ``PIPESEQ_SLOW_APPS=1``.
"""
import gzip
import importlib
import json
import os

import numpy as np
import pytest

from pipeseq.layers.base import reset_uids
from tests.app_specs import SLOW, SPECS
from tests.app_weights import is_depthwise, projection, sample_input, weight_value

HERE = os.path.join(os.path.dirname(__file__), "fixtures", "applications")
RUN_SLOW = os.environ.get("PIPESEQ_SLOW_APPS") == "1"
# Keys whose values are spelled differently but mean the same (checked elsewhere).
SKIP_KEYS = {"dtype", "name", "trainable", "batch_shape", "sparse", "ragged", "optional"}


def _fixture(key):
    with gzip.open(os.path.join(HERE, key + ".json.gz"), "rt", encoding="utf-8") as f:
        return json.load(f)


def _cases():
    out = []
    for key, module, fn, kwargs, batch in SPECS:
        marks = [pytest.mark.skipif(not RUN_SLOW, reason="big network: PIPESEQ_SLOW_APPS=1")] \
            if key in SLOW else []
        out.append(pytest.param(key, module, fn, kwargs, id=key, marks=marks))
    return out


def build(module, fn, kwargs):
    try:
        mod = importlib.import_module(f"pipeseq.applications.{module}")
    except ModuleNotFoundError:
        pytest.skip(f"pipeseq.applications.{module} not available")
    reset_uids()
    return getattr(mod, fn)(weights=None, **kwargs)


def set_deterministic_weights(model):
    for layer in model.layers:
        for v in layer.weights:
            leaf = v.path.rsplit("/", 1)[-1]
            v.assign(weight_value(v.path, v.shape, is_depthwise(type(layer).__name__, leaf),
                                  dtype=v.dtype))


def _norm(value):
    if isinstance(value, tuple):
        return [_norm(v) for v in value]
    if isinstance(value, list):
        return [_norm(v) for v in value]
    if isinstance(value, dict):
        if "class_name" in value and "config" in value:    # serialized object: compare the class
            return value["class_name"]
        return {k: _norm(v) for k, v in value.items()}
    if isinstance(value, float) and value == int(value):
        return value
    return value


def _inbound_names(entry):
    names = []
    for node in entry.get("inbound_nodes", []):
        def walk(a):
            if isinstance(a, dict) and a.get("class_name") == "__keras_tensor__":
                names.append(a["config"]["keras_history"][0])
            elif isinstance(a, list):
                for b in a:
                    walk(b)
        walk(node.get("args", []))
    return names


def compare_configs(ours, theirs):
    assert [l["class_name"] for l in ours["layers"]] == [l["class_name"] for l in theirs["layers"]]
    assert [l["name"] for l in ours["layers"]] == [l["name"] for l in theirs["layers"]]
    problems = []
    for a, b in zip(ours["layers"], theirs["layers"]):
        if _inbound_names(a) != _inbound_names(b):
            problems.append(f"{a['name']}: inbound {_inbound_names(a)} != {_inbound_names(b)}")
        ca, cb = a["config"], b["config"]
        for k in sorted(set(ca) & set(cb) - SKIP_KEYS):
            va, vb = _norm(ca[k]), _norm(cb[k])
            if isinstance(va, str) and isinstance(vb, str):
                va, vb = va.lower().replace("_", ""), vb.lower().replace("_", "")
            if va != vb:
                problems.append(f"{a['name']}.{k}: {ca[k]!r} != keras {cb[k]!r}")
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("key,module,fn,kwargs", _cases())
def test_application_matches_keras(key, module, fn, kwargs):
    model = build(module, fn, kwargs)
    fx = _fixture(key)
    compare_configs(model.get_config(), fx["config"])
    assert [[v.path, list(v.shape), v.trainable] for v in model.weights] == fx["weights"]
    assert model.count_params() == fx["count_params"]
    assert sum(v.value.size for v in model.trainable_weights) == fx["trainable_params"]
    assert sum(v.value.size for v in model.non_trainable_weights) == fx["non_trainable_params"]
    set_deterministic_weights(model)
    x = sample_input(key, tuple(fx["input_shape"]))
    y = np.asarray(model.predict(x, verbose=0), dtype="float64")
    assert list(y.shape) == fx["output_shape"]
    flat = y.reshape(y.shape[0], -1)
    tol = 1e-3 * fx["peak"]
    if "output" in fx:
        np.testing.assert_allclose(flat, np.array(fx["output"]), rtol=0, atol=tol)
    else:
        p = projection(key, flat.shape[1])
        scale = np.abs(p).sum(axis=0).max()          # |y @ P| error <= max|dy| * sum|P|
        np.testing.assert_allclose(flat @ p, np.array(fx["projected_output"]), rtol=0,
                                   atol=tol * scale)
    assert abs(np.abs(y).max() - fx["peak"]) <= tol
