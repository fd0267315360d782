"""Entry point: ``shrinkage <command>``; exit 0 on success, 2 on bad input, 1 on internal errors.

Every command takes ``--quiet`` (print nothing but errors) and ``--json`` (one JSON document on
stdout, nothing else there). Errors are one line on stderr, without a traceback
(``SHRINKAGE_DEBUG=1`` shows it); a reader of stdout that leaves (``| head``) ends the command
quietly, exit 141. Progress bars (tqdm, on stderr) show only when stdout is a terminal and
neither ``--quiet`` nor ``--json`` is given.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import io
import math
import os
import sys
import warnings

from .._optional import MissingDependencyError
from ..conventions import STRENGTH_CONVENTIONS, convert_strength
from ._models import MODELS
from ._output import Output, reader_gone


class _HelpFormatter(argparse.HelpFormatter):
    """Paragraphs wrapped to the terminal; a text with line breaks (the Examples, the demo's
    list of parts) kept line by line."""

    def _fill_text(self, text, width, indent):
        if "\n" in text:
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


#: every command's ``--help`` ends with these (argparse's epilog)
EXAMPLES = {
    None: """Examples:
  shrinkage demo                                   # a tour on scikit-learn's data (~30 s)
  shrinkage fit diabetes.csv --target target --out diabetes.shrinkage
  shrinkage predict diabetes.shrinkage new_patients.csv > predictions.csv
  shrinkage COMMAND --help                         # each command's options and examples""",
    "demo": """Examples:
  shrinkage demo                          # writes ./shrinkage-demo/report.html and figures
  shrinkage demo --out results --seed 1   # another train/test split, into ./results""",
    "fit": """Examples:
  shrinkage fit diabetes.csv --target target --out diabetes.shrinkage
  shrinkage fit diabetes.csv --target target --rule 1se --summary
  shrinkage fit houses.csv --target price --model lasso --cv 10 --drop id
  shrinkage fit eu.csv --target y --sep ';' --decimal ','
  shrinkage fit visits.csv --target cost --weights exposure --groups patient --id visit
  shrinkage fit wine.csv --target target --model mlp --hidden 32,16 --cv 5
  shrinkage fit X.npz --target-file labels.csv --model logistic   # a scipy sparse matrix
  shrinkage fit 'events/*.parquet' --target y --scheduler tcp://10.0.0.5:8786   # on a cluster""",
    "predict": """Examples:
  shrinkage predict diabetes.shrinkage new_patients.csv > predictions.csv
  shrinkage predict model.shrinkage new.csv --proba --out predictions.parquet
  shrinkage predict model.shrinkage new.csv --id visit --unknown error
  shrinkage predict sparse.shrinkage X_new.npz           # a model fitted on a .npz matrix""",
    "path": """Examples:
  shrinkage path diabetes.csv --target target --out figures
  shrinkage path houses.csv --target price --model lasso --lams 50 --max-iter 50000
  shrinkage path wine.csv --target target --model mlp --epochs 100 --holdout 0.2""",
    "cv": """Examples:
  shrinkage cv diabetes.csv --target target                 # ridge, exact leave-one-out
  shrinkage cv diabetes.csv --target target --cv 10 --rule 1se --scoring r2
  shrinkage cv visits.csv --target cost --groups patient --cv 5
  shrinkage cv wine.csv --target target --model mlp --cv 3 --epochs 100""",
    "bias-variance": """Examples:
  shrinkage bias-variance diabetes.csv --target target
  shrinkage bias-variance cancer.csv --target diagnosis --rounds 50 --lams 20""",
    "report": """Examples:
  shrinkage report diabetes.shrinkage --data diabetes.csv --out report.html
  shrinkage report diabetes.csv --target target --rule 1se --title "Diabetes, ridge"
""".rstrip(),
    "convert": """Examples:
  shrinkage convert 1.0 --from sklearn-logistic --n-samples 500     # C=1 as shrinkage's λ
  shrinkage convert 0.01 --from shrinkage --to glmnet-binomial           # as glmnet lambda
  shrinkage convert 0.1 --from sklearn-elasticnet --l1-ratio 0.5""",
}


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error (exit 2) and help that keeps the Examples' lines."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _common(p):
    g = p.add_argument_group("output")
    g.add_argument("--quiet", "-q", action="store_true",
                   help="print nothing but errors (and the JSON document with --json)")
    g.add_argument("--json", dest="as_json", action="store_true",
                   help="print one machine-readable JSON document on stdout instead of text")


def _positive_float(text):
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not v >= 0 or v == float("inf"):
        raise argparse.ArgumentTypeError(f"λ must be a finite number >= 0, got {text!r}")
    return v


def _checked(kind, test, expected: str):
    """An argparse type: ``kind(text)`` that passes ``test``, else a message saying what the
    option expects (argparse names the option)."""
    def parse(text):
        try:
            v = kind(text)
        except ValueError:
            v = None
        if v is None or not test(v):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
        return v
    return parse


def _widths(text):
    return tuple(int(w) for w in text.split(","))


_hidden = _checked(_widths, lambda v: len(v) > 0 and min(v) >= 1,
                   "positive layer widths separated by commas, such as 64 or 128,64")
_seed = _checked(int, lambda v: 0 <= v < 2 ** 32, "an integer from 0 to 2**32 - 1")
_l1_ratio = _checked(float, lambda v: 0.0 <= v <= 1.0, "a number from 0 (ridge) to 1 (lasso)")


def _rule(text):
    """``--rule``: ``min``, ``1se``, ``2se`` or any ``k se`` (checked by the selection rules)."""
    from ..selection.rules import parse_rule
    try:
        parse_rule(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected min, 1se, 2se (or k·se such as 0.5se), got "
                                         f"{text!r}") from None
    return text.strip()


_RULE_HELP = ("how λ is picked from the CV curve: min (best mean score), 1se (the largest λ "
              "whose score is within one standard error of the best: a simpler model that "
              "scores as well within noise), 2se (within two), or any k·se such as 0.5se "
              "(default: min)")


def _at_least(k: int):
    return _checked(int, lambda v: v >= k, f"an integer >= {k}")


def _finite(low: float, strict: bool, what: str):
    return _checked(float, lambda v: math.isfinite(v) and (v > low if strict else v >= low),
                    what)


_SEP_NAMES = {"tab": "\t", "\\t": "\t", "space": " ", "semicolon": ";", "comma": ",",
              "pipe": "|"}


def _separator(text):
    """``--sep``: one character, or ``tab`` / ``\\t`` (as a shell passes it), ``space``…"""
    v = _SEP_NAMES.get(text.lower(), text)
    if len(v) != 1 or v in "\"\r\n" or v.isalnum() or v == ".":
        raise argparse.ArgumentTypeError(f"expected one separator character such as ';' or "
                                         f"'|', or the word tab; got {text!r}")
    return v


def _decimal_mark(text):
    if text not in (".", ","):
        raise argparse.ArgumentTypeError(f"expected '.' or ',', got {text!r}")
    return text


def _reading_args(p):
    """``--sep`` and ``--decimal``: how a CSV file is written."""
    p.add_argument("--sep", type=_separator, default=None, metavar="CHAR",
                   help="CSV field separator: one character such as ';' or '|', or the word "
                        "tab (default: ',' or a tab for .tsv; a file that reads as one column "
                        "with ';', tabs or '|' in its name is refused with the --sep to give)")
    p.add_argument("--decimal", type=_decimal_mark, default=".",
                   help="CSV decimal mark: '.' (default) or ',' for numbers written 3,14")


def _data_args(p, *, target_required=True):
    p.add_argument("--target", "-y", required=target_required, metavar="COL",
                   help="the column to predict" + ("" if target_required else
                        " (fit on a matrix: the column of --target-file, if it has several)"))
    p.add_argument("--task", choices=["regression", "classification"], default=None,
                   help="override the inferred task (text, booleans or at most 10 integer "
                        "levels → classification; other numbers → regression)")
    _reading_args(p)
    p.add_argument("--impute", choices=["mean", "median", "most_frequent"], default=None,
                   help="fill missing feature values (numeric columns by this statistic, text "
                        "columns by their most frequent level) instead of refusing them")
    p.add_argument("--drop", action="append", metavar="COL", default=[],
                   help="leave a column out (repeatable), e.g. an identifier")
    p.add_argument("--id", default=None, metavar="COL",
                   help="a column that identifies rows: not a feature; fit stores its name and "
                        "predict copies it into the predictions (first column)")
    p.add_argument("--standardize", action=argparse.BooleanOptionalAction, default=True,
                   help="penalize the coefficients of standardized features (default: yes)")
    p.add_argument("--seed", type=_seed, default=0,
                   help="seed for folds and networks (default 0)")


def _row_args(p):
    """``--weights`` and ``--groups``: columns that say something about each row."""
    p.add_argument("--weights", default=None, metavar="COL",
                   help="a numeric column of sample weights (>= 0): each row counts that much "
                        "in the loss and the CV scores; not a feature")
    p.add_argument("--groups", default=None, metavar="COL",
                   help="a column of group labels (patients, sites, …): cross-validation keeps "
                        "each group in one fold (GroupKFold, --cv K folds, default 5), so that "
                        "λ is chosen for new groups; not a feature")


def _cv_args(p, cv_help):
    p.add_argument("--cv", default=None, metavar="K", help=cv_help)
    p.add_argument("--rule", type=_rule, default="min", metavar="RULE", help=_RULE_HELP)
    p.add_argument("--scoring", default=None, metavar="NAME",
                   help="the CV score to maximize, a scikit-learn scorer name such as r2, "
                        "neg_mean_absolute_error, accuracy, roc_auc, neg_log_loss (default: "
                        "the model's own, printed with the result)")


def _solver_args(p):
    p.add_argument("--max-iter", type=_at_least(1), default=None, metavar="N",
                   help="iterations the solver may take (lasso, elastic net, group lasso, "
                        "logistic); raise it when a fit warns that it did not converge")
    p.add_argument("--tol", type=_finite(0.0, True, "a positive number"), default=None,
                   metavar="X",
                   help="the solver's convergence tolerance (its own default otherwise; for a "
                        "network, the loss improvement that counts as progress)")


def _data_and_out(p, out_default, out_metavar, out_help, *, matrix=False):
    """The DATA argument, its reading options and ``--out`` (``matrix``: DATA may be a .npz
    sparse matrix, with ``--target-file``)."""
    p.add_argument("data", metavar="DATA",
                   help="a .csv or .parquet file" + (", or a scipy sparse matrix (.npz, from "
                                                      "scipy.sparse.save_npz) with --target-file, "
                                                      "or a directory or glob of Parquet files "
                                                      "(fitted on a Dask cluster, --scheduler)"
                                                      if matrix else ""))
    _data_args(p, target_required=not matrix)
    if matrix:
        p.add_argument("--target-file", default=None, metavar="FILE",
                       help="with a .npz matrix as DATA: a CSV or Parquet file, one row per "
                            "matrix row, holding the target (and any --weights, --groups, --id "
                            "column)")
    p.add_argument("--out", "-o", default=out_default, metavar=out_metavar, help=out_help)


def _fit_args(p):
    p.add_argument("--model", choices=list(MODELS), default=None,
                   help="default: ridge for regression, logistic for classification. lasso and "
                        "elasticnet on class labels fit LogisticRegression(l1_ratio=1 or "
                        "--l1-ratio); grouplasso puts the 0/1 columns of each text column in "
                        "one group (each numeric column its own) and fits GroupLasso, or "
                        "GroupLassoClassifier on class labels (grouped multinomial for three "
                        "or more)")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--lam", type=_positive_float, default=None, metavar="X",
                     help="fix λ instead of choosing it")
    how.add_argument("--cv", default=None, metavar="K",
                     help="choose λ by K-fold cross-validation (ridge also: loo, gcv). Default: "
                          "exact leave-one-out for ridge (5 group folds with --groups), 5-fold "
                          "otherwise; a network uses λ = 1e-4 unless --cv is given. Lasso / "
                          "elastic net on a numeric target search their own path grid "
                          "(ElasticNetCV); on class labels, and the group lasso, 30 λ from "
                          "λ_max down (LamSearchCV)")
    p.add_argument("--rule", type=_rule, default="min", metavar="RULE", help=_RULE_HELP)
    p.add_argument("--scoring", default=None, metavar="NAME",
                   help="the CV score to maximize, a scikit-learn scorer name such as r2, "
                        "neg_mean_absolute_error, accuracy, roc_auc, neg_log_loss (default: "
                        "the model's own, printed with the result)")
    _row_args(p)
    _solver_args(p)
    p.add_argument("--l1-ratio", type=_l1_ratio, default=0.5,
                   help="elasticnet: the L1 share ρ in [0, 1] (default 0.5)")
    p.add_argument("--hidden", type=_hidden, default=(64,), metavar="H1[,H2…]",
                   help="mlp: hidden layer widths, comma-separated (default 64)")
    p.add_argument("--epochs", type=_at_least(1), default=200,
                   help="mlp: training epochs (default 200)")


def _build_parser() -> argparse.ArgumentParser:
    from .. import __version__
    parser = _Parser(prog="shrinkage",
                     description="L2 regularization done right: ridge, logistic regression and "
                                 "networks with λ chosen fast and exactly, on your own data.")
    parser.add_argument("--version", action="version", version=f"shrinkage {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    demo = sub.add_parser(
        "demo", help="a tour on scikit-learn's bundled data: ridge, logistic, L1 vs L2 and a "
                     "network, each with λ chosen by cross-validation (about 30 s)",
        description="Four parts, each fitted on a training split and scored on a held-out test "
                    "split:\n"
                    "  1. ridge on diabetes, λ by exact leave-one-out (λ_min, λ_1se, df), and the\n"
                    "     bias–variance trade-off on a known linear truth;\n"
                    "  2. L2 logistic regression on breast cancer, λ by 5-fold CV;\n"
                    "  3. L1 vs L2 vs elastic net on a sparse truth: non-zeros, true features\n"
                    "     found, CV curves of all three, paths and non-zeros against λ;\n"
                    "  4. the L2 network on digits: λ = 0 overfits, a CV-chosen λ generalizes\n"
                    "     better, a very large λ underfits (per-epoch history saved).\n"
                    "Prints the tables; writes the figures (PNG), report.html (self-contained:\n"
                    "figures embedded, nothing fetched), summary.json (the tables' numbers) and\n"
                    "mlp_history.json into --out. Opens nothing; about 15-30 s.")
    demo.add_argument("--seed", type=_seed, default=0,
                      help="seed of the train/test split (default 0)")
    demo.add_argument("--out", default="shrinkage-demo",
                      help="folder for the demo's outputs (default ./shrinkage-demo)")
    _common(demo)

    fit = sub.add_parser("fit", help="fit a model to a CSV or Parquet file",
                         description="Read DATA (CSV or Parquet), one-hot encode text columns, "
                                     "choose λ and fit; print λ, df, the CV score and the "
                                     "largest coefficients; save the model with --out.")
    _data_and_out(fit, None, "MODEL", "write the fitted model (and its preprocessing) to this file",
                  matrix=True)
    _fit_args(fit)
    fit.add_argument("--scheduler", default=None, metavar="ADDRESS",
                     help="fit on a Dask cluster: the scheduler's address (tcp://host:8786). "
                          "DATA may then be a directory or a glob of Parquet files read as one "
                          "dataset; without --scheduler such a DATA starts a local cluster "
                          "sized to this machine (needs shrinkage[dask]; numeric columns only)")
    fit.add_argument("--summary", action="store_true",
                     help="also print the coefficient table (estimate, standard error, z, "
                          "p-value, 95%% interval; ridge and L2 logistic models): maximum "
                          "likelihood at λ = 0, the Gaussian-prior posterior otherwise")
    fit.add_argument("--keep-interrupted", action="store_true",
                     help="mlp: when Ctrl-C stops the training, still write the model (the best "
                          "weights so far) to --out; without it nothing is written. Exit code "
                          "130 either way")
    _common(fit)

    pred = sub.add_parser("predict", help="predict with a saved model",
                          description="Apply the preprocessing stored in MODEL to DATA and "
                                      "predict. A text level not seen in training gets zeros in "
                                      "all its 0/1 columns (the baseline), with a warning; "
                                      "--unknown error refuses it instead.")
    pred.add_argument("model", metavar="MODEL", help="a file written by shrinkage fit --out")
    pred.add_argument("data", metavar="DATA",
                      help="a .csv or .parquet file, or a .npz sparse matrix for a model "
                           "fitted on one")
    pred.add_argument("--out", "-o", default=None, metavar="FILE",
                      help="write predictions to FILE (.csv or .parquet); default: CSV on stdout")
    _reading_args(pred)
    pred.add_argument("--id", default=None, metavar="COL",
                      help="copy this column of DATA into the predictions (first column); "
                           "default: the --id given to fit, when DATA has it")
    pred.add_argument("--proba", action="store_true", help="classifiers: add class probabilities")
    pred.add_argument("--unknown", choices=["ignore", "error"], default="ignore",
                      help="what an unseen category level does (default: ignore, with a warning)")
    _common(pred)

    for name, helptext, desc in (
            ("path", "coefficients against λ (figure path.png)",
             "Fit the model over a λ grid and draw the regularization path with df."),
            ("cv", "cross-validation curve (figure cv.png, table cv_results.csv)",
             "Choose λ by cross-validation and draw the CV curve with λ_min and λ_1se."),
            ("bias-variance", "bias², variance and test error against λ",
             "Refit on bootstrap training sets for every λ and decompose the held-out error.")):
        p = sub.add_parser(name, help=helptext, description=desc)
        _data_and_out(p, f"shrinkage-{name}", "DIR",
                      f"folder for the figures (default ./shrinkage-{name})")
        p.add_argument("--model", choices=list(MODELS), default=None,
                       help="default: ridge for regression, logistic for classification; lasso / "
                            "elasticnet / grouplasso as in `shrinkage fit --help`" + (
                                {"cv": "; mlp: the network's CV curve over λ",
                                 "path": "; mlp: the network's weight norms and losses per λ"}
                                .get(name, " (mlp is refused: see `cv` and `path`)")
                                + (" (standardized features, --hidden, --epochs)"
                                   if name != "bias-variance" else "")))
        p.add_argument("--l1-ratio", type=_l1_ratio, default=0.5,
                       help="elasticnet: the L1 share ρ in [0, 1] (default 0.5)")
        _solver_args(p)
        if name == "cv":
            _cv_args(p, "folds (ridge also: loo, gcv); default: loo for ridge (5 group folds "
                        "with --groups), else 5")
            _row_args(p)
        if name in ("cv", "path"):
            p.add_argument("--hidden", type=_hidden, default=(64,), metavar="H1[,H2…]",
                           help="mlp: hidden layer widths, comma-separated (default 64)")
            p.add_argument("--epochs", type=_at_least(1), default=200,
                           help="mlp: training epochs (default 200)")
        if name == "path":
            p.add_argument("--holdout", type=_finite(0.0, False, "a fraction in [0, 1)"),
                           default=0.0, metavar="FRAC", help="mlp: also the data loss per λ on "
                           "this fraction of the rows, held out of training (default 0: none)")
        if name != "cv":
            p.add_argument("--lams", type=_at_least(1), default=None if name == "path" else 15,
                           help="number of λ values (L2 models: the CV estimator's grid; "
                                "sparse models: from λ_max down to 1e-3·λ_max; default "
                                + ("30; mlp: 1e-1 … 1e-5, one per decade)" if name == "path"
                                   else "15)"))
        if name == "bias-variance":
            p.add_argument("--rounds", type=_at_least(2), default=30,
                           help="bootstrap training sets (default 30)")
        _common(p)

    rep = sub.add_parser("report", help="a self-contained HTML report of a fit or a CV run",
                         description="INPUT is a model file (from fit --out; add --data to draw "
                                     "the path) or a data file (with --target; the model is "
                                     "fitted as by `shrinkage fit`). Figures are embedded; the "
                                     "page loads nothing from the network.")
    rep.add_argument("input", metavar="INPUT", help="a model file, or a .csv / .parquet file")
    rep.add_argument("--data", default=None, metavar="FILE",
                     help="with a model file: its training data (draws the path and the "
                          "residuals)")
    _data_args(rep, target_required=False)
    _fit_args(rep)
    rep.add_argument("--out", "-o", default="shrinkage-report.html", metavar="FILE",
                     help="the HTML file to write (default ./shrinkage-report.html)")
    rep.add_argument("--title", default=None,
                     help="the page's title (default: 'shrinkage report: ' and the file name)")
    _common(rep)

    conv = sub.add_parser("convert", help="convert a regularization strength between libraries",
                          description="Convert a strength through the objective of "
                                      "shrinkage.conventions. 'glmnet' means glmnet-binomial beside "
                                      "a logistic convention, else glmnet-gaussian.")
    names = sorted(STRENGTH_CONVENTIONS) + ["glmnet"]
    conv.add_argument("value", type=_finite(0.0, False, "a finite number >= 0"),
                      help="the strength in the source's terms")
    conv.add_argument("--from", dest="source", required=True, choices=names, metavar="NAME",
                      help="the convention VALUE is in: " + ", ".join(names))
    conv.add_argument("--to", dest="target", default="shrinkage", choices=names, metavar="NAME",
                      help="the convention to convert to (default shrinkage: the objective of "
                           "shrinkage.conventions)")
    conv.add_argument("--n-samples", type=_finite(0.0, True, "a positive number"), default=None,
                      help="training rows (or the sum of sample weights)")
    conv.add_argument("--l1-ratio", type=_l1_ratio, default=0.0,
                      help="the source's L1 mixing")
    conv.add_argument("--loss", choices=["log", "squared"], default=None,
                      help="sklearn-mlp only: classifier (log) or regressor (squared)")
    conv.add_argument("--y-scale", type=_finite(0.0, True, "a positive number"), default=None,
                      help="glmnet-gaussian with --l1-ratio < 1: the standard deviation of y "
                           "(glmnet scales y by it)")
    _common(conv)
    parser.epilog = EXAMPLES[None]
    for name, p in sub.choices.items():
        p.epilog = EXAMPLES[name]
    return parser


_BINOMIAL = {"sklearn-logistic", "glmnet-binomial"}
_GAUSSIAN = {"sklearn-ridge", "sklearn-elasticnet", "sklearn-lasso", "glmnet-gaussian",
             "glum-gaussian"}


def _convert(args, out) -> int:
    notes = []
    for attr, other in (("source", "target"), ("target", "source")):
        if getattr(args, attr) == "glmnet":
            family = "binomial" if getattr(args, other) in _BINOMIAL else "gaussian"
            setattr(args, attr, f"glmnet-{family}")
            why = ("the other side is a logistic model" if family == "binomial" else
                   "name glmnet-binomial for logistic models")
            notes.append(f"'glmnet' is read as glmnet-{family} ({why})")
    for n in dict.fromkeys(notes):
        out.note(f"shrinkage: note: {n}")
    needs_n = [c for c in (args.source, args.target) if STRENGTH_CONVENTIONS[c][2]]
    if needs_n and args.n_samples is None:
        raise ValueError(f"converting {args.source} to {args.target} needs --n-samples N (the "
                         f"number of training rows, or the sum of the sample weights), as "
                         f"{needs_n[0]} scales with it")
    res = convert_strength(args.value, source=args.source, target=args.target,
                           n_samples=args.n_samples, l1_ratio=args.l1_ratio, loss=args.loss,
                           y_scale=args.y_scale)
    if not (out.quiet or out.as_json):
        print(f"{res.value:.10g}" + (f"  l1_ratio={res.l1_ratio:.10g}" if res.l1_ratio else ""))
    out.put(value=res.value, l1_ratio=res.l1_ratio, source=args.source, target=args.target,
            notes=list(dict.fromkeys(notes)))
    return out.finish()


def _demo(args, out) -> int:
    from .demo import REPORT, SUMMARY, run_demo
    if not (out.quiet or out.as_json):
        run_demo(seed=args.seed, out_dir=args.out)
        return 0
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        summary = run_demo(seed=args.seed, out_dir=args.out)
    out.put(out_dir=args.out, figures=[os.path.join(args.out, f) for f in summary["figures"]],
            report=os.path.join(args.out, REPORT), summary_file=os.path.join(args.out, SUMMARY),
            summary=summary, text=buf.getvalue())
    return out.finish()


#: the optional packages each command needs (``convert`` and ``--help`` need none), checked
#: before any work so that a missing extra is named at once, not after a long fit
_NEEDS = {"demo": ("pandas", "matplotlib"), "fit": ("pandas",), "predict": ("pandas",),
          "report": ("pandas", "matplotlib"), "path": ("pandas", "matplotlib"),
          "cv": ("pandas", "matplotlib"), "bias-variance": ("pandas", "matplotlib")}


def _dispatch(args, out) -> int:
    from .._optional import require_all
    require_all(_NEEDS.get(args.command, ()), f"shrinkage {args.command}")
    if args.command == "demo":
        return _demo(args, out)
    if args.command == "convert":
        return _convert(args, out)
    from . import analyses, tabular
    return {"fit": tabular.cmd_fit, "predict": tabular.cmd_predict, "report": tabular.cmd_report,
            "path": analyses.cmd_path, "cv": analyses.cmd_cv,
            "bias-variance": analyses.cmd_bias_variance}[args.command](args, out)


def main(argv: list[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    out = Output(quiet=args.quiet, as_json=args.as_json)

    shown = set()

    def show(message, category, filename, lineno, file=None, line=None):
        text = _in_cli_words(str(message))
        if not out.quiet and text not in shown:     # one line per warning, each said once
            shown.add(text)
            print(f"shrinkage: warning: {text}", file=sys.stderr)

    try:
        with warnings.catch_warnings():
            warnings.showwarning = show
            return _dispatch(args, out)
    except (MissingDependencyError, ValueError) as exc:  # bad input or a missing extra (named)
        print(f"shrinkage: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except BrokenPipeError:            # `shrinkage predict … | head -1`: the reader has left
        return reader_gone()
    except OSError as exc:             # a path that cannot be read or written: the user's to fix
        if os.environ.get("SHRINKAGE_DEBUG"):
            raise
        print(f"shrinkage: error: {_os_error_text(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:   # Ctrl-C; a network's fit says where it stopped
        print(f"shrinkage: interrupted{': ' + _one_line(exc) if str(exc) else ''}",
              file=sys.stderr)
        return 130
    except Exception as exc:           # a bug of ours: say so, in one line
        if os.environ.get("SHRINKAGE_DEBUG"):
            raise
        print(f"shrinkage: internal error: {type(exc).__name__}: {_one_line(exc)} (set "
              "SHRINKAGE_DEBUG=1 for the traceback, and please report it)", file=sys.stderr)
        return 1


#: the library's advice names its Python parameters; the CLI's options say the same
_CLI_WORDS = (("raise max_iter or tol", "raise --max-iter (or loosen --tol)"),
              ("increase max_iter, loosen tol", "raise --max-iter, loosen --tol"),
              ("raise max_iter or λ", "raise --max-iter, or λ"),
              ("increase max_epochs", "raise --epochs"),
              (", or set early_stopping=True to stop when it levels off", ""))


def _in_cli_words(text: str) -> str:
    for python, cli in _CLI_WORDS:
        text = text.replace(python, cli)
    return text


def _one_line(exc) -> str:
    return " ".join(str(exc).split())


_OS_FIXES = {errno.EACCES: "check its permissions or choose another path",
             errno.EPERM: "check its permissions or choose another path",
             errno.ENOSPC: "free some space or choose another disk",
             errno.EROFS: "choose a place that can be written"}


def _os_error_text(exc: OSError) -> str:
    """``'path': what went wrong[; the fix]``, naming the path the user gave (never a
    temporary file: :func:`shrinkage._atomic.atomic_write` reports the destination)."""
    what = _one_line(exc.strerror or exc)
    if exc.filename is None:
        return what
    fix = _OS_FIXES.get(exc.errno)
    return f"{os.fspath(exc.filename)!r}: {what}" + (f"; {fix}" if fix else "")


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
