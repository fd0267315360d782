"""What one step of shrinkage's network costs, beyond the side-by-side times of ``run.py``.

    python benchmarks/mlp_costs.py [--threads 1 2] [--repeat 7]

On the ``mlp_epoch`` problem (``problems.py``), for each thread count:

* **penalty share**: whole epochs of the training loop (:class:`shrinkage.nn.training.Trainer`)
  with the problem's λ and with λ = 0 (the penalty then does no work), interleaved, same data,
  shuffle and initial weights; share = 1 − median(t(λ=0) / t(λ)) over the pairs. The
  loop is also instrumented (``perf_counter`` around each phase of a step) for a breakdown:
  batch gather, forward + backward, penalty gradient, optimizer, parameter update.
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
from shrinkage.nn.optimizers import OPTIMIZERS, apply_updates   # noqa: E402
from shrinkage.nn.penalties import LayerPenalty         # noqa: E402
from shrinkage.nn.training import Trainer               # noqa: E402

PHASES = ("gather", "forward+backward", "penalty", "optimizer", "update")


def _trainer(prob, lam):
    o = prob.options
    K = int(prob.y.max()) + 1
    net = MLP((prob.X.shape[1], o["hidden"], K), "relu", dtype=o["dtype"], random_state=o["seed"])
    opt = OPTIMIZERS["momentum"](o["learning_rate"], 0.0, o["momentum"])
    return Trainer(net, LayerPenalty(lam, net.layer_names), opt, batch_size=o["batch_size"],
                   random_state=o["seed"], train_loss="running")


def _epoch(prob, lam) -> float:
    tr = _trainer(prob, lam)
    t = time.perf_counter()
    tr._epoch(prob.X, prob.y)
    return time.perf_counter() - t


def _instrumented_epoch(prob) -> dict:
    """One epoch of the same loop as ``Trainer._epoch``, timing each phase of every step."""
    tr = _trainer(prob, prob.lam)
    X, y, bs = prob.X, prob.y, tr.batch_size
    net, pen, opt = tr.net, tr.penalty, tr.optimizer
    params, grads, state = net.params, net.grads, tr.opt_state
    order = tr.rng.permutation(X.shape[0])
    Xb_full, yb_full = np.empty((bs, X.shape[1]), X.dtype), np.empty(bs, y.dtype)
    acc = dict.fromkeys(PHASES, 0.0)
    clock = time.perf_counter
    start_all = clock()
    for start in range(0, X.shape[0], bs):
        t0 = clock()
        idx = order[start:start + bs]
        m = idx.shape[0]
        Xb = np.take(X, idx, axis=0, out=Xb_full[:m], mode="clip")
        yb = np.take(y, idx, axis=0, out=yb_full[:m], mode="clip")
        t1 = clock()
        net.loss_and_grad(Xb, yb)
        t2 = clock()
        pen.add_gradient(params, grads)
        t3 = clock()
        updates, state = opt.update(grads, state, params)
        t4 = clock()
        apply_updates(params, updates)
        t5 = clock()
        for k, a, b in zip(PHASES, (t0, t1, t2, t3, t4), (t1, t2, t3, t4, t5)):
            acc[k] += b - a
    total = clock() - start_all
    return {k: v / total for k, v in acc.items()}


def penalty_share(prob, repeat: int, log) -> dict:
    with_pen, without, ratios = [], [], []
    _epoch(prob, prob.lam)                                  # warm-up
    for r in range(repeat):
        pair = [(prob.lam, with_pen), (0.0, without)]
        for lam, out in (pair if r % 2 == 0 else pair[::-1]):
            out.append(_epoch(prob, lam))
        ratios.append(without[-1] / with_pen[-1])
        log(f"    epoch with λ {with_pen[-1]:.3f} s, λ=0 {without[-1]:.3f} s")
    breakdowns = [_instrumented_epoch(prob) for _ in range(max(3, repeat // 2))]
    phases = {k: statistics.median(b[k] for b in breakdowns) for k in PHASES}
    return {"share_ab": 1.0 - statistics.median(ratios), "epoch_with": statistics.median(with_pen),
            "epoch_without": statistics.median(without), "pairs": len(ratios), "phases": phases}


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
          + " | ".join(PHASES) + " |")
    print("|---:|---:|---:|---:|" + "---:|" * len(PHASES))
    for t in args.threads:
        log(f"threads {t}")
        with threadpool_limits(limits=t):
            r = penalty_share(prob, args.repeat, log)
        ph = " | ".join(f"{100 * r['phases'][k]:.1f}%" for k in PHASES)
        print(f"| {t} | {r['epoch_with']:.3f} | {r['epoch_without']:.3f} | "
              f"{100 * r['share_ab']:.1f}% ({r['pairs']} pairs) | {ph} |", flush=True)

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
