"""What one step of shrinkage's network costs, beyond the side-by-side times of ``run.py``.

    python benchmarks/mlp_costs.py [--threads 1 2] [--repeat 7]

On the ``mlp_epoch`` problem (``problems.py``), for each thread count:

* **penalty share**: whole epochs of the training loop (:class:`shrinkage.nn.training.Trainer`)
  with the problem's λ and with λ = 0 (the penalty then does no work), interleaved, same data,
  shuffle and initial weights; share (A/B) = 1 − median(t(λ=0) / t(λ)) over the pairs. The
  trainer adds the L2 gradient ``2λW`` by the transformation at the head of its optimizer chain
  (``add_decayed_weights(penalty.l2_coefficients)``: one compiled pass ``g += 2λW`` per weight
  matrix). The loop is also instrumented (``perf_counter`` around each phase of a step) for a
  breakdown: batch gather, forward + backward, penalty (``add_gradient`` for the L1 and group
  parts, and the L2 head), optimizer, parameter update. Every other step of the instrumented
  epoch leaves the penalty out, so share (instrumented) = the penalty, optimizer and update
  phases' time with the penalty minus without, over the step with it. Medians over the runs.
* **peak memory** (threads = the first count only): ``tracemalloc`` peak of NumPy's
  allocations during ``MLPClassifier.fit`` (one epoch) and during the training loop alone, the
  input ``X, y`` already allocated, against the budget ``3·params + one batch of activations``
  (params, gradients, momentum; the batch's input rows, hidden and output activations), for
  ``train_loss="running"`` and ``"epoch_end"``. The largest allocations alive after the loop
  are listed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
if (HERE.parent / "src").is_dir():
    sys.path.insert(1, str(HERE.parent / "src"))

import numpy as np                                      # noqa: E402
from threadpoolctl import threadpool_limits            # noqa: E402

import problems                                         # noqa: E402
from shrinkage.nn import MLPClassifier                  # noqa: E402
from shrinkage.nn.network import MLP                    # noqa: E402
from shrinkage.nn.optimizers import OPTIMIZERS, add_decayed_weights, apply_updates  # noqa: E402
from shrinkage.nn.penalties import LayerPenalty         # noqa: E402
from shrinkage.nn.training import Trainer               # noqa: E402

PHASES = ("gather", "forward+backward", "penalty", "optimizer", "update")


def _optimizer(prob):
    o = prob.options
    return OPTIMIZERS["momentum"](o["learning_rate"], 0.0, o["momentum"])


def _trainer(prob, lam):
    o = prob.options
    K = int(prob.y.max()) + 1
    net = MLP((prob.X.shape[1], o["hidden"], K), "relu", dtype=o["dtype"], random_state=o["seed"])
    return Trainer(net, LayerPenalty(lam, net.layer_names), _optimizer(prob),
                   batch_size=o["batch_size"], random_state=o["seed"], train_loss="running")


def _epoch(prob, lam) -> float:
    tr = _trainer(prob, lam)
    t = time.perf_counter()
    tr._epoch(prob.X, prob.y)
    return time.perf_counter() - t


def _instrumented_epoch(prob) -> dict:
    """One epoch of the same loop as ``Trainer._epoch``, timing each phase of every step.

    The chain is taken apart: the L2 head (``add_decayed_weights(pen.l2_coefficients)``) is
    timed with ``add_gradient`` as the penalty, the given optimizer as the optimizer. Even steps
    are the loop's own; odd steps leave the penalty out, so each phase is timed with and without
    it under the same conditions. Returns mean seconds per step for ``"with"`` and
    ``"without"``, per phase and ``"total"``.
    """
    tr = _trainer(prob, prob.lam)
    X, y, bs = prob.X, prob.y, tr.batch_size
    net, pen = tr.net, tr.penalty
    head, opt = add_decayed_weights(pen.l2_coefficients), _optimizer(prob)
    params, grads = net.params, net.grads
    state = opt.init(params)
    order = tr.rng.permutation(X.shape[0])
    Xb_full, yb_full = np.empty((bs, X.shape[1]), X.dtype), np.empty(bs, y.dtype)
    acc = {k: dict.fromkeys(PHASES + ("total",), 0.0) for k in ("with", "without")}
    clock = time.perf_counter
    for step, start in enumerate(range(0, X.shape[0], bs)):
        penalized = step % 2 == 0
        t0 = clock()
        idx = order[start:start + bs]
        m = idx.shape[0]
        Xb = np.take(X, idx, axis=0, out=Xb_full[:m], mode="clip")
        yb = np.take(y, idx, axis=0, out=yb_full[:m], mode="clip")
        t1 = clock()
        net.loss_and_grad(Xb, yb)
        t2 = clock()
        if penalized:
            pen.add_gradient(params, grads, l2=False)
            head.update(grads, (), params)
        t3 = clock()
        updates, state = opt.update(grads, state, params)
        t4 = clock()
        apply_updates(params, updates)
        t5 = clock()
        a = acc["with" if penalized else "without"]
        for k, t, u in zip(PHASES + ("total",), (t0, t1, t2, t3, t4, t0), (t1, t2, t3, t4, t5, t5)):
            a[k] += u - t
    n_with = (step + 2) // 2
    for k, n in (("with", n_with), ("without", step + 1 - n_with)):
        acc[k] = {ph: v / n for ph, v in acc[k].items()}
    return acc


#: the phases the penalty acts in (the update's ``p += u`` reads ``W`` that the L2 head has just
#: brought into cache)
PENALTY_PHASES = ("penalty", "optimizer", "update")


def _instrumented_share(b) -> float:
    """What the penalty adds to a step: its phases with minus without, over the step with."""
    w, z = b["with"], b["without"]
    return sum(w[k] - z[k] for k in PENALTY_PHASES) / w["total"]


def penalty_share(prob, repeat: int, log) -> dict:
    """Epoch medians with λ and λ = 0, A/B share, phase shares, instrumented share (module doc)."""
    runs = (("lam", prob.lam), ("zero", 0.0))
    for _, lam in runs:                                     # warm-up (compilation, caches)
        _epoch(prob, lam)
    t = {label: [] for label, _ in runs}
    b = []
    for r in range(repeat):                                 # interleaved, order alternated
        for label, lam in (runs if r % 2 == 0 else runs[::-1]):
            t[label].append(_epoch(prob, lam))
        log("    epoch " + ", ".join(f"{label} {t[label][-1]:.3f} s" for label, _ in runs))
        b.append(_instrumented_epoch(prob))
    ratios = [z / w for w, z in zip(t["lam"], t["zero"])]
    return {"share_ab": 1.0 - statistics.median(ratios),
            "share_inst": statistics.median(_instrumented_share(x) for x in b),
            "epoch_with": statistics.median(t["lam"]), "epoch_without": statistics.median(t["zero"]),
            "pairs": len(ratios), "step_with": statistics.median(x["with"]["total"] for x in b),
            "phases": {k: statistics.median(x["with"][k] / x["with"]["total"] for x in b)
                       for k in PHASES}}


def budget_bytes(prob) -> dict:
    o = prob.options
    K, p = int(prob.y.max()) + 1, prob.X.shape[1]
    item = np.dtype(o["dtype"]).itemsize
    params = (p * o["hidden"] + o["hidden"] + o["hidden"] * K + K) * item
    acts = o["batch_size"] * (p + o["hidden"] + K) * item
    data = prob.X.nbytes + prob.y.nbytes
    return {"data": data, "params": params, "activations": acts, "budget": 3 * params + acts}


def _estimator(prob, train_loss):
    o = prob.options
    return MLPClassifier(hidden_layer_sizes=(o["hidden"],), lam=prob.lam, optimizer="momentum",
                         momentum=o["momentum"], learning_rate=o["learning_rate"],
                         batch_size=o["batch_size"], max_epochs=o["epochs"],
                         dtype=np.dtype(o["dtype"]).name, train_loss=train_loss,
                         random_state=o["seed"])


def _traced(func) -> tuple[int, list[str]]:
    """tracemalloc peak of ``func()`` and the largest allocations alive at its end."""
    tracemalloc.start(1)
    func()
    _, peak = tracemalloc.get_traced_memory()
    snap = tracemalloc.take_snapshot()
    tracemalloc.stop()
    return peak, [f"{s.size / 1e6:.3f} MB  {s.traceback}" for s in snap.statistics("lineno")[:8]]


def peak_memory(prob, train_loss: str) -> dict:
    """Peaks of (a) ``MLPClassifier.fit`` and (b) the training loop alone (network, optimizer
    and penalty built, one epoch run), beyond the input ``X, y``. The warm-up fit (imports) uses
    another feature count, so cached scratch buffers of this fit's shapes are counted."""
    _estimator(prob, train_loss).fit(prob.X[:1000, :100], prob.y[:1000])
    fit_peak, _ = _traced(lambda: _estimator(prob, train_loss).fit(prob.X, prob.y))

    def loop():
        tr = _trainer(prob, prob.lam)
        tr.train_loss = train_loss
        tr.run(prob.X, prob.y, epochs=prob.options["epochs"])
        loop.trainer = tr                      # keep it alive for the snapshot
    loop_peak, alive = _traced(loop)
    return {"fit": fit_peak, "loop": loop_peak, "alive": alive}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=7, help="pairs of epochs (λ, λ=0)")
    args = parser.parse_args(argv)

    def log(msg):
        print(msg, file=sys.stderr, flush=True)

    prob = problems.mlp_epoch()
    print(f"mlp_epoch: {prob.description}\n")
    print("| threads | epoch with λ (median s) | epoch λ=0 (median s) | penalty share (A/B) | "
          "penalty share (instrumented) | " + " | ".join(PHASES) + " |")
    print("|---:|---:|---:|---:|---:|" + "---:|" * len(PHASES))
    for t in args.threads:
        log(f"threads {t}")
        with threadpool_limits(limits=t):
            r = penalty_share(prob, args.repeat, log)
        ph = " | ".join(f"{100 * r['phases'][k]:.1f}%" for k in PHASES)
        print(f"| {t} | {r['epoch_with']:.3f} | {r['epoch_without']:.3f} | "
              f"{100 * r['share_ab']:.1f}% ({r['pairs']} pairs) | {100 * r['share_inst']:.1f}% | "
              f"{ph} |", flush=True)

    b = budget_bytes(prob)
    print(f"\nMemory (MB): data {b['data'] / 1e6:.1f} (not counted below), params {b['params'] / 1e6:.3f}, "
          f"one batch of activations {b['activations'] / 1e6:.3f}; "
          f"budget beyond the data = 3·params + activations = {b['budget'] / 1e6:.3f}\n")
    print("| train_loss | peak during fit (MB) | / budget | peak of the training loop alone (MB) | / budget |")
    print("|---|---:|---:|---:|---:|")
    alive = None
    with threadpool_limits(limits=args.threads[0]):
        for tl in ("running", "epoch_end"):
            r = peak_memory(prob, tl)
            alive = alive or r["alive"]
            print(f"| {tl} | {r['fit'] / 1e6:.3f} | {r['fit'] / b['budget']:.2f} | "
                  f"{r['loop'] / 1e6:.3f} | {r['loop'] / b['budget']:.2f} |", flush=True)
    print("\nLargest allocations alive after the training loop (train_loss='running'):\n")
    for line in alive:
        print(f"- {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
