"""Seed 001: the same stacked LSTM, rendered stateful (fixed ``batch_input_shape``).

States carry over from one batch to the next. Only the imports differ;
``PIPESEQ_EXAMPLE_SMALL`` shrinks the data and the number of epochs.
"""
import os

from compat.models import Sequential
from compat.layers import LSTM, Dense
import numpy as np

small = bool(os.environ.get("PIPESEQ_EXAMPLE_SMALL"))

# --- seed code (with batch_size * 10 -> batch_size * n_batches, 5 epochs -> 1 when small)
data_dim = 16
timesteps = 8
nb_classes = 10
batch_size = 32
n_batches = 2 if small else 10

# expected input batch shape: (batch_size, timesteps, data_dim)
# note that we have to provide the full batch_input_shape since the network is stateful.
# the sample of index i in batch k is the follow-up for the sample i in batch k-1.
model = Sequential()
model.add(LSTM(32, return_sequences=True, stateful=True,
               batch_input_shape=(batch_size, timesteps, data_dim)))
model.add(LSTM(32, return_sequences=True, stateful=True))
model.add(LSTM(32, stateful=True))
model.add(Dense(10, activation='softmax'))

model.compile(loss='categorical_crossentropy',
              optimizer='rmsprop',
              metrics=['accuracy'])

# generate dummy training data
x_train = np.random.random((batch_size * n_batches, timesteps, data_dim))
y_train = np.random.random((batch_size * n_batches, nb_classes))

# generate dummy validation data
x_val = np.random.random((batch_size * 3, timesteps, data_dim))
y_val = np.random.random((batch_size * 3, nb_classes))

model.fit(x_train, y_train,
          batch_size=batch_size, nb_epoch=1 if small else 5,
          validation_data=(x_val, y_val))

# --- check
print("input shape:", model.input_shape)
assert model.input_shape == (batch_size, timesteps, data_dim)
