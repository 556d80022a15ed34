"""The R front end: R keras/keras3's vocabulary in Python, with R's meaning.

``verbs`` (model verbs: compile, fit, freeze_weights, save_model_hdf5, ...), ``layers`` (the
``layer_*`` table), ``vocab`` (optimizer_*/loss_*/metric_*/callback_*/initializer_*...),
``ops`` (``k_*`` backend functions, 1-based axes) over ``array_ops``, ``applications``
(``application_*`` and their preprocessing helpers).
"""
from .verbs import *  # noqa: F401,F403
from .verbs import __all__ as _verbs_all
from .layers import *  # noqa: F401,F403
from .layers import __all__ as _layers_all
from .vocab import *  # noqa: F401,F403
from .vocab import __all__ as _vocab_all
from .ops import *  # noqa: F401,F403
from .ops import __all__ as _ops_all
from .applications import *  # noqa: F401,F403
from .applications import __all__ as _apps_all

__all__ = list(_verbs_all) + list(_layers_all) + list(_vocab_all) + list(_ops_all) + list(_apps_all)
del _verbs_all, _layers_all, _vocab_all, _ops_all, _apps_all
