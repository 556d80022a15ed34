"""Seed 000 (R keras guide): stacked LSTM for sequence classification.

Three LSTMs, the first two returning full sequences. PIPESEQ_EXAMPLE_SMALL=1
trains on 64 sequences for one epoch.
"""
import os

import numpy as np

from pipeseq import *

small = os.environ.get("PIPESEQ_EXAMPLE_SMALL") == "1"
n_train, n_val, epochs = (64, 16, 1) if small else (1000, 100, 5)
set_random_seed(0)
rng = np.random.default_rng(0)

# constants
data_dim = 16
timesteps = 8
num_classes = 10

# define and compile model
# expected input data shape: (batch_size, timesteps, data_dim)
model = keras_model_sequential()
model | \
  layer_lstm(units = 32, return_sequences = True, input_shape = (timesteps, data_dim)) | \
  layer_lstm(units = 32, return_sequences = True) | \
  layer_lstm(units = 32) | \
  layer_dense(units = 10, activation = 'softmax') | \
  compile(
    loss = 'categorical_crossentropy',
    optimizer = 'rmsprop',
    metrics = ['accuracy']
  )

# generate dummy training data
x_train = rng.uniform(size=(n_train, timesteps, data_dim))
y_train = rng.uniform(size=(n_train, num_classes))

# generate dummy validation data
x_val = rng.uniform(size=(n_val, timesteps, data_dim))
y_val = rng.uniform(size=(n_val, num_classes))

# train
history = model | fit(
  x_train, y_train, batch_size = 64, epochs = epochs, validation_data = [x_val, y_val]
)
print(history)
assert "val_loss" in history.history
