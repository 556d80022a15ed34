"""Seed 004 (tf.keras course notes): the core-layer cells with their printed shapes.

Dense, Flatten (``(32, 3, 3, 64) -> (32, 576)``), Reshape (back to
``(32, 3, 3, 64)``), Dropout, BatchNormalization in training mode (mean ~0,
std ~1) and the summary of a BatchNormalization-only model: 12 params, 6 of
them trainable. Only the imports differ from the notebook.
"""
import numpy as np

from compat.models import Sequential
from compat.layers import (
    Dense,
    Flatten,
    Reshape,
    Dropout,
    BatchNormalization,
)

# units: number of neurons in the layer
# activation: activation function
dense_layer = Dense(units=3, activation='relu')

# Create a 4D tensor
input = np.random.rand(32, 3, 3, 64).astype(np.float32)

# Flatten it into a 2D tensor
flatten_layer = Flatten()
output = flatten_layer(input)
# 576 = 3*3*64
print(f"Output: {output.shape}")
assert output.shape == (32, 576)

# Create a 2D tensor
input = np.random.rand(32, 3 * 3 * 64).astype(np.float32)

# Reshape it into a 4D tensor
reshape_layer = Reshape(target_shape=(3, 3, 64))
output = reshape_layer(input)
print(f"Output: {output.shape}")
assert output.shape == (32, 3, 3, 64)

# rate: percentage of input units randomly set to 0 during training
dropout_layer = Dropout(rate=.2)

# Generate random data
input = np.random.rand(5, 3).astype(np.float32)
print(f'Mean: {np.mean(input)}. Std: {np.std(input)}')

# Apply batch normalization
bn_layer = BatchNormalization()
output = bn_layer(input, training=True)
print(f'Mean: {np.mean(output)}. Std: {np.std(output)}')
assert abs(np.mean(output)) < 1e-5 and 0.9 < np.std(output) < 1.0

# Create a model with only a BN layer
model = Sequential([BatchNormalization(input_shape=(3,))])
# Each BN layer has 4 parameters per input
# output scale and offset are learned through backprop, and thus trainable
# mean and std deviation are estimated by a moving average during training
model.summary()

# --- checks (not in the notebook)
print("dense layer units:", dense_layer.units, "dropout rate:", dropout_layer.rate)
assert model.count_params() == 12
assert sum(w.value.size for w in model.trainable_weights) == 6
assert sum(w.value.size for w in model.non_trainable_weights) == 6
