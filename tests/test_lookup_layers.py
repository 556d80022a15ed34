"""StringLookup, IntegerLookup, TextVectorization, Hashing, HashedCrossing against Keras:
one declarative case per fixture (tests/fixtures/lookups/cases.json, made by
tools/make_lookup_fixtures.py): same adapt vocabulary and IDF weights, same output values
and dtype, same config."""
import json
import os

import numpy as np
import pytest

from pipeseq.layers import base as layers_base

FIX = os.path.join(os.path.dirname(__file__), "fixtures", "lookups")
with open(os.path.join(FIX, "cases.json"), encoding="utf-8") as _f:
    FIXTURES = json.load(_f)
CASES = FIXTURES["cases"]


def _input(case):
    if case["class_name"] == "HashedCrossing":
        return [np.array(v) for v in case["input"]]
    return np.array(case["input"])


def _plain_config(config):
    config = dict(config)
    dtype = config.pop("dtype")
    config.pop("name")
    return config, dtype["config"]["name"] if isinstance(dtype, dict) else dtype


def _kwargs(case):
    kwargs = dict(case["kwargs"])
    if isinstance(kwargs.get("ngrams"), list):
        kwargs["ngrams"] = tuple(kwargs["ngrams"])
    return kwargs


@pytest.mark.parametrize("name", sorted(CASES))
def test_layer_matches_keras(name):
    case = CASES[name]
    layer = layers_base.get_layer_class(case["class_name"])(**_kwargs(case))
    if case["adapt"] is not None:
        layer.adapt(case["adapt"])
    out = layer(_input(case))
    if case["dtype"] == "string":
        assert out.tolist() == case["output"]
    else:
        assert str(out.dtype) == case["dtype"]
        np.testing.assert_allclose(out, np.array(case["output"]), rtol=1e-6, atol=1e-6)
    if "vocabulary" in case:
        assert layer.get_vocabulary() == case["vocabulary"]
        assert layer.vocabulary_size() == len(case["vocabulary"])
    if "idf_weights" in case:
        idf = getattr(layer, "_lookup_layer", layer).idf_weights
        np.testing.assert_allclose(idf, case["idf_weights"], rtol=1e-6)
    ours, keras = _plain_config(layer.get_config()), _plain_config(case["config"])
    assert ours == keras
    # The config rebuilds the layer (its adapted vocabulary travels as an asset, not here).
    clone = type(layer).from_config(layer.get_config())
    a, b = _plain_config(clone.get_config())[0], dict(ours[0])
    if case["adapt"] is not None:
        a.pop("vocabulary_size"), b.pop("vocabulary_size")
    assert a == b
