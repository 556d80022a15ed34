"""Image and categorical preprocessing layers: shapes, the checker where gradients exist,
Keras's adapt results (tests/fixtures/layers: discretization_adapt), errors."""
import json
import os

import numpy as np
import pytest

from pipeseq.kernels import image as image_ops
from pipeseq.layers import CategoryEncoding, CenterCrop, Discretization, RandomFlip, Resizing
from tests.layer_check import check_layer

FIX = os.path.join(os.path.dirname(__file__), "fixtures", "layers")


@pytest.mark.parametrize("cls,kwargs,shape", [
    (Resizing, {"height": 3, "width": 5}, (2, 4, 4, 2)),
    (Resizing, {"height": 5, "width": 2, "interpolation": "nearest"}, (2, 3, 4, 1)),
    (Resizing, {"height": 2, "width": 3, "crop_to_aspect_ratio": True}, (2, 5, 4, 2)),
    (Resizing, {"height": 3, "width": 3, "data_format": "channels_first"}, (2, 2, 4, 5)),
    (CenterCrop, {"height": 2, "width": 3}, (2, 4, 5, 2)),
    (CenterCrop, {"height": 6, "width": 3}, (2, 4, 5, 1)),
])
def test_image_layers(cls, kwargs, shape):
    check_layer(cls, kwargs, shape)


def test_random_flip_training_and_inference():
    x = np.arange(2 * 3 * 4, dtype="float32").reshape(2, 3, 4, 1)
    layer = RandomFlip("horizontal", seed=1)
    assert np.array_equal(layer(x, training=False), x)        # identity at inference
    seen = set()
    for _ in range(8):
        y, cache = layer.forward(x, training=True)
        for i in range(2):
            flipped = np.array_equal(y[i], x[i, :, ::-1])
            assert flipped or np.array_equal(y[i], x[i])
            seen.add(flipped)
        dx, _ = layer.backward(cache, y)                      # flipping back is the gradient
        assert np.array_equal(dx, x)
    assert seen == {True, False}


def test_resize_matches_a_direct_formula():
    m = image_ops.interpolation_matrix(4, 2, "bilinear")
    assert m.tolist() == [[0.5, 0.5, 0.0, 0.0], [0.0, 0.0, 0.5, 0.5]]
    assert image_ops.interpolation_matrix(3, 5, "nearest").argmax(1).tolist() == [0, 0, 1, 2, 2]


def test_discretization_adapt_matches_keras():
    data = np.load(os.path.join(FIX, "discretization_adapt.npz"))
    with open(os.path.join(FIX, "MANIFEST.json")) as f:
        model = json.load(f)["cases"]["discretization_adapt"]["model"]
    keras_layer = [e for e in model["config"]["layers"]
                   if e["class_name"] == "Discretization"][0]["config"]
    layer = Discretization(num_bins=5, epsilon=0.05, output_mode="one_hot")
    layer.adapt(data["adapt"])
    np.testing.assert_allclose(layer.bin_boundaries, keras_layer["bin_boundaries"], rtol=1e-6)
    batches = Discretization(num_bins=5, epsilon=0.05)
    batches.adapt(iter([data["adapt"][:100], data["adapt"][100:]]))
    assert len(batches.bin_boundaries) == 4


def test_category_encoding_modes_and_errors():
    x = np.array([[1, 1, 3], [0, 2, 2]])
    assert CategoryEncoding(4, "multi_hot")(x).tolist() == [[0, 1, 0, 1], [1, 0, 1, 0]]
    assert CategoryEncoding(4, "count")(x).tolist() == [[0, 2, 0, 1], [1, 0, 2, 0]]
    assert CategoryEncoding(4, "one_hot")(np.array([[2], [0]])).shape == (2, 4)
    with pytest.raises(ValueError, match="num_tokens"):
        CategoryEncoding(3)(np.array([[5]]))
    with pytest.raises(ValueError, match="bin_boundaries"):
        Discretization(num_bins=3, bin_boundaries=[1.0])
    with pytest.raises(ValueError, match="adapt"):
        Discretization(num_bins=3)(np.ones((2, 2)))
    with pytest.raises(NotImplementedError, match="pad_to_aspect_ratio"):
        Resizing(2, 2, pad_to_aspect_ratio=True)
