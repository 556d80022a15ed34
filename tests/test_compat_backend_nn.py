"""Keras 2's neural-network K.* (compat/backend_nn.py) against tf_keras (fixtures from
tools/make_backend_fixtures.py), their gradients against central differences, and
their argument errors."""
import json
import os

import numpy as np
import pytest

from compat import backend as K
from pipeseq.ops.autodiff import value_and_grad

DATA = json.load(open(os.path.join(os.path.dirname(__file__), "fixtures", "toolbox",
                                   "backend_nn.json")))


def _args(case):
    return [np.array(a, "float32") if is_array else (tuple(a) if isinstance(a, list) else a)
            for a, is_array in zip(case["args"], case["arrays"])]


def _kwargs(case):
    return {k: tuple(v) if isinstance(v, list) else v for k, v in case["kwargs"].items()}


@pytest.mark.parametrize("case", DATA["cases"],
                         ids=[f"{c['fn']}-{i}" for i, c in enumerate(DATA["cases"])])
def test_matches_tf_keras(case):
    got = getattr(K, case["fn"])(*_args(case), **_kwargs(case))
    want = case["result"]
    if isinstance(got, tuple):
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, atol=1e-4, rtol=1e-4)
    else:
        assert np.asarray(got).dtype == np.float32
        np.testing.assert_allclose(got, want, atol=1e-4, rtol=1e-4)


@pytest.mark.parametrize("case", DATA["rnn"]["cases"], ids=lambda c: str(c["kwargs"]))
def test_rnn_matches_tf_keras(case):
    R = DATA["rnn"]
    x, w, u = (np.array(R[k], "float32") for k in ("x", "w", "u"))

    def step(inp, states):
        h = np.tanh(inp @ w + states[0] @ u)
        return h, [h]

    kwargs = dict(case["kwargs"])
    if kwargs.pop("mask", False):
        kwargs["mask"] = np.array(R["mask"])
    last, outputs, states = K.rnn(step, x, [np.zeros((3, 4), "float32")], **kwargs)
    np.testing.assert_allclose(last, case["last"], atol=1e-5)
    np.testing.assert_allclose(outputs, case["outputs"], atol=1e-5)
    np.testing.assert_allclose(states[0], case["states"][0], atol=1e-5)


GRAD_CASES = [i for i, c in enumerate(DATA["cases"])
              if c["fn"] not in ("pool2d", "pool3d", "resize_volumes")][::2]


@pytest.mark.parametrize("i", GRAD_CASES, ids=lambda i: DATA["cases"][i]["fn"])
def test_gradient_through_first_argument(i):
    case = DATA["cases"][i]
    args = [np.asarray(a, "float64") if isinstance(a, np.ndarray) else a for a in _args(case)]
    fn = getattr(K, case["fn"])
    r = np.random.default_rng(i).normal(size=np.shape(np.asarray(
        fn(*args, **_kwargs(case))[0] if case["fn"] == "normalize_batch_in_training"
        else fn(*args, **_kwargs(case)))))

    def f(x0):
        out = fn(x0, *args[1:], **_kwargs(case))
        out = out[0] if isinstance(out, tuple) else out
        return (out * r).sum()

    _, g = value_and_grad(f)(args[0])
    x0, eps = args[0], 1e-6
    for idx in list(np.ndindex(x0.shape))[::max(1, x0.size // 6)]:
        d = np.zeros_like(x0)
        d[idx] = eps
        num = (f(x0 + d) - f(x0 - d)) / (2 * eps)
        assert abs(g[idx] - num) < 1e-5 * max(1.0, abs(num)), (idx, g[idx], num)


def test_errors_name_the_argument():
    x = np.zeros((1, 4, 4, 1), "float32")
    with pytest.raises(ValueError, match="pool_mode"):
        K.pool2d(x, (2, 2), pool_mode="median")
    with pytest.raises(ValueError, match="padding"):
        K.conv2d(x, np.zeros((2, 2, 1, 1), "float32"), padding="causal")
    with pytest.raises(ValueError, match="data_format"):
        K.resize_images(x, 2, 2, "nhwc")
    with pytest.raises(ValueError, match="output_shape"):
        K.conv2d_transpose(x, np.zeros((3, 3, 1, 1), "float32"), (1, 20, 20, 1), strides=(2, 2))


def test_learning_phase_scope_restores():
    before = K.learning_phase()
    with K.learning_phase_scope(1):
        assert K.learning_phase() == 1
    assert K.learning_phase() == before


def test_reset_uids_restarts_counters():
    K.get_uid("block")
    K.reset_uids()
    assert K.get_uid("block") == 1
