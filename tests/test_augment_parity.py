"""Image augmentation layers against real Keras 3 (tests/fixtures/augment, made by
tools/make_augment_fixtures.py): the same transformation gives the same images, degenerate
factors give the same outputs, configs match, and random draws cover Keras's ranges."""
import json
import os

import numpy as np
import pytest

from pipeseq.layers import base as layers_base

FIX = os.path.join(os.path.dirname(__file__), "fixtures", "augment")
REF = np.load(os.path.join(FIX, "augment.npz"))
with open(os.path.join(FIX, "augment.json")) as _f:
    META = json.load(_f)

RESAMPLING = {"RandomRotation", "RandomZoom", "RandomTranslation", "RandomShear",
              "RandomPerspective", "RandomElasticTransform"}


def _layer(cls, kwargs):
    layers_base._import_all_layers()
    kw = {k: tuple(v) if isinstance(v, list) else v for k, v in kwargs.items()}
    return layers_base.get_layer_class(cls)(**kw)


def _decode(v):
    if isinstance(v, dict):
        return REF[v["__array__"]] if "__array__" in v else {k: _decode(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_decode(x) for x in v]
    return v


def _transformation(case, spec):
    t = spec["transformation"]
    if not isinstance(t, dict):
        return tuple(t) if isinstance(t, list) else t
    return {k: (REF[f"{case}__t__{k}"] if v == "array" else _decode(v)) for k, v in t.items()}


@pytest.mark.parametrize("case", sorted(META["cases"]))
def test_output_matches_keras(case):
    spec = META["cases"][case]
    layer = _layer(spec["class"], spec["kwargs"])
    x = REF[f"{case}__x"]
    if spec["mode"] == "transform":
        y = layer.transform_images(x.copy(), _transformation(case, spec), training=True)
    else:
        y = layer(x.copy(), training=spec["mode"] == "call")
    tol = 1e-4 if spec["class"] in RESAMPLING else 1e-5
    scale = max(1.0, float(np.abs(REF[f"{case}__y"]).max()))
    np.testing.assert_allclose(np.asarray(y), REF[f"{case}__y"], rtol=tol, atol=tol * scale)
    if f"{case}__labels" in REF.files:            # MixUp, CutMix: labels mixed alike
        got = layer.transform_labels(REF[f"{case}__labels"], _transformation(case, spec))
        np.testing.assert_allclose(got, REF[f"{case}__labels_y"], rtol=1e-5, atol=1e-6)


def test_max_num_bounding_boxes_pads_and_cuts_as_keras():
    config = META["max_num_bounding_boxes"]
    layer = _layer("MaxNumBoundingBoxes", {k: config[k] for k in ("max_number",
                                                                   "bounding_box_format")}
                   | {"fill_value": -2})
    for n in (2, 5):
        boxes = REF[f"boxes{n}__in"]
        labels = np.arange(boxes.shape[0] * n, dtype="float32").reshape(-1, n)
        x = np.zeros((2, 4, 4, 3), "float32")
        for training in (True, False):
            out = layer({"images": x, "bounding_boxes": {"boxes": boxes, "labels": labels}},
                        training=training)
            np.testing.assert_array_equal(out["bounding_boxes"]["boxes"], REF[f"boxes{n}__boxes"])
            np.testing.assert_array_equal(out["bounding_boxes"]["labels"],
                                          REF[f"boxes{n}__labels"])
            np.testing.assert_array_equal(out["images"], x)
    assert layer.get_config()["max_number"] == config["max_number"]


@pytest.mark.parametrize("case", sorted(META["cases"]))
def test_config_matches_keras(case):
    spec = META["cases"][case]
    config = _layer(spec["class"], spec["kwargs"]).get_config()
    got = json.loads(json.dumps({k: v for k, v in config.items()
                                 if k not in ("name", "dtype", "trainable")}))
    want = {k: v for k, v in spec["config"].items() if k != "trainable"}
    if spec["class"] == "RandomCrop" and "seed" not in spec["kwargs"]:
        got.pop("seed"), want.pop("seed")
    assert got == want


def test_rotation_matrix_matches_keras():
    from pipeseq.kernels.affine import affine_matrix
    for case, spec in META["cases"].items():
        if spec["class"] != "RandomRotation" or spec["mode"] != "transform":
            continue
        t = _transformation(case, spec)
        n = len(t["angle"])
        z, o = np.zeros(n, "float32"), np.ones(n, "float32")
        m = affine_matrix(0.5, 0.5, t["angle"], z, z, o, z, z, t["image_height"],
                          t["image_width"])
        np.testing.assert_allclose(m, t["rotation_matrix"], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("cls", sorted(META["draws"]))
def test_random_draws_cover_keras_ranges(cls):
    spec = META["draws"][cls]
    layer = _layer(cls, {**spec["kwargs"], "seed": 3})
    t = layer.get_random_transformation(np.zeros((400, 4, 4, 3), "float32"), training=True)
    for key, (lo, hi) in spec["ranges"].items():
        v = np.asarray(t[key], dtype="float64").reshape(400, -1)
        lo, hi = np.asarray(lo, "float64"), np.asarray(hi, "float64")
        width = np.maximum(hi - lo, 1e-6)
        # both samples fill the same interval: ends agree within 5 % of its width
        np.testing.assert_allclose(v.min(axis=0), lo, atol=0.05 * width.max())
        np.testing.assert_allclose(v.max(axis=0), hi, atol=0.05 * width.max())


@pytest.mark.parametrize("case", sorted(META["tf_keras_cases"]))
def test_tf_keras_random_height_and_width(case):
    spec = META["tf_keras_cases"][case]
    layer = _layer(spec["class"], spec["kwargs"])
    y = layer(REF[f"{case}__x"], training=True)
    np.testing.assert_allclose(y, REF[f"{case}__y"], rtol=1e-5, atol=1e-5 * 255)
    config = {k: v for k, v in layer.get_config().items() if k not in ("name", "dtype")}
    assert json.loads(json.dumps(config)) == spec["config"]


@pytest.mark.parametrize("case", sorted(META["elastic"]))
def test_elastic_transform_replays_keras_on_a_recorded_field(case):
    spec = META["elastic"][case]
    layer = _layer("RandomElasticTransform", spec["kwargs"])
    t = {"apply_transform": REF[f"{case}__apply"], "noise": REF[f"{case}__noise"],
         "distortion_factor": spec["distortion_factor"]}
    y = layer.transform_images(REF[f"{case}__x"], t, training=True)
    np.testing.assert_allclose(y, REF[f"{case}__y"], rtol=1e-4, atol=1e-4 * 255)
    config = {k: v for k, v in layer.get_config().items() if k not in ("name", "dtype")}
    assert json.loads(json.dumps(config)) == {k: v for k, v in spec["config"].items()
                                              if k != "trainable"} | {"trainable": True}
