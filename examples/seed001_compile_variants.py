"""Seed 001: the three compile() calls (multi-class, binary, regression).

The seed shows the calls on their own; here each compiles a small model so the
script runs, then one training step checks that the configuration works.
Only the imports differ from the Keras code.
"""
import numpy as np

from compat.models import Sequential
from compat.layers import Dense

x = np.random.random((64, 20))

# for a multi-class classification problem
model = Sequential([Dense(10, input_dim=20, activation='softmax')])
model.compile(optimizer='rmsprop',
              loss='categorical_crossentropy',
              metrics=['accuracy'])
y = np.eye(10)[np.random.randint(10, size=64)]
print("multi-class:", model.train_on_batch(x, y))

# for a binary classification problem
model = Sequential([Dense(1, input_dim=20, activation='sigmoid')])
model.compile(optimizer='rmsprop',
              loss='binary_crossentropy',
              metrics=['accuracy'])
print("binary:     ", model.train_on_batch(x, np.random.randint(2, size=(64, 1))))

# for a mean squared error regression problem
model = Sequential([Dense(1, input_dim=20)])
model.compile(optimizer='rmsprop',
              loss='mse')
print("regression: ", model.train_on_batch(x, np.random.random((64, 1))))
