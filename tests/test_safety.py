"""Issue 15, safety: urgent signs, pain as a sarcoma sign, "deep", overstatements.

Every check reads the Markdown and CSV sources (no build needed) and looks for phrases
that carry the meaning, not for whole sentences, so that a plain-language rewrite keeps
passing as long as the safety content stays.
"""

from __future__ import annotations

import csv
import re

import pytest
from conftest import ROOT, cited, flat

FAQ = "chapters/faq.md"
CH3 = "chapters/03-differential.md"
CSV = "data/differential.csv"
#: The files this issue revised.
FILES = [
    FAQ,
    CH3,
    CSV,
    "intro.md",
    "chapters/01-terminology.md",
    "chapters/instructors.md",
    "chapters/glossary.md",
    "chapters/cases.md",  # the staged cases retell the red flags and the sarcoma signs
]

# The same-day signs. Each pattern names the sign in words a rewrite is likely to keep.
SAME_DAY_SIGNS = {
    "sciatica in both legs": r"\bboth legs\b|\bbilateral sciatica",
    "saddle numbness": r"(numb|sensation)[^.]{0,80}saddle|saddle[^.]{0,80}(numb|sensation)",
    "bladder sensation or trouble starting": (
        r"bladder[^.]{0,40}(feel|sensation)|(trouble|difficult\w*|hard)[^.]{0,25}"
        r"start\w*[^.]{0,25}(urin|pass)"
    ),
    "sexual dysfunction": r"\bsex(ual)?\b",
    "fever": r"\bfever",
}
EARLY_SIGNS = [k for k in SAME_DAY_SIGNS if k != "fever"]
INCONTINENCE = r"(loss of|lose|losing) control of (the |your )?(bladder|bowel)|incontinen"
# Fracture, infection and cancer: each needs all of its patterns somewhere in the section.
RISK_SIGNS = {
    "fracture": [r"trauma|injury|fall", r"steroid", r"older age|\bage\b"],
    "infection": [r"immun", r"(intravenous|injecting)[^.]{0,10}drug", r"injection|operation"],
    "cancer": [r"history of cancer", r"weight loss", r"\bnight\b"],
}


def read(path: str) -> str:
    """The current text of ``path`` in the book."""
    return (ROOT / path).read_text(encoding="utf-8")


def urgent_section(path: str) -> str:
    """The FAQ's urgent-signs answer, or chapter 3's "Red flags of the back"."""
    text = read(path)
    if path == FAQ:
        match = re.search(r"^## Which signs need urgent care\?\n(.*?)^## ", text, re.M | re.S)
    else:
        match = re.search(
            r"\*\*Red flags of the back\.\*\*(.*?)^:::\{admonition\}", text, re.M | re.S
        )
    assert match, f"{path}: no urgent-signs section"
    return match[1]


def same_day_block(path: str, section: str | None = None) -> str:
    """The part of the urgent section that asks for same-day care, up to the 'soon' part.

    ``section`` is the section's text when it comes from a built page, not the source.
    """
    section = flat(urgent_section(path) if section is None else section)
    start = re.search(r"same[- ]day|the same day", section, re.I)
    assert start, f"{path}: the urgent signs have no same-day group"
    rest = section[start.start() :]
    end = re.search(r"\bsoon\b|within (a few )?days|\bprompt", rest, re.I)
    assert end, f"{path}: no 'soon' group after the same-day group"
    return rest[: end.start()]


@pytest.mark.parametrize("path", [FAQ, CH3])
def test_same_day_group_names_every_sign(path):
    block = same_day_block(path)
    missing = [
        sign for sign, pattern in SAME_DAY_SIGNS.items() if not re.search(pattern, block, re.I)
    ]
    assert not missing, f"not among the same-day signs: {missing}"


@pytest.mark.parametrize("path", [FAQ, CH3])
def test_early_cauda_equina_signs_come_before_incontinence(path):
    block = same_day_block(path)
    late = re.search(INCONTINENCE, block, re.I)
    assert late, "incontinence is listed among the same-day signs"
    for sign in EARLY_SIGNS:
        early = re.search(SAME_DAY_SIGNS[sign], block, re.I)
        assert early and early.start() < late.start(), f"{sign} comes before incontinence"
    assert re.search(r"\blate\b", block[late.start() :], re.I), "incontinence is called late"
    assert "barraclough2021ces" in cited(block)


@pytest.mark.parametrize("path", [FAQ, CH3])
@pytest.mark.parametrize("cause", RISK_SIGNS)
def test_fracture_infection_and_cancer_signs_are_listed(path, cause):
    section = flat(urgent_section(path))
    for pattern in RISK_SIGNS[cause]:
        assert re.search(pattern, section, re.I), f"{cause}: {pattern}"
    assert {"downie2013redflags", "finucane2020redflags"} <= cited(section)


@pytest.mark.parametrize("path", [FAQ, CH3])
def test_pain_is_not_called_least_specific(path):
    assert "least specific" not in flat(read(path))


@pytest.mark.parametrize("path", [FAQ, CH3])
def test_pain_is_the_least_useful_sarcoma_sign_and_painless_is_not_reassuring(path):
    text = flat(read(path))
    assert re.search(r"least (useful|sensitive)", text)
    assert "sarcoma2ww_pmc5126240" in cited(text)
    assert re.search(r"sarcomas? (are|is|do not|does not)[^.]{0,30}(painless|hurt)", text, re.I)


def test_jensen_note_defines_both_terms():
    with (ROOT / CSV).open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["condition"] == "Lumbar radiculopathy"]
    notes = " ".join(r["note"] for r in rows)
    assert "not Jensen" not in notes
    row = next(r for r in rows if "Jensen" in r["note"])
    assert row["basis"] == "cited" and "jensen2019sciatica" in row["source"].split(";")
    assert re.search(r"sciatica", row["note"]) and re.search(r"radiculopathy", row["note"])
    assert re.search(r"deficit|weakness|numbness", row["note"])


@pytest.mark.parametrize("path", [FAQ, CH3])
def test_overstatements_are_gone(path):
    text = flat(read(path))
    assert "never removed" not in text
    assert not re.search(r"\bno study has\b", text, re.I), "say 'we found no study that'"
    assert "until imaging shows otherwise" not in text


@pytest.mark.parametrize("path", [p for p in FILES if p != CSV])
def test_back_mice_are_not_placed_deep(path):
    text = flat(read(path))
    for phrase in (
        r"deep fat under the skin",
        r"deep subcutaneous",
        r"deep under the skin",
        r"deeper back mouse",
        r"back mouse lies deeper",
    ):
        assert not re.search(phrase, text, re.I), phrase


def test_matrix_note_on_a_deep_lump_names_the_fascia():
    with (ROOT / CSV).open(encoding="utf-8", newline="") as handle:
        row = next(
            r
            for r in csv.DictReader(handle)
            if r["condition"].startswith("Back mouse") and r["feature"] == "big_deep"
        )
    assert re.search(r"deep to the fascia|beneath the fascia", row["note"])
    assert re.search(r"above the fascia", row["note"])


@pytest.mark.parametrize("path", [FAQ, CH3, "chapters/cases.md"])
def test_deep_as_a_warning_sign_means_beneath_the_fascia(path):
    text = flat(read(path))
    assert re.search(r"deep[^.]{0,40}(means|mean)[^.]{0,40}(beneath|under) the fascia", text)


def test_faq_disclosure_uses_the_review_s_own_words():
    intro = flat(read(FAQ).split("## ", 1)[0])
    assert "real cause" not in intro
    assert "overlooked" in intro and "potential" in intro
    assert re.search(r"first author", intro) and "canisparera2021" in cited(intro)


def test_faq_warns_against_self_needling_and_dates_fischer_s_lump():
    text = read(FAQ)
    answer = re.search(r"^## Are there non-surgical options.*?\n(.*?)^## ", text, re.M | re.S)
    assert answer
    body = flat(answer[1])
    assert re.search(r"(never|do not|don't)[^.]{0,60}(needle|inject)[^.]{0,60}yourself", body, re.I)
    assert re.search(r"5 cm[^.]{0,120}\.[^.]{0,120}(scan|imag)", body)


# --- The same points in the built pages (need `make book`) --------------------------------

#: Where each page's urgent signs start and end in its built text.
BUILT_SECTIONS = {
    FAQ: (r"Which signs need urgent care\?\W{0,5}Some signs", r"Is it still a back mouse"),
    CH3: (r"Red flags of the back\.", r"Evidence quality: red flags"),
}


def built_text(book_html, path: str) -> str:
    """The visible text of the built page for the source ``path``, whitespace flattened."""
    from bs4 import BeautifulSoup

    html = (book_html / path.replace(".md", ".html")).read_text(encoding="utf-8")
    main = BeautifulSoup(html, "html.parser").find("main")
    return flat(main.get_text(" "))


@pytest.mark.parametrize("path", [FAQ, CH3])
def test_built_page_lists_the_same_day_signs_early_ones_first(book_html, path):
    start, end = BUILT_SECTIONS[path]
    match = re.search(f"{start}(.*?){end}", built_text(book_html, path))
    assert match, f"{path}: urgent signs not found in the built page"
    block = same_day_block(path, match[1])
    for sign, pattern in SAME_DAY_SIGNS.items():
        assert re.search(pattern, block, re.I), f"built {path}: {sign} not same-day"
    late = re.search(INCONTINENCE, block, re.I)
    assert late and all(
        re.search(SAME_DAY_SIGNS[sign], block[: late.start()], re.I) for sign in EARLY_SIGNS
    ), "early cauda equina signs come before incontinence"


def test_built_differential_figure_carries_jensen_s_definitions(book_html):
    text = (book_html / "chapters" / "03-differential.html").read_text(encoding="utf-8")
    assert "not Jensen" not in text
    assert re.search(r"radiculopathy for nerve-root involvement[^\"]{0,80}deficit", text)
