"""Progress bars of the cross-validations (RidgeCV, LogisticRegressionCV, LamSearchCV): on when
asked, silent otherwise, and never changing the result. The bar shows its final count when it
closes, so the tests read the count, not the timing of tqdm's redraws."""

import numpy as np
import pytest

from _checks import regression

from shrinkage import LogisticRegressionCV, Ridge, RidgeCV
from shrinkage.selection import LamSearchCV, ProgressBar

pytestmark = pytest.mark.filterwarnings("ignore:the best λ")


def classification(n=90, p=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    return X, (X[:, 0] + rng.normal(size=n) > 0).astype(int)


def test_ridgecv_kfold_bar_counts_the_folds_and_changes_nothing(capsys):
    X, y = regression()
    quiet = RidgeCV(lams=[1.0, 0.1, 0.01], cv=4)
    a = quiet.fit(X, y)
    out = capsys.readouterr()
    assert out.err == "" and out.out == ""
    b = RidgeCV(lams=[1.0, 0.1, 0.01], cv=4, progress=True).fit(X, y)
    err = capsys.readouterr().err
    assert "folds" in err and "4/4" in err
    assert np.array_equal(a.cv_results_["fold_scores"], b.cv_results_["fold_scores"])


def test_ridgecv_bar_with_threads(capsys):
    X, y = regression(n=80)
    a = RidgeCV(lams=[1.0, 0.1], cv=5, n_jobs=2, progress=True).fit(X, y)
    assert "5/5" in capsys.readouterr().err
    b = RidgeCV(lams=[1.0, 0.1], cv=5).fit(X, y)
    np.testing.assert_allclose(a.cv_results_["fold_scores"], b.cv_results_["fold_scores"],
                               rtol=1e-12)


def test_logistic_cv_bar_counts_fold_by_lambda_fits(capsys):
    X, y = classification()
    lams = [1.0, 0.1, 0.01, 0.001]
    a = LogisticRegressionCV(lams=lams, cv=3).fit(X, y)
    out = capsys.readouterr()
    assert out.err == "" and out.out == ""
    b = LogisticRegressionCV(lams=lams, cv=3, progress=True).fit(X, y)
    err = capsys.readouterr().err
    # 3 folds × 4 λ (the refit at the chosen λ is not a bar step)
    assert "fold × λ" in err and "12/12" in err
    assert np.array_equal(a.cv_results_["fold_scores"], b.cv_results_["fold_scores"])
    assert a.lam_ == b.lam_ and np.array_equal(a.coef_, b.coef_)


def test_logistic_cv_bar_total_grows_with_the_automatic_grid(capsys):
    X, y = classification(n=120, seed=2)
    m = LogisticRegressionCV(lams=5, cv=3, progress=True).fit(X, y)
    n_lams = len(m.cv_results_["lam"])
    total = 3 * n_lams
    assert n_lams > 5                                     # the grid was extended
    assert f"{total}/{total}" in capsys.readouterr().err
    m = LogisticRegressionCV(lams=5, cv=3, progress=True, compute_df=True).fit(X, y)
    total = 3 * n_lams + n_lams                           # plus the path on all rows
    assert f"{total}/{total}" in capsys.readouterr().err


def test_lam_search_bar_counts_candidate_fold_fits(capsys):
    X, y = regression()
    a = LamSearchCV(Ridge(), lams=[1.0, 0.1], cv=3).fit(X, y)
    out = capsys.readouterr()
    assert out.err == "" and out.out == ""
    b = LamSearchCV(Ridge(), lams=[1.0, 0.1], cv=3, progress=True).fit(X, y)
    err = capsys.readouterr().err
    assert "grid search" in err and "6/6" in err
    assert np.array_equal(a.cv_results_["fold_scores"], b.cv_results_["fold_scores"])


def test_progress_bar_helper(capsys):
    with ProgressBar(4, "steps", enabled=False) as bar:
        bar.update(4)
    assert bar.done == 4 and capsys.readouterr().err == ""
    with ProgressBar(2, "steps") as bar:
        bar.update(2)
        bar.add_total(3)
        bar.update(3)
    err = capsys.readouterr().err
    assert "steps" in err and "5/5" in err and bar.done == bar.total == 5
