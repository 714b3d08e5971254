"""How certain is each treatment result? A GRADE summary of findings (chapter 4).

``data/certainty.csv`` holds the book's GRADE judgements, one row per treatment and
outcome: which rows of ``data/treatments.csv`` the result draws on, where the evidence
starts (randomized trials high, case series and case reports low), the judgement and its
reason in each of the five domains that can lower certainty, and the final certainty.
The loader checks that the final certainty is what the start and the downgrades give,
so the table cannot contradict its own reasons; the studies, participants and Wilson
intervals are computed from ``data/treatments.csv``, never typed here. This topic is a
table, not a figure: :func:`table` returns an object that shows as an HTML table in the
static book and in a notebook.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Iterable
from typing import Any, ClassVar, Literal

from . import data, treatments
from .checks import check_choice

#: The four GRADE levels of certainty, lowest first (a level's index is its rank).
LEVELS: tuple[str, ...] = ("very low", "low", "moderate", "high")
#: How many levels a judgement in one domain takes off.
DOWNGRADES: dict[str, int] = {"no": 0, "serious": 1, "very serious": 2}
#: The five GRADE domains that can lower certainty: CSV column -> heading.
DOMAINS: dict[str, str] = {
    "risk_of_bias": "Risk of bias",
    "inconsistency": "Inconsistency",
    "indirectness": "Indirectness",
    "imprecision": "Imprecision",
    "publication_bias": "Publication bias",
}
#: Where the evidence starts, by the study design of a row of ``data/treatments.csv``.
START: dict[str, str] = {"RCT": "high", "Case series": "low", "Case report": "low"}
#: The ``measure`` of ``data/treatments.csv`` that a computed row of each kind draws on.
MEASURE: dict[str, str] = {"benefit": "improved", "harm": "recurred"}
#: What :func:`table` can show.
KINDS: tuple[str, ...] = ("all", "benefit", "harm")
#: Citations inside a reason: ``[@key]`` or ``[@key1; @key2]``.
CITATION = re.compile(r"\s*\[@([^\]]*)\]")
#: A reference to one row of ``data/treatments.csv``: ``Study Year: label``.
REFERENCE = re.compile(r"(?P<study>.+) (?P<year>\d{4}): (?P<label>.+)")

Level = Literal["no", "serious", "very serious"]


def rate(start: str, downgrades: Iterable[str]) -> str:
    """The GRADE certainty: ``start`` lowered one level per serious, two per very serious.

    ``start`` is ``"high"`` (randomized trials) or ``"low"`` (observational studies);
    ``downgrades`` are the judgements of the domains, each one of :data:`DOWNGRADES`.
    The result never falls below ``"very low"``. Raises ``ValueError`` naming the argument.
    """
    check_choice("start", start, LEVELS)
    if isinstance(downgrades, str):
        raise ValueError(f"argument 'downgrades' must be a list of judgements, got {downgrades!r}")
    steps = sum(DOWNGRADES[check_choice("downgrades", d, tuple(DOWNGRADES))] for d in downgrades)
    return LEVELS[max(0, LEVELS.index(start) - steps)]


def citations(text: str) -> tuple[str, ...]:
    """The ``references.bib`` keys that ``text`` cites as ``[@key]``, in order."""
    keys = (key.strip().lstrip("@") for group in CITATION.findall(text) for key in group.split(";"))
    return tuple(dict.fromkeys(key for key in keys if key))


def plain(text: str) -> str:
    """``text`` with each ``[@key]`` cited as the pages cite it: ``(Motyka et al., 2000)``."""

    def cite(match: re.Match[str]) -> str:
        keys = citations(match[0])
        return " (" + "; ".join(map(data.citation, keys)) + ")" if keys else ""

    return CITATION.sub(cite, text)


def treatment_rows() -> dict[str, treatments.OutcomeRow]:
    """Every row of ``data/treatments.csv`` by its reference, ``Study Year: label``."""
    return {reference(row): row for row in treatments.load()}


def reference(row: treatments.OutcomeRow) -> str:
    """How a row of ``data/certainty.csv`` names a row of ``data/treatments.csv``."""
    return f"{row.study} {row.year}: {row.label}"


@data.row_model
class CertaintyRow(data.Model):
    """The GRADE judgement of one treatment's evidence on one outcome."""

    UNIQUE: ClassVar[tuple[str, ...]] = ("treatment", "outcome")

    treatment: str
    outcome: str
    kind: Literal[*MEASURE]
    studies: str
    result: Literal["computed", "not estimable"]
    reported: str | None
    participants: int | None = data.field(validator=data.between(1, 100_000))
    design_start: Literal["high", "low"]
    risk_of_bias: Level
    risk_of_bias_reason: str | None
    inconsistency: Level
    inconsistency_reason: str | None
    indirectness: Level
    indirectness_reason: str | None
    imprecision: Level
    imprecision_reason: str | None
    publication_bias: Level
    publication_bias_reason: str | None
    certainty: Literal[*LEVELS]
    source: data.Cites

    def check(self) -> None:
        """The studies exist and fit the row; reasons are given; the certainty adds up."""
        rows = self.rows
        self._check_design(rows)
        self._check_result(rows)
        self._check_participants(rows)
        for domain, heading in DOMAINS.items():
            reason = getattr(self, f"{domain}_reason")
            needed = getattr(self, domain) == "no" or reason
            data.require(needed, f"{domain}_reason", f"{heading.lower()} is downgraded: say why")
            unknown = [key for key in citations(reason or "") if key not in data.bib_keys()]
            data.require(not unknown, f"{domain}_reason", f"cites {unknown}, not in references.bib")
        expected = rate(self.design_start, (getattr(self, domain) for domain in DOMAINS))
        steps = ", ".join(f"{DOMAINS[d].lower()} {getattr(self, d)}" for d in self.downgraded)
        data.require(
            self.certainty == expected,
            "certainty",
            f"{self.certainty!r} does not follow from the judgements: starting "
            f"{self.design_start!r}, downgraded for {steps or 'nothing'}, gives {expected!r}",
        )
        cited = {key for row in rows for key in row.source}
        for domain in DOMAINS:
            cited |= set(citations(getattr(self, f"{domain}_reason") or ""))
        missing = sorted(cited - set(self.source))
        data.require(not missing, "source", f"must also list {missing}, which the row draws on")

    @property
    def references(self) -> tuple[str, ...]:
        """The ``Study Year: label`` references of the ``studies`` cell."""
        return tuple(part.strip() for part in self.studies.split(";") if part.strip())

    @property
    def rows(self) -> tuple[treatments.OutcomeRow, ...]:
        """The rows of ``data/treatments.csv`` that this result draws on, in cell order."""
        known = treatment_rows()
        refs = self.references
        data.require(bool(refs), "studies", "name at least one study")
        data.require(len(set(refs)) == len(refs), "studies", "names the same row twice")
        for ref in refs:
            match = REFERENCE.fullmatch(ref)
            form = "a reference of the form 'Study Year: label'"
            data.require(match is not None, "studies", f"{ref!r} is not {form}")
            labels = [name for name, row in known.items() if row.study == match["study"]]
            hint = f"; that study's rows are {labels}" if labels else ""
            data.require(
                ref in known, "studies", f"{ref!r} is not a row of data/treatments.csv{hint}"
            )
        return tuple(known[ref] for ref in refs)

    @property
    def downgraded(self) -> tuple[str, ...]:
        """The domains judged serious or very serious, in :data:`DOMAINS` order."""
        return tuple(domain for domain in DOMAINS if getattr(self, domain) != "no")

    def _check_design(self, rows: tuple[treatments.OutcomeRow, ...]) -> None:
        """Randomized trials start high and the rest low, and one row does not mix them."""
        starts = {START[row.evidence] for row in rows}
        data.require(
            len(starts) == 1,
            "studies",
            "mixes randomized trials and observational studies: grade them in separate rows",
        )
        (start,) = starts
        data.require(
            self.design_start == start,
            "design_start",
            f"must be {start!r}: the studies are {sorted({row.evidence for row in rows})}",
        )

    def _check_result(self, rows: tuple[treatments.OutcomeRow, ...]) -> None:
        """A computed result draws on one measure that fits its kind; else say what was seen."""
        if self.result == "not estimable":
            data.require(bool(self.reported), "reported", "say what the studies reported")
            return
        data.require(not self.reported, "reported", "only a 'not estimable' result needs it")
        measures = sorted({row.measure for row in rows})
        data.require(
            measures == [MEASURE[self.kind]],
            "studies",
            f"a computed {self.kind} row must draw on '{MEASURE[self.kind]}' rows, got {measures}",
        )

    def _check_participants(self, rows: tuple[treatments.OutcomeRow, ...]) -> None:
        """Participants come from the studies' n; typed only when a study gives none."""
        unsized = sorted({f"{row.study} {row.year}" for row in _studies(rows) if row.n is None})
        if unsized:
            data.require(
                self.participants is not None,
                "participants",
                f"{unsized} give no n in data/treatments.csv: give the total here",
            )
        else:
            data.require(
                self.participants is None,
                "participants",
                "leave it empty: the total is computed from data/treatments.csv",
            )

    @property
    def total(self) -> int:
        """The number of participants: the largest n of each study, summed (or as typed)."""
        if self.participants is not None:
            return self.participants
        return sum(row.n for row in _studies(self.rows))  # type: ignore[misc]


def _studies(rows: Iterable[treatments.OutcomeRow]) -> list[treatments.OutcomeRow]:
    """One row per study (the one with the largest n): arms or definitions of one study."""
    best: dict[tuple[str, int], treatments.OutcomeRow] = {}
    for row in rows:
        key = (row.study, row.year)
        if key not in best or (row.n or 0) > (best[key].n or 0):
            best[key] = row
    return list(best.values())


def load() -> list[CertaintyRow]:
    """The validated rows of ``data/certainty.csv``, in file order."""
    return data.load_rows("certainty", CertaintyRow)


# ------------------------------------------------------------------- cell texts

_DESIGN_NAMES: dict[str, tuple[str, str]] = {
    "RCT": ("RCT", "RCTs"),
    "Case series": ("case series", "case series"),
    "Case report": ("case report", "case reports"),
}


def studies_text(row: CertaintyRow) -> str:
    """``1 case series, 35``: the studies by design and the participants."""
    designs: dict[str, int] = {}
    for study in _studies(row.rows):
        designs[study.evidence] = designs.get(study.evidence, 0) + 1
    parts = [f"{count} {_DESIGN_NAMES[d][count > 1]}" for d, count in designs.items()]
    return f"{' and '.join(parts)}, {row.total}"


def study_names(row: CertaintyRow) -> str:
    """The studies as the text names them, with the review a figure was read in, if any."""
    names = []
    for study in _studies(row.rows):
        cited = [data.citation(key) for key in study.source]
        surname = study.study.split(" ")[0]
        via = [c for c in cited if not c.startswith(surname)]
        own = len(via) < len(cited)
        names.append(f"{study.study} {study.year}" + ("" if own else f", via {'; '.join(via)}"))
    return "; ".join(names)


def _percent(low: float, high: float) -> str:
    """A Wilson interval (fractions) in whole percent, ``74–95%``."""
    return f"{100 * low:.0f}–{100 * high:.0f}%"


def result_text(row: CertaintyRow) -> str:
    """The share with the outcome: one Wilson interval, a range of them, or why there is none."""
    if row.result == "not estimable":
        return f"Not estimable ({row.reported})"
    sized = sorted((r.interval, r) for r in row.rows if r.interval is not None)
    parts = []
    if len(sized) == 1:
        ((interval, r),) = sized
        parts.append(f"{_percent(*interval)} ({r.events} of {r.n})")
    elif sized:
        parts.append(f"from {_percent(*sized[0][0])} to {_percent(*sized[-1][0])}")
    unsized = [r for r in row.rows if r.n is None]
    if unsized:
        shares = "; ".join(f"{r.label}: {r.percent:g}%" for r in unsized)
        parts.append(f"{shares} (no intervals: group sizes not given)")
    return "; ".join(parts)


# ------------------------------------------------------------------- the table

#: The column headings, in order; the last holds the judgement in each of the five domains.
COLUMNS: tuple[str, ...] = (
    "Treatment and outcome",
    "Studies, participants",
    "Share with the outcome (95% Wilson interval)",
    "Certainty",
    "Judgement per domain (reasons below)",
)


class Notes:
    """Footnotes in order of first use; the same text is one note."""

    def __init__(self) -> None:
        """An empty list of notes."""
        self.texts: list[str] = []

    def number(self, text: str) -> int:
        """The number of the note with ``text`` (added if new), counting from 1."""
        if text not in self.texts:
            self.texts.append(text)
        return self.texts.index(text) + 1


@dataclasses.dataclass(frozen=True)
class Line:
    """One line of a table cell: its text, a note number, bold or small print."""

    text: str
    note: int | None = None
    strong: bool = False
    small: bool = False

    @property
    def plain(self) -> str:
        """The line as text; a note is ``[n]``."""
        return self.text + (f" [{self.note}]" if self.note else "")

    def html(self, prefix: str) -> str:
        """The line as HTML (text escaped); a note links to ``#<prefix>-note-<n>``."""
        text = html.escape(self.text)
        text = f"<strong>{text}</strong>" if self.strong else text
        text = f"<small>{text}</small>" if self.small else text
        if self.note:
            text += f'&nbsp;<sup><a href="#{prefix}-note-{self.note}">{self.note}</a></sup>'
        return text


Cell = tuple[Line, ...]


def row_cells(row: CertaintyRow, notes: Notes) -> list[Cell]:
    """The cells of one row, in :data:`COLUMNS` order; reasons go to ``notes``."""
    domains = []
    for domain, heading in DOMAINS.items():
        reason = getattr(row, f"{domain}_reason")
        judgement = getattr(row, domain)
        note = notes.number(plain(reason)) if reason else None
        domains.append(Line(f"{heading}: {judgement}", note, strong=judgement != "no"))
    return [
        (
            Line(row.treatment, strong=True),
            Line(f"{row.kind.capitalize()}: {row.outcome}", small=True),
        ),
        (Line(studies_text(row), strong=True), Line(study_names(row), small=True)),
        (Line(result_text(row)),),
        (
            Line(row.certainty.capitalize(), strong=True),
            Line(f"start: {row.design_start}", small=True),
        ),
        tuple(domains),
    ]


#: What the table says under its reasons, on how the judgements were made.
METHOD = (
    "Start: randomized trials start at high certainty, case series and case reports at low. "
    "Each serious concern lowers certainty one level, each very serious concern two, down to "
    "very low at most. No row was rated up. The judgements are this book's own."
)


class SummaryOfFindings:
    """The summary-of-findings table: HTML in the book and in notebooks, text elsewhere."""

    def __init__(self, rows: list[CertaintyRow], kind: str) -> None:
        """The table of ``rows`` (already filtered to ``kind``)."""
        self.rows = rows
        self.kind = kind
        self.prefix = f"bm-sof-{kind}"
        guidance = "; ".join(map(data.citation, ("guyatt2011grade", "balshem2011grade")))
        shown = "" if kind == "all" else f" ({kind} rows only)"
        self.caption = (
            f"Summary of findings{shown}: how certain is each treatment result? Certainty "
            f"judged by this book with the GRADE approach ({guidance}). Shares are computed "
            "from each study's counts; several studies give a range of intervals."
        )
        self.notes = Notes()
        self.table = [row_cells(row, self.notes) for row in rows]

    def cells(self) -> list[tuple[str, ...]]:
        """The table as plain text, one tuple per row, in :data:`COLUMNS` order."""
        return [
            tuple(" · ".join(line.plain for line in cell) for cell in cells) for cells in self.table
        ]

    def _cell(self, cell: Cell) -> str:
        """A cell's lines as HTML, one per line."""
        return "<br>".join(line.html(self.prefix) for line in cell)

    def to_html(self) -> str:
        """The table, its numbered reasons and a note on how the judgements were made."""
        head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in COLUMNS)
        body = "".join(
            f'<tr><th scope="row">{self._cell(header)}</th>'
            + "".join(f"<td>{self._cell(cell)}</td>" for cell in rest)
            + "</tr>"
            for header, *rest in self.table
        )
        items = "".join(
            f'<li id="{self.prefix}-note-{i}">{html.escape(text)}</li>'
            for i, text in enumerate(self.notes.texts, start=1)
        )
        caption = f"{self.prefix}-caption"
        return (
            '<div class="bm-sof">'
            '<div class="pst-scrollable-table-container" role="region" tabindex="0" '
            f'aria-labelledby="{caption}">'
            '<table class="table dataframe bm-table bm-sof-table">'
            f'<caption id="{caption}">{html.escape(self.caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
            "<p><strong>Reasons for the judgements</strong> (the numbers in the table):</p>"
            f'<ol class="bm-sof-notes">{items}</ol>'
            f"<p>{html.escape(METHOD)}</p>"
            "</div>"
        )

    def _repr_html_(self) -> str:
        """The HTML that a notebook and the static book (myst-nb) show."""
        return self.to_html()

    def __str__(self) -> str:
        """The table as plain text: one block per row, then the numbered reasons."""
        lines = [self.caption, ""]
        for row in self.cells():
            lines += [f"{column}: {cell}" for column, cell in zip(COLUMNS, row, strict=True)]
            lines.append("")
        lines += [f"[{i}] {text}" for i, text in enumerate(self.notes.texts, start=1)]
        return "\n".join([*lines, "", METHOD])

    def __repr__(self) -> str:
        """A short description (the full text is ``str(table)``)."""
        return f"<SummaryOfFindings: {len(self.rows)} rows, {self.kind}>"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """IPython's plain-text view: the whole table as text."""
        printer.text(str(self))


def table(kind: str = "all") -> SummaryOfFindings:
    """The GRADE summary of findings for treatments; ``kind``: ``all``, ``benefit`` or ``harm``."""
    check_choice("kind", kind, KINDS)
    rows = [row for row in load() if kind in ("all", row.kind)]
    return SummaryOfFindings(rows, kind)
