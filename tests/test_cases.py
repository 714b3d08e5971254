"""The staged clinical cases (chapters/cases.md, widgets/cases.py, _static/backmice-cases.js).

Source tests check the page's shape: six labelled cases, each of at least four stages,
a gate from the bank at the end of every stage but the last, each case question used
once. Unit tests check a gate's HTML and its errors. Tests on the built book check
which scripts load where. Browser tests, in every reader setting, answer gates from the
keyboard alone: a locked stage stays hidden until its gate has an answer, a wrong
answer shows its feedback, opened stages survive a reload, "Start this case again"
closes them; and without JavaScript every stage shows.
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import ROOT, contrast, flat
from pagecheck import SERIOUS, PageReport, _watch, sideways_scroll

from widgets import cases, live, questions
from widgets.quiz import quiz
from widgets.render import BOOK_ENV

PAGE = ROOT / "chapters" / "cases.md"
SOURCE = PAGE.read_text(encoding="utf-8")
BANK = questions.load()
CASE_QUESTIONS = [q for q in BANK if q.chapter == "cases"]
GATE = re.compile(r'^cases\.gate\("([\w-]+)"\)$', re.M)


def case_sections(text: str = SOURCE) -> list[str]:
    """The source of each ``## Case`` section, heading included."""
    parts = re.split(r"^(?=## )", text, flags=re.M)
    return [part for part in parts if part.startswith("## Case ")]


def stage_sections(case: str) -> list[str]:
    """The source of each ``###`` stage of one case, heading included."""
    return [part for part in re.split(r"^(?=### )", case, flags=re.M) if part.startswith("### ")]


@pytest.fixture()
def book_build(monkeypatch):
    """As in the book build: gates show as HTML."""
    monkeypatch.setenv(BOOK_ENV, "1")


# ------------------------------------------------------------------ the page source


def test_six_labelled_cases_of_at_least_four_stages():
    found = case_sections()
    assert len(found) >= 6
    for case in found:
        assert "**Teaching case about a fictional patient.**" in case, case[:40]
        stages = stage_sections(case)
        assert len(stages) >= 4, case[:40]
        assert re.match(r"### Stage 1: presentation\n", stages[0]), stages[0][:40]
        assert re.match(r"### Stage \d: outcome\n", stages[-1]), stages[-1][:40]
        assert [int(re.match(r"### Stage (\d)", s)[1]) for s in stages] == list(
            range(1, len(stages) + 1)
        )


def test_every_stage_but_the_last_ends_with_a_gate():
    for case in case_sections():
        stages = stage_sections(case)
        for stage in stages[:-1]:
            cell = stage.rstrip().rpartition("```{code-cell} ipython3")[2]
            assert stage.rstrip().endswith("```") and GATE.search(cell), stage[:40]
            assert ":tags: [remove-input]" in cell
            assert len(GATE.findall(stage)) == 1
        assert not GATE.search(stages[-1]), "the outcome has no gate after it"


def test_each_case_question_is_a_gate_once_in_bank_order():
    assert GATE.findall(SOURCE) == [q.id for q in CASE_QUESTIONS]
    assert len(CASE_QUESTIONS) >= 18


def test_case_questions_are_mostly_apply_or_analyse_with_feedback_per_choice():
    higher = [q for q in CASE_QUESTIONS if q.level in ("apply", "analyse")]
    assert len(higher) >= 0.8 * len(CASE_QUESTIONS)
    for q in CASE_QUESTIONS:
        assert q.explanation and q.source
        assert all(len(choice.feedback.split()) >= 3 for choice in q.choices), q.id


def test_the_page_says_it_is_education_and_the_patients_fictional():
    assert ":::{admonition} Teaching cases, fictional patients" in SOURCE
    assert "not medical advice" in flat(SOURCE)
    assert SOURCE.rstrip().endswith(":::") and ":::{admonition} Not medical advice" in SOURCE


def test_the_cases_cover_what_the_issue_asks():
    titles = [case.splitlines()[0] for case in case_sections()]
    text = [flat(case).lower() for case in case_sections()]
    wanted = {
        "a typical back mouse": "pressing it brings on her usual ache",
        "superior cluneal nerve entrapment": "nerve block",
        "a benign lookalike": "lipoma",
        "sarcoma warning signs, imaged and referred": "suspected-cancer pathway",
        "an urgent sign, same-day care": "cauda equina",
        "a treatment decision with intervals and harms": "confidence interval",
    }
    for (need, phrase), case in zip(wanted.items(), text, strict=True):
        assert phrase in case, (need, titles)


# ------------------------------------------------------------------------- the gate


def test_gate_html_is_a_one_question_quiz_marked_as_a_gate(book_build):
    question = CASE_QUESTIONS[0]
    bundle = cases.gate(question.id)._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/plain"}
    page = bundle["text/html"]
    assert page.startswith('<section class="bm-quiz bm-gate" ')
    assert re.findall(r'data-question-id="([\w-]+)"', page) == [question.id]
    data = json.loads(re.search(r'class="bm-quiz-data">(.*?)</script>', page)[1])
    assert list(data) == [question.id]
    assert data[question.id]["feedback"] == [c.feedback for c in question.choices]
    # A gate keeps no score and has no Reset of its own ("Start this case again" clears).
    assert 'class="bm-score"' not in page and 'class="bm-reset"' not in page
    assert '<span class="bm-num">' not in page, "a gate's question has no number"


def test_gate_renders_the_question_as_the_chapter_quiz_does(book_build):
    question = next(q for q in CASE_QUESTIONS if q.type == "numeric")
    chapter_quiz = quiz("cases").to_book_html()
    gate_li = re.search(r'<li class="bm-q".*?</li>', cases.gate(question.id).to_book_html())[0]
    numbered = re.sub(r'<span class="bm-num">\d+\.</span> ', "", chapter_quiz)
    assert gate_li in numbered


@pytest.mark.parametrize("bad", ["", "cases-q-nope", "ch1-q-lipoma-label", "CASES-Q-TYPICAL-FIRST"])
def test_an_unknown_or_chapter_question_is_refused(bad):
    with pytest.raises(ValueError, match="argument 'question_id' must be the id of a question"):
        cases.gate(bad)


def test_outside_the_book_build_the_notebook_app_shows(monkeypatch):
    monkeypatch.delenv(BOOK_ENV, raising=False)
    shown = []
    monkeypatch.setattr(live, "quiz_app", lambda qs: shown.append(qs) or "app", raising=False)
    monkeypatch.setattr("IPython.display.display", lambda *a, **k: shown.append(a))
    gate = cases.gate(CASE_QUESTIONS[1].id)
    assert "text/html" not in gate._repr_mimebundle_()
    gate._ipython_display_()
    assert shown == [[CASE_QUESTIONS[1]], ("app",)]


def test_the_cases_quiz_holds_every_case_question(book_build):
    assert [q.id for q in quiz("cases").questions] == [q.id for q in CASE_QUESTIONS]


# ----------------------------------------------------------------- the built book


def test_cases_page_loads_the_quiz_script_then_the_stage_script(book_html):
    page = (book_html / "chapters" / "cases.html").read_text(encoding="utf-8")
    scripts = re.findall(r'<script[^>]*src="[^"]*/(backmice-[\w-]+\.js)[^"]*"[^>]*>', page)
    assert scripts.index("backmice-questions.js") < scripts.index("backmice-cases.js")
    gates = re.findall(
        r'<section class="bm-quiz bm-gate" data-chapter="cases"[^>]*>.*?'
        r'data-question-id="([\w-]+)"',
        page,
    )
    assert gates == [q.id for q in CASE_QUESTIONS]
    for other in ("intro.html", "chapters/03-differential.html"):
        assert "backmice-cases.js" not in (book_html / other).read_text(encoding="utf-8")


# ----------------------------------------------------------------- in the browser

STORED_JS = "() => Object.keys(localStorage).filter(k => k.startsWith('backmice-quiz:')).sort()"
#: The first case's section and its stage sections, as the page script finds them.
CASE_JS = """() => { const gate = document.querySelector('section.bm-gate');
  return gate.parentElement.closest('section').parentElement.closest('section').id; }"""
#: Each stage of a case: [id, hidden] in page order.
STAGES_JS = """(id) => [...document.getElementById(id).children]
  .filter(c => c.tagName === 'SECTION').map(s => [s.id, s.hidden])"""
#: The contrast inputs of an element: its text colour and the first opaque background up.
COLOURS_JS = """(el) => { let node = el, bg = 'rgba(0, 0, 0, 0)';
  while (node && (bg === 'rgba(0, 0, 0, 0)' || bg === 'transparent')) {
    bg = getComputedStyle(node).backgroundColor; node = node.parentElement; }
  return [getComputedStyle(el).color, bg]; }"""


def rgb(text: str) -> tuple[int, ...]:
    """``rgb(1, 2, 3)`` as a triple."""
    return tuple(int(float(v)) for v in re.findall(r"[\d.]+", text)[:3])


def tab_to(page, selector: str, limit: int = 120) -> None:
    """Press Tab until the focused element matches ``selector``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def pick(page, question: questions.Question, index: int) -> None:
    """Choose choice ``index`` of a single-choice gate from the keyboard, then Check."""
    root = f'[data-question-id="{question.id}"]'
    tab_to(page, f"{root} input")
    for _ in range(index):
        page.keyboard.press("ArrowDown")  # moves and checks
    if not index:
        page.keyboard.press("Space")
    tab_to(page, f"{root} .bm-check")
    page.keyboard.press("Enter")


def focus_heading(page, section_id: str) -> None:
    """Start keyboard travel at a section's heading."""
    page.evaluate(
        "(id) => { const h = document.getElementById(id).querySelector('h2, h3');"
        " h.tabIndex = -1; h.focus(); }",
        section_id,
    )


@pytest.mark.parametrize("setting", ["desktop-light", "desktop-dark", "phone"])
def test_stages_open_by_keyboard_after_any_answer_and_survive_reload(
    setting, book_url, setting_context
):
    first, second, third = CASE_QUESTIONS[:3]
    wrong = next(i for i, c in enumerate(first.choices) if not c.correct)
    right = next(i for i, c in enumerate(second.choices) if c.correct)
    report = PageReport(url="chapters/cases", setting=setting)
    page = setting_context(setting).new_page()
    _watch(page, report)
    page.goto(f"{book_url}/chapters/cases.html", wait_until="load")
    case = page.evaluate(CASE_JS)
    stages = page.evaluate(STAGES_JS, case)
    assert [hidden for _, hidden in stages] == [False, True, True, True], "locked before"
    note = page.locator(f'[data-question-id="{first.id}"]').locator(
        "xpath=ancestor::section[1]/following-sibling::p[1]"
    )
    assert note.inner_text() == "The next stage opens after you answer this question."
    assert page.locator(f'[data-question-id="{second.id}"]').is_hidden()
    toc = page.locator(f'.bd-toc a[href="#{stages[1][0]}"]')
    assert toc.count() == 0 or toc.is_hidden(), "a locked stage leaves the page's contents"

    focus_heading(page, stages[0][0])
    pick(page, first, wrong)  # a wrong answer opens the next stage, with its feedback
    said = page.locator(f'[data-question-id="{first.id}"] .bm-feedback').inner_text()
    assert said.startswith("✗ Not right.") and flat(first.choices[wrong].feedback) in flat(said)
    assert [hidden for _, hidden in page.evaluate(STAGES_JS, case)] == [False, False, True, True]
    assert note.inner_text().startswith("The next stage is open below: Stage 2")
    assert note.get_attribute("aria-live") == "polite"
    tab_to(page, "p.bm-gate-note a", limit=12)  # the link to the stage is next in line
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == f"#{stages[1][0]}"

    pick(page, second, right)
    assert [hidden for _, hidden in page.evaluate(STAGES_JS, case)] == [False, False, False, True]
    assert (
        page.locator(f'[data-question-id="{second.id}"] .bm-feedback')
        .inner_text()
        .startswith("✓ Right.")
    )
    assert page.locator(f'[data-question-id="{third.id}"]').is_visible()

    page.locator(f'[data-question-id="{second.id}"]').scroll_into_view_if_needed()
    page.screenshot(path=ROOT / "_build" / f"cases-{setting}.png")
    assert sideways_scroll(page) == 0, "nothing is wider than the screen"
    for selector in ("p.bm-gate-note", f'[data-question-id="{first.id}"] .bm-feedback p'):
        fore, back = page.locator(selector).first.evaluate(COLOURS_JS)
        assert contrast(rgb(fore), rgb(back)) >= 4.5, (selector, fore, back)
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page, context="main", options={"preload": False})
    serious = [v for v in found.response["violations"] if v["impact"] in SERIOUS]
    where = [(v["id"], n["target"], n["failureSummary"][:160]) for v in serious for n in v["nodes"]]
    assert serious == [], f"axe, with two stages open: {where[:3]}"

    page.reload(wait_until="load")
    assert [hidden for _, hidden in page.evaluate(STAGES_JS, case)] == [False, False, False, True]
    assert page.locator(f'[data-question-id="{first.id}"] input:checked').count() == 1
    assert page.evaluate(STORED_JS) == sorted(
        f"backmice-quiz:{key}" for key in ("log", first.id, second.id)
    )

    again = page.locator(f"#{case} p.bm-case-again button")
    focus_heading(page, stages[2][0])
    tab_to(page, f"#{case} p.bm-case-again button")
    page.keyboard.press("Enter")
    assert [hidden for _, hidden in page.evaluate(STAGES_JS, case)] == [False, True, True, True]
    assert page.evaluate(STORED_JS) == ["backmice-quiz:log"], "the review log is kept"
    assert page.evaluate("() => document.activeElement.tagName") == "H2"
    assert again.is_hidden() and page.locator(f"#{case} input:checked").count() == 0
    page.close()
    assert report.console_errors == [] and report.page_errors == []
    assert report.offsite == [] and report.http_errors == []


def test_without_javascript_every_stage_shows(browser, book_url):
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    page.goto(f"{book_url}/chapters/cases.html", wait_until="load")
    headings = page.locator("section section h3")
    assert headings.count() >= 24
    assert all(headings.nth(i).is_visible() for i in range(headings.count()))
    assert page.locator("p.bm-gate-note, p.bm-case-again").count() == 0
    ctx.close()


def test_printed_page_shows_every_stage_and_no_notes(context, book_url):
    page = context.new_page()
    page.goto(f"{book_url}/chapters/cases.html", wait_until="load")
    case = page.evaluate(CASE_JS)
    assert [hidden for _, hidden in page.evaluate(STAGES_JS, case)] == [False, True, True, True]
    page.emulate_media(media="print")
    stages = page.locator(f"#{case} > section")
    assert all(stages.nth(i).is_visible() for i in range(stages.count()))
    assert page.locator("p.bm-gate-note").first.is_hidden()
    page.close()
