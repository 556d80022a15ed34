"""Image augmentation layers: the declarative check (shape inference, config round trip),
identity at inference, exact gradients of the applied transformation, seeding, dict inputs
and bad arguments. Parity with Keras is in test_augment_parity.py."""
import numpy as np
import pytest

from tests.layer_check import check_layer, gradient_check
from pipeseq import backend
from pipeseq.layers import base as layers_base

# class -> (kwargs, input shape without batch, value range of the inputs)
LAYERS = {
    "AugMix": ({"factor": 0.3, "seed": 1}, (6, 5, 3), (0, 255)),
    "AutoContrast": ({}, (4, 5, 3), (20, 230)),
    "ContrastLimitedAdaptiveHistogramEqualization": ({"tile_grid_size": (2, 2)}, (5, 4, 3),
                                                     (0, 255)),
    "CutMix": ({"seed": 2}, (6, 5, 3), (0, 255)),
    "Equalization": ({"bins": 64}, (5, 4, 3), (0, 255)),
    "MaxNumBoundingBoxes": ({"max_number": 4}, (4, 4, 3), (0, 255)),
    "MixUp": ({"alpha": 0.5, "seed": 1}, (4, 5, 3), (0, 255)),
    "RandAugment": ({"num_ops": 3, "factor": 0.3, "seed": 1}, (6, 5, 3), (0, 255)),
    "RandomBrightness": ({"factor": 0.1, "seed": 1}, (5, 4, 3), (60, 190)),
    "RandomColorDegeneration": ({"factor": 0.5, "seed": 1}, (4, 5, 3), (60, 190)),
    "RandomColorJitter": ({"brightness_factor": 0.1, "contrast_factor": 0.1,
                           "saturation_factor": (0.4, 0.6), "hue_factor": 0.2, "seed": 1},
                          (4, 5, 3), (80, 170)),
    "RandomContrast": ({"factor": 0.2, "seed": 1}, (5, 4, 3), (90, 160)),
    "RandomCrop": ({"height": 3, "width": 2, "seed": 1}, (5, 4, 3), (0, 255)),
    "RandomElasticTransform": ({"factor": (1.0, 1.0), "scale": 0.8, "seed": 1}, (10, 8, 2),
                               (0, 255)),
    "RandomErasing": ({"factor": (1.0, 1.0), "seed": 1, "fill_value": 9.0}, (6, 5, 3), (20, 230)),
    "RandomFlip": ({"mode": "horizontal_and_vertical", "seed": 2}, (4, 5, 2), (0, 255)),
    "RandomGaussianBlur": ({"factor": 1.0, "kernel_size": 3, "sigma": (0.5, 1.0), "seed": 1},
                           (5, 4, 3), (60, 190)),
    "RandomGrayscale": ({"factor": 1.0, "seed": 1}, (4, 5, 3), (0, 255)),
    "RandomHue": ({"factor": 0.5, "seed": 1}, (4, 5, 3), (10, 245)),
    "RandomInvert": ({"factor": 1.0, "seed": 1}, (4, 5, 3), (0, 255)),
    "RandomPerspective": ({"factor": 1.0, "scale": 0.5, "seed": 1}, (6, 5, 2), (0, 255)),
    "RandomPosterization": ({"factor": (2, 5), "seed": 1}, (4, 5, 3), (0, 255)),
    "RandomRotation": ({"factor": 0.2, "seed": 1}, (6, 5, 2), (0, 255)),
    "RandomSaturation": ({"factor": (0.3, 0.7), "seed": 1}, (4, 5, 3), (10, 245)),
    "RandomSharpness": ({"factor": 0.8, "seed": 1}, (5, 4, 3), (80, 170)),
    "RandomShear": ({"x_factor": 0.3, "y_factor": 0.2, "seed": 1, "fill_mode": "nearest"},
                    (6, 5, 2), (0, 255)),
    "RandomTranslation": ({"height_factor": 0.3, "width_factor": 0.2, "seed": 1,
                           "fill_mode": "wrap"}, (6, 5, 2), (0, 255)),
    "RandomZoom": ({"height_factor": 0.3, "seed": 1, "fill_mode": "constant"}, (6, 5, 2),
                   (0, 255)),
    "Solarization": ({"addition_factor": 0.2, "threshold_factor": (0.3, 0.6), "seed": 1},
                     (4, 5, 3), (0, 200)),
}
# deterministic layers that Keras 3.15 applies with training=False too
ACTIVE_AT_INFERENCE = {"AutoContrast", "ContrastLimitedAdaptiveHistogramEqualization"}


def _cls(name):
    layers_base._import_all_layers()
    return layers_base.get_layer_class(name)


def _images(shape, value_range, seed=0, batch=2):
    rng = np.random.default_rng(seed)
    return rng.uniform(*value_range, size=(batch,) + shape)


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_declarative(name):
    kwargs, shape, vr = LAYERS[name]
    layer = check_layer(_cls(name), kwargs, (2,) + shape, input_data=_images(shape, vr))
    assert not layer.weights


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_identity_at_inference_and_augments_in_training(name):
    kwargs, shape, vr = LAYERS[name]
    layer = _cls(name)(**kwargs)
    x = _images(shape, vr).astype("float32")
    y = layer(x, training=False)
    if name == "RandomCrop":        # inference: resize of the centred box
        assert y.shape == (2,) + layer.compute_output_shape((2,) + shape)[1:]
    elif name in ACTIVE_AT_INFERENCE:
        np.testing.assert_array_equal(y, layer(x, training=True))
    else:
        np.testing.assert_array_equal(y, x)
    y = layer(x)                    # called directly: training, as in Keras
    assert y.dtype == np.float32
    if name != "MaxNumBoundingBoxes":     # it changes boxes only
        assert not np.array_equal(y, x[:, :y.shape[1], :y.shape[2]])


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_gradient_of_the_applied_transformation(name):
    kwargs, shape, vr = LAYERS[name]
    old = backend.floatx()
    backend.set_floatx("float64")
    try:
        layer = _cls(name)(**kwargs)
        x = _images(shape, vr, seed=4)
        fixed = layer.get_random_transformation(x, training=True)
        layer.get_random_transformation = lambda *a, **k: fixed
        gradient_check(layer, x, training=True, rtol=1e-5, atol=1e-6)
        fixed = _cls(name)(**kwargs).get_random_transformation(x[:1], training=True)
        gradient_check(layer, x[0], training=True, rtol=1e-5, atol=1e-6)   # one image
    finally:
        backend.set_floatx(old)


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_seeded_layers_repeat_and_global_seed_applies(name):
    kwargs, shape, vr = LAYERS[name]
    x = _images(shape, vr, batch=3).astype("float32")
    a = _cls(name)(**kwargs)(x)
    b = _cls(name)(**kwargs)(x)
    np.testing.assert_array_equal(a, b)
    from pipeseq.backend import set_random_seed
    unseeded = {k: v for k, v in kwargs.items() if k != "seed"}
    set_random_seed(7)
    c = _cls(name)(**unseeded)(x)
    set_random_seed(7)
    d = _cls(name)(**unseeded)(x)
    np.testing.assert_array_equal(c, d)


def test_dict_inputs_transform_images_masks_and_keep_labels():
    layer = _cls("RandomTranslation")(height_factor=(0.25, 0.25), width_factor=0.0,
                                      fill_mode="constant", interpolation="bilinear")
    x = np.arange(32, dtype="float32").reshape(2, 4, 4, 1)
    out = layer({"images": x, "labels": np.array([0, 1]), "segmentation_masks": x})
    assert out["images"][0, :, 0, 0].tolist() == [0.0, 0.0, 4.0, 8.0]
    np.testing.assert_array_equal(out["segmentation_masks"], out["images"])
    assert out["labels"].tolist() == [0, 1]
    same = layer({"images": x}, training=False)
    np.testing.assert_array_equal(same["images"], x)
    with pytest.raises(NotImplementedError, match="bounding boxes"):
        layer({"images": x, "bounding_boxes": {"boxes": np.zeros((2, 1, 4))}})


def test_in_a_model_augments_in_fit_not_in_predict():
    from pipeseq.layers import Dense, Flatten
    from pipeseq.models import Sequential
    model = Sequential([_cls("RandomRotation")(0.1, input_shape=(6, 6, 1), seed=2),
                        _cls("RandomContrast")(0.2, seed=2), Flatten(), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(0).uniform(0, 1, (8, 6, 6, 1)).astype("float32")
    model.fit(x, np.zeros((8, 1)), epochs=1, verbose=0)
    np.testing.assert_allclose(model.predict(x, verbose=0), model.predict(x, verbose=0))


@pytest.mark.parametrize("name,kwargs,match", [
    ("RandomRotation", {"factor": 1.5}, "factor"),
    ("RandomRotation", {"factor": 0.1, "fill_mode": "mirror"}, "fill_mode"),
    ("RandomRotation", {"factor": 0.1, "interpolation": "bicubic"}, "interpolation"),
    ("RandomZoom", {"height_factor": -1.0}, "input_number"),
    ("RandomTranslation", {"height_factor": (0.1, 0.2, 0.3), "width_factor": 0.1}, "factor"),
    ("RandomCrop", {"height": 0, "width": 2}, "height"),
    ("RandomBrightness", {"factor": 0.1, "value_range": 255}, "value_range"),
    ("RandomContrast", {"factor": -0.5}, "factor"),
])
def test_bad_arguments_are_named(name, kwargs, match):
    with pytest.raises((ValueError, NotImplementedError), match=match):
        _cls(name)(**kwargs)


def test_bad_rank_is_rejected():
    with pytest.raises(ValueError, match="rank 3"):
        _cls("RandomRotation")(0.1)(np.zeros((2, 3, 4, 5, 1), "float32"))


def test_pipeline_chains_layers_and_round_trips():
    from pipeseq.layers import Pipeline
    x = _images((6, 5, 3), (0, 255)).astype("float32")
    pipe = Pipeline([_cls("AutoContrast")(), _cls("RandomRotation")(0.2, seed=1),
                     _cls("RandomCrop")(4, 3, seed=1)], name="augment")
    assert pipe(x, training=False).shape == (2, 4, 3, 3)
    assert pipe.compute_output_shape((None, 6, 5, 3)) == (None, 4, 3, 3)
    clone = Pipeline.from_config(pipe.get_config())
    assert clone.get_config() == pipe.get_config() and clone.name == "augment"
    np.testing.assert_allclose(clone(x, training=False), pipe(x, training=False))
    assert pipe(x).shape == (2, 4, 3, 3)          # direct call: training
    y, cache = pipe.forward(x.astype("float64"), training=True)
    dx, grads = pipe.backward(cache, np.ones_like(y))
    assert dx.shape == x.shape and grads == []
    with pytest.raises(ValueError, match="list of layers"):
        Pipeline("not layers")


def test_r_layer_functions_build_the_layers():
    import pipeseq
    pipe = pipeseq.layer_pipeline([pipeseq.layer_random_flip(), pipeseq.layer_random_zoom(0.2)])
    assert type(pipe).__name__ == "Pipeline" and len(pipe.layers) == 2
    layer = pipeseq.layer_random_rotation(factor=0.1, fill_mode="constant")
    assert layer.get_config()["fill_mode"] == "constant"


@pytest.mark.parametrize("name,axis", [("RandomHeight", 1), ("RandomWidth", 2)])
def test_random_height_and_width(name, axis):
    layer = _cls(name)(factor=(-0.5, 0.5), seed=4)
    x = _images((8, 6, 3), (0, 255)).astype("float32")
    sizes = {layer(x).shape[axis] for _ in range(20)}
    full = x.shape[axis]
    assert len(sizes) > 2 and all(full // 2 <= s <= full * 3 // 2 for s in sizes)
    np.testing.assert_array_equal(layer(x, training=False), x)
    shape = layer.compute_output_shape((None, 8, 6, 3))
    assert shape[axis] is None and shape[3 - axis] == (8, 6)[2 - axis]
    config = layer.get_config()
    assert _cls(name).from_config(config).get_config() == config
    fixed = layer.get_random_transformation(x.astype("float64"), training=True)
    layer.get_random_transformation = lambda *a, **k: fixed
    old = backend.floatx()
    backend.set_floatx("float64")
    try:
        gradient_check(layer, x.astype("float64"), training=True)
    finally:
        backend.set_floatx(old)
    with pytest.raises(ValueError, match="lesser than"):
        _cls(name)(factor=(0.5, 0.1))
    with pytest.raises(NotImplementedError, match="bicubic"):
        _cls(name)(factor=0.1, interpolation="bicubic")
