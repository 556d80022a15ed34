"""``python -m benchmarks``: see :mod:`benchmarks.run`."""
import os
import sys

if __package__ in (None, ""):       # run as a path: python benchmarks/__main__.py
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks.run import main

if __name__ == "__main__":
    sys.exit(main())
