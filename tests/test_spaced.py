"""The spaced review page (widgets/spaced.py, _static/backmice-spaced.js, ts-fsrs).

Unit tests check the deck's HTML and its bad arguments. The vendored ts-fsrs is the
pinned npm file. Its schedule is checked against an independent FSRS: the Python
``fsrs`` 6.3.2 (pinned in requirements-dev.txt) with default parameters and no fuzz.
The two differ in two ways, both read in ts-fsrs 5.4.2's source and both measured:

* ts-fsrs keeps a "Good" review's interval at least a day longer than "Hard"'s would
  be (``good_interval = max(good_interval, hard_interval + 1)``); fsrs 6.3.2 does not.
  In 105 of 300 random histories this made ts-fsrs's due time exactly one day later.
  :func:`oracle` applies that one rule on top of fsrs, in the open.
* ts-fsrs counts the days since the last review between UTC calendar dates, fsrs as
  whole 24-hour periods. Reviews at the same time of day (or minutes apart, as in the
  browser tests) count the same; the agreement test uses such histories only.

With the rule applied, 1000 such random histories gave the same due times to the
millisecond. The browser tests, in every reader setting, answer three questions in a
chapter, move the page's clock (Playwright's clock) past their due times, and check
that the review page shows what the oracle says; they answer there by keyboard alone,
export, reset, import, and give Import bad files.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from datetime import UTC, datetime, timedelta

import fsrs
import pytest
from backmice_sphinx import FSRS_JS, QUIZ_JS, SPACED_JS, STATIC
from conftest import ROOT, flat
from pagecheck import SERIOUS, PageReport, _watch, sideways_scroll
from test_quiz import START_JS, answer, tab_to

from widgets import questions, spaced
from widgets.objectives import chapter_title
from widgets.quiz import answer_spec
from widgets.render import BOOK_ENV

BANK = questions.load()
FSRS_BUNDLE = STATIC / FSRS_JS
#: sha256 of npm ts-fsrs@5.4.2's package/dist/index.umd.js (npm pack ts-fsrs@5.4.2).
FSRS_BUNDLE_SHA256 = "59b7444121d0aae5bb969097ed95df38eff4a4f878e459703c63720f6b6a176b"
SCHEDULER = fsrs.Scheduler(enable_fuzzing=False)
#: The page's clock starts here: 2 March 2026, 12:00 UTC.
T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


@pytest.fixture()
def book_build(monkeypatch):
    """As in the book build: the deck shows as HTML."""
    monkeypatch.setenv(BOOK_ENV, "1")


# ----------------------------------------------------------------- the deck's HTML


def test_deck_holds_every_bank_question_hidden_with_its_chapter(book_build):
    page = spaced.review_deck()._repr_mimebundle_()["text/html"]
    found = re.findall(r'<li class="bm-q" data-question-id="([\w-]+)"[^>]*?( hidden)?>', page)
    assert [qid for qid, _ in found] == [q.id for q in BANK]
    assert all(hidden for _, hidden in found), "nothing shows until the page script says so"
    for q in BANK:
        label = chapter_title(q.chapter)
        assert f'<span class="bm-num">{label}:</span>' in page
    data = json.loads(re.search(r'class="bm-quiz-data">(.*?)</script>', page)[1])
    assert data == {q.id: answer_spec(q) for q in BANK}
    assert 'class="bm-quiz"' not in page, "the chapter quizzes' script leaves it alone"


def test_deck_has_a_live_status_and_labelled_tools(book_build):
    page = spaced.review_deck().to_book_html()
    assert '<p class="bm-spaced-status" aria-live="polite">' in page
    assert '<p class="bm-spaced-message" aria-live="polite"></p>' in page
    label = re.search(r'<label [^>]*for="bm-spaced-import"[^>]*>(.*?)</label>', page, re.S)[1]
    assert "Import from a file" in label and 'id="bm-spaced-import"' in label
    for name in ("export", "reset"):
        assert page.count(f'<button type="button" class="bm-spaced-{name}">') == 1


@pytest.mark.parametrize(
    ("chapter", "label"), [(1, "Chapter 1"), ("4", "Chapter 4"), ("cases", "Cases")]
)
def test_chapter_title(chapter, label):
    assert chapter_title(chapter) == label


def test_empty_chapter_title_is_refused():
    with pytest.raises(ValueError, match="argument 'chapter'"):
        chapter_title(" ")


def test_deck_of_some_chapters(book_build):
    deck = spaced.review_deck([2, "4"])
    assert [q.id for q in deck.questions] == [q.id for q in BANK if str(q.chapter) in "24"]
    assert spaced.review_deck(3).questions == tuple(q for q in BANK if q.chapter == 3)


@pytest.mark.parametrize("bad", [[], [9], ["nine"], [1, 9]])
def test_unknown_chapters_are_refused(bad):
    with pytest.raises(ValueError, match="argument 'chapters'"):
        spaced.review_deck(bad)


def test_outside_the_book_build_the_deck_says_where_it_runs(monkeypatch):
    monkeypatch.delenv(BOOK_ENV, raising=False)
    bundle = spaced.review_deck()._repr_mimebundle_()
    assert list(bundle) == ["text/plain"] and "web page" in bundle["text/plain"]


def test_review_notebook_reads_plainly_and_runs_without_the_book(monkeypatch, tmp_path):
    """The review page's notebook: no MyST left, and its one cell says where review runs."""
    import nbformat
    from nbclient import NotebookClient
    from test_notebooks import MYST_SYNTAX

    notebook = nbformat.read(ROOT / "notebooks" / "review.ipynb", as_version=4)
    text = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert MYST_SYNTAX.findall(text) == [] and "{" not in text
    monkeypatch.delenv(BOOK_ENV, raising=False)
    NotebookClient(notebook, timeout=120, resources={"metadata": {"path": str(tmp_path)}}).execute()
    (cell,) = [c for c in notebook.cells if c.cell_type == "code" and "review_deck" in c.source]
    assert [o.output_type for o in cell.outputs] == ["execute_result"]
    assert "runs in the book's web page" in flat(cell.outputs[0].data["text/plain"])


# ----------------------------------------------------------------- the vendored ts-fsrs


def test_ts_fsrs_is_the_pinned_file_with_its_licence():
    """Byte for byte npm ts-fsrs@5.4.2's browser build; its MIT licence beside it."""
    assert hashlib.sha256(FSRS_BUNDLE.read_bytes()).hexdigest() == FSRS_BUNDLE_SHA256
    assert 'const version="5.4.2"' in FSRS_BUNDLE.read_text(encoding="utf-8")
    licence = (STATIC / "ts-fsrs-5.4.2.LICENSE.txt").read_text(encoding="utf-8")
    assert licence.startswith("MIT License") and "Open Spaced Repetition" in licence


def test_fsrs_oracle_is_the_pinned_version():
    from importlib.metadata import version

    assert version("fsrs") == "6.3.2"
    pins = (ROOT / "requirements-dev.txt").read_text(encoding="utf-8")
    assert re.search(r"^fsrs==6\.3\.2$", pins, re.M)


def test_only_the_review_page_loads_the_scheduler(book_html):
    review = (book_html / "chapters" / "review.html").read_text(encoding="utf-8")
    tags = [t for t in re.findall(r"<script[^>]*>", review) if "defer" in t]
    srcs = [re.search(r'src="([^"]+)"', t)[1] for t in tags]
    ours = [s.rsplit("/", 1)[-1].split("?")[0] for s in srcs]
    ours = [s for s in ours if s in (QUIZ_JS, FSRS_JS, SPACED_JS)]
    assert ours == [QUIZ_JS, FSRS_JS, SPACED_JS], "in this order, each deferred"
    assert '<a href="../exports/index.html">' in review
    assert (book_html / "_static" / "ts-fsrs-5.4.2.LICENSE.txt").exists()
    for page in (book_html / "chapters").glob("0*.html"):
        text = page.read_text(encoding="utf-8")
        assert FSRS_JS not in text and SPACED_JS not in text, page.name


# ----------------------------------------------------------------- the oracle


def _at(ms: float) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


def oracle(history: list[tuple[float, bool]]) -> float:
    """The due time (ms) after ``history`` [(t ms, right)], oldest first, as ts-fsrs gives.

    fsrs 6.3.2 with default parameters and no fuzz, right as Good and wrong as Again;
    plus ts-fsrs's rule that a Good review's interval is longer than Hard's (see above).
    """
    card = fsrs.Card(card_id=1, due=_at(history[0][0]))
    due = card.due
    for t, right in history:
        now = _at(t)
        rating = fsrs.Rating.Good if right else fsrs.Rating.Again
        after, _ = SCHEDULER.review_card(card, rating, now)
        due = after.due
        if right and card.state == fsrs.State.Review:
            hard = SCHEDULER.review_card(card, fsrs.Rating.Hard, now)[0].due
            due = hard + timedelta(days=1) if hard >= due else due
        card = after
    return round(due.timestamp() * 1000)


def due_by_id(log: list[dict]) -> dict[str, float]:
    """The oracle's due time of every question in a review log, in ms."""
    histories: dict[str, list[tuple[float, bool]]] = {}
    for entry in sorted(log, key=lambda e: e["t"]):
        histories.setdefault(entry["id"], []).append((entry["t"], entry["right"]))
    return {qid: oracle(history) for qid, history in histories.items()}


TS_FSRS_DUE_JS = """(histories) => {
  const f = FSRS.fsrs(FSRS.generatorParameters({ enable_fuzz: false }));
  return histories.map((h) => {
    let card = FSRS.createEmptyCard(new Date(h[0][0]));
    for (const [t, right] of h) {
      card = f.next(card, new Date(t), right ? FSRS.Rating.Good : FSRS.Rating.Again).card;
    }
    return card.due.getTime();
  });
}"""


def random_histories(count: int, seed: int) -> list[list[tuple[int, bool]]]:
    """Answer histories at one time of day, with gaps of seconds, minutes or whole days."""
    rng, start = random.Random(seed), int(T0.timestamp() * 1000)
    gaps = [0, 1000, 60_000, 600_000] + [d * 86_400_000 for d in (1, 2, 3, 7, 20, 45, 100)]
    histories = []
    for _ in range(count):
        t, history = start, []
        for _ in range(rng.randint(1, 10)):
            history.append((t, rng.random() < 0.7))
            t += rng.choice(gaps)
        histories.append(history)
    return histories


def test_ts_fsrs_in_the_page_agrees_with_the_oracle(book_url, context):
    page = context.new_page()
    page.goto(f"{book_url}/chapters/review.html", wait_until="load")
    assert page.evaluate("() => FSRS.FSRSVersion").startswith("v5.4.2")
    histories = random_histories(1000, seed=19)
    got = page.evaluate(TS_FSRS_DUE_JS, histories)
    wanted = [oracle(h) for h in histories]
    differ = [(h, g, w) for h, g, w in zip(histories, got, wanted, strict=True) if g != w]
    assert differ == [], f"{len(differ)} histories differ, e.g. {differ[:2]}"
    page.close()


# ----------------------------------------------------------------- in the browser

LOG_JS = "() => JSON.parse(localStorage.getItem('backmice-quiz:log') || '[]')"
STORED_JS = """() => Object.fromEntries(Object.keys(localStorage)
  .filter((k) => k.startsWith('backmice-quiz:')).sort().map((k) => [k, localStorage[k]]))"""
SHOWN_JS = """() => [...document.querySelectorAll('section.bm-spaced li.bm-q')]
  .filter((li) => !li.hidden).map((li) => li.dataset.questionId)"""
FOCUS_DECK_JS = """() => { const h = document.querySelector('#your-due-questions h2');
  h.tabIndex = -1; h.focus(); }"""


def iso(ms: float) -> str:
    """A time in ms as the page writes it (Date.prototype.toISOString)."""
    return _at(ms).strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(ms) % 1000:03d}Z"


def status(page) -> tuple[int, str]:
    """The review page's count of due questions and its next due time ('' when none)."""
    line = page.locator(".bm-spaced-status")
    return int(line.get_attribute("data-due")), line.get_attribute("data-next-due")


def wait_due(page, count: int) -> None:
    """Wait until the page's status counts ``count`` due questions."""
    page.wait_for_function(
        "(n) => document.querySelector('.bm-spaced-status').dataset.due === String(n)", arg=count
    )


def right_pick(question: questions.Question) -> list[int] | str:
    """The right answer, as :func:`test_quiz.answer` takes it."""
    if question.type == "numeric":
        return f"{question.answer:g}"
    return [i for i, c in enumerate(question.choices) if c.correct]


def press(page, selector: str) -> None:
    """Reach ``selector`` with Tab from the deck's heading and press Enter."""
    page.evaluate(FOCUS_DECK_JS)
    tab_to(page, selector, limit=300)
    page.keyboard.press("Enter")


def import_file(page, choosers: list, payload: bytes, name: str = "review.json") -> str:
    """Import ``payload`` by keyboard (Space on the file input opens the chooser).

    ``choosers`` collects the page's file choosers from its start: a listener added only
    around the key press (``expect_file_chooser``) can miss the chooser now and then.
    """
    page.evaluate("() => { document.querySelector('.bm-spaced-message').textContent = ''; }")
    page.evaluate(FOCUS_DECK_JS)
    tab_to(page, "#bm-spaced-import", limit=300)
    opened = len(choosers)
    page.keyboard.press("Space")
    for _ in range(100):
        if len(choosers) > opened:
            break
        page.wait_for_timeout(100)
    assert len(choosers) > opened, "Space on the file input opens the file chooser"
    choosers[-1].set_files({"name": name, "mimeType": "application/json", "buffer": payload})
    page.wait_for_function("() => document.querySelector('.bm-spaced-message').textContent")
    return page.locator(".bm-spaced-message").inner_text()


@pytest.mark.parametrize("setting", ["desktop-light", "desktop-dark", "phone"])
def test_review_schedules_exports_resets_and_imports(setting, book_url, setting_context, tmp_path):
    chapter1 = [q for q in BANK if q.chapter == 1]
    first = chapter1[0]
    wrong_q = next(q for q in chapter1[1:] if q.type == "single")
    number = next(q for q in chapter1 if q.type == "numeric")
    three = sorted([first, wrong_q, number], key=BANK.index)
    report = PageReport(url="chapters/review", setting=setting)
    page = setting_context(setting).new_page()
    _watch(page, report)
    choosers: list = []
    page.on("filechooser", lambda chooser: choosers.append(chooser))
    page.clock.install(time=T0)
    review = f"{book_url}/chapters/review.html"

    # Nothing answered yet: nothing due and no next time.
    page.goto(review, wait_until="load")
    assert status(page) == (0, "") and page.evaluate(SHOWN_JS) == []
    assert page.locator(".bm-spaced-status").inner_text().startswith("Nothing to review yet")

    # Three answers in chapter 1: two right, one wrong.
    page.goto(f"{book_url}/chapters/01-terminology.html", wait_until="load")
    page.evaluate(START_JS)
    wrong = next(i for i, c in enumerate(wrong_q.choices) if not c.correct)
    for question in three:
        answer(page, question, [wrong] if question is wrong_q else right_pick(question))
    log = page.evaluate(LOG_JS)
    assert [(e["id"], e["right"]) for e in log] == [(q.id, q is not wrong_q) for q in three]
    due = due_by_id(log)
    assert due[wrong_q.id] < min(due[first.id], due[number.id]), "wrong comes back first"

    page.goto(review, wait_until="load")
    assert status(page) == (0, iso(min(due.values())))
    assert page.evaluate(SHOWN_JS) == []
    for q in three:
        shown = page.locator(f'[data-question-id="{q.id}"]').get_attribute("data-due")
        assert shown == iso(due[q.id])

    # The clock passes each due time: the list grows as FSRS says.
    page.clock.fast_forward(int(due[wrong_q.id] - page.evaluate("Date.now()")) + 1000)
    wait_due(page, 1)
    assert page.evaluate(SHOWN_JS) == [wrong_q.id]
    page.clock.fast_forward(int(max(due.values()) - page.evaluate("Date.now()")) + 1000)
    wait_due(page, 3)
    assert page.evaluate(SHOWN_JS) == [q.id for q in three]
    assert page.locator(".bm-spaced-status").inner_text() == "3 questions due now."
    page.locator(".bm-spaced-status").scroll_into_view_if_needed()
    page.screenshot(path=ROOT / "_build" / f"review-due-{setting}.png")

    # Answered here, by keyboard, all right: each leaves the due list until FSRS says.
    page.evaluate(FOCUS_DECK_JS)
    for question in three:
        answer(page, question, right_pick(question))
        assert page.locator(f'[data-question-id="{question.id}"] .bm-feedback').inner_text()
    wait_due(page, 0)
    log = page.evaluate(LOG_JS)
    assert len(log) == 6
    due = due_by_id(log)
    assert status(page) == (0, iso(min(due.values())))
    for q in three:
        item = page.locator(f'[data-question-id="{q.id}"]')
        assert item.get_attribute("data-due") == iso(due[q.id])
        assert item.is_visible(), "an item answered here stays in view with its feedback"
        assert item.locator(".bm-spaced-next").inner_text().startswith("Reviewed. Due again")
    assert max(due.values()) - page.evaluate("Date.now()") > 86_400_000, "right twice: days"
    page.screenshot(path=ROOT / "_build" / f"review-answered-{setting}.png", full_page=True)
    check_layout_and_axe(page)

    # Export by keyboard.
    before = page.evaluate(STORED_JS)
    with page.expect_download() as download:
        press(page, ".bm-spaced-export")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert re.fullmatch(r"backmice-review-\d{4}-\d\d-\d\d\.json", saved.name)
    exported = json.loads(saved.read_text(encoding="utf-8"))
    assert exported["format"] == spaced.EXPORT_FORMAT and exported["version"] == 1
    assert exported["log"] == log
    assert sorted(exported["answers"]) == sorted(q.id for q in three)
    assert page.locator(".bm-spaced-message").inner_text().startswith(f"Saved {saved.name}")

    # Bad files change nothing and say why.
    good = json.loads(saved.read_text(encoding="utf-8"))
    bad_files = {
        b"not json at all {": "not a JSON file",
        json.dumps({"format": "anki", "log": []}).encode(): "not a Back Mice review file",
        json.dumps(good | {"log": {"id": 1}}).encode(): '"log" is not a list',
        json.dumps(good | {"log": [{"id": "x", "t": "soon", "right": True}]}).encode(): "entry 1",
        json.dumps(good | {"answers": {"x": {"answer": 3, "right": 1}}}).encode(): '"x"',
        json.dumps(good | {"version": 2}).encode(): "newer version of the book",
    }
    for payload, why in bad_files.items():
        said = import_file(page, choosers, payload, name="bad.json")
        assert said.startswith("Not imported: bad.json") and why in said, said
        assert said.endswith("Your review history is unchanged.")
        assert page.evaluate(STORED_JS) == before
        assert status(page) == (0, iso(min(due.values())))

    # Reset (confirmed), then Import the exported file: all is back.
    page.once("dialog", lambda dialog: dialog.accept())
    press(page, ".bm-spaced-reset")
    assert page.evaluate(STORED_JS) == {}
    assert status(page) == (0, "") and page.evaluate(SHOWN_JS) == []
    said = import_file(page, choosers, saved.read_bytes(), name=saved.name)
    assert said.startswith(f"Imported {saved.name}: 6 answers")
    restored = page.evaluate(STORED_JS)
    assert {k: v for k, v in before.items() if ":score:" not in k} == restored
    assert status(page) == (0, iso(min(due.values())))

    # Reset declined: nothing changes.
    page.once("dialog", lambda dialog: dialog.dismiss())
    press(page, ".bm-spaced-reset")
    assert page.evaluate(STORED_JS) == restored

    # Past every due time, all three are due again, as the oracle says.
    page.clock.fast_forward(int(max(due.values()) - page.evaluate("Date.now()")) + 1000)
    wait_due(page, 3)
    assert page.evaluate(SHOWN_JS) == [q.id for q in three]
    page.close()
    assert report.console_errors == [] and report.page_errors == []
    assert report.offsite == [] and report.http_errors == []


def check_layout_and_axe(page) -> None:
    """Nothing wider than the screen; axe finds no serious violation (contrast included)."""
    from axe_playwright_python.sync_playwright import Axe

    assert sideways_scroll(page) == 0, "the review page fits the screen"
    found = Axe().run(page, options={"resultTypes": ["violations"], "preload": False})
    serious = [v for v in found.response["violations"] if v["impact"] in SERIOUS]
    where = [(v["id"], n["target"], n["failureSummary"][:160]) for v in serious for n in v["nodes"]]
    assert serious == [], f"axe: {where[:3]}"
