"""Training keeps freed memory with the process (backend.keep_freed_memory): no page faults
for the arrays every batch allocates again."""
import platform
import resource

import numpy as np
import pytest

from pipeseq import backend

glibc = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's mallopt only")


def _faults_for_batches(rounds=20, arrays=20):
    """Page faults while ``rounds`` times holding ``arrays`` 100 KiB arrays, then freeing them."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(rounds):
        held = [np.ones(25_000, "float32") for _ in range(arrays)]
        del held
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


@glibc
def test_freed_batch_arrays_are_reused_without_page_faults(monkeypatch):
    for k in ("MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_"):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setitem(backend._MALLOC, "done", False)
    assert backend.keep_freed_memory() is True
    _faults_for_batches(rounds=1)                   # the heap grows once
    # 20 rounds x 20 arrays x 25 pages each would be 10,000 faults if the heap were trimmed
    assert _faults_for_batches() < 200


def test_the_users_malloc_settings_win(monkeypatch):
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "131072")
    monkeypatch.setitem(backend._MALLOC, "done", False)
    monkeypatch.setitem(backend._MALLOC, "applied", False)
    assert backend.keep_freed_memory() is False
    assert backend.keep_freed_memory() is False          # decided once


@glibc
def test_fit_sets_the_policy(monkeypatch):
    from pipeseq.layers import Dense
    from pipeseq.models import Sequential
    for k in ("MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_"):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setitem(backend._MALLOC, "done", False)
    monkeypatch.setitem(backend._MALLOC, "applied", False)
    model = Sequential([Dense(1, input_shape=(2,))])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.zeros((4, 2), "float32"), np.zeros((4, 1), "float32"), epochs=1, verbose=0)
    assert backend._MALLOC == {"done": True, "applied": True}
