"""Data-parallel training of the W1 MLP on MNIST-like synthetic data.

Run on one machine with N processes:

    mpiexec -n 2 python examples/distributed_mnist_like.py

or alone (`python examples/distributed_mnist_like.py`: one rank, with a warning).
Set PIPESEQ_EXAMPLE_SMALL=1 for a quick run.
"""
import os
import time

import numpy as np

import pipeseq
from pipeseq.distributed import MPIStrategy
from pipeseq.layers import Dense, Dropout
from pipeseq.models import Sequential

small = os.environ.get("PIPESEQ_EXAMPLE_SMALL") == "1"
n = 2_000 if small else 60_000
strategy = MPIStrategy(seed=0)

pipeseq.set_random_seed(0)
rng = np.random.default_rng(0)                # every rank builds the same data
x = rng.uniform(size=(n, 784)).astype("float32")
y = pipeseq.to_categorical(rng.integers(0, 10, n), num_classes=10)

model = Sequential([
    Dense(512, activation="relu", input_shape=(784,)), Dropout(0.2),
    Dense(512, activation="relu"), Dropout(0.2),
    Dense(10, activation="softmax"),
])
model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])

start = time.perf_counter()
history = model.fit(x, y, batch_size=128, epochs=1, verbose=1 if strategy.is_chief else 0,
                    strategy=strategy)
elapsed = time.perf_counter() - start
if strategy.is_chief:
    print(f"{strategy.size} rank(s): one epoch of {n} samples in {elapsed:.2f} s "
          f"({n / elapsed:,.0f} samples/s); loss {history.history['loss'][-1]:.4f}")
