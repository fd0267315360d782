"""Which files :func:`shrinkage._preprocess.read_table` reads, and a clear refusal of the others.

The command line reads **CSV** (``.csv``, ``.tsv``, ``.txt``; also compressed as ``.gz``,
``.bz2``, ``.xz``, ``.zip`` or ``.zst``, recognized by name or by their first bytes) and
**Parquet** (``.parquet``, ``.pq``, or any file starting with ``PAR1``); ``fit`` and ``predict``
also take a scipy sparse matrix saved by ``scipy.sparse.save_npz`` (``.npz``) with the target in
a separate file. Any other format is refused, by its extension or, where that is cheap, by its
first bytes (an Excel workbook renamed ``.csv`` is still a zip holding ``xl/workbook.xml``), with
the one line of Python that converts it.
"""

from __future__ import annotations

import os
import zipfile

__all__ = ["READABLE", "foreign_format", "compression_of"]

READABLE = ("CSV (.csv, .tsv, .txt, also compressed .gz/.bz2/.xz/.zip/.zst) and Parquet "
            "(.parquet)")


def _pandas(reader: str, extra: str = "") -> str:
    return (f"convert it, e.g. python -c \"import pandas as pd; pd.{reader}('FILE'{extra})"
            ".to_csv('FILE.csv', index=False)\"")


#: extension → (what the file is, how to convert it)
_BY_EXTENSION = {
    (".xlsx", ".xlsm", ".xlsb", ".xls"): (
        "an Excel workbook", "save the sheet as CSV (Excel: File > Save As > CSV UTF-8), or "
        + _pandas("read_excel", ", sheet_name=0") + " (needs openpyxl)"),
    (".ods",): ("an OpenDocument spreadsheet", "save the sheet as CSV, or "
                + _pandas("read_excel", ", engine='odf'") + " (needs odfpy)"),
    (".json", ".jsonl", ".ndjson", ".geojson"): (
        "JSON", _pandas("read_json") + " (add lines=True for JSON Lines)"),
    (".feather", ".arrow", ".ipc"): ("an Arrow / Feather file",
                                     "convert it, e.g. python -c \"import pandas as pd; "
                                     "pd.read_feather('FILE').to_parquet('FILE.parquet')\""),
    (".h5", ".hdf5", ".hdf"): ("an HDF5 file", _pandas("read_hdf", ", key='KEY'")),
    (".pkl", ".pickle"): ("a pickle", "shrinkage never reads pickles (loading one can run "
                          "code); if you trust it, " + _pandas("read_pickle")),
    (".dta",): ("a Stata file", _pandas("read_stata")),
    (".sav", ".zsav"): ("an SPSS file", _pandas("read_spss") + " (needs pyreadstat)"),
    (".sas7bdat", ".xpt"): ("a SAS file", _pandas("read_sas")),
    (".orc",): ("an ORC file", "convert it, e.g. python -c \"import pandas as pd; "
                "pd.read_orc('FILE').to_parquet('FILE.parquet')\""),
    (".sqlite", ".sqlite3", ".db"): ("an SQLite database", "export a table with sqlite3 FILE "
                                     "-header -csv 'select * from TABLE' > FILE.csv"),
    (".npy",): ("a NumPy array", "write it as CSV, e.g. python -c \"import numpy as np; "
                "np.savetxt('FILE.csv', np.load('FILE'), delimiter=',')\" (then add a header "
                "line naming the columns), or as a sparse .npz with scipy.sparse.save_npz"),
    (".rds", ".rdata", ".rda"): ("an R data file", "in R: write.csv(readRDS('FILE'), "
                                 "'FILE.csv', row.names = FALSE)"),
    (".mat",): ("a MATLAB file", "in MATLAB: writematrix(X, 'FILE.csv'), or "
                "scipy.io.loadmat then pandas"),
    (".avro",): ("an Avro file", "convert it to CSV or Parquet (e.g. with fastavro and pandas)"),
}

#: first bytes → (what, how), for files whose name does not say
_BY_MAGIC = (
    (b"\xd0\xcf\x11\xe0", _BY_EXTENSION[(".xlsx", ".xlsm", ".xlsb", ".xls")]),   # OLE: .xls
    (b"\x89HDF", _BY_EXTENSION[(".h5", ".hdf5", ".hdf")]),
    (b"ARROW1", _BY_EXTENSION[(".feather", ".arrow", ".ipc")]),
    (b"\x93NUMPY", _BY_EXTENSION[(".npy",)]),
    (b"SQLite format 3", _BY_EXTENSION[(".sqlite", ".sqlite3", ".db")]),
    (b"$FL2", _BY_EXTENSION[(".sav", ".zsav")]),
    (b"$FL3", _BY_EXTENSION[(".sav", ".zsav")]),
    (b"ORC", _BY_EXTENSION[(".orc",)]),
    (b"Obj\x01", _BY_EXTENSION[(".avro",)]),
)

_COMPRESSION = ((b"\x1f\x8b", "gzip"), (b"BZh", "bz2"), (b"\xfd7zXZ\x00", "xz"),
                (b"PK\x03\x04", "zip"), (b"\x28\xb5\x2f\xfd", "zstd"))


def _refusal(path: str, what: str, how: str) -> str:
    name = os.path.basename(path)
    stem = name.split(".")[0] or name
    target = f"{stem}.csv" if f"{stem}.csv" != name else f"{stem}_converted.csv"
    how = how.replace("FILE.csv", target).replace("FILE.parquet", f"{stem}.parquet")
    return (f"data file {path!r} is {what}, which shrinkage does not read; it reads "
            f"{READABLE}: {how.replace('FILE', name)}")


def _zip_kind(path: str):
    """What a zip archive holds, when it is not a zipped CSV: an Excel / OpenDocument workbook,
    a shrinkage model file, or a NumPy .npz; None otherwise."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError):
        return None
    if any(n.startswith("xl/") for n in names):
        return _BY_EXTENSION[(".xlsx", ".xlsm", ".xlsb", ".xls")]
    if "content.xml" in names and "mimetype" in names:
        return _BY_EXTENSION[(".ods",)]
    if "meta.json" in names:
        return ("a shrinkage model file", "give it as MODEL (shrinkage predict MODEL DATA), and a "
                "table as DATA")
    if names and all(n.endswith(".npy") for n in names):
        return ("a NumPy .npz archive", "fit and predict take a scipy sparse matrix saved by "
                "scipy.sparse.save_npz with the target in --target-file; other commands need a "
                "table")
    return None


def _looks_like_json(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text[:1] == b"{":
        return True
    rest = text[1:].lstrip(b" \t\r\n")
    return text[:1] == b"[" and rest[:1] in (b"{", b"[", b"\"", b"]") or \
        (text[:1] == b"[" and rest[:1].isdigit())


def foreign_format(path: str, head: bytes) -> str | None:
    """The refusal message for a file that is not CSV or Parquet (by its extension, else by
    ``head``, its first bytes), or None for a file to read as CSV or Parquet."""
    lower = path.lower()
    for suffix in (".gz", ".bz2", ".xz", ".zst"):          # data.json.gz is still JSON
        if lower.endswith(suffix):
            lower = lower[: -len(suffix)]
    for exts, (what, how) in _BY_EXTENSION.items():
        if lower.endswith(exts):
            return _refusal(path, what, how)
    if lower.endswith(".npz"):
        return _refusal(path, *_zip_kind(path) or ("a NumPy .npz archive", "fit and predict "
                                                   "take scipy.sparse.save_npz files"))
    for magic, (what, how) in _BY_MAGIC:
        if head.startswith(magic):
            return _refusal(path, what, how)
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(path)
        if kind:
            return _refusal(path, *kind)
    if head[:1] == b"\x80" and head[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        return _refusal(path, *_BY_EXTENSION[(".pkl", ".pickle")])
    if _looks_like_json(head):
        return _refusal(path, *_BY_EXTENSION[(".json", ".jsonl", ".ndjson", ".geojson")])
    return None


def compression_of(head: bytes) -> str | None:
    """The compression that ``head`` (a file's first bytes) shows, for pandas; None for none."""
    for magic, name in _COMPRESSION:
        if head.startswith(magic):
            return name
    return None
