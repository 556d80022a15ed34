"""Layer classes. Each family lives in its own module; all register their Keras class name."""
from .base import Layer, Variable, InputLayer, register, get_layer_class  # noqa: F401
from .core import Dense, Activation, Dropout, Flatten, Reshape  # noqa: F401
from .activation import ReLU, LeakyReLU, PReLU, ELU, Softmax  # noqa: F401
from .normalization import BatchNormalization  # noqa: F401
from .core import RepeatVector, Permute  # noqa: F401
from .recurrent import SimpleRNN, LSTM, GRU  # noqa: F401
from .embedding import Embedding, Masking  # noqa: F401
from .wrappers import TimeDistributed, Bidirectional  # noqa: F401
