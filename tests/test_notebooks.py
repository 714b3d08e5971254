"""Each chapter page offers a .ipynb download that runs in a fresh kernel."""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, toc_docnames
from nbclient import NotebookClient

NOTEBOOK_PAGES = [
    name
    for name in toc_docnames()
    if (ROOT / f"{name}.md").exists()
    and "kernelspec:" in (ROOT / f"{name}.md").read_text(encoding="utf-8")[:600]
]


def test_every_chapter_is_a_notebook():
    chapters = [n for n in toc_docnames() if re.match(r"chapters/\d\d-", n)]
    assert len(chapters) == 4
    assert set(chapters) <= set(NOTEBOOK_PAGES)


@pytest.mark.parametrize("docname", NOTEBOOK_PAGES)
def test_page_offers_notebook_download(docname, book_html):
    page = (book_html / f"{docname}.html").read_text(encoding="utf-8")
    assert f"_sources/{docname}.ipynb" in page
    notebook = nbformat.read(book_html / "_sources" / f"{docname}.ipynb", as_version=4)
    assert notebook.metadata.kernelspec.name == "python3"
    assert not any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")


@pytest.mark.parametrize("docname", NOTEBOOK_PAGES)
def test_downloaded_notebook_runs_in_a_fresh_kernel(docname, book_html, monkeypatch):
    monkeypatch.delenv("BACKMICE_BOOK", raising=False)
    notebook = nbformat.read(book_html / "_sources" / f"{docname}.ipynb", as_version=4)
    # The live-app cells are tagged skip-execution for the static build; here they
    # run too (no tag is skipped), so every app() is built in a real kernel.
    client = NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        skip_cells_with_tag="run-everything-in-this-test",
        resources={"metadata": {"path": str(ROOT / os.path.dirname(docname))}},
    )
    client.execute()
    errors = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "error"
    ]
    assert errors == []
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    figure_cells = [c for c in code_cells if re.search(r"\.(\w+_)?figure\(", c.source)]
    for cell in figure_cells:
        kinds = {key for output in cell.outputs for key in output.get("data", {})}
        assert "application/vnd.plotly.v1+json" in kinds, "live figure expected"
    app_cells = [c for c in code_cells if re.search(r"^\w+\.app\(", c.source, re.MULTILINE)]
    for cell in app_cells:
        kinds = {key for output in cell.outputs for key in output.get("data", {})}
        assert "application/vnd.jupyter.widget-view+json" in kinds, "live app expected"


def test_colab_notebooks_match_the_chapters():
    """notebooks/ (what Colab opens) is regenerated from the chapters: `make notebooks`."""
    from tools.notebooks import NOTEBOOKS, expected

    wanted = expected()
    assert len(wanted) == len(NOTEBOOK_PAGES) - ("intro" in NOTEBOOK_PAGES)
    assert sorted(NOTEBOOKS.glob("*.ipynb")) == sorted(wanted)
    stale = [p.name for p, text in wanted.items() if p.read_text(encoding="utf-8") != text]
    assert stale == [], "run `make notebooks` and commit notebooks/"


@pytest.mark.parametrize("docname", [n for n in NOTEBOOK_PAGES if n.startswith("chapters/")])
def test_download_is_the_colab_notebook(docname, book_html):
    downloaded = (book_html / "_sources" / f"{docname}.ipynb").read_text(encoding="utf-8")
    committed = (ROOT / "notebooks" / f"{Path(docname).name}.ipynb").read_text(encoding="utf-8")
    assert downloaded == committed


def test_colab_setup_cell_is_harmless_elsewhere(tmp_path, monkeypatch):
    """With a repository URL the notebook gains a Colab-only cell; outside Colab it
    clones nothing, changes no directory, and the chapter still runs."""
    from backmice_notebooks import COLAB_TAG, chapter_notebook

    monkeypatch.delenv("BACKMICE_BOOK", raising=False)
    source = ROOT / "chapters" / "01-terminology.md"
    notebook = chapter_notebook(source, "https://github.com/example/backmice", "main")
    first = notebook.cells[0]
    assert COLAB_TAG in first.metadata["tags"]
    assert "git" in first.source and "https://github.com/example/backmice" in first.source
    notebook.cells.append(nbformat.v4.new_code_cell("import os; print(os.getcwd())"))
    chapters = ROOT / "chapters"
    NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(chapters)}},
    ).execute()
    assert notebook.cells[-1].outputs[0]["text"].strip() == str(chapters)
    assert not Path("/content/backmice").exists()


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
