"""Seed 000 (R keras guide): sequence classification with 1D convolutions.

The guide leaves ``seq_length`` and the data undefined; here sequences of 64
steps with 100 features (32 steps, 16 samples with PIPESEQ_EXAMPLE_SMALL=1).
"""
import os

import numpy as np

from pipeseq import *

small = os.environ.get("PIPESEQ_EXAMPLE_SMALL") == "1"
n_train, n_test, seq_length, epochs = (16, 8, 32, 1) if small else (200, 50, 64, 10)
set_random_seed(0)
rng = np.random.default_rng(0)
x_train = rng.uniform(size=(n_train, seq_length, 100))
y_train = rng.integers(0, 2, size=(n_train, 1))
x_test = rng.uniform(size=(n_test, seq_length, 100))
y_test = rng.integers(0, 2, size=(n_test, 1))

model = keras_model_sequential()
model | \
  layer_conv_1d(filters = 64, kernel_size = 3, activation = 'relu',
                input_shape = (seq_length, 100)) | \
  layer_conv_1d(filters = 64, kernel_size = 3, activation = 'relu') | \
  layer_max_pooling_1d(pool_size = 3) | \
  layer_conv_1d(filters = 128, kernel_size = 3, activation = 'relu') | \
  layer_conv_1d(filters = 128, kernel_size = 3, activation = 'relu') | \
  layer_global_average_pooling_1d() | \
  layer_dropout(rate = 0.5) | \
  layer_dense(units = 1, activation = 'sigmoid') | \
  compile(
    loss = 'binary_crossentropy',
    optimizer = 'rmsprop',
    metrics = ['accuracy']
  )

model | fit(x_train, y_train, batch_size = 16, epochs = epochs)
score = model | evaluate(x_test, y_test, batch_size = 16)
print(score)
