"""How many lines a text wraps to in a spreadsheet column, from Arial's character widths.

Neither LibreOffice nor Excel grows a wrapped row when it opens a file, so the workbook sets
every row's height itself. Counting characters per column unit had to assume wide letters
everywhere and made rows about a third taller than their text (a printed sheet of mostly blank
space); measuring the text with Arial's advance widths gives rows of their natural height.
The widths are Arial's (metric-equal Liberation Sans, which LibreOffice prints with), in
thousandths of an em; tests/test_textfit.py checks them against the installed font.
"""

from __future__ import annotations

from functools import cache, lru_cache

_REGULAR = {
    191: "'",
    222: "ijl‘’",
    260: "|",
    278: " !,./:;I[\\]ftÍí",
    333: "()-`r“”",
    334: "{}",
    350: "•",
    355: '"',
    389: "*",
    400: "°",
    469: "^",
    500: "Jcksvxyzç",
    556: "#$0123456789?L_abdeghnopquåäöéèüñáóúêô–§«»€",
    584: "+<=>~×",
    611: "FTZøß",
    667: "&ABEKPSVXYÅÄÉÈÁÊ",
    722: "CDHNRUwÜÑÇÚ",
    778: "GOQÖØÓÔ",
    833: "Mm",
    834: "½",
    889: "%æ",
    944: "W",
    1000: "Æ—…",
    1015: "@",
}
_BOLD = {
    238: "'",
    278: " ,./I\\ijlÍí‘’",
    280: "|",
    333: "!()-:;[]`ft",
    350: "•",
    389: "*r{}",
    400: "°",
    474: '"',
    500: "z“”",
    556: "#$0123456789J_aceksvxyåäéèçáê–§«»€",
    584: "+<=>^~×",
    611: "?FLTZbdghnopquöüøñßóúô",
    667: "EPSVXYÉÈÊ",
    722: "&ABCDHKNRUÅÄÜÑÇÁÚ",
    778: "GOQwÖØÓÔ",
    833: "M",
    834: "½",
    889: "%mæ",
    944: "W",
    975: "@",
    1000: "Æ—…",
}
WIDTHS = {
    False: {char: width for width, chars in _REGULAR.items() for char in chars},
    True: {char: width for width, chars in _BOLD.items() for char in chars},
}
UNKNOWN = 1015  # a character outside the table: as wide as the widest, never too narrow

# LibreOffice makes a column of width w (in digit widths) w × 5.56 pt wide and indents text
# by about 2.5 pt: a little is kept back. Excel's column is about 5 % narrower on screen.
POINTS_PER_UNIT = 5.5
PADDING = 3.0


def text_width(text: str, size: float = 10, bold: bool = False) -> float:
    """Printed width of a text in points."""
    table = WIDTHS[bold]
    return sum(table.get(char, UNKNOWN) for char in text) * size / 1000


@lru_cache(maxsize=65536)
def _word_width(word: str, size: float, bold: bool) -> float:
    # Words repeat across a register's rows: measured once each, a large export stays fast.
    return text_width(word, size, bold)


@cache
def room(width: float) -> float:
    """Points of text a column of `width` units holds on a line."""
    return max(width * POINTS_PER_UNIT - PADDING, 1.0)


def lines(text: str, width: float, size: float = 10, bold: bool = False) -> int:
    """Lines the text wraps to in a column `width` units wide: greedy at spaces, as
    spreadsheets wrap; a word wider than the column is broken inside itself."""
    available = room(width)
    if len(text) * UNKNOWN * size / 1000 <= available and "\n" not in text:
        return 1  # short enough whatever its letters: the common case, not measured
    space = _word_width(" ", size, bold)
    total = 0
    for part in text.split("\n"):
        count, used = 1, 0.0
        for word in part.split():
            size_of_word = _word_width(word, size, bold)
            if used and used + space + size_of_word > available:
                count, used = count + 1, 0.0
            while size_of_word > available:  # broken inside itself
                count += 1
                size_of_word -= available
            used = used + space + size_of_word if used else size_of_word
        total += count
    return total


def fits(word: str, width: float, size: float = 10, bold: bool = False) -> bool:
    """Whether a word fits on one line of the column (a header never breaks inside a word)."""
    return text_width(word, size, bold) <= room(width)


def turned_height(label: str) -> float:
    """A turned header wraps onto two lines (a narrow column holds two): the row is as tall
    as the longer half, split at the space that balances them best."""
    words = label.split()
    halves = [
        max(text_width(" ".join(words[:i]), bold=True), text_width(" ".join(words[i:]), bold=True))
        for i in range(1, len(words))
    ] or [text_width(label, bold=True)]
    return min(halves) + 2 * PADDING + 4
