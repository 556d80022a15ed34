"""STFTSpectrogram and MelSpectrogram: the declarative layer check, and Keras's outputs and
gradients on the same signals (tests/fixtures/lookups/audio.*, made by
tools/make_audio_fixtures.py)."""
import json
import os

import numpy as np
import pytest

from pipeseq.layers import MelSpectrogram, STFTSpectrogram
from tests.layer_check import check_layer

FIX = os.path.join(os.path.dirname(__file__), "fixtures", "lookups")
with open(os.path.join(FIX, "audio.json")) as _f:
    CASES = json.load(_f)["cases"]
ARRAYS = np.load(os.path.join(FIX, "audio.npz"))


@pytest.mark.parametrize("kwargs,shape", [
    ({"frame_length": 8, "frame_step": 3}, (2, 20, 2)),
    ({"mode": "magnitude", "frame_length": 6, "padding": "same", "expand_dims": True},
     (2, 13, 1)),
    ({"mode": "psd", "frame_length": 4, "fft_length": 8}, (1, 12, 2)),
    ({"mode": "angle", "frame_length": 4, "data_format": "channels_first"}, (2, 2, 11)),
    ({"mode": "stft", "frame_length": 4, "window": "hamming", "scaling": "spectrum"},
     (2, 10, 1)),
])
def test_stft_spectrogram_layer_check(kwargs, shape):
    check_layer(STFTSpectrogram, kwargs, shape, expected_num_weights=1 if kwargs.get("mode") in
                ("real", "imag") else 2)


def _relative(a, b):
    return np.abs(a - b).max() / (np.abs(b).max() + 1e-12)


@pytest.mark.parametrize("name", sorted(CASES))
def test_audio_layer_matches_keras(name):
    case = CASES[name]
    cls = STFTSpectrogram if case["class_name"] == "STFTSpectrogram" else MelSpectrogram
    layer = cls(**case["kwargs"])
    x = ARRAYS[f"{name}/x"]
    layer._maybe_build(x.shape)
    y, cache = layer.forward(x) if cls is STFTSpectrogram else (layer(x), None)
    assert y.shape == ARRAYS[f"{name}/y"].shape and y.dtype == np.float32
    assert _relative(y, ARRAYS[f"{name}/y"]) < 2e-6
    assert tuple(layer.compute_output_shape(x.shape)) == y.shape
    ours, keras = dict(layer.get_config()), dict(case["config"])
    for k in ("name", "dtype"):
        ours.pop(k), keras.pop(k)
    assert ours == keras
    if cls is STFTSpectrogram:
        assert [w.name for w in layer.weights] == case["weights"]
        for w in layer.weights:
            np.testing.assert_allclose(w.value, ARRAYS[f"{name}/{w.name}"], atol=1e-6)
        dx, grads = layer.backward(cache, ARRAYS[f"{name}/r"])
        assert _relative(dx, ARRAYS[f"{name}/dx"]) < 2e-6
        for w, g in zip(layer.weights, grads):
            assert _relative(g, ARRAYS[f"{name}/d_{w.name}"]) < 2e-6


def test_channels_first_is_channels_last_transposed():
    x = np.random.default_rng(3).normal(size=(2, 30, 3)).astype("float32")
    for expand in (False, True):
        last = STFTSpectrogram(mode="log", frame_length=8, expand_dims=expand)(x)
        first = STFTSpectrogram(mode="log", frame_length=8, expand_dims=expand,
                                data_format="channels_first")(x.transpose(0, 2, 1))
        np.testing.assert_allclose(first, last.transpose(0, 3, 1, 2) if expand
                                   else last.transpose(0, 2, 1), rtol=1e-6)


def test_mel_spectrogram_in_a_model_and_bad_arguments():
    from pipeseq.layers import Dense, Flatten, Input
    from pipeseq.models import Sequential
    model = Sequential([Input(shape=(200,)), MelSpectrogram(fft_length=64, sequence_stride=32,
                                                            num_mel_bins=8), Flatten(), Dense(1)])
    assert model.output_shape == (None, 1)
    assert model.predict(np.zeros((2, 200), "float32"), verbose=0).shape == (2, 1)
    with pytest.raises(ValueError, match="fft_length"):
        MelSpectrogram(fft_length=16, sequence_length=32)
    with pytest.raises(ValueError, match="frame_step"):
        STFTSpectrogram(frame_length=8, frame_step=9)
    with pytest.raises(ValueError, match="mode"):
        STFTSpectrogram(mode="power")
    with pytest.raises(ValueError, match="ndim=3"):
        STFTSpectrogram(frame_length=4)(np.zeros((2, 10), "float32"))
