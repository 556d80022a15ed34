"""Convolution benchmark: both paths per shape, and one MNIST-convnet epoch per path.

Run: ``python -m benchmarks.conv_bench`` (or ``python benchmarks/conv_bench.py``) from the repo
root. Prints timings only (no asserts); the rule in ``pipeseq.kernels.conv.choose_method`` was
derived from the first table. Options: ``--quick`` (fewer shapes, 1 repeat, 1280-sample epoch),
``--no-epoch``, ``--epoch-only``, ``--ops`` (only the per-op table of W2's layers: ms, GFLOP/s
and share of the machine's float32 GEMM peak, CPU and wall time).
"""
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from pipeseq import backend  # noqa: E402
from pipeseq.kernels import conv as ops  # noqa: E402

# (name, batch, h, w, c_in, kh, kw, c_out, stride)
SHAPES = [
    ("mnist conv1 3x3 1->32", 128, 28, 28, 1, 3, 3, 32, 1),
    ("mnist conv2 3x3 32->64", 128, 26, 26, 32, 3, 3, 64, 1),
    ("5x5 3->16 64x64", 16, 64, 64, 3, 5, 5, 16, 1),
    ("5x5 s2 3->32 250x250", 4, 250, 250, 3, 5, 5, 32, 2),
    ("7x7 3->8 64x64", 16, 64, 64, 3, 7, 7, 8, 1),
    ("9x9 3->8 64x64", 16, 64, 64, 3, 9, 9, 8, 1),
    ("11x11 3->8 64x64", 16, 64, 64, 3, 11, 11, 8, 1),
    ("15x15 1->4 96x96", 8, 96, 96, 1, 15, 15, 4, 1),
    ("conv1d k=3 128->64 L=100", 32, 1, 100, 128, 1, 3, 64, 1),
    ("conv1d k=31 16->16 L=400", 32, 1, 400, 16, 1, 31, 16, 1),
]


def _time(f, repeats):
    f()
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t)
    return best


def bench_shapes(repeats=3, shapes=SHAPES):
    rng = np.random.default_rng(0)
    print(f"{'shape':30s} {'im2col ms':>10s} {'fft ms':>10s} {'faster':>8s} {'rule':>8s}")
    for name, n, h, w, c, kh, kw, o, s in shapes:
        x = rng.random((n, h, w, c), dtype=np.float32)
        k = rng.random((kh, kw, c, o), dtype=np.float32)
        res = {}
        for method in ("im2col", "fft"):
            def step():
                y, cache = ops.conv_forward(x, k, (s, s) if h > 1 else (1, s), "valid", (1, 1),
                                            method=method)
                ops.conv_backward(cache, y)
            res[method] = _time(step, repeats) * 1e3
        rule = ops.choose_method(x.shape, k.shape, (s, s), (1, 1))
        faster = min(res, key=res.get)
        print(f"{name:30s} {res['im2col']:10.1f} {res['fft']:10.1f} {faster:>8s} {rule:>8s}",
              flush=True)


def gemm_peak(n=2048, repeats=3):
    """float32 GFLOP per second of one big square ``np.matmul``: ``(per wall s, per CPU s)``.

    The CPU-time rate is what a loaded machine still lets one measure (it counts only the
    time the process ran, summed over BLAS threads)."""
    a = np.random.default_rng(0).random((n, n), dtype=np.float32)
    a @ a
    walls, cpus = [], []
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        a @ a
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return 2 * n ** 3 / min(walls) / 1e9, 2 * n ** 3 / min(cpus) / 1e9


def bench_w2_ops(repeats=5, batch=128):
    """Per-op times of W2's convolution/pooling layers (im2col path, batch 128): median wall
    and CPU ms, GFLOP per CPU second of the matrix products they contain, and that rate as a
    share of the big-GEMM rate per CPU second."""
    from pipeseq.kernels import pooling
    rng = np.random.default_rng(0)
    peak = gemm_peak()
    x1 = rng.random((batch, 28, 28, 1), dtype=np.float32)
    k1, b1 = rng.random((3, 3, 1, 32), dtype=np.float32), np.zeros(32, np.float32)
    x2 = rng.random((batch, 26, 26, 32), dtype=np.float32) - 0.5
    k2, b2 = rng.random((3, 3, 32, 64), dtype=np.float32) - 0.5, np.zeros(64, np.float32)
    fwd = lambda x, k, b: ops.conv_forward(x, k, (1, 1), "valid", (1, 1), method="im2col",  # noqa: E731
                                           bias=b, relu=True)
    y1, c1 = fwd(x1, k1, b1)
    y2, c2 = fwd(x2, k2, b2)
    p, cp = pooling.pool_forward(y2, (2, 2), (2, 2), "valid", "max")
    dy2 = rng.random(y2.shape, dtype=np.float32)
    f1 = 2 * batch * 26 * 26 * 9 * 32
    f2 = 2 * batch * 24 * 24 * 288 * 64
    rows = [("conv1 forward (+bias, relu)", lambda: fwd(x1, k1, b1), f1),
            ("conv1 backward (dk, db; no dx)", lambda: ops.conv_backward(c1, y1, need_input=False), f1),
            ("conv2 forward (+bias, relu)", lambda: fwd(x2, k2, b2), f2),
            ("conv2 backward dk, db", lambda: ops.conv_backward(c2, dy2, need_input=False), f2),
            ("conv2 backward dk, db, dx", lambda: ops.conv_backward(c2, dy2), 2 * f2),
            ("maxpool 2x2 forward", lambda: pooling.pool_forward(y2, (2, 2), (2, 2), "valid", "max"), 0),
            ("maxpool 2x2 backward", lambda: pooling.pool_backward(cp, p), 0)]
    print(f"float32 GEMM peak (2048^2 matmul): {peak[0]:.0f} GFLOP per wall s, {peak[1]:.0f} per "
          f"CPU s; load average {os.getloadavg()[0]:.1f}")
    print(f"{'op (batch %d)' % batch:32s} {'wall ms':>8s} {'cpu ms':>8s} {'GFLOP':>6s} "
          f"{'GF/cpu-s':>8s} {'% peak':>7s}")
    for name, f, flops in rows:
        f()
        walls, cpus = [], []
        for _ in range(repeats):
            t, c = time.perf_counter(), time.process_time()
            f()
            walls.append(time.perf_counter() - t)
            cpus.append(time.process_time() - c)
        w, c = float(np.median(walls)), float(np.median(cpus))
        rate = flops / c / 1e9 if flops else float("nan")
        share = f"{100 * rate / peak[1]:6.0f}%" if flops else f"{'-':>7s}"
        print(f"{name:32s} {w * 1e3:8.1f} {c * 1e3:8.1f} {flops / 1e9:6.2f} {rate:8.1f} {share}",
              flush=True)


def mnist_epoch(method, n=6000, batch_size=128):
    """One epoch of the classic Keras MNIST convnet on random data; returns seconds."""
    from pipeseq.layers import Conv2D, Dense, Dropout, Flatten, MaxPooling2D
    from pipeseq.models.sequential import Sequential
    from pipeseq.training.optimizers import Adam
    backend.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.random((n, 28, 28, 1), dtype=np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, n)]
    model = Sequential([
        Conv2D(32, 3, activation="relu", input_shape=(28, 28, 1)),
        Conv2D(64, 3, activation="relu"), MaxPooling2D(2), Dropout(0.25), Flatten(),
        Dense(128, activation="relu"), Dropout(0.5), Dense(10, activation="softmax")])
    model.compile(optimizer=Adam(), loss="categorical_crossentropy", metrics=["accuracy"])
    old = ops.default_method()
    ops.set_default_method(method)
    try:
        t, c = time.perf_counter(), time.process_time()
        model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0)
        return time.perf_counter() - t, time.process_time() - c
    finally:
        ops.set_default_method(old)


def main(argv=()):
    quick = "--quick" in argv
    print(f"numpy {np.__version__}, {os.cpu_count()} CPUs, float32")
    if "--ops" in argv:
        bench_w2_ops()
        return
    if "--epoch-only" not in argv:
        bench_shapes(repeats=1 if quick else 3, shapes=SHAPES[:3] if quick else SHAPES)
    if "--no-epoch" in argv:
        return
    n = 1280 if quick else 6000
    print(f"\nMNIST convnet, {n} samples, batch 128, Adam (Keras reference: 2.6 s per 6000)")
    print("  (wall time is sensitive to other processes; CPU time shown alongside, load average "
          f"{os.getloadavg()[0]:.1f})")
    for method in ("im2col", "fft", "auto"):
        sec, cpu = mnist_epoch(method, n=n)
        print(f"  {method:7s} {sec:6.2f} s wall ({6000 / n * sec:6.2f} s per 6000)  {cpu:6.2f} s CPU  "
              f"{n / sec:8.0f} samples/s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
