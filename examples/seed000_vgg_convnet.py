"""Seed 000 (R keras guide): VGG-like convnet on dummy images.

The guide uses 100 images of 100x100x3; PIPESEQ_EXAMPLE_SMALL=1 uses 16 images of
20x20x3 and one epoch (same architecture).
"""
import os

import numpy as np

from pipeseq import *

small = os.environ.get("PIPESEQ_EXAMPLE_SMALL") == "1"
n_train, n_test, side, epochs = (16, 8, 20, 1) if small else (100, 20, 100, 10)
set_random_seed(0)
rng = np.random.default_rng(0)

# generate dummy data
x_train = rng.uniform(size=(n_train, side, side, 3))

y_train = (rng.uniform(0, 9, size=n_train).round().reshape(n_train, 1)
           | to_categorical(num_classes = 10))

x_test = rng.uniform(size=(n_test, side, side, 3))

y_test = (rng.uniform(0, 9, size=n_test).round().reshape(n_test, 1)
          | to_categorical(num_classes = 10))

# create model
model = keras_model_sequential()

# define and compile model
# input: 100x100 images with 3 channels -> (100, 100, 3) tensors.
# this applies 32 convolution filters of size 3x3 each.
model | \
  layer_conv_2d(filters = 32, kernel_size = (3,3), activation = 'relu',
                input_shape = (side,side,3)) | \
  layer_conv_2d(filters = 32, kernel_size = (3,3), activation = 'relu') | \
  layer_max_pooling_2d(pool_size = (2,2)) | \
  layer_dropout(rate = 0.25) | \
  layer_conv_2d(filters = 64, kernel_size = (3,3), activation = 'relu') | \
  layer_conv_2d(filters = 64, kernel_size = (3,3), activation = 'relu') | \
  layer_max_pooling_2d(pool_size = (2,2)) | \
  layer_dropout(rate = 0.25) | \
  layer_flatten() | \
  layer_dense(units = 256, activation = 'relu') | \
  layer_dropout(rate = 0.25) | \
  layer_dense(units = 10, activation = 'softmax') | \
  compile(
    loss = 'categorical_crossentropy',
    optimizer = optimizer_sgd(lr = 0.01, decay = 1e-6, momentum = 0.9, nesterov = True)
  )

summary(model)

# train
model | fit(x_train, y_train, batch_size = 32, epochs = epochs)

# evaluate
score = model | evaluate(x_test, y_test, batch_size = 32)
print(score)
