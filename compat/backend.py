"""``keras.backend`` (``K``): array functions for custom losses and metrics, and global settings.

The ``K.*`` functions are :mod:`pipeseq.r.array_ops` (NumPy, 0-based axes):
``K.mean(K.square(y_pred - y_true), axis=-1)`` works in a loss passed to
``compile``. Settings: ``image_data_format()`` / ``set_image_data_format()``
and Keras 1's ``image_dim_ordering()`` / ``set_image_dim_ordering('th'|'tf')``
choose the default ``data_format`` of image layers created afterwards;
``clear_session()`` restarts automatic layer names.

Example
-------
>>> from compat import backend as K
>>> K.epsilon()
1e-07
>>> K.image_data_format()
'channels_last'
"""
import contextlib

from pipeseq import backend as _backend
from pipeseq.r.array_ops import *  # noqa: F401,F403
from pipeseq.r.array_ops import __all__ as _ops_all

from . import backend_keras2 as _k2
from . import backend_nn as _nn
for _mod in (_k2, _nn):
    for _n in _mod.__all__:
        if _n not in _ops_all:
            globals()[_n] = getattr(_mod, _n)

from ._legacy import warn_once
from pipeseq.layers.base import reset_uids as _reset_uids

_DIM_ORDERINGS = {"th": "channels_first", "tf": "channels_last"}


def backend():
    """The name of the compute backend: ``"numpy"`` (Keras 3's name for a NumPy backend)."""
    return "numpy"


def image_data_format():
    """``"channels_last"`` (default) or ``"channels_first"``."""
    return _backend.image_data_format()


def set_image_data_format(data_format):
    """Default ``data_format`` of convolution/pooling layers created afterwards."""
    _backend.set_image_data_format(data_format)


def image_dim_ordering():
    """Keras 1: ``"th"`` (channels first) or ``"tf"`` (channels last)."""
    warn_once(("image_dim_ordering", "image_data_format"),
              "image_dim_ordering() is the Keras 1 spelling; use image_data_format() instead.")
    return "th" if _backend.image_data_format() == "channels_first" else "tf"


def set_image_dim_ordering(dim_ordering):
    """Keras 1: ``'th'`` = ``set_image_data_format('channels_first')``, ``'tf'`` = channels last."""
    if dim_ordering not in _DIM_ORDERINGS:
        raise ValueError("set_image_dim_ordering: expected 'th' (channels first) or 'tf' "
                         f"(channels last). Received: dim_ordering={dim_ordering!r}")
    warn_once(("set_image_dim_ordering", "set_image_data_format"),
              f"set_image_dim_ordering({dim_ordering!r}) is the Keras 1 spelling; use "
              f"set_image_data_format({_DIM_ORDERINGS[dim_ordering]!r}) instead.")
    _backend.set_image_data_format(_DIM_ORDERINGS[dim_ordering])


def clear_session():
    """Restart automatic layer names (``dense``, ``dense_1``… start again)."""
    _reset_uids()


def set_random_seed(seed):
    """Seed initial weights, dropout and shuffling."""
    _backend.set_random_seed(seed)


def _graph_only(name, instead):
    def fn(*args, **kwargs):
        raise RuntimeError(f"K.{name}() builds a TensorFlow graph, which pipeseq does not have "
                           f"(it computes eagerly with NumPy). {instead}")
    fn.__name__ = name
    fn.__doc__ = f"Keras 2 graph-only function: raises, saying what to use instead. {instead}"
    return fn


gradients = _graph_only(
    "gradients", "Write the loss with compat.backend / keras.ops functions and pass it to "
    "compile(loss=...): pipeseq differentiates it automatically; for a one-off gradient use "
    "autograd.grad on a function of NumPy arrays.")
function = _graph_only(
    "function", "Call the model (model.predict(x) or model(x)) or a sub-model "
    "Model(inputs, layer.output) to get intermediate outputs.")
placeholder = _graph_only(
    "placeholder", "Use Input(shape=...) to start a functional model, or pass NumPy arrays "
    "directly to the functions.")


def learning_phase():
    """0 (inference); pipeseq passes ``training=True`` to layers inside fit() itself."""
    return _LEARNING_PHASE[0]


def set_learning_phase(value):
    """Keras 2's global phase (0 or 1), read back by ``learning_phase()`` and ``in_train_phase``."""
    if value not in (0, 1):
        raise ValueError(f"Expected learning phase to be 0 or 1. Received: value={value!r}")
    _LEARNING_PHASE[0] = value


_LEARNING_PHASE = [0]


@contextlib.contextmanager
def learning_phase_scope(value):
    """``with K.learning_phase_scope(1):`` — the learning phase inside the block (0 or 1)."""
    if value not in (0, 1):
        raise ValueError(f"Expected learning phase to be 0 or 1. Received: value={value!r}")
    before = learning_phase()
    set_learning_phase(value)
    try:
        yield value
    finally:
        set_learning_phase(before)


def in_train_phase(x, alt, training=None):
    """``x`` in the training phase, ``alt`` otherwise (callables are called)."""
    training = learning_phase() if training is None else training
    out = x if training else alt
    return out() if callable(out) else out


def in_test_phase(x, alt, training=None):
    """``x`` in the test phase, ``alt`` otherwise."""
    return in_train_phase(alt, x, training=training)


def set_value(x, value):
    """Assign ``value`` to a variable (``x.assign``) or to an array in place."""
    import numpy as _np
    if hasattr(x, "assign"):
        x.assign(value)
    else:
        x[...] = _np.asarray(value)


def batch_get_value(tensors):
    """The values of several variables, as NumPy arrays."""
    import numpy as _np
    return [_np.array(getattr(t, "value", t)) for t in tensors]


def batch_set_value(tuples):
    """``set_value`` for each ``(variable, value)`` pair."""
    for x, value in tuples:
        set_value(x, value)


def ctc_batch_cost(y_true, y_pred, input_length, label_length):
    """Keras 2's CTC loss: ``y_pred`` softmax probabilities ``(batch, time, classes)`` with the
    blank as the LAST class; returns ``(batch, 1)``."""
    import numpy as _np
    from pipeseq.kernels import ctc as _ctc
    y_pred = _np.asarray(y_pred, dtype="float64")
    loss, _ = _ctc.ctc_loss_and_grad(_np.log(y_pred + 1e-7), _np.asarray(y_true),
                                     _np.asarray(label_length).reshape(-1),
                                     _np.asarray(input_length).reshape(-1),
                                     blank=y_pred.shape[-1] - 1, want_grad=False)
    return loss.reshape(-1, 1).astype("float32")


def ctc_decode(y_pred, input_length, greedy=True, beam_width=100, top_paths=1):
    """Keras 2's CTC decoding (blank = last class): ``([decoded], log_probabilities)``,
    decoded sequences padded with -1."""
    import numpy as _np
    from pipeseq.kernels import ctc as _ctc
    y_pred = _np.asarray(y_pred, dtype="float64")
    logp = _np.log(y_pred + 1e-7)
    lengths = _np.asarray(input_length).reshape(-1)
    blank = y_pred.shape[-1] - 1
    if greedy:
        paths, scores = _ctc.greedy_decode(logp, lengths, blank)
        groups, scores = [paths], scores[:, None]
    else:
        per, sc = _ctc.beam_search_decode(logp, lengths, beam_width, top_paths, blank)
        groups = [[p[k] if k < len(p) else [] for p in per] for k in range(top_paths)]
        scores = _np.array(sc)
    out = []
    for group in groups:
        width = max([len(p) for p in group] + [1])
        arr = _np.full((len(group), width), -1, dtype="int64")
        for i, p in enumerate(group):
            arr[i, :len(p)] = p
        out.append(arr)
    return out, scores


from . import name_scope  # noqa: E402,F401  (tf_keras: K.name_scope is tf.name_scope)

__all__ = list(_ops_all) + [n for m in (_k2, _nn) for n in m.__all__ if n not in _ops_all] + [
                            "name_scope", "learning_phase_scope", "gradients", "function", "placeholder", "learning_phase",
                            "set_learning_phase", "in_train_phase", "in_test_phase", "set_value",
                            "batch_get_value", "batch_set_value", "ctc_batch_cost", "ctc_decode",
                            "backend", "image_data_format", "set_image_data_format",
                            "image_dim_ordering", "set_image_dim_ordering", "clear_session",
                            "set_random_seed"]
