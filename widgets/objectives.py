"""The learning objectives that each chapter states, as data (``data/objectives.csv``).

One row per objective: a stable ``key`` (``ch<N>-<short-name>``), the ``chapter`` number
and the ``text`` exactly as the chapter's "Learning objectives" list words it, without
the ";" or "." that ends each list item. A question in ``data/questions.yaml`` names the
objective it checks by this key (:mod:`widgets.questions`).
"""

from __future__ import annotations

import re
from pathlib import Path

from .data import Model, between, field, load_rows, require, row_model

_KEY = re.compile(r"ch[1-9]-[a-z0-9]+(?:-[a-z0-9]+)*")


@row_model
class ObjectiveRow(Model):
    """One stated learning objective of one chapter."""

    UNIQUE = ("key",)

    key: str
    chapter: int = field(validator=between(1, 9))
    text: str

    def check(self) -> None:
        """The key is lower-case and starts with its chapter, ``ch<chapter>-``."""
        require(
            bool(_KEY.fullmatch(self.key)) and self.key.startswith(f"ch{self.chapter}-"),
            "key",
            f"{self.key!r} must look like 'ch{self.chapter}-short-name' (lower case)",
        )


def load(directory: Path | None = None) -> list[ObjectiveRow]:
    """The validated rows of ``data/objectives.csv``, in the chapters' order."""
    return load_rows("objectives", ObjectiveRow, directory)
