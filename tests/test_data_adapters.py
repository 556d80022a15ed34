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
