"""Recurrent layers: ``SimpleRNN``, ``LSTM``, ``GRU`` (Keras 3 cells, Keras weight layouts).

Input ``(batch, timesteps, features)``; output ``(batch, units)`` or, with
``return_sequences=True``, ``(batch, timesteps, units)``; with ``return_state=True``
the layer returns a list ``[output, *final_states]``.

Weights (names and shapes as Keras): ``kernel (features, k*units)``,
``recurrent_kernel (units, k*units)``, ``bias (k*units,)`` -- ``k`` = 1 (SimpleRNN),
4 (LSTM, gates i, f, c, o), 3 (GRU, gates z, r, h; ``bias (2, 3*units)`` when
``reset_after=True``).

Masks (from ``Embedding(mask_zero=True)`` or ``Masking``): a masked step keeps the
previous state and outputs the previous output (zeros before the first unmasked
step), as Keras 3 does. ``go_backwards=True`` processes the sequence from the end and
returns the output sequence in processing order (as Keras).

Example
-------
>>> import numpy as np
>>> x = np.random.random((32, 10, 8)).astype("float32")
>>> LSTM(4)(x).shape
(32, 4)
>>> GRU(4, return_sequences=True)(x).shape
(32, 10, 4)
"""
from .base import register
from .rnn_base import _RNN
from .rnn_math import GRUMath, LSTMMath, SimpleRNNMath


@register
class SimpleRNN(SimpleRNNMath, _RNN):
    """Fully connected RNN: ``h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)``.

    Weights: ``kernel (features, units)``, ``recurrent_kernel (units, units)``, ``bias (units,)``.

    Example
    -------
    >>> import numpy as np
    >>> SimpleRNN(4, return_sequences=True)(np.zeros((2, 5, 3), "float32")).shape
    (2, 5, 4)
    """

    def __init__(self, units, activation="tanh", use_bias=True, **kwargs):
        kwargs.pop("recurrent_activation", None)
        super().__init__(units, activation=activation, use_bias=use_bias, **kwargs)


@register
class LSTM(LSTMMath, _RNN):
    """Long Short-Term Memory layer (Hochreiter 1997), Keras 3 cell.

    Gates ``i, f, c, o`` in that order along the last axis of ``kernel (features, 4*units)``,
    ``recurrent_kernel (units, 4*units)`` and ``bias (4*units,)``. ``unit_forget_bias=True``
    initialises the forget-gate bias to ones. States: ``[h, c]``.

    Example
    -------
    >>> import numpy as np
    >>> out, h, c = LSTM(3, return_state=True)(np.zeros((2, 5, 4), "float32"))
    >>> out.shape, c.shape
    ((2, 3), (2, 3))
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid",
                 unit_forget_bias=True, **kwargs):
        super().__init__(units, activation=activation, recurrent_activation=recurrent_activation,
                         **kwargs)
        self.unit_forget_bias = bool(unit_forget_bias)


@register
class GRU(GRUMath, _RNN):
    """Gated Recurrent Unit (Cho et al. 2014), Keras 3 cell.

    Gates ``z, r, h``: ``kernel (features, 3*units)``, ``recurrent_kernel (units, 3*units)``;
    ``reset_after=True`` (default, Keras 3 / CuDNN-compatible) applies the reset gate after
    the recurrent product and has ``bias (2, 3*units)`` (input bias, recurrent bias);
    ``reset_after=False`` (standalone Keras 2's default) has ``bias (3*units,)``.

    Example
    -------
    >>> import numpy as np
    >>> layer = GRU(2)
    >>> _ = layer(np.zeros((1, 3, 5), "float32"))
    >>> [w.shape for w in layer.weights]
    [(5, 6), (2, 6), (2, 6)]
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", reset_after=True,
                 **kwargs):
        super().__init__(units, activation=activation, recurrent_activation=recurrent_activation,
                         **kwargs)
        self.reset_after = bool(reset_after)
