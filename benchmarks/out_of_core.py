"""Out-of-core training: one epoch over a float32 HDF5 dataset far larger than the memory used.

    python -m benchmarks.out_of_core              # a 2 GB file in a temporary folder
    python -m benchmarks.out_of_core --gb 0.01    # a quick run

The file is written block by block (never held in memory), then an MLP trains one
epoch on ``fit(f["x"], f["y"], shuffle="batch")``: pipeseq reads each batch's rows
from the file and nothing else. Peak resident memory is read from
``/proc/self/status`` (``VmHWM``) or ``resource.getrusage`` and printed with the
file size, the steps and the time; ``--json`` writes the same as JSON. File pages
that the operating system caches are not part of the process's memory.
"""
import argparse
import json
import os
import resource
import sys
import tempfile
import time

if __package__ in (None, ""):       # run as a path: python benchmarks/out_of_core.py
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402


def peak_rss_mb():
    """Peak resident set size of this process so far, in MB."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


def write_file(path, gb, features=1024, classes=10, block=8192, seed=0):
    """A float32 ``x`` of ``gb`` gigabytes (GiB) and int ``y`` labels, written block by block."""
    import h5py
    n = int(gb * 2 ** 30) // (4 * features)
    rng = np.random.default_rng(seed)
    with h5py.File(path, "w") as f:
        x = f.create_dataset("x", shape=(n, features), dtype="float32", chunks=(256, features))
        y = f.create_dataset("y", shape=(n,), dtype="int32")
        for lo in range(0, n, block):
            hi = min(lo + block, n)
            xb = rng.standard_normal((hi - lo, features), dtype=np.float32)
            x[lo:hi] = xb
            y[lo:hi] = np.argmax(xb[:, :classes], axis=1)
    return n


def run(gb=2.0, batch_size=512, folder=None, keep=False):
    import h5py
    from pipeseq import Sequential, backend
    from pipeseq.layers import Dense

    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        path = os.path.join(tmp, "big.h5")
        t0 = time.perf_counter()
        n = write_file(path, gb)
        write_s = time.perf_counter() - t0
        rss_before = peak_rss_mb()
        backend.set_random_seed(0)
        model = Sequential([Dense(64, activation="relu", input_shape=(1024,)),
                            Dense(10, activation="softmax")])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        with h5py.File(path, "r") as f:
            t0 = time.perf_counter()
            hist = model.fit(f["x"], f["y"], batch_size=batch_size, epochs=1, shuffle="batch",
                             verbose=0)
            train_s = time.perf_counter() - t0
        result = {"file_gb": os.path.getsize(path) / 2 ** 30, "samples": n,
                  "steps": -(-n // batch_size), "batch_size": batch_size,
                  "write_s": round(write_s, 1), "train_s": round(train_s, 1),
                  "peak_rss_mb_before_fit": round(rss_before, 1),
                  "peak_rss_mb": round(peak_rss_mb(), 1),
                  "loss": hist.history["loss"][-1], "accuracy": hist.history["accuracy"][-1]}
    return result


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--gb", type=float, default=2.0, help="size of the float32 dataset (GiB)")
    p.add_argument("--batch-size", type=int, default=512)
    p.add_argument("--dir", default=None, help="folder for the temporary file")
    p.add_argument("--json", default=None, help="also write the result here")
    args = p.parse_args(argv)
    r = run(args.gb, args.batch_size, args.dir)
    print(f"{r['file_gb']:.2f} GiB HDF5 ({r['samples']} x 1024 float32), one epoch of "
          f"{r['steps']} steps of {r['batch_size']}: wrote in {r['write_s']}s, trained in "
          f"{r['train_s']}s; peak RSS {r['peak_rss_mb']:.0f} MB "
          f"({r['peak_rss_mb_before_fit']:.0f} MB before fit); loss {r['loss']:.4f}, "
          f"accuracy {r['accuracy']:.4f}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(r, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
