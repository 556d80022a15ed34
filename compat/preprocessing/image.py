"""``keras.preprocessing.image``: ``ImageDataGenerator`` and its iterators, the random and
affine transforms, ``load_img``, ``img_to_array``, ``array_to_img``, ``save_img``,
``smart_resize`` (Pillow is the ``image`` extra: ``pip install pipeseq[image]``).

Keras 1's ``ImageDataGenerator(dim_ordering="th")`` is ``data_format="channels_first"``
(``"tf"``: ``"channels_last"``), with a ``DeprecationWarning``.

Example
-------
>>> import warnings
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore")
...     ImageDataGenerator(dim_ordering="th").data_format
'channels_first'
"""
from pipeseq.preprocessing import image_generator as _engine
from pipeseq.preprocessing.image_dataframe import DataFrameIterator  # noqa: F401
from pipeseq.preprocessing.image_iterators import (DirectoryIterator, Iterator,  # noqa: F401
                                                   NumpyArrayIterator)
from pipeseq.preprocessing.image_transforms import (apply_affine_transform,  # noqa: F401
                                                    apply_brightness_shift, apply_channel_shift,
                                                    random_brightness, random_channel_shift,
                                                    random_rotation, random_shear, random_shift,
                                                    random_zoom)
from pipeseq.preprocessing.image_utils import (array_to_img, img_to_array, load_img,  # noqa: F401
                                               save_img, smart_resize)

from .._legacy import Spec, make_wrapper

ImageDataGenerator = make_wrapper(
    "ImageDataGenerator", _engine.ImageDataGenerator,
    Spec(renames={"dim_ordering": "data_format"},
         values={"dim_ordering": {"th": "channels_first", "tf": "channels_last",
                                  "default": None}}), __name__)

__all__ = ["ImageDataGenerator", "Iterator", "NumpyArrayIterator", "DirectoryIterator",
           "DataFrameIterator", "apply_affine_transform", "apply_brightness_shift",
           "apply_channel_shift", "random_brightness", "random_channel_shift", "random_rotation",
           "random_shear", "random_shift", "random_zoom", "array_to_img", "img_to_array",
           "load_img", "save_img", "smart_resize"]
