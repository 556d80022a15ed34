"""Custom loss vs built-in loss: epoch time of the issue-15 autoencoder (784 -> 32 -> 784).

The same model and data train once with ``loss="binary_crossentropy"`` (hand-written
gradient) and once with a hand-written binary cross-entropy, and once with a
per-sample mean squared error written with ops against ``loss="mse"``; the custom
losses are differentiated by autograd. The target is a ratio custom / built-in of at
most 1.5 per epoch.

Usage::

    python -m benchmarks.custom_loss_bench [--epochs 3] [--samples 6000] [--batch 256]

Prints, per pair, the median over the timed epochs (the first epoch is a warm-up) of
wall and CPU time (``time.process_time``) and the ratios. No asserts: timing lives
here, never in the tests.
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def hand_bce(y_true, y_pred):
    from pipeseq import ops
    return -ops.mean(y_true * ops.log(y_pred + 1e-7) + (1 - y_true) * ops.log(1 - y_pred + 1e-7),
                     axis=-1)


def hand_mse(y_true, y_pred):
    from pipeseq import ops
    return ops.mean(ops.square(y_pred - y_true), axis=-1)


PAIRS = {"bce": ("binary_crossentropy", hand_bce), "mse": ("mse", hand_mse)}


def make_model(loss, seed=0):
    from pipeseq import backend
    from pipeseq.layers import Dense
    from pipeseq.models import Sequential
    backend.set_random_seed(seed)
    model = Sequential([Dense(32, activation="relu", input_shape=(784,)),
                        Dense(784, activation="sigmoid")])
    model.compile(optimizer="adam", loss=loss)
    return model


def time_epochs(loss, x, epochs, batch):
    model = make_model(loss)
    walls, cpus = [], []
    for e in range(epochs + 1):
        w0, c0 = time.perf_counter(), time.process_time()
        model.fit(x, x, epochs=1, batch_size=batch, verbose=0, shuffle=True)
        if e:                                      # epoch 0 warms caches up
            walls.append(time.perf_counter() - w0)
            cpus.append(time.process_time() - c0)
    return statistics.median(walls), statistics.median(cpus)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--samples", type=int, default=6000)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--pairs", nargs="*", default=list(PAIRS))
    args = p.parse_args(argv)
    rng = np.random.default_rng(0)
    x = (rng.uniform(size=(args.samples, 784)) > 0.7).astype("float32")
    print(f"{args.samples} samples, batch {args.batch}, median of {args.epochs} epochs; "
          f"load average {os.getloadavg()[0]:.2f}")
    results = {}
    for name in args.pairs:
        builtin, custom = PAIRS[name]
        bw, bc = time_epochs(builtin, x, args.epochs, args.batch)
        cw, cc = time_epochs(custom, x, args.epochs, args.batch)
        results[name] = (cw / bw, cc / bc)
        print(f"{name}: built-in {bw:.3f} s wall / {bc:.3f} s cpu; custom {cw:.3f} s wall / "
              f"{cc:.3f} s cpu; ratio {cw / bw:.2f} wall, {cc / bc:.2f} cpu (target <= 1.5)")
    print(f"load average after {os.getloadavg()[0]:.2f}")
    return results


if __name__ == "__main__":
    main()
