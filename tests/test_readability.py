"""The FAQ reads at patient-leaflet level: median Flesch-Kincaid grade 8 or below."""

from __future__ import annotations

import pytest
from conftest import ROOT

from tools.readability import MIN_WORDS, median_grade, plain, units

FAQ = ROOT / "chapters" / "faq.md"
#: Patient material aims at a reading grade of about 6 to 8.
MAX_MEDIAN_GRADE = 8.0


def test_faq_median_grade_is_8_or_below():
    grade = median_grade(FAQ.read_text(encoding="utf-8"))
    assert grade <= MAX_MEDIAN_GRADE, f"FAQ median Flesch-Kincaid grade {grade:.1f}"


def test_faq_is_scored_on_most_of_its_text():
    """The median is taken over the real answers, not over a handful of survivors."""
    assert len(units(FAQ.read_text(encoding="utf-8"))) >= 30


def test_plain_keeps_what_a_reader_sees():
    text = "A {term}`back mouse <Back mouse>` hurts {cite:p}`curtis1993,curtis2000`."
    text += " See {doc}`faq`."
    assert plain(text) == "A back mouse hurts. See the chapter."


def test_units_skip_headings_directives_and_short_items():
    long = "This sentence has quite a few plain words in it so that it is counted as one unit."
    source = "# A heading with many words in it that should never be scored at all\n\n"
    source += f":::{{admonition}} Note\n:class: warning\n\n{long}\n:::\n\n- short item\n- {long}\n"
    assert units(source) == [long, long]
    assert all(len(unit.split()) >= MIN_WORDS for unit in units(source))


def test_hard_text_scores_higher_than_easy_text():
    easy = "The cat sat on the mat. " * 4
    hard = "Retrospective observational investigations overestimate therapeutic effectiveness. " * 2
    assert median_grade(easy) < 4 < 12 < median_grade(hard)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="min_words"):
        units("text", min_words=0)
    with pytest.raises(ValueError, match="source"):
        median_grade("Too short.")
