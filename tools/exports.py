"""Exports for instructors, from the question bank and the glossary alone (``make book``).

``python -m tools.exports OUTDIR`` (OUTDIR's parent must exist) writes ``backmice.apkg``,
an Anki deck (genanki 0.13.1) with a note per bank question and per glossary term, each
with its sources as author–year text; ``backmice-qti.zip``, QTI 1.2 as Canvas writes it,
an assessment per chapter with per-choice feedback, the explanation as general feedback
and numeric answers within their tolerance; a printable sheet and answer key per chapter
(``chapter-N-questions.html``, ``chapter-N-key.html``; no script, nothing off-site); the
handouts of the instructor guide's activities, each with its key, from the book's data
(:mod:`tools.handouts`); and ``index.html``. The QTI is written here, not by text2qti
0.8.0, which needs the bank rewritten into its Markdown-like text (a second renderer,
with Markdown and bespon). A right answer is worded once, by :func:`widgets.worksheet.answer`.

Two runs give identical bytes: zip entries are sorted and dated 1980-01-01, and the
deck's times (``mod`` of notes, cards and model; their ids count from it) are
``SOURCE_DATE_EPOCH`` (the Makefile passes the inputs' last commit; else :data:`EPOCH`):
Anki updates an imported note only from a newer one by default, so a later bank needs a
later time. Deflated bytes may differ under another zlib version.
"""

from __future__ import annotations

import html
import io
import os
import re
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import genanki

from tools import handouts
from widgets.data import citation
from widgets.objectives import chapter_title
from widgets.questions import Question, load
from widgets.worksheet import HOW, answer, number_text

GLOSSARY = Path(__file__).resolve().parent.parent / "chapters" / "glossary.md"
MODEL_ID, DECK_ID = 1502716423, 1977380981  # fixed: Anki matches a re-import on them
EPOCH = 1767225600  # 2026-01-01 UTC, the deck's time when SOURCE_DATE_EPOCH is not set
KINDS = {"single": "multiple_choice_question", "multiple": "multiple_answers_question"}
CSS = """body{font:11pt/1.45 Georgia,serif;color:#1a1a1a;background:#fff;max-width:44rem;
margin:1.5rem auto;padding:0 1rem}h1{font-size:1.4rem}.q{margin-bottom:1rem;break-inside:avoid}
.id,.src,footer{color:#4d4d4d;font:9pt/1.4 sans-serif}ol.c{list-style:upper-alpha}
a{color:#0b4f8a}@media print{body{margin:0;max-width:none}@page{margin:16mm}}"""
PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="color-scheme" content="light">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{0}</title>
<link rel="icon" href="data:,">
<style>{1}</style></head><body><main><h1>{0}</h1>{2}</main><footer><p>From the Back Mice
book's question bank. Teaching material, not medical advice.</p></footer></body></html>
"""
#: A handout's page: the sheets' page, its footer naming the book's data.
HANDOUT_PAGE = PAGE.replace("question bank", "data")
esc = html.escape


def glossary(path: Path = GLOSSARY) -> list[tuple[str, str]]:
    """``(term, definition)`` of each ``{glossary}`` entry, as plain text (:func:`plain`)."""
    parts = path.read_text(encoding="utf-8").split("```{glossary}", 1)
    if len(parts) < 2:
        raise ValueError(f"argument 'path': {path} has no {{glossary}} directive")
    body = parts[1].split("\n```", 1)[0] + "\n"
    found = re.findall(r"^([^\s:][^\n]*)\n((?:  [^\n]*\n|\n(?=  ))+)", body, re.M)
    return [(term.strip(), plain(text)) for term, text in found]


def _role(match: re.Match[str]) -> str:
    """A MyST role as text: a citation as ``(Ries, 1937; …)``, any other role its words."""
    role, text = match.groups()
    if role.startswith("cite"):
        return "(" + "; ".join(citation(key.strip()) for key in text.split(",")) + ")"
    return re.sub(r"\s*<[^>]*>$", "", text)


def plain(text: str) -> str:
    """MyST ``text`` as one line of words: roles resolved, ``*`` emphasis dropped."""
    text = re.sub(r"\{([\w:-]+)\}`([^`]*)`", _role, text)
    return " ".join(re.sub(r"\*+([^*\s][^*]*)\*+", r"\1", text).split())


def chapters(bank: list[Question]) -> dict[str, list[Question]]:
    """The bank's questions by chapter, in bank order."""
    names = dict.fromkeys(str(q.chapter) for q in bank)
    return {name: [q for q in bank if str(q.chapter) == name] for name in names}


def sheet_name(chapter: str, kind: str) -> str:
    """The file of a chapter's printable ``kind``: ``chapter-2-questions.html``, ``…-key.html``."""
    return f"chapter-{chapter}-{kind}.html"


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """A deflated zip of ``files``: sorted, dated 1980-01-01, mode 644."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
            info.compress_type, info.create_system = zipfile.ZIP_DEFLATED, 3  # 3: Unix
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return out.getvalue()


def deck(bank: list[Question], terms: list[tuple[str, str]], epoch: int) -> bytes:
    """The Anki package: a note per question and per term, GUIDs from the id or term."""
    fields = [{"name": "Key"}, {"name": "Front"}, {"name": "Back"}]
    card = {"name": "Card", "qfmt": "{{Front}}", "afmt": "{{FrontSide}}<hr id=answer>{{Back}}"}
    model = genanki.Model(MODEL_ID, "Back Mice card", fields=fields, templates=[card])
    notes = genanki.Deck(DECK_ID, "Back Mice book")
    for q in bank:
        how = HOW.get(q.type, f"Give a number, in {q.unit}.")
        items = "".join(f"<li>{esc(c.text)}</li>" for c in q.choices)
        front = f'<p>{esc(q.stem)}</p><ol type="A">{items}</ol><p><i>{esc(how)}</i></p>'
        back = f"<p><b>Answer:</b> {esc(answer(q))}</p><p>{esc(q.explanation)}</p>"
        back += f"<p><small>{esc(q.source.sources())}</small></p>"
        tags, guid = [f"chapter-{q.chapter}"], genanki.guid_for(q.id)
        notes.add_note(genanki.Note(model, [q.id, front, back], tags=tags, guid=guid))
    for term, text in terms:
        fields, guid = [esc(term), f"<b>{esc(term)}</b>", esc(text)], genanki.guid_for("term", term)
        notes.add_note(genanki.Note(model, fields, tags=["glossary"], guid=guid))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "deck.apkg"
        genanki.Package(notes).write_to_file(str(path), timestamp=epoch)
        with zipfile.ZipFile(path) as archive:  # genanki dates its entries now: zip again
            return zip_bytes({name: archive.read(name) for name in archive.namelist()})


ITEM = """<item ident="{id}" title="{id}"><itemmetadata><qtimetadata><qtimetadatafield>
<fieldlabel>question_type</fieldlabel><fieldentry>{kind}</fieldentry></qtimetadatafield>
<qtimetadatafield><fieldlabel>points_possible</fieldlabel><fieldentry>1</fieldentry>
</qtimetadatafield></qtimetadata></itemmetadata><presentation>{stem}{response}</presentation>
<resprocessing><outcomes><decvar maxvalue="100" minvalue="0" varname="SCORE" vartype="Decimal"/>
</outcomes>{conditions}</resprocessing>{feedback}</item>"""
NUMERIC = """<response_str ident="response1" rcardinality="Single"><render_fib fibtype="Decimal">
<response_label ident="answer1"/></render_fib></response_str>"""
CHOICES = """<response_lid ident="response1" rcardinality="{}"><render_choice>{}</render_choice>
</response_lid>"""
EQ, GTE, LTE = (f'<var{op} respident="response1">{{}}</var{op}>' for op in ("equal", "gte", "lte"))
FEEDBACK = '<itemfeedback ident="{}"><flow_mat>{}</flow_mat></itemfeedback>'
WHEN = '<respcondition continue="{2}"><conditionvar>{0}</conditionvar>{1}</respcondition>'
SHOW = '<displayfeedback feedbacktype="Response" linkrefid="{}"/>'
TEST = (
    '<questestinterop xmlns="{}"><assessment ident="{}" title="{}"><section ident="root_section">'
)
MANIFEST = """<manifest identifier="backmice-qti" xmlns="{}"><metadata><schema>IMS Content</schema>
<schemaversion>1.1.3</schemaversion></metadata><organizations/><resources>{}</resources></manifest>"""
RESOURCE = '<resource identifier="{0}" type="imsqti_xmlv1p2"><file href="{0}/{0}.xml"/></resource>'
QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CP_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"


def mat(text: str) -> str:
    """QTI material: ``text`` as an HTML paragraph, escaped for XML."""
    html_text = esc(f"<p>{esc(text, quote=False)}</p>")
    return f'<material><mattext texttype="text/html">{html_text}</mattext></material>'


def item(q: Question) -> str:
    """One QTI item as Canvas writes it: its type in the metadata, a SCORE of 0 or 100."""
    ids = [f"{q.id}-{chr(65 + i)}" for i in range(len(q.choices))]
    pairs = list(zip(ids, q.choices, strict=True))
    if q.type == "numeric":
        low, high = (number_text(q.answer + sign * q.tolerance) for sign in (-1, 1))
        response, near = NUMERIC, GTE.format(low) + LTE.format(high)
        right = f"<or>{EQ.format(number_text(q.answer))}<and>{near}</and></or>"
    else:
        labels = "".join(
            f'<response_label ident="{i}">{mat(c.text)}</response_label>' for i, c in pairs
        )
        response = CHOICES.format("Single" if q.type == "single" else "Multiple", labels)
        tests = [EQ.format(i) if c.correct else f"<not>{EQ.format(i)}</not>" for i, c in pairs]
        right = f"<and>{''.join(tests)}</and>" if q.type == "multiple" else None
        right = right or next(test for test in tests if not test.startswith("<not>"))
    texts = {"general_fb": f"{q.explanation} {q.source.sources()}"}
    texts |= {f"{i}-fb": c.feedback for i, c in pairs}
    conditions = WHEN.format("<other/>", SHOW.format("general_fb"), "Yes")
    conditions += "".join(WHEN.format(EQ.format(i), SHOW.format(f"{i}-fb"), "Yes") for i in ids)
    conditions += WHEN.format(right, '<setvar action="Set" varname="SCORE">100</setvar>', "No")
    feedback = "".join(FEEDBACK.format(i, mat(text)) for i, text in texts.items())
    kind, stem = KINDS.get(q.type, "numerical_question"), mat(q.stem)
    return ITEM.format(
        id=q.id, kind=kind, stem=stem, response=response, feedback=feedback, conditions=conditions
    )


def xml(text: str) -> bytes:
    """``text`` parsed (so it is well-formed) and written as indented UTF-8 XML."""
    root = ET.fromstring(text)
    ET.indent(root)
    ET.register_namespace("", root.tag[1:].partition("}")[0])  # xmlns="…", not ns0:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{ET.tostring(root, "unicode")}\n'.encode()


def qti(bank: list[Question]) -> bytes:
    """The QTI 1.2 package: ``imsmanifest.xml`` and one assessment per chapter."""
    files, resources = {}, ""
    for chapter, qs in chapters(bank).items():
        ident, title = f"backmice-chapter-{chapter}", f"Back Mice book: {chapter_title(chapter)}"
        items = "".join(map(item, qs)) + "</section></assessment></questestinterop>"
        files[f"{ident}/{ident}.xml"] = xml(TEST.format(QTI_NS, ident, title) + items)
        resources += RESOURCE.format(ident)
    files["imsmanifest.xml"] = xml(MANIFEST.format(CP_NS, resources))
    return zip_bytes(files)


def sheet(q: Question, key: bool) -> str:
    """A question on a sheet (boxes to tick or a blank), or in a key (answer, why, sources)."""
    top = f'<li class="q" id="{q.id}"><p>{esc(q.stem)} <span class="id">[{q.id}]</span></p>'
    if not key:
        rows = "".join(f"<li>☐ {esc(c.text)}</li>" for c in q.choices)
        how = esc(HOW.get(q.type, f"Answer: ________ {q.unit}"))
        return f'{top}<p><i>{how}</i></p><ol class="c">{rows}</ol></li>'
    rows = "".join(f"<li>{esc(c.text)}<br>{esc(c.feedback)}</li>" for c in q.choices)
    why = f'<p>{esc(q.explanation)}</p><p class="src">{esc(q.source.sources())}</p>'
    return f'{top}<p><b>Answer:</b> {esc(answer(q))}</p><ol class="c">{rows}</ol>{why}</li>'


def write(
    outdir: Path, bank: list[Question], terms: list[tuple[str, str]], epoch: int
) -> list[Path]:
    """Write every export into ``outdir``, made if missing; its parent must exist."""
    if not outdir.parent.is_dir():
        raise ValueError(f"argument 'outdir': its parent folder {outdir.parent} does not exist")
    files: dict[str, bytes | str] = {"backmice-qti.zip": qti(bank)}
    links = [("backmice.apkg", "Anki deck"), ("backmice-qti.zip", "QTI 1.2 package (Canvas)")]
    for chapter, qs in chapters(bank).items():
        for kind, key in (("questions", False), ("key", True)):
            name, title = sheet_name(chapter, kind), f"{chapter_title(chapter)}: {kind}"
            title = title.replace(": key", ": answer key")
            blank = "" if key else "<p>Name: ____________________</p>"
            files[name] = PAGE.format(
                esc(title), CSS, blank + f"<ol>{''.join(sheet(q, key) for q in qs)}</ol>"
            )
            links.append((name, title))
    for name, (title, body) in handouts.pages().items():
        files[name] = HANDOUT_PAGE.format(esc(title), CSS + handouts.CSS, body)
    items = "".join(f'<li><a href="{name}">{esc(text)}</a></li>' for name, text in links)
    sheets = "".join(
        f'<li><a href="{name}">{esc(title)}</a></li>' for name, title, *_ in handouts.HANDOUTS
    )
    body = f"<ul>{items}</ul><h2>Handouts for the guide's activities</h2><ul>{sheets}</ul>"
    files["index.html"] = PAGE.format("Exports for instructors", CSS, body)
    files["backmice.apkg"] = deck(bank, terms, epoch)  # last: make's target is the deck
    outdir.mkdir(exist_ok=True)
    for name, content in files.items():
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (outdir / name).write_bytes(data)
    return [outdir / name for name in files]


def epoch_from(environ: dict[str, str]) -> int:
    """The deck's time: ``SOURCE_DATE_EPOCH`` (whole seconds since 1970) or :data:`EPOCH`."""
    value = environ.get("SOURCE_DATE_EPOCH", "").strip() or str(EPOCH)
    if not value.isdigit():
        raise ValueError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970, got {value!r}")
    return int(value)


def main(argv: list[str]) -> int:
    """``python -m tools.exports OUTDIR``: write the exports, print each file's size."""
    if len(argv) != 1:
        print("usage: python -m tools.exports OUTDIR", file=sys.stderr)
        return 2
    try:
        paths = write(Path(argv[0]), load(), glossary(), epoch_from(dict(os.environ)))
    except ValueError as error:
        print(f"tools.exports: {error}", file=sys.stderr)
        return 1
    for path in paths:
        print(f"wrote {path} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
