"""Write tests/fixtures/op_nodes/: small Keras 3 functional models whose configs hold op nodes
(``x + 3.0``, ``x * (1/6)``, ``ops.*`` calls, indexing; the ``NotEqual`` node of
``Embedding(mask_zero=True)``), saved by Keras 3 as ``.keras`` and as JSON, with their inputs
and outputs in ``<name>.npz``; and a tf_keras model with ``TFOpLambda``/``SlicingOpLambda``
nodes saved as a legacy ``.h5`` (``tf_ops_model``). Read by tests/test_op_nodes.py. Run with the fixture interpreter:

    KERAS_BACKEND=tensorflow /work/kenv/bin/python tools/make_op_node_fixtures.py
"""
import os

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "fixtures", "op_nodes")


def ops_model(keras):
    from keras import layers, ops
    inp = keras.Input((4,), name="x")
    h = layers.Dense(3, name="dense")(inp)
    b = (h + 3.0) * (1 / 6)
    c = ops.tanh(ops.relu6(b))
    e = ops.concatenate([c, h], axis=-1)
    g = ops.reshape(e[:, 1:3], (-1, 2, 1))
    k = ops.mean(g, axis=1, keepdims=True)
    w = ops.where(ops.greater(h, 0.0), h, 0.0)
    z = ops.clip(w, -1.0, 1.0)[..., None, 0]
    s = ops.sum(ops.square(h - 1.0), axis=-1)
    return keras.Model(inp, [k, z, s], name="ops_model"), \
        np.random.default_rng(0).normal(size=(3, 4)).astype("float32")


def mask_model(keras):
    from keras import layers
    inp = keras.Input((5,), dtype="int32", name="tokens")
    em = layers.Embedding(10, 4, mask_zero=True, name="embedding")(inp)
    out = layers.LSTM(3, name="lstm")(em)
    return keras.Model(inp, out, name="mask_model"), \
        np.array([[1, 2, 0, 0, 0], [3, 4, 5, 6, 0]], "int32")


def tf_ops_model():
    """tf_keras: TFOpLambda / SlicingOpLambda nodes, saved as a legacy full-model .h5."""
    import tensorflow as tf
    import tf_keras
    tf_keras.utils.set_random_seed(0)
    inp = tf_keras.Input((4,), name="x")
    h = tf_keras.layers.Dense(3, name="dense")(inp)
    g = tf_keras.layers.Dense(3, name="dense_1")(inp)
    b = tf.nn.relu6((h + 3.0) * (1 / 6))
    c = tf.concat([b, g + h], axis=-1)
    d = tf.reshape(c[:, 1:5], (-1, 2, 2))
    k = tf.reduce_mean(d, axis=1, keepdims=True)
    s = tf.math.reduce_sum(tf.math.square(h - 1.0), axis=-1)
    model = tf_keras.Model(inp, [k, s], name="tf_ops_model")
    x = np.random.default_rng(1).normal(size=(3, 4)).astype("float32")
    ys = model.predict(x, verbose=0)
    model.save(os.path.join(OUT, "tf_ops_model.h5"))
    with open(os.path.join(OUT, "tf_ops_model.json"), "w") as f:
        f.write(model.to_json())
    model.save_weights(os.path.join(OUT, "tf_ops_model.weights.h5"))
    np.savez(os.path.join(OUT, "tf_ops_model.npz"), x=x, **{f"y{i}": y for i, y in enumerate(ys)})
    print("tf_ops_model", [y.shape for y in ys])


def main():
    import keras
    keras.utils.set_random_seed(0)
    os.makedirs(OUT, exist_ok=True)
    for name, make in (("ops_model", ops_model), ("mask_model", mask_model)):
        model, x = make(keras)
        ys = model.predict(x, verbose=0)
        ys = ys if isinstance(ys, list) else [ys]
        model.save(os.path.join(OUT, name + ".keras"))
        model.save_weights(os.path.join(OUT, name + ".weights.h5"))
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            f.write(model.to_json())
        np.savez(os.path.join(OUT, name + ".npz"), x=x, **{f"y{i}": y for i, y in enumerate(ys)})
        print(name, [y.shape for y in ys])
    tf_ops_model()


if __name__ == "__main__":
    main()
