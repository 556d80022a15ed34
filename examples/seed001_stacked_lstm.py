"""Seed 001: stacked LSTM for sequence classification (three LSTMs, validation data).

Only the imports differ from the Keras code; ``PIPESEQ_EXAMPLE_SMALL`` shrinks
the data and the number of epochs.
"""
import os

from compat.models import Sequential
from compat.layers import LSTM, Dense
import numpy as np

small = bool(os.environ.get("PIPESEQ_EXAMPLE_SMALL"))
n_train, n_val = (64, 16) if small else (1000, 100)

# --- seed code (with 1000 -> n_train, 100 -> n_val, 5 epochs -> 1 when small)
data_dim = 16
timesteps = 8
nb_classes = 10

# expected input data shape: (batch_size, timesteps, data_dim)
model = Sequential()
model.add(LSTM(32, return_sequences=True,
               input_shape=(timesteps, data_dim)))  # returns a sequence of vectors of dimension 32
model.add(LSTM(32, return_sequences=True))  # returns a sequence of vectors of dimension 32
model.add(LSTM(32))  # return a single vector of dimension 32
model.add(Dense(10, activation='softmax'))

model.compile(loss='categorical_crossentropy',
              optimizer='rmsprop',
              metrics=['accuracy'])

# generate dummy training data
x_train = np.random.random((n_train, timesteps, data_dim))
y_train = np.random.random((n_train, nb_classes))

# generate dummy validation data
x_val = np.random.random((n_val, timesteps, data_dim))
y_val = np.random.random((n_val, nb_classes))

history = model.fit(x_train, y_train,
                    batch_size=64, nb_epoch=1 if small else 5,
                    validation_data=(x_val, y_val))

# --- check
assert "val_loss" in history.history
