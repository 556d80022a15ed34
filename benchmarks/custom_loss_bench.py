"""User-written math vs built-in: epoch time of the issue-15 autoencoder (784 -> 32 -> 784).

Loss pairs (the custom losses are differentiated by autograd, the built-in ones
have hand-written gradients):

* ``bce``: a hand-written binary cross-entropy against ``loss="binary_crossentropy"``;
* ``mse``: a per-sample mean squared error written with ops against ``loss="mse"``.

Layer pairs (same loss, ``mse``; the user layer's backward comes from autograd):

* ``lambda``: ``Lambda(lambda x: ops.relu(x))`` between the two Dense layers against
  ``Activation("relu")`` there;
* ``layer``: the Keras guide's ``Linear`` layer (``build`` + ``call`` with
  ``ops.matmul(x, w) + b``) as the 784-unit output layer (then ``Activation("sigmoid")``)
  against ``Dense(784)`` there.

The machine running it may be shared, so the two models of a pair train in
alternation, one epoch each per round (order swapped every round), and the ratio
custom / built-in is taken within each round; the report gives the median ratio
over the rounds and its spread (min-max), and the per-step overhead in
milliseconds ((custom - built-in epoch time) / steps). The first epoch of each model
is a warm-up. Target for the losses: a ratio of at most 1.5.

Usage::

    python -m benchmarks.custom_loss_bench [--batch 32 256] [--rounds 5] [--samples 6000]
        [--pairs bce mse lambda layer] [--threads N]

``--threads N`` restarts the run with the BLAS (and pipeseq's workers) set to ``N``
threads; on a loaded machine ``--threads 1`` avoids the BLAS pool's busy-waiting, which
otherwise swamps both sides' times.

No asserts: timing lives here, never in the tests.
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


def relu_lambda():
    from pipeseq import ops
    from pipeseq.layers import Lambda
    return Lambda(lambda x: ops.relu(x))


def linear_layer(units):
    """The Keras guide's ``Linear`` layer (build + call with ops)."""
    from pipeseq import ops
    from pipeseq.layers import Layer

    class Linear(Layer):
        def __init__(self, units=32, **kwargs):
            super().__init__(**kwargs)
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], self.units),
                                     initializer="glorot_uniform", trainable=True)
            self.b = self.add_weight(shape=(self.units,), initializer="zeros", trainable=True)

        def call(self, inputs):
            return ops.matmul(inputs, self.w) + self.b
    return Linear(units)


def _layers(kind, custom):
    """The layer list of one side of a pair."""
    from pipeseq.layers import Activation, Dense, InputLayer
    if kind == "lambda":
        return [InputLayer(input_shape=(784,)), Dense(32),
                relu_lambda() if custom else Activation("relu"), Dense(784, activation="sigmoid")]
    if kind == "layer":
        return [InputLayer(input_shape=(784,)), Dense(32, activation="relu"),
                linear_layer(784) if custom else Dense(784), Activation("sigmoid")]
    return [InputLayer(input_shape=(784,)), Dense(32, activation="relu"),
            Dense(784, activation="sigmoid")]


LOSS_PAIRS = {"bce": ("binary_crossentropy", hand_bce), "mse": ("mse", hand_mse)}
LAYER_PAIRS = ("lambda", "layer")
PAIRS = (*LOSS_PAIRS, *LAYER_PAIRS)


def make_model(pair, custom, seed=0):
    """One side of a pair, compiled with Adam."""
    from pipeseq import backend
    from pipeseq.models import Sequential
    backend.set_random_seed(seed)
    model = Sequential(_layers(pair, custom))
    loss = LOSS_PAIRS[pair][1 if custom else 0] if pair in LOSS_PAIRS else "mse"
    model.compile(optimizer="adam", loss=loss)
    return model


def _epoch(model, x, batch):
    w0, c0 = time.perf_counter(), time.process_time()
    model.fit(x, x, epochs=1, batch_size=batch, verbose=0, shuffle=True)
    return time.perf_counter() - w0, time.process_time() - c0


def compare(pair, x, batch, rounds):
    """Interleaved epochs of the two sides; per-round ratios and per-step overheads."""
    models = [make_model(pair, False), make_model(pair, True)]
    for m in models:                                  # warm-up epoch (caches, lazy imports)
        _epoch(m, x, batch)
    steps = -(-len(x) // batch)
    wall_ratio, cpu_ratio, over_ms, times = [], [], [], [[], []]
    for r in range(rounds):
        order = (0, 1) if r % 2 == 0 else (1, 0)
        got = {}
        for side in order:
            got[side] = _epoch(models[side], x, batch)
            times[side].append(got[side][0])
        wall_ratio.append(got[1][0] / got[0][0])
        cpu_ratio.append(got[1][1] / got[0][1])
        over_ms.append((got[1][0] - got[0][0]) / steps * 1e3)
    return {"pair": pair, "batch": batch, "builtin_s": statistics.median(times[0]),
            "custom_s": statistics.median(times[1]),
            "ratio": statistics.median(wall_ratio), "ratio_min": min(wall_ratio),
            "ratio_max": max(wall_ratio), "cpu_ratio": statistics.median(cpu_ratio),
            "overhead_ms": statistics.median(over_ms)}


def _restart_with_threads(threads, argv):
    """Re-run this benchmark with the thread variables set (they act at NumPy's import)."""
    from benchmarks import machine
    if all(os.environ.get(k) == str(threads) for k in machine.THREAD_VARS):
        return
    env = dict(os.environ, **{k: str(threads) for k in machine.THREAD_VARS})
    os.execve(sys.executable, [sys.executable, "-m", "benchmarks.custom_loss_bench", *argv], env)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--samples", type=int, default=6000)
    p.add_argument("--batch", type=int, nargs="*", default=[32, 256])
    p.add_argument("--pairs", nargs="*", default=list(PAIRS), choices=PAIRS)
    p.add_argument("--threads", type=int, default=None)
    args = p.parse_args(argv)
    if args.threads is not None:
        _restart_with_threads(args.threads, argv)
    rng = np.random.default_rng(0)
    x = (rng.uniform(size=(args.samples, 784)) > 0.7).astype("float32")
    print(f"{args.samples} samples, interleaved epochs, median of {args.rounds} rounds; "
          f"BLAS threads {os.environ.get('OPENBLAS_NUM_THREADS', 'default')}; "
          f"load average {os.getloadavg()[0]:.2f}")
    results = []
    for batch in args.batch:
        for pair in args.pairs:
            res = compare(pair, x, batch, args.rounds)
            results.append(res)
            target = " (target <= 1.5)" if pair in LOSS_PAIRS else ""
            print(f"batch {batch:4d} {pair:6s}: built-in {res['builtin_s']:.3f} s, custom "
                  f"{res['custom_s']:.3f} s an epoch; ratio {res['ratio']:.2f} "
                  f"[{res['ratio_min']:.2f}-{res['ratio_max']:.2f}] wall, "
                  f"{res['cpu_ratio']:.2f} cpu{target}; overhead {res['overhead_ms']:+.3f} ms/step",
                  flush=True)
    print(f"load average after {os.getloadavg()[0]:.2f}")
    return results


if __name__ == "__main__":
    main()
