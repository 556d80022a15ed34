"""Seed 002 (R keras3 guide): a Sequential model is a chain of one-input, one-output layers.

The model and the three layers called one after the other compute the same thing.
"""
import numpy as np

from pipeseq import *

model = keras_model_sequential() | \
  layer_dense(units = 2, activation = "relu", name = "layer1") | \
  layer_dense(units = 3, activation = "relu", name = "layer2") | \
  layer_dense(units = 4, name = "layer3")

# Call model on a test input
x = op_ones((3, 3))
y = model(x)

# is equivalent to this function:

# Create 3 layers
layer1 = layer_dense(units = 2, activation="relu", name="layer1")
layer2 = layer_dense(units = 3, activation="relu", name="layer2")
layer3 = layer_dense(units = 4, name="layer3")

# Call layers on a test input
x = op_ones((3, 3))
y2 = x | layer1 | layer2 | layer3

print(y.shape, y2.shape)
assert y.shape == y2.shape == (3, 4)

# Same weights -> same outputs
for src, dst in zip(model.layers, (layer1, layer2, layer3)):
    dst.set_weights(src.get_weights())
np.testing.assert_allclose(model(x), x | layer1 | layer2 | layer3, rtol=1e-6)
