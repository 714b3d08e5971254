"""The chapter notebooks (.ipynb), generated from the MyST sources in one place.

The same notebook is offered by the download button of a chapter page (written by
``backmice_sphinx`` into the built site) and kept in ``notebooks/`` for Colab, which
opens notebooks only from a repository (``make notebooks`` writes them; a test
checks they match the sources).

When ``repository.url`` is set in ``_config.yml``, the notebook starts with a cell
that, on Colab only, clones the repository and installs the two packages Colab lacks;
elsewhere that cell does nothing.
"""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat

COLAB_TAG = "colab-setup"
COLAB_DIR = "/content/backmice"


def is_notebook_source(path: Path) -> bool:
    """True for a MyST markdown file with a jupytext kernelspec header."""
    if path.suffix != ".md" or not path.exists():
        return False
    head = path.read_text(encoding="utf-8")[:600]
    return head.startswith("---") and "kernelspec:" in head


def colab_setup(repository_url: str, branch: str) -> str:
    """Source of the Colab-only setup cell for ``repository_url`` at ``branch``."""
    return (
        "# On Colab only: fetch the book's code and data, then work from its chapters/.\n"
        "# Everywhere else (JupyterLab, JupyterHub, Binder) this cell does nothing.\n"
        "import os\n"
        "import subprocess\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        f'    if not os.path.isdir("{COLAB_DIR}"):\n'
        "        subprocess.run(\n"
        f'            ["git", "clone", "--depth", "1", "--branch", "{branch}",\n'
        f'             "{repository_url}", "{COLAB_DIR}"],\n'
        "            check=True,\n"
        "        )\n"
        "        subprocess.run(\n"
        '            [sys.executable, "-m", "pip", "install", "--quiet", "pybtex", "latexcodec"],\n'
        "            check=True,\n"
        "        )\n"
        f'    os.chdir("{COLAB_DIR}/chapters")\n'
    )


def chapter_notebook(
    source: Path, repository_url: str = "", branch: str = "main"
) -> nbformat.NotebookNode:
    """The unexecuted notebook for one chapter (with the Colab cell when a URL is set)."""
    notebook = jupytext.read(source)
    if repository_url:
        cell = nbformat.v4.new_code_cell(
            colab_setup(repository_url, branch), metadata={"tags": [COLAB_TAG]}
        )
        notebook.cells.insert(0, cell)
    for number, cell in enumerate(notebook.cells):
        cell.id = f"cell-{number}"  # stable ids: the same source gives the same file
    return notebook


def notebook_text(source: Path, repository_url: str = "", branch: str = "main") -> str:
    """The chapter notebook serialised exactly as it is written to disk."""
    return jupytext.writes(chapter_notebook(source, repository_url, branch), fmt="ipynb")
