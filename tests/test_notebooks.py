"""Chapter notebooks: downloads that run anywhere, readable in Jupyter, apps that never stall.

Each chapter page offers a .ipynb download in two editions: with solutions (the graded
quiz and its answer key) and for students (no solution text, an answer cell after each
exercise). Each bundles the book's package (the wheel that `make book` builds and
serves), so it runs from any folder in an environment that has only the served
requirements-notebooks.txt; its Markdown has no MyST syntax left.
"""

from __future__ import annotations

import ast
import base64
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nbformat
import pytest
from backmice_notebooks import ANSWER_PROMPT, ANSWER_TAG
from backmice_sphinx import NOTEBOOK_REQUIREMENTS, book_wheel
from conftest import ROOT, shared_folder, toc_docnames
from nbclient import NotebookClient

from widgets import questions, worksheet
from widgets.render import BOOK_ENV

NOTEBOOK_PAGES = [
    name
    for name in toc_docnames()
    if (ROOT / f"{name}.md").exists()
    and "kernelspec:" in (ROOT / f"{name}.md").read_text(encoding="utf-8")[:600]
]
#: The chapters and the cases page. The review page (tests/test_spaced.py) is a notebook
#: page too, for its download, but it holds no exercises, figures or apps.
REVIEW_PAGE = "chapters/review"
CHAPTERS = [n for n in NOTEBOOK_PAGES if n.startswith("chapters/") and n != REVIEW_PAGE]

#: MyST syntax that plain Jupyter shows raw: roles, directive fences, options, targets.
MYST_SYNTAX = re.compile(
    r"\{[\w:-]+\}`|^\s*(?::{3,}|`{3,})\{|^:[\w-]+:\s|^\([\w-]+\)=\s*$", re.MULTILINE
)
#: A per-cell timeout far above a normal app() cell (about 1-2 s here). A stalled cell
#: can sit out the whole timeout and then return as if nothing happened, so each app()
#: cell must also finish within STALL_LIMIT seconds. Each instructor edition runs in
#: REPEATS fresh kernels: with every notebook page, ten a run. The stall's cause, an
#: app() that captured its own output, has its own test
#: (test_live_app_shows_its_figure_without_output_capture).
CELL_TIMEOUT = 60
STALL_LIMIT = 20.0
REPEATS = 2


def downloaded(book_html: Path, docname: str, edition: str = "instructor") -> nbformat.NotebookNode:
    """The notebook a chapter page offers for download, in ``edition``."""
    return nbformat.read(download_path(book_html, docname, edition), as_version=4)


def download_path(book_html: Path, docname: str, edition: str) -> Path:
    """Where the site serves a chapter's ``edition``."""
    from backmice_notebooks import edition_filename

    folder = book_html / "_sources" / Path(docname).parent
    return folder / edition_filename(Path(docname).name, edition)


def committed(docname: str, edition: str = "instructor") -> nbformat.NotebookNode:
    """The chapter's ``edition`` kept in ``notebooks/`` (what Colab opens)."""
    from backmice_notebooks import edition_filename

    path = ROOT / "notebooks" / edition_filename(Path(docname).name, edition)
    return nbformat.read(path, as_version=4)


EDITIONS = ("instructor", "student")
#: Pages that ask questions and draw no figure: the staged cases (its gates are widgets).
QUESTIONS_ONLY = {"chapters/cases"}


def served_wheel(book_html: Path) -> Path:
    """The book's wheel as the site serves it."""
    return book_wheel(book_html / "_static")


def test_every_chapter_is_a_notebook():
    chapters = [n for n in toc_docnames() if re.match(r"chapters/\d\d-", n)]
    assert len(chapters) == 4
    assert set(chapters) <= set(NOTEBOOK_PAGES)


@pytest.mark.parametrize("docname", NOTEBOOK_PAGES)
def test_page_offers_both_editions_and_the_requirements(docname, book_html):
    page = (book_html / f"{docname}.html").read_text(encoding="utf-8")
    menu = page[page.index("dropdown-download-buttons") :]
    menu = menu[: menu.index("</ul>")]
    depth = "../" * docname.count("/")
    for edition, text in (
        ("instructor", ".ipynb, with solutions"),
        ("student", ".ipynb, student edition"),
    ):
        served = download_path(book_html, docname, edition).relative_to(book_html)
        assert f'href="{depth}{served}"' in menu, edition
        assert text in menu
        notebook = downloaded(book_html, docname, edition)
        assert notebook.metadata.kernelspec.name == "python3"
        assert not any(c.get("outputs") for c in notebook.cells if c.cell_type == "code")
    assert f'href="{depth}requirements-notebooks.txt"' in menu


# --- the package -----------------------------------------------------------------------


def test_wheel_holds_the_code_and_its_data(book_html):
    wheel = served_wheel(book_html)
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {f"widgets/{p.name}" for p in (ROOT / "widgets").glob("*.py")}
    data = {f"widgets/_bundled/data/{p.name}" for p in (ROOT / "data").glob("*.csv")}
    assert modules <= names
    assert data <= names
    assert "widgets/_bundled/references.bib" in names
    bundled_bib = zipfile.ZipFile(wheel).read("widgets/_bundled/references.bib")
    assert bundled_bib == (ROOT / "references.bib").read_bytes()
    assert (ROOT / "_build" / "dist" / wheel.name).read_bytes() == wheel.read_bytes()


def test_installed_wheel_reads_its_bundled_data(book_html, fresh_venv, tmp_path):
    """pip install of the served wheel works with no clone; the data come from the wheel."""
    target = tmp_path / "site"
    subprocess.run(
        [
            fresh_venv,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            target,
            str(served_wheel(book_html)),
        ],
        check=True,
    )
    script = (
        "import widgets.data as d, widgets.treatments as t;"
        "print(d.DATA_DIR); print(len(t.load())); print(d.citation('ries1937'))"
    )
    result = subprocess.run(
        [fresh_venv, "-c", script],
        cwd=tmp_path,
        env={**_clean_env(), "PYTHONPATH": str(target)},
        capture_output=True,
        text=True,
        check=True,
    )
    data_dir, rows, citation = result.stdout.splitlines()
    assert Path(data_dir) == target / "widgets" / "_bundled" / "data"
    assert int(rows) > 0
    assert citation == "Ries, 1937"


# --- downloads that run anywhere -----------------------------------------------------------


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("docname", CHAPTERS)
def test_download_bundles_the_served_wheel(docname, edition, book_html):
    first = downloaded(book_html, docname, edition).cells[0]
    assert first.cell_type == "code"
    assert "book-setup" in first.metadata["tags"]
    bundle = re.search(r'use_bundled_book_package\("([A-Za-z0-9+/=]+)"\)', first.source)
    assert bundle is not None
    assert base64.b64decode(bundle.group(1)) == served_wheel(book_html).read_bytes()


def test_setup_cells_carry_their_files_and_one_call():
    """The setup cells' Python is _ext/notebook_cells/*.py as it is, then one call."""
    from backmice_notebooks import CELLS, colab_setup, setup_source

    source = setup_source(b"wheel bytes")
    call = 'await use_bundled_book_package("d2hlZWwgYnl0ZXM=")'
    assert source == (CELLS / "book_setup.py").read_text(encoding="utf-8") + f"\n\n{call}\n"
    colab = colab_setup("https://github.com/example/backmice", "main")
    assert colab.startswith((CELLS / "colab_setup.py").read_text(encoding="utf-8"))
    assert colab.endswith(
        'install_on_colab("backmice-book @ git+https://github.com/example/backmice@main")\n'
    )
    for text in (source, colab):  # IPython runs a cell with a top-level await
        compile(text, "cell", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("docname", CHAPTERS)
def test_download_is_the_colab_notebook_plus_the_setup_cell(docname, edition, book_html):
    download = downloaded(book_html, docname, edition)
    download.cells = download.cells[1:]
    assert nbformat.writes(download) == nbformat.writes(committed(docname, edition))


def test_colab_notebooks_match_the_chapters():
    """notebooks/ (what Colab opens) is regenerated from the chapters: `make notebooks`."""
    from tools.notebooks import NOTEBOOKS, expected

    wanted = expected()
    assert len(wanted) == 2 * (len(NOTEBOOK_PAGES) - ("intro" in NOTEBOOK_PAGES))
    assert sorted(NOTEBOOKS.glob("*.ipynb")) == sorted(wanted)
    stale = [p.name for p, text in wanted.items() if p.read_text(encoding="utf-8") != text]
    assert stale == [], "run `make notebooks` and commit notebooks/"


def _clean_env() -> dict[str, str]:
    """This process's environment without the book-build flag or any PYTHONPATH."""
    drop = {BOOK_ENV, "PYTHONPATH", "VIRTUAL_ENV"}
    return {key: value for key, value in os.environ.items() if key not in drop}


@pytest.fixture(scope="session")
def fresh_venv(tmp_path_factory) -> str:
    """A new virtualenv with requirements-notebooks.txt only (no clone on its path).

    Its python. Made once per run and shared by the xdist workers; the tests only run it.
    """
    with shared_folder(tmp_path_factory, "fresh-venv") as (folder, ready):
        python = str(folder / "bin" / "python")
        if not ready:
            subprocess.run([sys.executable, "-m", "venv", folder], check=True)
            subprocess.run(
                [python, "-m", "pip", "install", "--quiet", "-r", ROOT / NOTEBOOK_REQUIREMENTS],
                check=True,
                env=_clean_env(),
            )
    return python


@pytest.fixture(scope="session")
def fresh_kernel(fresh_venv, tmp_path_factory) -> str:
    """A kernelspec that starts the fresh virtualenv's python; its JUPYTER_PATH entry."""
    share = tmp_path_factory.mktemp("jupyter")
    spec = share / "kernels" / "fresh"
    spec.mkdir(parents=True)
    argv = [fresh_venv, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "fresh", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel), encoding="utf-8")
    return str(share)


def run_timed(notebook: nbformat.NotebookNode, folder: Path) -> list[float]:
    """Run every cell (live-app cells too) in a fresh kernel; each cell's seconds."""
    started: dict[int, float] = {}
    seconds: dict[int, float] = {}

    def start(cell: object, cell_index: int) -> None:
        started[cell_index] = time.monotonic()

    def complete(cell: object, cell_index: int, **kwargs: object) -> None:
        seconds[cell_index] = time.monotonic() - started[cell_index]

    NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT,
        kernel_name="fresh",
        skip_cells_with_tag="no-cell-is-skipped-here",
        on_cell_start=start,
        on_cell_executed=complete,
        resources={"metadata": {"path": str(folder)}},
    ).execute()
    return [seconds.get(index, 0.0) for index in range(len(notebook.cells))]


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("docname", CHAPTERS)
def test_download_runs_anywhere_without_stalling(
    docname, edition, book_html, fresh_kernel, tmp_path, monkeypatch
):
    """Copied alone into an empty folder and run in a fresh virtualenv with the served
    requirements-notebooks.txt only: every cell runs, figures and apps appear, and no
    app() cell stalls in REPEATS fresh kernels (one for the student edition, whose
    code cells are the same less the quiz)."""
    for key in (BOOK_ENV, "PYTHONPATH"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("JUPYTER_PATH", fresh_kernel)
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # the bundle unpacks here, not in /tmp
    folder = tmp_path / "empty"
    folder.mkdir()
    source = download_path(book_html, docname, edition)
    (folder / source.name).write_bytes(source.read_bytes())
    app_seconds = []
    repeats = REPEATS if edition == "instructor" else 1
    for _ in range(repeats):
        notebook = nbformat.read(folder / source.name, as_version=4)
        seconds = run_timed(notebook, folder)
        errors = [
            output
            for cell in notebook.cells
            if cell.cell_type == "code"
            for output in cell.outputs
            if output.output_type == "error"
        ]
        assert errors == []
        code = [(i, c) for i, c in enumerate(notebook.cells) if c.cell_type == "code"]
        figures = [c for _, c in code if re.search(r"\.(\w+_)?figure\(", c.source)]
        assert bool(figures) == (docname not in QUESTIONS_ONLY)
        for cell in figures:
            kinds = {key for output in cell.outputs for key in output.get("data", {})}
            assert "application/vnd.plotly.v1+json" in kinds, "live figure expected"
        apps = [(i, c) for i, c in code if re.search(r"^\w+\.app\(", c.source, re.MULTILINE)]
        gates = [(i, c) for i, c in code if c.source.startswith("cases.gate(")]
        assert bool(apps) == (docname not in QUESTIONS_ONLY)
        assert bool(gates) == (docname in QUESTIONS_ONLY and edition == "instructor")
        for index, cell in apps + gates:
            kinds = {key for output in cell.outputs for key in output.get("data", {})}
            assert "application/vnd.jupyter.widget-view+json" in kinds, "live widget expected"
            app_seconds.append(seconds[index])
        answers = [c for c in notebook.cells if ANSWER_TAG in c.metadata.get("tags", [])]
        assert bool(answers) == (edition == "student")
    worksheet_only = docname in QUESTIONS_ONLY and edition == "student"  # no widget at all
    assert len(app_seconds) >= repeats or worksheet_only
    assert max(app_seconds, default=0) < STALL_LIMIT, f"a widget cell stalled: {app_seconds}"
    # The package came from the bundle, unpacked under this test's TMPDIR (no clone).
    assert list(tmp_path.glob("backmice-book-*/widgets/__init__.py"))


# --- the two editions ---------------------------------------------------------------------


def _chapter_questions(docname: str) -> list[questions.Question]:
    """The bank questions of a chapter page, as its quiz cell shows them."""
    from backmice_notebooks import exercises

    ids = exercises(ROOT / f"{docname}.md")
    return [q for q in questions.load() if q.id in ids]


def _solution_texts(q: questions.Question) -> list[str]:
    """Every text that gives away ``q``: its explanation, per-choice feedback and answer.

    The answer as the key marks it (``**B. text**``); a numeric answer also as
    :func:`widgets.worksheet.answer` words it (a choice's own text is on the sheet).
    """
    texts = [q.explanation, *(c.feedback for c in q.choices)]
    texts += [worksheet.answer(q)] if q.type == "numeric" else []
    forms = [form for text in texts for form in {text, worksheet.md_escape(text)}]
    return [*forms, f"**{worksheet.md_escape(worksheet.answer(q))}**"]


def _editions(book_html: Path, docname: str, edition: str) -> list[nbformat.NotebookNode]:
    """A chapter's ``edition`` as the site serves it and as ``notebooks/`` keeps it."""
    return [downloaded(book_html, docname, edition), committed(docname, edition)]


@pytest.mark.parametrize("docname", CHAPTERS)
def test_student_edition_has_no_solution_text(docname, book_html):
    bank = _chapter_questions(docname)
    assert bank, "each chapter has bank questions"
    for notebook in _editions(book_html, docname, "student"):
        text = nbformat.writes(notebook)
        shown = "\n".join(cell.source for cell in notebook.cells)
        leaks = [s for q in bank for s in _solution_texts(q) if s in text or s in shown]
        assert leaks == []
        assert "<details>" not in shown and "Answer key" not in shown
        assert "Answer:" not in shown and "Right." not in shown
        assert "quiz.quiz(" not in shown and "cases.gate(" not in shown, "no grading code"
        assert "**Check**" not in shown


@pytest.mark.parametrize("docname", CHAPTERS)
def test_student_edition_has_an_answer_cell_after_each_exercise(docname, book_html):
    from backmice_notebooks import exercises

    wanted = exercises(ROOT / f"{docname}.md")
    for notebook in _editions(book_html, docname, "student"):
        cells = notebook.cells
        answers = [i for i, c in enumerate(cells) if ANSWER_TAG in c.metadata.get("tags", [])]
        assert len(answers) == len(wanted)
        for exercise, index in zip(wanted, answers, strict=True):
            cell, before = cells[index], cells[index - 1]
            assert cell.cell_type == "markdown" and cell.source == ANSWER_PROMPT
            assert cell.metadata["editable"] is True
            assert f"[{exercise}]" in before.source, "the answer cell follows its question"
        for q in _chapter_questions(docname):
            (cell,) = [c for c in cells if f"[{q.id}]" in c.source]
            assert worksheet.md_escape(q.stem) in cell.source
            assert all(worksheet.md_escape(c.text) in cell.source for c in q.choices)
            assert worksheet.md_escape(worksheet.how_to_answer(q)) in cell.source


@pytest.mark.parametrize("docname", CHAPTERS)
def test_instructor_edition_has_the_solutions(docname, book_html):
    from backmice_notebooks import QUIZ_CALL, cite

    bank = _chapter_questions(docname)
    for notebook in _editions(book_html, docname, "instructor"):
        cells = notebook.cells
        asking = [i for i, c in enumerate(cells) if QUIZ_CALL.match(c.source)]
        assert asking, "the chapter's quiz cell, or a case's gate cells"
        keys = [cells[i + 1] for i in asking]  # each folded right under its questions
        assert all(k.cell_type == "markdown" for k in keys)
        assert all("Answer key (instructor edition)" in k.source for k in keys)
        key = "\n".join(k.source for k in keys)
        for q in bank:
            assert worksheet.md_escape(worksheet.answer(q)) in key
            assert worksheet.md_escape(q.explanation) in key
            assert cite(",".join(q.source))[1:-1] in key
        assert not any(ANSWER_TAG in c.metadata.get("tags", []) for c in cells)


CHAPTER_WITH_EXERCISE = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# A chapter

```{exercise}
:label: ex-a

Why?
```

```{solution} ex-a
:class: dropdown

Because of the fascia.
```

Then more text.
"""


def test_exercise_directives_get_an_answer_cell_and_lose_their_solution(tmp_path):
    """An ``{exercise}`` is an exercise too: the student edition cuts the Markdown after
    it for an answer cell and drops its ``{solution}``; the other edition keeps it."""
    from backmice_notebooks import chapter_notebook, exercises

    source = tmp_path / "05-extra.md"
    source.write_text(CHAPTER_WITH_EXERCISE, encoding="utf-8")
    assert exercises(source) == ["exercise 1"]
    student = chapter_notebook(source, edition="student")
    kinds = [(c.cell_type, ANSWER_TAG in c.metadata.get("tags", [])) for c in student.cells]
    assert kinds == [("markdown", False), ("markdown", True), ("markdown", False)]
    assert student.cells[0].source.endswith("**Exercise 1.** Why?")
    assert student.cells[2].source == "Then more text."
    text = "\n".join(c.source for c in student.cells)
    assert "fascia" not in text and "<details>" not in text
    instructor = "\n".join(c.source for c in chapter_notebook(source).cells)
    assert "Because of the fascia." in instructor and "<details>" in instructor


def test_unknown_edition_is_an_error():
    from backmice_notebooks import chapter_notebook, edition_filename

    with pytest.raises(ValueError, match="argument 'edition' must be one of"):
        edition_filename("01-terminology", "teacher")
    with pytest.raises(ValueError, match="argument 'edition'"):
        chapter_notebook(ROOT / "chapters" / "01-terminology.md", edition="answers")


# --- requirements-notebooks.txt ----------------------------------------------------------------


def _pins(path: Path) -> dict[str, str]:
    """``name==version`` lines of a requirements file, by normalised name."""
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"([A-Za-z0-9_.-]+)==([^\s;#]+)", line)
        if match:
            pins[re.sub(r"[-_.]+", "-", match[1]).lower()] = match[2]
    return pins


def test_notebook_requirements_are_served_and_agree_with_the_build(book_html):
    ours = _pins(ROOT / NOTEBOOK_REQUIREMENTS)
    assert (book_html / NOTEBOOK_REQUIREMENTS).read_bytes() == (
        ROOT / NOTEBOOK_REQUIREMENTS
    ).read_bytes()
    assert {"jupyterlab", "ipykernel", "ipywidgets", "plotly"} <= set(ours)
    lines = (ROOT / NOTEBOOK_REQUIREMENTS).read_text(encoding="utf-8").splitlines()
    assert len([line for line in lines if line and not line.startswith("#")]) == len(ours)
    for other in ("requirements.txt", "requirements-dev.txt", "requirements-lite.txt"):
        theirs = _pins(ROOT / other)
        clash = {n: (v, theirs[n]) for n, v in ours.items() if n in theirs and theirs[n] != v}
        assert clash == {}, other
    build = _pins(ROOT / "requirements.txt")
    assert set(ours) - set(build) == {"jupyterlab"}, "all but JupyterLab come from the build"
    guide = (ROOT / "chapters" / "instructors.md").read_text(encoding="utf-8")
    assert f'<a href="../{NOTEBOOK_REQUIREMENTS}">' in guide


# --- readable in Jupyter -----------------------------------------------------------------


def _markdown(notebook: nbformat.NotebookNode) -> str:
    return "\n\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")


@pytest.mark.parametrize("docname", CHAPTERS)
def test_notebook_markdown_has_no_myst_syntax(docname, book_html):
    for notebook in (downloaded(book_html, docname), committed(docname)):
        text = _markdown(notebook)
        assert MYST_SYNTAX.findall(text) == []
        assert "{cite" not in text and "{term}" not in text
        code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
        asks = "cases.gate(" if docname == "chapters/cases" else "quiz.quiz("
        assert asks in code, "the self-check questions come from the bank"
        assert "> **Learning objectives**" in text


def test_citations_read_as_author_year_with_links(book_html):
    text = _markdown(downloaded(book_html, "chapters/01-terminology"))
    # Bicket 2016 has a PubMed id, Cañis Parera 2021 a DOI, Ries 1937 neither.
    assert "[Bicket et al. (2016)](https://pubmed.ncbi.nlm.nih.gov/27008292/)" in text
    assert "[Cañis Parera et al., 2021](https://doi.org/10.1007/s40122-021-00321-5)" in text
    assert "(Ries, 1937)" in text
    assert "\\~" not in text  # LaTeX in names is decoded


def test_list_table_becomes_a_markdown_table(book_html):
    text = _markdown(downloaded(book_html, "chapters/01-terminology"))
    assert "| Feature | Ordinary lipoma | Back mouse (as described in the literature) |" in text
    assert "| Pain | Usually painless |" in text


def test_readable_markdown_converts_each_construct():
    from backmice_notebooks import readable_markdown

    source = (
        "(sec-a)=\n## Section A\n\nSee {ref}`sec-a`, {term}`fibrositis <Fibrositis>` and "
        "{doc}`02-cluneal-nerves`; {cite:t}`ries1937` said so {cite:p}`bicket2016`.\n\n"
        ":::{admonition} Careful\n:class: warning\n\nText.\n:::\n\n"
        "```{exercise}\n:label: q1\n\nWhy?\n```\n\n```{solution} q1\n:class: dropdown\n\n"
        "Because.\n```\n"
    )
    labels = {"sec-a": "“Section A”"}
    text = readable_markdown(source, ROOT / "chapters", labels, {})
    assert MYST_SYNTAX.findall(text) == []
    assert "See “Section A”, fibrositis and “" in text
    assert "Ries (1937) said so ([Bicket et al., 2016](" in text
    assert "> **Careful**\n>\n> Text." in text
    assert "**Exercise 1.** Why?" in text
    assert "<details>\n<summary>Solution to exercise 1</summary>\n\nBecause.\n\n</details>" in text


def test_unknown_citation_key_is_an_error():
    from backmice_notebooks import cite

    with pytest.raises(ValueError, match="keys"):
        cite("nosuchkey2099")


# --- Colab ---------------------------------------------------------------------------------


def test_colab_setup_cell_is_harmless_elsewhere(tmp_path, monkeypatch):
    """With a repository URL the notebook gains a Colab-only cell that installs the
    book's package from the repository; outside Colab it installs nothing and changes
    no directory, and the chapter still runs."""
    from backmice_notebooks import COLAB_TAG, chapter_notebook

    monkeypatch.delenv(BOOK_ENV, raising=False)
    source = ROOT / "chapters" / "01-terminology.md"
    notebook = chapter_notebook(source, "https://github.com/example/backmice", "main")
    first = notebook.cells[0]
    assert COLAB_TAG in first.metadata["tags"]
    assert "backmice-book @ git+https://github.com/example/backmice@main" in first.source
    notebook.cells.append(nbformat.v4.new_code_cell("import os; print(os.getcwd())"))
    chapters = ROOT / "chapters"
    NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(chapters)}},
    ).execute()
    assert notebook.cells[-1].outputs[0]["text"].strip() == str(chapters)


def test_colab_link_points_at_the_notebook():
    """The theme's Colab link (to a .md) is rewritten to notebooks/<chapter>.ipynb."""
    from types import SimpleNamespace

    from backmice_sphinx import point_colab_at_notebooks

    options = {
        "repository_url": "https://github.com/example/backmice",
        "repository_branch": "main",
        "launch_buttons": {"colab_url": "https://colab.research.google.com"},
    }
    app = SimpleNamespace(config=SimpleNamespace(html_theme_options=options))
    colab = {"text": "Colab", "url": "https://colab.research.google.com/github/x.md"}
    binder = {"text": "Binder", "url": "https://mybinder.org/v2/gh/example/backmice/main"}
    context = {"header_buttons": [{"type": "group", "buttons": [binder, colab]}]}
    point_colab_at_notebooks(app, "chapters/02-cluneal-nerves", "page.html", context, None)
    assert colab["url"] == (
        "https://colab.research.google.com/github/example/backmice/blob/main/"
        "notebooks/02-cluneal-nerves.ipynb"
    )
    assert binder["url"].startswith("https://mybinder.org/")


# --- the live apps ----------------------------------------------------------------------------


def test_live_app_shows_its_figure_without_output_capture():
    """The app writes its figure straight into the Output widget: no capture msg_id, so
    no frontend has to echo outputs back to the kernel (the cause of the stall)."""
    from widgets import treatments

    forest, size = treatments.app().children  # two apps, one column
    assert forest.output.msg_id == "" and size.output.msg_id == ""
    plotly, markdown = "application/vnd.plotly.v1+json", "text/markdown"

    def parts(app) -> list[dict]:
        """The app's plots and sentences, in order (plotly may add a loader first)."""
        outputs = app.output.outputs
        assert {o["output_type"] for o in outputs} == {"display_data"}
        return [o["data"] for o in outputs if plotly in o["data"] or markdown in o["data"]]

    assert [plotly in d for d in parts(forest)] == [True]
    shown = parts(size)
    assert [plotly in d for d in shown] == [False, True]
    assert markdown in shown[0]
    before_forest = parts(forest)
    size.controls["n"].value = 200
    after = parts(size)
    assert after[0] != shown[0] and "200" in after[0][markdown]
    assert after[1][plotly] != shown[1][plotly]
    assert parts(forest) == before_forest
    assert forest.output.msg_id == "" and size.output.msg_id == ""


# --- opening a chapter in JupyterLab rewrites nothing --------------------------------------


@pytest.mark.parametrize("docname", CHAPTERS)
def test_saving_a_chapter_from_jupyter_rewrites_nothing(docname):
    """What JupyterLab's jupytext save does to a chapter .md: the kernel's metadata
    (stock ipykernel: "Python 3 (ipykernel)", language_info) goes in, the repository's
    jupytext.toml filters the header; the text written must equal the file."""
    import jupytext
    from jupytext.config import load_jupytext_config

    path = ROOT / f"{docname}.md"
    config = load_jupytext_config(str(path))
    assert config is not None, "jupytext.toml at the repository root"
    notebook = jupytext.read(path)
    notebook.metadata["kernelspec"] = {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    }
    notebook.metadata["language_info"] = {
        "codemirror_mode": {"name": "ipython", "version": 3},
        "file_extension": ".py",
        "mimetype": "text/x-python",
        "name": "python",
        "nbconvert_exporter": "python",
        "pygments_lexer": "ipython3",
        "version": sys.version.split()[0],
    }
    saved = jupytext.writes(notebook, fmt="md:myst", config=config)
    assert saved == path.read_text(encoding="utf-8")


def test_figure_displays_without_nbformat(monkeypatch):
    """JupyterLite (Pyodide) has no nbformat offline; plotly's show() would refuse, so a
    BookFigure then displays its plotly JSON directly."""
    import importlib.util

    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    from widgets import names

    monkeypatch.delenv(BOOK_ENV, raising=False)
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "nbformat" else real_find_spec(name, *a),
    )
    figure = names.figure()
    InteractiveShell.instance()
    with capture_output() as captured:
        figure._ipython_display_()
    (shown,) = captured.outputs
    assert set(shown.data) == {"application/vnd.plotly.v1+json"}
    assert shown.data["application/vnd.plotly.v1+json"]["data"] == figure.to_dict()["data"]


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture()
def jupyterlab(tmp_path):
    """JupyterLab on loopback over a git copy of the chapter's files; (url, folder)."""
    folder = tmp_path / "book"
    for name in ("widgets", "data", "chapters"):
        shutil.copytree(ROOT / name, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("references.bib", "jupytext.toml", ".gitignore"):
        shutil.copyfile(ROOT / name, folder / name)
    git = ["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "chapters"], check=True)
    settings = tmp_path / "lab-settings" / "@jupyterlab" / "docmanager-extension"
    settings.mkdir(parents=True)
    viewers = {"defaultViewers": {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}}
    (settings / "plugin.jupyterlab-settings").write_text(json.dumps(viewers), encoding="utf-8")
    tracker = tmp_path / "lab-settings" / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    whole = {"windowingMode": "none"}  # every cell in the page, so all of it can be read
    (tracker / "tracker.jupyterlab-settings").write_text(json.dumps(whole), encoding="utf-8")
    port, token = _free_port(), "backmice-test"
    env = {**_clean_env(), "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "lab-settings")}
    env["JUPYTER_RUNTIME_DIR"] = str(tmp_path / "runtime")
    command = [str(Path(sys.executable).parent / "jupyter-lab"), "--no-browser"]
    command += [f"--port={port}", "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}"]
    command += [f"--ServerApp.root_dir={folder}", "--allow-root"]
    command += ["--LabApp.extension_manager=readonly"]
    command += ["--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    server = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        import urllib.request

        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        yield url, token, folder
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_chapter_opened_in_jupyterlab_runs_saves_and_leaves_git_clean(jupyterlab, context):
    """Open a chapter .md as a notebook in JupyterLab (jupytext), run all, save (what
    autosave does): git status stays clean and no raw citation markup is shown (the
    MyST renderer, jupyterlab-myst, draws roles and directives)."""
    from playwright.sync_api import Error as PlaywrightError

    url, token, folder = jupyterlab
    page = context.new_page()
    page.goto(f"{url}/lab/tree/chapters/04-treatments.md?token={token}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)
    # JupyterLab may ask to confirm the chapter's kernel, as it would a reader; the
    # dialog can take a moment to appear on a loaded machine.
    dialog = page.locator(".jp-Dialog button", has_text="Select")
    with contextlib.suppress(PlaywrightError):
        dialog.first.wait_for(timeout=5_000)
    if dialog.count():
        dialog.first.click()
    page.get_by_role("menuitem", name="Run").click()
    page.get_by_text("Run All Cells", exact=True).click()
    page.wait_for_selector(".jp-Notebook .js-plotly-plot", timeout=120_000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.jp-InputArea-prompt')]"
        ".every(p => !p.textContent.includes('*'))",
        timeout=120_000,
    )
    page.keyboard.press("Control+s")
    # Saved: the tab loses its "unsaved changes" mark.
    page.wait_for_function("() => !document.querySelector('.jp-mod-dirty')", timeout=30_000)
    page.wait_for_timeout(1_000)  # let jupytext finish writing the paired file
    status = subprocess.run(
        ["git", "-C", str(folder), "status", "--porcelain"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert status.stdout == ""
    shown = page.locator(".jp-Notebook").inner_text()
    assert "Treatments" in shown and "Recurrence and what is unknown" in shown
    assert "{cite" not in shown and "{term}" not in shown and ":::{" not in shown
