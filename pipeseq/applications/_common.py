"""What every application shares: the input tensor, the classifier / pooling top, the model.

Each architecture module mirrors Keras's own function line for line (same layer classes,
names and order), calling these helpers where Keras repeats itself.
"""
from .. import backend
from ..layers import Dense, GlobalAveragePooling2D, GlobalMaxPooling2D
from ..models.functional import Functional, Input, KerasTensor
from . import imagenet_utils


def channel_axis():
    return 1 if backend.image_data_format() == "channels_first" else -1


def image_input(input_tensor, input_shape):
    """``Input(shape=input_shape)``, or the given symbolic ``input_tensor``."""
    if input_tensor is None:
        return Input(shape=input_shape)
    if not isinstance(input_tensor, KerasTensor):
        raise TypeError("`input_tensor` must be a symbolic tensor (from Input() or a layer "
                        f"called on one). Received: input_tensor={input_tensor!r:.80}")
    return input_tensor


def source_inputs(tensor):
    """The ``Input`` tensors a symbolic tensor comes from (Keras's ``get_source_inputs``)."""
    found, seen, stack = [], set(), [tensor]
    while stack:
        t = stack.pop()
        if id(t) in seen:
            continue
        seen.add(id(t))
        if t.node is None or t.node.is_input:
            found.append(t)
        else:
            stack.extend(reversed(t.node.input_tensors))
    return found[0] if len(found) == 1 else found


def top(x, include_top, pooling, classes, classifier_activation, weights,
        pool_name="avg_pool", dense_name="predictions"):
    """Keras's usual head: GAP + Dense(classes) with ``include_top``, else optional pooling."""
    if include_top:
        x = GlobalAveragePooling2D(name=pool_name)(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        return Dense(classes, activation=classifier_activation, name=dense_name)(x)
    return pool(x, pooling)


def pool(x, pooling):
    if pooling == "avg":
        return GlobalAveragePooling2D()(x)
    if pooling == "max":
        return GlobalMaxPooling2D()(x)
    return x


def model(input_tensor, img_input, x, name):
    inputs = source_inputs(input_tensor) if input_tensor is not None else img_input
    return Functional(inputs, x, name=name)
