"""Command line: ``pipeseq demo``, ``pipeseq inspect FILE``, ``pipeseq --version``."""
import argparse
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(prog="pipeseq", description="The Keras Sequential workflow on NumPy.")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command")
    demo = sub.add_parser("demo", help="train the tutorial model end to end")
    demo.add_argument("--epochs", type=int, default=20)
    demo.add_argument("--verbose", type=int, default=1, choices=(0, 1, 2))
    insp = sub.add_parser("inspect", help="print the summary of a model file or the weights in a weights file")
    insp.add_argument("file")
    args = parser.parse_args(argv)
    if args.version:
        from . import __version__
        print(f"pipeseq {__version__}")
        return 0
    if args.command == "demo":
        from .demo import run
        _, _, scores = run(epochs=args.epochs, verbose=args.verbose)
        return 0 if scores["accuracy"] >= 0.97 else 1
    if args.command == "inspect":
        from .saving.inspect import main_inspect
        try:
            return main_inspect(args.file) or 0
        except BrokenPipeError:          # `pipeseq inspect FILE | head`: stop quietly
            sys.stdout = open(__import__("os").devnull, "w")
            return 0
        except (OSError, ValueError) as e:
            print(f"pipeseq inspect: {e}", file=sys.stderr)
            return 2
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
