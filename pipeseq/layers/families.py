"""The layer families: each module of pipeseq.layers that defines layer classes, and the names
the package exports from it.

``pipeseq.layers`` imports a family on first use of one of its names (``from pipeseq.layers
import Dense`` imports ``core`` only), and :func:`pipeseq.layers.base.get_layer_class` imports
the family of a Keras class name it has not seen yet (every family, for a name listed nowhere:
aliases, classes a family registers without exporting). A new family goes here; tests/
test_startup.py checks that importing every module of the package registers no class that
importing these families does not.
"""

FAMILIES = {
    "input_layer": ["InputLayer", "Input"],
    "core": ["Dense", "Activation", "Dropout", "Flatten", "Reshape", "RepeatVector", "Permute"],
    "activation": ["ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax"],
    "normalization": ["BatchNormalization", "LayerNormalization"],
    "recurrent": ["SimpleRNN", "LSTM", "GRU"],
    "rnn_cells": ["SimpleRNNCell", "LSTMCell", "GRUCell"],
    "rnn_stacked": ["StackedRNNCells", "AbstractRNNCell"],
    "rnn_layer": ["RNN"],
    "conv_lstm": ["ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"],
    "embedding": ["Embedding", "Masking"],
    "wrappers": ["Wrapper", "TimeDistributed", "Bidirectional"],
    "spectral_normalization": ["SpectralNormalization"],
    "merge": [
        "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot"],
    "merge_legacy": ["Merge"],
    "conv": ["Conv1D", "Conv2D"],
    "conv_transpose": ["Conv1DTranspose", "Conv2DTranspose"],
    "conv_depthwise": ["DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D"],
    "pooling": [
        "MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D",
        "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalAveragePooling1D",
        "GlobalAveragePooling2D"],
    "reshaping": [
        "UpSampling1D", "UpSampling2D", "ZeroPadding1D", "ZeroPadding2D", "Cropping1D",
        "Cropping2D"],
    "noise": [
        "AlphaDropout", "GaussianDropout", "GaussianNoise", "Identity", "SpatialDropout1D",
        "SpatialDropout2D"],
    "einsum_dense": ["EinsumDense"],
    "attention": ["Attention", "AdditiveAttention"],
    "multi_head_attention": ["MultiHeadAttention"],
    "grouped_query_attention": ["GroupQueryAttention"],
    "preprocessing": ["Normalization", "Rescaling"],
    "volumetric": [
        "Conv3D", "Conv3DTranspose", "MaxPooling3D", "AveragePooling3D", "GlobalMaxPooling3D",
        "GlobalAveragePooling3D", "UpSampling3D", "ZeroPadding3D", "Cropping3D"],
    "normalization_group": ["GroupNormalization", "RMSNormalization", "UnitNormalization"],
    "regularization": ["ActivityRegularization", "AddLoss", "SpatialDropout3D"],
    "pooling_adaptive": [
        "AdaptiveAveragePooling1D", "AdaptiveAveragePooling2D", "AdaptiveAveragePooling3D",
        "AdaptiveMaxPooling1D", "AdaptiveMaxPooling2D", "AdaptiveMaxPooling3D"],
    "activation_legacy": ["ThresholdedReLU"],
    "preprocessing_image": ["CenterCrop", "RandomFlip", "Resizing"],
    "augment_geometric": [
        "RandomCrop", "RandomPerspective", "RandomRotation", "RandomShear", "RandomTranslation",
        "RandomZoom"],
    "augment_color": [
        "RandomBrightness", "RandomColorDegeneration", "RandomContrast", "RandomGrayscale",
        "RandomInvert", "RandomPosterization", "RandomSharpness", "Solarization"],
    "augment_hsv": ["RandomColorJitter", "RandomGaussianBlur", "RandomHue", "RandomSaturation"],
    "augment_mixing": ["CutMix", "MixUp", "RandomErasing"],
    "augment_policies": ["AugMix", "Pipeline", "RandAugment"],
    "augment_resize": ["RandomHeight", "RandomWidth"],
    "augment_elastic": ["RandomElasticTransform"],
    "augment_histogram": [
        "AutoContrast", "ContrastLimitedAdaptiveHistogramEqualization", "Equalization",
        "MaxNumBoundingBoxes"],
    "preprocessing_categorical": ["CategoryEncoding", "Discretization"],
    "preprocessing_lookup": ["HashedCrossing", "Hashing", "IntegerLookup", "StringLookup"],
    "preprocessing_text": ["TextVectorization"],
    "preprocessing_audio": ["MelSpectrogram", "STFTSpectrogram"],
    "input_spec": ["InputSpec"],
    "layer_scale": ["LayerScale", "StochasticDepth"],
    "lambda_layer": ["Lambda"],
    "op_layer": ["OpLayer"],
    "locally_connected": ["LocallyConnected1D", "LocallyConnected2D"],
    "reversible_embedding": ["ReversibleEmbedding"],
    "tf_op_layer": [],
}

# Keras class name -> family
FAMILY_OF = {name: module for module, names in FAMILIES.items() for name in names}
