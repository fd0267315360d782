"""Crafting model files for the tests: a saved file rewritten with an edited ``meta.json``,
replaced or added members, or zip headers that lie."""

import io
import json
import struct
import zipfile

import numpy as np


def rewrite(src, dst, edit_meta=None, edit_member=None, add=None, meta_text=None):
    """Copy the zip ``src`` to ``dst``: ``edit_meta(meta)`` edits the parsed ``meta.json`` in
    place, ``meta_text`` replaces its text outright, ``edit_member(data)`` every array member's
    bytes (or ``{name: data}`` for some), ``add`` appends members."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            data = zin.read(name)
            if name == "meta.json":
                if edit_meta:
                    meta = json.loads(data)
                    edit_meta(meta)
                    data = json.dumps(meta).encode()
                if meta_text is not None:
                    data = meta_text if isinstance(meta_text, bytes) else meta_text.encode()
            elif isinstance(edit_member, dict) and name in edit_member:
                data = edit_member[name]
            elif callable(edit_member):
                data = edit_member(data)
            zout.writestr(name, data)
        for name, data in (add or {}).items():
            zout.writestr(name, data)


def npy(a) -> bytes:
    buf = io.BytesIO()
    np.save(buf, a, allow_pickle=False)
    return buf.getvalue()


def member_of(meta, name):
    """The member name of the array stored as ``name`` (``"coef_"``, ``"coefs_[0]"``)."""
    return next(m for m, e in meta["arrays"].items() if e["name"] == name)


def lie_about_size(path, member, size):
    """Patch the uncompressed size that the local and central zip headers give ``member``."""
    raw = bytearray(open(path, "rb").read())
    name = member.encode()
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := raw.find(signature, start)) >= 0:
            name_len = struct.unpack_from("<H", raw, start + (26 if offset == 22 else 28))[0]
            head = 30 if offset == 22 else 46
            if raw[start + head:start + head + name_len] == name:
                struct.pack_into("<I", raw, start + offset, size)
            start += 4
    open(path, "wb").write(bytes(raw))
