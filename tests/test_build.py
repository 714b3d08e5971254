"""`make book` fails clearly: bad input is caught before Sphinx and named last.

Every case runs the real `make book` in a copy of the book (without .venv, _build and
.git; its .venv links to this checkout's). A broken input must fail the build, and the
last 15 lines of its output must name the broken file. The copy is shared by the tests
of this module; each restores what it changed.

Also here: the pre-build check's rules for references.bib (unit tests of
tools/checkdata.py), the content-keyed rebuild, the build lock, and the suite's own
set-up (Hypothesis profile; no Playwright needed to collect the unit tests).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from tools import checkdata

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
TAIL = 15
#: What is not copied: the environment, build output, caches and version control.
NOT_COPIED = shutil.ignore_patterns(
    ".venv",
    "_build",
    ".git",
    "__pycache__",
    "*.pyc",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    ".ipynb_checkpoints",
    "bench.json",
    "*.pdf",
)
#: An old timestamp, for files changed the way `cp -p` or `rsync -a` change them.
OLD = 1_000_000_000  # 2001-09-09


def outside_make() -> dict[str, str]:
    """This environment without the variables of an enclosing make (`make test`)."""
    return {
        key: value for key, value in os.environ.items() if not key.startswith(("MAKE", "MFLAGS"))
    }


def start_make_book(book: Path) -> subprocess.Popen[str]:
    """Start `make book` in ``book``, its stdout and stderr together, in order."""
    return subprocess.Popen(
        ["make", "--no-print-directory", "book"],
        cwd=book,
        env=outside_make(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def make_book(book: Path, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    """Run `make book` in ``book`` to the end; stdout and stderr together, in order."""
    with start_make_book(book) as run:
        try:
            output = run.communicate(timeout=timeout)[0]
        except subprocess.TimeoutExpired:
            run.kill()
            raise
    return subprocess.CompletedProcess(run.args, run.returncode, output)


def tail(output: str, lines: int = TAIL) -> str:
    """The last ``lines`` non-empty lines of ``output``, as a failed CI job shows them."""
    return "\n".join([line for line in output.splitlines() if line.strip()][-lines:])


def sphinx_ran(output: str) -> bool:
    """Whether make started jupyter-book (make echoes the command it runs)."""
    return "jupyter-book build" in output


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the book whose .venv is this checkout's (installed by `make book`)."""
    if not (VENV / ".book-installed").exists():
        pytest.fail("No installed .venv: run `make book` (or `make test`) first.")
    copy = tmp_path_factory.mktemp("book") / "book"
    shutil.copytree(ROOT, copy, ignore=NOT_COPIED, symlinks=True)
    (copy / ".venv").symlink_to(VENV, target_is_directory=True)
    for requirements in copy.glob("requirements*.txt"):
        os.utime(requirements, (OLD, OLD))  # never newer than the shared venv's stamps
    return copy


@contextlib.contextmanager
def changed(path: Path, text: bytes, keep_mtime: bool = False) -> Iterator[Path]:
    """Write ``text`` to ``path`` for the duration; restore the original bytes after.

    ``keep_mtime`` keeps the old timestamp, as `cp -p`, `rsync -a` and unpacking an
    archive do.
    """
    original = path.read_bytes()
    stat = path.stat()
    path.write_bytes(text)
    if keep_mtime:
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    try:
        yield path
    finally:
        path.write_bytes(original)


def with_cell(path: Path, row: int, column: str, value: str) -> bytes:
    """The bytes of the CSV ``path`` with one cell replaced (``row`` 1 is the first row).

    Splits on commas, so it is only used on cells before any quoted cell.
    """
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\r\n").split(",")
    cells = lines[row].split(",")
    cells[header.index(column)] = value
    lines[row] = ",".join(cells)
    return "".join(lines).encode("utf-8")


def with_url(bib: Path, key: str, url: str) -> bytes:
    """The bytes of ``bib`` with a ``url`` field added to the entry ``key``."""
    text = bib.read_text(encoding="utf-8")
    opening = text.index(f"{{{key},") + len(f"{{{key},")
    return (text[:opening] + f"\n  url     = {{{url}}}," + text[opening:]).encode("utf-8")


def assert_fails_naming(book: Path, *names: str) -> str:
    """`make book` fails before Sphinx, and its last lines name each of ``names``."""
    result = make_book(book)
    last = tail(result.stdout)
    assert result.returncode != 0, result.stdout[-3000:]
    assert not sphinx_ran(result.stdout), "the pre-build check must stop the build first"
    for name in names:
        assert name in last, f"{name} is not in the last {TAIL} lines:\n{last}"
    return last


# --- bad input fails `make book`, named in the last 15 lines ---------------------------


def test_javascript_url_in_bib_fails_the_build(book: Path) -> None:
    bib = book / "references.bib"
    with changed(bib, with_url(bib, "ries1937", "javascript:alert(document.cookie)")):
        last = assert_fails_naming(book, "references.bib", "ries1937")
    assert "javascript:" in last


def test_value_out_of_range_fails_the_build(book: Path) -> None:
    csv = book / "data" / "prevalence.csv"
    with changed(csv, with_cell(csv, 1, "year", "3000")):
        assert_fails_naming(book, "data/prevalence.csv")


def test_non_utf8_byte_fails_the_build_naming_file_and_line(book: Path) -> None:
    csv = book / "data" / "landmarks.csv"
    lines = csv.read_bytes().splitlines(keepends=True)
    lines[3] = lines[3].replace(b",", b",\xff", 1)
    with changed(csv, b"".join(lines)):
        last = assert_fails_naming(book, "data/landmarks.csv")
    assert "line 4" in last
    assert "0xFF" in last


def test_two_broken_files_are_both_named(book: Path) -> None:
    names = book / "data" / "names.csv"
    treatments = book / "data" / "treatments.csv"
    with (
        changed(names, with_cell(names, 2, "year", "not-a-year")),
        changed(treatments, with_cell(treatments, 1, "n", "-4")),
    ):
        last = assert_fails_naming(book, "data/names.csv", "data/treatments.csv")
    lines = last.splitlines()
    assert any(line.strip().startswith("data/names.csv") for line in lines), last
    assert any(line.strip().startswith("data/treatments.csv") for line in lines), last


def test_duplicated_row_fails_the_build(book: Path) -> None:
    """A row pasted twice (a spreadsheet slip) stops `make book`, naming the file."""
    csv = book / "data" / "names.csv"
    text = csv.read_bytes()
    first_row = text.splitlines(keepends=True)[1]
    with changed(csv, text + (b"" if text.endswith(b"\n") else b"\n") + first_row):
        last = assert_fails_naming(book, "data/names.csv")
    assert "repeats line 2 exactly" in last


# --- a real build: content-keyed stamps, warm rebuild, the lock -------------------------


@pytest.fixture(scope="module")
def built(book: Path) -> Path:
    """The copy, built once (the execution cache is copied in when it is current)."""
    for name in (".jupyter_cache", ".inputs-stamp"):
        source = ROOT / "_build" / name
        target = book / "_build" / name
        target.parent.mkdir(exist_ok=True)
        if target.exists():
            continue
        if source.is_dir():
            shutil.copytree(source, target)
        elif source.is_file():
            shutil.copy2(source, target)
    result = make_book(book)
    assert result.returncode == 0, tail(result.stdout, 60)
    return book


def bring_up_to_date(book: Path) -> None:
    """Build ``book`` (a test before may have left a changed file restored)."""
    result = make_book(book)
    assert result.returncode == 0, tail(result.stdout, 60)


def test_warm_rebuild_does_nothing(built: Path) -> None:
    bring_up_to_date(built)
    started = time.monotonic()
    result = make_book(built)
    assert result.returncode == 0, result.stdout
    assert not sphinx_ran(result.stdout), result.stdout
    assert time.monotonic() - started < 30


def test_page_changed_with_old_timestamp_is_rebuilt(built: Path) -> None:
    page = built / "chapters" / "faq.md"
    marker = "Marker-from-a-copy-with-an-old-timestamp"
    text = re.sub(r"^# ", f"# {marker} ", page.read_text(encoding="utf-8"), count=1, flags=re.M)
    assert marker in text
    with changed(page, text.encode("utf-8"), keep_mtime=True):
        assert page.stat().st_mtime < (built / "_build" / "html" / "index.html").stat().st_mtime
        result = make_book(built)
        assert result.returncode == 0, tail(result.stdout, 60)
        assert sphinx_ran(result.stdout)
        html = (built / "_build" / "html" / "chapters" / "faq.html").read_text(encoding="utf-8")
        assert marker in html


def test_data_changed_with_old_timestamp_is_checked(built: Path) -> None:
    csv = built / "data" / "names.csv"
    with changed(csv, with_cell(csv, 1, "year", "not-a-year"), keep_mtime=True):
        assert_fails_naming(built, "data/names.csv")


def test_data_stamp_keys_on_content(built: Path) -> None:
    bring_up_to_date(built)
    stamp = built / "_build" / ".inputs-stamp"
    before = stamp.read_text(encoding="utf-8")
    assert "data/names.csv" in before
    os.utime(built / "data" / "names.csv", (OLD, OLD))  # timestamp only: no rebuild
    result = make_book(built)
    assert result.returncode == 0, result.stdout
    assert not sphinx_ran(result.stdout)
    assert stamp.read_text(encoding="utf-8") == before


def test_two_concurrent_builds_both_succeed(built: Path) -> None:
    page = built / "chapters" / "glossary.md"
    text = page.read_text(encoding="utf-8") + "\nOne more line, so the book needs a rebuild.\n"
    with changed(page, text.encode("utf-8")):
        runs = [start_make_book(built) for _ in range(2)]
        outputs = [run.communicate(timeout=900)[0] for run in runs]
        assert [run.returncode for run in runs] == [0, 0], "\n---\n".join(outputs)
        # One builds; the other waits for the lock, then finds the book up to date.
        assert sum(sphinx_ran(output) for output in outputs) == 1, "\n---\n".join(outputs)
        html = (built / "_build" / "html" / "chapters" / "glossary.html").read_text("utf-8")
        assert "One more line, so the book needs a rebuild." in html


# --- tools/checkdata.py: the rules for references.bib ----------------------------------


def write_bib(tmp_path: Path, fields: str, key: str = "doe2020") -> Path:
    """A one-entry bibliography with the given extra ``fields``."""
    bib = tmp_path / "references.bib"
    entry = f"""
        @article{{{key},
          author = {{Doe, Jane}},
          title  = {{A title}},
          year   = {{2020}},
          {fields}
        }}
        """
    bib.write_text(textwrap.dedent(entry), encoding="utf-8")
    return bib


@pytest.mark.parametrize(
    "fields",
    [
        "url = {https://example.org/paper}",
        "url = {http://example.org/}",
        "doi = {10.1136/bmj.i436}",
        "doi = {10.1097/00124743-200006000-00004}",
        "pubmed = {20283861}",
        "howpublished = {\\url{https://radiopaedia.org/}}",
    ],
)
def test_bib_accepts_web_links_and_bare_identifiers(tmp_path: Path, fields: str) -> None:
    assert checkdata.check_bib(write_bib(tmp_path, fields)) == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ("url = {javascript:alert(1)}", "url"),
        ("url = {JavaScript:alert(1)}", "url"),
        ("url = {data:text/html,<script>alert(1)</script>}", "url"),
        ("url = {file:///etc/passwd}", "url"),
        ("url = {www.example.org}", "url"),
        ("url = {https:/no-host}", "url"),
        ("doi = {https://doi.org/10.1136/bmj.i436}", "doi"),
        ("doi = {javascript:alert(1)}", "doi"),
        ("pubmed = {PMID 20283861}", "pubmed"),
        ("howpublished = {\\url{javascript:alert(1)}}", "howpublished"),
        ("note = {\\href{vbscript:x}{click}}", "note"),
    ],
)
def test_bib_rejects_other_links_naming_entry_and_field(
    tmp_path: Path, fields: str, field: str
) -> None:
    problems = checkdata.check_bib(write_bib(tmp_path, fields, key="bad2021"))
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"references.bib, entry bad2021, field {field}:")


def test_bib_repeated_key_is_reported(tmp_path: Path) -> None:
    bib = write_bib(tmp_path, "")
    bib.write_text(bib.read_text() * 2, encoding="utf-8")
    problems = checkdata.check_bib(bib)
    assert len(problems) == 1
    assert problems[0].startswith("references.bib: cannot be read")
    assert "doe2020" in problems[0]


def test_bib_syntax_error_is_reported_with_its_line(tmp_path: Path) -> None:
    bib = write_bib(tmp_path, "note = {unclosed,")
    problems = checkdata.check_bib(bib)
    assert len(problems) == 1
    assert problems[0].startswith("references.bib: cannot be read: syntax error in line")


def test_bib_non_utf8_byte_is_reported_with_its_line(tmp_path: Path) -> None:
    bib = write_bib(tmp_path, "note = {café},")
    bib.write_bytes(bib.read_bytes().replace("é".encode(), b"\xe9"))
    assert checkdata.check_bib(bib) == [
        "references.bib, line 6: byte 0xE9 is not UTF-8 (save the file as UTF-8)"
    ]


def test_every_bad_link_is_reported(tmp_path: Path) -> None:
    bib = write_bib(tmp_path, "url = {ftp://example.org/x},\n  doi = {doi:10.1/x}")
    problems = checkdata.check_bib(bib)
    assert [problem.split(",")[2].strip() for problem in problems] == [
        "field url: 'ftp://example.org/x' is not an http(s) address",
        "field doi: 'doi:10.1/x' is not a bare DOI such as 10.1000/xyz",
    ]


def test_the_book_passes_its_own_check() -> None:
    assert checkdata.check_bib(ROOT / "references.bib") == []
    assert checkdata.check_data(ROOT) == []


def test_broken_files_lists_each_file_once() -> None:
    problems = [
        "data/a.csv, row 1, field 'x': bad",
        "references.bib, entry k, field url: bad",
        "data/a.csv: also bad",
        "data/b.csv, line 2: byte 0xFF is not UTF-8",
    ]
    assert checkdata.broken_files(problems) == ["data/a.csv", "references.bib", "data/b.csv"]


# --- the test suite's own set-up ---------------------------------------------------------


def test_hypothesis_profile_has_no_deadline() -> None:
    assert settings.default.deadline is None


def test_unit_tests_collect_and_run_without_playwright() -> None:
    """conftest.py imports Playwright only inside the browser fixtures."""
    blocker = "import sys; sys.modules['playwright'] = None; import pytest; "
    run = "sys.exit(pytest.main(['-q', '-p', 'no:cacheprovider', '-k', 'bib_accepts', "
    run += f"{str(Path(__file__))!r}]))"
    result = subprocess.run(
        [sys.executable, "-c", blocker + run],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout  # return code 0 and at least one test ran


def test_grouped_tests_share_one_worker(tmp_path: Path) -> None:
    """`make test`'s --dist loadgroup really groups: six tests marked with one
    xdist_group run on one of two workers (pytest 9.2 broke this silently; see
    requirements-dev.txt)."""
    (tmp_path / "test_group.py").write_text(
        "import os, pathlib, pytest\n"
        "@pytest.mark.xdist_group('built')\n"
        "@pytest.mark.parametrize('n', range(6))\n"
        "def test_grouped(n):\n"
        "    out = pathlib.Path(os.environ['WORKER_LOG']) / f'{n}'\n"
        "    out.write_text(os.environ['PYTEST_XDIST_WORKER'])\n"
        "@pytest.mark.parametrize('n', range(6))\n"
        "def test_free(n):\n"
        "    pass\n",
        encoding="utf-8",
    )
    log = tmp_path / "log"
    log.mkdir()
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "2"]
    command += ["--dist", "loadgroup", "--rootdir", str(tmp_path), str(tmp_path)]
    env = outside_make() | {"WORKER_LOG": str(log)}
    result = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    workers = {path.read_text() for path in log.iterdir()}
    assert len(list(log.iterdir())) == 6 and len(workers) == 1, workers
