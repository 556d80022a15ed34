"""Seed 002 (R keras3 guide): creating a Sequential model, incrementally, pop_layer, names."""
from pipeseq import *

# Piping layers into keras_model_sequential()
model = keras_model_sequential() | \
  layer_dense(units = 2, activation = "relu") | \
  layer_dense(units = 3, activation = "relu") | \
  layer_dense(units = 4)

# or passing a list of layers
model = keras_model_sequential(layers = [
  layer_dense(units = 2, activation = "relu"),
  layer_dense(units = 3, activation = "relu"),
  layer_dense(units = 4)
])

# Its layers are accessible via the layers attribute
print(model.layers)
assert [l.name for l in model.layers] == ["dense_3", "dense_4", "dense_5"]
assert not any(l.built for l in model.layers)

# Creating a Sequential model incrementally (|> modifies the model in place)
model = keras_model_sequential()
model | layer_dense(units = 2, activation="relu")
model | layer_dense(units = 3, activation="relu")
model | layer_dense(units = 4)

# pop_layer() removes the last layer
model | pop_layer()
print(len(model.layers))  # 2
assert len(model.layers) == 2

# The Sequential constructor accepts a name
model = keras_model_sequential(name = "my_sequential")
model | layer_dense(units = 2, activation="relu", name = "layer1")
model | layer_dense(units = 3, activation="relu", name = "layer2")
model | layer_dense(units = 4, name = "layer3")
assert model.name == "my_sequential"
assert [l.name for l in model.layers] == ["layer1", "layer2", "layer3"]
