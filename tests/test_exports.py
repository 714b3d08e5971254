"""The instructors' exports (tools/exports.py): Anki deck, QTI package, printable sheets
and the handouts of the guide's activities (tools/handouts.py).

Each file is opened as what it is: the deck as a zip holding an SQLite collection, the
QTI package as a zip of XML. Every bank question and glossary term must be there, with
its answers, feedback and sources; two builds must give the same bytes.
"""

from __future__ import annotations

import html
import json
import re
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import genanki
import pytest
from conftest import ROOT

from tools import exports, handouts
from widgets import differential, landmarks, names, questions
from widgets.data import citation

BANK = questions.load()
TERMS = exports.glossary()
EPOCH = 1767225600


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The exports, written once for this module."""
    folder = tmp_path_factory.mktemp("exports") / "exports"
    exports.write(folder, BANK, TERMS, EPOCH)
    return folder


def notes(folder: Path, tmp_path: Path) -> list[tuple[str, str, str, str]]:
    """``(guid, key, back, tags)`` of every note in the deck's SQLite collection."""
    with zipfile.ZipFile(folder / "backmice.apkg") as archive:
        assert sorted(archive.namelist()) == ["collection.anki2", "media"]
        (tmp_path / "collection.anki2").write_bytes(archive.read("collection.anki2"))
    with sqlite3.connect(tmp_path / "collection.anki2") as db:
        rows = db.execute("SELECT guid, flds, tags FROM notes ORDER BY id").fetchall()
        models, decks = db.execute("SELECT models, decks FROM col").fetchone()
    assert str(exports.MODEL_ID) in json.loads(models)
    assert str(exports.DECK_ID) in json.loads(decks)
    return [(guid, *flds.split("\x1f")[::2], tags.strip()) for guid, flds, tags in rows]


def test_glossary_is_read_whole_and_plain():
    text = (ROOT / "chapters" / "glossary.md").read_text(encoding="utf-8")
    body = text.split("```{glossary}", 1)[1]
    assert len(TERMS) == len(re.findall(r"^[A-Z][^\n]*\n  \S", body, re.M)) >= 30
    terms = dict(TERMS)
    assert citation("curtis1993") in terms["Back mouse"]
    assert "fibro-fatty nodule" in terms["Back mouse"]
    assert not [t for t, d in TERMS if re.search(r"[{}`*]|<[A-Z]|\n", d)]


def test_deck_holds_every_question_and_term_with_its_sources(built, tmp_path):
    found = notes(built, tmp_path)
    assert len(found) == len(BANK) + len(TERMS)
    by_key = {key: (guid, back, tags) for guid, key, back, tags in found}
    for q in BANK:
        guid, back, tags = by_key[q.id]
        assert guid == genanki.guid_for(q.id)
        assert tags == f"chapter-{q.chapter}"
        assert html.escape(exports.answer(q)) in back
        assert all(html.escape(citation(key)) in back for key in q.source)
    for term, definition in TERMS:
        guid, back, tags = by_key[html.escape(term)]
        assert (guid, back, tags) == (
            genanki.guid_for("term", term),
            html.escape(definition),
            "glossary",
        )


def text_of(node: ET.Element) -> str:
    """The words of a QTI ``mattext`` under ``node``: its HTML without tags, unescaped."""
    return html.unescape(re.sub(r"<[^>]+>", "", node.find(".//{*}mattext").text))


def test_qti_package_has_an_item_per_question_with_answers_and_feedback(built):
    with zipfile.ZipFile(built / "backmice-qti.zip") as archive:
        manifest = ET.fromstring(archive.read("imsmanifest.xml"))
        hrefs = [f.get("href") for f in manifest.iterfind(".//{*}resource/{*}file")]
        assert sorted([*hrefs, "imsmanifest.xml"]) == sorted(archive.namelist())
        items = [i for h in hrefs for i in ET.fromstring(archive.read(h)).iterfind(".//{*}item")]
    assert [item.get("ident") for item in items] == [q.id for q in BANK]
    for item, q in zip(items, BANK, strict=True):
        kind = item.find(".//{*}fieldentry").text
        assert (
            kind
            == {
                "single": "multiple_choice_question",
                "multiple": "multiple_answers_question",
                "numeric": "numerical_question",
            }[q.type]
        )
        assert text_of(item.find("{*}presentation")) == q.stem
        feedback = {f.get("ident"): text_of(f) for f in item.iterfind("{*}itemfeedback")}
        assert feedback["general_fb"].startswith(q.explanation)
        assert citation(q.source[0]) in feedback["general_fb"]
        scoring = [
            c for c in item.iterfind(".//{*}respcondition") if c.find("{*}setvar") is not None
        ]
        (score,) = scoring
        if q.type == "numeric":
            low, high = (
                float(score.find(".//{*}vargte").text),
                float(score.find(".//{*}varlte").text),
            )
            assert (low, high) == pytest.approx((q.answer - q.tolerance, q.answer + q.tolerance))
            continue
        labels = [label.get("ident") for label in item.iterfind(".//{*}response_label")]
        assert [feedback[f"{label}-fb"] for label in labels] == [c.feedback for c in q.choices]
        negated = {v.text for v in score.iterfind(".//{*}not/{*}varequal")}
        wanted = {v.text for v in score.iterfind(".//{*}varequal")} - negated
        assert wanted == {label for label, c in zip(labels, q.choices, strict=True) if c.correct}


def test_sheets_hold_every_question_and_keys_the_answers(built):
    for chapter, qs in exports.chapters(BANK).items():
        sheet = (built / f"chapter-{chapter}-questions.html").read_text(encoding="utf-8")
        key = (built / f"chapter-{chapter}-key.html").read_text(encoding="utf-8")
        for q in qs:
            assert f'id="{q.id}"' in sheet and f'id="{q.id}"' in key
            assert html.escape(exports.answer(q)) in key
            assert html.escape(q.explanation) not in sheet
            for c in q.choices:
                assert html.escape(c.feedback) not in sheet
    pages = sorted(built.glob("*.html"))
    assert len(pages) == 2 * len(exports.chapters(BANK)) + 1 + len(handouts.HANDOUTS)
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "<script" not in text and not re.search(r"(src|href)=\"(https?:)?//", text)
        assert "@media print" in text and 'content="light"' in text


def luminance(colour: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_sheet_colours_reach_4_5_to_1_on_white():
    colours = set(re.findall(r"color:(#[0-9a-f]{6})", exports.CSS + handouts.CSS))
    colours |= set(re.findall(r'(?:fill|stroke)="(#[0-9a-f]{6})"', handouts.outline_svg(True)))
    colours -= {"#eeeeee"}  # the bones' fill, behind no text
    assert colours >= {"#1a1a1a", "#4d4d4d"}
    for colour in colours:
        assert (1.05 / (luminance(colour) + 0.05)) >= 4.5, colour


def test_two_builds_are_byte_identical(built, tmp_path):
    """The second build runs as make runs it, in another process and another second."""
    env = {"PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": str(EPOCH), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "tools.exports", str(tmp_path / "again")]
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
    names = sorted(p.name for p in built.iterdir())
    assert names == sorted(p.name for p in (tmp_path / "again").iterdir())
    differing = [
        n for n in names if (built / n).read_bytes() != (tmp_path / "again" / n).read_bytes()
    ]
    assert differing == []


def test_instructor_guide_links_the_exports():
    guide = (ROOT / "chapters" / "instructors.md").read_text(encoding="utf-8")
    for name in ("backmice.apkg", "backmice-qti.zip", "index.html"):
        assert f'<a href="../exports/{name}">' in guide
    assert re.search(
        r"^book:.*\n.*\n\t@flock .* lite exports$", (ROOT / "Makefile").read_text(), re.M
    )


def test_bad_input_is_named(tmp_path):
    with pytest.raises(ValueError, match=r"argument 'outdir'.*does not exist"):
        exports.write(tmp_path / "missing" / "out", BANK, TERMS, EPOCH)
    with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH must be whole seconds"):
        exports.epoch_from({"SOURCE_DATE_EPOCH": "yesterday"})
    (tmp_path / "empty.md").write_text("# Glossary\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"argument 'path'.*no \{glossary\}"):
        exports.glossary(tmp_path / "empty.md")
    command = [sys.executable, "-m", "tools.exports", str(tmp_path / "no" / "such")]
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.startswith("tools.exports: argument 'outdir'")


# --- the handouts of the guide's activities --------------------------------------------------


def plain_words(text: str) -> str:
    """HTML ``text`` as words: tags made spaces, entities decoded, spaces joined."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def words(page: Path) -> str:
    """The words of an exported page (:func:`plain_words`)."""
    return plain_words(page.read_text("utf-8"))


def test_every_handout_and_key_is_written_and_linked(built):
    index = (built / "index.html").read_text(encoding="utf-8")
    guide = (ROOT / "chapters" / "instructors.md").read_text(encoding="utf-8")
    for name, title, _, key in handouts.HANDOUTS:
        page = built / name
        assert page.is_file()
        assert f'<a href="{name}">{html.escape(title)}</a>' in index
        assert f'<a href="../exports/{name}">' in guide
        assert ("answer key" in title) == key
    sheets = [name for name, *_, key in handouts.HANDOUTS if not key]
    assert len(sheets) == 3 and len(handouts.HANDOUTS) == 6


def test_hunt_sheet_deals_every_name_and_the_key_cites_each(built):
    sheet, key = words(built / "hunt-sheet.html"), words(built / "hunt-key.html")
    rows = names.load()
    dealt = [row for group in handouts.hunt_groups() for row in group]
    assert sorted(dealt, key=rows.index) == rows and len(set(map(id, dealt))) == len(rows)
    for row in rows:
        assert row.term in sheet and row.term in key
        cited = "; ".join(map(citation, row.source))
        assert f"{row.term} {row.year} {row.authors} {row.discipline} {cited}" in key
        assert cited not in sheet
    for question in handouts.HUNT_QUESTIONS:
        assert plain_words(question) in sheet


def test_body_outline_plots_the_midline_crossings_and_cites_every_study(built):
    sheet, key = words(built / "body-outline.html"), words(built / "body-outline-key.html")
    for row in landmarks.load():
        for page in (sheet, key):
            assert f"{landmarks.value_text(row)} {'; '.join(map(citation, row.source))}" in page
    svg = (built / "body-outline-key.html").read_text(encoding="utf-8")
    svg = svg[svg.index("<svg") :]
    dots = re.findall(r'<circle cx="([\d.]+)" cy="[\d.]+" r="0.13"', svg)
    assert [float(x) for x in dots] == pytest.approx(
        [r.centre / 10 for r in handouts.midline_rows()]
    )
    blank = (built / "body-outline.html").read_text(encoding="utf-8")
    assert 'r="0.13"' not in blank and "Midline" not in blank[blank.index("<svg") :]
    assert 'width="16.8cm"' in svg, "drawn at 1:1 in centimetres"
    assert citation("konno2017") in key and "mean age of 88" in key


def test_condition_cards_cover_the_differential_and_the_key_follows_its_cells(built):
    sheet, key = words(built / "condition-cards.html"), words(built / "condition-cards-key.html")
    cells = {(r.condition, r.feature): r for r in differential.load()}
    assert sheet.count("Lump? ") == len(differential.CONDITIONS)
    for condition in differential.CONDITIONS:
        assert condition in sheet
        placement, used = handouts.lump_sort(condition)
        assert f"{condition} First sort: {placement}." in key
        levels = {f: cells[(condition, f)].level for f in handouts.LUMP_FINDINGS}
        assert (placement == "no lump") == all(
            v in ("atypical", "unknown") for v in levels.values()
        )
        assert all(cells[(condition, f)].level in ("typical", "possible") for f in used)
        for feature in differential.FEATURES:
            row = cells[(condition, feature)]
            if row.level == "typical" and row.source:
                assert f"({'; '.join(map(citation, row.source))})" in key
    assert handouts.lump_sort("Back mouse (episacral lipoma)")[0] == "lump"
    assert handouts.lump_sort("Sacroiliac joint pain")[0] == "no lump"
    for _, keys in handouts.ANCHORS:
        assert all(citation(k) in key for k in keys)
    with pytest.raises(ValueError, match="argument 'condition' must be one of"):
        handouts.lump_sort("Back mouse")
