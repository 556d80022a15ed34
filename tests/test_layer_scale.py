"""LayerScale and StochasticDepth (Keras's layers of keras.applications.convnext), and the
variable paths of layers built inside a Sequential or a name scope (Keras 3's)."""
import numpy as np
import pytest

from pipeseq import backend
from pipeseq.layers import Dense, Input, LayerScale, StochasticDepth
from pipeseq.layers.serialization import deserialize_layer, serialize_layer
from pipeseq.models import Sequential
from tests.layer_check import check_layer


def test_layer_scale_checks():
    layer = check_layer(LayerScale, {"init_values": 0.1, "projection_dim": 4}, (3, 5, 4),
                        expected_num_weights=1, expected_num_trainable=1, grad_training=True,
                        supports_training_step=False)     # call(): backward from training
    np.testing.assert_allclose(LayerScale(0.1, 4)(np.ones((1, 4), "float32")), [[0.1] * 4])
    assert layer.weights[0].shape == (4,)


def test_stochastic_depth_checks_and_drops_whole_samples():
    # rate 0 keeps every path even in training: deterministic for the gradient check
    check_layer(StochasticDepth, {"drop_path_rate": 0.0}, (3, 4), expected_num_weights=0,
                grad_training=True)
    backend.set_random_seed(0)
    layer = StochasticDepth(0.5)
    y = layer(np.ones((64, 2, 3), "float32"), training=True)
    per_sample = y.reshape(64, -1)
    assert set(np.unique(per_sample)) <= {0.0, 2.0}
    assert (per_sample.min(axis=1) == per_sample.max(axis=1)).all()   # a whole sample at once
    assert 10 < (per_sample[:, 0] == 0).sum() < 54
    np.testing.assert_array_equal(layer(np.ones((2, 3), "float32")), np.ones((2, 3)))


def test_entries_name_keras_module_and_load_back():
    layer = LayerScale(1e-6, 8, name="ls")
    entry = serialize_layer(layer)
    assert entry["module"] == "keras.src.applications.convnext"
    assert entry["registered_name"] == "LayerScale"
    assert entry["config"]["init_values"] == 1e-6 and entry["config"]["projection_dim"] == 8
    again = deserialize_layer(entry)
    assert isinstance(again, LayerScale) and again.projection_dim == 8
    assert isinstance(deserialize_layer(serialize_layer(StochasticDepth(0.1))), StochasticDepth)


@pytest.mark.parametrize("kwargs,message", [
    ({"init_values": 0.1, "projection_dim": 0}, "projection_dim"),
    ({"init_values": 0.1, "projection_dim": 2.5}, "projection_dim"),
])
def test_layer_scale_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        LayerScale(**kwargs)


def test_layer_scale_wrong_channels_and_bad_rate():
    with pytest.raises(ValueError, match="scales 4 channels"):
        LayerScale(0.1, 4)(np.ones((2, 3), "float32"))
    with pytest.raises(ValueError, match="drop_path_rate"):
        StochasticDepth(1.5)


def test_variable_paths_follow_keras3_scopes():
    s1 = Sequential([Input((4,)), Dense(3, name="d1")], name="s1")
    assert [v.path for v in s1.weights] == ["s1/d1/kernel", "s1/d1/bias"]
    s2 = Sequential([Dense(3, name="d2")], name="s2")
    s2(np.zeros((1, 4), "float32"))
    assert [v.path for v in s2.weights] == ["s2/d2/kernel", "s2/d2/bias"]
    with backend.name_scope("blk"):
        d = Dense(2, name="d6")
        d(np.zeros((1, 4), "float32"))
    assert [v.path for v in d.weights] == ["blk/d6/kernel", "blk/d6/bias"]
    d7 = Dense(2, name="d7")
    d7(np.zeros((1, 4), "float32"))
    assert d7.weights[0].path == "d7/kernel"
