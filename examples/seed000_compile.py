"""Seed 000 (R keras guide): the compile() variants.

String identifiers, optimizer/loss/metric functions (``loss_binary_crossentropy``
passed uncalled, as in R), and a custom metric written with ``k_mean``.
"""
from pipeseq import *

# For a multi-class classification problem
model = keras_model_sequential()
model | \
  layer_dense(units = 32, input_shape = (784)) | \
  layer_activation('relu') | \
  layer_dense(units = 10) | \
  layer_activation('softmax')

model | compile(
  optimizer = 'rmsprop',
  loss = 'categorical_crossentropy',
  metrics = ['accuracy']
)

# For a mean squared error regression problem
model | compile(
  optimizer = optimizer_rmsprop(lr = 0.002),
  loss = 'mse'
)
assert abs(model.optimizer.learning_rate - 0.002) < 1e-12

# For a binary classification problem
model | compile(
  optimizer = optimizer_rmsprop(),
  loss = loss_binary_crossentropy,
  metrics = metric_binary_accuracy
)

# create metric using backend tensor functions
def metric_mean_pred(y_true, y_pred):
  return k_mean(y_pred)

model | compile(
  optimizer = optimizer_rmsprop(),
  loss = loss_binary_crossentropy,
  metrics = ['accuracy',
             {'mean_pred': metric_mean_pred}]
)

# The custom metric is reported under its name.
import numpy as np
x = np.random.default_rng(0).uniform(size=(16, 784))
y = np.zeros((16, 10)); y[:, 3] = 1
print(evaluate(model, x, y, verbose = 0))
assert evaluate(model, x, y, verbose = 0).names() == ["loss", "accuracy", "mean_pred"]
