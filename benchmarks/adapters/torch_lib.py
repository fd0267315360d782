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


@adapter("torch", "SGD momentum", tasks={"mlp_epoch"})
def mlp_sgd(prob):
    """The idiomatic PyTorch loop: ``nn.Sequential``, ``CrossEntropyLoss``, ``optim.SGD`` with
    ``weight_decay = 2λ`` on the weights only (a second parameter group keeps the biases
    unpenalized, as ours are), a ``randperm`` shuffle and index batches (no DataLoader)."""
    torch = require("torch")
    from shrinkage import convert_strength
    torch.set_num_threads(registry.THREADS)
    o = prob.options
    torch.manual_seed(o["seed"])
    X = torch.from_numpy(prob.X)                     # shares memory, float32
    y = torch.from_numpy(prob.y)
    n, p = X.shape
    K = int(prob.y.max()) + 1
    nn = torch.nn
    model = nn.Sequential(nn.Linear(p, o["hidden"]), nn.ReLU(), nn.Linear(o["hidden"], K))
    wd = convert_strength(prob.lam, source="shrinkage", target="torch-sgd").value
    weights = [m.weight for m in model if isinstance(m, nn.Linear)]
    biases = [m.bias for m in model if isinstance(m, nn.Linear)]
    opt = torch.optim.SGD([{"params": weights, "weight_decay": wd},
                           {"params": biases, "weight_decay": 0.0}],
                          lr=o["learning_rate"], momentum=o["momentum"])
    loss_fn = nn.CrossEntropyLoss()
    bs = o["batch_size"]
    for _ in range(o["epochs"]):
        perm = torch.randperm(n)
        for start in range(0, n, bs):
            idx = perm[start:start + bs]
            opt.zero_grad(set_to_none=True)
            loss_fn(model(X[idx]), y[idx]).backward()
            opt.step()
    layers = [m for m in model if isinstance(m, nn.Linear)]
    return Fit([a for m in layers for a in (m.weight.detach().numpy().T.copy(),
                                           m.bias.detach().numpy().copy())])
