"""Backend losses (``K.categorical_crossentropy``...)."""
from ... import ops as _ops

__all__ = ['categorical_crossentropy', 'sparse_categorical_crossentropy', 'binary_crossentropy']


# -------------------------------------------------------------- losses
def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Per-sample categorical cross-entropy (probabilities clipped to ``[eps, 1-eps]``)."""
    return _ops.categorical_crossentropy(target, output, from_logits=from_logits, axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy with integer class targets."""
    return _ops.sparse_categorical_crossentropy(target, output, from_logits=from_logits,
                                                axis=axis)


def binary_crossentropy(target, output, from_logits=False):
    """Elementwise binary cross-entropy (probabilities clipped to ``[eps, 1-eps]``)."""
    return _ops.binary_crossentropy(target, output, from_logits=from_logits)
