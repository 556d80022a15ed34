"""``keras.layers``: every pipeseq layer under its Keras class name.

Names are looked up in pipeseq's layer registry when first used, so layer
families that land later appear here without changes. A class without Keras 1/2
spellings *is* the engine class (``compat.layers.Flatten is
pipeseq.layers.Flatten``); a class with legacy spellings is a thin wrapper that
translates them and returns an engine instance, with
``isinstance(pipeseq_dense, compat.layers.Dense)`` holding.

Also here: ``Input``, ``InputLayer``, ``Layer``, the Keras 1 class names
(``Convolution2D``, ``Deconvolution2D``, ``AtrousConvolution2D``…),
``TimeDistributedDense`` and, once it exists in pipeseq, ``Merge``.

Example
-------
>>> from compat.layers import Dense
>>> Dense(10, init="uniform", input_dim=20).kernel_initializer   # doctest: +SKIP
RandomUniform(minval=-0.05, maxval=0.05, seed=None)
"""
from pipeseq.r.layers import LayerNotAvailableError as _EngineLayerNotAvailable

from .._legacy import make_wrapper, warn_once
from . import _specs
from pipeseq.layers import base as _base
from pipeseq.layers import serialization as _serialization
from pipeseq.layers.base import Layer as _Layer
from pipeseq.layers.input_spec import InputSpec as _InputSpec
from pipeseq.models import Input as _Input
from pipeseq.models.model import Model as _Model
from pipeseq.utils import did_you_mean as _did_you_mean

_CACHE = {}

# Layer classes of Keras 3 (3.15) and Keras 1/2: a name here that pipeseq lacks raises
# LayerNotAvailableError (not AttributeError), so ``from compat.layers import X`` names X.
KERAS_LAYER_NAMES = frozenset("""
Activation ActivityRegularization AdaptiveAveragePooling1D AdaptiveAveragePooling2D
AdaptiveAveragePooling3D AdaptiveMaxPooling1D AdaptiveMaxPooling2D AdaptiveMaxPooling3D Add
AdditiveAttention AlphaDropout Attention AugMix AutoContrast Average AveragePooling1D
AveragePooling2D AveragePooling3D AvgPool1D AvgPool2D AvgPool3D BatchNormalization
Bidirectional CategoryEncoding CenterCrop Concatenate Conv1D Conv1DTranspose Conv2D
Conv2DTranspose Conv3D Conv3DTranspose ConvLSTM1D ConvLSTM2D ConvLSTM3D Convolution1D
Convolution1DTranspose Convolution2D Convolution2DTranspose Convolution3D
Convolution3DTranspose Cropping1D Cropping2D Cropping3D CutMix Dense DepthwiseConv1D
DepthwiseConv2D Discretization Dot Dropout ELU EinsumDense Embedding Equalization Flatten GRU
GRUCell GaussianDropout GaussianNoise GlobalAveragePooling1D GlobalAveragePooling2D
GlobalAveragePooling3D GlobalAvgPool1D GlobalAvgPool2D GlobalAvgPool3D GlobalMaxPool1D
GlobalMaxPool2D GlobalMaxPool3D GlobalMaxPooling1D GlobalMaxPooling2D GlobalMaxPooling3D
GroupNormalization GroupQueryAttention HashedCrossing Hashing Identity InputLayer
IntegerLookup LSTM LSTMCell Lambda LayerNormalization LeakyReLU Masking MaxPool1D MaxPool2D
MaxPool3D MaxPooling1D MaxPooling2D MaxPooling3D Maximum MelSpectrogram Minimum MixUp
MultiHeadAttention Multiply Normalization PReLU Permute RMSNormalization RNN RandAugment
RandomBrightness RandomContrast RandomCrop RandomFlip RandomRotation RandomTranslation
RandomZoom ReLU RepeatVector Rescaling Reshape Resizing SeparableConv1D SeparableConv2D
SeparableConvolution1D SeparableConvolution2D SimpleRNN SimpleRNNCell Softmax
SpatialDropout1D SpatialDropout2D SpatialDropout3D SpectralNormalization StackedRNNCells
StringLookup Subtract TextVectorization TimeDistributed UnitNormalization UpSampling1D
UpSampling2D UpSampling3D Wrapper ZeroPadding1D ZeroPadding2D ZeroPadding3D
Merge Highway MaxoutDense LocallyConnected1D LocallyConnected2D ThresholdedReLU CuDNNLSTM
CuDNNGRU AtrousConvolution1D AtrousConvolution2D Deconvolution2D Deconvolution3D
""".split())


class LayerNotAvailableError(_EngineLayerNotAvailable):
    """A Keras layer class that pipeseq does not have (yet).

    Raised by ``from compat.layers import X`` instead of an ``ImportError`` that
    would not say why; the message names the class.
    """

    def __init__(self, name, engine_name=None):
        engine_name = engine_name or name
        self.r_name, self.class_name = f"compat.layers.{name}", engine_name
        NotImplementedError.__init__(
            self, f"compat.layers.{name}: Keras has this layer but pipeseq does not (yet): "
                  f"pipeseq layer class '{engine_name}' is not available.")


def _registry():
    _base._import_all_layers()
    return _base.LAYER_CLASSES


def _is_layer_class(cls):
    return isinstance(cls, type) and not issubclass(cls, _Model)


def TimeDistributedDense(units=None, **kwargs):
    """Keras 1's ``TimeDistributedDense(units)``: ``TimeDistributed(Dense(units))``.

    Input-shape arguments and ``name`` go to the ``TimeDistributed`` wrapper,
    everything else (Keras 1 spellings included) to the ``Dense`` layer.

    >>> layer = TimeDistributedDense(8, input_shape=(5, 3))   # doctest: +SKIP
    """
    warn_once(("TimeDistributedDense", "TimeDistributed(Dense)"),
              "TimeDistributedDense is the Keras 1 spelling; use "
              "`TimeDistributed(Dense(units))` instead.")
    wrapper_kw = {}
    for k in ("input_shape", "batch_input_shape", "batch_size", "name", "trainable"):
        if k in kwargs:
            wrapper_kw[k] = kwargs.pop(k)
    if "input_dim" in kwargs or "input_length" in kwargs:
        if "input_shape" in wrapper_kw or "batch_input_shape" in wrapper_kw:
            raise TypeError("TimeDistributedDense: got `input_dim`/`input_length` and "
                            "`input_shape`/`batch_input_shape`. Pass only `input_shape`.")
        wrapper_kw["input_shape"] = (kwargs.pop("input_length", None), kwargs.pop("input_dim", None))
    if units is not None:
        kwargs["units"] = units
    dense = __getattr__("Dense")(**kwargs)
    return __getattr__("TimeDistributed")(dense, **wrapper_kw)


# Keras 2/3 functional helpers (``concatenate([a, b])``): engine functions, by module.
FUNCTIONS = {"add": "merge", "subtract": "merge", "multiply": "merge", "average": "merge",
             "maximum": "merge", "minimum": "merge", "concatenate": "merge", "dot": "merge"}


def _lookup(name):
    if name in FUNCTIONS:
        import importlib
        module = importlib.import_module(f"pipeseq.layers.{FUNCTIONS[name]}")
        return getattr(module, name, None)
    if name == "merge":   # Keras 1's merge(): the (callable) compat.layers.merge module
        import importlib
        return importlib.import_module(f"{__name__}.merge")
    if name == "TimeDistributedDense":
        return TimeDistributedDense
    if name == "Input":
        return _Input
    if name == "Layer":
        return _Layer
    if name == "InputSpec":
        return _InputSpec
    if name == "Wrapper":
        from pipeseq.layers.wrappers import Wrapper
        return Wrapper
    if name in ("serialize", "deserialize"):     # keras.layers.serialize / deserialize
        return _serialization.serialize_layer if name == "serialize" else \
            _serialization.deserialize_layer
    if name in _specs.LEGACY_CLASSES:
        target, spec = _specs.LEGACY_CLASSES[name]
        engine = _base.get_layer_class(target)
        if engine is None:
            raise LayerNotAvailableError(name, target)
        return make_wrapper(name, engine, spec, __name__)
    engine = _base.get_layer_class(name)
    if engine is None or not _is_layer_class(engine) or name.startswith("_"):
        return None
    spec = _specs.SPECS.get(engine.__name__)
    if spec is None:
        return engine
    return make_wrapper(name, engine, spec, __name__)


def _all_names():
    reg = _registry()
    names = {n for n, c in reg.items() if _is_layer_class(c) and not n.startswith("_")}
    names |= {n for n, (t, _) in _specs.LEGACY_CLASSES.items() if t in reg}
    names |= {"Input", "Layer", "TimeDistributedDense", "InputSpec", "serialize", "deserialize",
              "Wrapper"}
    import importlib
    for fn, mod in FUNCTIONS.items():
        try:
            if hasattr(importlib.import_module(f"pipeseq.layers.{mod}"), fn):
                names.add(fn)
        except ImportError:
            pass
    return sorted(names)


def __getattr__(name):
    if name == "__all__":
        return _all_names()
    if name.startswith("__"):
        raise AttributeError(name)
    if name in _CACHE:
        return _CACHE[name]
    obj = _lookup(name)
    if obj is None and name in KERAS_LAYER_NAMES:
        raise LayerNotAvailableError(name)
    if obj is None:
        raise AttributeError(
            f"module 'compat.layers' has no attribute {name!r}: pipeseq has no layer class "
            f"named {name!r}.{_did_you_mean(name, _all_names())}")
    _CACHE[name] = obj
    return obj


def __dir__():
    return sorted(set(globals()) | set(_all_names()))


# --------------------------------------------------------- Keras 1/2 submodules
# Old code imports layers from submodules (``from keras.layers.core import Dense``). Each old
# path is an alias module in which every name resolves exactly as in ``compat.layers``
# (``compat.layers.merge`` is a real module: it is also Keras 1's callable ``merge()``).
_SUBMODULES = ("advanced_activations", "convolutional", "convolutional_recurrent", "core",
               "embeddings", "local", "noise", "normalization", "pooling", "recurrent", "wrappers")


def _alias_module(sub):
    import sys
    import types
    this = sys.modules[__name__]
    mod = types.ModuleType(f"{__name__}.{sub}",
                           f"Keras 1/2 module path ``keras.layers.{sub}``: the layers of "
                           ":mod:`compat.layers`.")

    def _getattr(name):
        if name.startswith("__") and name != "__all__":
            raise AttributeError(name)
        return getattr(this, name)
    mod.__getattr__ = _getattr
    mod.__dir__ = lambda: dir(this)
    sys.modules[mod.__name__] = mod
    return mod


for _sub in _SUBMODULES:
    globals()[_sub] = _alias_module(_sub)
del _sub
# TF 2.1-2.5's ``tf.keras.layers.experimental.preprocessing.TextVectorization`` (and the other
# preprocessing layers there before they moved to ``keras.layers``).
experimental = _alias_module("experimental")
experimental.preprocessing = _alias_module("experimental.preprocessing")
