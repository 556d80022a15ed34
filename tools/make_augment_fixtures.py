#!/usr/bin/env python
"""Reference outputs of Keras 3's image augmentation layers (dev-only).

    KERAS_BACKEND=tensorflow /work/kerasenv/bin/python tools/make_augment_fixtures.py

Random draws differ between frameworks, so each case pins the randomness down:

* ``transform``: Keras draws a transformation (``get_random_transformation``) and applies it
  (``transform_images``); both the transformation and the output are recorded, and pipeseq
  applies the same transformation;
* ``call``: degenerate factors (e.g. ``factor=(0.3, 0.3)``) make the layer deterministic; the
  output of ``layer(x, training=True)`` is recorded;
* ``inference``: ``layer(x, training=False)``.

Also recorded per layer: ``get_config()`` and the range of 400 draws of each random
parameter. Writes ``tests/fixtures/augment/augment.{npz,json}`` (tiny seeded images).
"""
import json
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(REPO, "tests", "fixtures", "augment")

# case -> (class, kwargs, mode, input shape, data_format of the input)
CASES = {
    "flip_horizontal": ("RandomFlip", {"mode": "horizontal"}, "transform", (4, 3, 4, 2)),
    "flip_both": ("RandomFlip", {}, "transform", (4, 3, 4, 2)),
    "flip_vertical_channels_first": ("RandomFlip", {"mode": "vertical",
                                                    "data_format": "channels_first"},
                                     "transform", (4, 2, 3, 4)),
    "rotation_reflect": ("RandomRotation", {"factor": 0.2}, "transform", (2, 7, 6, 3)),
    "rotation_wrap": ("RandomRotation", {"factor": 0.5, "fill_mode": "wrap"}, "transform",
                      (2, 7, 6, 3)),
    "rotation_constant": ("RandomRotation", {"factor": 0.4, "fill_mode": "constant",
                                             "fill_value": 7.0}, "transform", (2, 7, 6, 3)),
    "rotation_nearest_fill": ("RandomRotation", {"factor": 0.5, "fill_mode": "nearest"},
                              "transform", (2, 7, 6, 3)),
    "rotation_nearest_interp": ("RandomRotation", {"factor": 0.3, "interpolation": "nearest",
                                                   "fill_mode": "constant"},
                                "transform", (2, 7, 6, 3)),
    "rotation_channels_first": ("RandomRotation", {"factor": 0.3,
                                                   "data_format": "channels_first"},
                                "transform", (2, 3, 7, 6)),
    "rotation_call": ("RandomRotation", {"factor": (0.125, 0.125), "fill_mode": "wrap"}, "call",
                      (2, 6, 6, 2)),
    "zoom_out": ("RandomZoom", {"height_factor": (0.4, 0.6), "width_factor": 0.3},
                 "transform", (2, 7, 6, 3)),
    "zoom_in_constant": ("RandomZoom", {"height_factor": (-0.5, -0.3), "fill_mode": "constant"},
                         "transform", (2, 7, 6, 3)),
    "zoom_nearest": ("RandomZoom", {"height_factor": 0.5, "interpolation": "nearest",
                                    "fill_mode": "nearest"}, "transform", (2, 7, 6, 3)),
    "zoom_call": ("RandomZoom", {"height_factor": (0.5, 0.5), "width_factor": (-0.25, -0.25),
                                 "fill_mode": "reflect"}, "call", (2, 6, 5, 2)),
    "translation_reflect": ("RandomTranslation", {"height_factor": 0.9, "width_factor": 0.9},
                            "transform", (2, 7, 6, 3)),
    "translation_wrap": ("RandomTranslation", {"height_factor": 1.0, "width_factor": 0.8,
                                               "fill_mode": "wrap"}, "transform", (2, 7, 6, 3)),
    "translation_constant": ("RandomTranslation", {"height_factor": 0.4, "width_factor": 0.4,
                                                   "fill_mode": "constant", "fill_value": -1.0},
                             "transform", (2, 7, 6, 3)),
    "translation_call": ("RandomTranslation", {"height_factor": (0.25, 0.25),
                                               "width_factor": (-0.5, -0.5),
                                               "interpolation": "nearest"}, "call",
                         (2, 4, 4, 1)),
    "crop_train": ("RandomCrop", {"height": 4, "width": 3, "seed": 5}, "transform",
                   (2, 7, 6, 3)),
    "crop_small": ("RandomCrop", {"height": 8, "width": 4, "seed": 5}, "call", (2, 5, 6, 3)),
    "crop_channels_first": ("RandomCrop", {"height": 3, "width": 2, "seed": 5,
                                           "data_format": "channels_first"}, "transform",
                            (2, 3, 7, 6)),
    "brightness": ("RandomBrightness", {"factor": 0.4}, "transform", (2, 5, 4, 3)),
    "brightness_range": ("RandomBrightness", {"factor": (-0.3, 0.5), "value_range": (0, 1)},
                         "transform", (3, 4, 4, 3)),
    "brightness_call": ("RandomBrightness", {"factor": (0.25, 0.25)}, "call", (2, 4, 4, 3)),
    "contrast": ("RandomContrast", {"factor": 0.5}, "transform", (2, 5, 4, 3)),
    "contrast_range": ("RandomContrast", {"factor": (0.2, 0.9), "value_range": (0, 1)},
                       "transform", (3, 4, 4, 3)),
    "contrast_channels_first": ("RandomContrast", {"factor": 0.8,
                                                   "data_format": "channels_first"},
                                "transform", (2, 3, 4, 5)),
    "shear": ("RandomShear", {"x_factor": 0.4, "y_factor": (0.1, 0.3)}, "transform",
              (2, 7, 6, 3)),
    "shear_constant_nearest": ("RandomShear", {"x_factor": 0.8, "fill_mode": "constant",
                                               "interpolation": "nearest", "fill_value": 3.0},
                               "transform", (2, 7, 6, 3)),
    "perspective": ("RandomPerspective", {"factor": 1.0, "scale": 0.6}, "transform",
                    (3, 7, 6, 3)),
    "perspective_nearest": ("RandomPerspective", {"factor": 0.6, "scale": 0.9,
                                                  "interpolation": "nearest", "fill_value": 9.0},
                            "transform", (3, 7, 6, 3)),
    "color_degeneration": ("RandomColorDegeneration", {"factor": 0.7}, "transform",
                           (3, 4, 5, 3)),
    "color_degeneration_call": ("RandomColorDegeneration", {"factor": (0.4, 0.4),
                                                            "data_format": "channels_first"},
                                "call", (2, 3, 4, 5)),
    "grayscale": ("RandomGrayscale", {"factor": 0.5}, "transform", (4, 4, 5, 3)),
    "grayscale_call": ("RandomGrayscale", {"factor": 1.0, "data_format": "channels_first"},
                       "call", (2, 3, 4, 5)),
    "invert": ("RandomInvert", {"factor": 0.6}, "transform", (4, 4, 5, 3)),
    "invert_call": ("RandomInvert", {"factor": (1.0, 1.0), "value_range": (0, 1)}, "call",
                    (2, 4, 5, 3)),
    "posterization": ("RandomPosterization", {"factor": (2, 6)}, "transform", (3, 4, 5, 3)),
    "posterization_call": ("RandomPosterization", {"factor": (3, 3), "value_range": (0, 1)},
                           "call", (2, 4, 5, 3)),
    "solarization": ("Solarization", {"addition_factor": 0.3, "threshold_factor": 0.6},
                     "transform", (3, 4, 5, 3)),
    "solarization_range": ("Solarization", {"addition_factor": (0.1, 0.2),
                                            "threshold_factor": (0.4, 0.7),
                                            "value_range": (0, 1)}, "transform", (3, 4, 5, 3)),
    "sharpness": ("RandomSharpness", {"factor": 0.8}, "transform", (3, 5, 6, 3)),
    "sharpness_call": ("RandomSharpness", {"factor": (0.1, 0.1),
                                           "data_format": "channels_first"}, "call",
                       (2, 3, 5, 6)),
    "hue": ("RandomHue", {"factor": 0.8}, "transform", (3, 4, 5, 3)),
    "hue_range": ("RandomHue", {"factor": (0.2, 0.9), "value_range": (0, 1),
                                "data_format": "channels_first"}, "transform", (3, 3, 4, 5)),
    "saturation": ("RandomSaturation", {"factor": (0.2, 0.8)}, "transform", (3, 4, 5, 3)),
    "saturation_call": ("RandomSaturation", {"factor": (0.3, 0.3), "value_range": (0, 1)},
                        "call", (2, 4, 5, 3)),
    "color_jitter_call": ("RandomColorJitter", {"brightness_factor": (0.1, 0.1),
                                                "contrast_factor": 0.0,
                                                "saturation_factor": (0.7, 0.7)}, "call",
                          (2, 4, 5, 3)),
    "gaussian_blur": ("RandomGaussianBlur", {"factor": 0.7, "kernel_size": 3,
                                             "sigma": (0.5, 1.0)}, "transform", (3, 5, 6, 3)),
    "gaussian_blur_call": ("RandomGaussianBlur", {"factor": (1.0, 1.0), "kernel_size": 5,
                                                  "sigma": (0.8, 0.8),
                                                  "data_format": "channels_first"}, "call",
                           (2, 3, 6, 5)),
    "mix_up": ("MixUp", {"alpha": 0.4}, "transform", (4, 4, 5, 3)),
    "mix_up_channels_first": ("MixUp", {"alpha": 1.0, "data_format": "channels_first"},
                              "transform", (3, 3, 4, 5)),
    "cut_mix": ("CutMix", {"factor": 0.8}, "transform", (4, 6, 5, 3)),
    "cut_mix_channels_first": ("CutMix", {"data_format": "channels_first"}, "transform",
                               (3, 3, 6, 5)),
    "erasing": ("RandomErasing", {"factor": 0.9}, "transform", (4, 6, 5, 3)),
    "erasing_fill": ("RandomErasing", {"scale": (0.2, 0.6), "fill_value": 30.0,
                                       "data_format": "channels_first"}, "transform",
                     (3, 3, 6, 5)),
    "auto_contrast_call": ("AutoContrast", {}, "call", (2, 5, 4, 3)),
    "auto_contrast_inference": ("AutoContrast", {"value_range": (0, 1)}, "inference",
                                (2, 5, 4, 3)),
    "equalization_call": ("Equalization", {}, "call", (2, 6, 5, 3)),
    "equalization_bins": ("Equalization", {"bins": 32, "value_range": (0, 1),
                                           "data_format": "channels_first"}, "call",
                          (2, 3, 6, 5)),
    "equalization_inference": ("Equalization", {}, "inference", (2, 4, 4, 3)),
    "clahe_call": ("ContrastLimitedAdaptiveHistogramEqualization",
                   {"tile_grid_size": (2, 2), "clip_limit": 2.0}, "call", (2, 7, 6, 3)),
    "clahe_inference": ("ContrastLimitedAdaptiveHistogramEqualization",
                        {"tile_grid_size": (3, 2), "value_range": (0, 1),
                         "data_format": "channels_first"}, "inference", (2, 3, 8, 6)),
    "rand_augment": ("RandAugment", {"num_ops": 3, "factor": 0.4}, "transform",
                     (2, 8, 7, 3)),
    "rand_augment_channels_first": ("RandAugment", {"num_ops": 4, "factor": 0.6,
                                                    "data_format": "channels_first"},
                                    "transform", (2, 3, 8, 7)),
    "aug_mix": ("AugMix", {"factor": 0.4, "num_chains": 3, "chain_depth": 3}, "transform",
                (2, 8, 7, 3)),
    "aug_mix_few_ops": ("AugMix", {"all_ops": False, "alpha": 0.5, "chain_depth": 4},
                        "transform", (2, 8, 7, 3)),
}

# tf.keras layers (not in Keras 3), with degenerate factors: case -> (class, kwargs, shape)
TF_KERAS_CASES = {
    "height_up": ("RandomHeight", {"factor": (0.5, 0.5)}, (2, 6, 5, 3)),
    "height_down_nearest": ("RandomHeight", {"factor": (-0.4, -0.4),
                                             "interpolation": "nearest"}, (2, 7, 5, 3)),
    "width_up": ("RandomWidth", {"factor": (0.3, 0.3)}, (2, 5, 7, 3)),
    "width_down": ("RandomWidth", {"factor": (-0.5, -0.5)}, (2, 5, 8, 3)),
}

# layer -> (kwargs, transformation key(s) whose ranges are recorded)
DRAWS = {
    "RandomRotation": ({"factor": (-0.2, 0.3)}, ["angle"]),
    "RandomZoom": ({"height_factor": (-0.3, 0.4), "width_factor": (0.1, 0.2)},
                   ["height_zoom", "width_zoom"]),
    "RandomTranslation": ({"height_factor": (-0.1, 0.3), "width_factor": 0.5},
                          ["translations"]),
    "RandomBrightness": ({"factor": (-0.2, 0.6)}, ["rgb_delta"]),
    "RandomContrast": ({"factor": (0.3, 0.6)}, ["contrast_factor"]),
    "RandomShear": ({"x_factor": (0.2, 0.5), "y_factor": 0.3}, ["shear_factor"]),
    "RandomPerspective": ({"scale": 0.5}, ["end_points"]),
    "RandomColorDegeneration": ({"factor": (0.2, 0.9)}, ["factor"]),
    "RandomInvert": ({"factor": (0.0, 1.0)}, ["apply_inversion"]),
    "RandomPosterization": ({"factor": (2, 7)}, ["shift_factor"]),
    "Solarization": ({"addition_factor": (0.1, 0.5), "threshold_factor": 0.8},
                     ["additions", "thresholds"]),
    "RandomSharpness": ({"factor": (0.2, 0.7)}, ["factor"]),
    "RandomHue": ({"factor": (0.2, 0.6)}, ["factor"]),
    "RandomSaturation": ({"factor": (0.1, 0.9)}, ["factor"]),
    "MixUp": ({"alpha": 0.5}, ["mix_weight"]),
    "CutMix": ({"factor": 0.7}, ["mix_weight"]),
}


def images(shape, seed, value_range=(0, 255)):
    rng = np.random.default_rng(seed)
    return rng.uniform(value_range[0], value_range[1], size=shape).astype("float32")


def jsonable(v):
    if isinstance(v, dict):
        return {k: jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    if hasattr(v, "numpy"):
        v = v.numpy()
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return float(v)
    return v


def encode(t, prefix, arrays):
    """A (nested) transformation as JSON; arrays go to ``arrays`` under their key path
    (top-level keys as ``"array"``, nested ones as ``{"__array__": key}``)."""
    def enc(v, path, top):
        if isinstance(v, dict):
            return {k: enc(x, f"{path}__{k}", False) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [enc(x, f"{path}__{i}", False) for i, x in enumerate(v)]
        if hasattr(v, "shape") and (len(v.shape) > 0 or not top):
            arrays[path] = np.asarray(v)
            return "array" if top else {"__array__": path}
        return jsonable(v)
    return {k: enc(v, f"{prefix}__{k}", True) for k, v in t.items()}


# RandomElasticTransform draws its noise inside TensorFlow; these cases replay Keras's
# algorithm (the backend ops its elastic_transform calls) on a recorded noise field.
ELASTIC_CASES = {
    "elastic_reflect": ({"factor": 1.0, "scale": (0.6, 0.9)}, (2, 24, 20, 3), 0.8),
    "elastic_constant_nearest": ({"fill_mode": "constant", "fill_value": 5.0,
                                  "interpolation": "nearest"}, (2, 20, 22, 2), 1.0),
    "elastic_wrap": ({"fill_mode": "wrap"}, (2, 21, 20, 1), 0.7),
    "elastic_nearest_small": ({"fill_mode": "nearest"}, (2, 9, 8, 3), 1.0),
}


def elastic_cases(keras, arrays, meta):
    from keras import ops
    meta["elastic"] = {}
    for i, (case, (kw, shape, d)) in enumerate(sorted(ELASTIC_CASES.items())):
        layer = keras.layers.RandomElasticTransform(**kw)
        x = images(shape, 100 + i)
        rng = np.random.default_rng(200 + i)
        noise = rng.normal(size=shape[:3]).astype("float32")
        apply = np.array([True, False] * (shape[0] // 2))
        n, h, w, c = shape
        alpha, sigma = layer.get_elastic_transform_params(h, w, np.float32(d))
        k = 6 * int(sigma) | 1
        field = np.asarray(ops.image.gaussian_blur(noise[..., None] * np.float32(sigma),
                                                   kernel_size=(k, k), sigma=(sigma, sigma)))
        field = np.float32(alpha) * field[..., 0]
        gx, gy = np.meshgrid(np.arange(w, dtype="float32"), np.arange(h, dtype="float32"))
        order = 0 if layer.interpolation == "nearest" else 1
        out = np.stack([np.stack([np.asarray(ops.image.map_coordinates(
            x[b, ..., ch], [gy + field[b], gx + field[b]], order=order,
            fill_mode=layer.fill_mode, fill_value=layer.fill_value)) for ch in range(c)],
            axis=-1) for b in range(n)])
        out = np.clip(np.where(apply[:, None, None, None], out, x), *layer.value_range)
        arrays.update({f"{case}__x": x, f"{case}__noise": noise, f"{case}__apply": apply,
                       f"{case}__y": out.astype("float32")})
        meta["elastic"][case] = {"kwargs": jsonable(kw), "distortion_factor": d,
                                 "config": jsonable({k2: v for k2, v in
                                                     layer.get_config().items()
                                                     if k2 not in ("dtype", "name")})}


def main():
    import keras
    import tensorflow as tf
    keras.utils.set_random_seed(1234)
    arrays, meta = {}, {"versions": {"keras": keras.__version__, "tensorflow": tf.__version__},
                        "cases": {}, "draws": {}, "tf_keras_cases": {}}
    for i, (case, (cls, kw, mode, shape)) in enumerate(sorted(CASES.items())):
        layer = getattr(keras.layers, cls)(**kw)
        vr = kw.get("value_range", (0, 255))
        x = images(shape, i, vr)
        arrays[f"{case}__x"] = x
        entry = {"class": cls, "kwargs": jsonable(kw), "mode": mode,
                 "config": jsonable({k: v for k, v in layer.get_config().items()
                                     if k not in ("dtype", "name")})}
        if mode == "transform":
            t = layer.get_random_transformation(x, training=True, seed=None)
            y = layer.transform_images(tf.constant(x), t, training=True)
            if isinstance(t, dict):
                entry["transformation"] = encode(t, f"{case}__t", arrays)
            else:
                entry["transformation"] = jsonable(t)
        elif mode == "call":
            y = layer(x, training=True)
        else:
            y = layer(x, training=False)
        arrays[f"{case}__y"] = np.asarray(y)
        if mode == "transform" and cls in ("MixUp", "CutMix"):
            labels = np.eye(shape[0], dtype="float32")[::-1]
            arrays[f"{case}__labels"] = labels
            arrays[f"{case}__labels_y"] = np.asarray(layer.transform_labels(labels, t))
        meta["cases"][case] = entry
    for cls, (kw, keys) in sorted(DRAWS.items()):
        layer = getattr(keras.layers, cls)(**kw)
        t = layer.get_random_transformation(np.zeros((400, 4, 4, 3), "float32"), training=True)
        meta["draws"][cls] = {"kwargs": jsonable(kw), "ranges": {}}
        for k in keys:
            v = np.asarray(t[k])
            v = v.reshape(len(v), -1)
            meta["draws"][cls]["ranges"][k] = [v.min(axis=0).tolist(), v.max(axis=0).tolist()]
    elastic_cases(keras, arrays, meta)
    import tf_keras
    for case, (cls, kw, shape) in sorted(TF_KERAS_CASES.items()):
        x = images(shape, len(case))
        arrays[f"{case}__x"] = x
        layer = getattr(tf_keras.layers, cls)(**kw)
        arrays[f"{case}__y"] = np.asarray(layer(x, training=True))
        meta["tf_keras_cases"][case] = {"class": cls, "kwargs": jsonable(kw), "config": jsonable(
            {k: v for k, v in layer.get_config().items() if k not in ("dtype", "name")})}
    layer = keras.layers.MaxNumBoundingBoxes(max_number=3, fill_value=-2,
                                             bounding_box_format="xyxy")
    for n_boxes in (2, 5):
        boxes = np.arange(2 * n_boxes * 4, dtype="float32").reshape(2, n_boxes, 4)
        labels = np.arange(2 * n_boxes, dtype="float32").reshape(2, n_boxes)
        out = layer({"images": images((2, 4, 4, 3), 0),
                     "bounding_boxes": {"boxes": boxes, "labels": labels}})
        arrays[f"boxes{n_boxes}__in"] = boxes
        arrays[f"boxes{n_boxes}__boxes"] = np.asarray(out["bounding_boxes"]["boxes"])
        arrays[f"boxes{n_boxes}__labels"] = np.asarray(out["bounding_boxes"]["labels"])
    meta["max_num_bounding_boxes"] = jsonable(layer.get_config())
    os.makedirs(OUT, exist_ok=True)
    np.savez_compressed(os.path.join(OUT, "augment.npz"), **arrays)
    with open(os.path.join(OUT, "augment.json"), "w") as f:
        json.dump(meta, f, indent=1, sort_keys=True)
    print("wrote", len(meta["cases"]), "cases to", OUT)


if __name__ == "__main__":
    main()
