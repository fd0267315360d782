"""Crafted and damaged model files: every one is refused with a ValueError that names the
problem, before anything is built or inflated (and ``shrinkage predict`` / ``report`` exit 2 with
one line). The files are real saved models, rewritten (``model_files.py``)."""

import hashlib
import json
import zipfile

import numpy as np
import pandas as pd
import pytest
from model_files import lie_about_size, member_of, npy, rewrite

from shrinkage import LogisticRegression, MLPClassifier, MLPRegressor, Ridge, RidgeCV
from shrinkage.cli.main import main
from shrinkage.io import MAX_MEMBER_BYTES, load, read_meta, save

rng = np.random.default_rng(0)
X = pd.DataFrame(rng.normal(size=(40, 4)), columns=["a", "b", "c", "d"])
Y = X["a"].to_numpy() + rng.normal(size=40)
LABELS = np.where(X["b"] > 0, "yes", "no")
NET = dict(hidden_layer_sizes=(3,), max_epochs=2, random_state=0)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("models")
    models = {"ridge": Ridge(lam=0.1).fit(X, Y), "ridgecv": RidgeCV(lams=5, cv=3).fit(X, Y),
              "logistic": LogisticRegression(lam=0.1).fit(X, LABELS),
              "mlp": MLPClassifier(**NET).fit(X, LABELS), "mlpreg": MLPRegressor(**NET).fit(X, Y)}
    paths = {}
    for name, model in models.items():
        paths[name] = d / f"{name}.shrinkage"
        save(model, paths[name])
    return paths


def crafted(files, tmp_path, source="ridge", **kw):
    path = tmp_path / "crafted.shrinkage"
    rewrite(files[source], path, **kw)
    return path


def refused(path, *needles, **load_kw):
    with pytest.raises(ValueError) as exc:
        load(path, **load_kw)
    text = str(exc.value)
    for needle in needles:
        assert needle in text, text
    return text


# -- meta.json: wrong types at every level ---------------------------------------------------
def _set(*keys_and_value):
    *keys, value = keys_and_value

    def edit(meta):
        node = meta
        for k in keys[:-1]:
            node = node[k]
        node[keys[-1]] = value
    return edit


META_CASES = {
    "params-list": ("ridge", _set("params", []), "params is a list, expected an object"),
    "attributes-string": ("ridge", _set("attributes", "x"), "attributes is a string"),
    "arrays-list": ("ridge", _set("arrays", []), "arrays is a list"),
    "unknown-top-key": ("ridge", _set("plugin", "os.system"), "does not have: ['plugin']"),
    "missing-attributes": ("ridge", lambda m: m.pop("attributes"), "lacks the key(s)"),
    "schema-version-text": ("ridge", _set("schema_version", "1"), "schema_version is '1'"),
    "class-number": ("ridge", _set("class", 7), "class is 7, which this version cannot load"),
    "class-unknown": ("ridge", _set("class", "Pipeline"), "'Pipeline', which this version"),
    "param-unknown": ("ridge", _set("params", "evil", 1), "'evil'] is not a parameter of Ridge"),
    "param-lam-text": ("ridge", _set("params", "lam", "abc"),
                       "params['lam'] must be a finite number or a list of numbers"),
    "param-flag-number": ("ridge", _set("params", "fit_intercept", 1),
                          "params['fit_intercept'] must be true or false"),
    "param-float-tag-text": ("ridge", _set("params", "lam", {"__float__": "x"}),
                             "must hold a number in '__float__'"),
    "param-unknown-tag": ("ridge", _set("params", "lam", {"__reduce__": "os.system"}),
                          "keys ['__reduce__'], which is not a value"),
    "param-tuple-int": ("mlp", _set("params", "hidden_layer_sizes", {"__tuple__": 5}),
                        "['__tuple__'] is an integer, not a list"),
    "param-activation-number": ("mlp", _set("params", "activation", 5),
                                "params['activation'] must be a string"),
    "param-checkpoint-path": ("mlp", _set("params", "checkpoint", "/home/user/.bashrc"),
                              "params['checkpoint'] must be null"),
    "dropped-unknown": ("ridge", _set("dropped_params", ["evil"]), "dropped_params names"),
    "versions-numbers": ("ridge", _set("versions", "numpy", 2), "versions must be an object"),
    "extra-list": ("ridge", _set("extra", [1]), "extra is a list, expected an object or null"),
    "feature-names-count": ("ridge", _set("feature_names", ["a"]), "1 names for 4 features"),
    "attr-dunder": ("ridge", _set("attributes", "__class__", "x"), "may not be set on a Ridge"),
    "attr-property": ("mlp", _set("attributes", "head_", "squared"),
                      "would replace the class's own"),
    "attr-network-object": ("ridge", _set("attributes", "net_", 5), "it is rebuilt, never stored"),
    "attr-lam-text": ("ridgecv", _set("attributes", "lam_", "abc"),
                      "lam_'] must be a number or an array of numbers"),
    "attr-n-features-text": ("ridge", _set("attributes", "n_features_in_", "4"),
                             "n_features_in_'] must be a positive integer"),
    "attr-coef-text": ("ridge", _set("attributes", "coef_", "abc"),
                       "coef_'] must be an array of numbers with 4 columns"),
    "attr-intercept-list-of-text": ("ridge", _set("attributes", "intercept_", ["x"]),
                                    "intercept_'] must be a number or an array"),
    "attr-missing-coef": ("ridge", lambda m: m["attributes"].pop("coef_"),
                          "lack ['coef_'], which a fitted Ridge has"),
    "array-unknown-member": ("ridge", _set("attributes", "extra_",
                                           {"__array__": "arrays/9999.npy", "object": False}),
                             "names the array 'arrays/9999.npy', which the index does not list"),
    "array-object-flag": ("ridge", lambda m: m["attributes"]["coef_"].update(object=True),
                          "['object'] must be true (text arrays only)"),
    "index-object-dtype": ("ridge", lambda m: [e.update(dtype="|O") for e in
                                               m["arrays"].values()], "expected a plain dtype"),
    "index-negative-shape": ("ridge", lambda m: [e.update(shape=[-1]) for e in
                                                 m["arrays"].values()], "non-negative integers"),
    "index-bad-sha": ("ridge", lambda m: [e.update(sha256="xyz") for e in m["arrays"].values()],
                      "is not a SHA-256"),
    "index-path-member": ("ridge", lambda m: m["arrays"].update(
        {"../../evil.npy": next(iter(m["arrays"].values()))}), "not a member name"),
    "index-unused": ("ridge", lambda m: m["arrays"].update(
        {"arrays/0099.npy": next(iter(m["arrays"].values()))}), "which no parameter or"),
    "classes-one": ("logistic", lambda m: m["arrays"][member_of(m, "classes_")].update(
        shape=[1]), "classes_'] must be an array of at least two labels"),
    "classes-three-rows-one": ("logistic", lambda m: m["arrays"][member_of(m, "classes_")]
                               .update(shape=[3]), "the classes need 3 row(s)"),
    "cv-index-out-of-range": ("ridgecv", lambda m: m["attributes"]["cv_results_"]
                              ["__cvresult__"].update(index=99), "must be an index below 5"),
    "cv-missing-scores": ("ridgecv", lambda m: m["attributes"]["cv_results_"]["__dict__"]
                          .pop("mean_score"), "['mean_score'] must be an array of numbers"),
    "preprocessing-kind": ("ridge", _set("preprocessing", {"columns": [
        {"name": c, "kind": "pickle"} for c in "abcd"]}), "has the kind 'pickle'"),
    "preprocessing-count": ("ridge", _set("preprocessing", {"columns": [
        {"name": "a", "kind": "numeric"}]}), "makes 1 columns but the model takes 4"),
    "preprocessing-levels": ("ridge", _set("preprocessing", {"columns": [
        {"name": "a", "kind": "categorical", "levels": [1, 2]}]}), "are not 1 to 200 distinct"),
    "preprocessing-collision": ("ridge", _set("preprocessing", {"columns": [
        {"name": "a=x", "kind": "numeric"}, {"name": "a", "kind": "categorical",
                                              "levels": ["x", "y", "z"]}]}),
        "would both be named 'a=x'"),
    "network-sizes-text": ("mlp", _set("attributes", "layer_sizes_", "abc"),
                           "layer_sizes_'] must be a list of 2 to 1000 positive integers"),
    "network-outputs": ("mlpreg", _set("attributes", "_n_targets", 3),
                        "_n_targets and _y_ndim must describe the targets"),
}


@pytest.mark.parametrize("case", sorted(META_CASES))
def test_meta_json_that_does_not_fit_the_schema_is_refused_naming_the_place(case, files,
                                                                             tmp_path):
    source, edit, message = META_CASES[case]
    path = crafted(files, tmp_path, source, edit_meta=edit)
    refused(path, "meta.json", message)
    with pytest.raises(ValueError, match="meta.json"):        # read_meta checks the same
        read_meta(path)


@pytest.mark.parametrize("text, message", [
    (b"\xff\xfe{}", "not UTF-8"),
    (b"[1, 2]", "holds a list, not a JSON object"),
    (b'{"format": ', "is not valid JSON"),
    (b'{"format": "shrinkage-model", "format": "x"}', "repeats the key 'format'"),
    (b"[" * 100_000 + b"]" * 100_000, "nests 100000 levels deep"),
    (b'{"a": ' + b"[" * 40 + b"]" * 40 + b"}", "nests 41 levels deep"),
    (b'{"n": ' + b"9" * 5000 + b"}", "is not valid JSON"),
])
def test_meta_json_text_that_is_not_one_plain_object_is_refused(text, message, files,
                                                                tmp_path):
    refused(crafted(files, tmp_path, meta_text=text), message)


def test_deep_nesting_inside_a_value_is_refused_before_parsing(files, tmp_path):
    """Nesting deep enough to exhaust the recursion of a parser or a walker (RecursionError
    before) is measured on the text first."""
    def nest(meta):
        value = 1
        for _ in range(3000):
            value = [value]
        meta["attributes"]["deep_"] = value
    import sys
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(10_000)                  # json.dumps of the crafted file needs it
    try:
        path = crafted(files, tmp_path, edit_meta=nest)
    finally:
        sys.setrecursionlimit(limit)
    refused(path, "nests 3002 levels deep")


# -- networks: declared sizes against the stored shapes, before anything is built -------------
def test_huge_declared_layer_sizes_are_refused_before_the_network_is_built(tmp_path):
    """[16000, 16000, 1]: 2.9 GB and 11 s before (the network was built, then its weights
    compared); now meta.json alone refuses it, against n_features_in_ or against the declared
    shapes of the stored weights."""
    path = tmp_path / "net.shrinkage"
    save(MLPClassifier(**NET).fit(X.to_numpy(), LABELS), path)     # no feature names
    refused(crafted({"net": path}, tmp_path, "net",
                    edit_meta=_set("attributes", "layer_sizes_", [16000, 16000, 1])),
            "starts with 16000 inputs but n_features_in_ is 4")

    def grow(meta):
        meta["attributes"].update(layer_sizes_=[16000, 16000, 1], n_features_in_=16000)
    refused(crafted({"net": path}, tmp_path, "net", edit_meta=grow),
            "coefs_'][0] is shape (4, 3); layer sizes [16000, 16000, 1] need a float array of "
            "shape (16000, 16000)")


def test_declared_weight_shapes_that_the_stored_bytes_cannot_hold_are_refused(files, tmp_path):
    """The index edited to agree with huge layer sizes: the zip header's member size shows the
    lie before the member is read; past the per-array limit the declaration alone is enough."""
    def grow(width, dtype):
        def edit(meta):
            meta["attributes"]["layer_sizes_"] = [4, width, 1]
            for name, shape in (("coefs_[0]", [4, width]), ("intercepts_[0]", [width]),
                                ("coefs_[1]", [width, 1])):
                meta["arrays"][member_of(meta, name)].update(shape=shape, dtype=dtype)
        return edit
    refused(crafted(files, tmp_path, "mlp", edit_meta=grow(4000, "<f4")),
            "do not fit its declared shape (4, 4000) of <f4")
    refused(crafted(files, tmp_path, "mlp", edit_meta=grow(2 ** 26, "<f8")),
            "declares shape (4, 67108864) of <f8, 2 GiB, more than the limit of 256 MiB per "
            "array", "max_member_bytes")


def test_network_weights_of_the_wrong_shape_are_refused_from_the_npy_header(files, tmp_path):
    """meta.json consistent with itself, the member's .npy header not (the same 12 floats as
    (3, 4) instead of (4, 3), hash updated): refused before the network is built."""
    with zipfile.ZipFile(files["mlp"]) as zf:
        meta = json.loads(zf.read("meta.json"))
    member = member_of(meta, "coefs_[0]")
    data = npy(np.zeros((3, 4), np.float32))
    meta["arrays"][member]["sha256"] = hashlib.sha256(data).hexdigest()
    path = crafted(files, tmp_path, "mlp", meta_text=json.dumps(meta), edit_member={member: data})
    refused(path, "holds an array of shape (3, 4) and dtype <f4", "not the shape (4, 3) of <f4")


def test_an_array_whose_header_disagrees_with_meta_json_is_refused(files, tmp_path):
    """Same byte count, another dtype (int64 for float64), hash updated: the header check."""
    with zipfile.ZipFile(files["ridge"]) as zf:
        meta = json.loads(zf.read("meta.json"))
    member = member_of(meta, "coef_")
    data = npy(np.arange(4, dtype=np.int64))
    meta["arrays"][member]["sha256"] = hashlib.sha256(data).hexdigest()
    path = crafted(files, tmp_path, meta_text=json.dumps(meta), edit_member={member: data})
    refused(path, "holds an array of shape (4,) and dtype <i8", "not the shape (4,) of <f8")


# -- zip-level damage and bombs ----------------------------------------------------------------
def test_a_deflate_bomb_is_refused_from_its_zip_header_before_inflating(files, tmp_path):
    """A member whose header says 512 MiB (a 255 KiB deflate of zeros with a correct hash is the
    real thing; the header is what is read first, so a lying small file shows the same)."""
    with zipfile.ZipFile(files["ridge"]) as zf:
        member = member_of(json.loads(zf.read("meta.json")), "coef_")
    path = crafted(files, tmp_path)
    lie_about_size(path, member, 512 << 20)
    refused(path, f"the member '{member}' (coef_) inflates to 512 MiB, more than the limit of "
            "256 MiB", "max_member_bytes=")


def test_a_real_compressed_bomb_is_refused_within_a_lowered_limit(files, tmp_path):
    """4 MiB of zeros deflate to ~4 KiB; with a 1 MiB limit the correct hash does not help."""
    zeros = np.zeros(1 << 19)
    with zipfile.ZipFile(files["ridge"]) as zf:
        meta = json.loads(zf.read("meta.json"))
    meta["attributes"]["bomb_"] = {"__array__": "arrays/0099.npy", "object": False}
    data = npy(zeros)
    meta["arrays"]["arrays/0099.npy"] = {"name": "bomb_", "shape": [1 << 19], "dtype": "<f8",
                                         "sha256": hashlib.sha256(data).hexdigest()}
    path = crafted(files, tmp_path, meta_text=json.dumps(meta), add={"arrays/0099.npy": data})
    assert path.stat().st_size < 64 << 10
    assert load(path).bomb_.size == 1 << 19                      # within the default limits
    refused(path, "(bomb_) declares shape (524288,) of <f8, 4 MiB, more than the limit of 1 MiB",
            max_member_bytes=1 << 20)
    refused(path, "more than the limit of 2 MiB", "max_total_bytes=",
            max_total_bytes=2 << 20)


def test_the_limits_are_documented_and_can_be_raised_for_a_large_model(tmp_path):
    model = Ridge(lam=1.0).fit(rng.normal(size=(5, 70_000)), rng.normal(size=5))
    path = tmp_path / "wide.shrinkage"
    save(model, path)
    refused(path, "(coef_) declares shape (70000,) of <f8, 546.9 KiB, more than the limit of "
            "256 KiB", max_member_bytes=256 << 10)
    assert load(path, max_member_bytes=1 << 20).coef_.shape == (70_000,)
    assert MAX_MEMBER_BYTES == 256 << 20


def test_repeated_encrypted_and_foreign_compression_members_are_refused(files, tmp_path):
    path = tmp_path / "twice.shrinkage"
    with zipfile.ZipFile(files["ridge"]) as zin, zipfile.ZipFile(path, "w") as zout:
        for name in zin.namelist():
            zout.writestr(name, zin.read(name))
        with pytest.warns(UserWarning, match="Duplicate name"):
            zout.writestr("meta.json", zin.read("meta.json"))
    refused(path, "holds the member 'meta.json' twice")
    bz = tmp_path / "bzip2.shrinkage"
    with zipfile.ZipFile(files["ridge"]) as zin, \
            zipfile.ZipFile(bz, "w", zipfile.ZIP_BZIP2) as zout:
        for name in zin.namelist():
            zout.writestr(name, zin.read(name))
    refused(bz, "encrypted or compressed in a way shrinkage does not write")


def test_a_zip_of_a_version_zipfile_cannot_read_is_not_a_model_file(files, tmp_path):
    raw = bytearray(files["ridge"].read_bytes())
    central = raw.find(b"PK\x01\x02")
    raw[central + 6] = 99                       # "version needed to extract": 9.9
    (tmp_path / "v99.shrinkage").write_bytes(bytes(raw))
    refused(tmp_path / "v99.shrinkage", "is not a shrinkage model file (not a zip archive")


def test_a_directory_given_as_the_model_is_named_as_one(tmp_path):
    refused(tmp_path, "is a directory; give the file that shrinkage.io.save")


def test_a_checkpoint_path_is_not_stored(tmp_path):
    """A file must not choose where a later fit of the loaded network writes its checkpoints."""
    net = MLPRegressor(checkpoint=str(tmp_path / "ckpt.npz"), **NET).fit(X, Y)
    save(net, tmp_path / "net.shrinkage")
    assert read_meta(tmp_path / "net.shrinkage")["dropped_params"] == ["checkpoint"]
    with pytest.warns(UserWarning, match="checkpoint"):
        assert load(tmp_path / "net.shrinkage").checkpoint is None


def test_save_never_writes_what_load_refuses(tmp_path):
    model = Ridge(lam=0.1).fit(X, Y)
    with pytest.raises(ValueError, match="cannot save this Ridge: meta.json preprocessing"):
        save(model, tmp_path / "m.shrinkage",
             preprocessing={"columns": [{"name": "a", "kind": "numeric"}]})
    assert list(tmp_path.iterdir()) == []
    folds = [(np.arange(20, 40), np.arange(20)), (np.arange(20), np.arange(20, 40))]
    cv = RidgeCV(lams=3, cv=folds).fit(X, Y)
    save(cv, tmp_path / "cv.shrinkage")                 # explicit folds: not stored, dropped
    assert read_meta(tmp_path / "cv.shrinkage")["dropped_params"] == ["cv"]
    with pytest.warns(UserWarning, match=r"\['cv'\] could not be stored"):
        assert np.array_equal(load(tmp_path / "cv.shrinkage").predict(X), cv.predict(X))


# -- the command line: exit 2, one line ------------------------------------------------------
@pytest.mark.parametrize("command", ["predict", "report"])
@pytest.mark.parametrize("case", ["attributes-string", "network-sizes-text", "class-unknown"])
def test_crafted_files_exit_2_in_one_line_on_the_command_line(command, case, files, tmp_path,
                                                              capsys, monkeypatch):
    monkeypatch.delenv("SHRINKAGE_DEBUG", raising=False)
    source, edit, message = META_CASES[case]
    path = crafted(files, tmp_path, source, edit_meta=edit)
    X.assign(y=Y).to_csv(tmp_path / "data.csv", index=False)
    args = [command, str(path)] + ([str(tmp_path / "data.csv")] if command == "predict"
                                   else ["--out", str(tmp_path / "r.html")])
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err and "Traceback" not in err, err


def test_report_refuses_a_crafted_stored_summary(files, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("SHRINKAGE_DEBUG", raising=False)
    path = crafted(files, tmp_path, edit_meta=_set("extra", {"summary": {
        "coefficients": [{"feature": 1}], "lam": "x"}}))
    assert main(["report", str(path), "--out", str(tmp_path / "r.html")]) == 2
    err = capsys.readouterr().err.strip()
    assert "the stored fit summary has a 'lam' that is not a number" in err, err
    assert not (tmp_path / "r.html").exists()
