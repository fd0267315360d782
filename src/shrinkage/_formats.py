"""Reading a table file (:func:`read_table`), and a clear refusal of the formats it does not read.

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
import re
import zipfile

from ._optional import require

__all__ = ["READABLE", "read_table", "foreign_format", "compression_of", "existing_file"]

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


def existing_file(path, what: str, fix: str) -> str:
    """``path`` as a string, or a ValueError naming ``what`` it should be: a directory (with
    ``fix``) or a path that does not exist."""
    path = os.fspath(path)
    if os.path.isdir(path):
        raise ValueError(f"{what} {path!r} is a directory; {fix}")
    if not os.path.isfile(path):
        raise ValueError(f"{what} {path!r} does not exist")
    return path


def read_table(path, sep: str | None = None, decimal: str = "."):
    """Read a CSV (``.csv``, ``.tsv``, ``.txt``, also compressed) or Parquet file into a
    DataFrame; refuse any other format by name, with the way to convert it
    (:mod:`shrinkage._formats`).

    Parameters
    ----------
    path : str or path-like
    sep : str, optional
        The CSV field separator (one character); default ``","`` (a tab for ``.tsv``).
    decimal : str, default="."
        The CSV decimal mark (``","`` for ``3,14``).

    Raises
    ------
    ValueError
        If the path is missing or a directory, the file is empty, has no rows, is in a format
        not read here, cannot be parsed, names a column twice (a CSV header; pandas would
        rename the second ``a.1``), looks separated by another character than ``sep`` (a
        single column whose name holds ``;``, a tab or ``|``), or holds numbers written with
        a decimal comma while ``decimal`` is ``"."``.
    """
    pd = require("pandas", "reading data files")
    path = existing_file(path, "data file", "give a .csv, .tsv or .parquet file")
    if os.path.getsize(path) == 0:
        raise ValueError(f"data file {path!r} is empty")
    with open(path, "rb") as fh:
        head = fh.read(64)
    lower = path.lower()
    types, header = {}, None
    if not (head[:4] == b"PAR1" or lower.endswith((".parquet", ".pq"))):
        refusal = foreign_format(path, head)
        if refusal:
            raise ValueError(refusal)
    given_sep = sep
    if head[:4] == b"PAR1" or lower.endswith((".parquet", ".pq")):
        require("pyarrow", "reading Parquet files")
    try:
        if head[:4] == b"PAR1" or lower.endswith((".parquet", ".pq")):
            frame = pd.read_parquet(path)
            types = _parquet_types(path)
        else:
            if sep is None:
                sep = "\t" if lower.endswith((".tsv", ".tsv.gz")) else ","
            opts = dict(sep=sep, compression=_compression(lower, head, compression_of))
            frame = pd.read_csv(path, decimal=decimal, **opts)
            header = pd.read_csv(path, header=None, nrows=1, dtype=str, keep_default_na=False,
                                 **opts).iloc[0].tolist()
    except pd.errors.EmptyDataError:
        raise ValueError(f"data file {path!r} has no columns") from None
    except ImportError as exc:
        raise ValueError(f"cannot read {path!r}: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"data file {path!r} is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} "
                         f"at position {exc.start}); save it as UTF-8") from None
    except (pd.errors.ParserError, OSError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        hint = "" if given_sep else "; if its fields are not separated by commas, pass --sep"
        raise ValueError(f"cannot read {path!r} as CSV or Parquet: {first}{hint}") from None
    if frame.shape[0] == 0:
        raise ValueError(f"data file {path!r} has a header but no rows")
    frame.columns = [str(c) for c in frame.columns]
    if header is not None:
        _refuse_other_separator(frame, path, given_sep, decimal)
        _refuse_decimal_commas(frame, path, decimal)
    _refuse_repeated(list(frame.columns) if header is None else header, path)
    frame.attrs["types"] = types
    return frame


def _compression(lower: str, head: bytes, compression_of):
    """pandas' compression: by the file name where it says, else by the first bytes (a gzipped
    CSV without ``.gz`` in its name)."""
    if lower.endswith((".gz", ".bz2", ".xz", ".zip", ".zst", ".tar")):
        return "infer"
    return compression_of(head)


_OTHER_SEPARATORS = {",": "','", ";": "';'", "\t": "tab ('\\t')", "|": "'|'"}
_DECIMAL_COMMA = r"^\s*[+-]?\d+,\d+\s*$"


def _refuse_other_separator(frame, path, sep, decimal) -> None:
    """One column whose name holds a ``;``, tab or ``|``: the file is separated by that
    character, not by the one pandas was told."""
    if frame.shape[1] != 1:
        return
    name = frame.columns[0]
    for char, said in _OTHER_SEPARATORS.items():
        if char != sep and name.count(char) >= 1:
            first = _second_line(path)
            comma = (decimal != "," and any(re.match(_DECIMAL_COMMA, f) for f in
                                            first.split(char)))
            opt = "'\\t'" if char == "\t" else repr(char)
            extra = " --decimal ','" if comma else ""
            raise ValueError(f"data file {path!r} reads as one column named {name[:40]!r}: its "
                             f"fields look separated by {said}, not by "
                             f"{repr(sep or ',')}; pass --sep {opt}{extra}")


def _second_line(path) -> str:
    """The first data line of a CSV file (for a message; compressed files give "")."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            fh.readline()
            return fh.readline().strip()
    except OSError:
        return ""


def _refuse_decimal_commas(frame, path, decimal) -> None:
    """Text columns whose every value is a number with a decimal comma (``14,23``) would be
    one-hot encoded as text: say ``--decimal ','`` instead."""
    from ._preprocess import _is_numeric, _names
    if decimal == ",":
        return
    bad = []
    for c in frame.columns:
        s = frame[c]
        if not _is_numeric(s):
            values = s.dropna().astype(str)
            if len(values) and values.str.match(_DECIMAL_COMMA).all():
                bad.append(c)
    if bad:
        raise ValueError(f"column(s) {_names(bad)} of {path!r} hold numbers written with a "
                         f"decimal comma ({str(frame[bad[0]].dropna().iloc[0])!r}); pass "
                         "--decimal ','")


def _refuse_repeated(names, path) -> None:
    seen = {}
    for i, name in enumerate(names):
        if name in seen and name != "":
            raise ValueError(f"data file {path!r} has the column name {name!r} twice (columns "
                             f"{seen[name] + 1} and {i + 1}); give every column its own name")
        seen.setdefault(name, i)


def _parquet_types(path) -> dict:
    """Column name → Parquet type, for messages (empty if pyarrow cannot say)."""
    try:
        import pyarrow.parquet as pq
        return {f.name: str(f.type) for f in pq.read_schema(path)}
    except Exception:                      # only for messages: never fail a read on it
        return {}
