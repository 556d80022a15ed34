"""Seed 000 (R keras guide): MLP for multi-class softmax classification.

SGD with the R keras 2.x arguments ``lr``, ``decay``, ``momentum``, ``nesterov``.
PIPESEQ_EXAMPLE_SMALL=1 shrinks the data and the number of epochs.
"""
import os

import numpy as np

from pipeseq import *

small = os.environ.get("PIPESEQ_EXAMPLE_SMALL") == "1"
n_train, n_test, epochs = (256, 64, 2) if small else (1000, 100, 20)
set_random_seed(0)
rng = np.random.default_rng(0)

# generate dummy data
x_train = rng.uniform(size=(n_train, 20))

y_train = (rng.uniform(0, 9, size=n_train)
           .round()
           .reshape(n_train, 1)
           | to_categorical(num_classes = 10))

x_test = rng.uniform(size=(n_test, 20))

y_test = (rng.uniform(0, 9, size=n_test)
          .round()
          .reshape(n_test, 1)
          | to_categorical(num_classes = 10))

# create model
model = keras_model_sequential()

# define and compile the model
model | \
  layer_dense(units = 64, activation = 'relu', input_shape = (20)) | \
  layer_dropout(rate = 0.5) | \
  layer_dense(units = 64, activation = 'relu') | \
  layer_dropout(rate = 0.5) | \
  layer_dense(units = 10, activation = 'softmax') | \
  compile(
    loss = 'categorical_crossentropy',
    optimizer = optimizer_sgd(lr = 0.01, decay = 1e-6, momentum = 0.9, nesterov = True),
    metrics = ['accuracy']
  )

# train
model | fit(x_train, y_train, epochs = epochs, batch_size = 128)

# evaluate
score = model | evaluate(x_test, y_test, batch_size = 128)
print(score)
assert score.names() == ["loss", "accuracy"]          # R: names(score)
