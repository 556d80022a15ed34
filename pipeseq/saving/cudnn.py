"""Keras 2's ``CuDNNLSTM`` / ``CuDNNGRU`` weights read into ``LSTM`` / ``GRU``, converted as
tf.keras converts them when it loads a legacy ``.h5`` (``hdf5_format._convert_rnn_weights``).

CuDNN stores each gate's input kernel in Fortran order, each gate's recurrent kernel
transposed, and two biases (input and recurrent): ``(8 * units,)`` for an LSTM (summed
into one), ``(6 * units,)`` for a GRU (``reset_after=True``'s ``(2, 3 * units)``). A file's
arrays are recognised by their shapes; ``Bidirectional`` converts each half.

Example
-------
>>> import numpy as np
>>> from pipeseq.layers import LSTM
>>> lstm = LSTM(2)
>>> _ = lstm(np.zeros((1, 3, 5), "float32"))
>>> file_shapes(lstm)
[(5, 8), (2, 8), (16,)]
>>> [a.shape for a in from_cudnn(lstm, [np.ones((5, 8)), np.ones((2, 8)), np.ones(16)])]
[(5, 8), (2, 8), (8,)]
"""
import numpy as np

_GATES = {"LSTM": 4, "GRU": 3}


def _rnn_shapes(layer):
    cls = type(layer).__name__
    if cls not in _GATES or not getattr(layer, "use_bias", False) or not layer.built:
        return None
    if cls == "GRU" and not layer.reset_after:
        return None          # tf.keras: CuDNNGRU is not compatible with GRU(reset_after=False)
    kernel, recurrent = layer.weights[0].shape, layer.weights[1].shape
    return [tuple(kernel), tuple(recurrent), (2 * _GATES[cls] * layer.units,)]


def file_shapes(layer):
    """The shapes a CuDNN layer's file holds for ``layer``'s weights (Keras 2 order), or None."""
    if type(layer).__name__ == "Bidirectional":
        halves = [_rnn_shapes(layer.forward_layer), _rnn_shapes(layer.backward_layer)]
        return None if None in halves else halves[0] + halves[1]
    return _rnn_shapes(layer)


def _transform(kernels, func, n_gates):
    return np.hstack([func(k) for k in np.hsplit(kernels, n_gates)])


def _convert(cls, arrays):
    n = _GATES[cls]
    kernel = _transform(arrays[0], lambda k: k.T.reshape(k.shape, order="F"), n)
    recurrent = _transform(arrays[1], lambda k: k.T, n)
    if cls == "LSTM":
        bias = np.sum(np.split(arrays[2], 2, axis=0), axis=0)
    else:
        bias = np.asarray(arrays[2]).reshape((2, -1))
    return [kernel, recurrent, bias]


def from_cudnn(layer, arrays):
    """``layer``'s weights (Keras 2 order) from a CuDNN layer's arrays."""
    if type(layer).__name__ == "Bidirectional":
        return _convert(type(layer.forward_layer).__name__, arrays[:3]) + \
            _convert(type(layer.backward_layer).__name__, arrays[3:])
    return _convert(type(layer).__name__, arrays)
