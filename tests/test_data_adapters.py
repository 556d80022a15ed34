"""fit/evaluate/predict from arrays, generators, Sequence/PyDataset and streaming array-likes."""
import warnings

import numpy as np
import pytest

from pipeseq.training.data_adapters import PyDataset, Sequence


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
