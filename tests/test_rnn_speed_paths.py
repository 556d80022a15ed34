"""The recurrent layers' speed paths give the same numbers as the plain ones.

* ``one_blas_thread`` sets one OpenBLAS thread inside and restores the count after.
* ``backward(..., need_dx=False)`` (first layer of a model) returns the same weight
  gradients as the full backward, and no input gradient.
* The Embedding scatter-add equals ``np.add.at``.
"""
import numpy as np
import pytest

from pipeseq.layers import GRU, LSTM, SimpleRNN, Embedding
from pipeseq.kernels import rnn_fast


def test_recurrent_loops_use_the_thread_policy_of_the_caller():
    # one mechanism for "this thread's BLAS on one thread" (tested in test_inference_path.py)
    from pipeseq.kernels import conv_threads
    assert rnn_fast.one_blas_thread is conv_threads.caller_blas


@pytest.mark.parametrize("cls,kw", [(LSTM, {}), (GRU, {}), (SimpleRNN, {}),
                                    (LSTM, {"go_backwards": True, "return_sequences": True}),
                                    (GRU, {"dropout": 0.3, "seed": 1})])
def test_backward_without_input_gradient(cls, kw):
    rng = np.random.default_rng(1)
    layer = cls(3, **kw)
    x = rng.standard_normal((2, 4, 5))
    layer(x)                                 # builds the weights
    y, cache = layer.forward(x, training=True)
    dy = rng.standard_normal(y.shape)
    dx, grads = layer.backward(cache, dy)
    dx2, grads2 = layer.backward(cache, dy, need_dx=False)
    assert dx.shape == x.shape and dx2 is None
    assert layer.can_skip_input_grad
    for g, g2 in zip(grads, grads2):
        np.testing.assert_allclose(g2, g, rtol=1e-12, atol=1e-12)


def test_embedding_scatter_add_matches_add_at():
    rng = np.random.default_rng(2)
    emb = Embedding(7, 3)
    x = rng.integers(0, 7, (4, 6))         # repeated indices
    emb(x)
    y, cache = emb.forward(x)
    dy = rng.standard_normal(y.shape).astype("float32")
    _, (dE,) = emb.backward(cache, dy)
    ref = np.zeros((7, 3), "float32")
    np.add.at(ref, x.reshape(-1), dy.reshape(-1, 3))
    assert dE.dtype == np.float32 and dE.shape == (7, 3)
    np.testing.assert_allclose(dE, ref, rtol=1e-6, atol=1e-6)
    _, (dE0,) = emb.backward(emb.forward(np.zeros((2, 0), "int64"))[1], np.zeros((2, 0, 3), "float32"))
    assert dE0.shape == (7, 3) and not dE0.any()
