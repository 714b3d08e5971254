"""Bank questions as Markdown: a worksheet to answer on, and the key that answers it.

The two notebook editions of a chapter (``_ext/backmice_notebooks.py``) show its
questions (:mod:`widgets.questions`) this way:

* the *student* edition prints each question with :func:`question_markdown` (stem,
  lettered choices, how to answer, the unit of a numeric answer) and no answer: no
  correct choice marked, no per-choice feedback, no explanation;
* the *instructor* edition keeps the graded quiz (:mod:`widgets.quiz`) and adds the
  key, :func:`key_markdown`: each question's answer, explanation and sources.

:func:`answer` is the one wording of a right answer, shared with the printed keys of
``tools/exports.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from .questions import Question

#: How a question of each type is answered (a numeric one: in its unit).
HOW = {"single": "Choose one.", "multiple": "Choose all that apply."}
#: Characters Markdown (and Jupyter's maths) would read as markup in a stem or choice.
_MARKUP = re.compile(r"([\\`*_\[\]<>|$#])")


def md_escape(text: str) -> str:
    """``text`` with every Markdown markup character backslash-escaped."""
    return _MARKUP.sub(r"\\\1", " ".join(text.split()))


def number_text(value: float) -> str:
    """``value`` without trailing zeros: 34.4, 140."""
    return f"{value:.6f}".rstrip("0").rstrip(".")


def letter(index: int) -> str:
    """The letter of choice ``index`` (0 is A); ``ValueError`` beyond Z."""
    if not 0 <= index < 26:
        raise ValueError(f"argument 'index' must be 0 to 25, got {index}")
    return chr(65 + index)


def how_to_answer(q: Question) -> str:
    """How to answer: "Choose one.", "Choose all that apply." or "Give a number, in %."."""
    return HOW.get(q.type, f"Give a number, in {q.unit}.")


def answer(q: Question) -> str:
    """The right answer: ``B. text; D. text`` or ``34.4 % (accept 33.9 to 34.9)``."""
    if q.type == "numeric":
        low, high = number_text(q.answer - q.tolerance), number_text(q.answer + q.tolerance)
        return f"{number_text(q.answer)} {q.unit} (accept {low} to {high})"
    right = [f"{letter(i)}. {c.text.rstrip('.')}" for i, c in enumerate(q.choices) if c.correct]
    return "; ".join(right)


def question_markdown(number: int, q: Question) -> str:
    """Question ``number`` as the student edition prints it: no answer, no feedback."""
    if number < 1:
        raise ValueError(f"argument 'number' must be 1 or more, got {number}")
    lines = [f"**Question {number}.** {md_escape(q.stem)} <small>[{q.id}]</small>", ""]
    lines += [f"- {letter(i)}. {md_escape(c.text)}" for i, c in enumerate(q.choices)]
    lines += [""] if q.choices else []
    lines.append(f"*{md_escape(how_to_answer(q))}*")
    return "\n".join(lines)


def plain_sources(keys: Sequence[str]) -> str:
    """``Sources: Ries, 1937; Bicket et al., 2016.`` for citation ``keys``."""
    from .data import Cites

    return Cites(keys).sources()


def key_markdown(
    questions: Sequence[Question], cite: Callable[[Sequence[str]], str] = plain_sources
) -> str:
    """The answer key of ``questions``: per question its answer, explanation and sources.

    ``cite`` writes the sources of a question from its citation keys (the notebooks
    pass their linked author–year citations).
    """
    if not questions:
        raise ValueError("argument 'questions' must hold at least one question")
    items = [
        f"{n}. **{md_escape(answer(q))}** <small>[{q.id}]</small>\n\n"
        f"   {md_escape(q.explanation)} {cite(q.source)}"
        for n, q in enumerate(questions, 1)
    ]
    return "\n\n".join(items)
