"""Diary-number parsing: every form printed in the seeds, and malformed input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from capabilities.dnr import DnrError, ministry_for, normalise_dnr, parse_dnr_list

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


@pytest.mark.parametrize(
    ("printed", "normalised"),
    [
        ("S2022/04550", "S2022/04550"),
        ("KN 2023/03646", "KN2023/03646"),
        ("KN2023/03908", "KN2023/03908"),
        ("2021/08235", "S2021/08235"),
        ("LI2023/02842", "LI2023/02842"),
        ("N2021/02613", "N2021/02613"),
        ("S2020/01233/FS", "S2020/01233/FS"),
        ("S2015/3628/FS", "S2015/3628/FS"),
        ("S2010/02474/FH", "S2010/02474/FH"),
        ("Ju2022/01209/SSK", "Ju2022/01209/SSK"),
        (" s2022/04550 ", "S2022/04550"),
        ("ju2022/01209/ssk", "Ju2022/01209/SSK"),
        ("S2022/ 03176", "S2022/03176"),
    ],
)
def test_normalises_printed_forms(printed: str, normalised: str) -> None:
    assert normalise_dnr(printed) == normalised


@pytest.mark.parametrize(
    ("text", "message_part"),
    [
        ("", "saknas"),
        ("   ", "saknas"),
        ("S2022", "inte ett giltigt diarienummer"),
        ("S2022/", "inte ett giltigt diarienummer"),
        ("S2022/12", "inte ett giltigt diarienummer"),
        ("S2022/1234567", "inte ett giltigt diarienummer"),
        ("Q2022/04550", "Okänt departementsprefix"),
        ("S1899/04550", "Årtalet 1899"),
        ("S2022/00000", "noll"),
        ("S2022/04550; DROP TABLE", "inte ett giltigt diarienummer"),
        ("S" * 50, "för långt"),
    ],
)
def test_rejects_malformed_with_swedish_message(text: str, message_part: str) -> None:
    with pytest.raises(DnrError) as info:
        normalise_dnr(text)
    assert message_part in info.value.message


def test_every_dnr_in_the_seeds_parses() -> None:
    pattern = re.compile(r"\b(?:S|KN|LI|N|Ju|Fi)? ?\d{4}/\d{4,5}(?:/[A-Z]+)?")
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    if not texts:
        pytest.skip("seed documents not present next to the checkout")
    found = {m.group(0).strip() for text in texts for m in pattern.finditer(text)}
    found = {f for f in found if not re.fullmatch(r"\d{4}/\d{4}", f)}  # "2311/2022" style refs
    assert len(found) > 40
    for printed in found:
        assert re.fullmatch(r"[A-Z][a-z]?[A-Z]?\d{4}/\d{4,5}(/[A-Z]+)?", normalise_dnr(printed))


def test_parse_list_with_partial_marks() -> None:
    parsed = parse_dnr_list("S2021/06172 (delvis), S2023/02105 (delvis)")
    assert [p.number for p in parsed] == ["S2021/06172", "S2023/02105"]
    assert all(p.is_partial for p in parsed)
    mixed = parse_dnr_list("KN 2023/03646; KN 2023/01462 (delvis)")
    assert [(p.number, p.is_partial) for p in mixed] == [
        ("KN2023/03646", False),
        ("KN2023/01462", True),
    ]


def test_ministry_from_prefix() -> None:
    assert ministry_for("S2022/04550") == "Socialdepartementet"
    assert ministry_for("KN2023/03646") == "Klimat- och näringslivsdepartementet"
    assert ministry_for("LI2023/02842") == "Landsbygds- och infrastrukturdepartementet"
    assert ministry_for("Ju2022/01209/SSK") == "Justitiedepartementet"
    assert ministry_for("2022/1") is None
