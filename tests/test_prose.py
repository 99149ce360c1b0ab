"""Figures in prose come from claims: a chapter may not type a number by hand.

Digits are allowed in claim roles, in code cells, in years (1900-2099), in dates, in chapter
and phase numbers written as Roman numerals, and in model or product names (H20, Qwen3)
where a digit is glued to letters. Anything else is a hand-typed figure and fails.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted([*ROOT.glob("notebooks/*.md"), *ROOT.glob("book/*.md")])


def prose_of(text: str) -> str:
    text = re.sub(r"^---\n.*?\n---\n", "", text, count=1, flags=re.S)  # front matter
    text = re.sub(r"```.*?```", "", text, flags=re.S)  # code cells and directives
    text = re.sub(r"\{claim\}`[^`]*`", "", text)  # figures from claims
    text = re.sub(r"\]\([^)]*\)", "]", text)  # link targets
    text = re.sub(r"`[^`]*`", "", text)  # inline code: ids, file names, quoted forms
    text = re.sub(r"CC BY \d\.\d", "", text)  # a licence's name
    return text


HAND_TYPED = re.compile(
    r"(?<![\w.-])(?!(?:19|20)\d\d(?!\d))"  # not a year
    r"\d[\d,.]*(?![\w-])"  # a number standing alone (H20, Qwen3, 3-D are names)
)
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_no_hand_typed_figures_in_prose(page):
    prose = prose_of(page.read_text(encoding="utf-8"))
    prose = re.sub(rf"\b(?:{MONTHS})\s+\d{{1,2}}\b|\b\d{{1,2}}\s+(?:{MONTHS})\b", "", prose)  # dates
    found = [m.group(0) for m in HAND_TYPED.finditer(prose)]
    assert found == [], f"{page.relative_to(ROOT)} types figures by hand: {found}; use {{claim}}`id`"


def test_the_check_can_fail():
    assert HAND_TYPED.search(prose_of("It raised $8.5 billion last year.\n"))
    assert not HAND_TYPED.search(prose_of("In 2024, Nvidia's H20 ... {claim}`x` on July 14.\n").replace("July 14", ""))
