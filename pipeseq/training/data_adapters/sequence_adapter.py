"""``PyDataset`` / ``Sequence``: batches by index, optionally fetched ahead by workers.

``workers > 1`` fetches with a thread pool; ``use_multiprocessing=True`` with a
process pool (fork on Linux: the dataset is inherited, not pickled; elsewhere the
dataset must pickle, else threads are used with a warning). Either way batches
reach the model in index order, at most ``max_queue_size`` ahead. A new pool
serves each pass, so changes made by ``on_epoch_end`` reach the workers.
"""
import collections
import warnings

from ... import backend
from .base import DataAdapter

_WORKER_DATASET = None


def _init_worker(dataset):
    global _WORKER_DATASET
    _WORKER_DATASET = dataset


def _worker_getitem(index):
    return _WORKER_DATASET[index]


class PyDatasetAdapter(DataAdapter):
    def __init__(self, dataset, shuffle=False, workers=None, use_multiprocessing=None,
                 max_queue_size=None):
        self.dataset = dataset
        self.source = f"the {type(dataset).__name__} dataset"
        # fit()'s Keras 2 arguments win; otherwise the dataset's own settings (Keras 3).
        self.workers = int(dataset.workers if workers is None else workers)
        self.use_multiprocessing = bool(dataset.use_multiprocessing if use_multiprocessing is None
                                        else use_multiprocessing)
        self.max_queue_size = max(1, int(dataset.max_queue_size if max_queue_size is None
                                         else max_queue_size))
        self.shuffle = bool(shuffle)
        try:
            n = dataset.num_batches
        except NotImplementedError as e:
            raise TypeError(str(e)) from None
        if n is not None and (not isinstance(n, int) or n < 0):
            raise ValueError(f"{type(dataset).__name__}.__len__() must return a non-negative "
                             f"number of batches. Received: {n!r}")
        self._num_batches = n

    @property
    def num_batches(self):
        return self._num_batches

    def batches(self):
        self.dataset.on_epoch_begin()
        n = self._num_batches
        if n is None:
            import itertools
            indices = itertools.count()
        elif self.shuffle:
            indices = [int(i) for i in backend.rng().permutation(n)]
        else:
            indices = range(n)
        if self.workers <= 1 and not self.use_multiprocessing:
            return (self.dataset[i] for i in indices)
        return self._fetch_ahead(indices)

    def _executor(self):
        # imported here: the pools' modules cost more to import than most training runs use them
        import multiprocessing
        import pickle
        from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
        if self.use_multiprocessing:
            methods = multiprocessing.get_all_start_methods()
            if "fork" in methods:
                ctx = multiprocessing.get_context("fork")
            else:
                try:
                    pickle.dumps(self.dataset)
                    ctx = multiprocessing.get_context()
                except Exception as e:  # noqa: BLE001 - any pickling failure
                    warnings.warn(f"use_multiprocessing=True needs a picklable dataset; "
                                  f"{self.source} is not ({type(e).__name__}: {e}). Using "
                                  f"{self.workers} threads instead.", stacklevel=4)
                    return ThreadPoolExecutor(max(self.workers, 1)), self.dataset.__getitem__
            pool = ProcessPoolExecutor(max(self.workers, 1), mp_context=ctx,
                                       initializer=_init_worker, initargs=(self.dataset,))
            return pool, _worker_getitem
        return ThreadPoolExecutor(self.workers), self.dataset.__getitem__

    def _fetch_ahead(self, indices):
        pool, get = self._executor()
        pending = collections.deque()
        it = iter(indices)
        try:
            for _ in range(max(self.max_queue_size, self.workers)):
                i = next(it, None)
                if i is None:
                    break
                pending.append(pool.submit(get, i))
            while pending:
                item = pending.popleft().result()
                i = next(it, None)
                if i is not None:
                    pending.append(pool.submit(get, i))
                yield item
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def on_epoch_end(self):
        self.dataset.on_epoch_end()
