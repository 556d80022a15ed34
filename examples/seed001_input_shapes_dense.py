"""Seed 001: three equivalent ways to give a Dense first layer its input shape.

``input_shape=(784,)``, ``batch_input_shape=(None, 784)`` and ``input_dim=784``
build the same model. Only the imports differ from the Keras code.
"""
from compat.models import Sequential
from compat.layers import Dense

models = []

# --- seed code (three snippets)
model = Sequential()
model.add(Dense(32, input_shape=(784,)))
models.append(model)

model = Sequential()
model.add(Dense(32, batch_input_shape=(None, 784)))
# note that batch dimension is "None" here,
# so the model will be able to process batches of any size.
models.append(model)

model = Sequential()
model.add(Dense(32, input_dim=784))
models.append(model)

# --- check that they are the same
for m in models:
    print(m.input_shape, "->", m.output_shape, [w.shape for w in m.weights])
assert len({(m.input_shape, m.output_shape) for m in models}) == 1
assert all([w.shape for w in m.weights] == [(784, 32), (32,)] for m in models)
