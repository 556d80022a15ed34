"""Seed 001: train a single-input model for 2 classes on dummy data, with ``nb_epoch``.

Keras 1's ``fit(nb_epoch=10)`` is translated to ``epochs=10`` (one
DeprecationWarning). The seed's ``Dense(1, activation='softmax')`` always
outputs 1 (softmax over one unit), so the loss does not move: that is what
Keras does too. Only the imports differ; ``PIPESEQ_EXAMPLE_SMALL`` shrinks the data.
"""
import os

from compat.models import Sequential
from compat.layers import Dense

n = 200 if os.environ.get("PIPESEQ_EXAMPLE_SMALL") else 1000

# --- seed code
# for a single-input model with 2 classes (binary):

model = Sequential()
model.add(Dense(1, input_dim=784, activation='softmax'))
model.compile(optimizer='rmsprop',
              loss='binary_crossentropy',
              metrics=['accuracy'])

# generate dummy data
import numpy as np
data = np.random.random((n, 784))
labels = np.random.randint(2, size=(n, 1))

# train the model, iterating on the data in batches
# of 32 samples
history = model.fit(data, labels, nb_epoch=10, batch_size=32)

# --- check
assert len(history.history["loss"]) == 10
