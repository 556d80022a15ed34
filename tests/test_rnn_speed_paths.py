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


@pytest.mark.parametrize("kind", ["lstm", "gru"])
@pytest.mark.parametrize("masked", [False, True])
def test_time_loops_split_over_batch_rows_equal_one_range(monkeypatch, kind, masked):
    """The fast LSTM/GRU loops run on row ranges of the batch, one per worker thread: the
    results (states, caches, gradients) equal the one-range run."""
    from pipeseq.kernels import conv_threads
    rng = np.random.default_rng(3)
    T, B, u = 5, 21, 4                       # 21 rows: two ranges of 10 and 11
    k = 4 if kind == "lstm" else 3
    xp0 = rng.normal(size=(T, B, k * u))
    U = rng.normal(size=(u, k * u)) * 0.5
    h0, c0 = rng.normal(size=(B, u)), rng.normal(size=(B, u))
    mask = (rng.random((T, B, 1)) > 0.3) if masked else None
    dH = rng.normal(size=(T, B, u))
    ds = [rng.normal(size=(B, u)), rng.normal(size=(B, u))]
    outs = []
    for workers in (1, 2):
        conv_threads.set_num_threads(workers)
        monkeypatch.setattr(rnn_fast, "_MIN_STATE", 8)             # split even this small batch
        try:
            assert len(rnn_fast._row_ranges(B, u)) == workers
            if kind == "lstm":
                H, states, cache = rnn_fast.lstm_forward_fast(xp0.copy(), h0, c0, U, mask)
                grads = rnn_fast.lstm_backward_fast(cache, dH, ds)
            else:
                b_rec = np.linspace(-1, 1, k * u)
                H, states, cache = rnn_fast.gru_forward_fast(xp0.copy(), h0, U, b_rec, mask)
                grads = rnn_fast.gru_backward_fast(cache, dH, ds[:1])
        finally:
            conv_threads.set_num_threads(None)
        outs.append([H] + list(states) + [g for g in grads[:3] if g is not None] + list(grads[3]))
    for a, b in zip(*outs):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
