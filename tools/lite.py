"""Build the book's offline JupyterLite site into ``_build/html/lite/`` (``make lite``).

Every chapter notebook opens there in a Python that runs in the browser (Pyodide),
with the book's package and its dependencies installed from the site's own files:

* the Pyodide runtime from the npm package pinned in ``lite/pyodide.json`` (its
  ``npm pack`` tarball is checked against the pinned sha512 integrity);
* the wheels of ``lite/pyodide-requirements.txt`` from PyPI, each checked against
  its pinned sha256, served next to Pyodide with the kernel's own wheels (piplite,
  its kernel) and the book's wheel, all listed in a copy of ``pyodide-lock.json``
  whose hashes name these files (and in piplite's index too);
* ``lite/jupyter-lite.json``: the kernel loads Pyodide from ``./static/pyodide/`` and
  never falls back to PyPI, so no request leaves the site at run time. The build
  adds every served package to the packages Pyodide loads as it starts
  (:func:`preload`): all at once, instead of one piplite install after another by
  the kernel and then by the notebook's setup cell, which then finds the book's
  package installed (``python -m tools.livebench`` times the Live click to the
  first figure).

What the Live site adds for its readers (:func:`live_notebook`, :func:`add_file_notice`):

* each notebook opens with a line saying to run all cells, and its setup cell folded;
  the chapter's "Explore it live" boxes, which point to Live, are left out;
* its pages say, when opened from a file (``file://``, where browsers do not start
  JupyterLite), that Live needs the book served over http(s): ``lite/needs-http.html``;
* the favicons the notebook app asks for (``static/favicons/``, from jupyter_server's
  own), so the site answers no request with a 404.

Downloads are cached in ``_build/lite-cache/``; when no input changed since the last
build the site is left as it is, so a warm rebuild costs well under a second. The
site holds only the notebooks app, without source maps.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import string
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import jupyter_server
from backmice_notebooks import SETUP_TAG, chapter_notebook, is_notebook_source, notebook_text
from backmice_sphinx import book_wheel
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
LITE = ROOT / "lite"
CACHE = ROOT / "_build" / "lite-cache"
OUTPUT = ROOT / "_build" / "html" / "lite"
STAMP = OUTPUT / ".inputs-sha256"

#: The JupyterLab extensions the Live site needs: the Pyodide kernel, widgets, plotly.
LAB_EXTENSIONS = (
    "@jupyterlite/pyodide-kernel-extension",
    "@jupyter-widgets/jupyterlab-manager",
    "jupyterlab-plotly",
)
#: The Pyodide kernel's own wheels (in the site, where the build puts them), preloaded
#: with the pinned ones: its package manager, its kernel, and the widgets' stand-in.
KERNEL_WHEELS = ("piplite", "ipykernel", "pyodide-kernel", "widgetsnbextension")
KERNEL_PYPI = Path("extensions/@jupyterlite/pyodide-kernel-extension/static/pypi")
#: The Pyodide kernel as JupyterLite names it.
LITE_KERNEL = {"display_name": "Python (Pyodide)", "language": "python", "name": "python"}
#: The first cell of every Live notebook.
RUN_ALL_FIRST = (
    "**To start, choose Run ▸ Run All Cells** in the menu above. Python then starts inside "
    "your browser, so the first figure takes a little while; after that, change a "
    "figure's controls to redraw it. The folded cell below sets up the book's package."
)
RUN_ALL_TAG = "live-run-all"
#: An "Explore it live" box as the notebooks write it (a quoted admonition): it points
#: the reader to Live, where it has nothing to add.
_EXPLORE_BOX = re.compile(r"^> \*\*Explore it live\*\*\n(?:>.*(?:\n|$))*", re.MULTILINE)
#: The Live site's pages a reader may open: the notebook app, and the site's root.
ENTRY_PAGES = ("notebooks/index.html", "index.html")
_LOADER = re.compile(r"\bawait import\(")
#: jupyter_server's favicons; the notebook app shows the kernel's state with two of them.
FAVICONS = Path(jupyter_server.__file__).parent / "static" / "favicons"
_PIN = re.compile(r"^(?P<name>[\w.-]+)==(?P<version>\S+)\s+--hash=sha256:(?P<sha>[0-9a-f]{64})")


def pins() -> dict[str, tuple[str, str]]:
    """``lite/pyodide-requirements.txt`` as ``{name: (version, sha256)}``."""
    result = {}
    for line in (LITE / "pyodide-requirements.txt").read_text(encoding="utf-8").splitlines():
        match = _PIN.match(line)
        if match:
            name = match.group("name").lower().replace("_", "-")
            result[name] = (match.group("version"), match.group("sha"))
    return result


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch_pyodide(spec: dict) -> Path:
    """The Pyodide runtime files from the pinned npm tarball (cached); their folder."""
    tarball = CACHE / f"{spec['package']}-{spec['version']}.tgz"
    if not tarball.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "pack", f"{spec['package']}@{spec['version']}", "--pack-destination", CACHE],
            check=True,
            capture_output=True,
        )
    digest = base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if f"sha512-{digest}" != spec["integrity"]:
        tarball.unlink()
        raise SystemExit(f"{tarball.name}: integrity does not match lite/pyodide.json")
    folder = CACHE / f"pyodide-{spec['version']}"
    if not all((folder / name).exists() for name in spec["files"]):
        folder.mkdir(parents=True, exist_ok=True)
        with tarfile.open(tarball) as archive:
            for name in spec["files"]:
                member = archive.extractfile(f"package/{name}")
                if member is None:
                    raise SystemExit(f"{tarball.name} has no {name}")
                (folder / name).write_bytes(member.read())
    return folder


def fetch_wheels() -> dict[str, Path]:
    """Every pinned wheel, downloaded once from PyPI and checked; by package name."""
    wanted = pins()
    folder = CACHE / "wheels"
    folder.mkdir(parents=True, exist_ok=True)

    def present() -> dict[str, Path]:
        found = {}
        for path in folder.glob("*.whl"):
            name = path.name.split("-")[0].lower().replace("_", "-")
            if name in wanted and _sha256(path) == wanted[name][1]:
                found[name] = path
        return found

    found = present()
    if set(found) != set(wanted):
        download = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"]
        download += ["--require-hashes", "--only-binary=:all:", "--python-version", "3.14"]
        download += ["--dest", str(folder), "-r", str(LITE / "pyodide-requirements.txt")]
        subprocess.run(download, check=True)
        found = present()
    missing = sorted(set(wanted) - set(found))
    if missing:
        raise SystemExit(f"wheels missing or with the wrong hash: {missing}")
    return found


def without_explore_boxes(markdown: str) -> str:
    """``markdown`` without its "Explore it live" boxes (and the blank lines they leave)."""
    return re.sub(r"\n{3,}", "\n\n", _EXPLORE_BOX.sub("", markdown)).strip("\n")


def live_notebook(notebook: dict[str, Any]) -> dict[str, Any]:
    """A chapter notebook as Live opens it.

    First a Markdown cell saying to run all cells; the setup cell folded (its
    ``jupyter.source_hidden``, which JupyterLab honours); no "Explore it live" box;
    the Pyodide kernel, so no kernel dialog.
    """
    cells = []
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            source = "".join(cell["source"])
            cell = cell | {"source": without_explore_boxes(source)}
            if not cell["source"].strip():
                continue
        if SETUP_TAG in cell.get("metadata", {}).get("tags", []):
            jupyter = cell["metadata"].get("jupyter", {}) | {"source_hidden": True}
            cell = cell | {"metadata": cell["metadata"] | {"jupyter": jupyter}}
        cells.append(cell)
    first = {
        "cell_type": "markdown",
        "id": RUN_ALL_TAG,
        "metadata": {"tags": [RUN_ALL_TAG]},
        "source": RUN_ALL_FIRST,
    }
    metadata = notebook["metadata"] | {"kernelspec": LITE_KERNEL}
    return notebook | {"cells": [first, *cells], "metadata": metadata}


def write_contents(folder: Path, wheel: Path) -> None:
    """The chapter notebooks (as downloaded from the book, made Live's) into ``folder``."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for source in sorted((ROOT / "chapters").glob("*.md")):
        if is_notebook_source(source):
            edition = chapter_notebook(source, wheel=wheel.read_bytes())
            notebook = live_notebook(json.loads(notebook_text(edition)))
            text = json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
            (folder / f"{source.stem}.ipynb").write_text(text, encoding="utf-8")


def wheel_imports(wheel: Path) -> list[str]:
    """The top-level modules and packages of a wheel (its ``imports`` in a lock)."""
    with zipfile.ZipFile(wheel) as archive:
        tops = {name.split("/")[0] for name in archive.namelist()}
    return sorted(
        top.removesuffix(".py")
        for top in tops
        if not top.endswith((".dist-info", ".data")) and (top.endswith(".py") or "." not in top)
    )


def lock_entry(wheel: Path) -> dict[str, Any]:
    """A ``pyodide-lock.json`` entry for a pure-Python wheel served next to Pyodide.

    It depends on nothing: the kernel preloads every package by name (:func:`preload`).
    """
    name, version = wheel.name.split("-")[:2]
    return {
        "name": canonicalize_name(name),
        "version": version,
        "file_name": wheel.name,
        "install_dir": "site",
        "sha256": _sha256(wheel),
        "package_type": "package",
        "imports": wheel_imports(wheel),
        "depends": [],
        "unvendored_tests": False,
    }


def kernel_wheels(site: Path) -> list[Path]:
    """The newest wheel of each of :data:`KERNEL_WHEELS` that the Pyodide kernel ships."""
    newest: dict[str, tuple[Version, Path]] = {}
    for wheel in (site / KERNEL_PYPI).glob("*.whl"):
        name, version = wheel.name.split("-")[:2]
        name = canonicalize_name(name)
        if name in KERNEL_WHEELS and (name not in newest or Version(version) > newest[name][0]):
            newest[name] = (Version(version), wheel)
    missing = sorted(set(KERNEL_WHEELS) - set(newest))
    if missing:
        raise SystemExit(f"the Pyodide kernel ships no wheel of {missing} in {KERNEL_PYPI}")
    return [wheel for _, wheel in newest.values()]


def serve_pyodide(
    runtime: Path, wheels: dict[str, Path], startup: list[str], extra: list[Path], target: Path
) -> list[str]:
    """Pyodide and the wheels it preloads into ``target``, with a lock naming those files.

    ``startup`` names the pinned ``wheels`` that Pyodide's own lock lists (their entries
    get the served file's hash); the other pinned wheels and the ``extra`` ones get new
    entries. Returns every package served, by name: what the kernel preloads.
    """
    target.mkdir(parents=True, exist_ok=True)
    lock = json.loads((runtime / "pyodide-lock.json").read_text(encoding="utf-8"))
    packages = lock["packages"]
    for name, wheel in wheels.items():
        if name in startup:
            entry = packages[name]
            if entry["file_name"] != wheel.name:
                raise SystemExit(
                    f"pyodide-lock.json wants {entry['file_name']}, pinned {wheel.name}"
                )
            entry["sha256"] = _sha256(wheel)
        else:
            packages[name] = lock_entry(wheel)
        shutil.copyfile(wheel, target / wheel.name)
    for wheel in extra:
        entry = lock_entry(wheel)
        packages[entry["name"]] = entry
        shutil.copyfile(wheel, target / wheel.name)
    for name in json.loads((LITE / "pyodide.json").read_text(encoding="utf-8"))["files"]:
        if name != "pyodide-lock.json":
            shutil.copyfile(runtime / name, target / name)
    (target / "pyodide-lock.json").write_text(json.dumps(lock), encoding="utf-8")
    return sorted({*wheels, *(canonicalize_name(w.name.split("-")[0]) for w in extra)})


def preload(config: Path, names: list[str]) -> None:
    """Make the Pyodide kernel of the site's ``config`` (jupyter-lite.json) load ``names``.

    Pyodide loads them all at once while it starts (``loadPyodideOptions.packages``),
    and the kernel then skips installing its own packages one by one with piplite.
    """
    data = json.loads(config.read_text(encoding="utf-8"))
    plugins = data["jupyter-config-data"]["litePluginSettings"]
    kernel = plugins["@jupyterlite/pyodide-kernel-extension:kernel"]
    kernel["loadPyodideOptions"] = kernel.get("loadPyodideOptions", {}) | {"packages": names}
    config.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def add_file_notice(page: Path, site: Path) -> None:
    """Put ``lite/needs-http.html`` into ``page``: its style in the head, the rest in the body.

    Its link back to the book is relative to ``page`` (the book is the site's parent).
    """
    template = (LITE / "needs-http.html").read_text(encoding="utf-8")
    book = os.path.relpath(site.parent / "index.html", page.parent)
    notice = string.Template(template).substitute(book=book)
    style = re.search(r"^<style>.*?^</style>\n", notice, re.DOTALL | re.MULTILINE)
    if style is None:
        raise SystemExit("lite/needs-http.html has no <style>")
    body = notice[: style.start()] + notice[style.end() :]
    html = re.sub(r"<html>", '<html lang="en">', page.read_text(encoding="utf-8"), count=1)
    # JupyterLite's loader, which a file:// page cannot import (a CORS error), is skipped.
    html, loaders = _LOADER.subn('location.protocol === "file:" || await import(', html)
    if loaders != 1:
        raise SystemExit(f"{page}: expected one JupyterLite loader (await import), found {loaders}")
    html = html.replace("</head>", style.group(0) + "</head>", 1)
    opening = re.search(r"<body[^>]*>", html)
    if opening is None:  # a page with only a head (the site's root): the body is implied
        html = html.replace("</head>", "</head>\n<body>\n" + body + "</body>", 1)
    else:
        html = html[: opening.end()] + "\n" + body + html[opening.end() :]
    page.write_text(html, encoding="utf-8")


def serve_favicons(target: Path) -> None:
    """jupyter_server's favicons into ``target`` (the notebook app asks for them)."""
    target.mkdir(parents=True, exist_ok=True)
    for icon in FAVICONS.glob("*.ico"):
        shutil.copyfile(icon, target / icon.name)


def inputs_digest(paths: list[Path]) -> str:
    """One sha256 over the given files (names and bytes)."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def build() -> str:
    """Build the site unless its inputs are unchanged; return what was done."""
    wheel = book_wheel(ROOT / "_build" / "dist")
    sources = [p for p in (ROOT / "chapters").glob("*.md") if is_notebook_source(p)]
    inputs = [
        wheel,
        *LITE.glob("*"),
        *sources,
        Path(__file__),
        ROOT / "_ext" / "backmice_notebooks.py",
        *(ROOT / "_ext" / "notebook_cells").glob("*.py"),
    ]
    digest = inputs_digest(inputs)
    if STAMP.exists() and STAMP.read_text(encoding="utf-8") == digest:
        return "unchanged"
    spec = json.loads((LITE / "pyodide.json").read_text(encoding="utf-8"))
    runtime = fetch_pyodide(spec)
    wheels = fetch_wheels()
    stage = CACHE / "stage"
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    shutil.copyfile(LITE / "jupyter-lite.json", stage / "jupyter-lite.json")
    write_contents(stage / "files", wheel)
    piplite = [w for name, w in sorted(wheels.items()) if name not in spec["startup"]]
    if OUTPUT.exists():
        shutil.rmtree(OUTPUT)
    command = [str(Path(sys.executable).parent / "jupyter"), "lite", "build"]
    command += ["--lite-dir", str(stage), "--contents", str(stage / "files")]
    command += ["--output-dir", str(OUTPUT), "--apps", "notebooks"]
    command += ["--no-sourcemaps", "--no-unused-shared-packages", "--ignore-sys-prefix"]
    labextensions = Path(sys.prefix) / "share" / "jupyter" / "labextensions"
    for name in LAB_EXTENSIONS:  # only these, whatever else the environment holds
        command += [f"--LiteBuildConfig.federated_extensions={labextensions / name}"]
    for path in [*piplite, wheel]:
        command += ["--piplite-wheels", str(path)]
    subprocess.run(command, check=True, cwd=stage, capture_output=True)
    served = serve_pyodide(
        runtime,
        wheels,
        spec["startup"],
        [*kernel_wheels(OUTPUT), wheel],
        OUTPUT / "static" / "pyodide",
    )
    preload(OUTPUT / "jupyter-lite.json", served)
    serve_favicons(OUTPUT / "static" / "favicons")
    for name in ENTRY_PAGES:
        add_file_notice(OUTPUT / name, OUTPUT)
    STAMP.write_text(digest, encoding="utf-8")
    return "built"


def main() -> int:
    """Build (or keep) the Live site and say which."""
    print(f"lite: {build()} {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
