"""Run under mpiexec: train with MPIStrategy, compare with single-process training.

Usage: mpiexec -n 2 python tests/distributed/mpi_equivalence.py {dense,conv} OUT.npz
Rank 0 also trains the same model alone (same seed, data, global batch) and
saves both weight lists to OUT.npz.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

import pipeseq  # noqa: E402
from pipeseq.distributed import MPIStrategy  # noqa: E402
from pipeseq.layers import Dense, Flatten  # noqa: E402
from pipeseq.layers.base import get_layer_class  # noqa: E402
from pipeseq.models import Sequential  # noqa: E402
from pipeseq.training.optimizers import SGD, Adam  # noqa: E402


def build(kind):
    pipeseq.set_random_seed(11)
    if kind == "dense":
        model = Sequential([Dense(16, activation="relu", input_shape=(6,)), Dense(3, activation="softmax")])
        model.compile(optimizer=Adam(0.01), loss="categorical_crossentropy", metrics=["accuracy"])
        rng = np.random.default_rng(0)
        x = rng.normal(size=(96, 6)).astype("float32")
    else:
        conv = get_layer_class("Conv2D")
        model = Sequential([conv(4, 3, activation="relu", input_shape=(8, 8, 1)), Flatten(),
                            Dense(3, activation="softmax")])
        model.compile(optimizer=SGD(0.05, momentum=0.9), loss="categorical_crossentropy")
        rng = np.random.default_rng(0)
        x = rng.normal(size=(96, 8, 8, 1)).astype("float32")
    y = np.eye(3, dtype="float32")[rng.integers(0, 3, len(x))]
    return model, x, y


def main(kind, out):
    strategy = MPIStrategy(seed=5)
    model, x, y = build(kind)
    h = model.fit(x, y, batch_size=32, epochs=2, verbose=0, strategy=strategy)
    gathered = strategy.comm.gather((model.get_weights(), h.history), root=0)
    if strategy.is_chief:
        single, xs, ys = build(kind)
        # Same shuffling as the strategy: its seed drives a fresh generator each fit.
        import pipeseq.training.trainer as tr
        rng = np.random.default_rng(5)
        orig = pipeseq.backend.rng
        pipeseq.backend.rng = lambda: rng
        try:
            hs = single.fit(xs, ys, batch_size=32, epochs=2, verbose=0)
        finally:
            pipeseq.backend.rng = orig
        arrays = {}
        for r, (weights, hist) in enumerate(gathered):
            for i, w in enumerate(weights):
                arrays[f"rank{r}_w{i}"] = w
            arrays[f"rank{r}_loss"] = np.array(hist["loss"])
        for i, w in enumerate(single.get_weights()):
            arrays[f"single_w{i}"] = w
        arrays["single_loss"] = np.array(hs.history["loss"])
        np.savez(out, **arrays)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
