"""Model files: every public estimator round-trips exactly; damaged, altered, foreign and future
files are refused with a ValueError and nothing in them runs."""

import io
import zipfile

import numpy as np
import pandas as pd
import pytest
from model_files import rewrite

import shrinkage
from shrinkage import (LogisticRegression, LogisticRegressionCV, MLPClassifier, MLPRegressor,
                       Ridge, RidgeCV)
from shrinkage.io import LOADABLE, SCHEMA_VERSION, load, read_meta, save
from shrinkage.selection import CVResult

rng = np.random.default_rng(0)
X = pd.DataFrame(rng.normal(size=(60, 4)), columns=["a", "b", "c", "d"])
Y_REG = X["a"].to_numpy() * 2 - X["b"].to_numpy() + rng.normal(size=60)
Y_TEXT = np.where(X["b"] + 0.5 * rng.normal(size=60) > 0, "yes", "no")
Y_THREE = np.array(["lo", "mid", "hi"])[np.digitize(X["c"], [-0.4, 0.4])]

NET = dict(hidden_layer_sizes=(6, 5), max_epochs=5, random_state=0)
CASES = {
    "Ridge": (lambda: Ridge(lam=0.1), Y_REG),
    "Ridge-2targets": (lambda: Ridge(lam=[0.1, 1.0]), np.column_stack([Y_REG, -Y_REG])),
    "RidgeCV-loo": (lambda: RidgeCV(lams=20), Y_REG),
    "RidgeCV-kfold": (lambda: RidgeCV(lams=20, cv=3, rule="1se"), Y_REG),
    "RidgeCV-evidence": (lambda: RidgeCV(cv="evidence"), Y_REG),
    "LogisticRegression": (lambda: LogisticRegression(lam=0.01), Y_TEXT),
    "LogisticRegression-softmax": (lambda: LogisticRegression(lam=0.01), Y_THREE),
    "LogisticRegressionCV": (lambda: LogisticRegressionCV(lams=8, cv=3), Y_TEXT),
    "MLPClassifier": (lambda: MLPClassifier(**NET), Y_THREE),
    "MLPClassifier-binary": (lambda: MLPClassifier(activation="tanh", **NET), Y_TEXT),
    "MLPRegressor": (lambda: MLPRegressor(**NET), Y_REG),
    "MLPRegressor-float64-2d": (lambda: MLPRegressor(dtype="float64", **NET),
                                np.column_stack([Y_REG, Y_REG ** 2])),
}
CASES.update({
    "Lasso": (lambda: shrinkage.Lasso(lam=0.05), Y_REG),
    "ElasticNet": (lambda: shrinkage.ElasticNet(lam=0.05, l1_ratio=0.5), Y_REG),
    "ElasticNet-relax-gamma": (lambda: shrinkage.ElasticNet(lam=0.05, relax=0.5), Y_REG),
    "Lasso-bounds": (lambda: shrinkage.Lasso(lam=0.05, lower_bounds=[0, -1, -np.inf, 0],
                                             upper_bounds=1.0), Y_REG),
    "ElasticNetCV": (lambda: shrinkage.ElasticNetCV(lams=10, cv=3), Y_REG),
    "GroupLasso": (lambda: shrinkage.GroupLasso(lam=0.05, groups=[0, 0, 1, 1]), Y_REG),
    "MultiTaskLasso": (lambda: shrinkage.MultiTaskLasso(lam=0.05),
                       np.column_stack([Y_REG, X["c"].to_numpy()])),
    "MultiTaskElasticNet": (lambda: shrinkage.MultiTaskElasticNet(lam=0.05, l1_ratio=0.5),
                            np.column_stack([Y_REG, X["c"].to_numpy()])),
    "MultiTaskLassoCV": (lambda: shrinkage.MultiTaskLassoCV(lams=8, cv=3),
                         np.column_stack([Y_REG, X["c"].to_numpy()])),
    "MultiTaskElasticNetCV": (lambda: shrinkage.MultiTaskElasticNetCV(lams=8, cv=3, rule="1se"),
                              np.column_stack([Y_REG, X["c"].to_numpy()])),
    "LogisticRegression-l1": (lambda: LogisticRegression(lam=0.02, l1_ratio=1.0), Y_TEXT),
    "LogisticRegression-softmax-enet": (lambda: LogisticRegression(lam=0.02, l1_ratio=0.5),
                                        Y_THREE),
    "LogisticRegression-relax": (lambda: LogisticRegression(lam=0.02, l1_ratio=1.0, relax=0.5),
                                 Y_TEXT),
    "LogisticRegressionCV-l1-ratios": (lambda: LogisticRegressionCV(lams=6, cv=3,
                                                                    l1_ratio=[0.5, 1.0]),
                                       Y_THREE),
    "GroupLassoClassifier": (lambda: shrinkage.GroupLassoClassifier(lam=0.02, groups=[0, 0, 1, 1]),
                             Y_TEXT),
    "GroupLassoClassifier-grouped-multinomial": (
        lambda: shrinkage.GroupLassoClassifier(lam=0.02), Y_THREE),
    "Lasso-2targets": (lambda: shrinkage.Lasso(lam=0.05), np.column_stack([Y_REG, -Y_REG])),
    "PoissonRegressor": (lambda: shrinkage.PoissonRegressor(lam=0.01), np.round(np.exp(Y_REG / 4))),
    "GammaRegressor": (lambda: shrinkage.GammaRegressor(lam=0.01), np.exp(Y_REG / 4)),
    "TweedieRegressor": (lambda: shrinkage.TweedieRegressor(power=1.5, lam=0.01),
                         np.exp(Y_REG / 4)),
    "PoissonRegressor-enet": (lambda: shrinkage.PoissonRegressor(lam=0.01, l1_ratio=0.5),
                              np.round(np.exp(Y_REG / 4))),
    "GLMRegressorCV": (lambda: shrinkage.GLMRegressorCV("tweedie", power=1.3, lams=6, cv=3,
                                                        l1_ratio=1.0),
                       np.exp(Y_REG / 4)),
})


@pytest.fixture
def ridge_file(tmp_path):
    path = tmp_path / "ridge.shrinkage"
    save(Ridge(lam=0.1).fit(X, Y_REG), path)
    return path


@pytest.mark.parametrize("case", sorted(CASES))
def test_round_trip_predicts_identically(case, tmp_path):
    make, y = CASES[case]
    model = make().fit(X, y)
    path = tmp_path / "model.shrinkage"
    save(model, path)
    back = load(path)
    assert type(back) is type(model)
    assert back.get_params() == model.get_params()
    assert np.array_equal(back.predict(X), model.predict(X))
    if hasattr(model, "predict_proba"):
        assert np.array_equal(back.predict_proba(X), model.predict_proba(X))
        assert np.array_equal(back.classes_, model.classes_)
    assert list(back.feature_names_in_) == ["a", "b", "c", "d"]
    with pytest.raises(ValueError, match="feature names"):      # names are checked as before
        back.predict(X[["b", "a", "c", "d"]])
    if hasattr(model, "cv_results_"):                           # stored, not dropped
        res, res0 = back.cv_results_, model.cv_results_
        assert type(res) is type(res0)
        for k in ("lam", "mean_score", "se_score"):
            assert np.array_equal(res[k], res0[k], equal_nan=True)
        assert back.lam_ == model.lam_ and back.lam_1se_ == model.lam_1se_
        if isinstance(res0, CVResult):
            assert (res.index, res.reason, res.rule) == (res0.index, res0.reason, res0.rule)
    if hasattr(model, "history_"):
        assert back.history_["loss"] == model.history_["loss"]


def test_every_public_estimator_is_loadable():
    """Every estimator class in ``shrinkage.__all__`` can be saved and has a round-trip case
    above, and model files name nothing that ``shrinkage`` does not export."""
    estimators = {n for n in shrinkage.__all__
                  if isinstance(getattr(shrinkage, n), type) and hasattr(getattr(shrinkage, n), "fit")}
    assert estimators                                  # the filter found the estimators
    assert estimators <= set(LOADABLE)
    assert set(LOADABLE) <= set(shrinkage.__all__)
    tested = {type(make()).__name__ for make, _ in CASES.values()}
    assert estimators <= tested, f"no round-trip case for {sorted(estimators - tested)}"


def test_meta_records_class_params_versions_and_preprocessing(ridge_file, tmp_path):
    model = Ridge(lam=0.1).fit(X, Y_REG)
    path = tmp_path / "m.zip"
    save(model, path, preprocessing={"columns": [{"name": c, "kind": "numeric", "fill": None}
                                                 for c in "abcd"]})
    meta = read_meta(path)
    assert meta["format"] == "shrinkage-model" and meta["schema_version"] == SCHEMA_VERSION
    assert meta["class"] == "Ridge" and meta["params"]["lam"] == 0.1
    assert meta["versions"]["shrinkage"] == shrinkage.__version__
    assert meta["feature_names"] == ["a", "b", "c", "d"]
    assert meta["preprocessing"]["columns"][0]["name"] == "a"
    assert meta["attributes"]["df_"] == model.df_          # scalars in JSON, exactly
    with zipfile.ZipFile(path) as zf:
        assert all(n == "meta.json" or n.endswith(".npy") for n in zf.namelist())


@pytest.mark.parametrize("case", ["MLPClassifier", "MLPClassifier-binary", "MLPRegressor"])
def test_network_files_written_before_progress_existed_load(case, tmp_path):
    """A file without the ``progress`` parameter (written before it existed) loads at the
    default; the network is rebuilt with the head the estimator states publicly (``head_``)."""
    make, y = CASES[case]
    model = make().fit(X, y)
    save(model, tmp_path / "new.shrinkage")
    assert "progress" in read_meta(tmp_path / "new.shrinkage")["params"]
    rewrite(tmp_path / "new.shrinkage", tmp_path / "old.shrinkage",
             edit_meta=lambda meta: meta["params"].pop("progress"))
    back = load(tmp_path / "old.shrinkage")
    assert back.progress is False
    assert back.head_ == model.head_ == back.net_.head
    assert np.array_equal(back.predict(X), model.predict(X))


def test_truncated_file_is_refused(ridge_file, tmp_path):
    data = ridge_file.read_bytes()
    for cut in (len(data) // 2, len(data) - 10, 10):
        bad = tmp_path / f"cut{cut}.zip"
        bad.write_bytes(data[:cut])
        with pytest.raises(ValueError, match="truncated|not a shrinkage model"):
            load(bad)


def test_tampered_array_is_refused_by_its_sha256(ridge_file, tmp_path):
    def flip(data):
        a = np.load(io.BytesIO(data))
        buf = io.BytesIO()
        np.save(buf, a + 1.0 if a.dtype.kind == "f" else a[::-1])
        return buf.getvalue()
    bad = tmp_path / "tampered.zip"
    rewrite(ridge_file, bad, edit_member=flip)
    with pytest.raises(ValueError, match="SHA-256"):
        load(bad)


def test_pickled_member_never_runs(ridge_file, tmp_path):
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (open, (str(marker), "w"))
    buf = io.BytesIO()
    np.save(buf, np.array([Evil()], dtype=object), allow_pickle=True)
    evil = buf.getvalue()
    import hashlib

    def point_to_evil(meta):
        member = next(iter(meta["arrays"]))
        meta["arrays"][member]["sha256"] = hashlib.sha256(evil).hexdigest()
    bad = tmp_path / "evil.zip"
    rewrite(ridge_file, bad, edit_meta=point_to_evil, edit_member=lambda d: evil)
    with pytest.raises(ValueError, match="not a plain array"):
        load(bad)
    assert not marker.exists()


@pytest.mark.parametrize("edit, message", [
    (lambda m: m.update(format="something-else"), "not a shrinkage model file"),
    (lambda m: m.update(schema_version=SCHEMA_VERSION + 1), "newer shrinkage"),
    (lambda m: m.update({"class": "Pipeline"}), "cannot load"),
    (lambda m: m.update({"class": "__import__"}), "cannot load"),
    (lambda m: m["attributes"].update(__class__="x"), "may not be set"),
    (lambda m: m["params"].update(evil=1), "not a parameter of Ridge"),
])
def test_foreign_future_and_unknown_content_is_refused(ridge_file, tmp_path, edit, message):
    bad = tmp_path / "bad.zip"
    rewrite(ridge_file, bad, edit_meta=edit)
    with pytest.raises(ValueError, match=message):
        load(bad)


def test_unlisted_member_and_non_zip_and_other_zip_are_refused(ridge_file, tmp_path):
    extra = tmp_path / "extra.zip"
    rewrite(ridge_file, extra, add={"arrays/9999.npy": b"x"})
    with pytest.raises(ValueError, match="does not list"):
        load(extra)
    text = tmp_path / "model.csv"
    text.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="not a zip"):
        load(text)
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("data.txt", "hello")
    with pytest.raises(ValueError, match="no meta.json"):
        load(other)
    with pytest.raises(ValueError, match="does not exist"):
        load(tmp_path / "missing.zip")


def test_failed_save_leaves_the_old_file_and_no_temporary(ridge_file):
    before = ridge_file.read_bytes()
    with pytest.raises(ValueError, match="not fitted"):
        save(Ridge(), ridge_file)
    with pytest.raises(ValueError, match="cannot save"):
        save(object(), ridge_file)
    assert ridge_file.read_bytes() == before
    assert [p.name for p in ridge_file.parent.iterdir()] == [ridge_file.name]
