"""Backend array functions for custom losses and metrics (Keras's ``K.*``), on NumPy.

These are the functions a hand-written loss or metric calls --
``K.mean(K.square(y_pred - y_true), axis=-1)`` -- with Keras's names,
signatures and **0-based** axes. They take anything array-like and return
NumPy arrays, keeping the input's float dtype (no silent float64 upcast).
``compat.backend`` re-exports them as ``K``; the pipe DSL wraps them with
1-based axes for R's ``k_*`` / ``op_*`` functions.

Modules: :mod:`.math` (numerics, reductions, elementwise, comparisons),
:mod:`.arrays` (linear algebra, shapes, constructors, introspection),
:mod:`.losses` (backend losses).

They are built on :mod:`pipeseq.ops`, so a loss, metric or ``Lambda`` written
with them is differentiated exactly (autograd) and works on the symbolic
tensors of a functional model.

Example
-------
>>> import numpy as np
>>> from pipeseq.r import array_ops as K
>>> y_true = np.array([[0., 1.], [1., 0.]], "float32")
>>> y_pred = np.array([[0.1, 0.9], [0.8, 0.2]], "float32")
>>> K.mean(K.square(y_pred - y_true), axis=-1)
array([0.01, 0.04], dtype=float32)
"""
from .math import *  # noqa: F401,F403
from .arrays import *  # noqa: F401,F403
from .losses import *  # noqa: F401,F403

__all__ = [
    "epsilon", "set_epsilon", "floatx", "set_floatx", "cast_to_floatx", "cast",
    "mean", "sum", "prod", "max", "min", "std", "var", "any", "all", "argmax", "argmin",
    "logsumexp", "cumsum", "cumprod",
    "square", "sqrt", "abs", "exp", "log", "log1p", "expm1", "sign", "round", "floor", "ceil",
    "pow", "clip", "maximum", "minimum", "negative",
    "sin", "cos", "tanh", "sigmoid", "hard_sigmoid", "relu", "softmax", "softplus", "softsign",
    "elu", "l2_normalize",
    "equal", "not_equal", "greater", "greater_equal", "less", "less_equal", "switch", "where",
    "dot", "batch_dot", "matmul", "transpose", "reshape", "flatten", "batch_flatten",
    "concatenate", "stack", "expand_dims", "squeeze", "tile", "repeat", "gather", "one_hot",
    "ones", "zeros", "ones_like", "zeros_like", "eye", "constant", "arange",
    "shape", "int_shape", "ndim", "dtype", "count_params", "eval", "get_value",
    "variable", "is_tensor", "stop_gradient", "categorical_crossentropy",
    "binary_crossentropy", "sparse_categorical_crossentropy",
]
