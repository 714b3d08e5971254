"""The notebook quiz (``widgets.live.quiz_app``): graded in the kernel from the bank."""

from __future__ import annotations

import pytest

from widgets import questions
from widgets.live import QuestionCard, grade, quiz_app

BANK = questions.load()


def _first(kind: str):
    return next(q for q in BANK if q.type == kind)


def _right(question) -> list[int]:
    return [i for i, choice in enumerate(question.choices) if choice.correct]


def test_a_single_choice_question_is_graded_right_and_wrong():
    question = _first("single")
    (right,) = _right(question)
    wrong = next(i for i in range(len(question.choices)) if i != right)
    card = QuestionCard(question)
    card.answer.value = wrong
    card.button.click()
    assert card.verdict is False
    assert "Not quite." in card.result.value
    assert question.choices[wrong].feedback[:40] in card.result.value
    card.answer.value = right
    card.button.click()
    assert card.verdict is True and "Right." in card.result.value
    assert "Sources:" in card.result.value


def test_a_multiple_choice_question_needs_every_correct_choice():
    question = _first("multiple")
    right = _right(question)
    card = QuestionCard(question)
    card.answer.value = (
        tuple(right[:1])
        if len(right) > 1
        else tuple(sorted({*right, *(i for i in range(len(question.choices)) if i not in right)}))
    )
    card.button.click()
    assert card.verdict is False
    card.answer.value = tuple(right)
    card.button.click()
    assert card.verdict is True


def test_a_numeric_question_is_graded_within_its_tolerance():
    question = _first("numeric")
    card = QuestionCard(question)
    card.answer.value = str(question.answer + question.tolerance + 1)
    card.button.click()
    assert card.verdict is False
    card.answer.value = str(question.answer).replace(".", ",")  # a decimal comma is read too
    card.button.click()
    assert card.verdict is True


def test_no_answer_asks_for_one_and_grades_nothing():
    card = QuestionCard(_first("single"))
    card.button.click()
    assert card.verdict is None and "Choose an answer first" in card.result.value


@pytest.mark.parametrize(
    ("kind", "response"), [("single", 99), ("multiple", ()), ("numeric", "12"), ("numeric", True)]
)
def test_bad_responses_name_the_argument(kind, response):
    with pytest.raises(ValueError, match="argument 'response' must"):
        grade(_first(kind), response)


def test_the_quiz_has_a_card_per_question():
    chapter = [q for q in BANK if q.chapter == 1]
    app = quiz_app(chapter)
    assert [card.question.id for card in app.cards] == [q.id for q in chapter]


KERNEL_CELL = """
from widgets import quiz
from widgets.live import quiz_app
chapter = quiz.quiz("1")
app = quiz_app(chapter.questions)
card = next(c for c in app.cards if c.question.type == "single")
right = next(i for i, choice in enumerate(card.question.choices) if choice.correct)
card.answer.value = (right + 1) % len(card.question.choices)
card.button.click()
first = card.verdict
card.answer.value = right
card.button.click()
print("verdicts", first, card.verdict)
chapter
"""


def test_a_kernel_grades_one_answer_wrong_and_one_right(tmp_path):
    """In a real kernel, as in a downloaded notebook: the chapter quiz shows as widgets,
    and a wrong then a right answer get their verdicts."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(KERNEL_CELL)])
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute(cwd=str(tmp_path))
    outputs = notebook.cells[0].outputs
    printed = "".join(output.get("text", "") for output in outputs)
    assert "verdicts False True" in printed
    shown = [output.get("data", {}) for output in outputs if output.output_type == "display_data"]
    assert any("application/vnd.jupyter.widget-view+json" in data for data in shown)
