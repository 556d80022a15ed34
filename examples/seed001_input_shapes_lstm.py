"""Seed 001: three equivalent ways to give an LSTM first layer its input shape.

``input_shape=(10, 64)``, ``batch_input_shape=(None, 10, 64)`` and Keras 1's
``input_length=10, input_dim=64`` build the same model (the last form is
translated, with a one-time DeprecationWarning). Only the imports differ.
"""
from compat.models import Sequential
from compat.layers import LSTM

models = []

# --- seed code (three snippets)
model = Sequential()
model.add(LSTM(32, input_shape=(10, 64)))
models.append(model)

model = Sequential()
model.add(LSTM(32, batch_input_shape=(None, 10, 64)))
models.append(model)

model = Sequential()
model.add(LSTM(32, input_length=10, input_dim=64))
models.append(model)

# --- check that they are the same
for m in models:
    print(m.input_shape, "->", m.output_shape, [w.shape for w in m.weights])
assert len({(m.input_shape, m.output_shape) for m in models}) == 1
assert all([w.shape for w in m.weights] == [(64, 128), (32, 128), (128,)] for m in models)
