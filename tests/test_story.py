"""The story as an editor reads it: a lead that shows, a chart in every first screen, an ending, the sidelines last.

The source checks are fast (they read ``_toc.yml`` and the chapters); the browser checks open the built site
in Chromium at a desktop and a phone size, network cut, and save what they saw to test-output/screenshots/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SIZES = {"phone": (375, 812), "desktop": (1440, 900)}
SHOTS = ROOT / "test-output" / "screenshots"
#: A standfirst longer than this pushes the lead chart out of a phone's first screen.
STANDFIRST_MAX_WORDS = 60


def toc_parts() -> dict[str, list[str]]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return {part["caption"]: [entry["file"] for entry in part["chapters"]] for part in toc["parts"]}


def chapters() -> list[Path]:
    """Every page of the story and the sidelines that is a notebook, plus the landing page."""
    parts = toc_parts()
    files = ["book/index"] + parts["The story"]
    return [ROOT / f"{name}.md" for name in files if (ROOT / f"{name}.md").read_text().startswith("---\njupytext")]


def test_the_story_ends_on_its_verdict_and_nothing_sits_beside_it():
    parts = toc_parts()
    story = parts["The story"]
    assert story[-1] == "book/ending" and story[-2] == "notebooks/07-is-the-bet-working"
    assert list(parts) == ["The story", "About this explainer"]  # no sidelines: every page serves the story
    ending = (ROOT / "book/ending.md").read_text(encoding="utf-8")
    assert "## What to watch" in ending
    assert ending.count("```{code-cell}") >= 1  # the verdict's chart: money against outcomes


@pytest.mark.parametrize("page", chapters(), ids=lambda p: p.stem)
def test_each_page_opens_with_a_short_standfirst_then_its_lead_chart(page):
    text = page.read_text(encoding="utf-8")
    body = text.split("---\n", 2)[2]
    title = re.search(r"^# .+$", body, re.M)
    standfirst = re.search(r"\n\*\*(.+?)\*\*\n", body[title.end():], re.S)
    assert standfirst and body[title.end():title.end() + standfirst.start()].strip() == "", \
        f"{page.name}: the paragraph after the title must be the bold standfirst"
    words = len(re.sub(r"\{claim\}`[^`]+`", "X", standfirst.group(1)).split())
    assert words <= STANDFIRST_MAX_WORDS, f"{page.name}: standfirst of {words} words; at most {STANDFIRST_MAX_WORDS}"
    after = body[title.end() + standfirst.end():]
    cells = list(re.finditer(r"```\{code-cell\}[^\n]*\n:tags: \[(remove-cell|remove-input)\]\n.*?\n```\n", after, re.S))
    lead = next(c for c in cells if c.group(1) == "remove-input")
    between = after[:lead.start()]
    for hidden in (c for c in cells if c.end() <= lead.start()):
        between = between.replace(hidden.group(0), "")
    assert between.strip() == "", f"{page.name}: only hidden setup cells may stand between the standfirst and " \
        f"the lead chart, found {between.strip()[:80]!r}"


def test_a_converted_figure_reads_no_more_precise_than_its_rate():
    from datastory.claims import readings

    derived = readings()["compute-bytedance-plan-usd-derived"]
    assert derived.status == "derived" and derived.text == "$21 billion"  # 150bn yuan at one day's rate
    assert readings()["ai-fund-cny"].text == "60.06 billion yuan"  # a stated figure keeps its digits


# --- In the browser -------------------------------------------------------------------------------------------


def _open(chromium, base, path, size):
    width, height = SIZES[size]
    context = chromium.new_context(viewport={"width": width, "height": height}, is_mobile=size == "phone",
                                   has_touch=size == "phone")
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
    page = context.new_page()
    page.goto(f"{base}/{path}")
    page.wait_for_load_state("networkidle")
    return context, page


FIRST_SCREEN = """() => {
  const figure = document.querySelector('figure.ds-chart');
  const standfirst = [...document.querySelectorAll('p')]
    .find(p => p.children.length === 1 && p.firstElementChild.tagName === 'STRONG');
  if (!figure || !standfirst) return null;
  const drawn = [...figure.querySelectorAll('.ds-chart__view svg, .ds-chart__view canvas, .ds-chart__view img')]
    .find(e => e.getClientRects().length > 0);  // the picture or live view this screen shows
  return {figureTop: figure.getBoundingClientRect().top, standfirstBottom: standfirst.getBoundingClientRect().bottom,
          drawnTop: drawn ? drawn.getBoundingClientRect().top : null, height: innerHeight};
}"""


@pytest.mark.browser
@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("page_path", [f"{p.relative_to(ROOT).with_suffix('.html').as_posix()}" for p in chapters()],
                         ids=lambda p: Path(p).stem)
def test_the_lead_chart_is_in_the_first_screen(chromium, base, page_path, size):
    context, page = _open(chromium, base, page_path, size)
    try:
        page.wait_for_selector("figure.ds-chart .ds-chart__view :is(svg, canvas, img):visible", timeout=5000)
        seen = page.evaluate(FIRST_SCREEN)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"first-screen-{Path(page_path).stem}-{size}.png"))
    finally:
        context.close()
    assert seen is not None, f"{page_path}: no standfirst or no chart"
    assert seen["figureTop"] - seen["standfirstBottom"] < 80, f"{page_path}: something stands between " \
        f"standfirst and lead chart ({seen})"
    assert seen["drawnTop"] is not None and seen["drawnTop"] < 0.65 * seen["height"], \
        f"{page_path} at {size}: the lead chart starts at {seen['drawnTop']:.0f} px of {seen['height']} ({seen})"


@pytest.mark.browser
def test_the_landing_page_leads_with_numbers_and_chapters_as_cards(chromium, base, built_site):
    context, page = _open(chromium, base, "book/index.html", "desktop")
    try:
        numbers = page.locator(".ds-number-cards .ds-number-card")
        assert numbers.count() >= 5
        for index in range(numbers.count()):
            card = numbers.nth(index)
            assert card.locator("a.claim").count() >= 1, "each key number is a claim from the ledger"
            assert card.locator(".ds-card-certainty").inner_text().startswith("Certainty: ")
            assert "/notebooks/" in card.locator(".ds-card-link a").get_attribute("href")
        assert numbers.locator(".claim-qualifier").count() >= 1, "a non-reported figure shows its certainty marker"
        cards = page.locator("a.ds-chapter-card")
        parts = toc_parts()
        assert cards.count() == len(parts["The story"])
        thumbs = page.locator("a.ds-chapter-card img.ds-card-thumb")
        assert thumbs.count() == cards.count()  # every chapter, and the ending, leads with a chart
        site = built_site / "_build" / "html" / "book"
        for index in range(thumbs.count()):
            src = thumbs.nth(index).get_attribute("src")
            assert (site / src).resolve().is_file(), f"thumbnail {src} was not written"
        page.locator(".ds-chapter-cards").first.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "landing-desktop-full.png"), full_page=True)
    finally:
        context.close()
