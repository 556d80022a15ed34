"""R keras3's ``application_*`` functions and their preprocessing helpers.

``application_xception(weights="imagenet", include_top=False, pooling="avg")`` returns the
model of :func:`pipeseq.applications.Xception`, remembering which family it belongs to, so
``application_preprocess_inputs(model, x)`` and ``application_decode_predictions(model,
preds)`` apply that family's ``preprocess_input`` / ``decode_predictions``. As in R, the
caller's ``x`` is never modified (it is copied first). ``imagenet_preprocess_input`` and the
per-family ``*_preprocess_input`` helpers of R keras are here too.

Example
-------
>>> base = application_mobilenet_v2(weights=None, include_top=False, alpha=0.35,
...                                 input_shape=(32, 32, 3), pooling="avg")
>>> base.output_shape
(None, 1280)
>>> import numpy as np
>>> application_preprocess_inputs(base, np.full((1, 2, 2, 3), 255.0))[0, 0, 0]
array([1., 1., 1.])
"""
import importlib

import numpy as np

# R name -> (Keras function, pipeseq.applications module)
R_APPLICATIONS = {
    "application_xception": ("Xception", "xception"),
    "application_vgg16": ("VGG16", "vgg16"),
    "application_vgg19": ("VGG19", "vgg19"),
    "application_resnet50": ("ResNet50", "resnet"),
    "application_resnet101": ("ResNet101", "resnet"),
    "application_resnet152": ("ResNet152", "resnet"),
    "application_resnet50_v2": ("ResNet50V2", "resnet_v2"),
    "application_resnet101_v2": ("ResNet101V2", "resnet_v2"),
    "application_resnet152_v2": ("ResNet152V2", "resnet_v2"),
    "application_inception_v3": ("InceptionV3", "inception_v3"),
    "application_inception_resnet_v2": ("InceptionResNetV2", "inception_resnet_v2"),
    "application_mobilenet": ("MobileNet", "mobilenet"),
    "application_mobilenet_v2": ("MobileNetV2", "mobilenet_v2"),
    "application_mobilenet_v3_small": ("MobileNetV3Small", "mobilenet_v3"),
    "application_mobilenet_v3_large": ("MobileNetV3Large", "mobilenet_v3"),
    "application_densenet121": ("DenseNet121", "densenet"),
    "application_densenet169": ("DenseNet169", "densenet"),
    "application_densenet201": ("DenseNet201", "densenet"),
    "application_nasnet_mobile": ("NASNetMobile", "nasnet"),
    "application_nasnetmobile": ("NASNetMobile", "nasnet"),
    "application_nasnet_large": ("NASNetLarge", "nasnet"),
    "application_nasnetlarge": ("NASNetLarge", "nasnet"),
    "application_convnext_tiny": ("ConvNeXtTiny", "convnext"),
    "application_convnext_small": ("ConvNeXtSmall", "convnext"),
    "application_convnext_base": ("ConvNeXtBase", "convnext"),
    "application_convnext_large": ("ConvNeXtLarge", "convnext"),
    "application_convnext_xlarge": ("ConvNeXtXLarge", "convnext"),
    **{f"application_efficientnet_b{i}": (f"EfficientNetB{i}", "efficientnet") for i in range(8)},
}

# R keras's per-family preprocess helpers -> module
R_PREPROCESS = {
    "xception_preprocess_input": "xception",
    "inception_v3_preprocess_input": "inception_v3",
    "inception_resnet_v2_preprocess_input": "inception_resnet_v2",
    "mobilenet_preprocess_input": "mobilenet",
    "mobilenet_v2_preprocess_input": "mobilenet_v2",
    "mobilenet_v3_preprocess_input": "mobilenet_v3",
    "densenet_preprocess_input": "densenet",
    "nasnet_preprocess_input": "nasnet",
    "resnet_preprocess_input": "resnet",
    "resnet_v2_preprocess_input": "resnet_v2",
    "vgg16_preprocess_input": "vgg16",
    "vgg19_preprocess_input": "vgg19",
    "efficientnet_preprocess_input": "efficientnet",
    "convnext_preprocess_input": "convnext",
}


def _module(name):
    return importlib.import_module(f"pipeseq.applications.{name}")


def _r_copy(x):
    """R values are never modified in place: work on a float copy of ``x``."""
    x = np.array(x, copy=True)
    return x if x.dtype.kind == "f" else x.astype("float32")


def _make_application(r_name, fn_name, module):
    def application(*args, **kwargs):
        if "model_name" in kwargs:                 # keras3's argument name for `name`
            kwargs["name"] = kwargs.pop("model_name")
        if "classes" in kwargs and kwargs["classes"] is not None:
            kwargs["classes"] = int(kwargs["classes"])
        if kwargs.get("input_shape") is not None:
            kwargs["input_shape"] = tuple(None if d is None else int(d)
                                          for d in kwargs["input_shape"])
        model = getattr(_module(module), fn_name)(*args, **kwargs)
        model._application_module = module
        return model
    application.__name__ = application.__qualname__ = r_name
    application.__doc__ = (
        f"R ``{r_name}()``: :func:`pipeseq.applications.{module}.{fn_name}` with the same "
        "arguments (``weights='imagenet'``, ``include_top``, ``input_shape``, ``pooling``, "
        "``classes``, ...).\n\n    Example\n    -------\n"
        f"    >>> base = {r_name}(weights='imagenet', include_top=False, pooling='avg')"
        "  # doctest: +SKIP\n")
    return application


def _family(model, what):
    module = getattr(model, "_application_module", None)
    if module is None:
        raise ValueError(f"{what}: no preprocessing/decoding utilities found for this model. The "
                         "`model` argument must be created using the `application_` functions. "
                         f"Received: model={getattr(model, 'name', model)!r}")
    return _module(module)


def application_preprocess_inputs(model, x=None, data_format=None, **kwargs):
    """``x`` preprocessed as ``model``'s family expects (a copy); without ``x``, the function.

    Example
    -------
    >>> x = application_preprocess_inputs(model, images)  # doctest: +SKIP
    """
    mod = _family(model, "application_preprocess_inputs")
    if x is None:
        return lambda x, **kw: mod.preprocess_input(_r_copy(x), data_format=data_format,
                                                    **{**kwargs, **kw})
    return mod.preprocess_input(_r_copy(x), data_format=data_format, **kwargs)


def application_decode_predictions(model, preds=None, top=5, **kwargs):
    """``[(class_name, class_description, score), ...]`` per sample, via the model's family.

    Example
    -------
    >>> application_decode_predictions(model, model.predict(x), top=3)  # doctest: +SKIP
    """
    mod = _family(model, "application_decode_predictions")
    if preds is None:
        return lambda preds: mod.decode_predictions(np.asarray(preds), top=int(top))
    return mod.decode_predictions(np.asarray(preds), top=int(top))


def imagenet_preprocess_input(x, data_format=None, mode="caffe"):
    """R keras's ``imagenet_preprocess_input()`` (on a copy of ``x``).

    Example
    -------
    >>> imagenet_preprocess_input([[[[255, 255, 255]]]], mode="tf")
    array([[[[1., 1., 1.]]]], dtype=float32)
    """
    from ..applications import imagenet_utils
    return imagenet_utils.preprocess_input(_r_copy(x), data_format=data_format, mode=mode)


def imagenet_decode_predictions(preds, top=5):
    """R keras's ``imagenet_decode_predictions()``.

    Example
    -------
    >>> imagenet_decode_predictions(preds, top=5)  # doctest: +SKIP
    """
    from ..applications import imagenet_utils
    return imagenet_utils.decode_predictions(np.asarray(preds), top=int(top))


def _make_preprocess(r_name, module):
    def preprocess(x, data_format=None):
        return _module(module).preprocess_input(_r_copy(x), data_format=data_format)
    preprocess.__name__ = preprocess.__qualname__ = r_name
    preprocess.__doc__ = (f"R ``{r_name}()``: :func:`pipeseq.applications.{module}."
                          "preprocess_input` on a copy of ``x``.\n\n    Example\n    -------\n"
                          f"    >>> x = {r_name}(images)  # doctest: +SKIP\n")
    return preprocess


__all__ = ["application_preprocess_inputs", "application_decode_predictions",
           "imagenet_preprocess_input", "imagenet_decode_predictions"]
for _r, (_fn, _mod) in R_APPLICATIONS.items():
    globals()[_r] = _make_application(_r, _fn, _mod)
    __all__.append(_r)
for _r, _mod in R_PREPROCESS.items():
    globals()[_r] = _make_preprocess(_r, _mod)
    __all__.append(_r)
