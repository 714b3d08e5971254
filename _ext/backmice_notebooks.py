"""The chapter notebooks (.ipynb), generated from the MyST sources in one place.

The same notebook is kept in ``notebooks/`` (what Colab opens from a repository;
``make notebooks`` writes them, a test checks they match the sources) and offered by
the download button of a chapter page (written by ``backmice_sphinx`` into the built
site), where it gains one more first cell: the book's package, bundled.

What a notebook holds:

* its Markdown made readable in any Jupyter (:func:`readable_markdown`): citations
  as author–year text linked to the DOI or PubMed record, glossary terms as plain
  words, admonitions as quotes, exercises numbered, solutions in ``<details>``,
  list tables as Markdown tables; no MyST role or directive is left;
* when ``repository.url`` is set in ``_config.yml``, a cell that, on Colab only,
  installs the book's package from the repository (elsewhere it does nothing);
* in the download only, a setup cell (:func:`setup_source`) that makes
  ``import widgets`` work wherever the file is saved: when the package is not
  importable it unpacks the copy of the book's wheel bundled in the cell.

The Python of both cells is kept in real files, ``notebook_cells/*.py``, and inserted
as it is, followed by one call with the repository or the bundled wheel.

Two editions (:data:`EDITIONS`) of each chapter notebook, for a class:

* ``instructor`` (with solutions): the chapter as above, its graded quiz cell
  (``quiz.quiz("N")``, which shows each answer, its feedback and explanation after
  *Check*) followed by the answer key, folded in a ``<details>``. It is also the
  reader's notebook: Colab's ``notebooks/NN-topic.ipynb``, the page's first download
  and the Live site's copy. A reader sees nothing the quiz would not show after Check.
* ``student``: no solution text. The quiz cell becomes a worksheet, each question
  printed as Markdown (:func:`widgets.worksheet.question_markdown`) followed by an
  empty answer cell; ``{solution}`` blocks are dropped; the sentence that says to
  press Check is replaced by how to answer.

An *exercise* (:func:`exercises`) is what the student edition leaves a place to
answer: each bank question of the chapter's quiz cell, and each ``{exercise}``
directive in its Markdown. The chapters have no ``{exercise}`` blocks today (the
instructor guide's case vignettes are, but the guide is not a notebook), so a
chapter's exercises are its bank questions.

The student edition is a worksheet, not a locked exam: the book's pages, and the
package bundled in the first cell, hold the bank with its answers.
"""

from __future__ import annotations

import base64
import functools
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parent.parent
BIB_FILE = ROOT / "references.bib"
COLAB_TAG = "colab-setup"
SETUP_TAG = "book-setup"
DIST_NAME = "backmice-book"

CELLS = Path(__file__).resolve().parent / "notebook_cells"

_FENCE = re.compile(r"^(?P<fence>:{3,}|`{3,})\{(?P<name>[\w-]+)\}[ \t]*(?P<arg>.*)$")
_OPTION = re.compile(r"^:(?P<key>[\w-]+):[ \t]*(?P<value>.*)$")
_ROLE = re.compile(r"\{(?P<role>[\w:-]+)\}`(?P<text>[^`]*)`")
_TARGET = re.compile(r"^\((?P<label>[\w-]+)\)=[ \t]*\n", re.MULTILINE)
_TITLE_TARGET = re.compile(r"(?P<text>[^<]*?)\s*<(?P<target>[^>]+)>$")
_ADMONITIONS = {"note", "tip", "hint", "important", "warning", "caution", "attention"}

#: The notebook editions: with solutions (also the reader's), and without.
EDITIONS = ("instructor", "student")
#: The tag of a student edition's answer cell, and what the cell says.
ANSWER_TAG = "answer"
ANSWER_PROMPT = "**Your answer:** "
#: A cell of bank questions: the whole cell is one call, a chapter's quiz
#: ``quiz.quiz("N")`` or a case's gate ``cases.gate("cases-q-…")`` (one question).
QUIZ_CALL = re.compile(
    r'\A\s*(?:quiz\.quiz\("(?P<chapter>[\w-]+)"\)|cases\.gate\("(?P<gate>[\w-]+)"\))\s*\Z'
)
#: Where a student edition's Markdown is cut for an answer cell (after an exercise).
_ANSWER_MARK = "<!-- backmice: answer cell -->"
#: What the student edition says instead of the page's "press Check" sentence.
WORKSHEET_INTRO = (
    "Write your answer in the cell under each question (double-click the cell to type "
    "in it). This edition shows no answers: your instructor has them."
)


def is_notebook_source(path: Path) -> bool:
    """True for a MyST markdown file with a jupytext kernelspec header."""
    if path.suffix != ".md" or not path.exists():
        return False
    head = path.read_text(encoding="utf-8")[:600]
    return head.startswith("---") and "kernelspec:" in head


# --- citations ---------------------------------------------------------------------


@functools.cache
def references(path: Path = BIB_FILE) -> dict[str, tuple[str, str, str]]:
    """Every ``references.bib`` entry as ``(authors, year, link)`` for author–year text.

    ``authors`` and ``year`` as :func:`widgets.data.citation_parts` writes them (as the
    pages and figure hovers do); ``link`` is the DOI, else the PubMed record, else empty.
    """
    from pybtex.database import parse_file

    from widgets.data import citation_parts

    result = {}
    for key, entry in parse_file(str(path), bib_format="bibtex").entries.items():
        if entry.fields.get("doi"):
            link = f"https://doi.org/{entry.fields['doi']}"
        elif entry.fields.get("pubmed"):
            link = f"https://pubmed.ncbi.nlm.nih.gov/{entry.fields['pubmed']}/"
        else:
            link = ""
        result[key] = (*citation_parts(entry), link)
    return result


def _linked(text: str, link: str) -> str:
    """``text`` as a Markdown link to ``link`` (plain text when there is none)."""
    return f"[{text}]({link})" if link else text


def cite(keys: str, textual: bool = False) -> str:
    """Author–year text for the comma-separated ``keys`` of a ``{cite}`` role.

    Parenthetical: ``(Ries, 1937; Bicket et al., 2016)``; textual (``{cite:t}``):
    ``Ries (1937) and Bicket et al. (2016)``. Each part links to its DOI or PubMed.
    """
    refs = references()
    parts = []
    for key in (k.strip() for k in keys.split(",") if k.strip()):
        if key not in refs:
            raise ValueError(f"argument 'keys' holds {key!r}, which is not in references.bib")
        authors, year, link = refs[key]
        parts.append(_linked(f"{authors} ({year})" if textual else f"{authors}, {year}", link))
    return " and ".join(parts) if textual else "(" + "; ".join(parts) + ")"


# --- MyST to plain Markdown -----------------------------------------------------------


def _headings_and_captions(text: str) -> dict[str, str]:
    """Labels defined in ``text``: ``(label)=`` before a heading, ``:name:`` of a table."""
    labels = {}
    for match in re.finditer(r"^\(([\w-]+)\)=[ \t]*\n#+[ \t]*(.+)$", text, re.MULTILINE):
        labels[match.group(1)] = f"“{match.group(2).strip()}”"
    for match in re.finditer(
        r"^(?::{3,}|`{3,})\{table\}[ \t]*(.*)\n:name:[ \t]*([\w-]+)", text, re.M
    ):
        caption = re.split(r"[.:]", match.group(1), maxsplit=1)[0].strip()
        labels[match.group(2)] = f"Table “{caption}”"
    return labels


def _chapter_title(docname: str, folder: Path) -> str:
    """The first ``# `` heading of ``folder/docname.md`` (the docname when absent)."""
    source = folder / f"{docname}.md"
    if source.exists():
        for line in source.read_text(encoding="utf-8").splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    return docname


def _role(match: re.Match[str], labels: dict[str, str], folder: Path) -> str:
    """Plain Markdown for one MyST role."""
    role, text = match.group("role"), match.group("text")
    titled = _TITLE_TARGET.match(text)
    shown, target = (titled.group("text"), titled.group("target")) if titled else ("", text)
    if role.startswith("cite"):
        return cite(text, textual=role in {"cite:t", "cite:ts"})
    if role == "doc":
        return shown or f"“{_chapter_title(target, folder)}”"
    if role in {"ref", "numref"}:
        return shown or labels.get(target, target)
    return shown or target  # {term}, {abbr} and any other role: its words


def _list_table(body: str, header_rows: int) -> str:
    """A MyST ``list-table`` body (``* - cell`` rows) as a Markdown pipe table."""
    rows: list[list[str]] = []
    for line in body.splitlines():
        if line.startswith("* - "):
            rows.append([line[4:].strip()])
        elif line.startswith("  - ") and rows:
            rows[-1].append(line[4:].strip())
        elif line.strip() and rows:
            rows[-1][-1] += " " + line.strip()
    if not rows:
        return body
    width = max(len(row) for row in rows)
    cells = [[c.replace("|", "\\|") for c in row] + [""] * (width - len(row)) for row in rows]
    head = cells[0] if header_rows else [""] * width
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * width]
    lines += ["| " + " | ".join(row) + " |" for row in cells[1 if header_rows else 0 :]]
    return "\n".join(lines)


def _quote(text: str) -> str:
    """``text`` as a Markdown block quote."""
    return "\n".join(f"> {line}".rstrip() for line in text.splitlines())


def _directive(name: str, arg: str, options: dict[str, str], body: str, state: dict) -> str:
    """Plain Markdown for one MyST directive (its body already converted)."""
    if name == "admonition" or name in _ADMONITIONS:
        title = arg or name.capitalize()
        return _quote(f"**{title}**\n\n{body}")
    if name == "exercise":
        state["exercise"] = state.get("exercise", 0) + 1
        state.setdefault("labels", {})[options.get("label", "")] = state["exercise"]
        mark = f"\n\n{_ANSWER_MARK}" if state.get("edition") == "student" else ""
        return f"**Exercise {state['exercise']}.** {body.lstrip()}{mark}"
    if name == "solution" and state.get("edition") == "student":
        return ""
    if name in {"solution", "dropdown"}:
        number = state.get("labels", {}).get(arg.strip())
        summary = f"Solution to exercise {number}" if number else (arg or "Solution")
        return f"<details>\n<summary>{summary}</summary>\n\n{body}\n\n</details>"
    if name == "list-table":
        table = _list_table(body, int(options.get("header-rows", "0") or 0))
        return f"*{arg}*\n\n{table}" if arg else table
    if name in {"table", "figure"}:
        return f"*{arg}*\n\n{body}" if arg else body
    return f"**{arg}**\n\n{body}" if arg else body


def _directives(text: str, state: dict) -> str:
    """Replace every fenced MyST directive in ``text`` (nested ones too)."""
    lines = text.split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if not opening:
            out.append(lines[index])
            index += 1
            continue
        fence = opening.group("fence")
        end = index + 1
        while end < len(lines) and lines[end].rstrip() != fence:
            end += 1
        block = lines[index + 1 : end]
        options = {}
        while block and _OPTION.match(block[0]):
            option = _OPTION.match(block[0])
            options[option.group("key")] = option.group("value").strip()
            block = block[1:]
        body = _directives("\n".join(block).strip("\n"), state)
        out.append(_directive(opening.group("name"), opening.group("arg"), options, body, state))
        index = end + 1
    return "\n".join(out)


def readable_markdown(text: str, folder: Path, labels: dict[str, str], state: dict) -> str:
    """One Markdown cell with its MyST roles, targets and directives made plain.

    ``labels`` maps the chapter's ``(label)=`` targets and table names to words;
    ``state`` carries the exercise numbers from cell to cell.
    """
    text = _TARGET.sub("", text)
    text = _directives(text, state)
    replace: Callable[[re.Match[str]], str] = lambda m: _role(m, labels, folder)  # noqa: E731
    return _ROLE.sub(replace, text)


# --- the notebook ---------------------------------------------------------------------


def colab_setup(repository_url: str, branch: str) -> str:
    """Source of the Colab-only cell that installs the book's package from the repository."""
    call = f'install_on_colab("{DIST_NAME} @ git+{repository_url}@{branch}")'
    return (CELLS / "colab_setup.py").read_text(encoding="utf-8") + f"\n\n{call}\n"


def setup_source(wheel: bytes) -> str:
    """Source of the download's setup cell (``notebook_cells/book_setup.py``), ``wheel`` bundled."""
    call = f'await use_bundled_book_package("{base64.b64encode(wheel).decode("ascii")}")'
    return (CELLS / "book_setup.py").read_text(encoding="utf-8") + f"\n\n{call}\n"


def answer_cell() -> nbformat.NotebookNode:
    """The student edition's empty answer cell: Markdown, tagged, editable, not deletable."""
    metadata = {"tags": [ANSWER_TAG], "editable": True, "deletable": False}
    return nbformat.v4.new_markdown_cell(ANSWER_PROMPT, metadata=metadata)


def _linked_sources(keys: Sequence[str]) -> str:
    """``Sources: (Ries, 1937; …)`` with each citation linked, as the notebooks cite."""
    return f"Sources: {cite(','.join(keys))[1:-1]}."


def quiz_questions(cell: nbformat.NotebookNode) -> list:
    """The bank questions a quiz or gate cell shows (:data:`QUIZ_CALL`); none for others."""
    from widgets.cases import gate
    from widgets.quiz import quiz

    match = QUIZ_CALL.match(cell.source) if cell.cell_type == "code" else None
    if match and match["gate"]:
        return [gate(match["gate"]).question]
    return list(quiz(match["chapter"]).questions) if match else []


def answer_key(questions: Sequence) -> str:
    """The instructor edition's answer key, folded: answers, explanations, sources."""
    from widgets.worksheet import key_markdown

    key = key_markdown(questions, _linked_sources)
    return f"<details>\n<summary>Answer key (instructor edition)</summary>\n\n{key}\n\n</details>"


def _without_check_sentence(text: str) -> str:
    """Markdown whose last paragraph, if it says to press **Check**, says how to answer."""
    head, _, last = text.rstrip().rpartition("\n\n")
    if "**Check**" not in last:
        return text
    return f"{head}\n\n{WORKSHEET_INTRO}" if head else WORKSHEET_INTRO


def _worksheet(questions: Sequence, first: int = 1) -> list[nbformat.NotebookNode]:
    """The student edition of a quiz or gate cell: each question, then an answer cell.

    Questions are numbered from ``first``, so a page of gates numbers them on.
    """
    from widgets.worksheet import question_markdown

    cells = []
    for number, question in enumerate(questions, first):
        cells += [nbformat.v4.new_markdown_cell(question_markdown(number, question)), answer_cell()]
    return cells


def _edition_cells(cells: list, edition: str) -> list[nbformat.NotebookNode]:
    """``cells`` (Markdown already readable) as ``edition`` shows them."""
    out: list[nbformat.NotebookNode] = []
    asked = 0  # questions so far: a page of gates numbers its questions on
    for cell in cells:
        questions = quiz_questions(cell)
        if cell.cell_type == "markdown" and _ANSWER_MARK in cell.source:
            parts = [part.strip("\n") for part in cell.source.split(_ANSWER_MARK)]
            for part in parts[:-1]:
                out += [nbformat.v4.new_markdown_cell(part), answer_cell()]
            if parts[-1].strip():
                out.append(nbformat.v4.new_markdown_cell(parts[-1]))
        elif questions and edition == "student":
            if out and out[-1].cell_type == "markdown":
                out[-1].source = _without_check_sentence(out[-1].source)
            out += _worksheet(questions, asked + 1)
            asked += len(questions)
        elif questions:
            out += [cell, nbformat.v4.new_markdown_cell(answer_key(questions))]
        else:
            out.append(cell)
    return out


def exercises(source: Path) -> list[str]:
    """A chapter's exercises: its quiz cells' bank question ids, then each ``{exercise}``.

    These are what the student edition follows with an answer cell, in that order of
    kinds: ``["ch1-q-lipoma-label", …, "exercise 1", …]``.
    """
    notebook = jupytext.read(source)
    ids = [q.id for cell in notebook.cells for q in quiz_questions(cell)]
    fences = re.findall(r"^(?::{3,}|`{3,})\{exercise\}", source.read_text(encoding="utf-8"), re.M)
    return ids + [f"exercise {n}" for n in range(1, len(fences) + 1)]


def check_edition(edition: str) -> str:
    """``edition`` if it is one of :data:`EDITIONS`, else ``ValueError`` naming them."""
    if edition not in EDITIONS:
        raise ValueError(f"argument 'edition' must be one of {list(EDITIONS)}, got {edition!r}")
    return edition


def edition_filename(stem: str, edition: str) -> str:
    """The file of a chapter's ``edition``: ``01-terminology.ipynb`` or ``…-student.ipynb``."""
    check_edition(edition)
    return f"{stem}.ipynb" if edition == "instructor" else f"{stem}-{edition}.ipynb"


def chapter_notebook(
    source: Path,
    repository_url: str = "",
    branch: str = "main",
    wheel: bytes | None = None,
    edition: str = "instructor",
) -> nbformat.NotebookNode:
    """The unexecuted, readable notebook for one chapter, in one of :data:`EDITIONS`.

    With a repository URL it starts with the Colab cell; with ``wheel`` (the bytes of
    the book's wheel) it starts with the setup cell that bundles it.
    """
    check_edition(edition)
    notebook = jupytext.read(source)
    full_text = source.read_text(encoding="utf-8")
    labels = _headings_and_captions(full_text)
    state: dict = {"edition": edition}
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = readable_markdown(cell.source, source.parent, labels, state)
    notebook.cells = _edition_cells(notebook.cells, edition)
    if repository_url:
        cell = nbformat.v4.new_code_cell(
            colab_setup(repository_url, branch), metadata={"tags": [COLAB_TAG]}
        )
        notebook.cells.insert(0, cell)
    for number, cell in enumerate(notebook.cells):
        cell.id = f"cell-{number}"  # stable ids: the same source gives the same file
    if wheel is not None:
        metadata = {"tags": [SETUP_TAG], "jupyter": {"source_hidden": True}}
        setup = nbformat.v4.new_code_cell(setup_source(wheel), metadata=metadata)
        setup.id = SETUP_TAG
        notebook.cells.insert(0, setup)
    return notebook


def notebook_text(notebook: nbformat.NotebookNode) -> str:
    """A :func:`chapter_notebook` serialised exactly as it is written to disk."""
    return jupytext.writes(notebook, fmt="ipynb")
