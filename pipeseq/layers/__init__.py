"""Layer classes. Each family lives in its own module; all register their Keras class name."""
from .base import Layer, Variable, register, get_layer_class  # noqa: F401
from .input_layer import InputLayer, Input  # noqa: F401
from .core import Dense, Activation, Dropout, Flatten, Reshape  # noqa: F401
from .activation import ReLU, LeakyReLU, PReLU, ELU, Softmax  # noqa: F401
from .normalization import BatchNormalization, LayerNormalization  # noqa: F401
from .core import RepeatVector, Permute  # noqa: F401
from .recurrent import SimpleRNN, LSTM, GRU  # noqa: F401
from .rnn_cells import SimpleRNNCell, LSTMCell, GRUCell  # noqa: F401
from .rnn_stacked import StackedRNNCells, AbstractRNNCell  # noqa: F401
from .rnn_layer import RNN  # noqa: F401
from .conv_lstm import ConvLSTM1D, ConvLSTM2D, ConvLSTM3D  # noqa: F401
from .embedding import Embedding, Masking  # noqa: F401
from .wrappers import Wrapper, TimeDistributed, Bidirectional  # noqa: F401
from .spectral_normalization import SpectralNormalization  # noqa: F401
from .merge import (Add, Subtract, Multiply, Average, Maximum, Minimum,  # noqa: F401
                    Concatenate, Dot)
from .merge_legacy import Merge  # noqa: F401
from .conv import Conv1D, Conv2D  # noqa: F401
from .conv_transpose import Conv1DTranspose, Conv2DTranspose  # noqa: F401
from .conv_depthwise import (DepthwiseConv1D, DepthwiseConv2D, SeparableConv1D,  # noqa: F401
                             SeparableConv2D)
from .pooling import (MaxPooling1D, MaxPooling2D, AveragePooling1D, AveragePooling2D,  # noqa: F401
                      GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalAveragePooling1D,
                      GlobalAveragePooling2D)
from .reshaping import (UpSampling1D, UpSampling2D, ZeroPadding1D, ZeroPadding2D,  # noqa: F401
                        Cropping1D, Cropping2D)
from .noise import (AlphaDropout, GaussianDropout, GaussianNoise, Identity,  # noqa: F401
                    SpatialDropout1D, SpatialDropout2D)
from .einsum_dense import EinsumDense  # noqa: F401
from .attention import Attention, AdditiveAttention  # noqa: F401
from .multi_head_attention import MultiHeadAttention  # noqa: F401
from .grouped_query_attention import GroupQueryAttention  # noqa: F401
from .preprocessing import Normalization, Rescaling  # noqa: F401
from .volumetric import (Conv3D, Conv3DTranspose, MaxPooling3D, AveragePooling3D,  # noqa: F401
                         GlobalMaxPooling3D, GlobalAveragePooling3D, UpSampling3D,
                         ZeroPadding3D, Cropping3D)
from .normalization_group import (GroupNormalization, RMSNormalization,  # noqa: F401
                                  UnitNormalization)
from .regularization import ActivityRegularization, SpatialDropout3D  # noqa: F401
from .pooling_adaptive import (AdaptiveAveragePooling1D, AdaptiveAveragePooling2D,  # noqa: F401
                               AdaptiveAveragePooling3D, AdaptiveMaxPooling1D,
                               AdaptiveMaxPooling2D, AdaptiveMaxPooling3D)
from .activation_legacy import ThresholdedReLU  # noqa: F401
from .preprocessing_image import CenterCrop, RandomFlip, Resizing  # noqa: F401
from .augment_geometric import (RandomCrop, RandomPerspective, RandomRotation,  # noqa: F401
                                RandomShear, RandomTranslation, RandomZoom)
from .augment_color import (RandomBrightness, RandomColorDegeneration,  # noqa: F401
                            RandomContrast, RandomGrayscale, RandomInvert,
                            RandomPosterization, RandomSharpness, Solarization)
from .augment_hsv import (RandomColorJitter, RandomGaussianBlur, RandomHue,  # noqa: F401
                          RandomSaturation)
from .augment_mixing import CutMix, MixUp, RandomErasing  # noqa: F401
from .augment_policies import AugMix, Pipeline, RandAugment  # noqa: F401
from .augment_resize import RandomHeight, RandomWidth  # noqa: F401
from .augment_elastic import RandomElasticTransform  # noqa: F401
from .augment_histogram import (AutoContrast,  # noqa: F401
                                ContrastLimitedAdaptiveHistogramEqualization, Equalization,
                                MaxNumBoundingBoxes)
from .preprocessing_categorical import CategoryEncoding, Discretization  # noqa: F401
from .input_spec import InputSpec  # noqa: F401
from .layer_scale import LayerScale, StochasticDepth  # noqa: F401
from .lambda_layer import Lambda  # noqa: F401
from .op_layer import OpLayer  # noqa: F401
from .locally_connected import LocallyConnected1D, LocallyConnected2D  # noqa: F401
from .reversible_embedding import ReversibleEmbedding  # noqa: F401
