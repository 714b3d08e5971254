"""Differential-diagnosis explorer: which conditions fit a presenting finding (chapter 3).

One row of ``data/differential.csv`` per condition × finding (:class:`CellRow`).
:func:`rank` adds up :data:`SCORES`, a teaching device: educational, not diagnostic.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any, Literal

import plotly.graph_objects as go

from . import style
from .checks import check_subset
from .data import Cites, DataError, Model, load_rows, require, row_model
from .forest import legend_key
from .options import Interactive, Option
from .render import BookFigure

#: The conditions in row order, with a row label where it is set by hand (None: the name
#: wrapped at 18 characters).
ROW_LABELS: dict[str, str | None] = {
    "Back mouse (episacral lipoma)": None,
    "Lipoma": None,
    "Angiolipoma": None,
    "Liposarcoma": None,
    "Epidermoid (sebaceous) cyst": None,
    "Lumbar hernia (Petit or Grynfeltt)": "Lumbar hernia<br>(Petit, Grynfeltt)",
    "Superior cluneal nerve entrapment": None,
    "Middle cluneal nerve entrapment": None,
    "Iliac crest pain syndrome (trigger point)": "Iliac crest pain<br>syndrome",
    "Sacroiliac joint pain": "Sacroiliac<br>joint pain",
    "Facet joint pain": None,
    "Lumbar radiculopathy": None,
    "Greater trochanteric pain syndrome": "Greater trochanteric<br>pain syndrome",
}
CONDITIONS: tuple[str, ...] = tuple(ROW_LABELS)

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

SHORT, FULL = zip(*FEATURES.values(), strict=True)  # column labels, full wordings

LEVELS: tuple[str, ...] = ("typical", "possible", "atypical", "unknown")
#: Per level: points a ticked finding adds, the text in a cell (so colour is never needed
#: alone) and its Okabe-Ito colour (orange lightened, so the fits stand out).
SCORES: dict[str, int] = dict(zip(LEVELS, (2, 1, -1, 0), strict=True))
LEVEL_MARKS: dict[str, str] = dict(zip(LEVELS, ("++", "+", "−", "?"), strict=True))
#: Where cells are too slim for a mark beside another (small screens), one mark per line.
STACKED: dict[str, str] = {
    mark + star: "<br>".join(mark + star)
    for mark in LEVEL_MARKS.values()
    for star in ("", "*")
    if len(mark + star) > 1
}
LEVEL_COLOURS: dict[str, str] = dict(
    zip(LEVELS, ("#0072B2", "#56B4E9", "#F5CF7F", "#EEEEEE"), strict=True)
)
#: Heatmap colours by z: 0-3 the levels, 4-7 the same faded (75% white mixed in).
COLOURS: list[str] = [
    *LEVEL_COLOURS.values(),
    *(
        "#" + bytes(round(c + (255 - c) * 0.75) for c in bytes.fromhex(h[1:])).hex().upper()
        for h in LEVEL_COLOURS.values()
    ),
]
CITED = "cited"
TEACHING = "general clinical teaching"
#: The basis as the data table shows it: * marks the cells that cite nothing.
BASIS_LABELS: dict[str, str] = {CITED: CITED, TEACHING: f"{TEACHING} *"}
NO_FINDING = "none"
FIT = ("typical", "possible")  # levels at which a condition "fits" a presenting finding


@row_model
class CellRow(Model):
    """One cell of the matrix: how well a finding fits a condition, and on what basis."""

    UNIQUE = ("condition", "feature")

    condition: Literal[*CONDITIONS]
    feature: Literal[*FEATURES]
    level: Literal[*LEVELS]
    basis: Literal[CITED, TEACHING]
    source: Cites | None
    note: str | None

    def check(self) -> None:
        """``basis`` is ``cited`` exactly when ``source`` holds a key."""
        if self.basis == CITED:
            require(self.source is not None, "source", "basis is 'cited' but no source is given")
        else:
            why = f"basis is {TEACHING!r}, so source must be empty (use 'cited' for a citation)"
            require(self.source is None, "source", why)


Cells = dict[tuple[str, str], CellRow]  # rows keyed by (condition, feature)


def complete(rows: list[CellRow], filename: str = "data/differential.csv") -> list[CellRow]:
    """``rows`` if every condition × finding pair has a row, else a :class:`DataError`."""
    seen = {(row.condition, row.feature) for row in rows}
    missing = [(c, f) for c in CONDITIONS for f in FEATURES if (c, f) not in seen]
    if missing:
        raise DataError(
            f"{filename}: no row for condition {missing[0][0]!r} and feature "
            f"{missing[0][1]!r} ({len(missing)} cells missing)"
        )
    return rows


def load() -> list[CellRow]:
    """The validated rows of ``data/differential.csv``; every cell of the matrix is present."""
    return complete(load_rows("differential", CellRow))


def rank(findings: Sequence[str]) -> list[tuple[str, int]]:
    """Every condition with its :data:`SCORES` sum for ``findings``, best fit first (stable)."""
    empty = isinstance(findings, (list, tuple)) and not findings
    chosen = () if empty else check_subset("findings", findings, tuple(FEATURES))
    scores = dict.fromkeys(CONDITIONS, 0)
    for row in load():
        if row.feature in chosen:
            scores[row.condition] += SCORES[row.level]
    return sorted(scores.items(), key=lambda item: -item[1])


def _hover(row: CellRow) -> str:
    """Hover text for one cell: level, basis and note (the template adds the rest)."""
    basis = row.source.lines() if row.source else f"{TEACHING} * (no citation)"
    note = "<br>" + style.wrap_hover(html.escape(row.note, quote=False)) if row.note else ""
    return f"Level: <b>{row.level}</b><br>Basis: {basis}{note}"


def _traces(cells: Cells, finding: str, size: int) -> tuple[list[go.Trace], list[bool]]:
    """The heatmap and a legend square per level; and which conditions fit ``finding``."""
    grid = [[cells[(c, f)] for f in FEATURES] for c in CONDITIONS]
    bright = [finding == NO_FINDING or cells[(c, finding)].level in FIT for c in CONDITIONS]
    heatmap = go.Heatmap(
        z=[
            [LEVELS.index(r.level) + len(LEVELS) * (not fit) for r in line]
            for line, fit in zip(grid, bright, strict=True)
        ],
        x=list(FULL),
        y=list(CONDITIONS),
        text=[[LEVEL_MARKS[r.level] + "*" * (r.basis == TEACHING) for r in line] for line in grid],
        texttemplate="%{text}",
        textfont={"size": size},
        hovertext=[[_hover(r) for r in line] for line in grid],
        hovertemplate="<b>%{y}</b><br>%{x}<br>%{hovertext}<extra></extra>",
        hoverlabel={"align": "left"},
        colorscale=[[(i + j) / len(COLOURS), c] for i, c in enumerate(COLOURS) for j in (0, 1)],
        zmin=-0.5,  # each integer z sits in the middle of its colour step
        zmax=len(COLOURS) - 0.5,
        showscale=False,
        xgap=2,
        ygap=2,
        name="Fit",
        showlegend=False,
    )
    square = {"size": 14, "line": {"width": 1, "color": style.TEXT}}
    legend = [
        legend_key(f"{LEVEL_MARKS[level]} {level}", "square", colour).update(marker=square)
        for level, colour in LEVEL_COLOURS.items()
    ]
    return [heatmap, *legend], bright


def _texts(rows: list[CellRow], cells: Cells) -> dict[str, Any]:
    """Caption (cited cells counted), alt text (typical conditions per finding) and table."""
    typical = {
        full: [c for c in CONDITIONS if cells[(c, f)].level == "typical"]
        for f, (_, full) in FEATURES.items()
    }
    fits = ". ".join(f"{full}: typical of {', '.join(cs)}" for full, cs in typical.items() if cs)
    return {
        "caption": (
            f"How {len(FEATURES)} clinical findings fit {len(CONDITIONS)} conditions that can "
            "mimic a back mouse: ++ typical, + possible, − atypical, ? unknown. "
            f"{sum(r.basis == CITED for r in rows)} of {len(rows)} cells cite a source (hover "
            "to see it); cells marked * rest on general clinical teaching, not on a citation. "
            "Educational, not diagnostic: a lump or pain needs a clinician's examination."
        ),
        "alt": (
            f"Matrix of {len(CONDITIONS)} conditions (rows) by {len(FEATURES)} findings "
            f"(columns), each cell typical, possible, atypical or unknown. {fits}. "
            "The full matrix is in the table."
        ),
        "columns": ("Condition", "Finding", "Level", "Basis", "Source", "Note"),
        "rows": [
            (r.condition, FEATURES[r.feature][1], r.level, BASIS_LABELS[r.basis], r.source, r.note)
            for r in rows
        ],
    }


def draw(finding: str) -> BookFigure:
    """The matrix with one presenting ``finding`` picked (no controls)."""
    rows = load()
    cells = {(row.condition, row.feature): row for row in rows}
    traces, bright = _traces(cells, finding, 15)
    fig = BookFigure(data=traces, short=STACKED, **_texts(rows, cells))
    chosen = finding != NO_FINDING
    status = "All conditions shown. Pick a presenting finding to see which fit."
    if chosen:
        fit = f"{sum(bright)} of {len(CONDITIONS)} conditions fit (▶ bold rows)"
        status = f"Finding: <b>{FEATURES[finding][0]}</b> — {fit}"
    labels = [ROW_LABELS[c] or style.wrap_hover(c, 18) for c in CONDITIONS]
    ticks = [f"<b>▶ {t}</b>" if chosen and on else t for t, on in zip(labels, bright, strict=True)]
    column = list(FEATURES).index(finding) if chosen else 0
    small, text = 12, 13  # font sizes of labels and notes
    warning = "<b>Educational, not diagnostic</b> — see a clinician about any lump or pain."
    key = f"* {TEACHING} (no citation). Hover a cell for its basis."
    # text, pixels above the matrix (below it if negative), font size
    notes = [(status, 142, text), (warning, -44, text), (key, -66, small)]
    axis = {"tickfont": {"size": small}, "showgrid": False, "fixedrange": True}
    fig.update_layout(
        height=900,
        title={"text": "Which conditions fit a presenting finding?", "y": 0.985},
        xaxis={
            **axis,
            "side": "top",
            "tickvals": list(FULL),
            "ticktext": list(SHORT),
            "tickangle": -45,
            "automargin": True,
            "range": [-0.5, len(FEATURES) - 0.5],
        },
        yaxis={
            **axis,
            "tickvals": list(CONDITIONS),
            "ticktext": ticks,
            "autorange": "reversed",
            "automargin": True,
        },
        shapes=[  # a thick outline around the chosen finding's column
            {
                "type": "rect",
                "visible": chosen,
                "xref": "x",
                "yref": "y",
                "x0": column - 0.5,
                "x1": column + 0.5,
                "y0": -0.5,
                "y1": len(CONDITIONS) - 0.5,
                "line": {"color": style.TEXT, "width": 3},
                "fillcolor": "rgba(0,0,0,0)",
            }
        ],
        annotations=[
            {"text": note, "yshift": shift, "font": {"size": size}}
            | ({"y": 1, "yanchor": "bottom"} if shift > 0 else {"y": 0, "yanchor": "top"})
            for note, shift, size in notes
        ],
        legend={
            "y": 0,
            "yanchor": "top",
            "font": {"size": text},
            "itemclick": False,
            "itemdoubleclick": False,
        },
        margin={"t": 270, "b": 100, "l": 10, "r": 10},
        plot_bgcolor="#ffffff",
    )
    return fig


def ranking_html(findings: Sequence[str]) -> str:
    """The ranked list for ``findings`` as HTML, with the not-diagnostic note."""
    ranking = rank(findings)
    page = (
        '<p style="border:2px solid #D55E00;padding:0.5em;font-weight:bold">Educational, not '
        "diagnostic — see a clinician. Only a clinician who examines you can diagnose a lump "
        "or a pain.</p><p>Score per ticked finding: typical +2, possible +1, unknown 0, "
        "atypical −1. The score is a teaching device, not a probability.</p>"
    )
    if not findings:
        return page + "<p>Tick one or more findings to rank the conditions.</p>"
    ticked = "; ".join(html.escape(FEATURES[f][1]) for f in dict.fromkeys(findings))
    items = "".join(
        f"<li>{html.escape(c)} — score {str(s).replace('-', '−')}</li>" for c, s in ranking
    )
    return f"{page}<p>Findings ticked: {ticked}.</p><ol>{items}</ol>"


MENU = {"y": 1.0, "pad": {"b": 172}, "font": {"size": 12}, "direction": "down"}
FINDING = Option(
    (NO_FINDING, *FEATURES),
    "Presenting finding",
    NO_FINDING,
    labels=("No finding chosen", *FULL),
    place=MENU,
    short=("No finding chosen", *SHORT),
)
MATRIX = Interactive(draw, {"finding": FINDING})
figure = MATRIX.entry(
    "The matrix with a dropdown of presenting findings: rows that fit one stay bright."
)


def app() -> Any:
    """Live version: a checkbox per finding and the ranked list as ``app.result`` HTML."""
    from IPython.display import HTML

    findings = Option(tuple(FEATURES), "Findings", (), "checkboxes", FULL)
    return Interactive(lambda findings: HTML(ranking_html(findings)), {"findings": findings}).app(
        "Rank the conditions that fit your findings"
    )
