"""What a reader of a printed report needs, checked on the PDF itself.

Text boxes come from poppler's `pdftotext -bbox` (words with their boxes, in reading order),
embedded fonts from `pdffonts`, and the size every glyph is drawn at from pdfminer.six (the
text matrix times the font size, so shrink-to-fit shows up as small text).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

A4 = (595.28, 841.89)  # points
TOLERANCE = 1.0  # points: rounding in the PDF producers


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float
    words: list[Word]


class _BBoxParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.pages: list[Page] = []
        self._word: dict[str, float] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("page", "word"):
            return
        values = {k: float(v) for k, v in attrs if v is not None}
        if tag == "page":
            self.pages.append(Page(len(self.pages) + 1, values["width"], values["height"], []))
        elif tag == "word":
            self._word = values

    def handle_data(self, data: str) -> None:
        if self._word is not None and self.pages:
            w, data = self._word, data.strip()
            self.pages[-1].words.append(
                Word(self.pages[-1].number, data, w["xmin"], w["ymin"], w["xmax"], w["ymax"])
            )

    def handle_endtag(self, tag: str) -> None:
        if tag == "word":
            self._word = None


def tools_missing() -> list[str]:
    return [tool for tool in ("pdftotext", "pdffonts", "pdftoppm") if shutil.which(tool) is None]


def pages(pdf: Path) -> list[Page]:
    out = subprocess.run(
        ["pdftotext", "-bbox", "-enc", "UTF-8", str(pdf), "-"],
        check=True,
        capture_output=True,
        timeout=120,
    ).stdout.decode("utf-8")
    parser = _BBoxParser()
    parser.feed(out)
    return parser.pages


def not_a4(all_pages: list[Page]) -> list[str]:
    wrong = []
    for p in all_pages:
        size = sorted((p.width, p.height))
        if abs(size[0] - A4[0]) > TOLERANCE or abs(size[1] - A4[1]) > TOLERANCE:
            wrong.append(f"page {p.number}: {p.width:.1f} × {p.height:.1f} pt")
    return wrong


def _side_by_side(a: Word, b: Word, dx: float) -> bool:
    """Two lines of one turned (bottom-to-top) header: boxes exactly one line wide, taller
    than wide, overlapping across by a sliver as the lines of a paragraph do."""
    width = a.x1 - a.x0
    tall = min(a.y1 - a.y0, b.y1 - b.y0) >= width
    return abs(width - (b.x1 - b.x0)) < 0.05 and tall and dx < 0.3 * width


def overlaps(all_pages: list[Page]) -> list[str]:
    """Words whose boxes overlap, or that touch on one line (cells run together)."""
    found = []
    for p in all_pages:
        # Leader dots in a table of contents are decoration drawn glyph by glyph.
        words = sorted((w for w in p.words if w.text.strip(".")), key=lambda w: w.y0)
        for i, a in enumerate(words):
            for b in words[i + 1 :]:
                if b.y0 >= a.y1:
                    break
                dy = min(a.y1, b.y1) - max(a.y0, b.y0)
                dx = min(a.x1, b.x1) - max(a.x0, b.x0)
                # Word boxes span the font's full ascent and descent, so the lines of one
                # paragraph share a sliver; text over text covers much more than that.
                line_share = 0.3 * min(a.y1 - a.y0, b.y1 - b.y0)
                if dy > line_share and dx > -0.5 and not _side_by_side(a, b, dx):
                    found.append(f"page {p.number}: {a.text!r} / {b.text!r}")
    return found


RUN_TOGETHER = re.compile(
    r"\d{4}-\d{2}-\d{2}[^\s,.;:)–-]"  # a date glued to the next cell
    r"|[a-zåäö]{3}[A-ZÅÄÖ][a-zåäö]{2}"  # two words glued across cells ("NummerDelförmåga")
)


def run_together(all_pages: list[Page]) -> list[str]:
    """Text of two cells read as one word: '2026-10-153 Utvecklad', 'NummerDelförmåga'."""
    return [
        f"page {w.page}: {w.text!r}"
        for p in all_pages
        for w in p.words
        if RUN_TOGETHER.search(w.text)
    ]


def not_embedded(pdf: Path) -> list[str]:
    out = subprocess.run(
        ["pdffonts", str(pdf)], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    lines = out.splitlines()[2:]
    fonts = []
    for line in lines:
        # name type encoding emb sub uni object ID: 'emb' is the 5th field from the right.
        fields = line.split()
        if len(fields) >= 6 and fields[-5] != "yes":
            fonts.append(line)
    return fonts


def font_names(pdf: Path) -> set[str]:
    out = subprocess.run(
        ["pdffonts", str(pdf)], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    return {line.split()[0].split("+")[-1] for line in out.splitlines()[2:] if line.strip()}


def smallest_font(pdf: Path) -> tuple[float, str]:
    """The smallest size any visible glyph is drawn at, and the text it belongs to."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar, LTContainer, LTItem

    smallest, where = 1000.0, ""

    def walk(item: LTItem, page: int) -> None:
        nonlocal smallest, where
        if isinstance(item, LTChar):
            # pdfminer measures the box across the line; for rotated text (a chart's axis
            # title) the glyph's height is the box's width.
            _a, _b, c, d, _e, _f = item.matrix
            size = item.width if abs(c) > abs(d) else item.height
            if item.get_text().strip() and size < smallest:
                smallest, where = size, f"page {page}: {item.get_text()!r}"
        elif isinstance(item, LTContainer):
            for child in item:
                walk(child, page)

    for number, layout in enumerate(extract_pages(str(pdf)), start=1):
        walk(layout, number)
    return smallest, where


def text_stream(all_pages: list[Page]) -> str:
    return " ".join(w.text for p in all_pages for w in p.words)


def in_reading_order(stream: str, needles: list[str]) -> list[str]:
    """Needles missing from the text, or found only before the previous one."""
    problems, position = [], 0
    for needle in needles:
        pattern = r"(?<![\w.])" + r"\s+".join(map(re.escape, needle.split())) + r"(?![\w])"
        match = re.compile(pattern).search(stream, position)
        if match is None:
            problems.append(needle)
        else:
            position = match.end()
    return problems


def render_pngs(pdf: Path, prefix: Path, resolution: int = 60) -> list[Path]:
    subprocess.run(
        ["pdftoppm", "-r", str(resolution), "-png", str(pdf), str(prefix)],
        check=True,
        timeout=300,
    )
    return sorted(prefix.parent.glob(prefix.name + "*.png"))


def office_to_pdf(soffice: str, source: Path) -> Path:
    """Print a workbook or Word file to PDF with LibreOffice, next to the source, as a reader
    opening it would; a profile of its own beside it, so parallel runs do not share one."""
    folder = source.parent
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{folder}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return source.with_suffix(".pdf")
