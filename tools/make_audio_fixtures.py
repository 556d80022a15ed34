#!/usr/bin/env python
"""Keras's outputs and gradients for the audio layers (dev-only).

    KERAS_BACKEND=tensorflow /work/kerasenv/bin/python tools/make_audio_fixtures.py

Writes ``tests/fixtures/lookups/audio.npz``: for every case, the input (seeded), Keras 3's
output, and for ``STFTSpectrogram`` the gradients of ``sum(r * y)`` (``r`` seeded) with
respect to the input and to both kernels; ``audio.json`` holds each case's arguments and
Keras's ``get_config()``. (TensorFlow's CPU convolution has no channels_first, so the
channels_first layout is tested against the channels_last one instead.)
"""
import json
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(REPO, "tests", "fixtures", "lookups")

STFT_CASES = {
    "stft_log": ({"frame_length": 16, "frame_step": 8}, (2, 64, 2)),
    "stft_magnitude_same": ({"mode": "magnitude", "frame_length": 12, "frame_step": 5,
                             "padding": "same"}, (2, 40, 1)),
    "stft_psd_fft32": ({"mode": "psd", "frame_length": 16, "fft_length": 32}, (1, 48, 2)),
    "stft_real_expand": ({"mode": "real", "frame_length": 8, "frame_step": 4,
                          "expand_dims": True}, (2, 32, 3)),
    "stft_imag_hamming": ({"mode": "imag", "frame_length": 8, "window": "hamming",
                           "periodic": True}, (2, 30, 2)),
    "stft_angle": ({"mode": "angle", "frame_length": 8, "scaling": "spectrum"}, (1, 24, 1)),
    "stft_stft_expand": ({"mode": "stft", "frame_length": 8, "scaling": None,
                          "expand_dims": True}, (2, 20, 1)),
}
MEL_CASES = {
    "mel_default_small": ({"fft_length": 64, "sequence_stride": 16, "num_mel_bins": 10,
                           "sampling_rate": 8000}, (2, 200)),
    "mel_no_db_seq48": ({"fft_length": 64, "sequence_length": 48, "sequence_stride": 20,
                         "num_mel_bins": 6, "power_to_db": False, "mag_exp": 1.0,
                         "min_freq": 100.0, "max_freq": 3000.0, "sampling_rate": 8000},
                        (3, 150)),
    "mel_hamming_ref": ({"fft_length": 32, "sequence_stride": 8, "window": "hamming",
                         "num_mel_bins": 5, "ref_power": 2.0, "top_db": 20.0,
                         "sampling_rate": 4000}, (1, 100)),
}


def main():
    import keras
    import tensorflow as tf
    arrays, meta = {}, {}
    rng = np.random.default_rng(0)
    for name, (kwargs, shape) in STFT_CASES.items():
        layer = keras.layers.STFTSpectrogram(**kwargs)
        x = tf.constant(rng.normal(size=shape).astype("float32"))
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)
            y = layer(x)
            r = tf.constant(rng.normal(size=y.shape).astype("float32"))
            s = tf.reduce_sum(r * y)
        arrays[f"{name}/x"], arrays[f"{name}/y"], arrays[f"{name}/r"] = \
            x.numpy(), y.numpy(), r.numpy()
        arrays[f"{name}/dx"] = tape.gradient(s, x).numpy()
        for w in layer.weights:
            arrays[f"{name}/{w.name}"] = w.numpy()
            arrays[f"{name}/d_{w.name}"] = tape.gradient(s, w.value).numpy()
        meta[name] = {"class_name": "STFTSpectrogram", "kwargs": kwargs,
                      "weights": [w.name for w in layer.weights], "config": layer.get_config()}
    for name, (kwargs, shape) in MEL_CASES.items():
        layer = keras.layers.MelSpectrogram(**kwargs)
        t = np.arange(shape[1], dtype="float32") / kwargs["sampling_rate"]
        x = (np.sin(2 * np.pi * 440 * t)[None] * rng.uniform(0.5, 1.5, size=(shape[0], 1))
             + 0.1 * rng.normal(size=shape)).astype("float32")
        arrays[f"{name}/x"], arrays[f"{name}/y"] = x, np.asarray(layer(x))
        meta[name] = {"class_name": "MelSpectrogram", "kwargs": kwargs,
                      "config": layer.get_config()}
    np.savez_compressed(os.path.join(OUT, "audio.npz"), **arrays)
    with open(os.path.join(OUT, "audio.json"), "w") as f:
        json.dump({"keras_version": keras.__version__, "cases": meta}, f, indent=1)
    print(f"wrote {len(meta)} audio cases to {OUT}")


if __name__ == "__main__":
    main()
