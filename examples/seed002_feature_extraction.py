"""Seed 002: feature extraction with a Sequential model (R keras3 vignette, pipe DSL).

Once a Sequential model knows its input shape it behaves like a functional model:
every layer has an ``input`` and an ``output`` (symbolic tensors), so
``keras_model(inputs=..., outputs=...)`` can expose intermediate layers. R's
``initial_model$inputs`` is ``initial_model.inputs``; ``lapply(initial_model$layers,
function(x) x$output)`` is a list comprehension.
"""
import numpy as np

from pipeseq import (get_layer, keras_model, keras_model_sequential, layer_conv_2d, op_ones)

# --- seed code: the outputs of all intermediate layers
initial_model = keras_model_sequential(input_shape=(250, 250, 3)) | \
    layer_conv_2d(filters=32, kernel_size=5, strides=2, activation="relu") | \
    layer_conv_2d(filters=32, kernel_size=3, activation="relu") | \
    layer_conv_2d(filters=32, kernel_size=3, activation="relu")

feature_extractor = keras_model(
    inputs=initial_model.inputs,
    outputs=[x.output for x in initial_model.layers],
)

# Call feature extractor on test input.
x = op_ones((1, 250, 250, 3))
features = feature_extractor(x)

print([tuple(f.shape) for f in features])
assert [tuple(f.shape) for f in features] == [(1, 123, 123, 32), (1, 121, 121, 32), (1, 119, 119, 32)]
# the extractor shares the initial model's layers (and weights)
np.testing.assert_allclose(features[-1], initial_model(x), rtol=1e-5, atol=1e-6)

# --- seed code: the output of one layer, by name
initial_model = keras_model_sequential(input_shape=(250, 250, 3)) | \
    layer_conv_2d(filters=32, kernel_size=5, strides=2, activation="relu") | \
    layer_conv_2d(filters=32, kernel_size=3, activation="relu", name="my_intermediate_layer") | \
    layer_conv_2d(filters=32, kernel_size=3, activation="relu")

feature_extractor = keras_model(
    inputs=initial_model.inputs,
    outputs=get_layer(initial_model, "my_intermediate_layer").output,
)

# Call feature extractor on test input.
x = op_ones((1, 250, 250, 3))
features = feature_extractor(x)

print(tuple(features.shape))
assert tuple(features.shape) == (1, 121, 121, 32)
feature_extractor.summary()
