"""Seed 004 (tf.keras course notes): SimpleRNN, LSTM and GRU cells with their shapes.

``return_sequences=False`` gives ``(32, 4)``, ``True`` gives ``(32, 10, 4)``.
Only the imports differ from the notebook.
"""
import numpy as np

from compat.layers import (
    SimpleRNN,
    LSTM,
    GRU,
)

# Generate random data
inputs = np.random.random([32, 10, 8]).astype(np.float32)

# units: number of cells inside the layer
simplernn_layer = SimpleRNN(units=4)
output = simplernn_layer(inputs)
print(output.shape)  # (32, 4)
assert output.shape == (32, 4)

# return_sequences: whether to return the last output in the output sequence, or the full sequence.
simplernn_layer = SimpleRNN(units=4, return_sequences=True)
output = simplernn_layer(inputs)
print(output.shape)  # (32, 10, 4)
assert output.shape == (32, 10, 4)

# Generate random data
inputs = np.random.random([32, 10, 8]).astype(np.float32)

# units: number of cells inside the layer
lstm_layer = LSTM(units=4)
output = lstm_layer(inputs)
print(output.shape)  # (32, 4)
assert output.shape == (32, 4)

# return_sequences: whether to return the last output in the output sequence, or the full sequence.
lstm_layer = LSTM(units=4, return_sequences=True)
output = lstm_layer(inputs)
print(output.shape)  # (32, 10, 4)
assert output.shape == (32, 10, 4)

# Generate random data
inputs = np.random.random([32, 10, 8]).astype(np.float32)

# units: number of cells inside the layer
gru_layer = GRU(units=4)
output = gru_layer(inputs)
print(output.shape)  # (32, 4)
assert output.shape == (32, 4)

# return_sequences: whether to return the last output in the output sequence, or the full sequence.
gru_layer = GRU(units=4, return_sequences=True)
output = gru_layer(inputs)
print(output.shape)  # (32, 10, 4)
assert output.shape == (32, 10, 4)
