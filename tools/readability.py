"""Reading grade of a MyST page, as patient material is measured.

Patient leaflets aim at a reading grade of about 6 to 8. This tool measures one page
the way the FAQ's test does: every paragraph and list item of at least
:data:`MIN_WORDS` words (headings, directive lines and code left out) is scored with
the Flesch-Kincaid grade of ``textstat`` 0.7.3, which counts syllables with pyphen
and needs no network (later releases download NLTK data at first use). Citations are
dropped, and glossary and page links keep only the words a reader sees.

Run ``python -m tools.readability chapters/faq.md`` for the median and the hardest
units, or import :func:`units` and :func:`grades`.
"""

from __future__ import annotations

import re
import statistics
import sys
from pathlib import Path

#: Units shorter than this are headings in disguise ("More detail: ...") and skew the median.
MIN_WORDS = 12

_CITE = re.compile(r"\s*\{cite:[pt]\}`[^`]*`")
_ROLE_WITH_TARGET = re.compile(r"\{(?:term|doc|ref)\}`([^`<]*?)\s*<[^`]*>`")
_DOC = re.compile(r"\{doc\}`([^`]*)`")
_ROLE = re.compile(r"\{\w+\}`([^`]*)`")
_DIRECTIVE = re.compile(r"^(:::.*|:\w+:.*|```.*)$", re.MULTILINE)
_CODE = re.compile(r"^```.*?^```\s*$", re.MULTILINE | re.DOTALL)
_ITEM = re.compile(r"^\s*(?:[-*+]|\d+\.)\s+")


def plain(text: str) -> str:
    """The words a reader sees in one unit of MyST: no citations, roles or emphasis."""
    text = _CITE.sub("", text)
    text = _ROLE_WITH_TARGET.sub(r"\1", text)
    text = _DOC.sub("the chapter", text)
    text = _ROLE.sub(r"\1", text)
    text = text.replace("**", "").replace("*", "")
    text = re.sub(r"\s+([.,;:)])", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def units(source: str, min_words: int = MIN_WORDS) -> list[str]:
    """Paragraphs and list items of ``source`` with at least ``min_words`` words."""
    if min_words < 1:
        raise ValueError(f"min_words: must be a positive whole number, got {min_words!r}")
    body = _DIRECTIVE.sub("", _CODE.sub("", source))
    found = []
    for block in re.split(r"\n\s*\n", body):
        if block.lstrip().startswith("#"):
            continue
        parts = re.split(r"\n(?=\s*(?:[-*+]|\d+\.)\s)", block) if _ITEM.match(block) else [block]
        for part in parts:
            text = plain(_ITEM.sub("", part))
            if len(text.split()) >= min_words:
                found.append(text)
    return found


def grades(source: str) -> list[float]:
    """The Flesch-Kincaid grade of every unit of ``source`` (see :func:`units`)."""
    import textstat

    return [float(textstat.flesch_kincaid_grade(text)) for text in units(source)]


def median_grade(source: str) -> float:
    """The median Flesch-Kincaid grade of ``source``'s units."""
    scores = grades(source)
    if not scores:
        raise ValueError("source: no paragraph or list item has enough words to score")
    return statistics.median(scores)


def main(argv: list[str]) -> int:
    """Print the median grade of each page named in ``argv`` and its five hardest units."""
    for name in argv:
        source = Path(name).read_text(encoding="utf-8")
        scored = sorted(zip(grades(source), units(source), strict=True), reverse=True)
        print(f"{name}: median grade {median_grade(source):.1f} over {len(scored)} units")
        for grade, text in scored[:5]:
            print(f"  {grade:5.1f}  {text[:100]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["chapters/faq.md"]))
