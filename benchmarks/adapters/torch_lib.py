"""PyTorch CPU, full-batch L-BFGS (optional; skipped when not installed). Not run on the
machine of BENCHMARKS.md.

The loss is written in our convention directly: mean cross-entropy + λ‖W‖² (bias unpenalized).
"""

import numpy as np

import registry
from registry import Fit, adapter, require


@adapter("torch", "LBFGS", tasks={"logistic", "multinomial"})
def lbfgs(prob):
    torch = require("torch")
    torch.set_num_threads(registry.THREADS)   # loaded after threadpoolctl pinned the others
    X = torch.from_numpy(prob.X)
    binary = prob.task == "logistic"
    y = torch.from_numpy(prob.y) if binary else torch.from_numpy(prob.y.astype(np.int64))
    K = 1 if binary else int(prob.y.max()) + 1
    W = torch.zeros((K, X.shape[1]), dtype=X.dtype, requires_grad=True)
    b = torch.zeros(K, dtype=X.dtype, requires_grad=True)
    opt = torch.optim.LBFGS([W, b], max_iter=10_000, tolerance_grad=prob.tol,
                            tolerance_change=0.0, history_size=20, line_search_fn="strong_wolfe")
    data = (torch.nn.functional.binary_cross_entropy_with_logits if binary
            else torch.nn.functional.cross_entropy)

    def closure():
        opt.zero_grad()
        z = X @ W.T + b
        loss = data(z[:, 0] if binary else z, y) + prob.lam * (W * W).sum()
        loss.backward()
        return loss
    opt.step(closure)
    return Fit(W.detach().numpy().copy(), b.detach().numpy().copy())
