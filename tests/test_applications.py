"""Keras Applications around the architectures: weight files as published (legacy HDF5
quirks), Keras's cache for weights="imagenet", argument checks, preprocess_input /
decode_predictions, the compat module tree, the R functions and the seed's frozen base."""
import json
import os

import numpy as np
import pytest

import compat
from pipeseq import applications
from pipeseq.applications import imagenet_utils, mobilenet_v2, xception
from pipeseq.layers.base import reset_uids

MODEL_KW = dict(alpha=0.35, include_top=False, input_shape=(32, 32, 3))


def small_model(**kw):
    reset_uids()
    return mobilenet_v2.MobileNetV2(**{"weights": None, **MODEL_KW, **kw})


def write_published(model, path, style="keras2", chunks=1):
    """Write ``model``'s weights as Keras's published files are laid out: legacy HDF5 read by
    layer order, with names that differ from the model's (``style``):

    * ``"keras2"``: Keras 2.0 1-based auto names (``conv2d_1``), ``keras_version`` 2.0.8;
    * ``"keras1"``: no ``keras_version``; weight names as Keras 1 (``block1_conv1_W_1:0``);
    * ``"densenet"``: names like ``conv1/conv`` (a slash inside the layer name).
    Name lists are fixed-length byte strings (numpy ``S``), split into ``chunks`` attributes.
    """
    import h5py
    layers = [l for l in model.layers if l.weights]
    counts = {}
    with h5py.File(path, "w") as f:
        if style == "keras2":
            f.attrs["keras_version"] = b"2.0.8"
            f.attrs["backend"] = b"tensorflow"
        names = []
        for layer in layers:
            kind = type(layer).__name__.lower()
            counts[kind] = counts.get(kind, 0) + 1
            if style == "keras2":
                lname = f"{kind}_{counts[kind]}"
            elif style == "densenet":
                lname = f"block{counts[kind]}/{kind}"
            else:
                lname = layer.name
            names.append(lname)
            g = f.create_group(lname)
            wnames = []
            for j, v in enumerate(layer.weights):
                wn = (f"{lname}_{'Wb'[j] if j < 2 else j}_1:0" if style == "keras1"
                      else f"{lname}/{v.name}:0")
                wnames.append(wn)
                g.create_dataset(wn, data=v.value)
            g.attrs["weight_names"] = np.array([w.encode() for w in wnames])
        arr = np.array([n.encode() for n in names])
        if chunks == 1:
            f.attrs["layer_names"] = arr
        else:
            for i, part in enumerate(np.array_split(arr, chunks)):
                f.attrs[f"layer_names{i}"] = part


def randomize(model, seed=0):
    rng = np.random.default_rng(seed)
    for v in model.weights:
        v.assign(rng.uniform(0.5, 1.5, v.shape).astype(v.dtype))
    return model


@pytest.mark.parametrize("style,chunks", [("keras2", 1), ("keras1", 1), ("densenet", 3)])
def test_published_layout_loads_by_layer_order(tmp_path, style, chunks):
    source = randomize(small_model())
    path = tmp_path / "weights.h5"
    write_published(source, str(path), style, chunks)
    loaded = small_model(weights=str(path))
    for a, b in zip(source.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_wrong_file_is_refused_and_says_why(tmp_path):
    path = tmp_path / "w.h5"
    write_published(randomize(small_model(include_top=True, classes=7)), str(path))
    with pytest.raises(ValueError, match="[Ll]ayer count mismatch"):
        small_model(weights=str(path))


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "kh"))
    os.makedirs(tmp_path / "kh" / "models")
    return tmp_path / "kh" / "models"


def test_imagenet_uses_the_cached_file_as_is(keras_home):
    source = randomize(small_model(), seed=3)
    fname = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224_no_top.h5"
    write_published(source, str(keras_home / fname))
    before = os.path.getmtime(keras_home / fname)
    with pytest.warns(UserWarning, match="224"):            # 32x32 is not a published size
        model = small_model(weights="imagenet")
    for a, b in zip(source.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert os.path.getmtime(keras_home / fname) == before   # never touched


def test_imagenet_cached_file_with_another_hash_is_kept(keras_home, monkeypatch):
    # Xception's files carry an md5 in Keras; a cached copy that differs is used, not deleted.
    fname = "xception_weights_tf_dim_ordering_tf_kernels_notop.h5"
    reset_uids()
    source = randomize(xception.Xception(weights=None, include_top=False,
                                         input_shape=(71, 71, 3)), seed=4)
    write_published(source, str(keras_home / fname))
    reset_uids()
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = xception.Xception(weights="imagenet", include_top=False, input_shape=(71, 71, 3))
    assert os.path.exists(keras_home / fname)
    np.testing.assert_array_equal(model.get_weights()[0], source.get_weights()[0])


def test_imagenet_offline_fails_fast_naming_file_and_folder(keras_home, monkeypatch):
    import time
    monkeypatch.setattr(mobilenet_v2, "BASE_WEIGHT_PATH", "http://127.0.0.1:9/")
    start = time.monotonic()
    with pytest.raises(Exception) as info:
        small_model(weights="imagenet", input_shape=(96, 96, 3))
    assert time.monotonic() - start < 20
    message = str(info.value)
    assert "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5" in message
    assert str(keras_home) in message


@pytest.mark.parametrize("kwargs,match", [
    (dict(weights="nowhere.h5"), "`weights` argument should be either"),
    (dict(weights="imagenet", include_top=True, classes=10), "`classes` should be 1000"),
    (dict(weights=None, include_top=True, input_shape=(None, None, 3)), "static `input_shape`"),
    (dict(weights=None, input_shape=(16, 16, 3)), "at least 32x32"),
    (dict(weights=None, input_shape=(32, 32)), "three integers"),
])
def test_argument_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        mobilenet_v2.MobileNetV2(**{"alpha": 0.35, **kwargs})


def test_weights_none_initialises_as_keras():
    model = small_model()
    bn = model.get_layer("bn_Conv1")
    np.testing.assert_array_equal(bn.gamma.value, 1)
    np.testing.assert_array_equal(bn.moving_variance.value, 1)
    kernel = model.get_layer("Conv1").kernel.value
    limit = np.sqrt(6 / (9 * 3 + 9 * 16))                    # glorot_uniform, as Keras
    assert np.abs(kernel).max() <= limit and kernel.std() > limit / 3


def test_input_tensor_and_pooling():
    from pipeseq.layers import Dense
    from pipeseq.models import Input, Model
    inp = Input((32, 32, 3))
    reset_uids()
    base = mobilenet_v2.MobileNetV2(weights=None, alpha=0.35, include_top=False,
                                    input_tensor=inp, pooling="max")
    assert base.inputs[0] is inp and base.output_shape == (None, 1280)
    model = Model(inp, Dense(2)(base.output))
    assert model.predict(np.zeros((1, 32, 32, 3)), verbose=0).shape == (1, 2)


# ------------------------------------------------------------ preprocessing
def test_preprocess_input_modes():
    px = np.array([[[[0.0, 127.5, 255.0]]]])
    np.testing.assert_allclose(imagenet_utils.preprocess_input(px.copy(), mode="tf"),
                               [[[[-1, 0, 1]]]])
    np.testing.assert_allclose(imagenet_utils.preprocess_input(px.copy(), mode="caffe"),
                               [[[[255 - 103.939, 127.5 - 116.779, 0 - 123.68]]]])
    torch = imagenet_utils.preprocess_input(px.copy(), mode="torch")
    np.testing.assert_allclose(torch, [[[[(0 - 0.485) / 0.229, (0.5 - 0.456) / 0.224,
                                          (1 - 0.406) / 0.225]]]])
    cf = imagenet_utils.preprocess_input(np.moveaxis(px, -1, 1).copy(), mode="caffe",
                                         data_format="channels_first")
    np.testing.assert_allclose(np.moveaxis(cf, 1, -1), [[[[151.061, 10.721, -123.68]]]])
    single = imagenet_utils.preprocess_input(px[0].copy(), mode="torch")   # one image, rank 3
    np.testing.assert_allclose(single, torch[0])


def test_preprocess_input_mutation_follows_keras():
    u8 = np.full((1, 2, 2, 3), 255, "uint8")
    out = xception.preprocess_input(u8)
    assert out.dtype == np.float32 and u8[0, 0, 0, 0] == 255       # integers: a new array
    f = np.full((1, 2, 2, 3), 255.0, "float32")
    out = xception.preprocess_input(f)
    assert out is f and f[0, 0, 0, 0] == 1.0                        # floats: in place, as Keras
    lst = [[[[255.0, 0.0, 0.0]]]]
    assert imagenet_utils.preprocess_input(lst, mode="tf")[0, 0, 0, 0] == 1.0
    assert lst[0][0][0][0] == 255.0
    with pytest.raises(ValueError, match="mode"):
        imagenet_utils.preprocess_input(f, mode="bgr")


def test_decode_predictions_reads_keras_cached_index(keras_home, monkeypatch):
    index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    (keras_home / "imagenet_class_index.json").write_text(json.dumps(index))
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX", None)
    preds = np.zeros((2, 1000), "float32")
    preds[0, 7], preds[0, 3], preds[1, 999] = 0.9, 0.05, 1.0
    out = xception.decode_predictions(preds, top=2)
    assert out[0][0][:2] == ("n00000007", "class_7") and out[0][1][1] == "class_3"
    assert out[1][0][1] == "class_999" and len(out[0]) == 2
    with pytest.raises(ValueError, match=r"\(samples, 1000\)"):
        xception.decode_predictions(np.zeros((2, 10)))


# ------------------------------------------------------------ front ends
def test_compat_module_tree():
    from compat.applications.mobilenet_v2 import MobileNetV2, preprocess_input  # noqa: F401
    import compat.applications.resnet50 as resnet50
    assert compat.applications.MobileNetV2 is MobileNetV2
    assert resnet50.ResNet50 is applications.ResNet50
    assert "Xception" in compat.applications.__all__


def test_r_functions():
    import pipeseq
    reset_uids()
    base = pipeseq.application_mobilenet_v2(weights=None, include_top=False, alpha=0.35,
                                            input_shape=[32, 32, 3], pooling="avg")
    x = np.full((1, 2, 2, 3), 255.0)
    y = pipeseq.application_preprocess_inputs(base, x)
    assert y[0, 0, 0, 0] == 1.0 and x[0, 0, 0, 0] == 255.0       # R: the caller's x unchanged
    assert pipeseq.application_preprocess_inputs(base)(x)[0, 0, 0, 0] == 1.0
    assert pipeseq.resnet_preprocess_input(x)[0, 0, 0, 0] == pytest.approx(255 - 103.939)
    assert pipeseq.imagenet_preprocess_input(x, mode="tf")[0, 0, 0, 0] == 1.0
    from pipeseq.models import Sequential
    with pytest.raises(ValueError, match="application_"):
        pipeseq.application_preprocess_inputs(Sequential(), x)


def test_frozen_base_in_sequential_keeps_its_statistics():
    import pipeseq
    reset_uids()
    base = pipeseq.application_mobilenet_v2(weights=None, include_top=False, alpha=0.35,
                                            input_shape=(32, 32, 3), pooling="avg")
    pipeseq.freeze_weights(base)
    model = pipeseq.keras_model_sequential() | base | pipeseq.layer_dense(units=3)
    assert sum(v.value.size for v in model.trainable_weights) == 1280 * 3 + 3
    assert sum(v.value.size for v in model.non_trainable_weights) == base.count_params()
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert f"Non-trainable params: {base.count_params():,}" in text
    before = base.get_weights()
    head_before = model.layers[-1].get_weights()
    model | pipeseq.compile(optimizer="adam", loss="mse")
    rng = np.random.default_rng(0)
    model | pipeseq.fit(rng.normal(size=(8, 32, 32, 3)), rng.normal(size=(8, 3)), epochs=1,
                        batch_size=4, verbose=0)
    for a, b in zip(before, base.get_weights()):              # moving statistics included
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(head_before[0], model.layers[-1].get_weights()[0])


def test_custom_scale_layer_checker():
    from pipeseq.layers.merge import CustomScaleLayer
    from tests.layer_check import check_layer
    check_layer(CustomScaleLayer, {"scale": 0.17}, [(2, 3), (2, 3)], expected_num_weights=0,
                supports_training_step=False)
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        CustomScaleLayer(0.1).compute_output_shape([(None, 3)] * 3)
