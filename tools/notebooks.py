"""Write the chapter notebooks that Colab opens from the repository (``make notebooks``).

Colab opens only ``.ipynb`` files from GitHub, while the chapters are MyST ``.md``.
This writes, for every chapter, ``notebooks/NN-topic.ipynb`` (the edition with
solutions, which the Colab launch button opens) and ``notebooks/NN-topic-student.ipynb``
(the student edition, to hand out as a Colab link), with the repository URL and branch
from ``_config.yml``: the same notebooks a chapter page offers for download, less the
bundled package. ``tests/test_notebooks.py`` fails when they fall out of step.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from backmice_notebooks import (
    EDITIONS,
    chapter_notebook,
    edition_filename,
    is_notebook_source,
    notebook_text,
)

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"


def repository() -> tuple[str, str]:
    """``repository.url`` and ``repository.branch`` from ``_config.yml``."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    settings = config.get("repository") or {}
    return settings.get("url") or "", settings.get("branch") or "main"


def expected() -> dict[Path, str]:
    """Every notebook that ``notebooks/`` should hold (both editions), with its text."""
    url, branch = repository()
    return {
        NOTEBOOKS / edition_filename(source.stem, edition): notebook_text(
            chapter_notebook(source, url, branch, edition=edition)
        )
        for source in sorted((ROOT / "chapters").glob("*.md"))
        if is_notebook_source(source)
        for edition in EDITIONS
    }


def main() -> int:
    """Write the notebooks and remove any that no longer have a chapter."""
    wanted = expected()
    NOTEBOOKS.mkdir(exist_ok=True)
    for path in NOTEBOOKS.glob("*.ipynb"):
        if path not in wanted:
            path.unlink()
    for path, text in wanted.items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
