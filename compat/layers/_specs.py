"""The Keras 1/2 argument tables of the layers, one :class:`Spec` per Keras class.

Each table says which legacy names (``init``, ``border_mode``, ``output_dim``…)
mean which modern ones; the translator in :mod:`compat._legacy` does the rest.
The renames follow Keras 2's own legacy interfaces (``keras/legacy/interfaces.py``).
"""
import numbers

from .._legacy import ANY_VALUE as ANY, DROP, Spec, warn_once

_DIM_ORDERING = {"th": "channels_first", "tf": "channels_last", "default": DROP}

_WEIGHTS = {"init": "kernel_initializer", "W_regularizer": "kernel_regularizer",
            "b_regularizer": "bias_regularizer", "W_constraint": "kernel_constraint",
            "b_constraint": "bias_constraint", "bias": "use_bias"}


def _is_int(v):
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


# ------------------------------------------------------ positional forms
def _kernel_from_dims(owner, args, kwargs, dim_names, n):
    """``Conv2D(32, 3, 3)`` / ``nb_row=, nb_col=`` -> ``kernel_size=(3, 3)`` (Keras 2's rule)."""
    args = list(args)
    dims = None
    given = [k for k in dim_names if k in kwargs]
    if len(args) >= 1 + n and all(_is_int(a) for a in args[1:1 + n]):
        if len(args) > 1 + n:
            raise TypeError(f"{owner}: with the Keras 1 form {owner}(nb_filter, "
                            f"{', '.join(dim_names)}), pass the other arguments by keyword. "
                            f"Received {len(args)} positional arguments: {args!r}")
        if given or "kernel_size" in kwargs:
            other = given[0] if given else "kernel_size"
            raise TypeError(f"{owner}: the kernel size was given both positionally "
                            f"{tuple(args[1:1 + n])} (Keras 1 form) and as `{other}`. "
                            "Pass only `kernel_size`.")
        dims, args = tuple(args[1:1 + n]), args[:1]
        src = f"{owner}({args[0]}, {', '.join(str(d) for d in dims)})"
    elif given:
        pos = args[1:]
        if len(pos) + len(given) != n or given != list(dim_names[len(pos):]):
            raise TypeError(f"{owner}: the Keras 1 kernel size needs all of "
                            f"{', '.join(dim_names)}. Received: "
                            f"{', '.join(f'{k}={kwargs[k]!r}' for k in given)}"
                            + (f" and positional {tuple(pos)}" if pos else ""))
        if "kernel_size" in kwargs:
            raise TypeError(f"{owner}: got both `{given[0]}` (Keras 1 spelling) and "
                            f"`kernel_size`. Pass only `kernel_size`.")
        dims = tuple(pos) + tuple(kwargs.pop(k) for k in given)
        args = args[:1]
        src = ", ".join(dim_names)
    if dims is not None:
        kwargs["kernel_size"] = dims
        warn_once(("kernel_size", owner, n),
                  f"{owner}: `{src}` is the Keras 1 form of the kernel size; use "
                  f"`kernel_size={dims!r}` instead.")
    return tuple(args), kwargs


def _conv2d_pre(owner, args, kwargs):
    return _kernel_from_dims(owner, args, kwargs, ("nb_row", "nb_col"), 2)


def _conv3d_pre(owner, args, kwargs):
    return _kernel_from_dims(owner, args, kwargs, ("kernel_dim1", "kernel_dim2", "kernel_dim3"), 3)


def _rnn_pre(owner, args, kwargs):
    """``input_dim`` / ``input_length`` of Keras 1 recurrent layers -> ``input_shape``."""
    if "input_dim" in kwargs or "input_length" in kwargs:
        if "input_shape" in kwargs or "batch_input_shape" in kwargs:
            raise TypeError(f"{owner}: got `input_dim`/`input_length` (Keras 1 spelling) and "
                            "`input_shape`/`batch_input_shape`. Pass only `input_shape`.")
        dim, length = kwargs.pop("input_dim", None), kwargs.pop("input_length", None)
        kwargs["input_shape"] = (length, dim)
        warn_once(("input_dim/input_length", "input_shape"),
                  f"{owner}: `input_dim` and `input_length` are the Keras 1 spelling of a "
                  f"recurrent layer's input; use `input_shape=({length!r}, {dim!r})` instead.")
    if "forget_bias_init" in kwargs:
        init = kwargs.pop("forget_bias_init")
        if init in ("one", "ones"):
            if kwargs.get("unit_forget_bias") is False:
                raise TypeError(f"{owner}: forget_bias_init={init!r} contradicts "
                                "unit_forget_bias=False.")
            kwargs["unit_forget_bias"] = True
            warn_once(("forget_bias_init", "unit_forget_bias"),
                      f"{owner}: `forget_bias_init='one'` is the Keras 1 spelling; use "
                      "`unit_forget_bias=True` instead.")
        else:
            kwargs["unit_forget_bias"] = False
            warn_once(("forget_bias_init", "ignored"),
                      f"{owner}: `forget_bias_init={init!r}` (Keras 1) has no Keras 2+ "
                      "equivalent; the forget-gate bias now uses `bias_initializer` "
                      "(unit_forget_bias=False).")
    return args, kwargs


# ----------------------------------------------------------------- tables
DENSE = Spec(renames={"output_dim": "units", **_WEIGHTS})
DROPOUT = Spec(renames={"p": "rate"})
GAUSSIAN_NOISE = Spec(renames={"sigma": "stddev"})

_CONV_COMMON = {"nb_filter": "filters", "border_mode": "padding", **_WEIGHTS}
CONV1D = Spec(renames={**_CONV_COMMON, "filter_length": "kernel_size",
                       "subsample_length": "strides"})
ATROUS_CONV1D = CONV1D.merged(renames={"atrous_rate": "dilation_rate"})
CONV2D = Spec(renames={**_CONV_COMMON, "subsample": "strides", "dim_ordering": "data_format"},
              values={"dim_ordering": _DIM_ORDERING}, pre=_conv2d_pre)
ATROUS_CONV2D = CONV2D.merged(renames={"atrous_rate": "dilation_rate"})
DECONV2D = CONV2D.merged(removed={"output_shape": (ANY, "the output shape is inferred from "
                                                        "the input, strides and padding.")})
SEPARABLE_CONV2D = Spec(renames={"nb_filter": "filters", "subsample": "strides",
                                 "border_mode": "padding", "dim_ordering": "data_format",
                                 "b_regularizer": "bias_regularizer",
                                 "b_constraint": "bias_constraint", "bias": "use_bias"},
                        values={"dim_ordering": _DIM_ORDERING}, pre=_conv2d_pre)
CONV3D = CONV2D.merged(pre=_conv3d_pre)

def _cudnn_gru_pre(owner, args, kwargs):
    """``CuDNNGRU`` is a GRU with ``reset_after=True`` and a sigmoid recurrent activation."""
    for key, value in (("reset_after", True), ("recurrent_activation", "sigmoid")):
        if kwargs.get(key, value) != value:
            raise TypeError(f"{owner}: CuDNNGRU always has {key}={value!r}. "
                            f"Received: {key}={kwargs[key]!r}")
        kwargs[key] = value
    return args, kwargs


POOL1D = Spec(renames={"pool_length": "pool_size", "stride": "strides",
                       "border_mode": "padding"})
POOL2D = Spec(renames={"border_mode": "padding", "dim_ordering": "data_format"},
              values={"dim_ordering": _DIM_ORDERING})
DATA_FORMAT = Spec(renames={"dim_ordering": "data_format"}, values={"dim_ordering": _DIM_ORDERING})

BATCHNORM = Spec(renames={"beta_init": "beta_initializer", "gamma_init": "gamma_initializer"},
                 removed={"mode": ((0,), "only mode=0 (feature-wise normalisation) exists since "
                                         "Keras 2.")})
EMBEDDING = Spec(renames={"init": "embeddings_initializer",
                          "W_regularizer": "embeddings_regularizer",
                          "W_constraint": "embeddings_constraint"},
                 removed={"dropout": ((0, 0.0, None), "add a SpatialDropout1D layer after the "
                                                      "Embedding for the same effect.")})

_RNN_COMMON = {"output_dim": "units", "init": "kernel_initializer",
               "inner_init": "recurrent_initializer", "W_regularizer": "kernel_regularizer",
               "U_regularizer": "recurrent_regularizer", "b_regularizer": "bias_regularizer",
               "W_constraint": "kernel_constraint", "U_constraint": "recurrent_constraint",
               "b_constraint": "bias_constraint", "dropout_W": "dropout",
               "dropout_U": "recurrent_dropout", "consume_less": "implementation"}
_RNN_VALUES = {"consume_less": {"cpu": 0, "mem": 1, "gpu": 2}}
SIMPLE_RNN = Spec(renames=_RNN_COMMON, values=_RNN_VALUES, pre=_rnn_pre)
# Keras 1's 'hard_sigmoid' is the slope-0.2 form, which pipeseq names 'legacy_hard_sigmoid'.
GATED_RNN = SIMPLE_RNN.merged(
    renames={"inner_activation": "recurrent_activation"},
    values={"inner_activation": {"hard_sigmoid": "legacy_hard_sigmoid"}})
PRELU = Spec(renames={"init": "alpha_initializer"})

# Keras class name -> table. Only classes with legacy spellings get a compat wrapper.
SPECS = {
    "Dense": DENSE, "Dropout": DROPOUT, "SpatialDropout1D": DROPOUT,
    "SpatialDropout2D": DROPOUT.merged(renames={"dim_ordering": "data_format"},
                                       values={"dim_ordering": _DIM_ORDERING}),
    "GaussianDropout": DROPOUT, "GaussianNoise": GAUSSIAN_NOISE,
    "Conv1D": CONV1D, "Conv2D": CONV2D, "Conv3D": CONV3D, "Conv2DTranspose": DECONV2D,
    "SeparableConv2D": SEPARABLE_CONV2D,
    "MaxPooling1D": POOL1D, "AveragePooling1D": POOL1D,
    "MaxPooling2D": POOL2D, "AveragePooling2D": POOL2D,
    "MaxPooling3D": POOL2D, "AveragePooling3D": POOL2D,
    "GlobalMaxPooling2D": DATA_FORMAT, "GlobalAveragePooling2D": DATA_FORMAT,
    "UpSampling2D": DATA_FORMAT, "ZeroPadding2D": DATA_FORMAT, "Cropping2D": DATA_FORMAT,
    "UpSampling3D": DATA_FORMAT, "ZeroPadding3D": DATA_FORMAT, "Cropping3D": DATA_FORMAT,
    "BatchNormalization": BATCHNORM, "Embedding": EMBEDDING,
    "SimpleRNN": SIMPLE_RNN, "LSTM": GATED_RNN, "GRU": GATED_RNN, "PReLU": PRELU,
}

# Keras 1 class names that Keras 3 no longer has (or has under another name):
# compat name -> (engine class name, table).
LEGACY_CLASSES = {
    "Convolution1D": ("Conv1D", CONV1D),
    "Convolution2D": ("Conv2D", CONV2D),
    "Convolution3D": ("Conv3D", CONV3D),
    "AtrousConvolution1D": ("Conv1D", ATROUS_CONV1D),
    "AtrousConvolution2D": ("Conv2D", ATROUS_CONV2D),
    "Deconvolution2D": ("Conv2DTranspose", DECONV2D),
    "Conv2DTranspose": ("Conv2DTranspose", DECONV2D),
    "Convolution2DTranspose": ("Conv2DTranspose", DECONV2D),
    "SeparableConvolution2D": ("SeparableConv2D", SEPARABLE_CONV2D),
    "MaxPool1D": ("MaxPooling1D", POOL1D), "MaxPool2D": ("MaxPooling2D", POOL2D),
    "AvgPool1D": ("AveragePooling1D", POOL1D), "AvgPool2D": ("AveragePooling2D", POOL2D),
    # tf.keras 1/2's cuDNN layers: LSTM, and GRU with cuDNN's formula (reset_after=True);
    # their weight files are converted when loaded (pipeseq.saving.cudnn)
    "CuDNNGRU": ("GRU", Spec(pre=_cudnn_gru_pre, era="Keras 2")),
    "CuDNNLSTM": ("LSTM", Spec(era="Keras 2")),
}
