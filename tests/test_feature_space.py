"""FeatureSpace against Keras (tests/fixtures/lookups/cases.json ``feature_space``, made by
tools/make_lookup_fixtures.py): the same encodings after ``adapt`` on the same data, the
functional model built on ``get_inputs()``/``get_encoded_features()``, R's constructors."""
import json
import os

import numpy as np
import pytest

from pipeseq.layers.feature_space import FeatureSpace

FIX = os.path.join(os.path.dirname(__file__), "fixtures", "lookups")
with open(os.path.join(FIX, "cases.json"), encoding="utf-8") as _f:
    CASES = json.load(_f)["feature_space"]


def _space(case):
    kwargs = dict(case["kwargs"])
    return FeatureSpace(**kwargs)


def _columns(record):
    return {k: np.array(v) for k, v in record.items()}


@pytest.mark.parametrize("name", sorted(CASES))
def test_feature_space_matches_keras(name):
    case = CASES[name]
    fs = _space(case)
    fs.adapt(_columns(case["adapt"]))
    out = fs(_columns(case["input"]))
    expected = case["output"]
    if isinstance(expected, dict):
        assert sorted(out) == sorted(expected)
        for k in expected:
            np.testing.assert_allclose(out[k], expected[k], rtol=1e-5, atol=1e-6)
    else:
        np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)


def test_functional_model_on_the_encoded_features_trains_and_predicts():
    from pipeseq.layers import Dense
    from pipeseq.models import Model
    case = CASES["feature_space_concat"]
    fs = _space(case)
    data = _columns(case["adapt"])
    fs.adapt(data)
    encoded = fs.get_encoded_features()
    head = Dense(1, activation="sigmoid")
    model = Model(fs.get_inputs(), head(encoded))
    model.compile(optimizer="adam", loss="binary_crossentropy")
    y = (data["age"] > 50).astype("float32")
    hist = model.fit(data, y, epochs=3, batch_size=16, verbose=0).history["loss"]
    assert np.isfinite(hist).all()
    query = _columns(case["input"])
    direct = head(fs(query).astype("float32"))
    np.testing.assert_allclose(model.predict(query, verbose=0), direct, rtol=1e-5, atol=1e-6)


def test_single_rows_and_errors():
    fs = FeatureSpace({"c": FeatureSpace.string_categorical(num_oov_indices=0),
                       "x": FeatureSpace.float_rescaled(scale=2.0)})
    with pytest.raises(ValueError, match="adapt"):
        fs({"c": np.array(["a"]), "x": np.array([1.0])})
    fs.adapt({"c": np.array(["a", "b", "a"]), "x": np.array([1.0, 2.0, 3.0])})
    assert fs({"c": "b", "x": 1.5}).tolist() == [0.0, 1.0, 3.0]       # one row, no batch axis
    with pytest.raises(ValueError, match="Invalid feature type"):
        FeatureSpace({"c": "categorical"})
    with pytest.raises(ValueError, match="unknown features"):
        FeatureSpace({"c": "string_categorical"}, crosses=[("c", "d")])
    with pytest.raises(ValueError, match="only be called with a dict"):
        fs(np.zeros(3))
    with pytest.raises(NotImplementedError, match="get_encoded_features"):
        fs.get_config()


def test_r_layer_feature_space_and_feature_constructors():
    import pipeseq
    fs = pipeseq.layer_feature_space(features={"n": pipeseq.feature_integer_categorical(),
                                               "s": pipeseq.feature_string_hashed(num_bins=4)},
                                     crosses=[pipeseq.feature_cross(["n", "s"], 8)])
    fs | pipeseq.adapt({"n": np.array([3, 3, 4]), "s": np.array(["a", "b", "c"])})
    assert fs({"n": np.array([3]), "s": np.array(["a"])}).shape == (1, 3 + 4 + 8)         # vocabulary [-1, 3, 4], 4 bins, 8 bins
