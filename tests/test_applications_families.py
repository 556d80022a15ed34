"""MobileNetV3, ConvNeXt and NASNet around the architectures (their parity with Keras is in
tests/test_applications_parity.py): Keras's own configs of them load (op nodes, LayerScale,
nested Sequential blocks), models save and load with them, weights="imagenet" uses Keras's
file names and cache, the argument checks, preprocessing, the compat tree and R names."""
import gzip
import json
import os

import numpy as np
import pytest

import compat
import pipeseq
from pipeseq.applications import convnext, mobilenet_v3, nasnet
from pipeseq.layers import LayerScale, StochasticDepth
from pipeseq.layers.base import reset_uids
from pipeseq.layers.op_layer import OpLayer
from pipeseq.saving import api
from tests.app_weights import sample_input
from tests.test_applications import randomize, write_published
from tests.test_applications_parity import HERE, build, set_deterministic_weights


def _keras_model_from_fixture(key):
    with gzip.open(os.path.join(HERE, key + ".json.gz"), "rt", encoding="utf-8") as f:
        fx = json.load(f)
    entry = {"module": "keras", "class_name": "Functional", "config": fx["config"],
             "registered_name": "Functional"}
    return api.model_from_json(json.dumps(entry)), fx


@pytest.mark.parametrize("key,module,fn,kwargs", [
    ("mobilenetv3small", "mobilenet_v3", "MobileNetV3Small",
     dict(include_top=True, classes=10, classifier_activation=None, input_shape=(32, 32, 3))),
    ("convnexttiny", "convnext", "ConvNeXtTiny",
     dict(include_top=True, classes=10, classifier_activation=None, input_shape=(32, 32, 3))),
])
def test_keras_configs_of_the_applications_load_and_predict_as_keras(key, module, fn, kwargs):
    """Keras's own config (op nodes, LayerScale, nested Sequential) rebuilds the same model."""
    reset_uids()
    model, fx = _keras_model_from_fixture(key)
    assert [l.name for l in model.layers] == [e["name"] for e in fx["config"]["layers"]]
    assert model.count_params() == fx["count_params"]
    reference = build(module, fn, kwargs)
    set_deterministic_weights(reference)
    model.set_weights(reference.get_weights())
    x = sample_input(key, tuple(fx["input_shape"]))
    y = model.predict(x, verbose=0)
    np.testing.assert_allclose(y, np.array(fx["output"]), rtol=0, atol=1e-3 * fx["peak"])


def test_mobilenet_v3_hard_sigmoid_is_two_op_nodes_and_survives_save(tmp_path):
    reset_uids()
    model = mobilenet_v3.MobileNetV3Small(weights=None, include_top=False, pooling="avg",
                                          input_shape=(32, 32, 3))
    ops_nodes = [l for l in model.layers if isinstance(l, OpLayer)]
    assert [l.class_name for l in ops_nodes[:2]] == ["Add", "Multiply"]
    set_deterministic_weights(model)
    x = sample_input("mnv3", (2, 32, 32, 3)) * 127.5 + 127.5
    path = str(tmp_path / "m.keras")
    model.save(path)
    again = api.load_model(path)
    y = model.predict(x, verbose=0)
    assert np.isfinite(y).all() and np.abs(y).max() > 1e-3
    np.testing.assert_allclose(again.predict(x, verbose=0), y, rtol=1e-5, atol=1e-6)


def test_convnext_custom_config_saves_with_layer_scale_and_stochastic_depth(tmp_path):
    reset_uids()
    model = convnext.ConvNeXt(depths=[1, 1, 1, 1], projection_dims=[8, 8, 16, 16],
                              drop_path_rate=0.1, input_shape=(32, 32, 3), include_top=True,
                              classes=3, name="convnext_mini")
    names = [type(l).__name__ for l in model.layers]
    assert names.count("LayerScale") == 4 and names.count("StochasticDepth") == 3  # rate 0 first
    assert model.get_layer("convnext_mini_stem").weights[0].path == \
        "convnext_mini_stem/convnext_mini_stem_conv/kernel"
    set_deterministic_weights(model)
    x = sample_input("cnx", (2, 32, 32, 3)) * 127.5 + 127.5
    path = str(tmp_path / "c.keras")
    model.save(path)
    again = api.load_model(path)
    assert isinstance(again.get_layer("convnext_mini_stage_0_block_0_layer_scale"), LayerScale)
    assert isinstance(again.get_layer("convnext_mini_stage_1_block_0_stochastic_depth"),
                      StochasticDepth)
    y = model.predict(x, verbose=0)
    assert np.isfinite(y).all() and np.abs(y).max() > 1e-3
    np.testing.assert_allclose(again.predict(x, verbose=0), y, rtol=1e-5, atol=1e-6)
    entry = [e for e in model.get_config()["layers"] if e["class_name"] == "LayerScale"][0]
    assert entry["module"] == "keras.src.applications.convnext"


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "kh"))
    os.makedirs(tmp_path / "kh" / "models")
    return tmp_path / "kh" / "models"


def test_mobilenet_v3_imagenet_uses_keras_file_from_the_cache(keras_home):
    reset_uids()
    kw = dict(include_top=False, input_shape=(32, 32, 3), minimalistic=True)
    source = randomize(mobilenet_v3.MobileNetV3Large(weights=None, **kw), seed=3)
    fname = "weights_mobilenet_v3_large_minimalistic_224_1.0_float_no_top_v2.h5"
    write_published(source, str(keras_home / fname))
    reset_uids()
    with pytest.warns(UserWarning, match="224"):
        model = mobilenet_v3.MobileNetV3Large(weights="imagenet", **kw)
    for a, b in zip(source.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("module,fn,kwargs,fname", [
    (mobilenet_v3, "MobileNetV3Small", dict(input_shape=(224, 224, 3)),
     "weights_mobilenet_v3_small_224_1.0_float.h5"),
    (mobilenet_v3, "MobileNetV3Small", dict(alpha=0.75, include_top=False,
                                            input_shape=(224, 224, 3)),
     "weights_mobilenet_v3_small_224_0.75_float_no_top_v2.h5"),
    (nasnet, "NASNetMobile", dict(include_top=False, input_shape=(32, 32, 3)),
     "nasnet_mobile_no_top.h5"),
])
def test_imagenet_offline_names_keras_file_and_folder(keras_home, monkeypatch, module, fn,
                                                      kwargs, fname):
    for attr in ("BASE_WEIGHT_PATH", "NASNET_MOBILE_WEIGHT_PATH_NO_TOP"):
        if hasattr(module, attr):
            monkeypatch.setattr(module, attr, "http://127.0.0.1:9/")
    if module is nasnet:
        monkeypatch.setitem(nasnet._FILES, (False, 224),
                            (fname, "http://127.0.0.1:9/" + fname, None))
    reset_uids()
    with pytest.raises(Exception) as info:
        getattr(module, fn)(weights="imagenet", **kwargs)
    assert fname in str(info.value) and str(keras_home) in str(info.value)


def test_imagenet_file_names_of_convnext_and_nasnet_large():
    assert convnext.BASE_WEIGHTS_PATH.endswith("keras-applications/convnext/")
    assert nasnet._FILES[(True, 331)][0] == "nasnet_large.h5"
    assert nasnet._FILES[(False, 224)][1].endswith("nasnet/NASNet-mobile-no-top.h5")


@pytest.mark.parametrize("call,match", [
    (lambda: mobilenet_v3.MobileNetV3Small(weights="imagenet", alpha=0.5), "alpha can be one of"),
    (lambda: mobilenet_v3.MobileNetV3Large(weights=None, input_shape=(16, 16, 3)), "32x32"),
    (lambda: convnext.ConvNeXtTiny(weights="imagenet", include_top=True, classes=5),
     "`classes` should be 1000"),
    (lambda: convnext.ConvNeXt(depths=[1, 1, 1, 1], projection_dims=[8, 8, 8, 8],
                               weights="imagenet", include_top=False, weights_name="convnext_tiny",
                               input_shape=(32, 32, 3)), "does not match convnext_tiny"),
    (lambda: nasnet.NASNet(penultimate_filters=1000, weights=None, include_top=False,
                           input_shape=(32, 32, 3)), "multiple of 24"),
])
def test_argument_errors(call, match):
    reset_uids()
    with pytest.raises(ValueError, match=match):
        call()


def test_convnext_refuses_channels_first():
    pipeseq.backend.set_image_data_format("channels_first")
    try:
        with pytest.raises(ValueError, match="channels_first"):
            convnext.ConvNeXtTiny(weights=None)
        with pytest.raises(ValueError, match="channels_first"):
            nasnet.NASNetMobile(weights=None)
    finally:
        pipeseq.backend.set_image_data_format("channels_last")


def test_preprocessing_per_family():
    x = np.full((1, 2, 2, 3), 255.0)
    assert mobilenet_v3.preprocess_input(x) is x and convnext.preprocess_input(x) is x
    assert nasnet.preprocess_input(x.copy())[0, 0, 0, 0] == 1.0
    assert pipeseq.nasnet_preprocess_input(x)[0, 0, 0, 0] == 1.0 and x[0, 0, 0, 0] == 255.0
    assert pipeseq.convnext_preprocess_input(x)[0, 0, 0, 0] == 255.0
    for mod in (mobilenet_v3, convnext, nasnet):
        assert mod.decode_predictions is pipeseq.applications.imagenet_utils.decode_predictions


def test_compat_tree_and_r_names():
    from compat.applications.convnext import ConvNeXtBase, LayerScale as KLayerScale  # noqa
    from compat.applications.nasnet import NASNetLarge  # noqa: F401
    assert compat.applications.MobileNetV3Small is mobilenet_v3.MobileNetV3Small
    assert compat.applications.ConvNeXtXLarge is convnext.ConvNeXtXLarge
    assert compat.applications.NASNetMobile is nasnet.NASNetMobile
    for name in ("MobileNetV3Small", "MobileNetV3Large", "ConvNeXtTiny", "ConvNeXtSmall",
                 "ConvNeXtBase", "ConvNeXtLarge", "ConvNeXtXLarge", "NASNetMobile",
                 "NASNetLarge"):
        assert name in compat.applications.__all__
    for r in ("application_mobilenet_v3_small", "application_mobilenet_v3_large",
              "application_convnext_tiny", "application_convnext_small",
              "application_convnext_base", "application_convnext_large",
              "application_convnext_xlarge", "application_nasnetmobile",
              "application_nasnetlarge"):
        assert callable(getattr(pipeseq, r))
    reset_uids()
    base = pipeseq.application_mobilenet_v3_small(weights=None, include_top=False,
                                                  input_shape=[32, 32, 3], pooling="avg",
                                                  minimalistic=True)
    assert base.output_shape == (None, 576)
    assert pipeseq.application_preprocess_inputs(base, np.ones((1, 2, 2, 3)))[0, 0, 0, 0] == 1
