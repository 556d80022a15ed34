"""Seed 000 (R keras guide): training a binary and a 10-class model on dummy data.

PIPESEQ_EXAMPLE_SMALL=1 shrinks the data and the number of epochs.
"""
import os

import numpy as np

from pipeseq import *

small = os.environ.get("PIPESEQ_EXAMPLE_SMALL") == "1"
n, epochs = (200, 2) if small else (1000, 10)
set_random_seed(0)
rng = np.random.default_rng(0)
runif = lambda size, min=0.0, max=1.0: rng.uniform(min, max, size=size)

# --- a single-input model with 2 classes (binary classification)
# create model
model = keras_model_sequential()

# add layers and compile the model
model | \
  layer_dense(units = 32, activation = 'relu', input_shape = (100)) | \
  layer_dense(units = 1, activation = 'sigmoid') | \
  compile(
    optimizer = 'rmsprop',
    loss = 'binary_crossentropy',
    metrics = ['accuracy']
  )

# Generate dummy data
data = runif((n, 100))
labels = np.round(runif((n, 1), min = 0, max = 1))

# Train the model, iterating on the data in batches of 32 samples
history = model | fit(data, labels, epochs=epochs, batch_size=32)
print(history)

# --- a single-input model with 10 classes (categorical classification)
# create model
model = keras_model_sequential()

# define and compile the model
model | \
  layer_dense(units = 32, activation = 'relu', input_shape = (100)) | \
  layer_dense(units = 10, activation = 'softmax') | \
  compile(
    optimizer = 'rmsprop',
    loss = 'categorical_crossentropy',
    metrics = ['accuracy']
  )

# Generate dummy data
data = runif((n, 100))
labels = np.round(runif((n, 1), min = 0, max = 9))

# Convert labels to categorical one-hot encoding
one_hot_labels = to_categorical(labels, num_classes = 10)

# Train the model, iterating on the data in batches of 32 samples
history = model | fit(data, one_hot_labels, epochs=epochs, batch_size=32)
print(history)
assert len(history.history["loss"]) == epochs
