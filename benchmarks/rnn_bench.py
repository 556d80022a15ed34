"""Time one training epoch of the two recurrent benchmark models (issue 10 targets).

1. Embedding(20000, 128) -> LSTM(128) -> Dense(1, sigmoid); 4,000 sequences of length 80,
   batch 32, Adam, binary cross-entropy.            (target: <= 2.6 s per epoch)
2. GRU(64, return_sequences) -> GRU(64) -> Dense(10, softmax) on 4,000 x 50 x 32,
   batch 64, Adam, categorical cross-entropy.         (target: <= 1.3 s per epoch)

Usage::

    python -m benchmarks.rnn_bench [--epochs 2] [--profile lstm|gru]

Prints, per case, the median over the timed epochs of wall time and CPU time
(``time.process_time``: less sensitive to other jobs on a shared machine), the
1-minute load average before and after, and samples/second. No asserts.
"""
import argparse
import os
import statistics
import time

import numpy as np


def lstm_model():
    from pipeseq.layers import LSTM, Dense, Embedding
    from pipeseq.models.sequential import Sequential
    model = Sequential([Embedding(20000, 128, input_length=80), LSTM(128),
                        Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    rng = np.random.default_rng(0)
    x = rng.integers(1, 20000, (4000, 80))
    y = rng.integers(0, 2, (4000, 1)).astype("float32")
    return model, x, y, 32


def gru_model():
    from pipeseq.layers import GRU, Dense
    from pipeseq.models.sequential import Sequential
    model = Sequential([GRU(64, return_sequences=True, input_shape=(50, 32)), GRU(64),
                        Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    rng = np.random.default_rng(0)
    x = rng.random((4000, 50, 32)).astype("float32")
    y = np.eye(10, dtype="float32")[rng.integers(0, 10, 4000)]
    return model, x, y, 64


CASES = {"lstm": (lstm_model, 2.6), "gru": (gru_model, 1.3)}


def time_case(name, epochs):
    make, target = CASES[name]
    model, x, y, bs = make()
    model.fit(x[:bs * 2], y[:bs * 2], batch_size=bs, epochs=1, verbose=0)   # warm-up
    load0 = os.getloadavg()[0]
    walls, cpus = [], []
    for _ in range(epochs):
        t0, c0 = time.perf_counter(), time.process_time()
        model.fit(x, y, batch_size=bs, epochs=1, verbose=0)
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    print(f"{name}: wall {wall:.2f} s/epoch (target {target} s), cpu {cpu:.2f} s, "
          f"{len(x) / wall:,.0f} samples/s; load {load0:.1f}->{os.getloadavg()[0]:.1f}; "
          f"wall: {', '.join(f'{t:.2f}' for t in walls)}; cpu: {', '.join(f'{t:.2f}' for t in cpus)}")
    return wall


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--only", choices=sorted(CASES))
    ap.add_argument("--profile", choices=sorted(CASES), help="cProfile one epoch of this case")
    args = ap.parse_args(argv)
    if args.profile:
        import cProfile
        import pstats
        model, x, y, bs = CASES[args.profile][0]()
        model.fit(x[:bs], y[:bs], batch_size=bs, epochs=1, verbose=0)
        prof = cProfile.Profile()
        prof.enable()
        model.fit(x, y, batch_size=bs, epochs=1, verbose=0)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)
        return
    for name in ([args.only] if args.only else CASES):
        time_case(name, args.epochs)


if __name__ == "__main__":
    main()
