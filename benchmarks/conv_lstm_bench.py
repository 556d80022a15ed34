"""ConvLSTM2D: hand-written backward vs the same cell differentiated by autograd.

Both run one forward + backward pass (training=True) of a ConvLSTM2D with the same
weights on the same batch: the built-in layer (pipeseq.kernels.conv_lstm, the project's
convolution kernels) and Keras's ConvLSTM cell written with ``pipeseq.ops.conv``, looped
over time and differentiated by autograd. Prints the median wall and CPU time of
``--repeat`` runs and checks that both give the same output. No asserts.

Usage::

    python -m benchmarks.conv_lstm_bench [--repeat 3] [--batch 8] [--steps 6] [--size 16]
"""
import argparse
import statistics
import time

import numpy as np


def autograd_conv_lstm(x, W, U, b):
    """Keras's ConvLSTM cell written with pipeseq.ops, looped over time, for autograd."""
    from pipeseq import ops
    B, T = x.shape[:2]
    h = c = ops.zeros(x.shape[:1] + x.shape[2:-1] + (U.shape[-2],), dtype="float32")
    outs = []
    for t in range(T):
        z = (ops.conv(x[:, t], W, padding="same") + b + ops.conv(h, U, padding="same"))
        i, f, g, o = ops.split(z, 4, axis=-1)
        c = ops.sigmoid(f) * c + ops.sigmoid(i) * ops.tanh(g)
        h = ops.sigmoid(o) * ops.tanh(c)
        outs.append(h)
    return ops.stack(outs, axis=1)


def timed(fn, repeat):
    walls, cpus, out = [], [], None
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus), out


def main(argv=None):
    from pipeseq.layers import ConvLSTM2D
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--steps", type=int, default=6)
    ap.add_argument("--size", type=int, default=16)
    ap.add_argument("--filters", type=int, default=8)
    args = ap.parse_args(argv)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(args.batch, args.steps, args.size, args.size, 3)).astype("float32")
    layer = ConvLSTM2D(args.filters, 3, padding="same", return_sequences=True)
    layer(x)
    W, U, b = layer.get_weights()

    def run(model):
        y, cache = model.forward(x, training=True)
        model.backward(cache, np.ones_like(y))
        return y

    def run_autograd():
        from pipeseq.ops.autodiff import vjp
        y, back = vjp(autograd_conv_lstm, x, W, U, b)
        back(np.ones_like(y))
        return y
    w1, c1, y1 = timed(lambda: run(layer), args.repeat)
    w2, c2, y2 = timed(run_autograd, args.repeat)
    print(f"input {x.shape}, filters {args.filters}, kernel 3x3, forward+backward")
    print(f"  hand-written ConvLSTM2D : {w1:7.3f} s wall  {c1:7.3f} s cpu")
    print(f"  autograd (pipeseq.ops)  : {w2:7.3f} s wall  {c2:7.3f} s cpu  "
          f"({w2 / w1:.1f}x the hand-written time)")
    print(f"  max |difference| of outputs: {float(np.abs(y1 - y2).max()):.2e}")


if __name__ == "__main__":
    main()
