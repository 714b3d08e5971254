r"""The pre-build check of ``make book``: every data file and ``references.bib``.

Inside the build, a broken data file would surface as a notebook cell error buried in
a long Sphinx traceback, and only the first one would. This check runs before Sphinx
starts, reports **every** problem on a line that names its file, prints a summary
naming the broken files last, and exits 1 when there is any (so the last lines of a
failed build name them).

* **Data.** Every ``data/<topic>.csv`` (or ``.yaml``, such as the question bank) must be
  read by a module with a ``load()`` function: ``widgets/<topic>.py`` (a figure's
  numbers, the learning objectives, the questions), or
  ``_ext/backmice_<topic>.py`` for a record that the build shows rather than plots
  (the review dates, the corrections). ``load()`` must not raise: a ``ValueError``
  (``widgets.data.DataError`` is one, naming the line of a byte that is not UTF-8) is
  reported with its message.
* **References.** ``references.bib`` must parse (pybtex, strict: a repeated key fails).
  The bibliography page turns some fields into links, so every ``url`` (and every
  ``\url{...}`` or ``\href{...}`` inside a field) must be an ``http(s)://`` address,
  every ``doi`` a bare DOI (``10.NNNN/...``) and every ``pubmed`` a PMID (digits).

Run ``python -m tools.checkdata``; ``make book`` runs it before every build (it takes
well under a second).
"""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

from widgets.data import DataError, decode

ROOT = Path(__file__).resolve().parent.parent

#: A bare DOI, as the ``doi`` field needs it (the page links ``https://doi.org/`` + it).
BARE_DOI = re.compile(r"10\.\d{4,9}/\S+")
#: A PubMed identifier.
PMID = re.compile(r"[1-9]\d{0,8}")
#: Links written inside a field's LaTeX text.
LATEX_LINK = re.compile(r"\\(?:url|href)\s*\{([^}]*)\}")
#: Schemes a link in the bibliography may use.
WEB_SCHEMES = ("http", "https")


def data_files(root: Path) -> list[Path]:
    """Every CSV and YAML file in ``root/data``, sorted by name."""
    return sorted([*(root / "data").glob("*.csv"), *(root / "data").glob("*.yaml")])


def _named(name: str, message: str) -> str:
    """``message`` prefixed with the file ``name`` unless it already starts with it."""
    message = message.strip().replace("\n", "\n    ")
    return message if message.startswith(name) else f"{name}: {message}"


def data_loader(root: Path, topic: str) -> tuple[str, str] | None:
    """The module that loads ``data/<topic>.csv`` and its file, or ``None`` if there is none.

    A figure's topic module ``widgets/<topic>.py`` comes first; a record the build
    shows is loaded by ``_ext/backmice_<topic>.py``.
    """
    if (root / "widgets" / f"{topic}.py").is_file():
        return f"widgets.{topic}", f"widgets/{topic}.py"
    if (root / "_ext" / f"backmice_{topic}.py").is_file():
        return f"backmice_{topic}", f"_ext/backmice_{topic}.py"
    return None


def check_data_file(root: Path, path: Path) -> str | None:
    """The problem with one data file, naming it, or ``None`` when it loads."""
    name = f"data/{path.name}"
    loader = data_loader(root, path.stem)
    if loader is None:
        return (
            f"{name}: neither widgets/{path.stem}.py nor _ext/backmice_{path.stem}.py "
            "loads it, so nothing checks it"
        )
    module_name, where = loader
    try:
        module = importlib.import_module(module_name)
    except Exception as error:  # any import failure is reported, not raised
        return f"{name}: {where} cannot be imported: {type(error).__name__}: {error}"
    load = getattr(module, "load", None)
    if not callable(load):
        return f"{name}: {where} has no load() function, so nothing checks it"
    try:
        load()
    except ValueError as error:
        return _named(name, str(error))
    except Exception as error:  # report it and go on to the next file
        return f"{name}: {module_name}.load() failed: {type(error).__name__}: {error}"
    return None


def check_data(root: Path) -> list[str]:
    """One problem line per broken data file in ``root/data`` (empty when all load)."""
    problems = [check_data_file(root, path) for path in data_files(root)]
    return [problem for problem in problems if problem is not None]


def is_web_url(text: str) -> bool:
    """Whether ``text`` is an absolute ``http://`` or ``https://`` address with a host."""
    parts = urlsplit(text.strip())
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.netloc)


def entry_problems(key: str, fields: dict[str, str]) -> list[str]:
    """The link problems of one bibliography entry, each naming ``references.bib`` and it."""
    where = f"references.bib, entry {key}"
    problems = []
    url = fields.get("url")
    if url is not None and not is_web_url(url):
        problems.append(f"{where}, field url: {url!r} is not an http(s) address")
    doi = fields.get("doi")
    if doi is not None and not BARE_DOI.fullmatch(doi.strip()):
        problems.append(f"{where}, field doi: {doi!r} is not a bare DOI such as 10.1000/xyz")
    pubmed = fields.get("pubmed")
    if pubmed is not None and not PMID.fullmatch(pubmed.strip()):
        problems.append(f"{where}, field pubmed: {pubmed!r} is not a PMID (digits only)")
    for field, value in sorted(fields.items()):
        for target in LATEX_LINK.findall(value):
            if not is_web_url(target):
                problems.append(f"{where}, field {field}: link {target!r} is not http(s)")
    return problems


def check_bib(path: Path) -> list[str]:
    """Problems with the bibliography at ``path``: it must parse and its links be web links."""
    from pybtex.database import parse_file
    from pybtex.errors import set_strict_mode
    from pybtex.exceptions import PybtexError

    set_strict_mode(True)
    try:
        decode(path.read_bytes(), "references.bib")
        entries = parse_file(str(path), bib_format="bibtex").entries
    except DataError as error:
        return [str(error)]
    except PybtexError as error:
        return [_named("references.bib", f"cannot be read: {error}")]
    problems = []
    for key, entry in entries.items():
        fields = {name.lower(): str(value) for name, value in entry.fields.items()}
        problems += entry_problems(key, fields)
    return problems


def broken_files(problems: list[str]) -> list[str]:
    """The distinct file names that ``problems`` start with, in order."""
    names = [re.split(r"[,:]", problem, maxsplit=1)[0] for problem in problems]
    return list(dict.fromkeys(names))


def main() -> int:
    """Check this repository's data and bibliography; 1 if anything is broken."""
    problems = check_bib(ROOT / "references.bib") + check_data(ROOT)
    if not problems:
        count = len(data_files(ROOT))
        print(f"checkdata: references.bib and {count} data files are valid", flush=True)
        return 0
    files = broken_files(problems)
    report = [f"  {problem}" for problem in problems]
    report.append(
        f"checkdata: {len(problems)} problem(s) in {len(files)} file(s), "
        f"fix them before the book can build: {', '.join(files)}"
    )
    print("\n".join(report), file=sys.stderr, flush=True)
    return 1


if __name__ == "__main__":
    sys.exit(main())
