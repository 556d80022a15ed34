"""How a layer's expected input is declared: Keras's and R's ways folded into one batch shape.

Example
-------
>>> resolve_input_shape("Dense", None, 4, None, None, None, None)
(None, 4)
"""
import numpy as np


def as_shape(shape):
    if isinstance(shape, list) and shape and isinstance(shape[0], (tuple, list)):
        return [tuple(s) for s in shape]
    return tuple(None if d is None else int(d) for d in shape)


def resolve_input_shape(cls_name, input_shape, input_dim, input_length, batch_input_shape,
                         batch_shape, batch_size):
    """Fold the Keras/R ways of declaring an input into one batch shape (or None)."""
    if batch_shape is not None:
        batch_input_shape = batch_shape
    if batch_input_shape is not None:
        return tuple(None if d is None else int(d) for d in batch_input_shape)
    if input_shape is None and input_dim is not None:
        input_shape = (input_length, input_dim) if input_length is not None else (input_dim,)
    if input_shape is None:
        return None
    if isinstance(input_shape, (int, np.integer)):
        input_shape = (int(input_shape),)
    try:
        shape = tuple(None if d is None else int(d) for d in input_shape)
    except TypeError:
        raise TypeError(f"{cls_name}: input_shape must be a tuple of ints (without the batch "
                        f"axis). Received: input_shape={input_shape!r}") from None
    if any(d is not None and d <= 0 for d in shape):
        raise ValueError(f"{cls_name}: input_shape dimensions must be positive. "
                         f"Received: input_shape={input_shape!r}")
    return (batch_size,) + shape
