"""Seed 001: sequence classification with Embedding + LSTM, Keras 1 spellings.

``LSTM(output_dim=128, activation='sigmoid', inner_activation='hard_sigmoid')``
is translated to ``LSTM(units=128, recurrent_activation=...)``; Keras 1's
``'hard_sigmoid'`` (slope 0.2) keeps its Keras 1 meaning. The seed leaves
``max_features``, ``maxlen`` and the data to the reader: small dummy values here.
"""
import os

import numpy as np

from compat.models import Sequential
from compat.layers import Dense, Dropout, Activation
from compat.layers import Embedding
from compat.layers import LSTM

small = bool(os.environ.get("PIPESEQ_EXAMPLE_SMALL"))
max_features, maxlen = 100, (10 if small else 40)
n = 64 if small else 512
X_train = np.random.randint(1, max_features, size=(n, maxlen))
Y_train = np.random.randint(2, size=(n, 1))
X_test, Y_test = X_train[: n // 4], Y_train[: n // 4]

# --- seed code
model = Sequential()
model.add(Embedding(max_features, 256, input_length=maxlen))
model.add(LSTM(output_dim=128, activation='sigmoid', inner_activation='hard_sigmoid'))
model.add(Dropout(0.5))
model.add(Dense(1))
model.add(Activation('sigmoid'))

model.compile(loss='binary_crossentropy',
              optimizer='rmsprop',
              metrics=['accuracy'])

model.fit(X_train, Y_train, batch_size=16, nb_epoch=1 if small else 10)
score = model.evaluate(X_test, Y_test, batch_size=16)

# --- check
print("score [loss, accuracy]:", score)
assert model.layers[1].get_config()["recurrent_activation"] == "legacy_hard_sigmoid"
