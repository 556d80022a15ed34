"""fit/evaluate/predict from arrays, generators, Sequence/PyDataset and streaming array-likes."""
import warnings

import numpy as np
import pytest

from pipeseq.kernels.rnn_fast import one_blas_thread
from pipeseq.training.data_adapters import PyDataset, Sequence


@pytest.fixture(autouse=True, scope="module")
def _deterministic_blas():
    """Exact weight equality needs a BLAS that sums in one order: multi-threaded OpenBLAS
    may split a product differently from one call to the next (seen as 1e-7 differences
    once other tests have run), so these tests run with one BLAS thread."""
    with one_blas_thread():
        yield


class Batches(PyDataset):
    def __init__(self, x, y, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size = x, y, batch_size

    def __len__(self):
        return -(-len(self.x) // self.batch_size)

    def __getitem__(self, i):
        s = slice(i * self.batch_size, (i + 1) * self.batch_size)
        return self.x[s], self.y[s]


class OldSequence(Sequence):          # Keras 2 style: no super().__init__()
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return np.full((2, 3), i, "float32"), np.zeros(2)


def test_pydataset_settings_and_iteration():
    ds = Batches(np.arange(10.0).reshape(10, 1), np.arange(10.0), 4, workers=3,
                 use_multiprocessing=True, max_queue_size=5)
    assert (ds.workers, ds.use_multiprocessing, ds.max_queue_size) == (3, True, 5)
    assert ds.num_batches == 3
    assert [len(b[0]) for b in ds] == [4, 4, 2]


def test_keras2_sequence_needs_no_super_init():
    seq = OldSequence(3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert (seq.workers, seq.use_multiprocessing, seq.max_queue_size) == (1, False, 10)
    assert [b[0][0, 0] for b in seq] == [0, 1, 2]
    assert isinstance(seq, PyDataset)


def test_pydataset_without_super_init_warns():
    class NoInit(PyDataset):
        def __init__(self):
            pass

        def __len__(self):
            return 1

    with pytest.warns(UserWarning, match="super\\(\\).__init__"):
        assert NoInit().workers == 1


def test_compat_spellings():
    import compat.utils
    from compat.utils import data_utils
    assert compat.utils.Sequence is Sequence is data_utils.Sequence
    assert compat.utils.PyDataset is PyDataset is data_utils.PyDataset


# ---------------------------------------------------------------- parity with arrays
from pipeseq import Sequential, backend  # noqa: E402
from pipeseq.layers import Dense  # noqa: E402

N, BATCH = 512, 64


def _data(n=N, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((n, 784), dtype=np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, n)]
    return x, y


def _model(weights=None):
    backend.set_random_seed(1)
    m = Sequential([Dense(32, activation="relu", input_shape=(784,)),
                    Dense(10, activation="softmax")])
    m.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    if weights is not None:
        m.set_weights(weights)
    return m


@pytest.fixture(scope="module")
def reference():
    """Weights after one epoch of 8 batches of 64 from arrays, in order."""
    x, y = _data()
    m = _model()
    start = m.get_weights()
    hist = m.fit(x, y, batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
    return start, m.get_weights(), hist.history


def _same(weights, ref):
    assert len(weights) == len(ref)
    for a, b in zip(weights, ref):
        np.testing.assert_array_equal(a, b)


def _gen(x, y, batch=BATCH):
    for i in range(0, len(x), batch):
        yield x[i:i + batch], y[i:i + batch]


def test_generator_gives_the_weights_of_the_same_batches_from_arrays(reference):
    start, ref, ref_hist = reference
    x, y = _data()
    m = _model(start)
    hist = m.fit(_gen(x, y), epochs=1, verbose=0)
    _same(m.get_weights(), ref)
    assert hist.history == ref_hist


@pytest.mark.parametrize("multiprocessing", [False, True])
def test_sequence_with_two_workers_gives_the_weights_of_arrays(reference, multiprocessing):
    start, ref, _ = reference
    x, y = _data()
    m = _model(start)
    m.fit(Batches(x, y, BATCH, workers=2, use_multiprocessing=multiprocessing,
                  max_queue_size=3), epochs=1, shuffle=False, verbose=0)
    _same(m.get_weights(), ref)


def test_keras2_sequence_with_workers_given_to_fit(reference):
    start, ref, _ = reference
    x, y = _data()

    class Old(Sequence):
        def __len__(self):
            return N // BATCH

        def __getitem__(self, i):
            return x[i * BATCH:(i + 1) * BATCH], y[i * BATCH:(i + 1) * BATCH]

    m = _model(start)
    m.fit(Old(), epochs=1, shuffle=False, workers=2, max_queue_size=2, verbose=0)
    _same(m.get_weights(), ref)


def _h5(tmp_path, x, y):
    import h5py
    f = h5py.File(tmp_path / "data.h5", "w")
    f.create_dataset("x", data=x, chunks=(16, 784))
    f.create_dataset("y", data=y)
    return f


def test_h5py_dataset_gives_the_weights_of_arrays(reference, tmp_path):
    start, ref, ref_hist = reference
    x, y = _data()
    with _h5(tmp_path, x, y) as f:
        m = _model(start)
        hist = m.fit(f["x"], f["y"], batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
        _same(m.get_weights(), ref)
        assert hist.history == ref_hist
        np.testing.assert_array_equal(m.predict(f["x"], batch_size=100, verbose=0),
                                      m.predict(x, batch_size=100, verbose=0))
        assert m.evaluate(f["x"], f["y"], verbose=0) == m.evaluate(x, y, verbose=0)


def test_memmap_and_dask_give_the_weights_of_arrays(reference, tmp_path):
    da = pytest.importorskip("dask.array")
    start, ref, _ = reference
    x, y = _data()
    mm = np.lib.format.open_memmap(tmp_path / "x.npy", mode="w+", dtype="float32", shape=x.shape)
    mm[:] = x
    for xx in (mm, da.from_array(x, chunks=(100, 784))):
        m = _model(start)
        m.fit(xx, y, batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
        _same(m.get_weights(), ref)


def test_scipy_sparse_input_is_densified_batch_by_batch(reference):
    import scipy.sparse
    start, ref, _ = reference
    x, y = _data()
    m = _model(start)
    m.fit(scipy.sparse.csr_matrix(x), y, batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
    _same(m.get_weights(), ref)
    backend.set_random_seed(2)
    m.fit(scipy.sparse.csr_matrix(x), y, batch_size=BATCH, epochs=1, verbose=0)   # shuffled rows


@pytest.mark.parametrize("shuffle", [True, "batch"])
def test_streamed_shuffling_matches_arrays_under_one_seed(tmp_path, shuffle):
    x, y = _data(200)
    with _h5(tmp_path, x, y) as f:
        results = []
        for xx, yy in ((x, y), (f["x"], f["y"])):
            m = _model()
            backend.set_random_seed(7)
            m.fit(xx, yy, batch_size=48, epochs=2, shuffle=shuffle, validation_split=0.25,
                  verbose=0)
            results.append(m.get_weights())
        _same(*results)


def test_shuffle_batch_moves_whole_batches_and_keeps_the_last_small_one():
    from pipeseq.training.data_adapters import ArrayDataAdapter
    xs = [np.arange(10.0).reshape(10, 1)]
    backend.set_random_seed(3)
    firsts = [b.x[0][:, 0].tolist() for b in
              ArrayDataAdapter(xs, None, None, batch_size=3, shuffle="batch").batches()]
    assert firsts[-1] == [9.0]
    assert sorted(firsts[:-1]) == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]]


class _CountingRows:
    """An array-like that records how many rows each read asks for."""

    def __init__(self, a):
        self.a, self.reads = a, []
        self.shape, self.dtype = a.shape, a.dtype

    def __len__(self):
        return len(self.a)

    def __getitem__(self, index):
        rows = self.a[index]
        self.reads.append(len(rows))
        return rows


def test_streamed_arrays_are_read_batch_by_batch_never_whole(tmp_path):
    x, y = _data(300)
    with _h5(tmp_path, x, y) as f:
        cx, cy = _CountingRows(f["x"]), _CountingRows(f["y"])
        m = _model()
        m.fit(cx, cy, batch_size=32, epochs=2, shuffle="batch", validation_split=0.2, verbose=0)
        m.predict(cx, batch_size=32, verbose=0)
        assert max(cx.reads + cy.reads) <= 32
        assert sum(cx.reads) == 2 * 300 + 300


# ---------------------------------------------------------------- steps, validation, progress
def test_steps_per_epoch_continues_the_generator_and_warns_when_it_runs_out():
    x, y = _data(128)
    seen = []

    def gen():
        for i in range(0, 128, 32):
            seen.append(i)
            yield x[i:i + 32], y[i:i + 32]

    m = _model()
    with pytest.warns(UserWarning, match="ran out of data"):
        hist = m.fit(gen(), steps_per_epoch=3, epochs=5, verbose=0)
    assert seen == [0, 32, 64, 96]
    assert len(hist.history["loss"]) == 2         # 3 batches, then 1, then none left


def test_steps_per_epoch_on_arrays_continues_across_passes():
    x, y = _data(100)
    m = _model()
    hist = m.fit(x, y, batch_size=32, steps_per_epoch=6, epochs=2, verbose=0)
    assert len(hist.history["loss"]) == 2


def test_validation_data_as_generator_and_sequence():
    x, y = _data(128)
    m = _model()
    hist = m.fit(x, y, batch_size=32, epochs=2, verbose=0,
                 validation_data=Batches(x[:64], y[:64], 16), validation_steps=2)
    assert len(hist.history["val_loss"]) == 2

    def vgen():
        while True:
            yield x[:32], y[:32]
    hist = m.fit(_gen(x, y, 32), steps_per_epoch=4, epochs=1, verbose=0,
                 validation_data=vgen(), validation_steps=3)
    expected = m.evaluate(x[:32], y[:32], verbose=0, return_dict=True)
    assert hist.history["val_loss"][0] == pytest.approx(expected["loss"], rel=1e-6)


def test_sequence_on_epoch_end_and_shuffled_batch_order():
    x, y = _data(64)
    calls = []

    class Tracked(Batches):
        def __getitem__(self, i):
            calls.append(i)
            return super().__getitem__(i)

        def on_epoch_end(self):
            calls.append("end")

    m = _model()
    m.fit(Tracked(x, y, 16), epochs=2, shuffle=False, verbose=0)
    assert calls == [0, 1, 2, 3, "end", 0, 1, 2, 3, "end"]
    calls.clear()
    backend.set_random_seed(0)
    m.fit(Tracked(x, y, 16), epochs=1, shuffle=True, verbose=0)
    assert sorted(calls[:4]) == [0, 1, 2, 3] and calls[4] == "end"


def test_progress_bar_shows_an_unknown_total_then_learns_it(capsys):
    x, y = _data(96)
    m = _model()
    m.fit(_gen(x, y, 32), epochs=1, verbose=1)
    out = capsys.readouterr().out
    assert "3/3" in out or "      3/Unknown" in out
    from pipeseq.training.progbar import Progbar
    import io
    buf = io.StringIO()
    bar = Progbar(None, stream=buf)
    bar.dynamic = True
    bar.update(5, {"loss": 0.5})
    assert "      5/Unknown" in buf.getvalue()
    bar.update(7, {"loss": 0.5}, finalize=True)
    assert "7/7 [" in buf.getvalue() and bar.target == 7


def test_predict_from_generator_uses_inputs_only():
    x, y = _data(100)
    m = _model()
    ref = m.predict(x, batch_size=25, verbose=0)
    np.testing.assert_array_equal(m.predict(_gen(x, y, 25), verbose=0), ref)
    np.testing.assert_array_equal(m.predict((x[i:i + 25] for i in range(0, 100, 25)),
                                            verbose=0), ref)
    np.testing.assert_allclose(m.predict(Batches(x, y, 30), verbose=0), ref, rtol=1e-5)


# ---------------------------------------------------------------- bad data
def _good_then(bad, n_good=2, batch=32):
    """A generator: ``n_good`` good batches, then ``bad``."""
    x, y = _data(n_good * batch)
    for i in range(n_good):
        yield x[i * batch:(i + 1) * batch], y[i * batch:(i + 1) * batch]
    yield bad


def _weights_after_good_batches(n_good=2, batch=32):
    x, y = _data(n_good * batch)
    m = _model()
    m.fit(x, y, batch_size=batch, shuffle=False, verbose=0)
    return m.get_weights()


_X, _Y = _data(32, seed=5)
_NAN_X = _X.copy()
_NAN_X[3, 7] = np.nan
_INF_Y = _Y.copy()
_INF_Y[0, 0] = np.inf


@pytest.mark.parametrize("bad, message", [
    ((_X, _Y, np.ones(32), np.ones(32)), r"tuple of 4 items at step 2 of epoch 1; expected x, "
                                          r"\(x,\), \(x, y\) or \(x, y, sample_weight\)"),
    ((_X,), r"needs targets: the generator must yield \(x, y\).* at step 2"),
    ((_X[:, :780], _Y), r"step 2 of epoch 1.*expects samples of shape \(784,\).*\(32, 780\)"),
    ((_X, _Y[:31]), r"step 2.*x has 32 samples, y has 31"),
    ((_NAN_X, _Y), r"step 2.*x contains NaN or infinite values \(first at index \(3, 7\)\)"),
    ((_X, _INF_Y), r"step 2.*y contains NaN or infinite values"),
    ((_X, _Y, np.full(32, np.nan)), r"step 2.*sample_weight contains NaN"),
    ((_X, _Y, np.ones(31)), r"step 2.*one weight per sample \(32\)"),
    ((_X, _Y[:, :9]), r"step 2.*one-hot targets with 10 classes"),
])
def test_a_bad_batch_is_named_and_changes_no_weight(bad, message):
    m = _model()
    with pytest.raises(ValueError, match=message):
        m.fit(_good_then(bad), epochs=1, verbose=0)
    _same(m.get_weights(), _weights_after_good_batches())


def test_batches_must_agree_with_earlier_batches():
    m = Sequential([Dense(1, input_shape=(4,))])
    m.compile(optimizer="sgd", loss="mse")
    x = np.ones((8, 4), "float32")

    def gen(second):
        yield x, np.ones((8, 1))
        yield second
    with pytest.raises(ValueError, match=r"step 1.*y has samples of shape \(\), but earlier "
                                         r"batches had samples of shape \(1,\)"):
        m.fit(gen((x, np.ones(8))), epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"step 1.*sample weights appear in some batches"):
        m.fit(gen((x, np.ones((8, 1)), np.ones(8))), epochs=1, verbose=0)


def test_bad_batch_from_a_sequence_and_from_a_streamed_file(tmp_path):
    x, y = _data(128)
    x[70, 0] = np.inf
    m = _model()
    with pytest.raises(ValueError, match=r"Batches dataset at step 2 of epoch 1: x contains NaN"):
        m.fit(Batches(x, y, 32, workers=2), shuffle=False, verbose=0)
    with _h5(tmp_path, x, y) as f:
        with pytest.raises(ValueError, match=r"streamed arrays at step 2 of epoch 1: x contains"):
            m.fit(f["x"], f["y"], batch_size=32, shuffle=False, verbose=0)


def test_generator_misuse_is_explained():
    x, y = _data(64)
    m = _model()
    with pytest.raises(ValueError, match=r"`y` cannot be given when x is a generator"):
        m.fit(_gen(x, y), y, verbose=0)
    with pytest.raises(ValueError, match="validation_split is only supported for array data"):
        m.fit(_gen(x, y), validation_split=0.2, verbose=0)
    with pytest.raises(ValueError, match="Received an empty generator"):
        m.fit(iter([]), verbose=0)
    with pytest.raises(ValueError, match=r"fit\(strategy=...\) needs array data"):
        m.fit(_gen(x, y), strategy=object(), verbose=0)
    with pytest.raises(ValueError, match=r"y is required with array data"):
        m.fit(x, verbose=0)


# ---------------------------------------------------------------- Keras 1/2 generator methods
def test_fit_generator_keras2_and_keras1_argument_names(reference):
    start, ref, _ = reference
    x, y = _data()
    m = _model(start)
    m.fit_generator(_gen(x, y), steps_per_epoch=N // BATCH, epochs=1, verbose=0)
    _same(m.get_weights(), ref)
    m = _model(start)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        hist = m.fit_generator(_gen(x, y), samples_per_epoch=N, nb_epoch=1, verbose=0,
                               validation_data=_gen(x, y), nb_val_samples=128)
    _same(m.get_weights(), ref)
    assert set(hist.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    m = _model(start)
    m.fit_generator(Batches(x, y, BATCH), N // BATCH, 1, verbose=0, shuffle=False,
                    nb_worker=2, pickle_safe=True, max_q_size=4)
    _same(m.get_weights(), ref)


def test_evaluate_and_predict_generator(reference):
    _, ref, _ = reference
    x, y = _data()
    m = _model(ref)
    expected = m.evaluate(x[:128], y[:128], batch_size=BATCH, verbose=0)
    assert m.evaluate_generator(_gen(x, y), steps=2) == expected
    assert m.evaluate_generator(_gen(x, y), val_samples=128) == expected
    assert m.evaluate_generator(Batches(x[:128], y[:128], BATCH), nb_worker=2) == expected
    np.testing.assert_array_equal(m.predict_generator(_gen(x, y), steps=2),
                                  m.predict(x[:128], batch_size=BATCH, verbose=0))
    with pytest.warns(DeprecationWarning, match="Keras 1"):
        assert m.predict_generator(_gen(x, y), val_samples=100).shape == (128, 10)


def test_generator_method_argument_errors():
    m = _model()
    x, y = _data(64)
    with pytest.raises(TypeError, match="unrecognized argument 'nb_epochs'.*Did you mean"):
        m.fit_generator(_gen(x, y), nb_epochs=2)
    with pytest.raises(TypeError, match="either steps_per_epoch .* or Keras 1's samples_per_epoch"):
        m.fit_generator(_gen(x, y), steps_per_epoch=2, samples_per_epoch=64)


def test_out_of_core_benchmark_path_at_small_size(tmp_path):
    from benchmarks.out_of_core import run
    r = run(gb=2 ** -8, batch_size=64, folder=str(tmp_path))     # 4 MiB
    assert r["samples"] == 1024 and r["steps"] == 16
    assert np.isfinite(r["loss"]) and r["peak_rss_mb"] > 0
    assert list(tmp_path.iterdir()) == []            # the temporary file is gone


# ---------------------------------------------------------------- R verbs
def test_r_generator_verbs(reference):
    import pipeseq as ps
    start, ref, _ = reference
    x, y = _data()
    m = _model(start)
    hist = m | ps.fit_generator(_gen(x, y), steps_per_epoch=N // BATCH, epochs=1, verbose=0)
    _same(m.get_weights(), ref)
    assert hist.history["loss"]

    state = {"i": 0}

    def sampling_generator():            # R: function() { ...; list(x, y) }
        i = state["i"] % (N // BATCH)
        state["i"] += 1
        return [x[i * BATCH:(i + 1) * BATCH], y[i * BATCH:(i + 1) * BATCH]]
    m = _model(start)
    hist = m | ps.fit_generator(sampling_generator, steps_per_epoch=N // BATCH, epochs=2,
                                initial_epoch=1, verbose=0, validation_data=[x[:64], y[:64]])
    _same(m.get_weights(), ref)                    # epochs 1..2, 0-based: one epoch
    assert list(hist.history) == ["loss", "accuracy", "val_loss", "val_accuracy"]
    scores = m | ps.evaluate_generator(_gen(x, y), steps=2)
    assert scores == m.evaluate(x[:128], y[:128], batch_size=BATCH, verbose=0, return_dict=True)
    preds = m | ps.predict_generator(lambda: x[:10], steps=3)
    assert preds.shape == (30, 10)
    with pytest.raises(TypeError, match="needs a model"):
        Dense(2) | ps.fit_generator(_gen(x, y), steps_per_epoch=1)
