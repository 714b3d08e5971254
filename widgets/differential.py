"""Differential-diagnosis explorer: which conditions fit a presenting finding (chapter 3).

``data/differential.csv`` has one row per condition × finding: how well the finding fits
(``level``), on what ``basis`` (``cited`` with references.bib keys in ``source``, or
``general clinical teaching`` with no source) and a ``note`` on what the source states.
:func:`rank` scores conditions by :data:`SCORES`, a teaching device: the explorer is
educational, not diagnostic.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any, Literal

import plotly.graph_objects as go

from . import style
from .checks import check_subset
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

#: Row labels set by hand (shortened or broken elsewhere); the rest wrap at 18 characters.
LABELS: dict[str, str] = {
    "Lumbar hernia (Petit or Grynfeltt)": "Lumbar hernia<br>(Petit, Grynfeltt)",
    "Iliac crest pain syndrome (trigger point)": "Iliac crest pain<br>syndrome",
    "Sacroiliac joint pain": "Sacroiliac<br>joint pain",
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

#: Points a ticked finding adds to a condition, by level.
SCORES: dict[str, int] = {"typical": 2, "possible": 1, "unknown": 0, "atypical": -1}

#: Text shown in each cell (the level, so the figure never relies on colour alone).
LEVEL_MARKS: dict[str, str] = {"typical": "++", "possible": "+", "atypical": "−", "unknown": "?"}

#: Okabe-Ito colours per level, in the order of :data:`LEVELS`.
LEVEL_COLOURS: dict[str, str] = {
    "typical": "#0072B2",
    "possible": "#56B4E9",
    "atypical": "#F5CF7F",  # Okabe-Ito orange (#E69F00) lightened, so the fits stand out
    "unknown": "#EEEEEE",
}

NO_FINDING = "none"
FIT = ("typical", "possible")  # levels at which a condition "fits" a presenting finding
FILENAME = "data/differential.csv"


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
        raise DataError(
            f"{filename}: no row for condition {missing[0][0]!r} and feature "
            f"{missing[0][1]!r} ({len(missing)} cells missing)"
        )
    return rows


def load() -> list[CellRow]:
    """The validated rows of ``data/differential.csv``; every cell of the matrix is present."""
    return complete(load_rows("differential", CellRow))


def rank(findings: Sequence[str]) -> list[tuple[str, int]]:
    """Every condition with its :data:`SCORES` sum for ``findings``, best fit first.

    Ties keep the order of :data:`CONDITIONS`; a repeated finding counts once. A bad
    ``findings`` raises ``ValueError``. A teaching aid, not a diagnostic rule.
    """
    empty = isinstance(findings, (list, tuple)) and not findings
    chosen = () if empty else check_subset("findings", findings, tuple(FEATURES))
    scores = dict.fromkeys(CONDITIONS, 0)
    for row in load():
        if row.feature in chosen:
            scores[row.condition] += SCORES[row.level]
    return sorted(scores.items(), key=lambda item: -item[1])


def _hover(row: CellRow) -> str:
    """Hover text for one cell: level, basis and note (the template adds the rest)."""
    basis = "<br>".join(map(citation, row.source or ())) or f"{TEACHING} * (no citation)"
    parts = [f"Level: <b>{row.level}</b>", f"Basis: {basis}"]
    if row.note:
        parts.append(style.wrap_hover(html.escape(row.note, quote=False)))
    return "<br>".join(parts)


def _colourscale() -> list[list[Any]]:
    """A stepped scale: z 0-3 are the levels, z 4-7 the same with 75% white mixed in."""
    colours = list(LEVEL_COLOURS.values())
    for colour in list(colours):
        faded = bytes(round(c + (255 - c) * 0.75) for c in bytes.fromhex(colour[1:]))
        colours.append("#" + faded.hex().upper())
    return [[(i + j) / len(colours), colour] for i, colour in enumerate(colours) for j in (0, 1)]


def _traces(
    cells: dict[tuple[str, str], CellRow], finding: str, size: int
) -> tuple[list[go.Trace], list[bool]]:
    """The heatmap and one legend square per level; and which conditions fit ``finding``."""
    grid = [[cells[(c, f)] for f in FEATURES] for c in CONDITIONS]
    bright = [finding == NO_FINDING or cells[(c, finding)].level in FIT for c in CONDITIONS]
    heatmap = go.Heatmap(
        z=[
            [LEVELS.index(r.level) + 4 * (not fit) for r in line]
            for line, fit in zip(grid, bright, strict=True)
        ],
        x=[full for _, full in FEATURES.values()],
        y=list(CONDITIONS),
        text=[[LEVEL_MARKS[r.level] + "*" * (r.basis == TEACHING) for r in line] for line in grid],
        texttemplate="%{text}",
        textfont={"size": size},
        hovertext=[[_hover(r) for r in line] for line in grid],
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
    edge = {"width": 1, "color": style.TEXT}
    legend = [
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            name=f"{LEVEL_MARKS[level]} {level}",
            marker={"symbol": "square", "size": 14, "color": LEVEL_COLOURS[level], "line": edge},
            hoverinfo="skip",
        )
        for level in LEVELS
    ]
    return [heatmap, *legend], bright


def _texts(rows: list[CellRow], cells: dict[tuple[str, str], CellRow]) -> dict[str, Any]:
    """Caption (cited cells counted), alt text (typical conditions per finding) and table."""
    typical = {
        full: [c for c in CONDITIONS if cells[(c, f)].level == "typical"]
        for f, (_, full) in FEATURES.items()
    }
    fits = ". ".join(f"{full}: typical of {', '.join(cs)}" for full, cs in typical.items() if cs)
    cited = sum(row.basis == CITED for row in rows)
    return {
        "caption": (
            f"How {len(FEATURES)} clinical findings fit {len(CONDITIONS)} conditions that can "
            "mimic a back mouse: ++ typical, + possible, − atypical, ? unknown. "
            f"{cited} of {len(rows)} cells cite a source (hover to see it); cells marked * "
            "rest on general clinical teaching, not on a citation. Pick a presenting finding: "
            "conditions where it is typical or possible stay bright. Educational, not "
            "diagnostic: a lump or pain needs a clinician's examination."
        ),
        "alt": (
            f"Matrix of {len(CONDITIONS)} conditions (rows) by {len(FEATURES)} findings "
            f"(columns), each cell typical, possible, atypical or unknown. {fits}. "
            "The full matrix is in the table."
        ),
        "columns": ("Condition", "Finding", "Level", "Basis", "Source", "Note"),
        "rows": [
            (
                r.condition,
                FEATURES[r.feature][1],
                r.level,
                r.basis + " *" * (r.basis == TEACHING),
                r.source,
                r.note,
            )
            for r in rows
        ],
    }


def draw(finding: str = NO_FINDING, narrow: bool = False) -> BookFigure:
    """The matrix with one presenting ``finding`` picked (no controls)."""
    rows = load()
    cells = {(row.condition, row.feature): row for row in rows}
    traces, bright = _traces(cells, finding, 11 if narrow else 15)
    fig = BookFigure(data=traces, **_texts(rows, cells))
    chosen = finding != NO_FINDING
    gap = "<br>" if narrow else " "  # notes take two lines on a phone
    status = (
        f"Finding: <b>{FEATURES[finding][0]}</b> —{gap}{sum(bright)} of {len(CONDITIONS)} "
        "conditions fit (▶ bold rows)"
        if chosen
        else f"All conditions shown.{gap}Pick a presenting finding to see which fit."
    )
    labels = [LABELS.get(c) or style.wrap_hover(c, 18) for c in CONDITIONS]
    column = list(FEATURES).index(finding) if chosen else 0
    small, text = (9, 10) if narrow else (12, 13)  # font sizes of labels and notes
    notes = [  # text, top (1) or bottom (0) of the matrix, pixels above it, font size
        (status, 1, 142, text),
        (
            f"<b>Educational, not diagnostic</b> —{gap}see a clinician about any lump or pain.",
            0,
            -44,
            text,
        ),
        (
            f"* {TEACHING} (no citation).{gap}Hover a cell for its basis.",
            0,
            -74 if narrow else -66,
            small,
        ),
    ]
    box = {"type": "rect", "xref": "x", "yref": "y", "fillcolor": "rgba(0,0,0,0)"}
    fig.update_layout(
        template=style.template(),
        height=820 if narrow else 900,  # narrow: 270 + 350 + 200
        title=style.title("Which conditions fit a presenting finding?", narrow, y=0.985),
        xaxis={
            "side": "top",
            "tickvals": [full for _, full in FEATURES.values()],
            "ticktext": [short for short, _ in FEATURES.values()],
            "tickangle": -90 if narrow else -45,
            "tickfont": {"size": small},
            "showgrid": False,
            "automargin": True,
            "range": [-0.5, len(FEATURES) - 0.5],
            "fixedrange": True,
        },
        yaxis={
            "tickvals": list(CONDITIONS),
            "ticktext": [
                f"<b>▶ {t}</b>" if chosen and fit else t
                for t, fit in zip(labels, bright, strict=True)
            ],
            "autorange": "reversed",
            "tickfont": {"size": small},
            "showgrid": False,
            "automargin": not narrow,
            "fixedrange": True,
        },
        shapes=[
            {
                **box,
                "visible": chosen,
                "x0": column - 0.5,
                "x1": column + 0.5,
                "y0": -0.5,
                "y1": len(CONDITIONS) - 0.5,
                "line": {"color": style.TEXT, "width": 3},
            }
        ],
        annotations=[
            {
                "text": t,
                "y": y,
                "yshift": shift,
                "yanchor": "top" if y == 0 else "bottom",
                "font": {"size": size},
            }
            for t, y, shift, size in notes
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
    ranking = rank(findings)
    page = (
        '<p style="border:2px solid #D55E00;padding:0.5em;font-weight:bold">Educational, not '
        "diagnostic — see a clinician. Only a clinician who examines you can diagnose a lump "
        "or a pain.</p><p>Score per ticked finding: typical +2, possible +1, unknown 0, "
        "atypical −1. The score is a teaching device, not a probability.</p>"
    )
    if not findings:
        return page + "<p>Tick one or more findings to rank the conditions.</p>"
    ticked = "; ".join(html.escape(full) for f, (_, full) in FEATURES.items() if f in findings)
    items = "".join(
        f"<li>{html.escape(c)} — score {str(s).replace('-', '−')}</li>" for c, s in ranking
    )
    return f"{page}<p>Findings ticked: {ticked}.</p><ol>{items}</ol>"


PLACE = {"y": 1.0, "pad": {"b": 172}, "font": {"size": 12}, "direction": "down"}
MATRIX = Interactive(
    draw,
    {
        "finding": Option(
            (NO_FINDING, *FEATURES),
            "Presenting finding",
            labels=("No finding chosen", *(full for _, full in FEATURES.values())),
            place=PLACE,
            narrow={
                "labels": ("No finding chosen", *(short for short, _ in FEATURES.values())),
                "place": {**PLACE, "font": {"size": 11}},
            },
        )
    },
)


def figure(finding: str = NO_FINDING) -> BookFigure:
    """The conditions × findings matrix, with a dropdown of presenting findings.

    ``finding`` (a key of :data:`FEATURES`, or ``"none"``) is shown first: conditions where
    it is typical or possible keep their colours and a bold ▶ label, the rest fade.
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
    """
    return RANKING.app("Rank the conditions that fit your findings", {"findings": ()})
