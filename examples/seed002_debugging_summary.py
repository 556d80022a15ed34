"""Seed 002 (R keras3 guide): a debugging workflow -- add layers, print summary().

Only shapes and weights are created (no data), so this runs quickly even at
250x250x3.
"""
from pipeseq import *

model = keras_model_sequential(input_shape = (250, 250, 3)) | \
  layer_conv_2d(filters = 32, kernel_size = 5, strides = 2, activation = "relu") | \
  layer_conv_2d(filters = 32, kernel_size = 3, activation = "relu") | \
  layer_max_pooling_2d(pool_size = (3, 3))

# Can you guess what the current output shape is at this point? Probably not.
# Let's just print it:
summary(model)
assert model.output_shape == (None, 40, 40, 32)
assert count_params(model) == 11680

# The answer was: (40, 40, 32), so we can keep downsampling...

model | \
  layer_conv_2d(filters = 32, kernel_size = 3, activation = "relu") | \
  layer_conv_2d(filters = 32, kernel_size = 3, activation = "relu") | \
  layer_max_pooling_2d(pool_size = 3) | \
  layer_conv_2d(filters = 32, kernel_size = 3, activation = "relu") | \
  layer_conv_2d(filters = 32, kernel_size = 3, activation = "relu") | \
  layer_max_pooling_2d(pool_size = 2)

# And now?
summary(model)
assert model.output_shape == (None, 4, 4, 32)
assert count_params(model) == 48672

# Now that we have 4x4 feature maps, time to apply global max pooling.
model | \
  layer_global_max_pooling_2d()

# Finally, we add a classification layer.
model | \
  layer_dense(units = 10, activation = "softmax")

assert model.output_shape == (None, 10)
print(model)
