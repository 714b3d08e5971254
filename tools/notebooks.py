"""Write the chapter notebooks that Colab opens from the repository (``make notebooks``).

Colab opens only ``.ipynb`` files from GitHub, while the chapters are MyST ``.md``.
This writes ``notebooks/NN-topic.ipynb`` for every chapter, with the repository URL
and branch from ``_config.yml`` (the same notebooks a chapter page offers for
download). ``tests/test_notebooks.py`` fails when they fall out of step.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
sys.path[:0] = [str(ROOT), str(ROOT / "_ext")]

from backmice_notebooks import is_notebook_source, notebook_text  # noqa: E402


def repository() -> tuple[str, str]:
    """``repository.url`` and ``repository.branch`` from ``_config.yml``."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    settings = config.get("repository") or {}
    return settings.get("url") or "", settings.get("branch") or "main"


def expected() -> dict[Path, str]:
    """Every notebook that ``notebooks/`` should hold, with its text."""
    url, branch = repository()
    return {
        NOTEBOOKS / f"{source.stem}.ipynb": notebook_text(source, url, branch)
        for source in sorted((ROOT / "chapters").glob("*.md"))
        if is_notebook_source(source)
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
