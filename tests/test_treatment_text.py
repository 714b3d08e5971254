"""Chapter 4's claims on zero events, harms, sources and wording (issue 15), read from source."""

from __future__ import annotations

import csv
import re

import pytest
from conftest import ROOT, cited, flat

from widgets.stats import zero_event_upper_bound

TREATMENTS = ROOT / "chapters" / "04-treatments.md"
GLOSSARY = ROOT / "chapters" / "glossary.md"
ADMONITION = re.compile(r"^:::\{admonition\} (?P<title>[^\n]+)\n(?P<body>.*?)^:::$", re.M | re.S)


def chapter() -> str:
    """Chapter 4's MyST source."""
    return TREATMENTS.read_text(encoding="utf-8")


def harms_boxes() -> dict[str, str]:
    """The "Possible harms: …" callouts of chapter 4: title -> body, white space flattened."""
    return {
        m["title"].strip(): flat(m["body"])
        for m in ADMONITION.finditer(chapter())
        if m["title"].startswith("Possible harms")
    }


def harms_box(word: str) -> str:
    """The one harms callout whose title contains ``word``."""
    (body,) = [body for title, body in harms_boxes().items() if word in title]
    return body


def zero_events_section() -> str:
    """The subsection on zero events, up to the next heading."""
    return flat(chapter().split("### Zero events", 1)[1].split("\n## ", 1)[0])


def glossary_entry(term: str) -> str:
    """A glossary entry: its term line and the indented lines below it, flattened."""
    match = re.search(rf"^{term}\n((?:  .*\n)+)", GLOSSARY.read_text(encoding="utf-8"), re.M)
    assert match, f"glossary entry {term!r}"
    return flat(match[1])


def percent(fraction: float, decimals: int = 0) -> str:
    """``fraction`` as the chapter prints it, e.g. 0.6316 -> '63%'."""
    return f"{100 * fraction:.{decimals}f}%"


# --- Item 1: the rule of three and the exact bound --------------------------------------


def test_no_three_out_of_three_and_no_claim_that_three_patients_say_nothing():
    text = flat(chapter())
    assert not re.search(r"\b3/3\b|\b3 in 3\b|3/\*n\* = 1\b", text)
    for phrase in ("no information", "says nothing at all"):
        assert phrase not in text, phrase


@pytest.mark.parametrize("where", ["zero events", "needling harms"])
def test_exact_bound_for_three_patients_is_printed_as_computed(where):
    text = zero_events_section() if where == "zero events" else harms_box("needling")
    printed = percent(zero_event_upper_bound(3))
    assert printed == "63%"
    sentences = [s for s in re.split(r"(?<=[.;])\s", text) if re.search(r"\b(in|of) 3\b", s)]
    assert any(f"about {printed}" in s for s in sentences), where
    assert re.search(r"nearly 2 (patients )?(in|out of) 3", text), where


@pytest.mark.parametrize(("n", "k"), [(35, 12), (34, 11)])
def test_large_series_give_the_rule_and_the_exact_limit(n, k):
    text = zero_events_section()
    exact = percent(zero_event_upper_bound(n), 1)
    assert re.search(rf"3/{n}, .{{0,25}}roughly 1 in {k}; the exact limit is {exact}", text)
    assert round(n / 3) == k and abs(3 / n - zero_event_upper_bound(n)) < 0.005


def test_zero_events_section_says_where_the_rule_holds_and_cites_it():
    text = zero_events_section()
    assert re.search(r"about 30 patients or more", text)
    assert "1 − 0.05^(1/*n*)" in text
    assert {"hanley1983zero", "eypasch1995adverse"} <= cited(text)
    assert re.search(r"small series the rule of three fails", text)


def test_glossary_rule_of_three_says_when_it_holds_and_what_to_use_instead():
    entry = glossary_entry("Rule of three")
    assert re.search(r"about\s+30 patients or more", entry)
    assert "exact" in entry and "0.05^(1/*n*)" in entry
    assert f"about {percent(zero_event_upper_bound(3))}" in entry
    assert {"hanley1983zero", "eypasch1995adverse"} <= cited(entry)


# --- Items 2 and 3: the harms callouts ----------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "key"),
    [
        (r"atrophy\) of the skin and of the fat", "brinks2010steroid"),
        (r"hypopigmentation", "brinks2010steroid"),
        (r"flare of pain", "brinks2010steroid"),
        (r"diabetes.{0,80}raised blood glucose", "shin2020glucose"),
        (r"paraplegia", "staal2008"),
    ],
)
def test_injection_harms_name_the_known_effects_with_their_sources(pattern, key):
    body = harms_box("injection")
    assert re.search(pattern, body), pattern
    assert key in cited(body)


def test_injection_harms_mark_the_dimple_and_flare_length_as_general_teaching():
    body = harms_box("injection")
    assert re.search(r"general clinical teaching, fat atrophy can leave a visible dimple", body)


HARMS_WITH_A_NEEDLE_OR_WOUND = [
    "injection",
    "needling",
    "excision",
    "nerve block",
    "hydrodissection",
    "nerve release",
    "radiofrequency ablation",
]


def test_every_harms_callout_is_covered_here_or_is_manual_therapy():
    titles = list(harms_boxes())
    covered = [t for t in titles if any(word in t for word in HARMS_WITH_A_NEEDLE_OR_WOUND)]
    assert len(covered) == len(HARMS_WITH_A_NEEDLE_OR_WOUND)
    assert [t for t in titles if t not in covered] == ["Possible harms: manual therapy"]


@pytest.mark.parametrize("word", HARMS_WITH_A_NEEDLE_OR_WOUND)
def test_harms_callout_says_fever_or_an_inflamed_site_needs_same_day_care(word):
    body = harms_box(word)
    assert re.search(
        r"\*\*When to seek care\.\*\* Fever, or an? (injection site|wound|needle site) that "
        r"becomes red, hot and swollen, .{0,60}needs to be seen the same day",
        body,
    ), word
    assert "yusuf2019infection" in cited(body)


# --- Item 4: needling -------------------------------------------------------------------


def test_needling_warns_against_self_treatment():
    assert re.search(r"No one should needle or inject a lump themselves", harms_box("needling"))


def test_fischers_five_cm_lump_would_be_imaged_today():
    text = flat(chapter())
    paragraph = re.search(
        r"In a letter, \{cite:t\}`fischer1993`.*?(?= \{term\}`Dry needling)", text
    )
    assert paragraph and "5 cm" in paragraph[0]
    assert re.search(r"would be imaged before anyone put a needle into it", paragraph[0])
    assert {"eastley2016sarcoma", "bannasch2011"} <= cited(paragraph[0])


# --- Items 5 to 7: wording and citation scope ---------------------------------------------


@pytest.mark.parametrize(
    "phrase",
    [
        "No study has compared",
        "No study has asked",
        "No trial has compared",
        "No study of dry needling for back mice exists",
        "so that a sarcoma is never removed",
        "suspicious until imaging shows otherwise",
    ],
)
def test_overstatements_are_gone(phrase):
    assert phrase not in flat(chapter())


def test_we_found_no_study_replaces_the_absolute_claims():
    text = flat(chapter())
    assert "We found no study that compared excision with fascial repair" in text
    assert "We found no study that compared two active treatments" in text


def plotted_sources() -> dict[str, set[str]]:
    """Citation keys of the forest plot's rows (measure 'improved'), by treatment target."""
    with (ROOT / "data" / "treatments.csv").open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["measure"] == "improved"]
    keys: dict[str, set[str]] = {"nodule": set(), "nerve": set(), "trial": set()}
    for row in rows:
        target = "trial" if row["evidence"] == "RCT" else "nodule"
        target = "nerve" if "SCN" in row["condition"] else target
        keys[target] |= set(row["source"].split(";"))
    return keys


def test_forest_remark_cites_each_rows_own_source_not_the_nodule_review():
    text = flat(chapter())
    remark = text.split("treatments.forest_figure()", 1)[1].split("One row in the figure", 1)[0]
    assert "bicket2016" not in cited(remark), "Bicket 2016 reviewed the nodule literature only"
    sources = plotted_sources()
    assert sources["nerve"] and sources["nodule"] and sources["trial"]
    nodule, nerve = remark.split("for those on the cluneal nerves", 1)
    assert sources["nodule"] <= cited(nodule)
    assert sources["nerve"] <= cited(nerve)
    assert sources["trial"] <= cited(remark)


def test_disclosure_uses_the_reviews_own_words():
    text = flat(chapter())
    assert "real and neglected cause" not in text and "real cause" not in text
    assert re.search(
        r'"overlooked", "potential" cause of low back pain \{cite:p\}`canisparera2021`', text
    )


@pytest.mark.parametrize("page", ["04-treatments", "glossary"])
def test_built_pages_give_the_exact_bound_for_three_and_no_three_of_three(book_html, page):
    text = flat((book_html / "chapters" / f"{page}.html").read_text(encoding="utf-8"))
    assert not re.search(r"(?<![\d.])3/3(?![\d/])", text), f"{page}: '3/3' is back"
    assert f"about {percent(zero_event_upper_bound(3))}" in text
