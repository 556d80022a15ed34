"""Seed 000 (R keras guide): the stacked LSTM made stateful.

A stateful model needs the full ``batch_input_shape``; the sample i of batch k
continues sample i of batch k-1, so ``shuffle = False``. PIPESEQ_EXAMPLE_SMALL=1
uses 2 training and 1 validation batches and one epoch.
"""
import os

import numpy as np

from pipeseq import *

small = os.environ.get("PIPESEQ_EXAMPLE_SMALL") == "1"
n_batches, n_val_batches, epochs = (2, 1, 1) if small else (10, 3, 5)
set_random_seed(0)
rng = np.random.default_rng(0)

# constants
data_dim = 16
timesteps = 8
num_classes = 10
batch_size = 32

# define and compile model
# Expected input batch shape: (batch_size, timesteps, data_dim)
# Note that we have to provide the full batch_input_shape since the network is stateful.
# the sample of index i in batch k is the follow-up for the sample i in batch k-1.
model = keras_model_sequential()
model | \
  layer_lstm(units = 32, return_sequences = True, stateful = True,
             batch_input_shape = (batch_size, timesteps, data_dim)) | \
  layer_lstm(units = 32, return_sequences = True, stateful = True) | \
  layer_lstm(units = 32, stateful = True) | \
  layer_dense(units = 10, activation = 'softmax') | \
  compile(
    loss = 'categorical_crossentropy',
    optimizer = 'rmsprop',
    metrics = ['accuracy']
  )

# generate dummy training data
x_train = rng.uniform(size=(batch_size * n_batches, timesteps, data_dim))
y_train = rng.uniform(size=(batch_size * n_batches, num_classes))

# generate dummy validation data
x_val = rng.uniform(size=(batch_size * n_val_batches, timesteps, data_dim))
y_val = rng.uniform(size=(batch_size * n_val_batches, num_classes))

# train
model | fit(
  x_train,
  y_train,
  batch_size = batch_size,
  epochs = epochs,
  shuffle = False,
  validation_data = [x_val, y_val]
)

model | reset_states()
