"""Differential-diagnosis explorer: which conditions fit a presenting finding (chapter 3).

``data/differential.csv`` is a matrix of conditions × clinical findings. Each row is
one cell: how well the finding fits the condition (``level``: typical, possible,
atypical or unknown) and on what ``basis``: either ``cited`` with references.bib
keys in ``source``, or ``general clinical teaching`` with ``source`` left empty. A
short ``note`` says what the source (or the teaching) states.

The ranking used by :func:`rank` and :func:`app` is a teaching device, not a
diagnostic rule: every ticked finding adds 2 points to a condition where it is
typical, 1 where it is possible, 0 where it is unknown and takes 1 away where it is
atypical (see :data:`SCORES`). It is educational, not diagnostic.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any, Literal

import plotly.graph_objects as go

from . import style
from .data import Cites, DataError, Model, citation, load_rows, require, row_model
from .options import Interactive, Option
from .render import BookFigure

CONDITIONS: tuple[str, ...] = (
    "Back mouse (episacral lipoma)",
    "Lipoma",
    "Angiolipoma",
    "Liposarcoma",
    "Epidermoid (sebaceous) cyst",
    "Lumbar hernia (Petit or Grynfeltt)",
    "Superior cluneal nerve entrapment",
    "Middle cluneal nerve entrapment",
    "Iliac crest pain syndrome (trigger point)",
    "Sacroiliac joint pain",
    "Facet joint pain",
    "Lumbar radiculopathy",
    "Greater trochanteric pain syndrome",
)

#: Row labels for the figure (two lines each, so the matrix keeps its width).
SHORT_CONDITIONS: dict[str, str] = {
    "Back mouse (episacral lipoma)": "Back mouse<br>(episacral lipoma)",
    "Lipoma": "Lipoma",
    "Angiolipoma": "Angiolipoma",
    "Liposarcoma": "Liposarcoma",
    "Epidermoid (sebaceous) cyst": "Epidermoid<br>(sebaceous) cyst",
    "Lumbar hernia (Petit or Grynfeltt)": "Lumbar hernia<br>(Petit, Grynfeltt)",
    "Superior cluneal nerve entrapment": "Superior cluneal<br>nerve entrapment",
    "Middle cluneal nerve entrapment": "Middle cluneal<br>nerve entrapment",
    "Iliac crest pain syndrome (trigger point)": "Iliac crest pain<br>syndrome",
    "Sacroiliac joint pain": "Sacroiliac<br>joint pain",
    "Facet joint pain": "Facet joint pain",
    "Lumbar radiculopathy": "Lumbar<br>radiculopathy",
    "Greater trochanteric pain syndrome": "Greater trochanteric<br>pain syndrome",
}

#: Findings: identifier -> (column label, full wording).
FEATURES: dict[str, tuple[str, str]] = {
    "psis_nodule": ("Mobile nodule near PSIS", "A mobile, rubbery nodule near the PSIS"),
    "tender_lump": ("Tender lump", "A lump that is tender to press"),
    "big_deep": ("Over 5 cm, deep or growing", "A lump over 5 cm, deep to the fascia or growing"),
    "punctum": ("Skin-attached, punctum", "A lump attached to the skin with a central punctum"),
    "cough_bulge": ("Bulge on coughing", "A reducible bulge that grows with coughing or straining"),
    "crest_point": (
        "Crest point ~7 cm",
        "A tender point on the iliac crest about 7 cm from the midline",
    ),
    "injection": (
        "Relief from anaesthetic",
        "Pain relieved by local anaesthetic injected at the tender spot",
    ),
    "thigh_only": ("Leg pain stops above knee", "Leg symptoms that stop above the knee"),
    "below_knee": (
        "Below knee + neuro signs",
        "Pain below the knee in a dermatome, with neurological signs",
    ),
    "si_tests": ("SI provocation tests", "Pain on sacroiliac provocation tests"),
    "trochanter": ("Trochanter tender", "Tenderness over the greater trochanter"),
}

LEVELS: tuple[str, ...] = ("typical", "possible", "atypical", "unknown")
CITED = "cited"
TEACHING = "general clinical teaching"
BASES: tuple[str, ...] = (CITED, TEACHING)

#: Points a ticked finding adds to a condition, by level.
SCORES: dict[str, int] = {"typical": 2, "possible": 1, "unknown": 0, "atypical": -1}

#: Text shown in each cell (the level, so the figure never relies on colour alone).
LEVEL_MARKS: dict[str, str] = {"typical": "++", "possible": "+", "atypical": "−", "unknown": "?"}
TEACHING_MARK = "*"

#: Okabe-Ito colours per level, and the faded versions used for rows that do not fit.
LEVEL_COLOURS: dict[str, str] = {
    "typical": "#0072B2",
    "possible": "#56B4E9",
    "atypical": "#F5CF7F",  # Okabe-Ito orange (#E69F00) lightened, so the fits stand out
    "unknown": "#EEEEEE",
}
FADE = 0.75  # share of white mixed into a faded cell

NO_FINDING = "none"
FIT = ("typical", "possible")  # levels at which a condition "fits" a presenting finding

# Pixel offsets above the top of the matrix (the column labels take the first ~135 px).
STATUS_SHIFT = 142
MENU_SHIFT = 172

FILENAME = "data/differential.csv"
NOT_DIAGNOSTIC = (
    "Educational, not diagnostic — see a clinician. Only a clinician who examines you "
    "can diagnose a lump or a pain."
)


@row_model
class CellRow(Model):
    """One cell of the matrix: how well a finding fits a condition, and on what basis."""

    UNIQUE = ("condition", "feature")

    condition: Literal[*CONDITIONS]
    feature: Literal[*FEATURES]
    level: Literal[*LEVELS]
    basis: Literal[*BASES]
    source: Cites | None
    note: str | None

    def check(self) -> None:
        """``basis`` is ``cited`` exactly when ``source`` holds a key."""
        if self.basis == CITED:
            require(self.source is not None, "source", "basis is 'cited' but no source is given")
        else:
            require(
                self.source is None,
                "source",
                f"basis is {TEACHING!r}, so source must be empty "
                "(use basis 'cited' for a citation)",
            )


def complete(rows: list[CellRow], filename: str = FILENAME) -> list[CellRow]:
    """``rows`` if every condition × finding pair has a row, else a :class:`DataError`."""
    seen = {(row.condition, row.feature) for row in rows}
    missing = [(c, f) for c in CONDITIONS for f in FEATURES if (c, f) not in seen]
    if missing:
        condition, feature = missing[0]
        raise DataError(
            f"{filename}: no row for condition {condition!r} and feature {feature!r} "
            f"({len(missing)} cells missing)"
        )
    return rows


def load() -> list[CellRow]:
    """The validated rows of ``data/differential.csv``; every cell of the matrix is present."""
    return complete(load_rows("differential", CellRow))


def _cells(rows: Iterable[CellRow]) -> dict[tuple[str, str], CellRow]:
    """The rows keyed by (condition, feature)."""
    return {(row.condition, row.feature): row for row in rows}


def check_findings(findings: Sequence[str]) -> list[str]:
    """``findings`` as a list without repeats, if every entry is a known finding; else raise."""
    if isinstance(findings, str) or not isinstance(findings, Sequence):
        raise ValueError(
            f"argument 'findings' must be a sequence of findings from {list(FEATURES)}, "
            f"got {findings!r}"
        )
    for finding in findings:
        if not isinstance(finding, str) or finding not in FEATURES:
            raise ValueError(
                f"argument 'findings' must contain only {list(FEATURES)}, got {finding!r}"
            )
    return list(dict.fromkeys(findings))


def rank(findings: Sequence[str]) -> list[tuple[str, int]]:
    """Every condition with its score for ``findings``, best fit first.

    A finding scores 2 where it is typical, 1 where possible, 0 where unknown and
    -1 where atypical (:data:`SCORES`). Ties keep the order of :data:`CONDITIONS`.
    This is a teaching aid, not a diagnostic rule.
    """
    chosen = check_findings(findings)
    cells = _cells(load())
    scores = [
        (condition, sum(SCORES[cells[(condition, f)].level] for f in chosen))
        for condition in CONDITIONS
    ]
    return sorted(scores, key=lambda item: -item[1])


def _basis_text(row: CellRow) -> str:
    """The basis of one cell for hover text and tables."""
    if row.basis == TEACHING:
        return "general clinical teaching * (no citation)"
    return "<br>".join(citation(key) for key in row.source)


def _hover(row: CellRow) -> str:
    """Hover text for one cell: level, basis and note (the template adds the rest)."""
    parts = [
        f"Level: <b>{row.level}</b>",
        f"Basis: {_basis_text(row)}",
    ]
    if row.note:
        parts.append(style.wrap_hover(html.escape(row.note, quote=False)))
    return "<br>".join(parts)


def _cell_text(row: CellRow) -> str:
    """The symbol printed in a cell, starred for general clinical teaching."""
    mark = TEACHING_MARK if row.basis == TEACHING else ""
    return LEVEL_MARKS[row.level] + mark


def _fade(colour: str) -> str:
    """``colour`` mixed with white (for rows that do not fit the chosen finding)."""
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(c + (255 - c) * FADE) for c in rgb]
    return "#" + "".join(f"{c:02X}" for c in mixed)


def _colourscale() -> list[list[Any]]:
    """A stepped scale: z 0-3 are the levels, z 4-7 their faded versions."""
    colours = [LEVEL_COLOURS[level] for level in LEVELS]
    colours += [_fade(colour) for colour in colours]
    steps = len(colours)
    scale: list[list[Any]] = []
    for i, colour in enumerate(colours):
        scale.append([i / steps, colour])
        scale.append([(i + 1) / steps, colour])
    return scale


def fits(cells: dict[tuple[str, str], CellRow], finding: str) -> list[bool]:
    """For each condition, whether ``finding`` is typical or possible there."""
    if finding == NO_FINDING:
        return [True] * len(CONDITIONS)
    return [cells[(condition, finding)].level in FIT for condition in CONDITIONS]


def _z(cells: dict[tuple[str, str], CellRow], finding: str) -> list[list[int]]:
    """The colour index of every cell; rows that do not fit ``finding`` are faded."""
    bright = fits(cells, finding)
    return [
        [
            LEVELS.index(cells[(condition, feature)].level) + (0 if bright[i] else len(LEVELS))
            for feature in FEATURES
        ]
        for i, condition in enumerate(CONDITIONS)
    ]


def _ticktext(cells: dict[tuple[str, str], CellRow], finding: str) -> list[str]:
    """Row labels; rows that fit the chosen finding are bold and marked with ▶."""
    if finding == NO_FINDING:
        return [SHORT_CONDITIONS[c] for c in CONDITIONS]
    bright = fits(cells, finding)
    return [
        f"<b>▶ {SHORT_CONDITIONS[c]}</b>" if bright[i] else SHORT_CONDITIONS[c]
        for i, c in enumerate(CONDITIONS)
    ]


def _status(cells: dict[tuple[str, str], CellRow], finding: str, narrow: bool = False) -> str:
    """What the current view shows, above the matrix (two lines on a phone)."""
    gap = "<br>" if narrow else " "
    if finding == NO_FINDING:
        return f"All conditions shown.{gap}Pick a presenting finding to see which fit."
    count = sum(fits(cells, finding))
    label = FEATURES[finding][0]
    fit = f"{count} of {len(CONDITIONS)} conditions fit (▶ bold rows)"
    return f"Finding: <b>{label}</b> —{gap}{fit}"


EDUCATIONAL = "<b>Educational, not diagnostic</b> — see a clinician about any lump or pain."
EDUCATIONAL_NARROW = (
    "<b>Educational, not diagnostic</b> —<br>see a clinician about any lump or pain."
)
TEACHING_NOTE = "* general clinical teaching (no citation). Hover a cell for its basis."


def _column_box(finding: str) -> list[dict[str, Any]]:
    """A thick outline around the chosen finding's column (hidden for no finding)."""
    i = 0 if finding == NO_FINDING else list(FEATURES).index(finding)
    return [
        {
            "type": "rect",
            "visible": finding != NO_FINDING,
            "xref": "x",
            "yref": "y",
            "x0": i - 0.5,
            "x1": i + 0.5,
            "y0": -0.5,
            "y1": len(CONDITIONS) - 0.5,
            "line": {"color": style.TEXT, "width": 3},
            "fillcolor": "rgba(0,0,0,0)",
        }
    ]


def _legend_traces() -> list[go.Scatter]:
    """Invisible traces that give the legend one square per level."""
    return [
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            name=f"{LEVEL_MARKS[level]} {level}",
            marker={
                "symbol": "square",
                "size": 14,
                "color": LEVEL_COLOURS[level],
                "line": {"width": 1, "color": style.TEXT},
            },
            hoverinfo="skip",
        )
        for level in LEVELS
    ]


def _note(text: str, y: float, shift: int, size: int) -> dict[str, Any]:
    """A line of text ``shift`` pixels above (or below) the top (or bottom) of the matrix."""
    anchor = "bottom" if shift > 0 else "top"
    return {"text": text, "y": y, "yshift": shift, "yanchor": anchor, "font": {"size": size}}


def _basis_label(row: CellRow) -> str:
    """The basis for the data table, starred for general clinical teaching."""
    return row.basis if row.basis == CITED else f"{row.basis} *"


def _caption(rows: list[CellRow]) -> str:
    """The caption, with the number of cited cells counted from the rows."""
    cited = sum(1 for row in rows if row.basis == CITED)
    return (
        f"How {len(FEATURES)} clinical findings fit {len(CONDITIONS)} conditions that can "
        "mimic a back mouse: ++ typical, + possible, − atypical, ? unknown. "
        f"{cited} of {len(rows)} cells cite a source (hover to see it); cells marked * "
        "rest on general clinical teaching, not on a citation. Pick a presenting finding: "
        "conditions where it is typical or possible stay bright. Educational, not "
        "diagnostic: a lump or pain needs a clinician's examination."
    )


def _alt(cells: dict[tuple[str, str], CellRow]) -> str:
    """Alt text from the cells: for each finding, the conditions it is typical of."""
    parts = []
    for feature, (_, full) in FEATURES.items():
        typical = [c for c in CONDITIONS if cells[(c, feature)].level == "typical"]
        if typical:
            parts.append(f"{full}: typical of {', '.join(typical)}")
    return (
        f"Matrix of {len(CONDITIONS)} conditions (rows) by {len(FEATURES)} findings "
        f"(columns), each cell typical, possible, atypical or unknown. {'. '.join(parts)}. "
        "The full matrix is in the table."
    )


def _heatmap(cells: dict[tuple[str, str], CellRow], finding: str, size: int) -> go.Heatmap:
    """The matrix: one coloured, labelled cell per condition and finding."""
    features = list(FEATURES)
    return go.Heatmap(
        z=_z(cells, finding),
        x=[FEATURES[f][1] for f in features],
        y=list(CONDITIONS),
        text=[[_cell_text(cells[(c, f)]) for f in features] for c in CONDITIONS],
        texttemplate="%{text}",
        textfont={"size": size},
        hovertext=[[_hover(cells[(c, f)]) for f in features] for c in CONDITIONS],
        hovertemplate="<b>%{y}</b><br>%{x}<br>%{hovertext}<extra></extra>",
        colorscale=_colourscale(),
        zmin=-0.5,  # each integer z sits in the middle of its colour step
        zmax=2 * len(LEVELS) - 0.5,
        showscale=False,
        hoverlabel={"align": "left"},
        xgap=2,
        ygap=2,
        name="Fit",
        showlegend=False,
    )


def draw(finding: str = NO_FINDING, narrow: bool = False) -> BookFigure:
    """The matrix with one presenting ``finding`` picked (no controls)."""
    rows = load()
    cells = _cells(rows)
    features = list(FEATURES)
    heatmap = _heatmap(cells, finding, 11 if narrow else 15)
    small, text = (9, 10) if narrow else (12, 13)  # font sizes of labels and notes
    fig = BookFigure(
        data=[heatmap, *_legend_traces()],
        caption=_caption(rows),
        alt=_alt(cells),
        columns=("Condition", "Finding", "Level", "Basis", "Source", "Note"),
        rows=[
            (r.condition, FEATURES[r.feature][1], r.level, _basis_label(r), r.source, r.note)
            for r in rows
        ],
    )
    fig.update_layout(
        template=style.template(),
        height=820 if narrow else 900,  # narrow: 270 + 350 + 200
        title=style.title("Which conditions fit a presenting finding?", narrow, y=0.985),
        xaxis={
            "side": "top",
            "tickvals": [FEATURES[f][1] for f in features],
            "ticktext": [FEATURES[f][0] for f in features],
            "tickangle": -90 if narrow else -45,
            "tickfont": {"size": small},
            "showgrid": False,
            "automargin": True,
            "range": [-0.5, len(features) - 0.5],
            "fixedrange": True,
        },
        yaxis={
            "tickvals": list(CONDITIONS),
            "ticktext": _ticktext(cells, finding),
            "autorange": "reversed",
            "tickfont": {"size": small},
            "showgrid": False,
            "automargin": not narrow,
            "fixedrange": True,
        },
        shapes=_column_box(finding),
        annotations=[
            _note(_status(cells, finding, narrow), 1, STATUS_SHIFT, text),
            _note(EDUCATIONAL_NARROW if narrow else EDUCATIONAL, 0, -44, text),
            _note(
                TEACHING_NOTE.replace(". ", ".<br>") if narrow else TEACHING_NOTE,
                0,
                -74 if narrow else -66,
                small,
            ),
        ],
        legend={
            "y": -120 / 350 if narrow else 0,  # on a phone below the notes (plot 350 px)
            "yanchor": "top",
            "font": {"size": text},
            "itemclick": False,
            "itemdoubleclick": False,
        },
        margin={"t": 270, "b": 200 if narrow else 100, "l": 100 if narrow else 10, "r": 10},
        plot_bgcolor="#ffffff",
    )
    return fig


def ranking_html(findings: Sequence[str]) -> str:
    """The ranked list for ``findings`` as HTML, with the not-diagnostic note."""
    chosen = check_findings(findings)
    note = (
        '<p style="border:2px solid #D55E00;padding:0.5em;font-weight:bold">'
        f"{html.escape(NOT_DIAGNOSTIC)}</p>"
    )
    scoring = (
        "<p>Score per ticked finding: typical +2, possible +1, unknown 0, atypical −1. "
        "The score is a teaching device, not a probability.</p>"
    )
    if not chosen:
        return note + scoring + "<p>Tick one or more findings to rank the conditions.</p>"
    ticked = "; ".join(html.escape(FEATURES[f][1]) for f in chosen)
    items = "".join(
        f"<li>{html.escape(condition)} — score {str(score).replace('-', '−')}</li>"
        for condition, score in rank(chosen)
    )
    return f"{note}{scoring}<p>Findings ticked: {ticked}.</p><ol>{items}</ol>"


OPTIONS = {
    "finding": Option(
        (NO_FINDING, *FEATURES),
        "Presenting finding",
        labels=("No finding chosen", *(full for _, full in FEATURES.values())),
        place={"y": 1.0, "pad": {"b": MENU_SHIFT}, "font": {"size": 12}, "direction": "down"},
        narrow={
            "labels": ("No finding chosen", *(short for short, _ in FEATURES.values())),
            "place": {
                "y": 1.0,
                "pad": {"b": MENU_SHIFT},
                "font": {"size": 11},
                "direction": "down",
            },
        },
    )
}
MATRIX = Interactive(draw, OPTIONS)


def figure(finding: str = NO_FINDING) -> BookFigure:
    """The conditions × findings matrix, with a dropdown of presenting findings.

    ``finding`` (a key of :data:`FEATURES`, or ``"none"``) picks the finding shown
    first: conditions where it is typical or possible keep their colours and get a
    bold ▶ label; the rest fade. The figure's own dropdown changes it in the browser
    without a kernel. Educational, not diagnostic.
    """
    return MATRIX.figure(finding=finding)


def _ranking(findings: Sequence[str]) -> Any:
    """The live app's render function: ticked findings in, ranked HTML out."""
    from IPython.display import HTML

    return HTML(ranking_html(findings))


RANKING = Interactive(
    _ranking,
    {
        "findings": Option(
            tuple(FEATURES), "Findings", "checkboxes", tuple(full for _, full in FEATURES.values())
        )
    },
)


def app() -> Any:
    """Live version: one checkbox per finding and a ranked list (needs a kernel).

    ``app.result`` is an ``IPython.display.HTML`` whose ``.data`` holds the ranking.
    Educational, not diagnostic.
    """
    return RANKING.app("Rank the conditions that fit your findings", {"findings": ()})
