"""Seed 004 (tf.keras course notes): the convolution cells with their printed shapes.

Conv1D (``(4, 10, 128) -> (4, 8, 32)``), Conv2D, Conv2DTranspose
(``(32, 2, 2, 1) -> (32, 5, 5, 12)``) and MaxPooling2D. Only the imports
differ from the notebook.
"""
import numpy as np

from compat.layers import (
    Conv1D,
    Conv2D,
    Conv2DTranspose,
    MaxPooling2D,
)

# The inputs are 128-length vectors with 10 timesteps, and the batch size is 4
inputs = np.random.random([4, 10, 128]).astype(np.float32)

# filters: number of output filters in the convolution
# kernel_size: length of the 1D convolution window
# activation: activation function
# padding: padding of the input such that output has the same height/width dimension
#   "valid": no padding, "same": padding enabled
conv1d_layer = Conv1D(filters=32, kernel_size=3, activation="relu", padding="valid")
output = conv1d_layer(inputs)
# Input data has 10 timesteps. The 1D convolution with kernels of size 3 gives 8 new time steps
print(output.shape)  # (4, 8, 32)
assert output.shape == (4, 8, 32)

conv2d_layer = Conv2D(
    filters=64, kernel_size=(3, 3), activation="relu", padding="valid"
)

# Create a 4D tensor
input = np.random.rand(32, 2, 2, 1).astype(np.float32)

conv2dt_layer = Conv2DTranspose(
    filters=12, kernel_size=(3, 3), strides=2, padding="valid"
)
output = conv2dt_layer(input)
#
print(f"Output: {output.shape}")
assert output.shape == (32, 5, 5, 12)

maxpool2d_layer = MaxPooling2D(pool_size=(2, 2), padding="valid")

# --- checks (not in the notebook): the two layers the notebook only creates
images = np.random.rand(2, 8, 8, 3).astype(np.float32)
print("Conv2D:", conv2d_layer(images).shape, "MaxPooling2D:", maxpool2d_layer(images).shape)
assert conv2d_layer(images).shape == (2, 6, 6, 64)
assert maxpool2d_layer(images).shape == (2, 4, 4, 3)
