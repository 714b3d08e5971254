"""The question bank (data/questions.yaml) and the objectives (data/objectives.csv).

Counts and coverage of the real bank, its citations, its computed numeric answers, the
objectives against the chapters' own lists, and one bad file per loader rule, each
named by file, line and field.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter

import pytest
from conftest import ROOT, cited, flat

from tools import checkdata
from widgets import data, objectives, questions
from widgets.data import DATA_DIR, DataError
from widgets.stats import wilson_interval, zero_event_upper_bound

BANK = questions.load()
OBJECTIVES = objectives.load()
CHAPTERS = {int(path.name[:2]): path for path in (ROOT / "chapters").glob("0[1-9]-*.md")}
CHAPTERS["cases"] = ROOT / "chapters" / "cases.md"  # a chapter named in words
BIB_TEXT = (ROOT / "references.bib").read_text(encoding="utf-8")
BIB_KEYS = set(re.findall(r"^@\w+\s*\{\s*([^,\s]+)\s*,", BIB_TEXT, flags=re.MULTILINE))

# ---------------------------------------------------------------- the real bank


def test_at_least_twelve_questions_per_chapter_and_48_in_all():
    per_chapter = Counter(question.chapter for question in BANK)
    assert set(per_chapter) == set(CHAPTERS)
    assert all(count >= 12 for count in per_chapter.values()), per_chapter
    assert len(BANK) >= 48


def test_every_stated_objective_is_checked_by_a_question():
    checked = {question.objective for question in BANK}
    assert [row.key for row in OBJECTIVES if row.key not in checked] == []


def test_at_least_a_third_apply_or_analyse_and_all_three_types():
    higher = [question for question in BANK if question.level in ("apply", "analyse")]
    assert 3 * len(higher) >= len(BANK)
    assert {question.type for question in BANK} == set(questions.TYPES)
    assert {question.level for question in BANK} == set(questions.LEVELS)


def test_every_source_key_is_in_references_bib():
    used = {key for question in BANK for key in question.source}
    assert used - BIB_KEYS == set()


def test_every_source_key_is_cited_by_the_questions_own_chapter():
    for question in BANK:
        chapter_keys = cited(CHAPTERS[question.chapter].read_text(encoding="utf-8"))
        assert set(question.source) <= chapter_keys, (
            question.id,
            set(question.source) - chapter_keys,
        )


def test_every_objective_key_names_its_chapter_and_ids_are_unique():
    assert all(row.key.startswith(f"{objectives.prefix(row.chapter)}-") for row in OBJECTIVES)
    assert len({question.id for question in BANK}) == len(BANK)
    starts = [f"{objectives.prefix(question.chapter)}-q-" for question in BANK]
    assert all(q.id.startswith(start) for q, start in zip(BANK, starts, strict=True))
    assert {start[:-3] for start in starts} == {"ch1", "ch2", "ch3", "ch4", "cases"}


def test_choice_questions_have_feedback_for_every_choice():
    for question in BANK:
        if question.type == "numeric":
            assert question.choices == () and question.unit
            continue
        correct = [choice for choice in question.choices if choice.correct]
        assert len(correct) == 1 if question.type == "single" else len(correct) >= 1
        assert all(len(choice.feedback.split()) >= 3 for choice in question.choices), question.id


def test_the_right_answer_is_not_always_in_the_same_place():
    places = Counter(
        [choice.correct for choice in question.choices].index(True)
        for question in BANK
        if question.type == "single"
    )
    assert len(places) >= 3 and max(places.values()) <= sum(places.values()) / 2, places
    wrong_last = [q.choices[-1].correct for q in BANK if q.type == "multiple"].count(False)
    assert wrong_last < len([q for q in BANK if q.type == "multiple"]), (
        "the odd one out is always last"
    )


#: Every numeric answer, recomputed here as the YAML comment above it says.
COMPUTED = {
    "ch1-q-nacir-interval": 100 * wilson_interval(18, 76)[1],
    "ch2-q-l4-interval": 100 * wilson_interval(9, 20)[0],
    "ch2-q-entrapped-share": 100 * 2 / 86,
    "ch3-q-none-of-147": 100 * zero_event_upper_bound(147),
    "ch3-q-block-vas": 68.6 - 45.2,
    "ch4-q-motyka-interval": 100 * wilson_interval(31, 35)[0],
    "ch4-q-zero-events": 100 * zero_event_upper_bound(35),
    "ch4-q-halve-width": 4 * 35,
    "cases-q-sarcoma-pain": 27,  # reported, not computed: the sensitivity of pain
    "cases-q-decision-interval": 100 * wilson_interval(7, 12)[0],
}


def test_numeric_answers_are_the_computed_values():
    numeric = {question.id: question for question in BANK if question.type == "numeric"}
    assert set(numeric) == set(COMPUTED)
    for key, value in COMPUTED.items():
        assert abs(numeric[key].answer - value) < 0.05, (key, numeric[key].answer, value)
        assert numeric[key].tolerance < abs(value) / 2


def test_four_times_the_patients_halves_the_interval():
    def width(successes: int, n: int) -> float:
        low, high = wilson_interval(successes, n)
        return high - low

    assert 0.45 < width(124, 140) / width(31, 35) < 0.55  # the same share, 31/35


# ------------------------------------------------------ objectives and the chapters


def stated_objectives(text: str) -> list[str]:
    """The numbered items of a chapter's "Learning objectives" box, each on one line."""
    box = re.search(r":::\{admonition\} Learning objectives\n(.*?)\n:::", text, re.DOTALL)
    assert box, "no Learning objectives box"
    items = re.split(r"^\d+\. ", box.group(1), flags=re.MULTILINE)[1:]
    return [flat(item) for item in items]


@pytest.mark.parametrize("chapter", sorted(CHAPTERS, key=str))
def test_objectives_data_matches_the_chapters_list_exactly(chapter):
    stated = stated_objectives(CHAPTERS[chapter].read_text(encoding="utf-8"))
    rows = [row.text for row in OBJECTIVES if row.chapter == chapter]
    assert [*(f"{text};" for text in rows[:-1]), f"{rows[-1]}."] == stated


def test_objectives_cover_exactly_the_chapters():
    assert {row.chapter for row in OBJECTIVES} == set(CHAPTERS)


def test_objective_key_must_name_its_chapter(tmp_path):
    (tmp_path / "objectives.csv").write_text("key,chapter,text\nch2-x,1,do it\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"^data/objectives.csv, line 2, field 'key'"):
        objectives.load(tmp_path)


# ------------------------------------------------------ the loader's rules, one bad file each

GOOD = """\
- id: ch1-q-alpha
  chapter: 1
  objective: ch1-naming
  type: single
  level: recall
  stem: Which?
  choices:
    - text: A
      correct: true
      feedback: Because A.
    - text: B
      correct: false
      feedback: Not B.
  explanation: A is right.
  source: [pace1972]
- id: ch1-q-beta
  chapter: 1
  objective: ch1-history
  type: numeric
  level: apply
  stem: How many were treated?
  answer: 181
  tolerance: 0
  unit: patients
  explanation: 89 + 92.
  source: [herz1952]
"""


def load_text(tmp_path, text):
    shutil.copy(DATA_DIR / "objectives.csv", tmp_path / "objectives.csv")
    (tmp_path / "questions.yaml").write_text(text, encoding="utf-8")
    return questions.load(tmp_path)


def line_of(text, snippet):
    return text[: text.index(snippet)].count("\n") + 1


def test_the_good_file_loads(tmp_path):
    alpha, beta = load_text(tmp_path, GOOD)
    assert alpha.choices[0] == questions.Choice(text="A", correct=True, feedback="Because A.")
    assert (beta.answer, beta.tolerance, beta.unit, beta.source) == (
        181.0,
        0.0,
        "patients",
        ("herz1952",),
    )


# Each rule: the text replaced in GOOD, its replacement, the field the error must name, a
# snippet that starts the line it must name, and a phrase of its reason.
RULES = [
    pytest.param(
        "id: ch1-q-beta",
        "id: ch1-q-alpha",
        "id",
        "id: ch1-q-alpha\n  chapter: 1\n  objective: ch1-history",
        "repeats line 1",
        id="repeated id",
    ),
    pytest.param(
        "objective: ch1-history",
        "objective: ch1-nowhere",
        "objective",
        "objective: ch1-nowhere",
        "no chapter states",
        id="objective no chapter states",
    ),
    pytest.param(
        "objective: ch1-history",
        "objective: ch2-origin",
        "objective",
        "objective: ch2-origin",
        "of chapter 2, not 1",
        id="objective of another chapter",
    ),
    pytest.param(
        "[herz1952]",
        "[herz1952, nosuch2099]",
        "source",
        "source: [herz1952, nosuch2099]",
        "not in references.bib",
        id="unknown citation key",
    ),
    pytest.param(
        "tolerance: 0",
        "tolerance: -0.5",
        "tolerance",
        "tolerance:",
        "at least 0",
        id="negative tolerance",
    ),
    pytest.param(
        "tolerance: 0",
        "tolerance: .inf",
        "tolerance",
        "tolerance:",
        "finite",
        id="infinite tolerance",
    ),
    pytest.param(
        "tolerance: 0",
        "tolerance: .nan",
        "tolerance",
        "tolerance:",
        "finite",
        id="tolerance not a number",
    ),
    pytest.param(
        "  unit: patients\n", "", "unit", "- id: ch1-q-beta", "needs a unit", id="unit missing"
    ),
    pytest.param("unit: patients", 'unit: ""', "unit", "unit:", "empty", id="unit empty"),
    pytest.param(
        "answer: 181", "answer: .inf", "answer", "answer:", "finite", id="answer not finite"
    ),
    pytest.param(
        "answer: 181",
        'answer: "181"',
        "answer",
        "answer:",
        "expected a number",
        id="answer written as text",
    ),
    pytest.param(
        "correct: true",
        "correct: false",
        "choices",
        "choices:",
        "exactly one correct choice, got 0",
        id="single with no correct choice",
    ),
    pytest.param(
        "correct: false",
        "correct: true",
        "choices",
        "choices:",
        "exactly one correct choice, got 2",
        id="single with two correct choices",
    ),
    pytest.param(
        "type: single",
        "type: truefalse",
        "type",
        "type: truefalse",
        "not one of",
        id="unknown type",
    ),
    pytest.param(
        "level: recall",
        "level: remember",
        "level",
        "level: remember",
        "not one of",
        id="unknown level",
    ),
    pytest.param(
        "correct: true",
        'correct: "yes"',
        "correct",
        'correct: "yes"',
        "true or false",
        id="correct not a boolean",
    ),
    pytest.param(
        "  explanation: A is right.\n",
        "  explanation: A is right.\n  colour: red\n",
        "colour",
        "colour:",
        "extra fields",
        id="unknown field",
    ),
    pytest.param(
        "  stem: Which?\n",
        "",
        "stem",
        "- id: ch1-q-alpha",
        "required field missing",
        id="missing field",
    ),
    pytest.param(
        "  unit: patients\n",
        "  unit: patients\n  choices:\n    - {text: x, correct: true, feedback: y z}\n"
        "    - {text: v, correct: false, feedback: y z}\n",
        "choices",
        "choices:\n    - {text: x",
        "no choices",
        id="numeric with choices",
    ),
    pytest.param(
        "    - text: B\n      correct: false\n      feedback: Not B.\n",
        "    - just text\n",
        "choices",
        "- just text",
        "mapping",
        id="choice that is not a mapping",
    ),
]


@pytest.mark.parametrize(("old", "new", "field", "snippet", "why"), RULES)
def test_a_bad_question_is_named_by_file_line_and_field(tmp_path, old, new, field, snippet, why):
    assert old in GOOD
    bad = GOOD.replace(old, new, 1)
    with pytest.raises(DataError) as error:
        load_text(tmp_path, bad)
    message = str(error.value)
    where = f"data/questions.yaml, line {line_of(bad, snippet)}, field '{field}': "
    assert message.startswith(where)
    assert why in message


def test_multiple_choice_needs_a_correct_choice(tmp_path):
    bad = GOOD.replace("type: single", "type: multiple").replace("correct: true", "correct: false")
    with pytest.raises(DataError) as error:
        load_text(tmp_path, bad)
    assert str(error.value) == (
        f"data/questions.yaml, line {line_of(bad, 'choices:')}, field 'choices': "
        "a multiple-choice question needs at least one correct choice, got 0"
    )


def test_a_multiple_choice_question_may_have_several_correct_choices(tmp_path):
    good = GOOD.replace("type: single", "type: multiple").replace("correct: false", "correct: true")
    assert [choice.correct for choice in load_text(tmp_path, good)[0].choices] == [True, True]


def test_every_bad_question_is_reported_at_once(tmp_path):
    bad = GOOD.replace("level: recall", "level: remember").replace("tolerance: 0", "tolerance: -1")
    with pytest.raises(DataError) as error:
        load_text(tmp_path, bad)
    lines = str(error.value).splitlines()
    assert [line.split(": ")[0] for line in lines] == [
        f"data/questions.yaml, line {line_of(bad, 'level:')}, field 'level'",
        f"data/questions.yaml, line {line_of(bad, 'tolerance:')}, field 'tolerance'",
    ]


def test_a_repeated_key_and_broken_yaml_are_named_by_line(tmp_path):
    repeated = GOOD.replace("  stem: Which?\n", "  stem: Which?\n  stem: Again?\n")
    with pytest.raises(DataError, match=r"^data/questions.yaml, line 7: .*repeats key 'stem'"):
        load_text(tmp_path, repeated)
    with pytest.raises(DataError, match=r"^data/questions.yaml, line 3: not valid YAML"):
        load_text(tmp_path, GOOD.replace("  objective: ch1-naming", "\tobjective: ch1-naming"))
    with pytest.raises(DataError, match=r"^data/questions.yaml: must be a list of questions"):
        load_text(tmp_path, "id: ch1-q-alpha\n")


def test_checkdata_reports_a_broken_bank_by_file_line_and_field(tmp_path, monkeypatch):
    assert "questions.yaml" in [path.name for path in checkdata.data_files(ROOT)]
    bad = GOOD.replace("[pace1972]", "[nosuch2099]")
    load_text(tmp_path, GOOD)
    (tmp_path / "questions.yaml").write_text(bad, encoding="utf-8")
    monkeypatch.setattr(data, "DATA_DIR", tmp_path)
    monkeypatch.setattr(questions, "DATA_DIR", tmp_path)
    problem = checkdata.check_data_file(ROOT, tmp_path / "questions.yaml")
    assert problem is not None
    assert problem.startswith(f"data/questions.yaml, line {line_of(bad, 'nosuch')}, field 'source'")


def test_the_json_copy_matches_the_bank():
    """The Live site's Python has no PyYAML: it reads data/questions.json, which must be
    the bank itself (regenerate with ``python -m widgets.questions``)."""
    import json

    import yaml

    bank = yaml.safe_load((DATA_DIR / "questions.yaml").read_text(encoding="utf-8"))
    copy = json.loads((DATA_DIR / "questions.json").read_text(encoding="utf-8"))
    assert copy == bank, "data/questions.json is stale: run python -m widgets.questions"


def test_without_pyyaml_the_same_questions_load(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_yaml(name, *args, **kwargs):
        if name == "yaml":
            raise ModuleNotFoundError("No module named 'yaml'")
        return real_import(name, *args, **kwargs)

    with_yaml = questions.load()
    monkeypatch.setattr(builtins, "__import__", no_yaml)
    assert questions.load() == with_yaml


# ------------------------------------------------- a chapter named in words: the cases

CASE = """\
- id: cases-q-gamma
  chapter: cases
  objective: cases-next-step
  type: single
  level: apply
  stem: What next?
  choices:
    - text: Image it
      correct: true
      feedback: Because it grows.
    - text: Wait
      correct: false
      feedback: Not for a growing lump.
  explanation: Growth is a warning sign.
  source: [eastley2016sarcoma]
"""


def test_a_case_question_loads_beside_numbered_chapters(tmp_path):
    *_, case = load_text(tmp_path, GOOD + CASE)
    assert (case.id, case.chapter, case.objective) == ("cases-q-gamma", "cases", "cases-next-step")


CASE_RULES = [
    pytest.param(
        "id: cases-q-gamma",
        "id: ch1-q-gamma",
        "id",
        "id: ch1-q-gamma",
        "'cases-q-short-name'",
        id="numbered id in the cases",
    ),
    pytest.param(
        "chapter: cases",
        "chapter: case",
        "chapter",
        "chapter: case",
        "one of ['cases']",
        id="unknown chapter name",
    ),
    pytest.param(
        "chapter: cases",
        "chapter: 10",
        "chapter",
        "chapter: 10",
        "from 1 to 9",
        id="chapter number out of range",
    ),
    pytest.param(
        "chapter: cases",
        "chapter: true",
        "chapter",
        "chapter: true",
        "got True",
        id="chapter a boolean",
    ),
    pytest.param(
        "objective: cases-next-step",
        "objective: ch3-red-flags",
        "objective",
        "objective: ch3-red-flags",
        "of chapter 3, not cases",
        id="objective of a numbered chapter",
    ),
]


@pytest.mark.parametrize(("old", "new", "field", "snippet", "why"), CASE_RULES)
def test_a_bad_case_question_is_named_by_line_and_field(tmp_path, old, new, field, snippet, why):
    bad = GOOD + CASE.replace(old, new, 1)
    with pytest.raises(DataError) as error:
        load_text(tmp_path, bad)
    message = str(error.value)
    assert message.startswith(
        f"data/questions.yaml, line {line_of(bad, snippet)}, field '{field}': "
    )
    assert why in message


def test_a_numbered_question_may_not_check_a_case_objective(tmp_path):
    bad = GOOD.replace("objective: ch1-naming", "objective: cases-red-flags")
    with pytest.raises(
        DataError, match="'cases-red-flags' is an objective of chapter cases, not 1"
    ):
        load_text(tmp_path, bad)


@pytest.mark.parametrize(
    ("row", "why"),
    [
        ("ch1-x,cases,do it", "'ch1-x' must look like 'cases-short-name'"),
        ("cases-x,case,do it", "'case' is not one of ['cases']"),
        ("cases-x,0,do it", "0 is outside the range 1–9"),
        ("Cases-x,cases,do it", "must look like 'cases-short-name' (lower case)"),
    ],
)
def test_a_bad_case_objective_is_named_by_line_and_field(tmp_path, row, why):
    (tmp_path / "objectives.csv").write_text(f"key,chapter,text\n{row}\n", encoding="utf-8")
    with pytest.raises(DataError) as error:
        objectives.load(tmp_path)
    assert str(error.value).startswith("data/objectives.csv, line 2, field ")
    assert why in str(error.value)


def test_a_case_objective_loads_with_its_chapter_named(tmp_path):
    text = "key,chapter,text\ncases-x,cases,do it\nch2-y,2,do that\n"
    (tmp_path / "objectives.csv").write_text(text, encoding="utf-8")
    assert [(row.key, row.chapter) for row in objectives.load(tmp_path)] == [
        ("cases-x", "cases"),
        ("ch2-y", 2),
    ]


def test_the_books_bank_is_loaded_once_until_a_file_changes():
    import os

    first = questions.bank()
    assert questions.bank() is first and first == tuple(questions.load())
    path = ROOT / "data" / "objectives.csv"
    times = path.stat()
    try:
        os.utime(path, ns=(times.st_atime_ns, times.st_mtime_ns + 1_000_000))
        again = questions.bank()
        assert again is not first and again == first, "a touched file is read again"
    finally:
        os.utime(path, ns=(times.st_atime_ns, times.st_mtime_ns))
