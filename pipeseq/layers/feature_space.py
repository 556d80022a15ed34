"""``FeatureSpace`` (Keras's ``keras.utils.FeatureSpace``): one preprocessing object for a
dict of structured-data columns -- each column a feature spec (``"float_normalized"``,
``"string_categorical"``, ``FeatureSpace.integer_hashed(16)``, ...), optional crosses of
features, every categorical output one-hot encoded and everything concatenated (or kept in a
dict), as Keras does it. ``adapt`` learns the vocabularies and statistics (in batches of 32
rows, as Keras feeds them); calling it on a dict of arrays encodes them; ``get_inputs()``
and ``get_encoded_features()`` give the symbolic graph for a functional model.

Example
-------
>>> import numpy as np
>>> fs = FeatureSpace({"size": "float_normalized", "color": "string_categorical"})
>>> fs.adapt({"size": np.array([1.0, 3.0]), "color": np.array(["red", "blue"])})
>>> fs({"size": np.array([1.0]), "color": np.array(["red"])}).round(3).tolist()
[[0.0, 1.0, 0.0, -1.0]]
"""
from types import SimpleNamespace

import numpy as np

from ..graph.tensor import KerasTensor
from .base import Layer, unique_name
from .input_layer import Input
from .merge import Concatenate
from .preprocessing import Normalization, Rescaling
from .preprocessing_categorical import CategoryEncoding, Discretization
from .preprocessing_lookup import HashedCrossing, Hashing, IntegerLookup, StringLookup

L = SimpleNamespace(Input=Input, Concatenate=Concatenate, Normalization=Normalization,
                    Rescaling=Rescaling, CategoryEncoding=CategoryEncoding,
                    Discretization=Discretization, HashedCrossing=HashedCrossing,
                    Hashing=Hashing, IntegerLookup=IntegerLookup, StringLookup=StringLookup)


class Cross:
    """A crossing of features hashed into ``crossing_dim`` bins (``FeatureSpace.cross``)."""

    def __init__(self, feature_names, crossing_dim, output_mode="one_hot"):
        if output_mode not in ("int", "one_hot"):
            raise ValueError("Invalid value for argument `output_mode`. Expected one of "
                             f"{{'int', 'one_hot'}}. Received: output_mode={output_mode}")
        self.feature_names, self.crossing_dim = tuple(feature_names), crossing_dim
        self.output_mode = output_mode

    @property
    def name(self):
        return "_X_".join(self.feature_names)

    def get_config(self):
        return {"feature_names": self.feature_names, "crossing_dim": self.crossing_dim,
                "output_mode": self.output_mode}


class Feature:
    """A feature: its input dtype, its preprocessing layer, its output mode."""

    def __init__(self, dtype, preprocessor, output_mode):
        if output_mode not in ("int", "one_hot", "float"):
            raise ValueError("Invalid value for argument `output_mode`. Expected one of "
                             "{'int', 'one_hot', 'float'}. Received: "
                             f"output_mode={output_mode}")
        self.dtype, self.preprocessor, self.output_mode = dtype, preprocessor, output_mode


class _Identity(Layer):
    """A float feature's preprocessor: the values, as float32."""

    def forward(self, x, training=False):
        return x, None

    def backward(self, cache, dy):
        return dy, []


class FeatureSpace(Layer):
    """Preprocess and encode a dict of feature columns (see the module docstring)."""

    @classmethod
    def cross(cls, feature_names, crossing_dim, output_mode="one_hot"):
        return Cross(feature_names, crossing_dim, output_mode=output_mode)

    @classmethod
    def feature(cls, dtype, preprocessor, output_mode):
        return Feature(dtype, preprocessor, output_mode)

    @classmethod
    def float(cls, name=None):
        name = name or unique_name("float")
        return Feature("float32", _Identity(name=f"{name}_preprocessor"), "float")

    @classmethod
    def float_rescaled(cls, scale=1.0, offset=0.0, name=None):
        name = name or unique_name("float_rescaled")
        return Feature("float32", L.Rescaling(scale=scale, offset=offset,
                                              name=f"{name}_preprocessor"), "float")

    @classmethod
    def float_normalized(cls, name=None):
        name = name or unique_name("float_normalized")
        return Feature("float32", L.Normalization(axis=-1, name=f"{name}_preprocessor"), "float")

    @classmethod
    def float_discretized(cls, num_bins, bin_boundaries=None, output_mode="one_hot", name=None):
        name = name or unique_name("float_discretized")
        return Feature("float32", L.Discretization(num_bins=num_bins,
                                                   bin_boundaries=bin_boundaries,
                                                   name=f"{name}_preprocessor"), output_mode)

    @classmethod
    def integer_categorical(cls, max_tokens=None, num_oov_indices=1, output_mode="one_hot",
                            name=None):
        name = name or unique_name("integer_categorical")
        return Feature("int32", L.IntegerLookup(name=f"{name}_preprocessor", max_tokens=max_tokens,
                                                num_oov_indices=num_oov_indices), output_mode)

    @classmethod
    def string_categorical(cls, max_tokens=None, num_oov_indices=1, output_mode="one_hot",
                           name=None):
        name = name or unique_name("string_categorical")
        return Feature("string", L.StringLookup(name=f"{name}_preprocessor", max_tokens=max_tokens,
                                                num_oov_indices=num_oov_indices), output_mode)

    @classmethod
    def string_hashed(cls, num_bins, output_mode="one_hot", name=None):
        name = name or unique_name("string_hashed")
        return Feature("string", L.Hashing(name=f"{name}_preprocessor", num_bins=num_bins),
                       output_mode)

    @classmethod
    def integer_hashed(cls, num_bins, output_mode="one_hot", name=None):
        name = name or unique_name("integer_hashed")
        return Feature("int32", L.Hashing(name=f"{name}_preprocessor", num_bins=num_bins),
                       output_mode)

    _SPECS = {"float": "float", "float_normalized": "float_normalized",
              "float_rescaled": "float_rescaled", "float_discretized": "float_discretized",
              "integer_categorical": "integer_categorical",
              "string_categorical": "string_categorical", "integer_hashed": "integer_hashed",
              "string_hashed": "string_hashed"}

    def __init__(self, features, output_mode="concat", crosses=None, crossing_dim=32,
                 hashing_dim=32, num_discretization_bins=32, name=None):
        super().__init__(name=name)
        if not features:
            raise ValueError("The `features` argument cannot be None or empty.")
        if output_mode not in ("dict", "concat"):
            raise ValueError("Invalid value for argument `output_mode`. Expected one of "
                             f"{{'dict', 'concat'}}. Received: output_mode={output_mode}")
        self.crossing_dim, self.hashing_dim = crossing_dim, hashing_dim
        self.num_discretization_bins, self.output_mode = num_discretization_bins, output_mode
        self.features = {k: self._standardize_feature(k, v) for k, v in dict(features).items()}
        self.crosses = []
        for cross in crosses or []:
            if not isinstance(cross, Cross):
                unknown = [k for k in cross if k not in self.features]
                if unknown:
                    raise ValueError("All features referenced in the `crosses` argument should "
                                     "be present in the `features` dict. Received unknown "
                                     f"features: {cross}")
                cross = Cross(cross, crossing_dim=crossing_dim)
            self.crosses.append(cross)
        self.crosses_by_name = {c.name: c for c in self.crosses}
        self.preprocessors = {k: f.preprocessor for k, f in self.features.items()}
        self.crossers = {c.name: L.HashedCrossing(c.crossing_dim, name=c.name)
                         for c in self.crosses}
        self.one_hot_encoders = {}
        self._is_adapted = False
        self.inputs = self.encoded_features = None

    def _standardize_feature(self, name, feature):
        if isinstance(feature, Feature):
            return feature
        spec = self._SPECS.get(feature) if isinstance(feature, str) else None
        if spec is None:
            raise ValueError(f"Invalid feature type: {feature}")
        if spec == "float_discretized":
            return self.float_discretized(name=name, num_bins=self.num_discretization_bins)
        if spec in ("integer_hashed", "string_hashed"):
            return getattr(self, spec)(self.hashing_dim, name=name)
        return getattr(self, spec)(name=name)

    # --------------------------------------------------------------- adapt
    def _adaptable(self):
        out = []
        for name, pre in self.preprocessors.items():
            cls = type(pre).__name__           # what Keras skips; the rest adapts
            if cls == "Normalization" and pre.input_mean is not None or \
                    cls == "TextVectorization" and pre._lookup_layer._has_input_vocabulary:
                continue
            if callable(getattr(pre, "adapt", None)):
                out.append(name)
        return out

    def adapt(self, dataset):
        """Learn every adaptable preprocessor's state from a dict of arrays (fed in batches of
        32 rows, as Keras batches ``tf.data.Dataset.from_tensor_slices``), or from an
        iterable of such dicts (batches)."""
        if isinstance(dataset, dict):
            columns = {k: np.asarray(v) for k, v in dataset.items()}
            n = len(next(iter(columns.values())))
            batches = [{k: v[i:i + 32] for k, v in columns.items()} for i in range(0, n, 32)]
        elif hasattr(dataset, "__iter__") and not isinstance(dataset, (str, np.ndarray)):
            batches = [b[0] if isinstance(b, tuple) else b for b in dataset]
        else:
            raise ValueError("`adapt()` can only be called on a dict of arrays/lists or an "
                             f"iterable of such dicts. Received instead: {type(dataset)}")
        for name in self._adaptable():
            if any(name not in b for b in batches):
                raise ValueError(f"FeatureSpace.adapt(): the data has no column {name!r}. "
                                 f"Received columns: {sorted(batches[0]) if batches else []}")
            cols = [np.asarray(b[name]) for b in batches]
            self.preprocessors[name].adapt(iter([c[:, None] if c.ndim <= 1 else c
                                                 for c in cols]))
        self._is_adapted = True

    def _check_if_adapted(self):
        if not self._is_adapted:
            if self._adaptable():
                raise ValueError("You need to call `.adapt(dataset)` on the FeatureSpace "
                                 "before you can start using it.")
            self._is_adapted = True

    # ------------------------------------------------------------- encoding
    def _cardinality(self, name):
        pre = self.preprocessors.get(name) or self.crossers.get(name)
        cls = type(pre).__name__
        if cls in ("IntegerLookup", "StringLookup"):
            return pre.vocabulary_size()
        if cls == "CategoryEncoding":
            return pre.num_tokens
        if cls in ("Discretization", "HashedCrossing", "Hashing"):
            return pre.num_bins
        raise ValueError(f"Feature '{name}' has `output_mode='one_hot'`. However it isn't a "
                         "standard feature and the dimensionality of its output space is not "
                         "known, thus it cannot be one-hot encoded. Try using "
                         "`output_mode='int'`.")

    def _encode(self, values):
        """``values``: preprocessed and crossed features by name -> the merged output."""
        names = sorted(self.features) + sorted(self.crosses_by_name)
        out = {}
        for name in names:
            spec = self.features.get(name) or self.crosses_by_name[name]
            value = values[name]
            if spec.output_mode == "one_hot":
                encoder = self.one_hot_encoders.get(name)
                if encoder is None:
                    card = self._cardinality(name)
                    encoder = self.one_hot_encoders[name] = None if card is None else \
                        L.CategoryEncoding(num_tokens=card, output_mode="multi_hot")
                if encoder is not None:
                    value = encoder(value)
            elif self.output_mode == "concat" and spec.output_mode == "int":
                raise ValueError(f"Cannot concatenate features because feature '{name}' has not "
                                 "been encoded (it has an integer dtype). Consider using "
                                 "`output_mode='dict'`.")
            out[name] = value
        if self.output_mode == "dict":
            return out
        parts = [out[n] for n in names]
        if any(isinstance(p, KerasTensor) for p in parts):
            return L.Concatenate(axis=-1)(parts)
        return np.concatenate([np.asarray(p, "float32") for p in parts], axis=-1)

    def _run(self, data):
        pre = {name: self.preprocessors[name](data[name]) for name in self.features}
        crossed = {c.name: self.crossers[c.name]([pre[n] for n in c.feature_names])
                   for c in self.crosses}
        return self._encode({**pre, **crossed})

    def get_inputs(self):
        """The symbolic inputs, one ``Input(shape=(1,))`` per feature, by name."""
        self._check_if_adapted()
        if self.inputs is None:
            self.inputs = {name: L.Input(shape=(1,), dtype=f.dtype, name=name)
                           for name, f in self.features.items()}
        return self.inputs

    def get_encoded_features(self):
        """The symbolic output for :meth:`get_inputs` (build a functional model on it)."""
        if self.encoded_features is None:
            self.encoded_features = self._run(self.get_inputs())
        return self.encoded_features

    def __call__(self, data):
        self._check_if_adapted()
        if not isinstance(data, dict):
            raise ValueError("A FeatureSpace can only be called with a dict. Received: "
                             f"data of type {type(data).__name__}")
        missing = [k for k in self.features if k not in data]
        if missing:
            raise ValueError(f"FeatureSpace '{self.name}': the data has no column for features "
                             f"{missing}. Received columns: {sorted(data)}")
        batch, rebatched = {}, False
        for name, spec in self.features.items():
            x = np.asarray(data[name])
            if spec.dtype == "float32" and x.dtype.kind in "biuf":
                x = x.astype("float32")
            if x.ndim == 0:
                x, rebatched = x.reshape(1, 1), True
            elif x.ndim == 1:
                x = x[:, None]
            batch[name] = x
        out = self._run(batch)
        if rebatched:
            if self.output_mode == "concat":
                return out[0]
            return {k: v[0] if v.ndim == 2 and v.shape[0] == 1 else v for k, v in out.items()}
        return out

    def get_config(self):
        raise NotImplementedError(
            f"FeatureSpace '{self.name}': saving a FeatureSpace object itself is not supported "
            "by pipeseq. Save the functional model built on get_inputs()/"
            "get_encoded_features() instead: its lookup layers carry their vocabularies.")

