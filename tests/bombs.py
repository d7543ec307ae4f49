"""A corpus of crafted workbooks of about 100 KB each, made on the spot (issue 23, F5).

Each is a real, minimal .xlsx (openpyxl's own, with an Uppdatering sheet) with one part made
hostile. Most carry about 95 KB of incompressible padding (a stored "image") so that the whole
file passes the compression-ratio check and the hostile part has to be caught by what it
contains. Used by tests/test_upload_limits.py and benchmarks/upload_bombs.py.
"""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Callable

PADDING = 95 * 1024


def base_workbook() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Uppdatering"
    wb.active["A1"] = "Nummer"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def rebuild(
    parts: dict[str, bytes],
    *,
    padding: int = PADDING,
    extra: list[tuple[zipfile.ZipInfo | str, bytes]] | None = None,
) -> bytes:
    """The base workbook with `parts` replaced or added, plus padding and `extra` entries."""
    source = zipfile.ZipFile(io.BytesIO(base_workbook()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename not in parts:
                target.writestr(info.filename, source.read(info.filename))
        for name, body in parts.items():
            target.writestr(name, body)
        if padding:
            noise = random.Random(23).randbytes(padding)
            target.writestr("xl/media/image1.png", noise, compress_type=zipfile.ZIP_STORED)
        for name_or_info, body in extra or []:
            target.writestr(name_or_info, body)
    return out.getvalue()


def _styles(cell_xfs: bytes) -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<fonts count="1"><font/></fonts><fills count="1"><fill/></fills>'
        b'<borders count="1"><border/></borders>'
        b'<cellStyleXfs count="1"><xf/></cellStyleXfs>'
        b"<cellXfs>" + cell_xfs + b"</cellXfs></styleSheet>"
    )


def _workbook(defined_names: bytes) -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        b'<sheets><sheet name="Uppdatering" sheetId="1" r:id="rId1"/></sheets>'
        b"<definedNames>" + defined_names + b"</definedNames></workbook>"
    )


def _sheet(data: bytes) -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="A1:A1"/><sheetData>' + data + b"</sheetData></worksheet>"
    )


def styles_xf_dense() -> bytes:
    """The finding's shape: styles.xml repeating <xf/>, deflated about 1000:1 (77 KB file)."""
    return rebuild({"xl/styles.xml": _styles(b"<xf/>" * 15_000_000)}, padding=0)


def styles_xf() -> bytes:
    """200,000 <xf/> in cellXfs, under a megabyte, padded to pass the ratio check."""
    return rebuild({"xl/styles.xml": _styles(b"<xf/>" * 200_000)})


def styles_xf_varied() -> bytes:
    """cellXfs entries that compress only about 9:1, so no ratio check can catch them."""
    rng = random.Random(5)
    xfs = b"".join(b'<xf numFmtId="%d"/>' % rng.randrange(1000) for _ in range(45_000))
    return rebuild({"xl/styles.xml": _styles(xfs)}, padding=0)


def defined_names() -> bytes:
    """25,000 distinct defined names (the finding's 780 KB bomb cost 1.9 GB)."""
    names = b"".join(
        b'<definedName name="n%d">Uppdatering!$A$%d</definedName>' % (i, i) for i in range(25_000)
    )
    return rebuild({"xl/workbook.xml": _workbook(names)}, padding=0)


def shared_strings() -> bytes:
    """205,000 shared strings in one part just under a megabyte."""
    sst = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + b"<si/>" * 205_000
        + b"</sst>"
    )
    return rebuild({"xl/sharedStrings.xml": sst})


def deep_nesting() -> bytes:
    """A sheet nested 100,000 levels deep (recursive parsers run out of stack)."""
    depth = 100_000
    return rebuild({"xl/worksheets/sheet1.xml": _sheet(b"<a>" * depth + b"</a>" * depth)})


def doctype_entities() -> bytes:
    """A billion-laughs entity expansion in the shared strings."""
    lol = b'<!ENTITY a0 "hahahahahahahahahaha">' + b"".join(
        b'<!ENTITY a%d "%s">' % (i, b"&a%d;" % (i - 1) * 10) for i in range(1, 10)
    )
    sst = (
        b'<?xml version="1.0"?><!DOCTYPE sst [' + lol + b"]>"
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<si><t>&a9;</t></si></sst>"
    )
    return rebuild({"xl/sharedStrings.xml": sst})


def zip_ratio() -> bytes:
    """100 MB of zeros in one sheet: about 100 KB deflated."""
    return rebuild({"xl/worksheets/sheet1.xml": b"0" * (100 * 1024 * 1024)}, padding=0)


def lying_size() -> bytes:
    """A part that inflates to 40 MB while its headers say 1 KB."""
    data = bytearray(rebuild({"xl/worksheets/sheet2.xml": b"<a/>" * (10 * 1024 * 1024)}, padding=0))
    name = b"xl/worksheets/sheet2.xml"
    true_size = (10 * 1024 * 1024 * 4).to_bytes(4, "little")
    for header, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # local, central
        start = 0
        while (start := data.find(header, start)) != -1:
            length_at = 26 if header == b"PK\x03\x04" else 28
            name_length = int.from_bytes(data[start + length_at : start + length_at + 2], "little")
            name_at = start + (30 if header == b"PK\x03\x04" else 46)
            if data[name_at : name_at + name_length] == name:
                assert data[start + offset : start + offset + 4] == true_size
                data[start + offset : start + offset + 4] = (1024).to_bytes(4, "little")
            start += 4
    return bytes(data)


def wide_row() -> bytes:
    """One row of 50,000 cells: openpyxl builds every cell of a row it reads."""
    return rebuild({"xl/worksheets/sheet1.xml": _sheet(b"<row>" + b"<c/>" * 50_000 + b"</row>")})


def many_elements() -> bytes:
    """Six parts of 900 KB of <a/>: no part passes a limit, the file passes the budget."""
    parts = {f"customXml/item{i}.xml": b"<r>" + b"<a/>" * 225_000 + b"</r>" for i in range(6)}
    return rebuild(parts)


def many_entries() -> bytes:
    return rebuild({}, extra=[(f"xl/x/{i}.bin", b"") for i in range(1_200)], padding=40_000)


def duplicate_entry() -> bytes:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
        return rebuild({}, extra=[("xl/workbook.xml", b"<workbook/>")])


def encrypted_entry() -> bytes:
    data = bytearray(rebuild({}))
    start = 0
    for header, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (start := data.find(header, start)) != -1:
            data[start + flags_at] |= 0x1
            start += 4
    return bytes(data)


# name: (builder, words the refusal names)
BOMBS: dict[str, tuple[Callable[[], bytes], tuple[str, ...]]] = {
    "styles-xf-dense": (styles_xf_dense, ("zip-bomb",)),
    "styles-xf": (styles_xf, ("cellXfs",)),
    "styles-xf-varied": (styles_xf_varied, ("cellXfs",)),
    "defined-names": (defined_names, ("definedNames",)),
    "shared-strings": (shared_strings, ("sharedStrings",)),
    "deep-nesting": (deep_nesting, ("nivåer",)),
    "doctype-entities": (doctype_entities, ("DOCTYPE",)),
    "zip-ratio": (zip_ratio, ("zip-bomb",)),
    "lying-size": (lying_size, ("skadad",)),
    "wide-row": (wide_row, ("celler",)),
    "many-elements": (many_elements, ("XML-element",)),
    "many-entries": (many_entries, ("delar",)),
    "duplicate-entry": (duplicate_entry, ("två gånger",)),
    "encrypted-entry": (encrypted_entry, ("krypterad",)),
}
