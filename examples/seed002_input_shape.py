"""Seed 002 (R keras3 guide): specifying the input shape in advance.

Layers and models create their weights on first call; ``model.weights`` and
``summary(model)`` fail with a clear error before that. A model given
``input_shape`` is built as layers are added.
"""
from pipeseq import *

layer = layer_dense(units = 3)
print(layer.weights)  # Empty
assert layer.weights == []

# Call layer on a test input
x = op_ones((1, 4))
y = layer(x)
print(layer.weights)  # Now it has weights, of shape (4, 3) and (3,)
assert [w.shape for w in layer.weights] == [(4, 3), (3,)]

model = keras_model_sequential() | \
  layer_dense(units = 2, activation = "relu") | \
  layer_dense(units = 3, activation = "relu") | \
  layer_dense(units = 4)
# No weights at this stage!

# At this point, you can't do this:
try:
    model.weights
except ValueError as e:
    print("model.weights:", e)
else:
    raise AssertionError("model.weights should fail before the model is built")

# You also can't do this:
# summary(model)

# Call the model on a test input
x = op_ones((1, 4))
y = model(x)
print(len(model.weights))  # 6
assert len(model.weights) == 6

summary(model)

model = keras_model_sequential(input_shape = 4) | \
  layer_dense(units = 2, activation = "relu")
summary(model)
print(model.layers)
assert model.layers[0].built and count_params(model) == 10
assert model.output_shape == (None, 2)
