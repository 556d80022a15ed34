"""Seed 001: two merged LSTM encoders for classification over two parallel sequences.

Two sequences are encoded into vectors by two separate LSTMs; the vectors are
concatenated by a Keras 1 ``Merge`` and a dense network is trained on top. Only
the imports differ from the Keras 1 code (dummy data is smaller with
``PIPESEQ_EXAMPLE_SMALL``).
"""
import os

import numpy as np

from compat.layers import Dense, LSTM, Merge
from compat.models import Sequential

small = bool(os.environ.get("PIPESEQ_EXAMPLE_SMALL"))
n, n_val = (100, 20) if small else (1000, 100)

# --- seed code
data_dim = 16
timesteps = 8
nb_classes = 10

encoder_a = Sequential()
encoder_a.add(LSTM(32, input_shape=(timesteps, data_dim)))

encoder_b = Sequential()
encoder_b.add(LSTM(32, input_shape=(timesteps, data_dim)))

decoder = Sequential()
decoder.add(Merge([encoder_a, encoder_b], mode='concat'))
decoder.add(Dense(32, activation='relu'))
decoder.add(Dense(nb_classes, activation='softmax'))

decoder.compile(loss='categorical_crossentropy',
                optimizer='rmsprop',
                metrics=['accuracy'])

# generate dummy training data
x_train_a = np.random.random((n, timesteps, data_dim))
x_train_b = np.random.random((n, timesteps, data_dim))
y_train = np.random.random((n, nb_classes))

# generate dummy validation data
x_val_a = np.random.random((n_val, timesteps, data_dim))
x_val_b = np.random.random((n_val, timesteps, data_dim))
y_val = np.random.random((n_val, nb_classes))

history = decoder.fit([x_train_a, x_train_b], y_train,
                      batch_size=64, nb_epoch=2 if small else 5,
                      validation_data=([x_val_a, x_val_b], y_val), verbose=0)

# --- check it
decoder.summary()
print({k: [round(v, 4) for v in vals] for k, vals in history.history.items()})
assert set(history.history) >= {"loss", "val_loss"}
assert decoder.predict([x_val_a, x_val_b], verbose=0).shape == (n_val, nb_classes)
