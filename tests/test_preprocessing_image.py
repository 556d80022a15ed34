"""Image preprocessing and Keras 3's dataset utilities against real Keras's outputs
(tests/fixtures/data, made by tools/make_preprocessing_fixtures.py)."""
import json
import os
import shutil

import numpy as np
import pytest

from compat.preprocessing.image import (ImageDataGenerator, apply_affine_transform, array_to_img,
                                        img_to_array, load_img, save_img)
from compat.utils import (image_dataset_from_directory, split_dataset,
                          text_dataset_from_directory, timeseries_dataset_from_array)
from pipeseq.training.data_adapters import PyDataset

FIX = os.path.join(os.path.dirname(__file__), "fixtures", "data")
FILES = os.path.join(FIX, "files")
REF = np.load(os.path.join(FIX, "preprocessing.npz"))
with open(os.path.join(FIX, "preprocessing.json")) as _fh:
    META = json.load(_fh)


@pytest.mark.parametrize("case", sorted(META["transforms"]))
def test_apply_transform_matches_keras(case):
    spec = META["transforms"][case]
    gen = ImageDataGenerator(**spec["generator"])
    x = REF["img__x"]
    if spec["generator"].get("data_format") == "channels_first":
        x = np.transpose(x, (2, 0, 1))
    got = gen.apply_transform(x.copy(), spec["params"])
    # brightness passes through uint8 in Pillow; everything else is float arithmetic
    np.testing.assert_allclose(got, REF[f"img__{case}"], rtol=1e-5, atol=1e-3)


def test_standardize_fit_and_zca_match_keras():
    batch = REF["img__batch"]
    gen = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True,
                             rescale=1 / 255.)
    gen.fit(batch)
    np.testing.assert_allclose(gen.mean, REF["img__fit_mean"], rtol=1e-5)
    np.testing.assert_allclose(gen.std, REF["img__fit_std"], rtol=1e-5)
    np.testing.assert_allclose(gen.standardize(batch[1].copy() * 1.0), REF["img__standardized"],
                               rtol=1e-5, atol=1e-5)
    gen = ImageDataGenerator(samplewise_center=True, samplewise_std_normalization=True)
    np.testing.assert_allclose(gen.standardize(batch[2].copy()), REF["img__samplewise"],
                               rtol=1e-5, atol=1e-5)
    with pytest.warns(UserWarning, match="zca_whitening"):
        gen = ImageDataGenerator(zca_whitening=True)
    gen.fit(batch[:, :3, :3, :])
    np.testing.assert_allclose(gen.zca_whitening_matrix, REF["img__zca_matrix"], rtol=1e-3,
                               atol=1e-3)


def test_random_parameters_and_seeded_flow_match_keras():
    spec = META["random_params"]
    gen = ImageDataGenerator(**spec["generator"])
    params = gen.get_random_transform((6, 5, 3), seed=11)
    for k, v in spec["params"].items():
        assert (params[k] is None) == (v is None), k
        if v is not None:
            assert float(params[k]) == pytest.approx(v, rel=1e-12), k
    it = gen.flow(REF["img__batch"], np.arange(5), **META["flow"])
    assert isinstance(it, PyDataset) and len(it) == 2
    for i in range(2):
        x, y = it[i]
        np.testing.assert_array_equal(y, REF[f"img__flow_y{i}"])
        np.testing.assert_allclose(x, REF[f"img__flow_x{i}"], rtol=1e-5, atol=1e-2)


def test_flow_variants_and_bad_input():
    gen = ImageDataGenerator(validation_split=0.5)
    x = np.random.default_rng(0).uniform(size=(6, 4, 4, 3)).astype("float32")
    y = np.array([0, 1, 0, 1, 0, 1])
    val = gen.flow(x, y, batch_size=10, subset="validation", shuffle=False)
    np.testing.assert_array_equal(val[0][1], y[:3])
    xb, yb, wb = gen.flow(x, y, sample_weight=np.arange(6.0), batch_size=2, shuffle=False)[1]
    assert wb.tolist() == [2.0, 3.0]
    xb = next(iter(gen.flow(x, batch_size=4, shuffle=False)))
    assert xb.shape == (4, 4, 4, 3)
    with pytest.raises(ValueError, match="rank 4"):
        gen.flow(x[0])
    with pytest.raises(ValueError, match="same length"):
        gen.flow(x, y[:2])
    with pytest.raises(ValueError, match="fill_mode"):
        ImageDataGenerator(fill_mode="mirror")
    with pytest.raises(ValueError, match="zoom_range"):
        ImageDataGenerator(zoom_range=(1, 2, 3))
    with pytest.raises(ValueError, match="must be distinct"):
        apply_affine_transform(x[0], theta=3, row_axis=1, col_axis=1)


@pytest.mark.parametrize("case", ["plain", "gray", "rgba", "nearest", "bilinear", "aspect"])
def test_load_img_matches_keras(case):
    kw = {"plain": {}, "gray": {"color_mode": "grayscale"}, "rgba": {"color_mode": "rgba"},
          "nearest": {"target_size": (3, 4)},
          "bilinear": {"target_size": (8, 9), "interpolation": "bilinear"},
          "aspect": {"target_size": (4, 4), "keep_aspect_ratio": True}}[case]
    got = img_to_array(load_img(os.path.join(FILES, META["load_img"]["file"]), **kw))
    np.testing.assert_array_equal(got, REF[f"load__{case}"])


def test_save_img_round_trip(tmp_path):
    x = np.random.default_rng(1).integers(0, 256, (5, 4, 3)).astype("float32")
    save_img(str(tmp_path / "a.png"), x, scale=False)
    np.testing.assert_array_equal(img_to_array(load_img(str(tmp_path / "a.png"))), x)
    img = array_to_img(x[:, :, :1] * 0 + 7.0, scale=False)
    assert img.mode == "L" and img_to_array(img).shape == (5, 4, 1)
    with pytest.raises(ValueError, match="rank 3"):
        array_to_img(x[0])


def test_flow_from_directory_matches_keras():
    gen = ImageDataGenerator(rescale=1 / 255.)
    it = gen.flow_from_directory(os.path.join(FILES, "img"), target_size=(4, 5), batch_size=4,
                                 shuffle=False, class_mode="sparse")
    assert it.filenames == META["flow_from_directory"]["filenames"]
    assert it.class_indices == META["flow_from_directory"]["class_indices"]
    x, y = it[0]
    np.testing.assert_allclose(x, REF["flowdir__x0"], rtol=1e-6)
    np.testing.assert_array_equal(y, REF["flowdir__y0"])


def test_flow_from_dataframe(tmp_path):
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"filename": ["cats/cats0.png", "dogs/dogs1.png", "missing.png"],
                       "class": ["cat", "dog", "dog"]})
    gen = ImageDataGenerator()
    with pytest.warns(UserWarning, match="1 invalid image filename"):
        it = gen.flow_from_dataframe(df, os.path.join(FILES, "img"), target_size=(5, 7),
                                     batch_size=2, shuffle=False)
    x, y = it[0]
    assert x.shape == (2, 5, 7, 3) and y.tolist() == [[1, 0], [0, 1]]
    np.testing.assert_array_equal(x[0], REF["load__plain"])
    raw = gen.flow_from_dataframe(df.iloc[:2].assign(v=[1.5, 2.5]), os.path.join(FILES, "img"),
                                  y_col="v", class_mode="raw", target_size=(5, 7), shuffle=False)
    assert raw[0][1].tolist() == [1.5, 2.5]


@pytest.mark.parametrize("case", ["bilinear", "nearest", "categorical", "crop", "gray_binary"])
def test_image_dataset_from_directory_matches_keras(case):
    spec = META["image_dataset"][case]
    kw = {k: tuple(v) if isinstance(v, list) else v for k, v in spec["kwargs"].items()}
    ds = image_dataset_from_directory(os.path.join(FILES, "img"), batch_size=2, shuffle=False,
                                      verbose=False, **kw)
    assert isinstance(ds, PyDataset) and len(ds) == spec["n_batches"]
    assert ds.class_names == spec["class_names"]
    x = np.concatenate([b[0] for b in ds])
    y = np.concatenate([b[1] for b in ds])
    assert x.dtype == np.float32
    # Colour -> grayscale: TensorFlow's PNG decoder (libpng) and Pillow round differently, by
    # at most one grey level; the other cases are the same arithmetic as TensorFlow's.
    atol = 1.01 if spec["kwargs"].get("color_mode") == "grayscale" else 1e-3
    np.testing.assert_allclose(x, REF[f"imgds__{case}__x"], rtol=1e-5, atol=atol)
    np.testing.assert_array_equal(y, REF[f"imgds__{case}__y"])


def test_image_dataset_split_order_matches_keras():
    ds = image_dataset_from_directory(os.path.join(FILES, "img"), shuffle=True, seed=9,
                                      validation_split=0.4, subset="training", image_size=(4, 4),
                                      verbose=False)
    assert [os.path.relpath(p, FILES) for p in ds.file_paths] == \
        META["image_dataset_split"]["file_paths"]
    train, val = image_dataset_from_directory(os.path.join(FILES, "img"), shuffle=True, seed=9,
                                              validation_split=0.4, subset="both",
                                              image_size=(4, 4), verbose=False)
    assert sorted(train.file_paths + val.file_paths) == sorted(
        os.path.join(FILES, "img", c, f) for c in ("cats", "dogs")
        for f in os.listdir(os.path.join(FILES, "img", c)))
    with pytest.raises(ValueError, match="must provide a `seed`"):
        image_dataset_from_directory(os.path.join(FILES, "img"), validation_split=0.2,
                                     subset="training")
    with pytest.raises(ValueError, match="exactly 2"):
        image_dataset_from_directory(os.path.join(FILES, "img"), label_mode="binary",
                                     class_names=["cats"], verbose=False)


def test_text_dataset_matches_keras(tmp_path):
    ds = text_dataset_from_directory(os.path.join(FILES, "txt"), batch_size=2, shuffle=False,
                                     max_length=12, verbose=False)
    texts = [t for xb, _ in ds for t in xb]
    labels = [int(v) for _, yb in ds for v in yb]
    assert texts == META["text_dataset"]["texts"] and labels == META["text_dataset"]["labels"]
    assert ds.class_names == META["text_dataset"]["class_names"]
    empty = tmp_path / "empty" / "a"
    empty.mkdir(parents=True)
    with pytest.raises(ValueError, match="No text files found"):
        text_dataset_from_directory(str(tmp_path / "empty"), verbose=False)


@pytest.mark.parametrize("case", ["basic", "stride_rate", "range", "no_targets"])
def test_timeseries_dataset_matches_keras(case):
    data = np.arange(40, dtype="float32").reshape(20, 2)
    kw = dict(META["timeseries"]["cases"][case])
    targets = kw.pop("targets", np.arange(20) * 3)
    ds = timeseries_dataset_from_array(data, targets, **kw)
    assert len(ds) == int(REF[f"ts__{case}__n"])
    for i, batch in enumerate(ds):
        if targets is None:
            np.testing.assert_array_equal(batch, REF[f"ts__{case}__x{i}"])
        else:
            np.testing.assert_array_equal(batch[0], REF[f"ts__{case}__x{i}"])
            np.testing.assert_array_equal(batch[1], REF[f"ts__{case}__y{i}"])


def test_timeseries_shuffle_and_errors():
    data = np.arange(30)
    ds = timeseries_dataset_from_array(data, data, sequence_length=3, batch_size=4,
                                       shuffle=True, seed=1)
    firsts = sorted(int(v) for x, _ in ds for v in x[:, 0])
    assert firsts == list(range(28))
    with pytest.raises(ValueError, match="sampling_rate"):
        timeseries_dataset_from_array(data, None, 3, sampling_rate=0)
    with pytest.raises(ValueError, match="end_index"):
        timeseries_dataset_from_array(data, None, 3, end_index=40)


def test_split_dataset_and_tf_data_methods():
    x, y = np.arange(10), np.arange(10) * 2
    left, right = split_dataset((x, y), left_size=0.8)
    assert len(left) == 8 and len(right) == 2 and right[0] == (8, 16)
    xb, yb = left.batch(3)[2]
    assert xb.tolist() == [6, 7] and yb.tolist() == [12, 14]
    assert [len(b[0]) for b in left.batch(3, drop_remainder=True)] == [3, 3]
    with pytest.raises(ValueError, match="left_size"):
        split_dataset(x, left_size=0)
    ds = timeseries_dataset_from_array(x, y, sequence_length=2, batch_size=3)
    assert len(ds.take(2)) == 2 and len(ds.skip(1)) == len(ds) - 1
    mapped = ds.map(lambda a, b: (a * 10, b)).prefetch(2).cache()
    np.testing.assert_array_equal(mapped[0][0], ds[0][0] * 10)
    assert sum(1 for _ in ds.unbatch()) == 9


def test_directory_iterators_reread_after_files_change(tmp_path):
    root = tmp_path / "img"
    shutil.copytree(os.path.join(FILES, "img"), root)
    ds = image_dataset_from_directory(str(root), image_size=(5, 7), shuffle=False, verbose=False)
    assert len(ds) == 1 and ds[0][0].shape == (5, 5, 7, 3)
