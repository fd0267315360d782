"""Entry point: ``shrinkage <command>``; exit 0 on success, 2 on bad input, 1 on internal errors."""

from __future__ import annotations

import argparse
import os
import sys

from ..conventions import STRENGTH_CONVENTIONS, convert_strength


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shrinkage",
        description="L2 regularization done right: ridge and logistic regression with λ chosen "
                    "fast and exactly.",
    )
    from .. import __version__
    parser.add_argument("--version", action="version", version=f"shrinkage {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser("demo", help="run the main job on data that ships with scikit-learn",
                          description="Choose λ for ridge (diabetes), L2 logistic regression "
                                      "(breast cancer) and an L2 network (digits) by "
                                      "cross-validation and print what it did.")
    demo.add_argument("--seed", type=int, default=0, help="seed of the train/test split (default 0)")
    demo.add_argument("--out", default="shrinkage-demo",
                      help="folder for the demo's outputs (default ./shrinkage-demo)")

    conv = sub.add_parser("convert", help="convert a regularization strength between libraries",
                          description="Convert a strength through the objective of "
                                      "shrinkage.conventions.")
    names = sorted(STRENGTH_CONVENTIONS)
    conv.add_argument("value", type=float, help="the strength in the source's terms")
    conv.add_argument("--from", dest="source", required=True, choices=names)
    conv.add_argument("--to", dest="target", default="shrinkage", choices=names)
    conv.add_argument("--n-samples", type=float, default=None,
                      help="training rows (or the sum of sample weights)")
    conv.add_argument("--l1-ratio", type=float, default=0.0, help="the source's L1 mixing")
    conv.add_argument("--loss", choices=["log", "squared"], default=None,
                      help="sklearn-mlp only: classifier (log) or regressor (squared)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "demo":
            from .demo import run_demo
            return run_demo(seed=args.seed, out_dir=args.out)
        if args.command == "convert":
            out = convert_strength(args.value, source=args.source, target=args.target,
                                   n_samples=args.n_samples, l1_ratio=args.l1_ratio,
                                   loss=args.loss)
            print(f"{out.value:.10g}" + (f"  l1_ratio={out.l1_ratio:.10g}" if out.l1_ratio else ""))
            return 0
        parser.print_help()
        return 0
    except ValueError as exc:          # bad input: one line, no traceback
        print(f"shrinkage: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("shrinkage: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:           # a bug of ours: say so, in one line
        if os.environ.get("SHRINKAGE_DEBUG"):
            raise
        print(f"shrinkage: internal error: {type(exc).__name__}: {exc} (set SHRINKAGE_DEBUG=1 "
              "for the traceback, and please report it)", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
