"""Seed 000 (R keras guide): sequence classification with an Embedding and an LSTM.

The guide leaves ``max_features`` and the data undefined (and has a typo,
``output_dim - 256``); here: 1,000 token ids, sequences of length 20 (10 with
PIPESEQ_EXAMPLE_SMALL=1), random binary labels.
"""
import os

import numpy as np

from pipeseq import *

small = os.environ.get("PIPESEQ_EXAMPLE_SMALL") == "1"
n_train, n_test, maxlen, epochs = (32, 16, 10, 1) if small else (500, 100, 20, 10)
max_features = 1000
set_random_seed(0)
rng = np.random.default_rng(0)
x_train = rng.integers(1, max_features, size=(n_train, maxlen))
y_train = rng.integers(0, 2, size=(n_train, 1))
x_test = rng.integers(1, max_features, size=(n_test, maxlen))
y_test = rng.integers(0, 2, size=(n_test, 1))

model = keras_model_sequential()
model | \
  layer_embedding(input_dim = max_features, output_dim = 256) | \
  layer_lstm(units = 128) | \
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
