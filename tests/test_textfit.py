"""The character widths the workbook sizes its rows with, checked against the font itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from capabilities.reports.textfit import WIDTHS, fits, lines, room, text_width

FONTS = Path("/usr/share/fonts/truetype/liberation2")


@pytest.mark.parametrize(("bold", "style"), [(False, "Regular"), (True, "Bold")])
def test_widths_are_the_fonts_advance_widths(bold: bool, style: str) -> None:
    """Liberation Sans is metric-equal to Arial and is what LibreOffice prints with."""
    from fontTools.ttLib import TTFont

    path = FONTS / f"LiberationSans-{style}.ttf"
    if not path.exists():
        pytest.skip(f"{path} not installed (fonts-liberation2)")
    font = TTFont(path)
    cmap, metrics = font.getBestCmap(), font["hmtx"]
    per_em = font["head"].unitsPerEm
    wrong = {
        char: (width, round(metrics[cmap[ord(char)]][0] * 1000 / per_em))
        for char, width in WIDTHS[bold].items()
        if width != round(metrics[cmap[ord(char)]][0] * 1000 / per_em)
    }
    assert wrong == {}


def test_lines_wrap_at_spaces_and_break_only_words_wider_than_the_column() -> None:
    assert lines("kort", 10) == 1
    word = "a" * 40  # 40 × 5.56 pt = 222 pt: more than three lines of a 12-unit column
    assert text_width(word) > 3 * room(12)
    assert lines(word, 12) == 4
    assert lines("rad ett\nrad två", 30) == 2
    # LibreOffice printed this line of the gaps sheet 186.8 pt wide in its 36-unit column,
    # and put the next word on the next line.
    line = "Robust lagerhållning avseende hälso- och"
    assert abs(text_width(line) - 186.8) < 1
    assert lines(line, 36) == 1
    assert lines(f"{line} sjukvårdens", 36) == 2
    assert lines("\ufffd" * 3, 4) >= 1  # unknown characters count as the widest


def test_a_header_word_fits_or_not() -> None:
    assert fits("Nummer", 8, bold=True)
    assert not fits("Delförmågor", 10, bold=True)  # it printed "Delförmåg/or"
    assert fits("Delförmågor", 11.5, bold=True)
