"""Upload limits: what an uploaded workbook may cost, checked before openpyxl sees it.

openpyxl builds an object for every style, defined name and shared string it reads, so a
small file could cost gigabytes: a 77 KB workbook repeating `<xf/>` in styles.xml took 720 MB
and 16 s, a 780 KB definedNames bomb 1.9 GB. `check_workbook` therefore looks at the file
first, in bounded memory and time: the zip directory (entries, declared sizes, compression
ratio, encryption, duplicates), then every part decompressed as a stream with a cap, and every
XML part counted element by element with expat (no DOCTYPE, so no entities; limited depth;
limits per kind of element; one element budget for the whole file). The first limit passed
ends the check with a Swedish message that names it.

Every upload of a workbook goes through here (importers.status_workbook.open_workbook:
the web import, its confirmation, the round import and `formaga import`); a guard test in
tests/test_upload_limits.py fails when openpyxl is called on uploaded data anywhere else.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections import Counter
from typing import Any
from xml.parsers import expat

from capabilities.i18n import N_, Message

MIB = 1024 * 1024
MAX_FILE_BYTES = 10 * MIB
MAX_ENTRIES = 1_000
MAX_UNCOMPRESSED_BYTES = 100 * MIB  # all parts together
MAX_PART_BYTES = 50 * MIB
MAX_SHARED_STRINGS_BYTES = 20 * MIB
# An export compresses about 11:1 (its largest part 14:1); parts under a megabyte may be anything.
MAX_COMPRESSION_RATIO = 100
SMALL_PART_BYTES = 1 * MIB
# An export of the register (ten years of history) has about 75,000 XML elements in all;
# expat counts half a million in about half a second.
MAX_XML_ELEMENTS = 500_000
MAX_XML_DEPTH = 64
MAX_CELLS_PER_ROW = 2_000
CHUNK = 64 * 1024

# (parent, element): how many one part may hold, and what they are called in the message.
COUNTED: dict[tuple[str, str], tuple[int, Message]] = {
    ("cellXfs", "xf"): (20_000, N_("cellformat (cellXfs)")),
    ("cellStyleXfs", "xf"): (5_000, N_("formatmallar (cellStyleXfs)")),
    ("cellStyles", "cellStyle"): (5_000, N_("cellformatmallar (cellStyles)")),
    ("fonts", "font"): (5_000, N_("teckensnitt (fonts)")),
    ("fills", "fill"): (5_000, N_("fyllningar (fills)")),
    ("borders", "border"): (5_000, N_("kantlinjer (borders)")),
    ("numFmts", "numFmt"): (2_000, N_("talformat (numFmts)")),
    ("dxfs", "dxf"): (5_000, N_("villkorsformat (dxfs)")),
    ("definedNames", "definedName"): (1_000, N_("definierade namn (definedNames)")),
    ("sheets", "sheet"): (500, N_("blad (sheets)")),
    ("sst", "si"): (200_000, N_("delade texter (sharedStrings)")),
    ("sheetData", "row"): (100_000, N_("rader")),
}

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted xlsx and old .xls


class UploadRefused(Exception):
    """The upload passes a limit; `message` (Swedish, translatable) names which."""

    def __init__(self, message: Message) -> None:
        self.message = message
        super().__init__(message)


def check_workbook(data: bytes) -> None:
    """Raise UploadRefused unless `data` is an .xlsx that stays within every limit above."""
    if len(data) > MAX_FILE_BYTES:
        raise UploadRefused(
            N_(
                "Filen är för stor (%(size)s kB). Högst %(limit)s MB tillåts.",
                size=len(data) // 1024,
                limit=MAX_FILE_BYTES // MIB,
            )
        )
    if data.startswith(_OLE_MAGIC):
        raise UploadRefused(
            N_(
                "Filen är lösenordsskyddad eller i det gamla .xls-formatet. "
                "Ta bort lösenordet och spara som Excel-arbetsbok (.xlsx)."
            )
        )
    if not data.startswith(b"PK"):
        raise UploadRefused(N_("Filen är inte en Excel-arbetsbok (.xlsx)."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            _check_directory(infos, len(data))
            budget = _Budget(min(MAX_UNCOMPRESSED_BYTES, MAX_COMPRESSION_RATIO * len(data)))
            for info in infos:
                _check_part(archive, info, budget)
    except UploadRefused:
        raise
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, ValueError, EOFError) as exc:
        # a damaged directory or stream, a bad CRC, a zip feature Python can't read
        raise _damaged() from exc
    except RuntimeError as exc:  # zipfile: "File is encrypted, password required"
        raise _damaged() from exc


def _damaged() -> UploadRefused:
    return UploadRefused(N_("Filen är skadad och kan inte läsas som .xlsx."))


def _zip_bomb(part: str | None = None) -> UploadRefused:
    if part is None:
        return UploadRefused(
            N_("Filen packas upp till orimligt mycket data och avvisas (möjlig zip-bomb).")
        )
    return UploadRefused(
        N_(
            "Delen %(part)s packas upp till orimligt mycket data och avvisas (möjlig zip-bomb).",
            part=part,
        )
    )


def _check_directory(infos: list[zipfile.ZipInfo], file_bytes: int) -> None:
    """What the zip's own directory says, before anything is decompressed."""
    if len(infos) > MAX_ENTRIES:
        raise UploadRefused(
            N_(
                "Filen består av %(count)s delar; högst %(limit)s tillåts.",
                count=len(infos),
                limit=MAX_ENTRIES,
            )
        )
    names: set[str] = set()
    for info in infos:
        if info.filename in names:
            raise UploadRefused(N_("Delen %(part)s finns två gånger i filen.", part=info.filename))
        names.add(info.filename)
        if info.flag_bits & 0x1:
            raise UploadRefused(
                N_(
                    "Filen är krypterad (delen %(part)s). Spara arbetsboken utan lösenord.",
                    part=info.filename,
                )
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _damaged()
        if info.file_size > MAX_PART_BYTES:
            raise _zip_bomb(info.filename)
        ratio_limit = MAX_COMPRESSION_RATIO * max(info.compress_size, 1)
        if info.file_size > SMALL_PART_BYTES and info.file_size > ratio_limit:
            raise _zip_bomb(info.filename)
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED_BYTES or total > MAX_COMPRESSION_RATIO * max(file_bytes, 1):
        raise _zip_bomb()
    if "xl/workbook.xml" not in names:
        raise UploadRefused(N_("Filen är inte en Excel-arbetsbok (.xlsx)."))


class _Budget:
    """What the whole file may still decompress to, in bytes and XML elements."""

    def __init__(self, bytes_left: int) -> None:
        self.bytes_left = bytes_left
        self.elements_left = MAX_XML_ELEMENTS


def _check_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget) -> None:
    """Decompress one part as a stream, never past its declared size or the file's budget;
    XML parts (whatever their name: openpyxl finds parts through the manifest) are counted."""
    seen = 0
    xml: _XmlCheck | None = None
    with archive.open(info) as stream:
        while chunk := stream.read(CHUNK):
            if seen == 0 and _looks_like_xml(chunk):
                xml = _XmlCheck(info.filename, budget)
            seen += len(chunk)
            budget.bytes_left -= len(chunk)
            if seen > info.file_size or seen > MAX_PART_BYTES or budget.bytes_left < 0:
                raise _zip_bomb(info.filename)
            if xml is not None:
                xml.feed(chunk)
                if xml.root == "sst" and seen > MAX_SHARED_STRINGS_BYTES:
                    raise UploadRefused(
                        N_(
                            "De delade texterna (%(part)s) är större än %(limit)s MB.",
                            part=info.filename,
                            limit=MAX_SHARED_STRINGS_BYTES // MIB,
                        )
                    )
    if xml is not None:
        xml.close()


def _looks_like_xml(head: bytes) -> bool:
    """What an XML parser would read: '<' after an optional BOM and blanks, or UTF-16."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    return head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n").startswith(b"<")


class _XmlCheck:
    """One part through expat: no DOCTYPE (hence no entities), bounded depth and counts."""

    def __init__(self, part: str, budget: _Budget) -> None:
        self.part = part
        self.budget = budget
        self.stack: list[str] = []
        self.counts: Counter[tuple[str, str]] = Counter()
        self.cells_in_row = 0
        self.root: str | None = None
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self._doctype
        parser.EntityDeclHandler = self._doctype
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.ordered_attributes = True  # a list per element is cheaper than a dict
        self.parser = parser

    def feed(self, chunk: bytes, final: bool = False) -> None:
        try:
            self.parser.Parse(chunk, final)
        except expat.ExpatError as exc:
            raise UploadRefused(
                N_(
                    "Delen %(part)s är inte giltig XML (rad %(line)s). Filen är skadad.",
                    part=self.part,
                    line=exc.lineno,
                )
            ) from exc

    def close(self) -> None:
        self.feed(b"", final=True)

    def _doctype(self, *_args: Any) -> None:
        raise UploadRefused(
            N_(
                "Delen %(part)s innehåller en dokumenttypdeklaration (DOCTYPE/ENTITY), "
                "som en Excel-arbetsbok aldrig har.",
                part=self.part,
            )
        )

    def _start(self, name: str, _attributes: list[str]) -> None:
        local = name[name.rfind(" ") + 1 :]
        stack = self.stack
        if len(stack) >= MAX_XML_DEPTH:
            raise UploadRefused(
                N_(
                    "Delen %(part)s är nästlad djupare än %(limit)s nivåer.",
                    part=self.part,
                    limit=MAX_XML_DEPTH,
                )
            )
        self.budget.elements_left -= 1
        if self.budget.elements_left < 0:
            raise UploadRefused(
                N_(
                    "Filen innehåller fler än %(limit)s XML-element (i delen %(part)s "
                    "gick gränsen). Det är långt mer än en export från registret.",
                    limit=MAX_XML_ELEMENTS,
                    part=self.part,
                )
            )
        parent = stack[-1] if stack else ""
        if not stack:
            self.root = local
        key = (parent, local)
        if key in COUNTED:
            self.counts[key] += 1
            limit, what = COUNTED[key]
            if self.counts[key] > limit:
                raise UploadRefused(
                    N_(
                        "Delen %(part)s innehåller fler än %(limit)s %(what)s.",
                        part=self.part,
                        limit=limit,
                        what=what,
                    )
                )
            if local == "row":
                self.cells_in_row = 0
        elif local == "c" and parent == "row":
            self.cells_in_row += 1
            if self.cells_in_row > MAX_CELLS_PER_ROW:
                raise UploadRefused(
                    N_(
                        "En rad i delen %(part)s har fler än %(limit)s celler.",
                        part=self.part,
                        limit=MAX_CELLS_PER_ROW,
                    )
                )
        stack.append(local)

    def _end(self, _name: str) -> None:
        self.stack.pop()
