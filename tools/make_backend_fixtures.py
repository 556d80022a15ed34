"""Fixtures for Keras 2's neural-network ``K.*`` functions (compat/backend_nn.py): tf_keras
computes each case on small seeded inputs; tests/test_compat_backend_nn.py compares.

Run with the fixture environment (tf_keras installed), from the repository root::

    python tools/make_backend_fixtures.py     # -> tests/fixtures/toolbox/backend_nn.json
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from tf_keras import backend as K  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures",
                   "toolbox", "backend_nn.json")


def r5(a):
    return np.round(np.asarray(a, dtype="float64"), 5).tolist()


def arr(rng, *shape):
    return np.round(rng.normal(size=shape), 3).astype("float32")


def cases():
    rng = np.random.default_rng(11)
    x1, x2, x3 = arr(rng, 2, 7, 3), arr(rng, 1, 6, 5, 3), arr(rng, 1, 4, 3, 4, 2)
    x2cf = np.transpose(x2, (0, 3, 1, 2)).copy()
    k1, k2, k3 = arr(rng, 3, 3, 4), arr(rng, 3, 2, 3, 4), arr(rng, 2, 2, 2, 2, 3)
    dk, pk = arr(rng, 3, 3, 3, 2), arr(rng, 1, 1, 6, 4)
    tk = arr(rng, 3, 3, 4, 3)                     # conv2d_transpose: (rows, cols, out, in)
    out = []

    def add(fn, args, kwargs, names):
        """``names``: which positional args are arrays (kept), the rest are plain values."""
        res = getattr(K, fn)(*[tf.constant(a) if n else a for a, n in zip(args, names)], **kwargs)
        res = [r5(r) for r in res] if isinstance(res, (tuple, list)) else r5(res)
        out.append({"fn": fn, "args": [np.asarray(a).tolist() if n else a
                                       for a, n in zip(args, names)],
                    "arrays": names, "kwargs": kwargs, "result": res})

    add("conv1d", [x1, k1], {"strides": 1, "padding": "same"}, [1, 1])
    add("conv1d", [x1, k1], {"strides": 2, "padding": "valid"}, [1, 1])
    add("conv1d", [x1, k1], {"padding": "causal", "dilation_rate": 2}, [1, 1])
    add("conv2d", [x2, k2], {"strides": (2, 1), "padding": "same"}, [1, 1])
    add("conv2d", [x2, k2], {"padding": "valid", "dilation_rate": (2, 2)}, [1, 1])
    add("conv2d", [x2cf, k2], {"data_format": "channels_first", "padding": "same"}, [1, 1])
    add("conv3d", [x3, k3], {"padding": "same", "strides": (1, 2, 1)}, [1, 1])
    add("conv2d_transpose", [x2, tk, (1, 12, 10, 4)], {"strides": (2, 2), "padding": "same"},
        [1, 1, 0])
    add("conv2d_transpose", [x2, tk, (1, 13, 11, 4)], {"strides": (2, 2), "padding": "valid"},
        [1, 1, 0])
    add("conv2d_transpose", [x2, tk, (1, 14, 12, 4)], {"strides": (2, 2), "padding": "valid"},
        [1, 1, 0])
    add("depthwise_conv2d", [x2, dk], {"padding": "same"}, [1, 1])
    add("separable_conv2d", [x2, dk, pk], {"padding": "valid", "strides": (1, 1)}, [1, 1, 1])
    add("pool2d", [x2, (2, 2)], {"strides": (2, 2), "pool_mode": "max"}, [1, 0])
    add("pool2d", [x2, (3, 2)], {"strides": (1, 1), "padding": "same", "pool_mode": "avg"},
        [1, 0])
    add("pool3d", [x3, (2, 2, 2)], {"strides": (2, 2, 2), "padding": "same", "pool_mode": "avg"},
        [1, 0])
    add("resize_images", [x2, 2, 3, "channels_last"], {}, [1, 0, 0, 0])
    add("resize_images", [x2, 2, 2, "channels_last"], {"interpolation": "bilinear"},
        [1, 0, 0, 0])
    add("resize_images", [x2cf, 3, 2, "channels_first"], {"interpolation": "bilinear"},
        [1, 0, 0, 0])
    add("resize_volumes", [x3, 2, 1, 2, "channels_last"], {}, [1, 0, 0, 0, 0])
    mean, var = arr(rng, 3), np.abs(arr(rng, 3)) + 0.5
    beta, gamma = arr(rng, 3), arr(rng, 3)
    add("batch_normalization", [x2, mean, var, beta, gamma], {"epsilon": 1e-3}, [1, 1, 1, 1, 1])
    add("normalize_batch_in_training", [x2, gamma, beta, [0, 1, 2]], {"epsilon": 1e-3},
        [1, 1, 1, 0])
    lk1 = arr(rng, 3, 3 * 3, 4)                     # 7 -> 3 positions (kernel 3, stride 2)
    add("local_conv1d", [x1, lk1, (3,), (2,)], {}, [1, 1, 0, 0])
    lk2 = arr(rng, 2 * 2, 3 * 2 * 3, 2)            # (6, 5) -> (2, 2): kernel (3, 2), stride (3, 2)
    add("local_conv2d", [x2, lk2, (3, 2), (3, 2), (2, 2)], {"data_format": "channels_last"},
        [1, 1, 0, 0, 0])
    add("local_conv2d", [x2cf, lk2, (3, 2), (3, 2), (2, 2)], {"data_format": "channels_first"},
        [1, 1, 0, 0, 0])
    return out


def rnn_cases():
    """``K.rnn`` with a plain tanh step (weights from a seed), masks and directions."""
    rng = np.random.default_rng(12)
    x = arr(rng, 3, 5, 2)
    w, u = arr(rng, 2, 4), arr(rng, 4, 4)
    mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [1, 0, 1, 1, 0]], dtype=bool)

    def step(inp, states):
        h = K.tanh(K.dot(inp, tf.constant(w)) + K.dot(states[0], tf.constant(u)))
        return h, [h]

    out = []
    for kw in ({}, {"go_backwards": True}, {"mask": True}, {"mask": True,
                                                            "zero_output_for_mask": True},
               {"return_all_outputs": False}):
        kwargs = dict(kw)
        if kwargs.pop("mask", False):
            kwargs["mask"] = tf.constant(mask)
        last, outputs, states = K.rnn(step, tf.constant(x), [tf.zeros((3, 4))], **kwargs)
        out.append({"kwargs": {k: v for k, v in kw.items()},
                    "last": r5(last), "outputs": r5(outputs), "states": [r5(s) for s in states]})
    return {"x": x.tolist(), "w": w.tolist(), "u": u.tolist(), "mask": mask.tolist(),
            "cases": out}


def main():
    data = {"cases": cases(), "rnn": rnn_cases(),
            "versions": {"tf_keras": __import__("tf_keras").__version__,
                         "tensorflow": tf.__version__}}
    with open(OUT, "w") as f:
        json.dump(data, f, separators=(",", ":"))
    print(f"wrote {os.path.normpath(OUT)} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    sys.exit(main())
