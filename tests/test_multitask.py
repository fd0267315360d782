"""Multi-task regression (issue 15): MultiTaskElasticNet / MultiTaskLasso equal scikit-learn's
MultiTask* and R's glmnet ``family="mgaussian"`` at the converted strength, with a zero
certificate; 2-D y in Lasso / ElasticNet fits the columns independently (scikit-learn's Lasso);
GroupLassoClassifier on K > 2 classes equals glmnet's ``type.multinomial="grouped"``."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import MultiTaskElasticNet as SkMTEN
from sklearn.linear_model import MultiTaskLasso as SkMTL

from shrinkage import MultiTaskElasticNet, MultiTaskLasso, convert_strength
from shrinkage.datafits import SquaredError, normalized_weights
from shrinkage.penalties import GroupElasticNet

from _rglmnet import R_MARK, run_r


def data(n=90, p=8, t=3, seed=0, scales=(1.0, 3.0, 10.0)):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 3.0, size=p) + rng.normal(size=p)
    W = np.zeros((t, p))
    W[:, :4] = rng.normal(size=(t, 4))
    Y = (X @ W.T + 0.5 * rng.normal(size=(n, t))) * np.asarray(scales[:t]) + 2.0
    return X, Y


def rel(a, b):
    return np.max(np.abs(np.asarray(a) - b)) / np.max(np.abs(b))


# ---------------------------------------------------------------- scikit-learn's MultiTask*

@pytest.mark.parametrize("alpha, r", [(0.5, 0.5), (2.0, 0.2), (0.05, 0.9), (1.0, 0.9)])
def test_multitask_elastic_net_equals_sklearn(alpha, r):
    X, Y = data()
    sk = SkMTEN(alpha=alpha, l1_ratio=r, tol=1e-14, max_iter=200_000).fit(X, Y)
    lam, rho = convert_strength(alpha, source="sklearn-elasticnet", l1_ratio=r)
    ours = MultiTaskElasticNet(lam, l1_ratio=rho, standardize=False, tol=1e-12).fit(X, Y)
    assert ours.coef_.shape == (3, 8) and ours.intercept_.shape == (3,)
    assert rel(ours.coef_, sk.coef_) < 1e-6
    assert rel(ours.intercept_, sk.intercept_) < 1e-6
    assert ours.n_features_nonzero_ == np.count_nonzero(sk.coef_.any(axis=0))
    assert ours.predict(X).shape == Y.shape


def test_multitask_without_intercept_equals_sklearn():
    X, Y = data(seed=12)
    sk = SkMTEN(alpha=0.5, l1_ratio=0.6, fit_intercept=False, tol=1e-14,
                max_iter=200_000).fit(X, Y)
    lam, rho = convert_strength(0.5, source="sklearn-elasticnet", l1_ratio=0.6)
    ours = MultiTaskElasticNet(lam, l1_ratio=rho, fit_intercept=False, standardize=False,
                               tol=1e-12).fit(X, Y)
    assert rel(ours.coef_, sk.coef_) < 1e-6
    assert np.all(ours.intercept_ == 0)


def test_multitask_lasso_equals_sklearn_and_zeroes_whole_features():
    X, Y = data()
    sk = SkMTL(alpha=0.4, tol=1e-14, max_iter=200_000).fit(X, Y)
    lam = convert_strength(0.4, source="sklearn-lasso").value
    ours = MultiTaskLasso(lam, standardize=False, tol=1e-12).fit(X, Y)
    assert rel(ours.coef_, sk.coef_) < 1e-6
    assert rel(ours.intercept_, sk.intercept_) < 1e-6
    zero = ~ours.coef_.any(axis=0)
    assert zero.any() and np.array_equal(zero, ~sk.coef_.any(axis=0))


def certificate(model, X, Y, sw=None):
    """Largest distance of −∇(data term) to λ∂penalty, standardized coordinates, from the
    formulas of datafits / penalties (not the solver's)."""
    sw = normalized_weights(sw, X.shape[0])
    mean, sd = sw @ X, np.sqrt(sw @ (X - sw @ X) ** 2)
    Z = (X - mean) / sd
    beta = model.coef_ * sd
    G = SquaredError().gradient(Y, X @ model.coef_.T + model.intercept_, sw)
    f = model.penalty_factor if model.penalty_factor is not None else np.ones(X.shape[1])
    pen = GroupElasticNet(model.lam, np.arange(X.shape[1]), f, l1_ratio=model._rho())
    return float(pen.subdiff_distance(beta, G.T @ Z).max()), float(np.abs(G.sum(axis=0)).max())


@pytest.mark.parametrize("cls, kw", [(MultiTaskElasticNet, {"l1_ratio": 0.3}),
                                     (MultiTaskLasso, {})])
def test_certificate_is_zero_at_the_solution_with_weights_and_factors(cls, kw):
    X, Y = data(seed=1)
    rng = np.random.default_rng(2)
    sw = rng.uniform(0.2, 3.0, size=X.shape[0])
    f = np.array([0.0, 1.0, 2.0, 0.5, 1.0, 1.0, 3.0, 1.0])
    model = cls(0.5, penalty_factor=f, tol=1e-12, **kw).fit(X, Y, sample_weight=sw)
    dist, grad_b = certificate(model, X, Y, sw)
    scale = np.abs(Y - Y.mean(0)).mean()
    assert dist < 1e-9 * scale and grad_b < 1e-9 * scale
    assert model.kkt_ < 1e-9 * scale
    assert np.all(model.coef_[:, 0] != 0)                    # unpenalized feature kept
    # the same certificate at a perturbed point is far from zero
    model.coef_ = model.coef_ * 1.01
    assert certificate(model, X, Y, sw)[0] > 1e-4 * scale


def test_integer_weights_equal_repeated_rows_and_sparse_equals_dense():
    X, Y = data(n=40, seed=3)
    k = np.random.default_rng(0).integers(0, 3, size=40)
    a = MultiTaskElasticNet(0.2, tol=1e-12).fit(X, Y, sample_weight=k)
    b = MultiTaskElasticNet(0.2, tol=1e-12).fit(np.repeat(X, k, axis=0), np.repeat(Y, k, axis=0))
    assert rel(a.coef_, b.coef_) < 1e-8 and rel(a.intercept_, b.intercept_) < 1e-8
    c = MultiTaskElasticNet(0.2, tol=1e-12).fit(sp.csr_matrix(X), Y, sample_weight=k)
    assert rel(c.coef_, a.coef_) < 1e-8 and rel(c.intercept_, a.intercept_) < 1e-8


def test_lam_max_is_the_top_of_the_path():
    X, Y = data(seed=4)
    model = MultiTaskElasticNet(l1_ratio=0.5).fit(X, Y)
    top = model.lam_max_
    assert MultiTaskElasticNet(top * 1.001, l1_ratio=0.5).fit(X, Y).n_nonzero_ == 0
    assert MultiTaskElasticNet(top * 0.99, l1_ratio=0.5).fit(X, Y).n_features_nonzero_ == 1


def test_one_dimensional_y_is_refused_by_name():
    X, Y = data()
    with pytest.raises(ValueError, match=r"shape \(n_samples, n_targets\).*use Lasso"):
        MultiTaskLasso().fit(X, Y[:, 0])


# ---------------------------------------------------------------- R's glmnet, mgaussian

@R_MARK
@pytest.mark.parametrize("a, standardize", [(1.0, True), (0.5, True), (0.3, False)])
def test_multitask_equals_glmnet_mgaussian(tmp_path, a, standardize):
    X, Y = data(seed=5)
    lam_g = 0.4
    script = f"""
    x <- rd("x.csv"); y <- rd("y.csv")
    f <- glmnet(x, y, family="mgaussian", lambda={lam_g}, alpha={a},
                standardize={'TRUE' if standardize else 'FALSE'}, thresh=1e-14, maxit=1e6)
    cf <- coef(f)
    out("coef", sapply(cf, function(m) as.numeric(m[-1])))
    out("b0", sapply(cf, function(m) as.numeric(m[1])))
    f2 <- glmnet(x, y, family="mgaussian", lambda={lam_g}, alpha={a}, standardize.response=TRUE,
                 standardize={'TRUE' if standardize else 'FALSE'}, thresh=1e-14, maxit=1e6)
    out("coef_sr", sapply(coef(f2), function(m) as.numeric(m[-1])))
    """
    r = run_r(tmp_path, script, x=X, y=Y)
    lam, rho = convert_strength(lam_g, source="glmnet-mgaussian", l1_ratio=a)
    ours = MultiTaskElasticNet(lam, l1_ratio=rho, standardize=standardize, tol=1e-12).fit(X, Y)
    assert rel(ours.coef_, r["coef"].reshape(3, -1)) < 1e-6
    assert rel(ours.intercept_, r["b0"]) < 1e-6
    # standardize.response=TRUE: ours on y_k / sd_k, coefficients multiplied back
    sd = Y.std(axis=0)
    scaled = MultiTaskElasticNet(lam, l1_ratio=rho, standardize=standardize,
                                 tol=1e-12).fit(X, Y / sd)
    assert rel(scaled.coef_ * sd[:, None], r["coef_sr"].reshape(3, -1)) < 1e-6


# ---------------------------------------------------------------- 2-D y in Lasso / ElasticNet

@pytest.mark.parametrize("r", [1.0, 0.5])
def test_two_dimensional_y_fits_columns_independently_as_sklearn(r):
    from sklearn.linear_model import ElasticNet as SkEN

    from shrinkage import ElasticNet, Lasso
    X, Y = data(seed=6)
    sk = SkEN(alpha=0.3, l1_ratio=r, tol=1e-14, max_iter=200_000).fit(X, Y)
    lam, rho = convert_strength(0.3, source="sklearn-elasticnet", l1_ratio=r)
    ours = (Lasso(lam, standardize=False, tol=1e-12) if r == 1.0 else
            ElasticNet(lam, l1_ratio=rho, standardize=False, tol=1e-12)).fit(X, Y)
    assert ours.coef_.shape == (3, 8) and ours.intercept_.shape == (3,)
    assert rel(ours.coef_, sk.coef_) < 1e-6 and rel(ours.intercept_, sk.intercept_) < 1e-6
    assert ours.predict(X).shape == (90, 3)
    np.testing.assert_allclose(ours.predict(X), sk.predict(X), rtol=1e-6, atol=1e-6 * 10)
    # each column is the 1-D fit (with weights, standardization and a penalty factor)
    sw = np.random.default_rng(0).uniform(0.5, 2.0, size=90)
    f = np.r_[0.0, np.ones(7)]
    both = ElasticNet(0.5, penalty_factor=f).fit(X, Y, sample_weight=sw)
    for k in range(3):
        one = ElasticNet(0.5, penalty_factor=f).fit(X, Y[:, k], sample_weight=sw)
        assert np.array_equal(both.coef_[k], one.coef_)
        assert both.intercept_[k] == one.intercept_ and both.lam_max_[k] == one.lam_max_


# ---------------------------------------------------------------- grouped multinomial

def three_classes(n=150, p=6, seed=7):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 2.0, size=p)
    eta = X[:, :3] @ rng.normal(size=(3, 3)) * 1.5
    y = np.array([rng.choice(3, p=np.exp(e) / np.exp(e).sum()) for e in eta])
    return X, np.array(["a", "b", "c"])[y]


@R_MARK
@pytest.mark.parametrize("standardize, weighted, alpha",
                         [(True, False, 1.0), (False, True, 1.0), (True, True, 0.5)])
def test_grouped_multinomial_equals_glmnet(tmp_path, standardize, weighted, alpha):
    from shrinkage import GroupLassoClassifier
    X, y = three_classes()
    w = np.random.default_rng(4).uniform(0.2, 3.0, size=len(y)) if weighted else np.ones(len(y))
    lam_g = 0.03
    script = f"""
    x <- rd("x.csv"); y <- factor(rd("y.csv")[, 1]); w <- rd("w.csv")[, 1]
    f <- glmnet(x, y, family="multinomial", type.multinomial="grouped", lambda={lam_g},
                alpha={alpha},
                weights=w, standardize={'TRUE' if standardize else 'FALSE'}, thresh=1e-15,
                maxit=1e6)
    cf <- coef(f)
    out("coef", sapply(cf, function(m) as.numeric(m[-1])))
    out("b0", sapply(cf, function(m) as.numeric(m[1])))
    """
    r = run_r(tmp_path, script, x=X, y=np.searchsorted(["a", "b", "c"], y).astype(float), w=w)
    st = convert_strength(lam_g, source="glmnet-multinomial", l1_ratio=alpha)
    lam = st.value
    clf = GroupLassoClassifier(lam, l1_ratio=st.l1_ratio, standardize=standardize, tol=1e-10,
                               max_iter=200_000).fit(X, y, sample_weight=w)
    W_r = r["coef"].reshape(3, -1)
    assert clf.coef_.shape == (3, 6) and clf.intercept_.shape == (3,)
    # class coefficients are identified up to a shift per feature; the grouped penalty picks
    # the centred one, and glmnet reports centred coefficients and intercepts, as we do
    assert np.abs(W_r.sum(axis=0)).max() < 1e-10 and abs(r["b0"].sum()) < 1e-10
    assert np.max(np.abs(clf.coef_ - W_r)) < 1e-5 * np.max(np.abs(W_r))
    assert np.max(np.abs(clf.intercept_ - r["b0"])) < 1e-5 * np.max(np.abs(W_r))
    assert np.array_equal(clf.coef_.any(axis=0), W_r.any(axis=0))
    assert 0 < clf.n_groups_nonzero_ < 6


def test_grouped_multinomial_certificate_and_group_support():
    """At the solution the softmax gradient's group norms satisfy the group-lasso conditions
    (formulas of datafits / penalties, not the solver's), a user's groups hold whole blocks of
    features × classes, and probabilities add up to one."""
    from shrinkage import GroupLassoClassifier
    from shrinkage.datafits import SoftmaxCrossEntropy
    from shrinkage.penalties import GroupL2
    X, y = three_classes(seed=8)
    groups = [0, 0, 1, 1, 2, 2]
    clf = GroupLassoClassifier(0.1, groups=groups, tol=1e-10, max_iter=100_000).fit(X, y)
    sd, mean = X.std(axis=0), X.mean(axis=0)
    Z = (X - mean) / sd
    Y = (y[:, None] == clf.classes_).astype(float)
    sw = np.full(len(y), 1 / len(y))
    G = SoftmaxCrossEntropy().gradient(Y, X @ clf.coef_.T + clf.intercept_, sw)
    pen = GroupL2(clf.lam, groups)
    dist = pen.subdiff_distance(clf.coef_ * sd, G.T @ Z)
    assert dist.max() < 1e-8 and np.abs(G.sum(axis=0)).max() < 1e-8
    assert clf.kkt_ < 1e-8
    zero = ~clf.coef_.any(axis=0)
    assert zero.any() and np.all(zero[::2] == zero[1::2])          # whole groups
    np.testing.assert_allclose(clf.coef_.sum(axis=0), 0, atol=1e-12)  # centred per feature
    assert abs(clf.intercept_.sum()) < 1e-12
    np.testing.assert_allclose(clf.predict_proba(X).sum(axis=1), 1.0)
    assert np.array_equal(clf.predict(X), clf.classes_[np.argmax(clf.decision_function(X), 1)])
    assert clf.lam_max(X, y) > clf.lam
    assert GroupLassoClassifier(clf.lam_max(X, y) * 1.001, groups=groups).fit(X, y).n_nonzero_ == 0


# ---------------------------------------------------------------- cross-validation

@pytest.mark.parametrize("r", [1.0, 0.5])
def test_multitask_cv_curve_equals_sklearn_mse_path(r):
    """Same folds, same grid (sklearn's alphas converted): the fold MSEs equal scikit-learn's
    ``mse_path_`` and the chosen strength is the same."""
    from sklearn.linear_model import MultiTaskElasticNetCV as SkCV
    from sklearn.model_selection import KFold

    from shrinkage import MultiTaskElasticNetCV, MultiTaskLassoCV
    X, Y = data(n=100, seed=9)
    splits = list(KFold(4).split(X))
    alphas = np.geomspace(2.0, 0.01, 12)
    sk = SkCV(l1_ratio=r, alphas=alphas, cv=splits, tol=1e-13, max_iter=200_000).fit(X, Y)
    lams = np.array([convert_strength(a, source="sklearn-elasticnet", l1_ratio=r).value
                     for a in alphas])
    rho = convert_strength(1.0, source="sklearn-elasticnet", l1_ratio=r).l1_ratio
    ours = (MultiTaskLassoCV(lams=lams, cv=splits, standardize=False, tol=1e-12, cv_tol=1e-12)
            if r == 1.0 else
            MultiTaskElasticNetCV(l1_ratio=rho, lams=lams, cv=splits, standardize=False,
                                  tol=1e-12, cv_tol=1e-12)).fit(X, Y)
    fold = -ours.cv_results_["fold_scores"]                            # (L, K)
    assert rel(fold, sk.mse_path_) < 1e-6
    assert ours.lam_ == pytest.approx(convert_strength(
        sk.alpha_, source="sklearn-elasticnet", l1_ratio=r).value, rel=1e-12)
    assert rel(ours.coef_, sk.coef_) < 1e-6


def test_multitask_cv_equals_a_loop_over_folds_and_extends_its_default_grid():
    from sklearn.model_selection import KFold

    from shrinkage import MultiTaskElasticNetCV
    X, Y = data(n=80, seed=10)
    sw = np.random.default_rng(1).uniform(0.5, 2.0, size=80)
    cv = MultiTaskElasticNetCV(l1_ratio=0.7, lams=15, cv=3, rule="1se", cv_tol=1e-10).fit(
        X, Y, sample_weight=sw)
    lams = cv.cv_results_["lam"]
    assert np.all(np.diff(lams) < 0) and lams[0] == pytest.approx(
        MultiTaskElasticNet(l1_ratio=0.7).lam_max(X, Y, sw))
    splits = list(KFold(3).split(X))
    for k, (tr, te) in enumerate(splits):
        for j in (0, 7, len(lams) - 1):
            m = MultiTaskElasticNet(lams[j], l1_ratio=0.7, tol=1e-10).fit(
                X[tr], Y[tr], sample_weight=sw[tr])
            mse = np.average((Y[te] - m.predict(X[te])) ** 2, weights=sw[te], axis=0).mean()
            assert -cv.cv_results_["fold_scores"][j, k] == pytest.approx(mse, rel=1e-6)
    assert cv.lam_ == cv.lam_1se_ >= cv.lam_min_
    ref = MultiTaskElasticNet(cv.lam_, l1_ratio=0.7).fit(X, Y, sample_weight=sw)
    assert rel(cv.coef_, ref.coef_) < 1e-8


@R_MARK
def test_multitask_equals_glmnet_mgaussian_with_weights_and_penalty_factors(tmp_path):
    """glmnet rescales penalty.factor to sum to p (ours is used as given: f = p·g/Σg) and
    normalizes the weights (ours: only their ratios matter)."""
    X, Y = data(seed=11)
    rng = np.random.default_rng(3)
    w = rng.uniform(0.2, 3.0, size=X.shape[0])
    g = np.array([0.0, 1.0, 2.0, 0.5, 1.0, 1.0, 3.0, 1.0])
    script = """
    x <- rd("x.csv"); y <- rd("y.csv"); w <- rd("w.csv")[, 1]; g <- rd("g.csv")[, 1]
    f <- glmnet(x, y, family="mgaussian", lambda=0.3, alpha=0.6, weights=w, penalty.factor=g,
                thresh=1e-14, maxit=1e6)
    cf <- coef(f)
    out("coef", sapply(cf, function(m) as.numeric(m[-1])))
    out("b0", sapply(cf, function(m) as.numeric(m[1])))
    """
    r = run_r(tmp_path, script, x=X, y=Y, w=w, g=g)
    lam, rho = convert_strength(0.3, source="glmnet-mgaussian", l1_ratio=0.6)
    f = g * g.size / g.sum()
    ours = MultiTaskElasticNet(lam, l1_ratio=rho, penalty_factor=f, tol=1e-12).fit(
        X, Y, sample_weight=w)
    assert rel(ours.coef_, r["coef"].reshape(3, -1)) < 1e-6
    assert rel(ours.intercept_, r["b0"]) < 1e-6


def test_multitask_cv_over_several_ratios_picks_the_best_pair():
    """l1_ratio=[...]: each ratio walks its own default grid (the same curves as one CV per
    ratio) and the best (λ, ρ) over all of them is refit."""
    from shrinkage import MultiTaskElasticNetCV
    X, Y = data(n=80, seed=13)
    kw = dict(lams=12, cv=3, cv_tol=1e-10)
    both = MultiTaskElasticNetCV(l1_ratio=[0.3, 0.9], **kw).fit(X, Y)
    singles = [MultiTaskElasticNetCV(l1_ratio=r, **kw).fit(X, Y) for r in (0.3, 0.9)]
    np.testing.assert_allclose(both.cv_results_["fold_scores"],
                               np.vstack([m.cv_results_["fold_scores"] for m in singles]),
                               rtol=1e-12)
    best = max(singles, key=lambda m: m.cv_results_["mean_score"].max())
    assert both.l1_ratio_ == best.l1_ratio_ and both.lam_ == best.lam_
    assert rel(both.coef_, best.coef_) < 1e-10
    sizes = [m.cv_results_["lam"].size for m in singles]
    assert [p["l1_ratio"] for p in both.cv_results_["params"]] == [0.3] * sizes[0] + \
        [0.9] * sizes[1]


def test_group_elastic_net_classifier_lam_max_is_the_edge_of_the_support():
    """GroupLassoClassifier(l1_ratio=ρ < 1): λ_max(ρ) (the group elastic net's null-model
    bound) zeroes every group and just below it one group enters, binary and three classes."""
    from shrinkage import GroupLassoClassifier
    X, y = three_classes()
    for target in (y, y == "a"):
        est = GroupLassoClassifier(l1_ratio=0.5, groups=[0, 0, 1, 1, 2, 2], tol=1e-10)
        top = est.lam_max(X, target)
        assert not est.set_params(lam=top * 1.0001).fit(X, target).coef_.any()
        assert est.set_params(lam=top * 0.95).fit(X, target).n_groups_nonzero_ >= 1
        half = GroupLassoClassifier(l1_ratio=1.0, groups=[0, 0, 1, 1, 2, 2]).lam_max(X, target)
        np.testing.assert_allclose(top, half / 0.5, rtol=1e-12)      # λ_max scales as 1/ρ
