"""Worker threads for the im2col convolution chunks, each running a one-thread BLAS.

The im2col path works on chunks of a few samples (:mod:`pipeseq.kernels.conv`). Besides the
matrix products, a chunk costs a patch copy, a bias/ReLU epilogue and (backward) a scatter of
the input gradient: element-wise NumPy work that runs on one core however many threads the
BLAS has. Handing contiguous groups of chunks to ``k`` Python threads (NumPy releases the GIL
in all of these) runs the whole chunk on ``k`` cores, while each worker's BLAS is set to one
thread with OpenBLAS's ``openblas_set_num_threads_local`` (OpenBLAS >= 0.3.27), so there are
never more busy threads than cores. This also avoids OpenBLAS's own thread pool on these
mid-sized products, whose busy-waiting costs up to 10x CPU when the machine is shared.

``k`` follows the BLAS's thread count (so ``OPENBLAS_NUM_THREADS=2`` means two workers) unless
:func:`set_num_threads` says otherwise. Without a thread-local BLAS setting (another BLAS,
older OpenBLAS) the chunks run serially in the calling thread.

Example
-------
>>> from pipeseq.kernels import conv_threads
>>> conv_threads.run_groups(lambda group: sum(group), [1, 2, 3, 4], workers=1)
[10]
"""
import ctypes
import glob
import os
import threading

_LOCK = threading.Lock()
_STATE = {"pid": None, "pool": None, "workers": None, "blas": None}
_REQUESTED = None


def set_num_threads(n):
    """Worker threads for convolution chunks: ``None`` follows the BLAS (default), 1 is serial."""
    global _REQUESTED
    if n is not None and (not isinstance(n, int) or n < 1):
        raise ValueError(f"Convolution threads must be None or a positive integer. Received: n={n!r}")
    with _LOCK:
        _REQUESTED = n
        _STATE["workers"] = None


def _openblas():
    """``(set_num_threads_local, get_num_threads)`` of the OpenBLAS NumPy uses, or None."""
    if _STATE["blas"] is None:
        import numpy as np
        site = os.path.dirname(os.path.dirname(np.__file__))
        paths = []
        for pattern in ("numpy.libs/*openblas*", "numpy/.dylibs/*openblas*",
                        "scipy_openblas*/lib/*openblas*"):
            paths += sorted(glob.glob(os.path.join(site, pattern)))
        found = False
        for path in paths:
            try:
                lib = ctypes.CDLL(path)
            except OSError:
                continue
            setter = getattr(lib, "openblas_set_num_threads_local", None)
            if setter is None:
                continue
            setter.argtypes, setter.restype = [ctypes.c_int], ctypes.c_int
            getter = None
            for name in ("openblas_get_num_threads", "scipy_openblas_get_num_threads64_",
                         "scipy_openblas_get_num_threads", "openblas_get_num_threads64_"):
                getter = getattr(lib, name, None)
                if getter is not None:
                    getter.restype = ctypes.c_int
                    break
            _STATE["blas"] = (setter, getter)
            found = True
            break
        if not found:
            _STATE["blas"] = False
    return _STATE["blas"] or None


def num_workers():
    """How many worker threads :func:`run_groups` uses (1: serial in the caller)."""
    with _LOCK:
        if _STATE["workers"] is None:
            blas = _openblas()
            if blas is None:
                n = 1
            elif _REQUESTED is not None:
                n = _REQUESTED
            else:
                n = blas[1]() if blas[1] is not None else (os.cpu_count() or 1)
            _STATE["workers"] = max(1, min(int(n), os.cpu_count() or 1))
        return _STATE["workers"]


def _pool():
    """The shared pool, sized to the machine's cores (callers submit at most their own ``k``)."""
    with _LOCK:
        if _STATE["pool"] is None or _STATE["pid"] != os.getpid():
            from concurrent.futures import ThreadPoolExecutor
            setter = _openblas()[0]
            _STATE["pool"] = ThreadPoolExecutor(os.cpu_count() or 1, thread_name_prefix="pipeseq-conv",
                                                initializer=setter, initargs=(1,))
            _STATE["pid"] = os.getpid()          # a forked child builds its own pool
        return _STATE["pool"]


def run_groups(fn, items, workers=None):
    """``[fn(group) for group in groups]``: ``items`` cut into contiguous, balanced groups, one
    per worker thread (in order); a single group, run in the caller, when serial."""
    k = min(num_workers() if workers is None else workers, len(items))
    if k <= 1 or _openblas() is None:
        return [fn(items)]
    groups = [items[i * len(items) // k:(i + 1) * len(items) // k] for i in range(k)]
    return list(_pool().map(fn, groups))
