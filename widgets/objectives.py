"""The learning objectives that each chapter states, as data (``data/objectives.csv``).

One row per objective: a stable ``key`` (``ch<N>-<short-name>``), the ``chapter``
and the ``text`` exactly as the chapter's "Learning objectives" list words it, without
the ";" or "." that ends each list item. A question in ``data/questions.yaml`` names the
objective it checks by this key (:mod:`widgets.questions`).

A chapter is a number from 1 to 9, or the name of a page of practice that has no number
(:data:`NAMED`: ``cases``, the staged clinical cases); a named chapter's keys start with
its name instead of ``ch<N>``: ``cases-next-step``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from .data import Model, RowError, field, load_rows, require, row_model

#: The chapters named in words rather than numbered.
NAMED = ("cases",)
#: A chapter: its number, or its name (:data:`NAMED`).
Chapter = int | Literal[*NAMED]
_KEY = re.compile(r"(?:ch[1-9]|[a-z]+)-[a-z0-9]+(?:-[a-z0-9]+)*")


def chapter_title(chapter: Chapter | str) -> str:
    """How a chapter is named to readers: "Chapter 2", or a named one as it is: "Cases"."""
    text = str(chapter).strip()
    if not text:
        raise ValueError("argument 'chapter' must be a chapter number or name, got ''")
    return f"Chapter {int(text)}" if text.isdigit() else text[0].upper() + text[1:]


def prefix(chapter: Chapter) -> str:
    """How the keys and question ids of ``chapter`` start: ``ch2``, or ``cases``."""
    return chapter if isinstance(chapter, str) else f"ch{chapter}"


def _chapter(_instance: object, attribute: object, value: Chapter) -> None:
    """An attrs validator: a numbered chapter lies in 1–9 (a named one is checked by type)."""
    if isinstance(value, int) and not 1 <= value <= 9:
        raise RowError("chapter", f"{value} is outside the range 1–9 (or name one of {NAMED})")


@row_model
class ObjectiveRow(Model):
    """One stated learning objective of one chapter."""

    UNIQUE = ("key",)

    key: str
    chapter: Chapter = field(validator=_chapter)
    text: str

    def check(self) -> None:
        """The key is lower-case and starts with its chapter: ``ch<chapter>-`` or ``cases-``."""
        start = prefix(self.chapter)
        require(
            bool(_KEY.fullmatch(self.key)) and self.key.startswith(f"{start}-"),
            "key",
            f"{self.key!r} must look like '{start}-short-name' (lower case)",
        )


def load(directory: Path | None = None) -> list[ObjectiveRow]:
    """The validated rows of ``data/objectives.csv``, in the chapters' order."""
    return load_rows("objectives", ObjectiveRow, directory)
