"""``exclude=`` (glmnet's ``exclude``, issue 15) on every linear model: the fit equals the fit on
the kept columns with zeros inserted (so λ_max and the standardization never see the excluded
ones), names select columns of a DataFrame, bad input is refused naming the fix, and the
gaussian and binomial fits equal R's glmnet with ``exclude``."""

import numpy as np
import pytest

from shrinkage import (ElasticNet, ElasticNetCV, GammaRegressor, GLMRegressorCV, GroupLasso,
                       GroupLassoClassifier, Lasso, LogisticRegression, LogisticRegressionCV,
                       MultiTaskElasticNet, MultiTaskLassoCV, PoissonRegressor, Ridge, RidgeCV, TweedieRegressor, convert_strength)

from _rglmnet import R_MARK, run_r

P, DROP = 6, [1, 4]
KEEP = [0, 2, 3, 5]


def _data(seed=0, n=120):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, P)) * rng.uniform(0.5, 3.0, P) + rng.normal(size=P)
    eta = X @ np.array([0.4, 0.9, -0.3, 0.0, 0.6, 0.2]) * 0.5
    return rng, X, eta


def _targets(kind, rng, eta):
    if kind == "reg":
        return eta + rng.normal(size=eta.size)
    if kind == "clf":
        return (rng.random(eta.size) < 1 / (1 + np.exp(-eta))).astype(int)
    if kind == "multi":                                        # two targets
        return np.column_stack([eta, -eta]) + rng.normal(size=(eta.size, 2))
    if kind == "mclf":                                         # three classes
        return np.digitize(eta + rng.normal(size=eta.size), [-0.5, 0.5])
    if kind == "count":
        return rng.poisson(np.exp(0.3 * eta)).astype(float)
    return rng.gamma(3.0, np.exp(0.3 * eta) / 3.0)              # positive


CASES = [
    (lambda **k: Ridge(lam=0.05, **k), "reg"),
    (lambda **k: RidgeCV(lams=[0.3, 0.03, 0.003], cv=4, **k), "reg"),
    (lambda **k: Lasso(lam=0.02, tol=1e-10, **k), "reg"),
    (lambda **k: ElasticNet(lam=0.05, l1_ratio=0.5, tol=1e-10, **k), "reg"),
    (lambda **k: ElasticNetCV(lams=8, cv=3, tol=1e-10, **k), "reg"),
    (lambda **k: GroupLasso(lam=0.05, groups=[0, 0, 1, 1, 2, 2], tol=1e-12, **k), "reg"),
    (lambda **k: LogisticRegression(lam=0.01, **k), "clf"),
    (lambda **k: LogisticRegression(lam=0.01, l1_ratio=0.7, tol=1e-10, **k), "clf"),
    (lambda **k: LogisticRegressionCV(lams=[0.1, 0.01, 0.001], cv=3, **k), "clf"),
    (lambda **k: GroupLassoClassifier(lam=0.01, groups=[0, 0, 1, 1, 2, 2], tol=1e-12, **k),
     "clf"),
    (lambda **k: PoissonRegressor(lam=0.01, **k), "count"),
    (lambda **k: PoissonRegressor(lam=0.01, l1_ratio=0.5, tol=1e-10, **k), "count"),
    (lambda **k: GammaRegressor(lam=0.01, **k), "pos"),
    (lambda **k: TweedieRegressor(power=1.5, lam=0.01, **k), "pos"),
    (lambda **k: GLMRegressorCV(lams=6, cv=3, **k), "count"),
    (lambda **k: Lasso(lam=0.02, tol=1e-10, **k), "multi"),
    (lambda **k: MultiTaskElasticNet(lam=0.05, tol=1e-12, **k), "multi"),
    (lambda **k: MultiTaskLassoCV(lams=6, cv=3, tol=1e-12, **k), "multi"),
    (lambda **k: LogisticRegression(lam=0.01, l1_ratio=0.5, tol=1e-10, **k), "mclf"),
    (lambda **k: GroupLassoClassifier(lam=0.01, groups=[0, 0, 1, 1, 2, 2], tol=1e-12, **k),
     "mclf"),
]


@pytest.mark.filterwarnings("ignore:the best λ")           # the CV grids are short
@pytest.mark.parametrize("make, kind", CASES)
def test_exclude_equals_the_fit_on_the_kept_columns_with_zeros_inserted(make, kind):
    rng, X, eta = _data()
    y = _targets(kind, rng, eta)
    f = np.array([1.0, 0.5, 2.0, 1.0, 0.0, 1.5])
    extra = {} if "Group" in type(make()).__name__ else {"penalty_factor": f}
    full = make(exclude=DROP, **extra).fit(X, y)
    ref = make(**(dict(extra, penalty_factor=f[KEEP]) if extra else {}))
    if "groups" in ref.get_params():
        ref.set_params(groups=np.array([0, 0, 1, 1, 2, 2])[KEEP])
    ref.fit(X[:, KEEP], y)
    coef = np.atleast_2d(full.coef_)
    assert coef.shape[-1] == P and full.n_features_in_ == P
    assert np.all(coef[:, DROP] == 0.0)
    np.testing.assert_allclose(coef[:, KEEP], np.atleast_2d(ref.coef_), rtol=0, atol=1e-10)
    np.testing.assert_allclose(full.intercept_, ref.intercept_, rtol=0, atol=1e-10)
    np.testing.assert_allclose(full.predict(X), ref.predict(X[:, KEEP]), rtol=0, atol=1e-9)
    assert full.exclude == DROP                      # the parameter is left as given


def test_every_way_of_naming_the_columns_gives_one_fit():
    rng, X, eta = _data(1)
    y = _targets("reg", rng, eta)
    by_index = Lasso(lam=0.02, exclude=DROP).fit(X, y).coef_
    mask = np.zeros(P, dtype=bool)
    mask[DROP] = True
    for ex in (mask, [d - P for d in DROP], np.array(DROP), tuple(DROP)):
        np.testing.assert_array_equal(Lasso(lam=0.02, exclude=ex).fit(X, y).coef_, by_index)
    np.testing.assert_array_equal(Lasso(lam=0.02, exclude=4).fit(X, y).coef_,
                                  Lasso(lam=0.02, exclude=[4]).fit(X, y).coef_)


def test_feature_names_with_a_dataframe():
    pd = pytest.importorskip("pandas")
    rng, X, eta = _data(2)
    y = _targets("clf", rng, eta)
    df = pd.DataFrame(X, columns=list("abcdef"))
    named = LogisticRegression(lam=0.01, exclude=["b", "e"]).fit(df, y)
    indexed = LogisticRegression(lam=0.01, exclude=DROP).fit(X, y)
    np.testing.assert_array_equal(named.coef_, indexed.coef_)
    assert list(named.feature_names_in_) == list("abcdef")
    np.testing.assert_allclose(named.predict_proba(df), indexed.predict_proba(X), atol=1e-14)
    with pytest.raises(ValueError, match="exclude=; refit on the kept columns"):
        named.summary(df, y)


def test_excluded_columns_do_not_enter_lam_max():
    """The column most correlated with y is excluded: λ_max is the kept columns' one."""
    rng, X, eta = _data(3)
    y = X[:, 1] * 3 + rng.normal(size=X.shape[0])
    m = Lasso(exclude=[1])
    np.testing.assert_allclose(m.lam_max(X, y), Lasso().lam_max(np.delete(X, 1, 1), y),
                               rtol=1e-14)
    assert m.lam_max(X, y) < 0.5 * Lasso().lam_max(X, y)
    fitted = Lasso(lam=0.01, exclude=[1]).fit(X, y)
    assert fitted.lam_max_ == pytest.approx(m.lam_max(X, y), rel=1e-14)


@pytest.mark.parametrize("exclude, match", [
    ([0, 6], r"exclude holds the index 6 but X has 6 features \(indices 0 to 5\)"),
    ([-7], "exclude holds the index -7"),
    (["zz"], "exclude names 'zz', which is not a column of X"),
    ([True, False], "exclude is a boolean mask of length 2 but X has 6 features"),
    (list(range(6)), "exclude leaves no feature of the 6 to fit; exclude fewer columns"),
    ([0, "b"], "not a mixture"),
    ([0.5], "exclude must be column indices, a boolean mask or feature names"),
])
def test_bad_exclude_is_refused_naming_the_fix(exclude, match):
    pd = pytest.importorskip("pandas")
    rng, X, eta = _data()
    df = pd.DataFrame(X, columns=list("abcdef"))
    with pytest.raises(ValueError, match=match):
        Ridge(exclude=exclude).fit(df, eta)


def test_names_without_column_names_are_refused():
    rng, X, eta = _data()
    with pytest.raises(ValueError, match="X has no column names; pass a DataFrame"):
        ElasticNet(exclude=["b"]).fit(X, eta)


@R_MARK
def test_exclude_equals_r_glmnet(tmp_path):
    rng, X, eta = _data(4, n=150)
    y = eta + rng.normal(size=eta.size)
    yb = (rng.random(eta.size) < 1 / (1 + np.exp(-eta))).astype(float)
    got = run_r(tmp_path, """
X <- rd("X.csv"); y <- rd("y.csv")[, 1]; yb <- rd("yb.csv")[, 1]
f <- glmnet(X, y, alpha=1, lambda=0.03, exclude=c(2, 5), thresh=1e-14)
out("gauss", coef(f))
f <- glmnet(X, yb, family="binomial", alpha=0.5, lambda=0.02, exclude=c(2, 5), thresh=1e-14)
out("binom", coef(f))""", X=X, y=y, yb=yb)
    lam = convert_strength(0.03, source="glmnet-gaussian", l1_ratio=1.0).value
    ours = Lasso(lam=lam, exclude=DROP, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(np.r_[ours.intercept_, ours.coef_], got["gauss"], atol=1e-6)
    lam, rho = convert_strength(0.02, source="glmnet-binomial", l1_ratio=0.5)
    clf = LogisticRegression(lam=lam, l1_ratio=rho, exclude=DROP, tol=1e-12).fit(X, yb)
    np.testing.assert_allclose(np.r_[clf.intercept_, clf.coef_[0]], got["binom"], atol=1e-6)


def test_a_model_file_keeps_exclude(tmp_path):
    pd = pytest.importorskip("pandas")
    from shrinkage import io
    rng, X, eta = _data(5)
    df = pd.DataFrame(X, columns=list("abcdef"))
    for ex, data in (([1, 4], X), (["b", "e"], df)):
        m = ElasticNet(lam=0.02, exclude=ex).fit(data, eta)
        io.save(m, tmp_path / "m.zip")
        back = io.load(tmp_path / "m.zip")
        assert back.get_params()["exclude"] == ex
        np.testing.assert_array_equal(back.predict(data), m.predict(data))
        np.testing.assert_array_equal(back.fit(data, eta).coef_, m.coef_)
