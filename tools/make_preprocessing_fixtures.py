#!/usr/bin/env python
"""Reference outputs of Keras's preprocessing utilities (dev-only; run by make_data_fixtures.py).

    KERAS_BACKEND=tensorflow /work/kerasenv/bin/python tools/make_preprocessing_fixtures.py

Writes into ``tests/fixtures/data/``: ``preprocessing.npz`` (arrays), ``preprocessing.json``
(token indexes, texts, JSON strings, argument tables) and ``images/`` (a few tiny PNGs and
text files in class folders, the inputs of the image/text cases). Every case's inputs are
either literal here or seeded, and recorded next to the outputs.
"""
import json
import os
import random
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(REPO, "tests", "fixtures", "data")

TEXTS = ["The cat sat on the mat.", "The dog ate my homework!", "Cat and dog: friends?",
         "the THE The", "", "mat mat mat dog"]
PAD_CASES = {
    "default": {}, "maxlen3": {"maxlen": 3}, "post": {"padding": "post", "maxlen": 4},
    "trunc_post": {"truncating": "post", "maxlen": 2}, "value": {"value": -1, "maxlen": 5},
    "float": {"dtype": "float32", "value": 0.5},
}
PAD_INPUT = [[1, 2, 3, 4], [5], [], [6, 7, 8, 9, 10, 11], [12, 13]]
TOKENIZER_CASES = {
    "default": {}, "num_words": {"num_words": 5}, "oov": {"oov_token": "<OOV>", "num_words": 6},
    "char": {"char_level": True}, "nolower": {"lower": False, "filters": ""},
    "split": {"split": ",", "filters": "."},
}
TRANSFORMS = {
    "rotate": ({}, {"theta": 30}), "shift": ({}, {"tx": 1.5, "ty": -2}),
    "shear": ({}, {"shear": 20}), "zoom": ({}, {"zx": 0.8, "zy": 1.3}),
    "flip_h": ({}, {"flip_horizontal": True}), "flip_v": ({}, {"flip_vertical": True}),
    "channel_shift": ({}, {"channel_shift_intensity": 10.0}),
    "brightness": ({}, {"brightness": 1.3}),
    "combined": ({}, {"theta": -15, "tx": 1, "ty": 2, "shear": 10, "zx": 1.1, "zy": 0.9,
                      "flip_horizontal": True}),
    "constant": ({"fill_mode": "constant", "cval": 5.0}, {"theta": 40, "zx": 0.7, "zy": 0.7}),
    "reflect": ({"fill_mode": "reflect"}, {"tx": 3, "ty": 3}),
    "wrap": ({"fill_mode": "wrap"}, {"tx": -2, "ty": 4}),
    "order0": ({"interpolation_order": 0}, {"theta": 25}),
    "channels_first": ({"data_format": "channels_first"}, {"theta": 30, "tx": 1}),
}
RANDOM_GENERATOR = {"rotation_range": 20, "width_shift_range": 0.2, "height_shift_range": [1, 2],
                    "shear_range": 10, "zoom_range": 0.2, "horizontal_flip": True,
                    "vertical_flip": True, "channel_shift_range": 5.0,
                    "brightness_range": [0.8, 1.2], "fill_mode": "reflect"}
TIMESERIES_CASES = {
    "basic": {"sequence_length": 4, "batch_size": 3},
    "stride_rate": {"sequence_length": 3, "sequence_stride": 2, "sampling_rate": 2,
                    "batch_size": 2},
    "range": {"sequence_length": 2, "start_index": 3, "end_index": 15, "batch_size": 4},
    "no_targets": {"sequence_length": 5, "batch_size": 5, "targets": None},
}


def sequence_cases(keras, out, meta):
    from keras.src.legacy.preprocessing import sequence as seq
    for case, kw in PAD_CASES.items():
        out[f"pad__{case}"] = keras.utils.pad_sequences(PAD_INPUT, **kw)
    vec = [np.arange(6).reshape(3, 2), np.arange(2).reshape(1, 2) + 10]
    out["pad__vectors"] = keras.utils.pad_sequences(vec, maxlen=2)
    meta["pad"] = {"input": PAD_INPUT, "cases": PAD_CASES}
    out["sampling_table"] = seq.make_sampling_table(12, sampling_factor=1e-2)
    random.seed(1234)
    couples, labels = seq.skipgrams([1, 2, 0, 3, 4, 5, 2], 8, window_size=2, seed=7)
    meta["skipgrams"] = {"couples": couples, "labels": labels}
    random.seed(1234)
    couples, labels = seq.skipgrams([1, 2, 3, 4], 6, window_size=1, negative_samples=0.5,
                                    categorical=True, shuffle=False)
    meta["skipgrams_categorical"] = {"couples": couples, "labels": labels}
    data = np.arange(30).reshape(15, 2)
    targets = np.arange(15) * 10
    for case, kw in {"plain": {"length": 4, "batch_size": 3},
                     "strided": {"length": 3, "sampling_rate": 2, "stride": 2, "batch_size": 2,
                                 "start_index": 1, "end_index": 13},
                     "reverse": {"length": 2, "reverse": True, "batch_size": 5}}.items():
        gen = seq.TimeseriesGenerator(data, targets, **kw)
        out[f"tsgen__{case}__len"] = np.array(len(gen))
        for i in range(len(gen)):
            out[f"tsgen__{case}__x{i}"], out[f"tsgen__{case}__y{i}"] = gen[i]
        meta.setdefault("tsgen", {})[case] = kw


def text_cases(keras, meta):
    from keras.src.legacy.preprocessing import text
    probe = ["the cat and the dog", "unknown words here", "mat"]
    res = {"texts": TEXTS, "probe": probe, "cases": {}}
    for case, kw in TOKENIZER_CASES.items():
        tok = text.Tokenizer(**kw)
        tok.fit_on_texts(TEXTS)
        seqs = tok.texts_to_sequences(probe)
        r = {"kwargs": kw, "word_index": tok.word_index, "word_counts": dict(tok.word_counts),
             "word_docs": dict(tok.word_docs), "index_docs": {str(k): v for k, v in
                                                              tok.index_docs.items()},
             "document_count": tok.document_count, "sequences": seqs,
             "texts_back": tok.sequences_to_texts(seqs), "json": tok.to_json(),
             "matrix": {m: tok.texts_to_matrix(probe, mode=m).tolist()
                        for m in ("binary", "count", "tfidf", "freq")}}
        res["cases"][case] = r
    tok = text.Tokenizer(num_words=7)
    tok.fit_on_sequences([[1, 2, 2], [3, 4], [2, 5, 6]])
    res["from_sequences"] = {"tfidf": tok.sequences_to_matrix([[1, 2, 2, 8]], mode="tfidf")
                             .tolist(), "index_docs": {str(k): v for k, v in
                                                       tok.index_docs.items()}}
    res["word_sequences"] = {
        "default": text.text_to_word_sequence("Hello, World! This is -- Keras."),
        "split": text.text_to_word_sequence("a,b;;c", filters=";", split=","),
        "upper": text.text_to_word_sequence("Keep THE Case", lower=False)}
    res["hashing_md5"] = text.hashing_trick("the cat sat on the mat", 20, hash_function="md5")
    meta["text"] = res


def image_cases(keras, out, meta):
    from keras.src.legacy.preprocessing import image
    rng = np.random.default_rng(7)
    x = rng.uniform(0, 255, (7, 6, 3)).astype("float32")
    out["img__x"] = x
    for case, (gen_kw, params) in TRANSFORMS.items():
        gen = image.ImageDataGenerator(**gen_kw)
        src = np.transpose(x, (2, 0, 1)) if gen_kw.get("data_format") == "channels_first" else x
        out[f"img__{case}"] = gen.apply_transform(src.copy(), params)
    meta["transforms"] = {k: {"generator": g, "params": p} for k, (g, p) in TRANSFORMS.items()}
    batch = rng.uniform(0, 255, (5, 6, 5, 3)).astype("float32")
    out["img__batch"] = batch
    gen = image.ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True,
                                   rescale=1 / 255.)
    gen.fit(batch)
    out["img__fit_mean"], out["img__fit_std"] = gen.mean, gen.std
    out["img__standardized"] = gen.standardize(batch[1].copy() * 1.0)
    gen = image.ImageDataGenerator(samplewise_center=True, samplewise_std_normalization=True)
    out["img__samplewise"] = gen.standardize(batch[2].copy())
    gen = image.ImageDataGenerator(zca_whitening=True)
    gen.fit(batch[:, :3, :3, :])
    out["img__zca_matrix"] = gen.zca_whitening_matrix
    gen = image.ImageDataGenerator(**RANDOM_GENERATOR)
    params = gen.get_random_transform((6, 5, 3), seed=11)
    meta["random_params"] = {"generator": RANDOM_GENERATOR,
                             "params": {k: (None if v is None else float(v))
                                        for k, v in params.items()}}
    it = gen.flow(batch, np.arange(5), batch_size=3, shuffle=True, seed=5)
    out["img__flow_x0"], out["img__flow_y0"] = it[0]
    out["img__flow_x1"], out["img__flow_y1"] = it[1]
    meta["flow"] = {"batch_size": 3, "shuffle": True, "seed": 5}


def file_cases(keras, out, meta, folder):
    """Tiny PNGs and texts in class folders; Keras's readers of them."""
    from keras.src.legacy.preprocessing import image
    from PIL import Image
    rng = np.random.default_rng(3)
    for cls, n in (("cats", 3), ("dogs", 2)):
        os.makedirs(os.path.join(folder, "img", cls), exist_ok=True)
        os.makedirs(os.path.join(folder, "txt", cls), exist_ok=True)
        for i in range(n):
            arr = rng.integers(0, 256, (5, 7, 3)).astype("uint8")
            Image.fromarray(arr, "RGB").save(os.path.join(folder, "img", cls, f"{cls}{i}.png"))
            with open(os.path.join(folder, "txt", cls, f"{cls}{i}.txt"), "w") as fh:
                fh.write(f"{cls} text number {i} " + "word " * i)
    png = os.path.join(folder, "img", "cats", "cats0.png")
    for case, kw in {"plain": {}, "gray": {"color_mode": "grayscale"},
                     "rgba": {"color_mode": "rgba"},
                     "nearest": {"target_size": (3, 4)},
                     "bilinear": {"target_size": (8, 9), "interpolation": "bilinear"},
                     "aspect": {"target_size": (4, 4), "keep_aspect_ratio": True}}.items():
        out[f"load__{case}"] = keras.utils.img_to_array(keras.utils.load_img(png, **kw))
    meta["load_img"] = {"file": "img/cats/cats0.png"}
    for case, kw in {"bilinear": {"image_size": (4, 6)},
                     "nearest": {"image_size": (3, 9), "interpolation": "nearest"},
                     "categorical": {"image_size": (5, 7), "label_mode": "categorical"},
                     "crop": {"image_size": (4, 4), "crop_to_aspect_ratio": True},
                     "gray_binary": {"image_size": (6, 3), "color_mode": "grayscale",
                                     "label_mode": "binary"}}.items():
        ds = keras.utils.image_dataset_from_directory(os.path.join(folder, "img"), batch_size=2,
                                                      shuffle=False, verbose=False, **kw)
        batches = list(ds.as_numpy_iterator())
        out[f"imgds__{case}__x"] = np.concatenate([b[0] for b in batches])
        out[f"imgds__{case}__y"] = np.concatenate([b[1] for b in batches])
        meta.setdefault("image_dataset", {})[case] = {
            "kwargs": {k: list(v) if isinstance(v, tuple) else v for k, v in kw.items()},
            "class_names": ds.class_names, "n_batches": len(batches)}
    ds = keras.utils.image_dataset_from_directory(os.path.join(folder, "img"), shuffle=True,
                                                  seed=9, validation_split=0.4, subset="training",
                                                  image_size=(4, 4), verbose=False)
    meta["image_dataset_split"] = {"file_paths": [os.path.relpath(p, folder)
                                                  for p in ds.file_paths]}
    ds = keras.utils.text_dataset_from_directory(os.path.join(folder, "txt"), batch_size=2,
                                                 shuffle=False, max_length=12, verbose=False)
    texts, labels = [], []
    for xb, yb in ds.as_numpy_iterator():
        texts += [t.decode() for t in xb]
        labels += yb.tolist()
    meta["text_dataset"] = {"texts": texts, "labels": labels, "class_names": ds.class_names}
    gen = image.ImageDataGenerator(rescale=1 / 255.)
    it = gen.flow_from_directory(os.path.join(folder, "img"), target_size=(4, 5), batch_size=4,
                                 shuffle=False, class_mode="sparse")
    out["flowdir__x0"], out["flowdir__y0"] = it[0]
    meta["flow_from_directory"] = {"filenames": it.filenames, "class_indices": it.class_indices}


def timeseries_cases(keras, out, meta):
    data = np.arange(40, dtype="float32").reshape(20, 2)
    targets = np.arange(20) * 3
    for case, kw in TIMESERIES_CASES.items():
        kw = dict(kw)
        t = kw.pop("targets", targets)
        ds = keras.utils.timeseries_dataset_from_array(data, t, **kw)
        batches = list(ds.as_numpy_iterator())
        out[f"ts__{case}__n"] = np.array(len(batches))
        for i, b in enumerate(batches):
            if t is None:
                out[f"ts__{case}__x{i}"] = b
            else:
                out[f"ts__{case}__x{i}"], out[f"ts__{case}__y{i}"] = b
    meta["timeseries"] = {"cases": TIMESERIES_CASES}


def main(out_dir=OUT):
    import keras
    out, meta = {}, {"versions": {"keras": keras.__version__, "numpy": np.__version__}}
    sequence_cases(keras, out, meta)
    text_cases(keras, meta)
    image_cases(keras, out, meta)
    file_cases(keras, out, meta, os.path.join(out_dir, "files"))
    timeseries_cases(keras, out, meta)
    np.savez_compressed(os.path.join(out_dir, "preprocessing.npz"), **out)
    with open(os.path.join(out_dir, "preprocessing.json"), "w") as fh:
        json.dump(meta, fh, indent=1, default=lambda o: o.tolist() if hasattr(o, "tolist")
                  else int(o))
    print("wrote", out_dir)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else OUT)
