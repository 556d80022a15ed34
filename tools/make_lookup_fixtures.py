#!/usr/bin/env python
"""Keras's results for the string, lookup and hashing layers (dev-only).

    KERAS_BACKEND=tensorflow /work/kerasenv/bin/python tools/make_lookup_fixtures.py

Writes ``tests/fixtures/lookups/cases.json``: for every case, the layer's class and
arguments, the data given to ``adapt`` (if any), the input, and what Keras 3 answers -- the
output, ``get_vocabulary()``, the IDF weights and ``get_config()``. Also writes two tiny
``.keras`` files made by Keras (an adapted ``TextVectorization`` in front of an
``Embedding``; an adapted ``StringLookup`` in ``tf_idf`` mode) with their outputs, so that the
tests read Keras's own archive layout (``assets/.../vocabulary.txt``), and ``FeatureSpace``
encodings of seeded structured data (``feature_space`` in ``cases.json``).
"""
import json
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(REPO, "tests", "fixtures", "lookups")

WORDS = [["b", "a", "b"], ["c", "b", "d"], ["a", "e", "é"], ["z", "d", "c"]]
QUERY = [["a", "zz", "b"], ["é", "", "q"]]
INTS = [[3, 7, 3], [12, 7, 0], [5, 3, 7]]
IQUERY = [[3, 99, 0], [12, 8, -4]]
TEXTS = ["The cat sat on the mat.", "The dog ate my homework!", "Cat and dog: friends?",
         "the THE The", "", "Ünïcode naïve café CAFÉ", "mat mat mat dog"]
TQUERY = ["the cat ate the dog's homework", "naïve friends, mat!", ""]

CASES = {
    # name: (class, kwargs, adapt data or None, call input)
    "string_default": ("StringLookup", {}, WORDS, QUERY),
    "string_rank1_adapt": ("StringLookup", {}, ["x", "y", "x", "w"], ["y", "x", "v"]),
    "string_mask_oov2": ("StringLookup", {"max_tokens": 5, "num_oov_indices": 2,
                                          "mask_token": ""}, WORDS, QUERY),
    "string_oov3_salt": ("StringLookup", {"num_oov_indices": 3, "salt": [7, 11]}, WORDS, QUERY),
    "string_one_hot": ("StringLookup", {"output_mode": "one_hot"}, WORDS, [["a"], ["q"]]),
    "string_multi_hot_mask": ("StringLookup", {"output_mode": "multi_hot", "mask_token": ""},
                              WORDS, QUERY),
    "string_count_pad": ("StringLookup", {"output_mode": "count", "max_tokens": 9,
                                          "pad_to_max_tokens": True}, WORDS, QUERY),
    "string_tf_idf": ("StringLookup", {"output_mode": "tf_idf"}, WORDS, QUERY),
    "string_vocab_invert": ("StringLookup", {"vocabulary": ["x", "y", "z"], "invert": True,
                                             "mask_token": "[M]"}, None, [[0, 1, 2], [3, 4, 9]]),
    "string_vocab_tf_idf": ("StringLookup", {"vocabulary": ["x", "y"], "idf_weights": [0.5, 2.0],
                                             "output_mode": "tf_idf"}, None, [["x", "y", "y", "q"]]),
    "integer_default": ("IntegerLookup", {}, INTS, IQUERY),
    "integer_mask_oov2": ("IntegerLookup", {"mask_token": 0, "num_oov_indices": 2}, INTS, IQUERY),
    "integer_farmhash_salt": ("IntegerLookup", {"num_oov_indices": 3, "oov_method": "farmhash",
                                                "salt": 5}, INTS, IQUERY),
    "integer_farmhash": ("IntegerLookup", {"num_oov_indices": 4, "oov_method": "farmhash"},
                         INTS, IQUERY),
    "integer_multi_hot": ("IntegerLookup", {"output_mode": "multi_hot", "max_tokens": 4},
                          INTS, IQUERY),
    "integer_tf_idf": ("IntegerLookup", {"output_mode": "tf_idf"}, INTS, IQUERY),
    "integer_invert": ("IntegerLookup", {"vocabulary": [40, 10, 30], "invert": True},
                       None, [[1, 2, 3], [0, 8, 1]]),
    "text_default": ("TextVectorization", {"output_sequence_length": 6}, TEXTS, TQUERY),
    "text_ragged_pad": ("TextVectorization", {"max_tokens": 8}, TEXTS, TQUERY),
    "text_ngrams_multi_hot": ("TextVectorization", {"ngrams": 2, "output_mode": "multi_hot",
                                                    "max_tokens": 12}, TEXTS, TQUERY),
    "text_tf_idf": ("TextVectorization", {"output_mode": "tf_idf"}, TEXTS, TQUERY),
    "text_count_pad": ("TextVectorization", {"output_mode": "count", "max_tokens": 20,
                                             "pad_to_max_tokens": True, "ngrams": (1, 3)},
                       TEXTS, TQUERY),
    "text_character_lower": ("TextVectorization", {"split": "character", "standardize": "lower",
                                                   "output_sequence_length": 10}, TEXTS, TQUERY),
    "text_strip_only": ("TextVectorization", {"standardize": "strip_punctuation",
                                              "output_sequence_length": 5}, TEXTS, TQUERY),
    "text_no_split": ("TextVectorization", {"standardize": None, "split": None,
                                            "output_mode": "count"},
                      ["a", "b", "a", "c"], [["a"], ["z"], ["b"]]),
    "text_vocabulary": ("TextVectorization", {"vocabulary": ["cat", "dog", "the"],
                                              "output_sequence_length": 4}, None, TQUERY),
    "hashing_strings": ("Hashing", {"num_bins": 10}, None, [["a", "b"], ["héllo", ""]]),
    "hashing_ints_mask": ("Hashing", {"num_bins": 7, "mask_value": 0}, None,
                          [[0, 1, 2], [-5, 123456789012, 0]]),
    "hashing_salt": ("Hashing", {"num_bins": 100, "salt": [3, 4]}, None, [["a", "b", "c"]]),
    "hashing_salt_int": ("Hashing", {"num_bins": 5, "salt": 9}, None, [[1], [2], [3]]),
    "hashing_floats": ("Hashing", {"num_bins": 6}, None, [[1.7, -2.2, 3.0]]),
    "hashing_multi_hot": ("Hashing", {"num_bins": 5, "output_mode": "multi_hot"}, None,
                          [["a", "b", "c"], ["d", "d", "e"]]),
    "hashing_count": ("Hashing", {"num_bins": 4, "output_mode": "count"}, None,
                      [["a", "b", "a"], ["x", "y", "z"]]),
    "hashing_one_hot": ("Hashing", {"num_bins": 4, "output_mode": "one_hot"}, None,
                        [["a"], ["b"], ["c"]]),
}
CROSS_CASES = {
    "crossing_str_int": ({"num_bins": 50}, [["a", "b", "c"], [1, 2, 3]]),
    "crossing_three": ({"num_bins": 1000}, [["a", "b"], ["x", "y"], [7, -8]]),
    "crossing_one_hot": ({"num_bins": 6, "output_mode": "one_hot"},
                         [[["a"], ["b"]], [[4], [5]]]),
}

FS_FEATURES = {"age": "float_normalized", "sex": "string_categorical",
               "thal": "string_categorical", "cp": "integer_categorical",
               "chol": "float_discretized", "slope": "float_rescaled", "ca": "integer_hashed",
               "city": "string_hashed", "raw": "float"}
FS_CASES = {
    "feature_space_concat": {"features": FS_FEATURES, "crosses": [["sex", "chol"], ["thal", "ca"]],
                             "crossing_dim": 16, "hashing_dim": 8,
                             "num_discretization_bins": 4},
    "feature_space_dict": {"features": {"sex": "string_categorical", "age": "float_discretized",
                                        "cp": "integer_categorical"},
                           "output_mode": "dict", "num_discretization_bins": 3},
}


def feature_space_data(rng, n):
    return {"age": rng.normal(50, 10, n).round(1), "sex": rng.choice(["m", "f"], n),
            "thal": rng.choice(["normal", "fixed", "reversible", "1"], n),
            "cp": rng.integers(0, 5, n), "chol": rng.normal(240, 40, n).round(),
            "slope": rng.uniform(0, 3, n).round(2), "ca": rng.integers(0, 4, n),
            "city": rng.choice(["paris", "lyon", "nice", "lille", "brest"], n),
            "raw": rng.normal(size=n).round(3)}


def feature_space_cases(keras):
    rng = np.random.default_rng(7)
    adapt, query = feature_space_data(rng, 70), feature_space_data(rng, 5)
    out = {}
    for name, kwargs in FS_CASES.items():
        fs = keras.utils.FeatureSpace(**kwargs)
        cols = {k: v for k, v in adapt.items() if k in kwargs["features"]}
        fs.adapt(cols)
        result = fs({k: v for k, v in query.items() if k in kwargs["features"]})
        out[name] = {"kwargs": kwargs, "adapt": {k: v.tolist() for k, v in cols.items()},
                     "input": {k: v.tolist() for k, v in query.items()
                               if k in kwargs["features"]},
                     "output": {k: _plain(v) for k, v in result.items()}
                     if isinstance(result, dict) else _plain(result)}
    return out


def _plain(x):
    if isinstance(x, np.generic):
        return x.item()
    if hasattr(x, "numpy"):
        x = x.numpy()
    x = np.asarray(x)
    if x.dtype.kind in "SO":
        return np.vectorize(lambda v: v.decode() if isinstance(v, bytes) else v,
                            otypes=[object])(x).tolist()
    if x.dtype.kind == "f":
        return np.round(x.astype("float64"), 7).tolist()
    return x.tolist()


def _dtype(x):
    x = np.asarray(x.numpy() if hasattr(x, "numpy") else x)
    return "string" if x.dtype.kind in "SOU" else str(x.dtype)


def make_case(keras, name, cls_name, kwargs, data, query):
    layer = getattr(keras.layers, cls_name)(**kwargs)
    if data is not None:
        layer.adapt(data)
    x = np.array(query)
    out = layer(x)
    case = {"class_name": cls_name, "kwargs": kwargs, "adapt": data, "input": query,
            "output": _plain(out), "dtype": _dtype(out), "config": json.loads(json.dumps(
                layer.get_config(), default=_plain))}
    if hasattr(layer, "get_vocabulary"):
        case["vocabulary"] = [v if not isinstance(v, bytes) else v.decode()
                              for v in layer.get_vocabulary()]
        lookup = getattr(layer, "_lookup_layer", layer)
        if getattr(lookup, "output_mode", None) == "tf_idf":
            case["idf_weights"] = _plain(lookup.idf_weights)
    return case


def main():
    import keras
    os.makedirs(OUT, exist_ok=True)
    cases = {}
    for name, (cls, kwargs, data, query) in CASES.items():
        cases[name] = make_case(keras, name, cls, kwargs, data, query)
    for name, (kwargs, inputs) in CROSS_CASES.items():
        layer = keras.layers.HashedCrossing(**kwargs)
        out = layer([np.array(v) for v in inputs])
        cases[name] = {"class_name": "HashedCrossing", "kwargs": kwargs, "adapt": None,
                       "input": inputs, "output": _plain(out), "dtype": _dtype(out),
                       "config": layer.get_config()}

    # Two models saved by Keras: read back by the tests (Keras's assets layout).
    tv = keras.layers.TextVectorization(max_tokens=12, output_sequence_length=5)
    tv.adapt(TEXTS)
    keras.utils.set_random_seed(1)
    inp = keras.Input(shape=(1,), dtype="string")
    h = keras.layers.Embedding(12, 3)(tv(inp))
    model = keras.Model(inp, keras.layers.GlobalAveragePooling1D()(h))
    model.save(os.path.join(OUT, "text_vectorization.keras"))
    sl = keras.layers.StringLookup(output_mode="tf_idf")
    sl.adapt(WORDS)
    lookup_model = keras.Sequential([keras.Input(shape=(3,), dtype="string"), sl])
    lookup_model.save(os.path.join(OUT, "string_lookup_tf_idf.keras"))
    feature_spaces = feature_space_cases(keras)
    files = {"text_vectorization.keras": {"input": [[t] for t in TQUERY],
                                          "output": _plain(model(np.array([[t] for t in TQUERY])))},
             "string_lookup_tf_idf.keras": {"input": QUERY[:1] + [["b", "b", "d"]],
                                            "output": _plain(lookup_model(
                                                np.array(QUERY[:1] + [["b", "b", "d"]])))}}
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump({"keras_version": keras.__version__, "cases": cases, "files": files,
                   "feature_space": feature_spaces}, f,
                  indent=1, ensure_ascii=False, default=_plain)
    print(f"wrote {len(cases)} cases and {len(files)} model files to {OUT}")


if __name__ == "__main__":
    main()
