"""tf_keras-made fixtures for the Keras 2 layers Keras 3 dropped (``LocallyConnected1D/2D``, and
``CuDNNLSTM``/``CuDNNGRU`` files loaded into ``LSTM``/``GRU``: case ``cudnn_rnn``).

Run with the Keras virtualenv (never imported by pipeseq or its tests)::

    KERAS_BACKEND=tensorflow /work/kenv/bin/python tools/make_tf_keras_layer_fixtures.py [--only CASE ...]

Writes ``tests/fixtures/layers/<case>.npz`` and ``tests/fixtures/layers/MANIFEST_tf_keras.json``
in the format of tools/make_layer_fixtures.py (``x0..``, ``y0..``, ``w0..`` from a numpy RNG
seeded by crc32 of the case name; ``t0..`` and ``ty`` after ``fit(x, ty, batch_size=len(x),
epochs=2, shuffle=False)`` with ``SGD(learning_rate=0.05)`` and mean squared error); the
manifest holds tf_keras's own ``model.to_json()``. tests/test_layer_fixtures.py reads both
manifests.
"""
import argparse
import json
import os
import sys
import zlib

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import tf_keras  # noqa: E402
from tf_keras import layers as L  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "layers")


def _seq(shape, layers_):
    def make(rng):
        model = tf_keras.Sequential([L.InputLayer(shape)] + layers_())
        return model, [rng.normal(size=(3,) + shape).astype("float32")]
    return make


# name -> (input shape, layers); every case trains.
CASES = {
    f"locally_connected1d_mode{m}": _seq((7, 3), (lambda m: lambda: [
        L.LocallyConnected1D(2, 3, strides=2, implementation=m, activation="tanh"),
        L.Flatten(), L.Dense(2)])(m))
    for m in (1, 2, 3)}
CASES.update({
    f"locally_connected2d_mode{m}": _seq((4, 5, 2), (lambda m: lambda: [
        L.LocallyConnected2D(3, (2, 3), strides=(1, 2), implementation=m), L.Flatten(),
        L.Dense(2)])(m))
    for m in (1, 2, 3)})
CASES.update({
    "locally_connected1d_same_first": _seq((3, 6), lambda: [
        L.LocallyConnected1D(2, 2, padding="same", strides=2, data_format="channels_first",
                             implementation=3)]),
    "locally_connected2d_same_first": _seq((2, 4, 5), lambda: [
        L.LocallyConnected2D(2, 3, padding="same", data_format="channels_first",
                             implementation=2, activation="relu"), L.Flatten(), L.Dense(2)]),
    "locally_connected2d_first_mode1": _seq((2, 4, 5), lambda: [
        L.LocallyConnected2D(3, 2, data_format="channels_first", implementation=1)]),
})


def make(name):
    tf_keras.backend.clear_session()
    tf_keras.utils.set_random_seed(0)
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    model, xs = CASES[name](rng)
    weights = [(rng.normal(size=w.shape) * 0.5).astype("float32") for w in model.get_weights()]
    model.set_weights(weights)
    ys = [np.asarray(model(xs[0], training=False))]
    data = {"x0": xs[0], "y0": ys[0]}
    data.update({f"w{i}": w for i, w in enumerate(weights)})
    entry = {"model": json.loads(model.to_json()), "n_inputs": 1, "n_outputs": 1,
             "n_weights": len(weights), "names": [w.name for w in model.weights]}
    target = rng.normal(size=ys[0].shape).astype("float32")
    model.compile(optimizer=tf_keras.optimizers.SGD(learning_rate=0.05), loss="mse")
    hist = model.fit(xs[0], target, batch_size=len(xs[0]), epochs=2, shuffle=False, verbose=0)
    data["ty"] = target
    data.update({f"t{i}": np.asarray(w) for i, w in enumerate(model.get_weights())})
    entry["losses"] = [float(v) for v in hist.history["loss"]]
    np.savez_compressed(os.path.join(OUT, f"{name}.npz"), **data)
    return entry


def make_cudnn(name="cudnn_rnn"):
    """A model of Keras 2's CuDNNLSTM / CuDNNGRU layers (tf_keras still writes them, without a
    GPU) saved as a legacy ``.h5``, and the outputs of the LSTM / GRU model tf_keras loads
    those weights into (its own CuDNN -> LSTM/GRU conversion)."""
    from tf_keras.src.layers.rnn.cudnn_gru import CuDNNGRU
    from tf_keras.src.layers.rnn.cudnn_lstm import CuDNNLSTM
    tf_keras.backend.clear_session()
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    cudnn = tf_keras.Sequential([L.InputLayer((5, 3)), CuDNNLSTM(4, return_sequences=True),
                                 L.Bidirectional(CuDNNGRU(2, return_sequences=True)),
                                 CuDNNGRU(3)])
    cudnn.set_weights([(rng.normal(size=w.shape) * 0.5).astype("float32")
                       for w in cudnn.weights])
    cudnn.save(os.path.join(OUT, f"{name}.h5"))
    plain = tf_keras.Sequential([
        L.InputLayer((5, 3)), L.LSTM(4, return_sequences=True),
        L.Bidirectional(L.GRU(2, return_sequences=True, reset_after=True,
                              recurrent_activation="sigmoid")),
        L.GRU(3, reset_after=True, recurrent_activation="sigmoid")])
    plain.load_weights(os.path.join(OUT, f"{name}.h5"))
    x = rng.normal(size=(2, 5, 3)).astype("float32")
    data = {"x0": x, "y0": np.asarray(plain(x, training=False))}
    data.update({f"w{i}": np.asarray(w) for i, w in enumerate(plain.get_weights())})
    np.savez_compressed(os.path.join(OUT, f"{name}.npz"), **data)
    return {"model": json.loads(plain.to_json()), "n_inputs": 1, "n_outputs": 1,
            "n_weights": len(data) - 2, "names": [w.name for w in plain.weights],
            "files": [f"{name}.h5"]}


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args(argv)
    path = os.path.join(OUT, "MANIFEST_tf_keras.json")
    manifest = {"versions": {"tf_keras": tf_keras.__version__, "numpy": np.__version__},
                "cases": {}}
    if args.only and os.path.exists(path):
        with open(path) as f:
            manifest["cases"] = json.load(f)["cases"]
    for name in args.only or list(CASES) + ["cudnn_rnn"]:
        manifest["cases"][name] = make_cudnn(name) if name == "cudnn_rnn" else make(name)
        print("made", name)
    manifest["cases"] = dict(sorted(manifest["cases"].items()))
    with open(path, "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
