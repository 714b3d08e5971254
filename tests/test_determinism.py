"""Two builds of the same commit give identical pages (no random ids, no dates).

Both builds start clean, in their own folders, as a reader's host or CI would build.
(An incremental rebuild differs only in Sphinx's ``?v=`` cache-busting suffix on two
stylesheets that exist only after a first build; that is not page content.)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from backmice_notebooks import EDITIONS, edition_filename, is_notebook_source
from conftest import ROOT, toc_docnames

pytestmark = pytest.mark.build  # two cold builds, without a fixture that would mark them

JUPYTER_BOOK = Path(sys.executable).parent / "jupyter-book"


def build(output: Path) -> Path:
    """Build the book strictly into ``output``; return its HTML folder."""
    command = [str(JUPYTER_BOOK), "build", str(ROOT), "--path-output", str(output)]
    command += ["--builder", "html", "-n", "-W", "--keep-going"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return output / "_build" / "html"


def test_two_builds_give_identical_pages(tmp_path):
    first = build(tmp_path / "first")
    second = build(tmp_path / "second")
    pages = [f"{name}.html" for name in toc_docnames()]
    differing = [
        page for page in pages if (first / page).read_bytes() != (second / page).read_bytes()
    ]
    assert differing == []
    notebooks = sorted(p.name for p in (first / "_sources" / "chapters").glob("*.ipynb"))
    wanted = [
        edition_filename(Path(name).name, edition)
        for name in toc_docnames()
        if name.startswith("chapters/") and is_notebook_source(ROOT / f"{name}.md")
        for edition in EDITIONS
    ]
    assert notebooks == sorted(wanted) and len(notebooks) >= 4
    for name in notebooks:
        a = (first / "_sources" / "chapters" / name).read_bytes()
        assert a == (second / "_sources" / "chapters" / name).read_bytes(), name
