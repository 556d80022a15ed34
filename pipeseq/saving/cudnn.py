"""CuDNNLSTM / CuDNNGRU weights (tf.keras 1.x/2.x) read into LSTM / GRU, as tf_keras does.

A legacy ``.h5`` file written by ``CuDNNLSTM`` holds ``kernel (in, 4u)`` and
``recurrent_kernel (u, 4u)`` in cuDNN's layout (each gate's input kernel in Fortran order,
each gate's recurrent kernel transposed) and a bias of ``8u`` values (input and recurrent
biases); ``CuDNNGRU`` the same with 3 gates and a bias of ``6u``. tf_keras
(``saving/legacy/hdf5_format.py``, ``_convert_rnn_weights``) recognises them by the bias
shape and converts: kernels per gate, LSTM biases summed, GRU biases reshaped to
``(2, 3u)`` (so the GRU must have ``reset_after=True``, the cuDNN formula).

Example
-------
>>> import numpy as np
>>> w = [np.zeros((3, 8)), np.zeros((2, 8)), np.ones(16)]
>>> [a.shape for a in from_cudnn("LSTM", w)]
[(3, 8), (2, 8), (8,)]
>>> float(from_cudnn("LSTM", w)[2][0])
2.0
"""
import numpy as np

_GATES = {"LSTM": 4, "GRU": 3}


def cudnn_shapes(layer):
    """The shapes a cuDNN file holds for ``layer``, or None when it cannot hold cuDNN weights."""
    cls = type(layer).__name__
    if cls not in _GATES or not layer.built or not getattr(layer, "use_bias", False):
        return None
    if cls == "GRU" and not layer.reset_after:
        return None
    u, n = layer.units, _GATES[cls]
    return [layer.kernel.shape, layer.recurrent_kernel.shape, (2 * n * u,)]


def is_cudnn(layer, file_shapes):
    """True when the file's weights of ``layer`` are in cuDNN's layout (judged by the bias)."""
    expected = cudnn_shapes(layer)
    return expected is not None and [tuple(s) for s in file_shapes] == expected and \
        expected[2] != tuple(layer.bias.shape)


def from_cudnn(cls, weights):
    """Convert ``[kernel, recurrent_kernel, bias]`` from cuDNN's layout to Keras's."""
    n = _GATES[cls]
    kernel, rec, bias = (np.asarray(w) for w in weights)
    kernel = np.hstack([k.T.reshape(k.shape, order="F") for k in np.hsplit(kernel, n)])
    rec = np.hstack([k.T for k in np.hsplit(rec, n)])
    if cls == "LSTM":
        bias = np.sum(np.split(bias, 2, axis=0), axis=0)
    else:
        bias = bias.reshape((2, -1))
    return [kernel, rec, bias]
