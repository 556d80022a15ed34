"""Seed 001: the VGG-like convnet, Keras 1 style, on channels-first ``(3, 100, 100)`` images.

Keras 1 read the image layout from ``~/.keras/keras.json`` (``"image_dim_ordering":
"th"``); here ``K.set_image_dim_ordering('th')`` sets it. ``Convolution2D(32, 3, 3,
border_mode='valid')``, ``SGD(lr=...)`` and ``fit(nb_epoch=1)`` run as written.
The seed leaves ``X_train``/``Y_train`` to the reader: dummy data stands in.
``PIPESEQ_EXAMPLE_SMALL`` shrinks the images to 20x20 and the data set to 32 samples.
"""
import os

import numpy as np

from compat import backend as K
from compat.models import Sequential
from compat.layers import Dense, Dropout, Activation, Flatten
from compat.layers import Convolution2D, MaxPooling2D
from compat.optimizers import SGD

K.set_image_dim_ordering('th')      # Keras 1's keras.json setting for this code
small = bool(os.environ.get("PIPESEQ_EXAMPLE_SMALL"))
size, n = (20, 32) if small else (100, 256)
X_train = np.random.random((n, 3, size, size)).astype("float32")
Y_train = np.eye(10)[np.random.randint(10, size=n)]

# --- seed code (with 100 -> size)
model = Sequential()
# input: 100x100 images with 3 channels -> (3, 100, 100) tensors.
# this applies 32 convolution filters of size 3x3 each.
model.add(Convolution2D(32, 3, 3, border_mode='valid', input_shape=(3, size, size)))
model.add(Activation('relu'))
model.add(Convolution2D(32, 3, 3))
model.add(Activation('relu'))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Dropout(0.25))

model.add(Convolution2D(64, 3, 3, border_mode='valid'))
model.add(Activation('relu'))
model.add(Convolution2D(64, 3, 3))
model.add(Activation('relu'))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Dropout(0.25))

model.add(Flatten())
# Note: Keras does automatic shape inference.
model.add(Dense(256))
model.add(Activation('relu'))
model.add(Dropout(0.5))

model.add(Dense(10))
model.add(Activation('softmax'))

sgd = SGD(lr=0.1, decay=1e-6, momentum=0.9, nesterov=True)
model.compile(loss='categorical_crossentropy', optimizer=sgd)

model.fit(X_train, Y_train, batch_size=32, nb_epoch=1)

# --- check
model.summary()
flat = ((size - 4) // 2 - 4) // 2
assert model.layers[0].output_shape == (None, 32, size - 2, size - 2)
assert model.get_layer(index=12).output_shape == (None, 64 * flat * flat)
