"""Bank questions as a worksheet and its key (widgets/worksheet.py), for the notebooks."""

from __future__ import annotations

import re

import pytest

from widgets import questions, worksheet

BANK = questions.load()


@pytest.mark.parametrize("q", BANK, ids=lambda q: q.id)
def test_a_question_prints_without_its_answer(q):
    text = worksheet.question_markdown(3, q)
    assert text.startswith(f"**Question 3.** {worksheet.md_escape(q.stem)}")
    assert f"[{q.id}]" in text
    letters = re.findall(r"^- ([A-Z])\. ", text, re.M)
    assert letters == [worksheet.letter(i) for i in range(len(q.choices))]
    assert worksheet.md_escape(worksheet.how_to_answer(q)) in text
    assert worksheet.md_escape(q.explanation) not in text
    assert not [c.feedback for c in q.choices if worksheet.md_escape(c.feedback) in text]
    if q.type == "numeric":
        assert f"Give a number, in {worksheet.md_escape(q.unit)}." in text
        assert worksheet.md_escape(worksheet.answer(q)) not in text and "accept" not in text


def test_the_key_gives_each_answer_explanation_and_sources():
    chapter = [q for q in BANK if q.chapter == 2]
    key = worksheet.key_markdown(chapter)
    for number, q in enumerate(chapter, 1):
        assert f"{number}. **{worksheet.md_escape(worksheet.answer(q))}**" in key
        assert worksheet.md_escape(q.explanation) in key
        assert q.source.sources() in key


def test_answers_name_the_right_choices_or_the_accepted_range():
    for q in BANK:
        text = worksheet.answer(q)
        if q.type == "numeric":
            low, high = q.answer - q.tolerance, q.answer + q.tolerance
            assert text.endswith(
                f"(accept {worksheet.number_text(low)} to {worksheet.number_text(high)})"
            )
        else:
            right = [worksheet.letter(i) for i, c in enumerate(q.choices) if c.correct]
            assert re.findall(r"(?:^|; )([A-Z])\. ", text) == right


def test_markdown_markup_is_escaped():
    assert worksheet.md_escape("a *b* <c> $5 | [d]_e\n f") == r"a \*b\* \<c\> \$5 \| \[d\]\_e f"


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="argument 'number' must be 1 or more"):
        worksheet.question_markdown(0, BANK[0])
    with pytest.raises(ValueError, match="argument 'index' must be 0 to 25"):
        worksheet.letter(26)
    with pytest.raises(ValueError, match="argument 'questions' must hold at least one"):
        worksheet.key_markdown([])
