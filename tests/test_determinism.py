"""Two builds of the same commit give identical chapter HTML (no random ids, no dates)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import ROOT, toc_docnames

JUPYTER_BOOK = Path(sys.executable).parent / "jupyter-book"


def test_second_build_gives_identical_pages(book_html, tmp_path):
    command = [str(JUPYTER_BOOK), "build", str(ROOT), "--path-output", str(tmp_path)]
    command += ["--builder", "html", "-n", "-W", "--keep-going"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    second = tmp_path / "_build" / "html"
    differing = [
        name
        for name in toc_docnames()
        if (book_html / f"{name}.html").read_bytes() != (second / f"{name}.html").read_bytes()
    ]
    assert differing == []
