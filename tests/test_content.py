"""The book's text meets its floor: length, citations, glossary, bibliography, FAQ."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

from widgets.data import bib_keys

CHAPTERS = sorted((ROOT / "chapters").glob("0[1-4]-*.md"))
CITE = re.compile(r"\{cite(?::[pt])?\}`([^`]+)`")


def prose(text: str) -> str:
    """The chapter's prose: no front matter, code, exercises, tables, markup or comments."""
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.DOTALL)
    text = re.sub(r"```\{(code-cell|exercise|solution)\}.*?```", "", text, flags=re.DOTALL)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("|"))
    text = CITE.sub("", text)
    text = re.sub(r"\{\w+\}`([^`<]*)(<[^`]*>)?`", r"\1", text)
    return re.sub(r"^:{3,}.*$|^:\w+:.*$", "", text, flags=re.MULTILINE)


def cited(text: str) -> set[str]:
    """Every key the text cites."""
    return {key.strip() for group in CITE.findall(text) for key in group.split(",")}


def test_there_are_four_chapters():
    assert [path.name[:2] for path in CHAPTERS] == ["01", "02", "03", "04"]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_has_2000_words_and_10_references(path):
    text = path.read_text(encoding="utf-8")
    assert len(prose(text).split()) >= 2000
    assert len(cited(text)) >= 10


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_structure(path):
    text = path.read_text(encoding="utf-8")
    assert "Learning objectives" in text.split("\n## ", 1)[0]
    assert re.search(r"^## Key points", text, re.MULTILINE)
    assert text.count("```{exercise}") >= 5
    assert text.count("```{solution}") == text.count("```{exercise}")
    assert text.count(":class: dropdown") >= text.count("```{solution}")
    assert "Not medical advice" in text.rsplit("\n## ", 1)[-1]
    assert text.count("{admonition} Evidence") >= 2, "evidence-quality callouts"
    assert text.count("{term}") >= 10, "glossary links"


def test_every_citation_exists():
    texts = [p.read_text(encoding="utf-8") for p in (ROOT / "chapters").glob("*.md")]
    texts.append((ROOT / "intro.md").read_text(encoding="utf-8"))
    keys = set().union(*(cited(text) for text in texts))
    assert keys <= bib_keys()
    assert len(keys) >= 40, "the book cites at least 40 distinct references"


def test_bibliography_has_40_entries():
    assert len(bib_keys()) >= 40


def test_unconfirmed_references_are_absent():
    for key in ("chiba2016", "trescot2016_ch51", "scn_rfa_46"):
        assert key not in bib_keys()


def test_glossary_has_30_terms():
    text = (ROOT / "chapters" / "glossary.md").read_text(encoding="utf-8")
    body = text.split("```{glossary}", 1)[1]
    terms = re.findall(r"^[A-Z][^\n]*\n  \S", body, re.MULTILINE)
    assert len(terms) >= 30


SEED_QUESTIONS = [
    r"press",  # Is it still a back mouse if pressing on it does not hurt?
    r"non-surgical|without surgery",  # Are there non-surgical options?
    r"erector spinae",  # Can it cause pain in the erector spinae?
    r"inferior iliac spine|gluteal",  # A lump near the inferior iliac spine / gluteal area
    r"fascia",  # Was a fascial defect repaired, or was the lump simply excised?
    r"capsule|encapsulated",  # Can it be non-encapsulated?
    r"surgery",  # Is surgery the ultimate answer?
    r"[Ww]hom",  # whom to see
    r"MRI",  # ultrasound vs MRI
]


@pytest.mark.parametrize("pattern", SEED_QUESTIONS)
def test_faq_answers_each_reader_question(pattern):
    text = (ROOT / "chapters" / "faq.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", text, re.MULTILINE)
    assert any(re.search(pattern, heading) for heading in headings), pattern
