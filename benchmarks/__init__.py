"""pipeseq's benchmark suite: pipeseq beside Keras 3 (TensorFlow) and PyTorch.

Run ``python -m benchmarks`` (or ``python benchmarks/run.py``); ``--help`` lists
the options. ``python -m benchmarks --write-docs`` regenerates
``docs/performance.md``. This package imports nothing heavy at import time: the
thread settings must be in the environment before NumPy is first imported.
"""
