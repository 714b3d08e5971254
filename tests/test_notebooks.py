"""Each chapter page offers a .ipynb download that runs in a fresh kernel."""

from __future__ import annotations

import os
import re

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
