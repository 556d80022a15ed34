"""Seed 001: learning image captions with a convnet and a GRU, merged by a Keras 1 ``Merge``.

The image model encodes pictures into 128-d vectors repeated over the caption
length (``RepeatVector``); the language model embeds words and runs a GRU with
``return_sequences`` and a ``TimeDistributedDense``. Both sequences are
concatenated (``Merge(mode='concat', concat_axis=-1)``), encoded by a second GRU
and classified into the next word.

The seed's images are channels-first ``(3, 100, 100)`` (Keras 1 with Theano
ordering), so the script sets ``image_dim_ordering('th')``. The seed loads
pre-trained weights from ``weight_file.h5``; here that file is written first from
the freshly built image model. Sizes are the seed's; only the number of dummy
samples is small. Only the imports differ from the Keras 1 code.
"""
import os
import tempfile

import numpy as np

from compat import backend as K
from compat.layers import (Activation, Convolution2D, Dense, Embedding, Flatten, GRU,
                           MaxPooling2D, Merge, RepeatVector, TimeDistributedDense)
from compat.models import Sequential

K.set_image_dim_ordering("th")
small = bool(os.environ.get("PIPESEQ_EXAMPLE_SMALL"))
nb_samples = 4 if small else 32
workdir = tempfile.mkdtemp()
weight_file = os.path.join(workdir, "weight_file.h5")

# --- seed code
max_caption_len = 16
vocab_size = 10000

# first, let's define an image model that
# will encode pictures into 128-dimensional vectors.
# it should be initialized with pre-trained weights.
image_model = Sequential()
image_model.add(Convolution2D(32, 3, 3, border_mode='valid', input_shape=(3, 100, 100)))
image_model.add(Activation('relu'))
image_model.add(Convolution2D(32, 3, 3))
image_model.add(Activation('relu'))
image_model.add(MaxPooling2D(pool_size=(2, 2)))

image_model.add(Convolution2D(64, 3, 3, border_mode='valid'))
image_model.add(Activation('relu'))
image_model.add(Convolution2D(64, 3, 3))
image_model.add(Activation('relu'))
image_model.add(MaxPooling2D(pool_size=(2, 2)))

image_model.add(Flatten())
image_model.add(Dense(128))

image_model.save_weights(weight_file)          # (stands in for the pre-trained file)
# let's load the weights from a save file.
image_model.load_weights(weight_file)

# next, let's define a RNN model that encodes sequences of words
# into sequences of 128-dimensional word vectors.
language_model = Sequential()
language_model.add(Embedding(vocab_size, 256, input_length=max_caption_len))
language_model.add(GRU(output_dim=128, return_sequences=True))
language_model.add(TimeDistributedDense(128))

# let's repeat the image vector to turn it into a sequence.
image_model.add(RepeatVector(max_caption_len))

# the output of both models will be tensors of shape (samples, max_caption_len, 128).
# let's concatenate these 2 vector sequences.
model = Sequential()
model.add(Merge([image_model, language_model], mode='concat', concat_axis=-1))
# let's encode this vector sequence into a single vector
model.add(GRU(256, return_sequences=False))
# which will be used to compute a probability
# distribution over what the next word in the caption should be!
model.add(Dense(vocab_size))
model.add(Activation('softmax'))

model.compile(loss='categorical_crossentropy', optimizer='rmsprop')

# --- dummy data
images = np.random.random((nb_samples, 3, 100, 100)).astype("float32")
partial_captions = np.random.randint(vocab_size, size=(nb_samples, max_caption_len))
next_words = np.eye(vocab_size, dtype="float32")[np.random.randint(vocab_size, size=nb_samples)]

# --- seed code
model.fit([images, partial_captions], next_words, batch_size=16, nb_epoch=1 if small else 2,
          verbose=0)

# --- check it
model.summary()
probs = model.predict([images[:2], partial_captions[:2]], verbose=0)
assert probs.shape == (2, vocab_size) and np.allclose(probs.sum(axis=1), 1, atol=1e-4)
print("next-word distribution shape:", probs.shape)
K.set_image_dim_ordering("tf")
