"""convert_strength: each scikit-learn conversion proved by fitting both sides; the rest by formula."""

import numpy as np
import pytest
from sklearn.linear_model import ElasticNet as SkElasticNet
from sklearn.linear_model import Lasso as SkLasso
from sklearn.linear_model import Ridge as SkRidge

from shrinkage import Ridge, convert_strength
from shrinkage.conventions import STRENGTH_CONVENTIONS


def data(n=80, p=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    y = X @ rng.normal(size=p) + 0.5 * rng.normal(size=n)
    return X, y


def rel(a, b):
    return np.max(np.abs(np.asarray(a) - b)) / np.max(np.abs(b))


# ---------------------------------------------------------------- round trips and formulas

L2_ONLY = {"sklearn-ridge", "sklearn-mlp", "sklearn-glm", "torch-sgd", "keras-l2", "lambda-over-n"}


@pytest.mark.parametrize("name", sorted(STRENGTH_CONVENTIONS))
@pytest.mark.parametrize("value", [1e-3, 0.7, 25.0])
def test_round_trip_through_every_convention(name, value):
    rho = 0.0 if name in L2_ONLY else (1.0 if name == "sklearn-lasso" else 0.4)
    kw = {"y_scale": 3.0} if name == "glmnet-gaussian" else {}
    there = convert_strength(value, source="shrinkage", target=name, n_samples=40, l1_ratio=rho,
                             **kw)
    back = convert_strength(there.value, source=name, n_samples=40, l1_ratio=there.l1_ratio,
                            **kw)
    assert back.value == pytest.approx(value, rel=1e-12)
    assert back.l1_ratio == pytest.approx(rho, rel=1e-12)


@pytest.mark.parametrize("source, value, kwargs, expected", [
    ("lambda-over-n", 5.0, {"n_samples": 50}, (0.1, 0.0)),             # seed 000: λ'/n
    ("sklearn-ridge", 2.0, {"n_samples": 50}, (0.04, 0.0)),
    ("sklearn-logistic", 1.0, {"n_samples": 100}, (0.005, 0.0)),       # 1/(2Cn), not 1/C
    ("sklearn-logistic", 2.0, {"n_samples": 10, "l1_ratio": 0.5}, ((1.5) / 40, 2 / 3)),
    ("sklearn-elasticnet", 0.1, {"l1_ratio": 0.5}, (0.15, 2 / 3)),
    ("sklearn-lasso", 0.1, {}, (0.2, 1.0)),
    ("sklearn-mlp", 1e-4, {"n_samples": 200}, (1e-4 / 400, 0.0)),
    ("sklearn-mlp", 1e-4, {"n_samples": 200, "loss": "squared"}, (1e-4 / 200, 0.0)),
    ("glmnet-gaussian", 0.2, {"l1_ratio": 1.0}, (0.4, 1.0)),            # the lasso: no y scale
    ("glmnet-gaussian", 0.2, {"l1_ratio": 0.0, "y_scale": 4.0}, (0.05, 0.0)),
    ("glmnet-gaussian", 0.2, {"l1_ratio": 0.5, "y_scale": 4.0}, (0.2 * 1.125, 1 / 1.125)),
    ("glum-gaussian", 0.2, {"l1_ratio": 0.0}, (0.2, 0.0)),
    ("glmnet-binomial", 0.2, {"l1_ratio": 0.0}, (0.1, 0.0)),
    ("glmnet-binomial", 0.2, {"l1_ratio": 1.0}, (0.2, 1.0)),
    ("glmnet-poisson", 0.2, {"l1_ratio": 0.5}, (0.15, 2 / 3)),          # test_glm_enet: glmnet
    ("glmnet-mgaussian", 0.2, {"l1_ratio": 0.5}, (0.3, 2 / 3)),          # test_multitask: glmnet
    ("glmnet-mgaussian", 0.2, {"l1_ratio": 1.0}, (0.4, 1.0)),
    ("glmnet-multinomial", 0.2, {"l1_ratio": 1.0}, (0.2, 1.0)),          # test_multitask: grouped
    ("glum", 0.2, {"l1_ratio": 0.5}, (0.15, 2 / 3)),                    # test_glm_enet: glum
    ("glmnet-multinomial", 0.2, {"l1_ratio": 0.5}, (0.15, 2 / 3)),   # test_logistic_glmnet
    ("glmnet-gamma", 0.2, {"l1_ratio": 0.5}, (0.15, 2 / 3)),   # test_glm_glmnet_families
    ("glmnet-tweedie", 0.2, {"l1_ratio": 0.0}, (0.1, 0.0)),    # test_glm_glmnet_families
    ("torch-sgd", 1e-3, {}, (5e-4, 0.0)),                                # grad += wd·w = 2λw
    ("keras-l2", 1e-3, {}, (1e-3, 0.0)),
])
def test_written_formulas(source, value, kwargs, expected):
    out = convert_strength(value, source=source, **kwargs)
    assert out.value == pytest.approx(expected[0], rel=1e-12)
    assert out.l1_ratio == pytest.approx(expected[1], rel=1e-12)


def test_torch_weight_decay_step_equals_gradient_of_our_penalty():
    """One SGD step with weight_decay wd equals a step on λ‖w‖² with λ = wd/2 (PyTorch's rule
    written out: g ← g + wd·w)."""
    rng = np.random.default_rng(0)
    w, g, lr, wd = rng.normal(size=5), rng.normal(size=5), 0.1, 0.01
    torch_step = w - lr * (g + wd * w)
    lam = convert_strength(wd, source="torch-sgd").value
    ours = w - lr * (g + 2 * lam * w)
    assert np.allclose(torch_step, ours, rtol=0, atol=1e-15)


def test_keras_l2_penalty_value_equals_ours():
    """Keras' L2(l2) adds l2·Σw² to the loss — our λΣw² with λ = l2."""
    w = np.random.default_rng(1).normal(size=(4, 3))
    l2 = 3e-3
    lam = convert_strength(l2, source="keras-l2").value
    assert lam * np.sum(w ** 2) == pytest.approx(l2 * np.sum(np.square(w)))


# ---------------------------------------------------------------- fitting both sides

def test_sklearn_ridge_conversion_by_fitting_both_sides():
    X, y = data()
    lam = convert_strength(3.0, source="sklearn-ridge", n_samples=len(y)).value
    ours = Ridge(lam=lam, standardize=False).fit(X, y)
    ref = SkRidge(alpha=3.0).fit(X, y)
    assert rel(ours.coef_, ref.coef_) < 1e-6


def test_sklearn_ridge_conversion_with_sample_weights_uses_their_sum():
    X, y = data()
    sw = np.random.default_rng(3).uniform(0.5, 4.0, len(y))
    lam = convert_strength(3.0, source="sklearn-ridge", n_samples=sw.sum()).value
    ours = Ridge(lam=lam, standardize=False).fit(X, y, sample_weight=sw)
    ref = SkRidge(alpha=3.0).fit(X, y, sample_weight=sw)
    assert rel(ours.coef_, ref.coef_) < 1e-6


def our_elastic_net_certificate(X, y, w, b, lam, rho):
    """Distance of 0 to the subdifferential of our objective at (w, b) (0 at the optimum)."""
    n = len(y)
    grad = -2.0 / n * X.T @ (y - X @ w - b) + 2 * lam * (1 - rho) * w
    nz = w != 0
    dist = np.where(nz, np.abs(grad + lam * rho * np.sign(w)), np.maximum(np.abs(grad) - lam * rho, 0))
    return np.max(dist), abs(np.mean(y - X @ w - b))


@pytest.mark.parametrize("source, alpha, r", [("sklearn-elasticnet", 0.05, 0.3),
                                              ("sklearn-elasticnet", 0.2, 0.8),
                                              ("sklearn-lasso", 0.05, 1.0)])
def test_sklearn_elastic_net_conversion_satisfies_our_optimality_conditions(source, alpha, r):
    """scikit-learn's solution at (alpha, l1_ratio) is our optimum at the converted (λ, ρ)."""
    X, y = data(p=8)
    if source == "sklearn-lasso":
        ref = SkLasso(alpha=alpha, tol=1e-14, max_iter=100_000).fit(X, y)
    else:
        ref = SkElasticNet(alpha=alpha, l1_ratio=r, tol=1e-14, max_iter=100_000).fit(X, y)
    lam, rho = convert_strength(alpha, source=source, l1_ratio=r)
    dist, icpt = our_elastic_net_certificate(X, y, ref.coef_, ref.intercept_, lam, rho)
    assert dist < 1e-9 and icpt < 1e-9
    wrong = our_elastic_net_certificate(X, y, ref.coef_, ref.intercept_, alpha, r)[0]
    assert wrong > 1e-3          # the naive reading (λ = alpha, ρ = l1_ratio) is not optimal


def _mlp_linear(cls, **kw):
    return cls(hidden_layer_sizes=(), solver="lbfgs", tol=1e-12, max_iter=20_000, random_state=0,
               **kw)


def test_sklearn_mlp_regressor_conversion_by_fitting_both_sides():
    """A hidden-layer-free MLPRegressor is ridge: ½·mean + α/(2n)‖W‖² ⇔ λ = α/n."""
    from sklearn.neural_network import MLPRegressor
    X, y = data(n=60, p=4)
    alpha = 6.0
    ref = _mlp_linear(MLPRegressor, alpha=alpha).fit(X, y)
    lam = convert_strength(alpha, source="sklearn-mlp", n_samples=len(y), loss="squared").value
    ours = Ridge(lam=lam, standardize=False).fit(X, y)
    assert rel(ours.coef_, ref.coefs_[0].ravel()) < 1e-5


def test_sklearn_mlp_classifier_conversion_by_its_optimality_conditions():
    """A hidden-layer-free binary MLPClassifier is L2 logistic with λ = α/(2n): its solution
    zeroes our objective's gradient."""
    from scipy.special import expit
    from sklearn.neural_network import MLPClassifier
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 3))
    y = (X @ [1.0, -1.0, 0.5] + rng.normal(size=80) > 0).astype(int)
    alpha = 4.0
    ref = _mlp_linear(MLPClassifier, alpha=alpha).fit(X, y)
    w, b = ref.coefs_[0].ravel(), ref.intercepts_[0][0]
    lam = convert_strength(alpha, source="sklearn-mlp", n_samples=len(y)).value
    r = expit(X @ w + b) - y
    grad = X.T @ r / len(y) + 2 * lam * w
    # scikit-learn's lbfgs stops near a gradient of 1e-6; the wrong conversion is off by > 1e-3
    assert np.max(np.abs(grad)) < 5e-6 and abs(r.mean()) < 5e-6
    assert np.max(np.abs(X.T @ r / len(y) + 2 * (alpha / len(y)) * w)) > 1e-3   # λ = α/n is wrong


# ---------------------------------------------------------------- errors

@pytest.mark.parametrize("kwargs, match", [
    ({"source": "sklearn-ridge"}, "needs n_samples"),
    ({"source": "sklearn-logistic", "n_samples": -3}, "positive"),
    ({"source": "scikit"}, "unknown source"),
    ({"source": "shrinkage", "target": "R"}, "unknown target"),
    ({"source": "shrinkage", "l1_ratio": 1.5}, r"\[0, 1\]"),
    ({"source": "torch-sgd", "l1_ratio": 0.5}, "pure L2"),
    ({"source": "sklearn-lasso", "target": "keras-l2"}, "no L1 part"),
])
def test_bad_conversions_name_the_problem(kwargs, match):
    with pytest.raises(ValueError, match=match):
        convert_strength(1.0, **kwargs)


def test_negative_strength_is_refused():
    with pytest.raises(ValueError, match=">= 0"):
        convert_strength(-1.0, source="shrinkage")


@pytest.mark.parametrize("kwargs, match", [
    # before: a lasso alpha, the L2 strength's ρ = 0 ignored
    ({"value": 1.0, "source": "sklearn-ridge", "target": "sklearn-lasso", "n_samples": 10},
     "pure L1.*sklearn-elasticnet"),
    ({"value": 0.1, "source": "shrinkage", "target": "sklearn-lasso"}, "pure L1"),
    ({"value": 0.1, "source": "glmnet-gaussian", "l1_ratio": 0.5, "target": "sklearn-lasso",
      "y_scale": 1.0}, "pure L1"),
    # before: glmnet's gaussian λ converted as if y had unit standard deviation
    ({"value": 0.1, "source": "glmnet-gaussian", "l1_ratio": 0.5}, "pass y_scale=np.std"),
    ({"value": 0.1, "source": "sklearn-lasso", "y_scale": 2.0}, "y_scale is glmnet-gaussian's"),
    # before: inf converted to inf
    ({"value": np.inf, "source": "sklearn-ridge", "n_samples": 10}, "finite"),
    ({"value": np.nan, "source": "shrinkage"}, "finite"),
    # before: λ = inf (or ZeroDivisionError) for a C near the smallest float
    ({"value": 1e-320, "source": "sklearn-logistic", "n_samples": 100}, "overflows float64"),
    ({"value": 5e-324, "source": "sklearn-logistic", "n_samples": 1e-3}, "overflows float64"),
    ({"value": 1e-320, "source": "shrinkage", "target": "sklearn-logistic", "n_samples": 100},
     "overflows float64"),
])
def test_conversions_that_would_be_silently_wrong_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        convert_strength(**kwargs)


def test_lasso_to_lasso_and_zero_lambda_to_infinite_c_still_convert():
    assert convert_strength(0.3, source="sklearn-lasso", target="sklearn-lasso").value == \
        pytest.approx(0.3)
    assert convert_strength(0.0, source="shrinkage", target="sklearn-logistic",
                            n_samples=10).value == np.inf


@pytest.mark.parametrize("args", [["inf", "--from", "shrinkage"],
                                  ["1e-320", "--from", "sklearn-logistic", "--n-samples", "100"],
                                  ["1", "--from", "sklearn-ridge", "--to", "sklearn-lasso",
                                   "--n-samples", "10"]])
def test_the_command_line_exits_2_on_a_refused_conversion(args, capsys):
    from shrinkage.cli.main import main
    try:
        code = main(["convert", *args])
    except SystemExit as exc:               # refused by the argument parser
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "internal error" not in err
