"""Seed 001 (Keras 1 guide): the two ways to build a Sequential model.

Only the imports differ from the Keras code: ``keras.`` became ``compat.``.
"""
from compat.models import Sequential
from compat.layers import Dense, Activation

# --- seed code: pass a list of layer instances to the constructor
model = Sequential([
    Dense(32, input_dim=784),
    Activation('relu'),
    Dense(10),
    Activation('softmax'),
])

# --- seed code: or add layers with .add()
model2 = Sequential()
model2.add(Dense(32, input_dim=784))
model2.add(Activation('relu'))

# --- show what was built
model.summary()
model2.summary()
print("constructor form:", model.output_shape, "params:", model.count_params())
print(".add() form:     ", model2.output_shape, "params:", model2.count_params())
assert model.count_params() == 784 * 32 + 32 + 32 * 10 + 10
assert model2.output_shape == (None, 32)
