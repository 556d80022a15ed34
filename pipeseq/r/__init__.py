"""The R front end: R keras/keras3's vocabulary in Python, with R's meaning.

``verbs`` (model verbs: compile, fit, freeze_weights, save_model_hdf5, ...), ``layers`` (the
``layer_*`` table), ``vocab`` (optimizer_*/loss_*/metric_*/callback_*/initializer_*...),
``ops`` (``k_*`` backend functions, 1-based axes) over ``array_ops``,
``datasets`` (``dataset_*()`` and ``get_file()``, results as R named lists: ``rlist.RList``),
``preprocessing`` (``array_reshape``, ``pad_sequences``, ``text_tokenizer``..., ``image_*``,
``flow_images_from_*``, ``*_dataset_from_*``),
``applications`` (``application_*`` and their preprocessing helpers).
"""
from .verbs import *  # noqa: F401,F403
from .verbs import __all__ as _verbs_all
from .layers import *  # noqa: F401,F403
from .layers import __all__ as _layers_all
from .vocab import *  # noqa: F401,F403
from .vocab import __all__ as _vocab_all0
from .vocab_training import *  # noqa: F401,F403
from .vocab_training import __all__ as _vocab_training_all
from .vocab_functions import *  # noqa: F401,F403
from .vocab_functions import __all__ as _vocab_functions_all
_vocab_all = list(_vocab_all0) + list(_vocab_training_all) + list(_vocab_functions_all)
del _vocab_all0, _vocab_training_all, _vocab_functions_all
from .ops import *  # noqa: F401,F403
from .ops import __all__ as _ops_all
from .datasets import *  # noqa: F401,F403
from .datasets import __all__ as _datasets_all
from .preprocessing import *  # noqa: F401,F403
from .preprocessing import __all__ as _preprocessing_all
from .applications import *  # noqa: F401,F403
from .applications import __all__ as _apps_all

__all__ = (list(_verbs_all) + list(_layers_all) + list(_vocab_all) + list(_ops_all)
           + list(_datasets_all) + list(_preprocessing_all) + list(_apps_all))
del _verbs_all, _layers_all, _vocab_all, _ops_all, _datasets_all, _preprocessing_all, _apps_all

# Every function of the R front end matches named arguments as R does (exact, then unique prefix).
from .matching import wrap_namespace as _wrap_namespace  # noqa: E402
_wrap_namespace(globals(), __all__)
del _wrap_namespace
