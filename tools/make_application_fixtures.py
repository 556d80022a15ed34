"""Write tests/fixtures/applications/<key>.json.gz with real Keras (tools only; never imported
by pipeseq or its tests).

For every case of tests/app_specs.py: build ``keras.applications.<Fn>(weights=None, ...)``
in a fresh session, give every variable the deterministic value of tests/app_weights.py
(seeded by its path), run ``predict`` on the deterministic input batch and store

* the model's config (``get_config()``: every layer's class, name, config, inbound nodes),
* every weight's path, shape and trainability; ``count_params()`` and the trainable /
  non-trainable totals of ``summary()``,
* the outputs (or ``y @ P`` for wide outputs, with the fixed projection ``P``) and the peak.

Run with the Keras virtualenv::

    KERAS_BACKEND=tensorflow /work/kenv/bin/python tools/make_application_fixtures.py [KEY ...]

``--weights-file DIR`` also writes each model's weights in the published layout (legacy
HDF5, ``model.save_weights("<name>.h5")`` as Keras 2 wrote them) for local loading checks.
"""
import argparse
import gzip
import importlib
import json
import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

from tests.app_specs import SPECS  # noqa: E402
from tests.app_weights import is_depthwise, projection, sample_input, weight_value  # noqa: E402

OUT = os.path.join(ROOT, "tests", "fixtures", "applications")


def owner_classes(model):
    out = {}
    for layer in model.layers:
        for v in layer.weights:
            out[v.path] = type(layer).__name__
    return out


def make(key, module, fn, kwargs, batch, weights_dir=None):
    import keras
    keras.backend.clear_session()
    mod = importlib.import_module(f"keras.applications.{module}")
    ctor = getattr(mod, fn, None) or getattr(keras.applications, fn)   # MobileNetV3: flat only
    model = ctor(weights=None, **kwargs)
    classes = owner_classes(model)
    for v in model.weights:
        leaf = v.path.rsplit("/", 1)[-1]
        v.assign(weight_value(v.path, v.shape, is_depthwise(classes.get(v.path), leaf),
                              dtype=v.dtype))
    shape = (batch,) + tuple(kwargs["input_shape"])
    x = sample_input(key, shape)
    y = np.asarray(model.predict(x, verbose=0), dtype="float64")
    record = {
        "key": key, "module": module, "function": fn, "kwargs": kwargs, "input_shape": shape,
        "keras_version": keras.__version__,
        "config": model.get_config(),
        "weights": [[v.path, list(v.shape), bool(v.trainable)] for v in model.weights],
        "count_params": int(model.count_params()),
        "trainable_params": int(sum(np.prod(v.shape) for v in model.trainable_weights)),
        "non_trainable_params": int(sum(np.prod(v.shape) for v in model.non_trainable_weights)),
        "output_shape": list(y.shape),
        "peak": float(np.abs(y).max()),
    }
    flat = y.reshape(y.shape[0], -1)
    if flat.shape[1] <= 16:
        record["output"] = flat.tolist()
    else:
        record["projected_output"] = (flat @ projection(key, flat.shape[1])).tolist()
    path = os.path.join(OUT, key + ".json.gz")
    text = json.dumps(record, sort_keys=True,
                      default=lambda o: o.tolist() if hasattr(o, "tolist") else str(o))
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
        f.write(text.encode("utf-8"))             # mtime=0: the same run gives the same bytes
    if weights_dir:
        os.makedirs(weights_dir, exist_ok=True)
        from keras.src.legacy.saving import legacy_h5_format
        import h5py
        with h5py.File(os.path.join(weights_dir, key + ".h5"), "w") as f:
            legacy_h5_format.save_weights_to_hdf5_group(f, model)
    print(f"{key}: {len(model.layers)} layers, {record['count_params']} params, "
          f"output {tuple(y.shape)}, {os.path.getsize(path) // 1024} KB", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("keys", nargs="*")
    ap.add_argument("--weights-file", default=None,
                    help="folder for the legacy-HDF5 weight files (published layout)")
    args = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    for key, module, fn, kwargs, batch in SPECS:
        if args.keys and key not in args.keys:
            continue
        make(key, module, fn, kwargs, batch, args.weights_file)


if __name__ == "__main__":
    main()
