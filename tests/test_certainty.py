"""GRADE summary of findings: judgements as data, computed results, an accessible table."""

from __future__ import annotations

import csv
import re
from html.parser import HTMLParser

import pytest
from conftest import cited
from csvedit import with_cells
from hypothesis import given
from hypothesis import strategies as st

from widgets import certainty, data, questions, treatments
from widgets.data import DATA_DIR, DataError, parse_rows
from widgets.stats import wilson_interval

FILE = "data/certainty.csv"
CSV_LINES = (DATA_DIR / "certainty.csv").read_text(encoding="utf-8").splitlines()


def line_of(treatment: str, outcome: str) -> int:
    """The file line (header = 1) of the row for ``treatment`` and ``outcome``."""
    for number, cells in enumerate(csv.reader(CSV_LINES), start=1):
        if cells[0].startswith(treatment) and cells[1] == outcome:
            return number
    raise AssertionError((treatment, outcome))


def row_of(treatment: str, outcome: str) -> certainty.CertaintyRow:
    """The loaded row for ``treatment`` (its start) and ``outcome``."""
    (row,) = [
        r for r in certainty.load() if r.treatment.startswith(treatment) and r.outcome == outcome
    ]
    return row


def source_row(study: str, label: str) -> treatments.OutcomeRow:
    """The row of data/treatments.csv for ``study`` (its start) and ``label``."""
    (row,) = [r for r in treatments.load() if r.study.startswith(study) and r.label == label]
    return row


def whole(interval: tuple[float, float]) -> str:
    """A Wilson interval as the table prints it, e.g. ``74–95%``."""
    return f"{100 * interval[0]:.0f}–{100 * interval[1]:.0f}%"


INJECTION = ("Local anaesthetic", "lasting relief")
TRIAL = ("Lignocaine vs saline", "improved")


# ------------------------------------------------------------------------- data


def test_the_file_loads_and_matches_a_fresh_parse():
    rows = certainty.load()
    assert len(rows) >= 8
    text = "\n".join(CSV_LINES) + "\n"
    assert parse_rows(text, certainty.CertaintyRow, FILE) == rows


def test_every_certainty_is_the_start_minus_its_downgrades():
    for row in certainty.load():
        judgements = [getattr(row, domain) for domain in certainty.DOMAINS]
        steps = sum({"no": 0, "serious": 1, "very serious": 2}[j] for j in judgements)
        start = {"high": 3, "low": 1}[row.design_start]
        assert row.certainty == certainty.LEVELS[max(0, start - steps)], row.treatment


def test_benefit_and_harm_rows_are_both_present():
    kinds = {row.kind for row in certainty.load()}
    assert kinds == {"benefit", "harm"}


def test_injection_row_is_computed_from_the_treatments_file():
    source = source_row("Motyka", "injection")
    row = row_of(*INJECTION)
    assert row.rows == (source,)
    assert certainty.studies_text(row) == f"1 case series, {source.n}"
    expected = whole(wilson_interval(source.events, source.n))
    assert certainty.result_text(row) == f"{expected} ({source.events} of {source.n})"
    assert expected == "74–95%", "the chapter's text quotes this interval"


def test_several_studies_give_the_lowest_and_highest_interval():
    multi = [row for row in certainty.load() if len(row.rows) > 1 and row.participants is None]
    assert multi
    for row in multi:
        intervals = sorted(wilson_interval(r.events, r.n) for r in row.rows)
        text = certainty.result_text(row)
        assert text == f"from {whole(intervals[0])} to {whole(intervals[-1])}"
        studies = {(r.study, r.year): r.n for r in row.rows}
        assert row.total == sum(studies.values())
        assert certainty.studies_text(row).endswith(f", {sum(studies.values())}")


def test_trial_without_arm_sizes_types_its_total_and_shows_no_interval():
    row = row_of(*TRIAL)
    arms = [source_row("Collée", "lignocaine arm"), source_row("Collée", "saline arm")]
    assert all(arm.n is None for arm in arms) and row.participants is not None
    assert certainty.studies_text(row) == f"1 RCT, {row.participants}"
    text = certainty.result_text(row)
    assert all(f"{arm.percent:g}%" in text for arm in arms)
    assert "no intervals" in text
    assert row.design_start == "high"


def test_a_row_without_a_proportion_is_not_estimable():
    rows = [row for row in certainty.load() if row.result == "not estimable"]
    assert rows
    for row in rows:
        assert certainty.result_text(row).startswith("Not estimable")
        assert row.reported and row.reported in certainty.result_text(row)


def test_study_read_only_in_a_review_names_the_review():
    row = row_of("Superior cluneal nerve block", "improved, as each study defined it")
    assert "Maigne & Doursounian 1997, via Isu et al., 2018" in certainty.study_names(row)


@pytest.mark.parametrize(
    ("row", "changes", "field", "reason"),
    [
        (INJECTION, {"certainty": "low"}, "certainty", "does not follow from the judgements"),
        (INJECTION, {"risk_of_bias": "no", "imprecision": "no"}, "certainty", "gives 'low'"),
        (TRIAL, {"risk_of_bias": "serious"}, "certainty", "gives 'very low'"),
        (TRIAL, {"certainty": "moderate"}, "certainty", "gives 'low'"),
        (TRIAL, {"imprecision": "no"}, "certainty", "gives 'moderate'"),
        (INJECTION, {"certainty": "medium"}, "certainty", "'medium' is not one of"),
        (INJECTION, {"imprecision": "moderate"}, "imprecision", "is not one of"),
        (INJECTION, {"imprecision_reason": ""}, "imprecision_reason", "downgraded: say why"),
        (
            INJECTION,
            {"risk_of_bias_reason": "x [@nosuchkey2099]"},
            "risk_of_bias_reason",
            "not in references.bib",
        ),
        (
            INJECTION,
            {"studies": "Motyka et al. 2000: injections"},
            "studies",
            "that study's rows are ['Motyka et al. 2000: injection']",
        ),
        (
            INJECTION,
            {"studies": "Nobody 1999: injection"},
            "studies",
            "not a row of data/treatments.csv",
        ),
        (INJECTION, {"studies": "Motyka et al. injection"}, "studies", "form 'Study Year: label'"),
        (INJECTION, {"studies": ""}, "studies", "is empty but required"),
        (
            INJECTION,
            {"studies": "Motyka et al. 2000: injection; Motyka et al. 2000: injection"},
            "studies",
            "names the same row twice",
        ),
        (
            TRIAL,
            {"studies": "Collée et al. 1991: lignocaine arm; Motyka et al. 2000: injection"},
            "studies",
            "mixes randomized trials and observational studies",
        ),
        (INJECTION, {"design_start": "high"}, "design_start", "must be 'low'"),
        (INJECTION, {"kind": "harm"}, "studies", "must draw on 'recurred' rows"),
        (INJECTION, {"result": "not estimable"}, "reported", "say what the studies reported"),
        (INJECTION, {"reported": "none"}, "reported", "only a 'not estimable' result needs it"),
        (INJECTION, {"participants": "35"}, "participants", "leave it empty"),
        (TRIAL, {"participants": ""}, "participants", "give the total here"),
        (INJECTION, {"source": "nosuchkey2099"}, "source", "not in references.bib"),
        (TRIAL, {"source": "collee1991rct"}, "source", "must also list ['collee1990']"),
        (INJECTION, {"outcome": "adverse events"}, "outcome", "repeats line"),
    ],
)
def test_a_broken_row_names_file_line_and_field(row, changes, field, reason):
    line = line_of(*row)
    with pytest.raises(DataError) as error:
        parse_rows(with_cells(CSV_LINES, line, **changes), certainty.CertaintyRow, FILE)
    message = str(error.value)
    if field == "outcome":  # a repeated label is reported on the later of the two lines
        line = max(line, line_of(INJECTION[0], "adverse events"))
    assert message.startswith(f"{FILE}, line {line}, field '{field}': "), message
    assert reason in message, message


def test_every_broken_row_is_reported_at_once():
    text = with_cells(CSV_LINES, line_of(*INJECTION), certainty="low")
    lines = text.splitlines()
    text = with_cells(lines, line_of(*TRIAL), design_start="low")
    with pytest.raises(DataError) as error:
        parse_rows(text, certainty.CertaintyRow, FILE)
    reported = str(error.value).splitlines()
    assert [m.split(", field")[0] for m in reported] == [
        f"{FILE}, line {line_of(*INJECTION)}",
        f"{FILE}, line {line_of(*TRIAL)}",
    ]


# ------------------------------------------------------------------- the rule


@pytest.mark.parametrize(
    ("start", "downgrades", "expected"),
    [
        ("high", [], "high"),
        ("high", ["serious"], "moderate"),
        ("high", ["serious", "serious"], "low"),
        ("high", ["very serious", "serious"], "very low"),
        ("high", ["very serious", "very serious"], "very low"),
        ("low", ["no", "no"], "low"),
        ("low", ["serious"], "very low"),
        ("low", ["very serious", "serious", "serious"], "very low"),
    ],
)
def test_rate_lowers_one_level_per_serious_two_per_very_serious(start, downgrades, expected):
    assert certainty.rate(start, downgrades) == expected


@given(st.lists(st.sampled_from(list(certainty.DOWNGRADES)), max_size=5))
def test_rate_never_rises_and_never_falls_below_very_low(downgrades):
    for start in ("high", "low"):
        result = certainty.rate(start, downgrades)
        assert certainty.LEVELS.index(result) <= certainty.LEVELS.index(start)
        assert result in certainty.LEVELS


@pytest.mark.parametrize(
    ("arguments", "name"),
    [
        (("medium", []), "start"),
        ((1, []), "start"),
        (("high", ["bad"]), "downgrades"),
        (("high", "serious"), "downgrades"),
        (("high", [True]), "downgrades"),
    ],
)
def test_rate_names_a_bad_argument(arguments, name):
    with pytest.raises(ValueError, match=f"argument '{name}'"):
        certainty.rate(*arguments)


# ------------------------------------------------------------------- the table


class Tags(HTMLParser):
    """Every start tag with its attributes, and whether each opened tag was closed."""

    VOID = frozenset({"br"})

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, (self.open, tag)
        self.open.pop()


def parsed(page: str) -> Tags:
    tags = Tags()
    tags.feed(page)
    tags.close()
    assert tags.open == [], "every tag is closed"
    return tags


def test_table_html_is_accessible_and_has_one_row_per_data_row():
    sof = certainty.table()
    page = sof.to_html()
    tags = parsed(page)
    names = [tag for tag, _ in tags.tags]
    assert names.count("caption") == 1 and "<caption" in page.split("<thead>")[0]
    cols = [a for t, a in tags.tags if t == "th" and a.get("scope") == "col"]
    assert len(cols) == len(certainty.COLUMNS) == 5
    assert page.count("<tr>") == len(certainty.load()) + 1
    assert sum(a.get("scope") == "row" for t, a in tags.tags if t == "th") == len(sof.rows)


def test_every_row_gives_its_judgement_in_all_five_domains():
    domains = ("Risk of bias", "Inconsistency", "Indirectness", "Imprecision", "Publication bias")
    sof = certainty.table()
    for row, cells in zip(sof.rows, sof.cells(), strict=True):
        last = cells[-1]
        assert [part.split(":")[0] for part in last.split(" · ")] == list(domains)
        for domain, part in zip(certainty.DOMAINS, last.split(" · "), strict=True):
            assert part.split(": ")[1].startswith(getattr(row, domain))
    page = sof.to_html()
    assert all(page.count(f"{domain}: ") == len(sof.rows) for domain in domains)


def test_table_scrolls_sideways_in_its_own_labelled_box():
    page = certainty.table().to_html()
    tags = parsed(page)
    (box,) = [a for t, a in tags.tags if "pst-scrollable-table-container" in (a.get("class") or "")]
    assert box["role"] == "region" and box["tabindex"] == "0"
    (caption,) = [a for t, a in tags.tags if t == "caption"]
    assert box["aria-labelledby"] == caption["id"]
    assert "dataframe" in page, "keeps the theme's dark-mode panel off the table"


def test_every_downgrade_links_to_a_reason_that_exists():
    page = certainty.table().to_html()
    tags = parsed(page)
    targets = {a["href"].lstrip("#") for t, a in tags.tags if t == "a"}
    ids = {a["id"] for t, a in tags.tags if t == "li"}
    assert targets == ids
    downgrades = re.findall(r"<strong>[A-Za-z ]+: (?:very )?serious</strong>(&nbsp;<sup>)?", page)
    assert len(downgrades) == sum(len(row.downgraded) for row in certainty.load())
    assert all(downgrades), "a downgrade without a reason"


def test_reasons_cite_author_and_year_not_bibtex_keys():
    page = certainty.table().to_html()
    assert "[@" not in page
    keys = {key for row in certainty.load() for key in row.source}
    assert not [key for key in keys if key in page]
    assert "Motyka et al. 2000" in page and "Guyatt et al., 2011" in page


def test_text_version_lists_every_row_and_reason():
    sof = certainty.table()
    text = str(sof)
    for row in sof.rows:
        assert row.treatment in text and row.outcome in text
    assert all(f"[{i}] " in text for i in range(1, len(sof.notes.texts) + 1))
    assert certainty.result_text(row_of(*INJECTION)) in text


def test_notebook_shows_the_table_as_html():
    from IPython.core.interactiveshell import InteractiveShell

    formats, _ = InteractiveShell.instance().display_formatter.format(certainty.table())
    assert formats["text/html"] == certainty.table().to_html()
    assert "Summary of findings" in formats["text/plain"]


@pytest.mark.parametrize("kind", ["benefit", "harm"])
def test_table_can_show_one_kind(kind):
    sof = certainty.table(kind)
    assert sof.rows and all(row.kind == kind for row in sof.rows)
    assert f"{kind} rows only" in sof.caption
    assert sof.to_html().count("<tr>") == len(sof.rows) + 1


def test_the_kinds_add_up_to_the_whole_table():
    assert len(certainty.table("benefit").rows) + len(certainty.table("harm").rows) == len(
        certainty.table().rows
    )


@pytest.mark.parametrize("kind", ["benefits", "", None, 1, ("harm",)])
def test_table_names_a_bad_argument(kind):
    with pytest.raises(ValueError, match="argument 'kind' must be one of"):
        certainty.table(kind)


def test_citation_markers_become_author_year_citations():
    assert certainty.citations("a [@motyka2000; @wu2023] b [@motyka2000]") == (
        "motyka2000",
        "wu2023",
    )
    assert certainty.plain("Small [@motyka2000].") == "Small (Motyka et al., 2000)."
    assert data.citation("collee1991rct") in certainty.plain("[@collee1991rct]")


# ------------------------------------------------------------------- the chapter

CHAPTER = DATA_DIR.parent / "chapters" / "04-treatments.md"
GLOSSARY = DATA_DIR.parent / "chapters" / "glossary.md"


def section() -> str:
    """Chapter 4's summary-of-findings section, up to the next section."""
    text = CHAPTER.read_text(encoding="utf-8")
    return text.split("\n## How certain is each result?", 1)[1].split("\n## ", 1)[0]


def bank_question(qid: str) -> questions.Question:
    """The question ``qid`` of the bank (chapter 4's self-check questions)."""
    (question,) = [q for q in questions.load() if q.id == qid]
    return question


def right_choice(question: questions.Question) -> questions.Choice:
    """The one correct choice of a single-choice question."""
    (choice,) = [c for c in question.choices if c.correct]
    return choice


def test_chapter_shows_the_table_in_its_own_section():
    text = CHAPTER.read_text(encoding="utf-8")
    setup = text.split("```{code-cell}", 2)[1]
    assert re.search(r"from widgets import .*\bcertainty\b", setup)
    body = section()
    assert re.search(
        r"```\{code-cell\} ipython3\n:tags: \[remove-input\]\n\ncertainty\.table\(\)\n```", body
    )
    keys = cited(body)
    assert {"guyatt2011grade", "balshem2011grade"} <= keys
    assert text.index("## How certain is each result?") < text.index("## Recurrence and what is")


def test_grading_questions_match_the_data():
    """The bank's questions on grading the injection row agree with that row."""
    row = row_of(*INJECTION)
    (source,) = row.rows
    low, _ = wilson_interval(source.events, source.n)
    interval = bank_question("ch4-q-motyka-interval")
    assert (interval.answer, source.n) == (round(100 * low, 1), 35)
    assert right_choice(bank_question("ch4-q-grade-start")).text.lower() == row.design_start
    grade = bank_question("ch4-q-grade-motyka")
    assert right_choice(grade).text.lower() == row.certainty
    said = re.sub(r"\s+", " ", right_choice(grade).feedback).lower()
    for domain in row.downgraded:
        assert certainty.DOMAINS[domain].lower() in said


def test_glossary_defines_grade_and_certainty():
    text = GLOSSARY.read_text(encoding="utf-8")
    for term in ("GRADE", "Certainty of evidence"):
        entry = re.search(rf"^{term}\n((?:  .*\n)+)", text, re.M)
        assert entry, term
        assert "balshem2011grade" in entry[1]
