"""The cross-validation engine: folds, rules, results, parallel folds."""

import numpy as np
import pytest
from sklearn.model_selection import GroupKFold, KFold, RepeatedKFold

from shrinkage import Ridge, RidgeCV
from shrinkage.selection import CVResult, FoldIds, make_result, make_splits, select

pytestmark = pytest.mark.filterwarnings("ignore:the best λ")


def data(n=60, p=6, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    return X, X @ rng.normal(size=p) + rng.normal(size=n)


# ---------------------------------------------------------------- rules

LAMS = np.array([10.0, 1.0, 0.1, 0.01])
MEAN = np.array([-5.0, -2.0, -1.9, -1.95])
SE = np.array([0.3, 0.2, 0.15, 0.2])


def test_min_and_k_standard_error_rules():
    assert select(LAMS, MEAN, SE, "min").lam == 0.1
    assert select(LAMS, MEAN, SE, "1se").lam == 1.0          # −2.0 ≥ −1.9 − 0.15
    assert select(LAMS, MEAN, SE, "0.5se").lam == 0.1        # −2.0 < −1.9 − 0.075
    assert select(LAMS, MEAN, SE, 30.0).lam == 10.0          # k as a number
    assert select(LAMS, MEAN, SE, "20se").lam == 1.0         # −5.0 < −1.9 − 3.0
    assert select(LAMS, MEAN, SE, "40se").lam == 10.0


def test_one_se_uses_complexity_when_given():
    # simplest = fewest degrees of freedom, here not the largest λ
    df = np.array([5.0, 1.0, 3.0, 4.0])
    assert select(LAMS, MEAN, SE, "1se", complexity=df).lam == 1.0
    df = np.array([5.0, 4.0, 3.0, 1.0])
    assert select(LAMS, MEAN, SE, "1se", complexity=df).lam == 0.01


def test_callable_rule_and_reason():
    sel = select(LAMS, MEAN, SE, lambda r: int(np.argmin(r["lam"])))
    assert sel.lam == 0.01 and sel.rule == "callable"
    assert "within 1 standard error" in select(LAMS, MEAN, SE, "1se").reason
    with pytest.raises(ValueError, match="rule must be"):
        select(LAMS, MEAN, SE, "best")
    with pytest.raises(ValueError, match="outside"):
        select(LAMS, MEAN, SE, lambda r: 7)


def test_ties_in_min_go_to_the_larger_lambda():
    assert select([1.0, 0.1, 0.01], [-1.0, -1.0, -2.0], [0, 0, 0], "min").lam == 1.0


# ---------------------------------------------------------------- folds

def test_fold_ids_and_integer_array_give_the_same_splits():
    X, y = data()
    foldid = np.arange(60) % 4
    a, _ = make_splits(FoldIds(foldid), X, y)
    b, _ = make_splits(foldid, X, y)
    assert len(a) == 4
    for (tra, tea), (trb, teb) in zip(a, b):
        assert np.array_equal(tea, teb) and np.array_equal(tra, trb)
        assert np.all(foldid[tea] == foldid[tea][0])


def test_groups_are_never_split():
    X, y = data()
    groups = np.repeat(np.arange(12), 5)
    splits, _ = make_splits(4, X, y, groups)
    for tr, te in splits:
        assert not set(groups[tr]) & set(groups[te])


def test_repeated_kfold_is_recognised():
    X, y = data()
    splits, reps = make_splits(RepeatedKFold(n_splits=3, n_repeats=4, random_state=0), X, y)
    assert len(splits) == 12 and reps == 4


def test_bad_folds_are_named():
    X, y = data(n=5)
    with pytest.raises(ValueError, match="must be >= 2"):
        make_splits(1, X, y)
    with pytest.raises(ValueError, match="only 5 samples"):
        make_splits(6, X, y)
    with pytest.raises(ValueError, match="same fold"):
        FoldIds([0, 0, 0])


# ---------------------------------------------------------------- results and estimators

def test_fixed_fold_ids_make_two_runs_agree_and_equal_manual_refits():
    X, y = data()
    foldid = np.random.default_rng(1).integers(0, 5, 60)
    lams = np.array([1.0, 0.1, 0.01])
    a = RidgeCV(lams=lams, cv=foldid).fit(X, y)
    b = RidgeCV(lams=lams, cv=FoldIds(foldid)).fit(X, y)
    assert np.array_equal(a.cv_results_["fold_scores"], b.cv_results_["fold_scores"])
    for k in range(5):
        tr, te = foldid != k, foldid == k
        m = Ridge(lam=0.1).fit(X[tr], y[tr])
        assert a.cv_results_["fold_scores"][1, k] == pytest.approx(-np.mean((y[te] - m.predict(X[te])) ** 2), rel=1e-10)


def test_parallel_folds_equal_serial_folds():
    X, y = data(n=120, p=10)
    serial = RidgeCV(cv=5, random_state=0).fit(X, y)
    parallel = RidgeCV(cv=5, random_state=0, n_jobs=2).fit(X, y)
    assert np.allclose(serial.cv_results_["fold_scores"], parallel.cv_results_["fold_scores"],
                       rtol=1e-12, atol=0)
    assert serial.lam_ == parallel.lam_


def test_repeated_cv_reports_stability_and_result_frame():
    pd = pytest.importorskip("pandas")
    X, y = data(n=80)
    m = RidgeCV(lams=20, cv=RepeatedKFold(n_splits=4, n_repeats=3, random_state=0)).fit(X, y)
    r = m.cv_results_
    assert isinstance(r, CVResult) and r.n_repeats == 3
    assert r["fold_scores"].shape[1] == 12
    per_repeat = r.chosen_per_repeat()
    assert per_repeat.shape == (3,) and np.all(np.isin(per_repeat, r["lam"]))
    frame = r.to_frame()
    assert isinstance(frame, pd.DataFrame) and len(frame) == len(r["lam"])
    assert {"lam", "mean_score", "se_score", "df", "fold_0", "chosen"} <= set(frame.columns)
    assert frame.loc[frame["chosen"], "lam"].item() == m.lam_
    assert r.lam == m.lam_ and r.lam_min == m.lam_min_ and r.lam_1se == m.lam_1se_


def test_grouped_cv_through_the_estimator():
    X, y = data(n=60)
    groups = np.repeat(np.arange(10), 6)
    m = RidgeCV(lams=[1.0, 0.1], cv=5).fit(X, y, groups=groups)
    splits = list(GroupKFold(5).split(X, y, groups))
    tr, te = splits[0]
    ref = Ridge(lam=1.0).fit(X[tr], y[tr])
    assert m.cv_results_["fold_scores"][0, 0] == pytest.approx(-np.mean((y[te] - ref.predict(X[te])) ** 2))


def test_two_se_rule_is_at_least_as_simple_as_one_se():
    X, y = data(n=100, p=15, seed=3)
    one = RidgeCV(cv=KFold(5, shuffle=True, random_state=0), rule="1se").fit(X, y)
    two = RidgeCV(cv=KFold(5, shuffle=True, random_state=0), rule="2se").fit(X, y)
    assert two.lam_ >= one.lam_ >= one.lam_min_


def test_make_result_from_fold_scores():
    F = np.array([[1.0, 2.0, 3.0], [2.0, 2.0, 2.0]])
    r, sel = make_result([1.0, 0.1], rule="min", scoring="s", fold_scores=F)
    assert np.allclose(r["mean_score"], [2.0, 2.0])
    assert r["se_score"][0] == pytest.approx(np.std([1, 2, 3], ddof=1) / np.sqrt(3))
    assert sel.lam == 1.0 and "best mean score" in r.reason


def test_chosen_per_repeat_applies_the_results_own_rule():
    X, y = data(n=80, seed=4)
    lams = np.geomspace(10, 1e-3, 15)
    cv = RepeatedKFold(n_splits=4, n_repeats=3, random_state=0)
    one = RidgeCV(lams=lams, cv=cv, rule="1se").fit(X, y).cv_results_
    F = one["fold_scores"]
    manual = []
    for r in range(3):
        Fr = F[:, 4 * r:4 * (r + 1)]
        mean, se = Fr.mean(axis=1), Fr.std(axis=1, ddof=1) / 2.0
        best = np.argmax(mean)
        manual.append(lams[mean >= mean[best] - se[best]].max())   # the largest λ within 1 se
    np.testing.assert_array_equal(one.chosen_per_repeat(), manual)
    # "min" is the best mean of each repeat; the 1se choice is never less penalized
    best = RidgeCV(lams=lams, cv=cv, rule="min").fit(X, y).cv_results_
    argmax = lams[np.argmax(best.repeat_scores(), axis=0)]
    np.testing.assert_array_equal(best.chosen_per_repeat(), argmax)
    assert np.all(one.chosen_per_repeat() >= argmax) and np.any(one.chosen_per_repeat() > argmax)
    # a callable rule gets each repeat's own result
    seen = []

    def smallest_of_repeat(res):
        seen.append(res["fold_scores"].shape)
        return int(np.argmin(res["lam"]))

    call = RidgeCV(lams=lams, cv=cv, rule=smallest_of_repeat).fit(X, y).cv_results_
    seen.clear()
    np.testing.assert_array_equal(call.chosen_per_repeat(), [lams.min()] * 3)
    assert seen == [(15, 4)] * 3


def test_chosen_per_repeat_needs_fold_scores():
    X, y = data()
    with pytest.raises(ValueError, match="K-fold"):
        RidgeCV(lams=[1.0, 0.1], cv="loo").fit(X, y).cv_results_.chosen_per_repeat()
