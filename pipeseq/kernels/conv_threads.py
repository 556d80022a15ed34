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

Graceful on a shared machine: the workers *pull* items one at a time from a shared feed (a
worker whose core is taken by another process simply does fewer), and idle workers sleep on
a lock instead of spinning, unlike OpenBLAS's own pool (see :class:`caller_blas`).

Adaptive (the default; ``set_adaptive(False)`` turns it off): ``k`` is capped by the cores
other processes leave free (:func:`free_cores`: the CPU time other processes used over the
last 100 ms or more, from ``/proc/stat`` minus this process's own), except for feeds of at
least four items per worker, where the slower worker simply pulls less. With a busy loop on
one core of the 2-core machine, the cap took W1 from 3.65-3.90 s to 3.20-3.45 s and W5 from
1.02-1.11 s to 0.99-1.04 s (alternating rounds); on the idle machine it changes nothing.
:func:`set_num_threads` fixes the count.

Example
-------
>>> from pipeseq.kernels import conv_threads
>>> conv_threads.run_groups(lambda group: sum(group), [1, 2, 3, 4], workers=1)
[10]
>>> sum(conv_threads.run_groups(lambda group: sum(group), [1, 2, 3, 4], workers=2))
10
"""
import ctypes
import glob
import os
import threading

_LOCK = threading.Lock()
_STATE = {"pid": None, "pool": None, "workers": None, "blas": None}
_REQUESTED = None
_ADAPT = {"on": True, "sample": None, "free": None}
_SAMPLE_S = 0.1
_TICKS_PER_S = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_LOCAL = threading.local()         # per thread: nesting depth of caller_blas


def set_adaptive(on):
    """Cap the workers by the cores other processes leave free (default True)."""
    _ADAPT["on"] = bool(on)


def _cpu_ticks():
    """``(busy ticks of all CPUs, ticks used by this process)`` from ``/proc/stat`` and
    ``/proc/self/stat`` (user, nice, system, irq and softirq time; steal is the host's)."""
    with open("/proc/stat") as f:
        fields = f.readline().split()
    user, nice, system, _idle, _iowait, irq, softirq = (int(v) for v in fields[1:8])
    with open("/proc/self/stat") as f:
        stat = f.read()
    own = stat[stat.rfind(")") + 2:].split()
    return user + nice + system + irq + softirq, int(own[11]) + int(own[12])   # utime, stime


def free_cores():
    """Cores not used by other processes: ``cpu_count`` minus the CPU time other processes
    used since the previous sample (at least ``_SAMPLE_S`` apart), in cores, rounded; the
    first call (also in a forked child), or where ``/proc`` is unreadable, ``cpu_count``.

    CPU time rather than ``/proc/loadavg``'s count of runnable tasks: that instantaneous count
    also catches kernel threads that run for a moment (on the idle machine it reported a
    third runnable task in 11 of 41 samples during W5's ``predict``), while a busy process
    shows as a whole core of time."""
    import time
    n = os.cpu_count() or 1
    now, pid = time.monotonic(), os.getpid()
    last = _ADAPT.get("sample")        # (pid, time, ticks or None) of the previous reading
    if last is not None and last[0] == pid and now - last[1] < _SAMPLE_S:
        return _ADAPT["free"]
    try:
        ticks = _cpu_ticks()
    except (OSError, ValueError, IndexError):
        ticks = None
    free = n
    if ticks is not None and last is not None and last[0] == pid and last[2] is not None:
        others = ((ticks[0] - last[2][0]) - (ticks[1] - last[2][1])) / (_TICKS_PER_S * (now - last[1]))
        free = max(1, min(n, n - int(others + 0.5)))
    _ADAPT["sample"], _ADAPT["free"] = (pid, now, ticks), free
    return free


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


def _process_blas_threads(blas):
    """The BLAS's process-wide thread count, also when asked inside :class:`caller_blas`
    (whose thread-local setting of 1 ``openblas_get_num_threads`` would otherwise report)."""
    if blas[1] is None:
        return os.cpu_count() or 1
    inside = getattr(_LOCAL, "depth", 0) > 0
    if inside:
        blas[0](0)
    try:
        return blas[1]()
    finally:
        if inside:
            blas[0](1)


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
                n = _process_blas_threads(blas)
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


class caller_blas:
    """Context manager: the calling thread's BLAS runs one thread inside (OpenBLAS's
    thread-local setting; nested uses keep it; a no-op without one).

    pipeseq's kernels do their parallel work on the worker threads above, so a product left
    in the caller is a small one, and OpenBLAS's own pool -- whose threads busy-wait for each
    other -- would make it up to ten times slower when another process holds a core
    (benchmarks: 128x784 by 784x512, load ~8 on 2 cores: 6.8 ms on one thread, 94 ms on
    two). Training steps, evaluation and ``predict`` run inside it.
    """

    def __enter__(self):
        depth = getattr(_LOCAL, "depth", 0)
        _LOCAL.depth = depth + 1
        if depth == 0:
            blas = _openblas()
            if blas is not None:
                blas[0](1)
        return self

    def __exit__(self, *exc):
        _LOCAL.depth -= 1
        if _LOCAL.depth == 0:
            blas = _openblas()
            if blas is not None:
                blas[0](0)                # back to the process-wide setting
        return False


class blas_threads:
    """Context manager: inside :class:`caller_blas`, the calling thread's BLAS uses its own
    process-wide thread count again (for the very large products that gain from OpenBLAS's
    threads when every core is free; see :data:`pipeseq.kernels.core.BLAS_THREADS_MIN_MACS`)."""

    def __enter__(self):
        blas = _openblas()
        if blas is not None:
            blas[0](0)
        return self

    def __exit__(self, *exc):
        blas = _openblas()
        if blas is not None and getattr(_LOCAL, "depth", 0) > 0:
            blas[0](1)
        return False


def caller_blas_during(fn):
    """Decorator: run ``fn`` inside :class:`caller_blas`."""
    import functools

    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        with caller_blas():
            return fn(*args, **kwargs)
    return wrapped


class _Feed:
    """An iterable over ``items`` shared by several workers: each item goes to one of them."""

    def __init__(self, items):
        self._it = iter(items)
        self._lock = threading.Lock()

    def __iter__(self):
        return self

    def __next__(self):
        with self._lock:
            return next(self._it)


def workers_now(workers=None):
    """Worker threads a call would use now: requested (or :func:`num_workers`), capped by
    :func:`free_cores` unless adaptation is off or :func:`set_num_threads` fixed the count."""
    k = num_workers() if workers is None else workers
    if k > 1 and _ADAPT["on"] and _REQUESTED is None:      # an explicit setting is obeyed
        k = min(k, free_cores())
    return k


def run_groups(fn, items, workers=None):
    """``[fn(feed) ...]``, one call per worker thread, the workers sharing one feed of ``items``
    (each item is handed to exactly one worker, in order, as it asks for the next); the calling
    thread is one of the workers, and the only one when serial. ``fn`` must iterate its
    argument once."""
    k = workers_now(workers)
    wanted = num_workers() if workers is None else workers
    if k < wanted and len(items) >= 4 * wanted:
        k = wanted          # a fine-grained feed absorbs a shared core: the slower worker pulls less
    k = min(k, len(items))
    if k <= 1 or _openblas() is None:
        with caller_blas():
            return [fn(items)]
    feed = _Feed(items)
    futures = [_pool().submit(fn, feed) for _ in range(k - 1)]
    with caller_blas():              # the calling thread is the k-th worker: one wake-up less,
        mine = fn(feed)              # and it takes what a slow (busy-core) worker leaves
    return [mine] + [f.result() for f in futures]


ELEMENTWISE_BLOCK = 1 << 16     # values per work item of :func:`run_elementwise` (256 KiB float32)


def run_elementwise(fn, arrays):
    """``fn(*blocks)`` on consecutive blocks of the flattened, same-sized, C-contiguous
    ``arrays`` (``ELEMENTWISE_BLOCK`` values each), shared by the workers; one call on the
    whole arrays when they are small or not contiguous. ``fn`` works in place, element by
    element, so the blocks give the same values as one call."""
    n = arrays[0].size
    if n < 4 * ELEMENTWISE_BLOCK or not all(a.flags.c_contiguous and a.size == n for a in arrays):
        fn(*arrays)
        return
    flat = [a.reshape(-1) for a in arrays]
    items = [slice(i, min(n, i + ELEMENTWISE_BLOCK)) for i in range(0, n, ELEMENTWISE_BLOCK)]
    run_groups(lambda group: [fn(*[f[s] for f in flat]) for s in group], items)
