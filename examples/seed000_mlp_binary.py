"""Seed 000 (R keras guide): MLP for binary classification.

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
y_train = np.round(rng.uniform(0, 1, size=(n_train, 1)))
x_test = rng.uniform(size=(n_test, 20))
y_test = np.round(rng.uniform(0, 1, size=(n_test, 1)))

# create model
model = keras_model_sequential()

# define and compile the model
model | \
  layer_dense(units = 64, activation = 'relu', input_shape = (20)) | \
  layer_dropout(rate = 0.5) | \
  layer_dense(units = 64, activation = 'relu') | \
  layer_dropout(rate = 0.5) | \
  layer_dense(units = 1, activation = 'sigmoid') | \
  compile(
    loss = 'binary_crossentropy',
    optimizer = 'rmsprop',
    metrics = ['accuracy']
  )

# train
model | fit(x_train, y_train, epochs = epochs, batch_size = 128)

# evaluate
score = model | evaluate(x_test, y_test, batch_size=128)
print(score)
classes = predict_classes(model, x_test)
assert classes.shape == (n_test, 1) and set(np.unique(classes)) <= {0, 1}
