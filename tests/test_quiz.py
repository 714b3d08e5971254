"""The self-check quizzes (widgets/quiz.py, _static/backmice-questions.js).

Unit tests check the HTML each question type gets; tests on the built book check that
every citation link finds its bibliography entry and that the grading script loads only
where there is a quiz; browser tests answer questions from the keyboard alone in every
chapter and reader setting, reload, and reset.
"""

from __future__ import annotations

import html
import json
import re

import pytest
from conftest import ROOT, flat
from pagecheck import SERIOUS, PageReport, _watch, sideways_scroll

from widgets import live, questions
from widgets.data import citation
from widgets.quiz import quiz
from widgets.render import BOOK_ENV

CHAPTERS = {1: "01-terminology", 2: "02-cluneal-nerves", 3: "03-differential", 4: "04-treatments"}
BANK = questions.load()


@pytest.fixture()
def book_build(monkeypatch):
    """As in the book build: quizzes show as HTML."""
    monkeypatch.setenv(BOOK_ENV, "1")


def items(page: str) -> dict[str, str]:
    """Each question's ``<li>`` in ``page`` (a quiz's or a built page's HTML), by id."""
    found = re.findall(r'<li class="bm-q" data-question-id="([\w-]+)".*?</li>', page, re.S)
    chunks = re.findall(r'<li class="bm-q" data-question-id="[\w-]+".*?</li>', page, re.S)
    return dict(zip(found, chunks, strict=True))


@pytest.mark.parametrize("chapter", list(CHAPTERS))
def test_every_question_of_the_chapter_is_shown_in_order(book_build, chapter):
    bundle = quiz(str(chapter))._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/plain"}
    page = bundle["text/html"]
    wanted = [q.id for q in BANK if q.chapter == chapter]
    assert len(wanted) >= 12 and list(items(page)) == wanted
    data = json.loads(re.search(r'class="bm-quiz-data">(.*?)</script>', page)[1])
    assert list(data) == wanted
    assert page.count('class="bm-reset"') == 1 and f'data-chapter="{chapter}"' in page


@pytest.mark.parametrize("question", BANK, ids=lambda q: q.id)
def test_question_html(book_build, question):
    li = items(quiz(str(question.chapter)).to_book_html())[question.id]
    legend = re.search(r"<fieldset><legend>.*?</legend>", li)[0]
    assert html.escape(question.stem) in legend
    if question.type == "numeric":
        assert f'<label for="{question.id}-answer">' in li and 'type="text"' in li
        label = re.search(r"<label [^>]*>(.*?)</label>", li)[1]
        assert html.escape(question.unit) in label, "the label names the unit"
    else:
        kind = "radio" if question.type == "single" else "checkbox"
        assert li.count(f'type="{kind}" name="{question.id}"') == len(question.choices)
        assert 'type="text"' not in li
    assert li.count('<button type="button" class="bm-check">Check</button>') == 1
    assert '<div class="bm-feedback" aria-live="polite"></div>' in li
    explain = re.search(r'<div class="bm-explain" hidden>(.*?)</div>', li)[1]
    assert html.escape(question.explanation) in explain
    for key in question.source:
        link = f'<a href="../chapters/bibliography.html#bib-{key}">{html.escape(citation(key))}</a>'
        assert link in explain


@pytest.mark.parametrize("bad", ["5", "0", "x", "", "01-", "ch1"])
def test_unknown_chapter_is_refused(bad):
    with pytest.raises(ValueError, match="argument 'chapter'"):
        quiz(bad)


def test_page_name_and_number_agree(book_build):
    assert quiz("03-differential").to_book_html() == quiz("3").to_book_html()


def test_outside_the_book_build_the_notebook_app_shows(monkeypatch):
    monkeypatch.delenv(BOOK_ENV, raising=False)
    shown = []
    monkeypatch.setattr(live, "quiz_app", lambda qs: shown.append(qs) or "app", raising=False)
    monkeypatch.setattr("IPython.display.display", lambda *a, **k: shown.append(a))
    chapter = quiz("2")
    assert "text/html" not in chapter._repr_mimebundle_()
    chapter._ipython_display_()
    assert shown == [chapter.questions, ("app",)]


# ----------------------------------------------------------------- the built book


def test_citation_links_find_their_entries(book_html):
    bibliography = (book_html / "chapters" / "bibliography.html").read_text(encoding="utf-8")
    for chapter, name in CHAPTERS.items():
        page = (book_html / "chapters" / f"{name}.html").read_text(encoding="utf-8")
        assert list(items(page)) == [q.id for q in BANK if q.chapter == chapter]
        assert "backmice-questions.js" in page and "```{exercise}" not in page
        assert 'id="exercise-content"' not in page, "no sphinx-exercise ids left"
        for key in set(re.findall(r'bibliography\.html#bib-([\w-]+)"', page)):
            assert f'<span id="bib-{key}"></span>' in bibliography, key
    intro = (book_html / "intro.html").read_text(encoding="utf-8")
    assert "backmice-questions.js" not in intro, "loaded only where there is a quiz"


# ----------------------------------------------------------------- in the browser

#: Keys kept in localStorage by the page script.
LOG_JS = "() => JSON.parse(localStorage.getItem('backmice-quiz:log'))"
STORED_JS = "() => Object.keys(localStorage).filter(k => k.startsWith('backmice-quiz:')).sort()"


START_JS = """() => { const h = document.querySelector('#self-check-questions h2');
  h.tabIndex = -1; h.focus(); }"""


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches ``selector``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def answer(page, question: questions.Question, pick: list[int] | str) -> None:
    """Answer ``question`` from the keyboard: choice indices or the number to type; Check."""
    root = f'[data-question-id="{question.id}"]'
    tab_to(page, f"{root} input")
    if isinstance(pick, str):
        page.keyboard.type(pick)
    elif question.type == "single":
        for _ in range(pick[0]):
            page.keyboard.press("ArrowDown")  # moves and checks
        if not pick[0]:
            page.keyboard.press("Space")
    else:
        for index in range(len(question.choices)):
            if index:
                page.keyboard.press("Tab")
            if index in pick:
                page.keyboard.press("Space")
    tab_to(page, f"{root} .bm-check")
    page.keyboard.press("Enter")


def feedback(page, question: questions.Question) -> str:
    """The text of a question's live feedback region."""
    return page.locator(f'[data-question-id="{question.id}"] .bm-feedback').inner_text()


@pytest.mark.parametrize("setting", ["desktop-light", "desktop-dark", "phone"])
@pytest.mark.parametrize("chapter", list(CHAPTERS))
def test_answer_reload_and_reset_by_keyboard(chapter, setting, book_url, setting_context):
    mine = [q for q in BANK if q.chapter == chapter]
    first = mine[0]
    right = [i for i, c in enumerate(first.choices) if c.correct]
    wrong_q = next(q for q in mine[1:] if q.type == "single")
    wrong = next(i for i, c in enumerate(wrong_q.choices) if not c.correct)
    number = next(q for q in mine if q.type == "numeric")
    report = PageReport(url=CHAPTERS[chapter], setting=setting)
    page = setting_context(setting).new_page()
    _watch(page, report)
    page.goto(f"{book_url}/chapters/{CHAPTERS[chapter]}.html", wait_until="load")
    page.evaluate(START_JS)  # Tab goes on from the section's heading
    typed = f"{number.answer + number.tolerance / 2:g}"
    for question, pick in sorted(
        [(first, right), (wrong_q, [wrong]), (number, typed)], key=lambda p: mine.index(p[0])
    ):
        answer(page, question, pick)  # in page order: Tab goes forward

    def check_shown() -> None:
        said = feedback(page, first)
        assert said.startswith("✓ Right.") and flat(first.choices[right[0]].feedback) in flat(said)
        said = feedback(page, wrong_q)
        assert said.startswith("✗ Not right.") and flat(wrong_q.choices[wrong].feedback) in said
        assert feedback(page, number).startswith("✓ Right.")
        for q in (first, wrong_q, number):
            explain = page.locator(f'[data-question-id="{q.id}"] .bm-explain')
            assert explain.is_visible() and explain.locator("a[href*='#bib-']").count()
        score = page.locator(".bm-score").inner_text()
        assert score == f"Score: 2 of {len(mine)} right (3 answered)."

    check_shown()
    assert page.evaluate(STORED_JS) == sorted(
        [f"backmice-quiz:{q.id}" for q in (first, wrong_q, number)]
        + [f"backmice-quiz:score:{chapter}", "backmice-quiz:log"]
    )
    logged = [(e["id"], e["right"]) for e in page.evaluate(LOG_JS)]  # in answering order
    answered = [(first.id, True), (wrong_q.id, False), (number.id, True)]
    assert logged == sorted(answered, key=lambda a: [q.id for q in mine].index(a[0]))
    page.locator(f'[data-question-id="{wrong_q.id}"]').scroll_into_view_if_needed()
    page.screenshot(path=ROOT / "_build" / f"quiz-{chapter}-{setting}.png")
    assert sideways_scroll(page) == 0, "the quiz fits the screen"
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page, context="section.bm-quiz", options={"preload": False})
    serious = [v for v in found.response["violations"] if v["impact"] in SERIOUS]
    where = [(v["id"], n["target"], n["failureSummary"][:160]) for v in serious for n in v["nodes"]]
    assert serious == [], f"axe, with the feedback shown: {where[:3]}"

    page.reload(wait_until="load")
    check_shown()
    assert len(page.evaluate(LOG_JS)) == 3, "answers shown again are not logged again"
    assert page.locator(f'[data-question-id="{first.id}"] input:checked').count() == len(right)
    page.evaluate(START_JS)
    tab_to(page, ".bm-reset", limit=200)
    page.keyboard.press("Enter")
    assert page.evaluate(STORED_JS) == ["backmice-quiz:log"], "Reset keeps the review log"
    assert page.locator("section.bm-quiz input:checked").count() == 0
    assert page.locator(".bm-explain:visible").count() == 0 and feedback(page, first) == ""
    page.reload(wait_until="load")
    assert page.locator(".bm-score").inner_text() == f"Score: 0 of {len(mine)} right."
    page.close()
    assert report.console_errors == [] and report.page_errors == []
    assert report.offsite == [] and report.http_errors == []


def test_citation_link_opens_its_highlighted_entry(book_url, context):
    page = context.new_page()
    page.goto(f"{book_url}/chapters/01-terminology.html", wait_until="load")
    link = page.locator('[data-question-id="ch1-q-lipoma-label"] .bm-sources a').first
    page.goto(f"{book_url}/chapters/{link.get_attribute('href')}", wait_until="load")
    entry = page.locator("#bib-pace1972").locator("xpath=..")
    assert "Pace and Henning" in entry.inner_text() and entry.is_visible()
    background = entry.evaluate("(e) => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent"), "the entry is highlighted"
    page.close()
