"""Seed 000 (R keras guide): defining a Sequential model and printing its summary.

R:  model <- keras_model_sequential()
    model %>% layer_dense(units = 32, input_shape = c(784)) %>% ...
    summary(model)

Keras objects are modified in place, so ``model`` is not reassigned after the
layers are piped into it.
"""
from pipeseq import *

model = keras_model_sequential()
model | \
  layer_dense(units = 32, input_shape = (784)) | \
  layer_activation('relu') | \
  layer_dense(units = 10) | \
  layer_activation('softmax')

summary(model)
assert len(model.layers) == 4 and count_params(model) == 784 * 32 + 32 + 32 * 10 + 10

# The summary the guide prints is of a deeper MLP (256 -> 128 -> 10 with dropout):
shown = keras_model_sequential()
shown | \
  layer_dense(units = 256, input_shape = (784)) | \
  layer_dropout(rate = 0.4) | \
  layer_dense(units = 128) | \
  layer_dropout(rate = 0.3) | \
  layer_dense(units = 10)
summary(shown)
assert count_params(shown) == 235146       # "Total params: 235,146" in the guide

# Input shapes: a fixed batch size plus input_shape gives the full batch shape.
fixed = keras_model_sequential() | layer_dense(units = 4, batch_size = 32, input_shape = (6, 8))
print("batch input shape:", fixed.input_shape)
assert fixed.input_shape == (32, 6, 8)
