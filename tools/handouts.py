"""Printable handouts for the instructor guide's activities, each with its answer key.

Written by ``tools/exports.py`` into the exports folder, from the book's data alone:

* session 1, the names-timeline hunt (``hunt-sheet.html``, ``hunt-key.html``): the
  names of ``data/names.csv`` dealt to :data:`HUNT_GROUPS` groups, oldest first, so
  that each group spans the eras; the key gives each name's year, authors, journal
  discipline and source;
* session 2, the body outline (``body-outline.html``, ``body-outline-key.html``): the
  schematic pelvis of :mod:`widgets.pelvis`, one side seen from behind, drawn in
  centimetres at 1:1, and the crossings of ``data/landmarks.csv``; the key plots each
  distance measured from the midline and lists those measured from the PSIS;
* session 3, the condition cards (``condition-cards.html``, ``condition-cards-key.html``):
  a card per condition of ``data/differential.csv``; the key places each card for the
  first sort by :func:`lump_sort` and gives the cells the other sorts rest on.

Every fact is cited as the pages cite it (``Ries, 1937``); a cell of the differential
that rests on general clinical teaching is marked with * as in the chapter's figure.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from widgets import differential, landmarks, names, pelvis
from widgets.data import citation

esc = html.escape

#: How many groups the hunt sheet deals the names to.
HUNT_GROUPS = 6
#: The guide's three questions for each name on the hunt sheet.
HUNT_QUESTIONS = (
    "What does this name assume the lump <em>is</em>: a tumour, a hernia, an "
    "inflammation, a tender area without a lump?",
    "Would that assumption push a clinician towards excision, injection or no treatment?",
    "Which name would you use in a referral letter today, and why?",
)
#: The findings of the differential that describe a lump (the first sort).
LUMP_FINDINGS = ("psis_nodule", "tender_lump", "big_deep", "punctum", "cough_bulge")
#: The finding that is the warning sign of the third sort.
WARNING_FINDING = "big_deep"
#: Extra CSS for the handouts (the sheets' CSS of ``tools/exports.py`` comes first).
CSS = """table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
th,td{border:1px solid #4d4d4d;padding:.3rem .4rem;text-align:left;vertical-align:top}
.wide{overflow-x:auto}.blank{min-width:6rem}.lines{border-bottom:1px solid #4d4d4d;height:1.6rem}
.group,.card{break-inside:avoid}.cards{display:grid;gap:.6rem;
grid-template-columns:repeat(auto-fill,minmax(15rem,1fr))}.card{border:1.5px dashed #4d4d4d;
padding:.6rem .8rem;min-height:9rem}.card h2{font-size:1.1rem;margin:0 0 .4rem}
svg{display:block;max-width:100%;height:auto;margin:.5rem 0}
.outline{break-before:page}h2{font-size:1.15rem}"""


def cite_keys(keys: Sequence[str] | None) -> str:
    """``Ries, 1937; Bicket et al., 2016`` for ``keys``; the teaching mark when none."""
    if not keys:
        return f"{differential.TEACHING} *"
    return "; ".join(citation(key) for key in keys)


# --- session 1: the names-timeline hunt ------------------------------------------------


def hunt_groups(rows: Sequence[names.NameRow] | None = None) -> list[list[names.NameRow]]:
    """The names dealt in turn to :data:`HUNT_GROUPS` groups, oldest first."""
    rows = names.load() if rows is None else list(rows)
    return [rows[start::HUNT_GROUPS] for start in range(HUNT_GROUPS) if rows[start::HUNT_GROUPS]]


def hunt_page(key: bool) -> str:
    """The hunt sheet (blanks to fill from the figure) or its key (the data, cited)."""
    head = "<tr><th>Name</th><th>Year</th><th>Authors</th><th>Journal's discipline</th>"
    head += "<th>Source</th></tr>" if key else "</tr>"
    parts = [
        "<p>Find each name in the timeline of chapter 1 (its hover labels and its "
        "<i>Text description and data</i> table). Fill in the year, the authors and the "
        "discipline of the journal where the name appeared; then answer the questions.</p>"
        if not key
        else "<p>The data of the chapter 1 timeline for each group's names. The three "
        "questions have no single right answer: they open the discussion.</p>"
    ]
    for number, group in enumerate(hunt_groups(), 1):
        rows = ""
        for row in group:
            cells = (
                f"<td>{row.year}</td><td>{esc(row.authors)}</td><td>{esc(row.discipline)}</td>"
                f"<td>{esc(cite_keys(row.source))}</td>"
                if key
                else '<td class="blank"></td>' * 3
            )
            rows += f"<tr><td>{esc(row.term)}</td>{cells}</tr>"
        questions = "".join(
            f'<li>{q}<div class="lines"></div><div class="lines"></div></li>'
            for q in HUNT_QUESTIONS
        )
        parts.append(
            f'<section class="group" id="group-{number}"><h2>Group {number}</h2>'
            f'<div class="wide"><table>{head}{rows}</table></div>'
            + ("" if key else f"<p>For each name:</p><ol>{questions}</ol>")
            + "</section>"
        )
    return "".join(parts)


# --- session 2: the body outline -------------------------------------------------------

#: The outline's window in cm: x from the midline, y up (the sheet and the key).
OUTLINE_X = (-2.5, 14.3)
OUTLINE_BOTTOM = -8.2
ROW_GAP = 0.8  # cm between the key's rows of crossings
TEXT = "#1a1a1a"
BONE = 'fill="#eeeeee" stroke="#555555" stroke-width="0.03"'


def _points(points: pelvis.Points, top: float) -> str:
    """SVG points for cm ``points`` (y up) in a drawing whose top edge is ``top`` cm."""
    return " ".join(f"{x:g},{top - y:g}" for x, y in points)


def _label(x: float, y: float, text: str, top: float, anchor: str = "start") -> str:
    """A text label at cm ``(x, y)``."""
    return (
        f'<text x="{x:g}" y="{top - y:g}" font-size="0.32" fill="{TEXT}" '
        f'text-anchor="{anchor}">{esc(text)}</text>'
    )


def midline_rows() -> list[landmarks.CrossingRow]:
    """The crossings measured from the midline, the ones the outline can place."""
    return [row for row in landmarks.load() if row.reference == "midline"]


def outline_svg(key: bool) -> str:
    """The outline at 1:1 in cm: bones only, or (key) labelled with the crossings."""
    rows = midline_rows() if key else []
    top = pelvis.ROW_BASE + ROW_GAP * len(rows) + 0.4 if key else 6.5
    (x0, x1), height = OUTLINE_X, top - OUTLINE_BOTTOM
    shapes = [
        f'<polygon points="{_points(pelvis.SACRUM, top)}" {BONE}/>',
        f'<polygon points="{_points(pelvis.ILIUM, top)}" {BONE}/>',
        f'<line x1="9" y1="{top + 7.6:g}" x2="14" y2="{top + 7.6:g}" stroke="{TEXT}" '
        'stroke-width="0.05"/>',
        _label(11.5, -7.95, "5 cm (check the print's scale)", top, "middle"),
    ]
    if key:
        crest = _points(pelvis.CREST, top)
        shapes += [
            f'<line x1="0" y1="0" x2="0" y2="{height:g}" stroke="{TEXT}" stroke-width="0.04" '
            'stroke-dasharray="0.3 0.2"/>',
            f'<polyline points="{crest}" fill="none" stroke="{TEXT}" stroke-width="0.1"/>',
            f'<circle cx="{pelvis.PSIS[0]:g}" cy="{top - pelvis.PSIS[1]:g}" r="0.22" '
            f'fill="none" stroke="{TEXT}" stroke-width="0.06"/>',
            _label(0.2, top - 0.4, "Midline", top),
            _label(pelvis.PSIS[0] + 0.35, pelvis.PSIS[1] - 0.5, "PSIS (schematic)", top),
            _label(10, 5.4, "Iliac crest", top, "middle"),
        ]
        for index, row in enumerate(rows):
            y, x = pelvis.ROW_BASE + ROW_GAP * (len(rows) - 1 - index), row.centre / 10
            low, high = row.bounds
            if low is not None:
                shapes.append(
                    f'<line x1="{low / 10:g}" y1="{top - y:g}" x2="{high / 10:g}" '
                    f'y2="{top - y:g}" stroke="{TEXT}" stroke-width="0.04"/>'
                )
            shapes += [
                f'<line x1="{x:g}" y1="{top - y:g}" x2="{x:g}" '
                f'y2="{top - pelvis.crest_height(x):.2f}" stroke="{TEXT}" stroke-width="0.02" '
                'stroke-dasharray="0.1 0.1"/>',
                f'<circle cx="{x:g}" cy="{top - y:g}" r="0.13" fill="{TEXT}"/>',
                _label(pelvis.LABEL_X, y - 0.1, _row_name(row), top),
            ]
    title = "Schematic outline of the low back, one side seen from behind, at 1:1 in cm"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{x1 - x0:g}cm" '
        f'height="{height:g}cm" viewBox="{x0:g} 0 {x1 - x0:g} {height:g}" '
        f'font-family="sans-serif"><title>{title}</title>{"".join(shapes)}</svg>'
    )


def _row_name(row: landmarks.CrossingRow) -> str:
    """A crossing's label: study, and branch when the study gave several."""
    several = sum(r.study == row.study for r in midline_rows()) > 1
    return row.study + (f", {row.branch}" if several else "")


def _crossings_table(rows: Sequence[landmarks.CrossingRow]) -> str:
    """The crossings as a cited table: study, sample, branch, from, value, source."""
    head = "<tr><th>Study</th><th>Sample</th><th>Branch</th><th>Measured from</th>"
    head += "<th>Distance</th><th>Source</th></tr>"
    body = "".join(
        f"<tr><td>{esc(r.study)}</td><td>{r.specimens} {esc(r.unit)}</td>"
        f"<td>{esc(r.branch)}</td><td>{esc(landmarks.REFERENCE_LABELS[r.reference])}</td>"
        f"<td>{esc(landmarks.value_text(r))}</td><td>{esc(cite_keys(r.source))}</td></tr>"
        for r in rows
    )
    return f'<div class="wide"><table>{head}{body}</table></div>'


#: Good answers to the third step, as the guide gives them, with their sources.
OUTLINE_REASONS = (
    ("the reference point used: the midline or the PSIS, on the skin or on bone", ()),
    ("the age of the donors: Konno's 16 cadavers had a mean age of 88", ("konno2017",)),
    ("the size of the sample", ()),
    ("differences between the sexes", ("loubser_sajaa",)),
)


def outline_page(key: bool) -> str:
    """The body-outline sheet (steps, data, blank outline) or its key (plotted, cited)."""
    rows = landmarks.load()
    steps = (
        "<ol><li>Mark the midline, the posterior superior iliac spine (PSIS) and the "
        "iliac crest on the outline.</li><li>Plot each study's crossing point measured "
        "from the midline and, where given, a band of one spread either side.</li>"
        "<li>List three reasons why the studies might differ.</li></ol>"
    )
    scale = (
        "<p>The outline is schematic (its shape is not measured) but drawn at 1:1 in "
        "centimetres: print at 100% (no <i>fit to page</i>) and a ruler gives the studies' "
        "distances. The 5 cm bar checks the scale.</p>"
    )
    if not key:
        return (
            steps
            + scale
            + _crossings_table(rows)
            + f'<div class="outline">{outline_svg(False)}</div>'
        )
    psis = [r for r in rows if r.reference == "psis"]
    reasons = "".join(
        f"<li>{esc(text)}" + (f" ({esc(cite_keys(keys))})" if keys else "") + "</li>"
        for text, keys in OUTLINE_REASONS
    )
    return (
        "<p>Each distance measured from the midline, plotted as its mean (or the middle "
        "of its range) with its spread, and dropped to the crest. The studies give no "
        "distance from the PSIS to the midline, so the PSIS is placed by eye and the "
        "distances measured from it are listed below, not plotted.</p>"
        + scale
        + f"<h2>Measured from the midline</h2>{_crossings_table(midline_rows())}"
        + f"<h2>Measured from the PSIS</h2>{_crossings_table(psis)}"
        + "<h2>Why the studies might differ</h2><p>The table mixes dissection studies "
        "with a clinical criterion, itself a teaching point. Good answers include:</p>"
        + f"<ul>{reasons}</ul>"
        + f'<div class="outline">{outline_svg(True)}</div>'
    )


# --- session 3: the condition cards ----------------------------------------------------


def _cells() -> differential.Cells:
    """The differential's rows by (condition, finding)."""
    return {(row.condition, row.feature): row for row in differential.load()}


def lump_sort(condition: str, cells: differential.Cells | None = None) -> tuple[str, list[str]]:
    """The first sort for ``condition``: ``lump``, ``sometimes`` or ``no lump``, and why.

    *Lump* when the data mark a lump finding (:data:`LUMP_FINDINGS`) typical, or a lump
    over 5 cm, deep or growing possible (a mass that may grow); *sometimes* when a lump
    finding is only possible; *no lump* otherwise. The reasons are the findings used.
    """
    if condition not in differential.CONDITIONS:
        raise ValueError(
            f"argument 'condition' must be one of {list(differential.CONDITIONS)}, "
            f"got {condition!r}"
        )
    cells = _cells() if cells is None else cells
    levels = {f: cells[(condition, f)].level for f in LUMP_FINDINGS}
    typical = [f for f, level in levels.items() if level == "typical"]
    possible = [f for f, level in levels.items() if level == "possible"]
    if typical or WARNING_FINDING in possible:
        return "lump", typical + [f for f in possible if f == WARNING_FINDING]
    if possible:
        return "sometimes", possible
    return "no lump", []


def _cell_text(row: differential.CellRow) -> str:
    """One cell as the key prints it: finding, level, note and its source."""
    mark = differential.LEVEL_MARKS[row.level]
    finding = differential.FEATURES[row.feature][1]
    note = f" {row.note}" if row.note else ""
    source = esc(cite_keys(row.source))
    return f"<li>{esc(finding)}: <b>{mark} {row.level}</b>.{esc(note)} ({source})</li>"


ANCHORS = (
    (
        "How deep, and how it feels: back mice are rubbery and lie in the deeper layer of "
        "fat under the skin, above the fascia; lipomas are softer and more superficial; "
        "skin cysts are superficial and round",
        ("curtis2000",),
    ),
    ("A lump beneath the fascia or fixed to it is a warning sign", ("tan2025softtissue",)),
    (
        "How urgent: one clinical review advises urgent ultrasound for an unexplained lump "
        "larger than a golf ball (about 4.3 cm) or one that is growing",
        ("eastley2016sarcoma",),
    ),
)


def cards_page(key: bool) -> str:
    """A card per condition to cut out, or the key: sorts and findings, cited."""
    if not key:
        cards = "".join(
            f'<div class="card"><h2>{esc(condition)}</h2><p>Lump? ______________</p>'
            "<p>Depth and feel: ______________</p><p>Urgency: ______________</p></div>"
            for condition in differential.CONDITIONS
        )
        return (
            "<p>Cut along the dashed lines. Sort the cards three times: is there a lump "
            "(lump, sometimes, no lump)? How deep, and how does it feel? How urgent "
            f'(routine, soon, urgent)?</p><div class="cards">{cards}</div>'
        )
    cells = _cells()
    anchors = "".join(f"<li>{esc(text)} ({esc(cite_keys(keys))}).</li>" for text, keys in ANCHORS)
    parts = [
        "<p>From the chapter 3 differential (++ typical, + possible, − atypical, "
        "? unknown; * general clinical teaching, no citation). Educational, not "
        "diagnostic.</p><p><b>First sort.</b> <i>Lump</i> when the data mark a lump "
        "finding typical, or a lump over 5 cm, deep or growing possible; "
        "<i>sometimes</i> when a lump finding is only possible; <i>no lump</i> "
        "otherwise.</p><p><b>Second and third sorts.</b> The data hold no single answer; "
        f"use the guide's anchors, and each card's warning-sign cell below.</p><ul>{anchors}</ul>"
    ]
    for condition in differential.CONDITIONS:
        placement, used = lump_sort(condition, cells)
        why = "".join(_cell_text(cells[(condition, f)]) for f in used) or (
            "<li>Every lump finding is atypical or unknown.</li>"
        )
        typical = [
            cells[(condition, f)]
            for f in differential.FEATURES
            if cells[(condition, f)].level == "typical"
        ]
        points = "".join(map(_cell_text, typical)) or "<li>No finding is marked typical.</li>"
        warning = _cell_text(cells[(condition, WARNING_FINDING)])
        parts.append(
            f'<section class="card"><h2>{esc(condition)}</h2>'
            f"<p><b>First sort: {placement}.</b></p><ul>{why}</ul>"
            f"<p><b>Warning sign.</b></p><ul>{warning}</ul>"
            f"<p><b>What points to it.</b></p><ul>{points}</ul></section>"
        )
    return "".join(parts)


#: Each handout: file name, title, and the function that writes its body (key or not).
HANDOUTS = (
    ("hunt-sheet.html", "Session 1: names-timeline hunt", hunt_page, False),
    ("hunt-key.html", "Session 1: names-timeline hunt, answer key", hunt_page, True),
    ("body-outline.html", "Session 2: body outline", outline_page, False),
    ("body-outline-key.html", "Session 2: body outline, answer key", outline_page, True),
    ("condition-cards.html", "Session 3: condition cards", cards_page, False),
    ("condition-cards-key.html", "Session 3: condition cards, answer key", cards_page, True),
)


def pages() -> dict[str, tuple[str, str]]:
    """Every handout: file name -> (title, body HTML)."""
    return {name: (title, write(key)) for name, title, write, key in HANDOUTS}
