"""Metrics: Keras's streaming metrics (``update_state`` / ``result`` / ``reset_state``).

* :mod:`.base` — the ``Metric`` base, ``Mean``, ``MeanMetricWrapper``, the accuracy
  functions and classes, and ``get`` (names, classes, configs, functions).
* :mod:`.confusion` — TruePositives…, Precision, Recall, the "X at Y" metrics, AUC.
* :mod:`.fscore_iou` — F1Score, FBetaScore and the IoU family.
* :mod:`.regression` — R2Score, RootMeanSquaredError, correlations, Accuracy, Sum, and
  the class forms of the loss metrics (MeanSquaredError, BinaryCrossentropy, …).

Example
-------
>>> from pipeseq.training.metrics import get
>>> get("auc")
<AUC name=auc>
"""
from .base import *  # noqa: F401,F403
from .base import (_ALIASES, _FUNCTIONS, _REGISTRY, ALL_NAMES, METRIC_CLASSES,  # noqa: F401
                   Mean, MeanMetricWrapper, Metric, get, register, resolve_accuracy,
                   resolve_crossentropy, snake_case)
from .confusion import (AUC, FalseNegatives, FalsePositives, Precision,  # noqa: F401
                        PrecisionAtRecall, Recall, RecallAtPrecision, SensitivityAtSpecificity,
                        SpecificityAtSensitivity, TrueNegatives, TruePositives)
from .fscore_iou import (BinaryIoU, F1Score, FBetaScore, IoU, MeanIoU, OneHotIoU,  # noqa: F401
                         OneHotMeanIoU)
from .regression import (Accuracy, BinaryCrossentropy, CategoricalCrossentropy,  # noqa: F401
                         CategoricalHinge, ConcordanceCorrelation, CosineSimilarity, Hinge,
                         KLDivergence, LogCoshError, MeanAbsoluteError, MeanAbsolutePercentageError,
                         MeanSquaredError, MeanSquaredLogarithmicError, PearsonCorrelation, Poisson,
                         R2Score, RootMeanSquaredError, SparseCategoricalCrossentropy, SquaredHinge,
                         Sum, accuracy, concordance_correlation, pearson_correlation)

for _c in METRIC_CLASSES.values():
    register(_c)
register(Mean)
_FUNCTIONS.setdefault("pearson_correlation", pearson_correlation)
_FUNCTIONS.setdefault("concordance_correlation", concordance_correlation)
del _c
