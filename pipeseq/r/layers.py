"""``layer_*`` constructors: R's keras/keras3 layer functions over pipeseq's layer classes.

Each function follows R's convention for its first argument (``object``):

* omitted -> the new layer is returned: ``layer_dense(units=32)``;
* a Sequential model -> the layer is added to it in place and the model is
  returned: ``layer_dense(model, units=32)`` (what ``model | layer_dense(units=32)`` does);
* a symbolic tensor (``layer_input(shape=4)``) -> the layer is called on it
  and its output tensor returned (functional API);
* an array -> the layer is called on it and the result returned.

The functions are generated from one table, ``R_LAYERS`` (R name -> Keras
class name). Classes are looked up in the layer registry when the function is
called, so layer families that register later work without changes here. If a
class is not registered, calling the function raises
:class:`LayerNotAvailableError` naming the class.

Example
-------
>>> from pipeseq import keras_model_sequential, layer_dense
>>> model = keras_model_sequential(input_shape=4)
>>> model | layer_dense(units=2, activation="relu") | layer_dense(units=1)
<Sequential name=sequential, built=True, layers=2>
"""
import numpy as np

from .cells import rnn_cell_lstm  # noqa: F401  (used by layer_rnn's docstring example)

__all__ = []   # filled below


class LayerNotAvailableError(NotImplementedError):
    """A ``layer_*`` function whose Keras layer class is not registered in pipeseq.

    Example
    -------
    >>> e = LayerNotAvailableError("layer_conv_3d", "Conv3D")
    >>> e.class_name
    'Conv3D'
    """

    def __init__(self, r_name, class_name):
        self.r_name, self.class_name = r_name, class_name
        super().__init__(
            f"{r_name}() needs the Keras layer class '{class_name}', which is not available in "
            f"this version of pipeseq (no layer class is registered under the name "
            f"'{class_name}'). pipeseq layer class '{class_name}' is not available.")


# R name -> (Keras class name, example arguments for the docstring)
R_LAYERS = {
    # core
    "layer_dense": ("Dense", "units=32, activation='relu'"),
    "layer_activation": ("Activation", "activation='relu'"),
    "layer_dropout": ("Dropout", "rate=0.5"),
    "layer_flatten": ("Flatten", ""),
    "layer_reshape": ("Reshape", "target_shape=(3, 4)"),
    "layer_permute": ("Permute", "dims=(2, 1)"),
    "layer_repeat_vector": ("RepeatVector", "n=3"),
    "layer_masking": ("Masking", "mask_value=0.0"),
    "layer_identity": ("Identity", ""),
    # activation layers
    "layer_activation_relu": ("ReLU", ""),
    "layer_activation_leaky_relu": ("LeakyReLU", "negative_slope=0.3"),
    "layer_activation_parametric_relu": ("PReLU", ""),
    "layer_activation_elu": ("ELU", "alpha=1.0"),
    "layer_activation_softmax": ("Softmax", "axis=-1"),
    # normalization / noise
    "layer_batch_normalization": ("BatchNormalization", "momentum=0.99"),
    "layer_layer_normalization": ("LayerNormalization", ""),
    "layer_gaussian_noise": ("GaussianNoise", "stddev=0.1"),
    # preprocessing inside the model
    "layer_rescaling": ("Rescaling", "scale=1/255"),
    "layer_normalization": ("Normalization", "axis=-1"),
    "layer_gaussian_dropout": ("GaussianDropout", "rate=0.1"),
    "layer_alpha_dropout": ("AlphaDropout", "rate=0.1"),
    "layer_spatial_dropout_1d": ("SpatialDropout1D", "rate=0.1"),
    "layer_spatial_dropout_2d": ("SpatialDropout2D", "rate=0.1"),
    # convolution
    "layer_conv_1d": ("Conv1D", "filters=8, kernel_size=3, activation='relu'"),
    "layer_conv_2d": ("Conv2D", "filters=32, kernel_size=(3, 3), activation='relu'"),
    "layer_conv_1d_transpose": ("Conv1DTranspose", "filters=8, kernel_size=3"),
    "layer_conv_2d_transpose": ("Conv2DTranspose", "filters=8, kernel_size=(3, 3), strides=2"),
    "layer_separable_conv_2d": ("SeparableConv2D", "filters=8, kernel_size=3"),
    "layer_depthwise_conv_2d": ("DepthwiseConv2D", "kernel_size=3"),
    # pooling
    "layer_max_pooling_1d": ("MaxPooling1D", "pool_size=2"),
    "layer_max_pooling_2d": ("MaxPooling2D", "pool_size=(2, 2)"),
    "layer_average_pooling_1d": ("AveragePooling1D", "pool_size=2"),
    "layer_average_pooling_2d": ("AveragePooling2D", "pool_size=(2, 2)"),
    "layer_global_max_pooling_1d": ("GlobalMaxPooling1D", ""),
    "layer_global_max_pooling_2d": ("GlobalMaxPooling2D", ""),
    "layer_global_average_pooling_1d": ("GlobalAveragePooling1D", ""),
    "layer_global_average_pooling_2d": ("GlobalAveragePooling2D", ""),
    "layer_upsampling_1d": ("UpSampling1D", "size=2"),
    "layer_upsampling_2d": ("UpSampling2D", "size=(2, 2)"),
    "layer_zero_padding_1d": ("ZeroPadding1D", "padding=1"),
    "layer_zero_padding_2d": ("ZeroPadding2D", "padding=(1, 1)"),
    "layer_cropping_1d": ("Cropping1D", "cropping=(1, 1)"),
    "layer_cropping_2d": ("Cropping2D", "cropping=((1, 1), (1, 1))"),
    # recurrent / embedding
    "layer_simple_rnn": ("SimpleRNN", "units=16"),
    "layer_lstm": ("LSTM", "units=32, return_sequences=True"),
    "layer_gru": ("GRU", "units=32"),
    "layer_embedding": ("Embedding", "input_dim=1000, output_dim=64"),
    "layer_einsum_dense": ("EinsumDense", "equation='ab,bc->ac', output_shape=4"),
    # 3-D and 1-D depthwise/separable convolution, pooling, reshaping
    "layer_conv_3d": ("Conv3D", "filters=8, kernel_size=3"),
    "layer_conv_3d_transpose": ("Conv3DTranspose", "filters=8, kernel_size=3, strides=2"),
    "layer_conv_lstm_1d": ("ConvLSTM1D", "filters=4, kernel_size=3"),
    "layer_conv_lstm_2d": ("ConvLSTM2D", "filters=4, kernel_size=3"),
    "layer_conv_lstm_3d": ("ConvLSTM3D", "filters=4, kernel_size=3"),
    "layer_depthwise_conv_1d": ("DepthwiseConv1D", "kernel_size=3"),
    "layer_separable_conv_1d": ("SeparableConv1D", "filters=8, kernel_size=3"),
    "layer_max_pooling_3d": ("MaxPooling3D", "pool_size=2"),
    "layer_average_pooling_3d": ("AveragePooling3D", "pool_size=2"),
    "layer_global_max_pooling_3d": ("GlobalMaxPooling3D", ""),
    "layer_global_average_pooling_3d": ("GlobalAveragePooling3D", ""),
    "layer_upsampling_3d": ("UpSampling3D", "size=2"),
    "layer_zero_padding_3d": ("ZeroPadding3D", "padding=1"),
    "layer_cropping_3d": ("Cropping3D", "cropping=1"),
    # normalization and regularization
    "layer_group_normalization": ("GroupNormalization", "groups=4"),
    "layer_unit_normalization": ("UnitNormalization", ""),
    "layer_activity_regularization": ("ActivityRegularization", "l1=0.01"),
    "layer_spatial_dropout_3d": ("SpatialDropout3D", "rate=0.1"),
    "layer_rms_normalization": ("RMSNormalization", ""),
    # preprocessing
    "layer_resizing": ("Resizing", "height=32, width=32"),
    "layer_center_crop": ("CenterCrop", "height=24, width=24"),
    "layer_aug_mix": ("AugMix", "factor=0.3"),
    "layer_auto_contrast": ("AutoContrast", "value_range=(0, 255)"),
    "layer_cut_mix": ("CutMix", "factor=1.0"),
    "layer_equalization": ("Equalization", "value_range=(0, 255)"),
    "layer_max_num_bounding_boxes": ("MaxNumBoundingBoxes", "max_number=10"),
    "layer_mix_up": ("MixUp", "alpha=0.2"),
    "layer_rand_augment": ("RandAugment", "num_ops=2, factor=0.5"),
    "layer_random_brightness": ("RandomBrightness", "factor=0.2"),
    "layer_random_color_degeneration": ("RandomColorDegeneration", "factor=0.5"),
    "layer_random_color_jitter": ("RandomColorJitter", "brightness_factor=0.2"),
    "layer_random_contrast": ("RandomContrast", "factor=0.2"),
    "layer_random_crop": ("RandomCrop", "height=24, width=24"),
    "layer_random_elastic_transform": ("RandomElasticTransform", "factor=0.5, scale=0.5"),
    "layer_random_erasing": ("RandomErasing", "factor=0.5"),
    "layer_random_flip": ("RandomFlip", "mode='horizontal'"),
    "layer_random_gaussian_blur": ("RandomGaussianBlur", "factor=0.5, sigma=1.0"),
    "layer_random_grayscale": ("RandomGrayscale", "factor=0.2"),
    "layer_random_hue": ("RandomHue", "factor=0.2"),
    "layer_random_invert": ("RandomInvert", "factor=0.5"),
    "layer_random_perspective": ("RandomPerspective", "factor=0.5, scale=0.2"),
    "layer_random_posterization": ("RandomPosterization", "factor=(2, 6)"),
    "layer_random_rotation": ("RandomRotation", "factor=0.1"),
    "layer_random_saturation": ("RandomSaturation", "factor=(0.3, 0.7)"),
    "layer_random_sharpness": ("RandomSharpness", "factor=0.5"),
    "layer_random_shear": ("RandomShear", "x_factor=0.2"),
    "layer_random_translation": ("RandomTranslation", "height_factor=0.1, width_factor=0.1"),
    "layer_random_zoom": ("RandomZoom", "height_factor=0.2"),
    "layer_solarization": ("Solarization", "addition_factor=0.2"),
    "layer_discretization": ("Discretization", "bin_boundaries=[0.0, 1.0]"),
    "layer_category_encoding": ("CategoryEncoding", "num_tokens=10"),
}

# Merging layers take ``inputs`` (a list of tensors) first, as in R keras3.
R_MERGE_LAYERS = {
    "layer_concatenate": ("Concatenate", "axis=-1"),
    "layer_add": ("Add", ""),
    "layer_subtract": ("Subtract", ""),
    "layer_multiply": ("Multiply", ""),
    "layer_average": ("Average", ""),
    "layer_maximum": ("Maximum", ""),
    "layer_minimum": ("Minimum", ""),
    "layer_dot": ("Dot", "axes=1"),
    # attention layers also take ``inputs`` = list(query, value[, key]) first
    "layer_attention": ("Attention", "use_scale=True"),
    "layer_additive_attention": ("AdditiveAttention", "use_scale=True"),
    "layer_multi_head_attention": ("MultiHeadAttention", "num_heads=2, key_dim=16"),
}

# Wrappers take the wrapped ``layer`` after ``object``.
R_WRAPPERS = {
    "time_distributed": ("TimeDistributed", "layer=layer_dense(units=8)"),
    "layer_time_distributed": ("TimeDistributed", "layer=layer_dense(units=8)"),
    "bidirectional": ("Bidirectional", "layer=layer_lstm(units=8)"),
    "layer_bidirectional": ("Bidirectional", "layer=layer_lstm(units=8)"),
    "layer_pipeline": ("Pipeline", "layers=[layer_random_flip(), layer_random_zoom(0.2)]"),
    "layer_rnn": ("RNN", "cell=rnn_cell_lstm(units=8)"),
}
# The wrapped argument, when not ``layer`` (R keras3's layer_rnn(object, cell, ...)).
_WRAPPED_ARG = {"Pipeline": "layers", "RNN": "cell"}


# --------------------------------------------------------------- helpers
def _layer_class(r_name, class_name):
    from ..layers.base import get_layer_class
    cls = get_layer_class(class_name)
    if cls is None:
        raise LayerNotAvailableError(r_name, class_name)
    return cls


def _is_symbolic(x):
    if isinstance(x, (list, tuple)):
        return bool(x) and all(_is_symbolic(a) for a in x)
    return getattr(x, "_pipeseq_symbolic", False)


def _is_model(x):
    from ..models.model import Model
    return isinstance(x, Model)


def _is_array_like(x):
    if isinstance(x, np.ndarray):
        return True
    if isinstance(x, (list, tuple)):
        return bool(x) and all(isinstance(a, np.ndarray) for a in x)
    return False


def _is_object(x):
    """Is ``x`` the thing being piped (a model, a symbolic tensor or an array)?"""
    return _is_model(x) or _is_symbolic(x) or _is_array_like(x)


def compose_layer(object, layer, r_name="layer"):
    """Apply ``layer`` to ``object`` the way R's ``compose_layer()`` does.

    Parameters
    ----------
    object : None, Sequential model, symbolic tensor(s) or array(s)
    layer : Layer

    Returns
    -------
    ``layer`` if ``object`` is None; the model (with ``layer`` added in place)
    for a Sequential model; ``layer(object)`` for tensors and arrays.

    Example
    -------
    >>> from pipeseq import keras_model_sequential, layer_dense
    >>> model = keras_model_sequential(input_shape=3)
    >>> compose_layer(model, layer_dense(units=2)) is model
    True
    """
    if object is None:
        return layer
    if _is_model(object):
        if hasattr(object, "add"):
            object.add(layer)
            return object
        raise TypeError(
            f"{r_name}(): cannot add a layer to the functional model '{object.name}' in place; "
            "only Sequential models grow with `|`. Call the layer on a tensor instead, e.g. "
            f"{r_name}(model.outputs[0], ...).")
    if _is_symbolic(object) or _is_array_like(object):
        return layer(object)
    from ..layers.base import Layer
    if isinstance(object, Layer):
        raise TypeError(
            f"{r_name}(): the first argument is the layer '{object.name}', not a model or a "
            f"tensor. Pipe layers into a model instead: model | {object.name} | {r_name}(...).")
    raise TypeError(f"{r_name}(): `object` must be a Sequential model, a tensor or an array. "
                    f"Received: {type(object).__name__}")


def _split_object(args, kwargs):
    if "object" in kwargs:
        return kwargs.pop("object"), args
    if args and _is_object(args[0]):
        return args[0], args[1:]
    return None, args


def _doc(r_name, class_name, example, first="object"):
    if first == "inputs":
        head = (f"{r_name}(inputs=None, **kwargs)\n\n"
                f"Keras ``{class_name}`` merging layer, as R keras3's ``{r_name}()``.\n\n"
                "Parameters\n----------\n"
                "inputs : tensor, array or a list of them, optional\n"
                "    Given: the layer is called on them (with any further tensors passed\n"
                "    positionally, as R's ``...``) and the merged tensor is returned.\n"
                f"    A single tensor alone waits for the piped one: ``a | {r_name}(b)`` is\n"
                f"    ``{r_name}(a, b)``. Omitted: the layer itself is returned.\n"
                f"**kwargs :\n    Arguments of Keras's ``{class_name}``.\n")
        ex = (f">>> import numpy as np\n"
              f">>> from pipeseq import {r_name}\n"
              f">>> merged = {r_name}([np.ones((2, 3)), np.ones((2, 3))]{', ' + example if example else ''})")
    else:
        head = (f"{r_name}(object=None, ...)\n\n"
                f"Keras ``{class_name}`` layer, as R's ``{r_name}()``.\n\n"
                "Parameters\n----------\n"
                "object : Sequential model, tensor or array, optional\n"
                "    Omitted: the new layer is returned. A Sequential model: the layer is\n"
                "    added in place and the model returned. A tensor/array: the layer is\n"
                "    called on it and the output returned.\n"
                f"*args, **kwargs :\n    Arguments of Keras's ``{class_name}`` (same names and\n"
                "    defaults), plus the common ``input_shape`` (an int means ``(int,)``),\n"
                "    ``batch_input_shape``, ``batch_size``, ``name``, ``trainable``, ``weights``.\n")
        ex = (f">>> from pipeseq import keras_model_sequential, {r_name}\n"
              f">>> model = keras_model_sequential()\n"
              f">>> model = model | {r_name}({example})")
    return (head + "\nRaises\n------\nLayerNotAvailableError\n"
            f"    If this pipeseq has no ``{class_name}`` layer class registered.\n"
            "\nExample\n-------\n" + ex + "\n")


def _make_layer_fn(r_name, class_name, example):
    def fn(*args, **kwargs):
        object, args = _split_object(args, kwargs)
        cls = _layer_class(r_name, class_name)
        return compose_layer(object, cls(*args, **kwargs), r_name)
    fn.__name__ = fn.__qualname__ = r_name
    fn.__doc__ = _doc(r_name, class_name, example)
    fn.keras_class_name = class_name
    return fn


def _make_merge_fn(r_name, class_name, example):
    def fn(inputs=None, *args, **kwargs):
        # R keras3: `inputs` (a tensor or a list of them) plus any unnamed tensors in `...`
        # are the inputs; other positional values are the layer's own arguments (layer_dot(1)).
        if inputs is None:
            tensors, single = [], False
        elif isinstance(inputs, (list, tuple)):
            tensors, single = list(inputs), False
        else:
            tensors, single = [inputs], True
        rest = []
        for a in args:
            if _is_symbolic(a) or _is_array_like(a):
                tensors.append(a)
                single = False
            else:
                rest.append(a)
        if tensors and not (_is_symbolic(tensors) or _is_array_like(tensors)):
            if single and not rest:      # layer_dot(1): the first positional is `axes`
                rest, tensors, single = [inputs], [], False
            else:
                raise TypeError(f"{r_name}(): the inputs must be tensors (e.g. outputs of "
                                "layer_input()) or arrays. Received: "
                                f"{[type(a).__name__ for a in tensors]}")
        layer = _layer_class(r_name, class_name)(*rest, **kwargs)
        if not tensors:
            return layer
        if single:
            # `a | layer_add(b)` is R's `a |> layer_add(b)` = layer_add(a, b): wait for `a`.
            from .verbs import PipeVerb
            return PipeVerb(_merge_with(layer, tensors), (), {})
        if getattr(layer, "call_args", None):      # mha(query, value, key)
            return layer(*tensors)
        return layer(tensors)
    fn.__name__ = fn.__qualname__ = r_name
    fn.__doc__ = _doc(r_name, class_name, example, first="inputs")
    fn.keras_class_name = class_name
    return fn


def _merge_with(layer, later_inputs):
    def merge(piped):
        first = list(piped) if isinstance(piped, (list, tuple)) else [piped]
        if getattr(layer, "call_args", None):      # query |> layer_attention(value)
            return layer(*(first + later_inputs))
        return layer(first + later_inputs)
    merge.__name__ = layer.name
    return merge


def _make_wrapper_fn(r_name, class_name, example):
    def fn(*args, **kwargs):
        from ..layers.base import Layer
        object = kwargs.pop("object", None)
        args = list(args)
        if object is None and args and _is_object(args[0]) and (
                len(args) > 1 or "layer" in kwargs or "cell" in kwargs):
            object = args.pop(0)
        key = _WRAPPED_ARG.get(class_name, "layer")
        if key not in kwargs:
            first = args[0] if args else None
            if not (isinstance(first, Layer) or (key in ("cell", "layers")
                                                 and isinstance(first, list))):
                raise TypeError(f"{r_name}(): needs the {key} to wrap, e.g. "
                                f"{r_name}({example}).")
            kwargs[key] = args.pop(0)
        cls = _layer_class(r_name, class_name)
        return compose_layer(object, cls(*args, **kwargs), r_name)
    fn.__name__ = fn.__qualname__ = r_name
    fn.__doc__ = _doc(r_name, class_name, example)
    fn.keras_class_name = class_name
    return fn


for _r, (_c, _ex) in R_LAYERS.items():
    globals()[_r] = _make_layer_fn(_r, _c, _ex)
    __all__.append(_r)
for _r, (_c, _ex) in R_MERGE_LAYERS.items():
    globals()[_r] = _make_merge_fn(_r, _c, _ex)
    __all__.append(_r)
for _r, (_c, _ex) in R_WRAPPERS.items():
    globals()[_r] = _make_wrapper_fn(_r, _c, _ex)
    __all__.append(_r)
del _r, _c, _ex


def available_layers():
    """R layer function names whose Keras class is registered in this pipeseq.

    Returns
    -------
    dict
        ``{r_name: keras_class_name}`` for every usable ``layer_*`` function.

    Example
    -------
    >>> "layer_dense" in available_layers()
    True
    """
    from ..layers.base import get_layer_class
    table = {**R_LAYERS, **R_MERGE_LAYERS, **R_WRAPPERS}
    return {r: c for r, (c, _) in table.items() if get_layer_class(c) is not None}


def layer_input(shape=None, batch_size=None, dtype=None, name=None, batch_shape=None,
                sparse=None, ragged=None, optional=False, **kwargs):
    """A symbolic input tensor for the functional API (R ``layer_input()`` / ``keras_input()``).

    Parameters
    ----------
    shape : int or tuple of int/None
        Shape of one sample (batch axis excluded); an int ``n`` means ``(n,)``.
    batch_size : int, optional
        Fixed batch size.
    dtype : str, optional
    name : str, optional
    batch_shape : tuple, optional
        Full shape including the batch axis (instead of ``shape``).

    Returns
    -------
    KerasTensor

    Example
    -------
    >>> from pipeseq import layer_input, layer_dense, keras_model
    >>> inputs = layer_input(shape=4)
    >>> outputs = inputs | layer_dense(units=2)
    >>> model = keras_model(inputs, outputs)
    """
    from ..models import Input
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    if "batch_input_shape" in kwargs and batch_shape is None:
        batch_shape = kwargs.pop("batch_input_shape")
    extra = {k: v for k, v in (("sparse", sparse), ("ragged", ragged)) if v}
    return Input(shape=shape, batch_size=batch_size, name=name, dtype=dtype,
                 batch_shape=batch_shape, **extra, **kwargs)


keras_input = layer_input
__all__ += ["layer_input", "keras_input", "compose_layer", "available_layers",
            "LayerNotAvailableError"]
