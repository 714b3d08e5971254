"""Loading and validating the cited data files in ``data/``.

Each CSV's columns are the fields of one typed row model (a frozen ``attrs`` class
in the topic module). :func:`load_rows` parses cells strictly by type with
``cattrs`` (whole numbers, decimals, ISO dates, literal choices, ``references.bib`` keys),
runs the attrs validators and the model's ``check()``, and reports every problem
at once as ``data/X.csv, line N, field 'F': why`` (N: the line of the file). It
also rejects repeated rows, repeated labels (``UNIQUE``) and non-UTF-8 bytes, and
accepts a UTF-8 byte-order mark. (pydantic has no Pyodide build on PyPI, so the
in-browser notebooks could not import it; attrs and cattrs are pure Python.)
"""

from __future__ import annotations

import csv
import functools
import io
import re
import typing
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, ClassVar, Literal, TypeVar

import attrs
import cattrs
from cattrs.errors import AttributeValidationNote

ROOT = Path(__file__).resolve().parent.parent
# In a clone the data sit at the repository root; the installed wheel (backmice-book)
# carries its own copy inside the package, under widgets/_bundled/.
_BUNDLED = Path(__file__).resolve().parent / "_bundled"
_HOME = _BUNDLED if (_BUNDLED / "references.bib").is_file() else ROOT
DATA_DIR = _HOME / "data"
BIB_FILE = _HOME / "references.bib"

_BIB_KEY = re.compile(r"^@\w+\s*\{\s*([^,\s]+)\s*,", re.MULTILINE)
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

T = TypeVar("T")


class DataError(ValueError):
    """A data file breaks its schema; the message names file, line and field."""


class RowError(ValueError):
    """One broken field of one row, raised by validators and ``check()`` rules."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(problem)
        self.field = field
        self.problem = problem


class Cites(tuple):
    """One or more ``references.bib`` keys, written ``key1;key2`` in a cell."""

    def lines(self) -> str:
        """The citations (:func:`citation`), one per line of hover text."""
        return "<br>".join(map(citation, self))

    def sources(self) -> str:
        """``Sources: Ries, 1937; Bicket et al., 2016.``: the citations as one sentence."""
        return "Sources: " + "; ".join(map(citation, self)) + "."


@functools.cache
def bib_keys(path: Path | None = None) -> frozenset[str]:
    """The citation keys defined in ``references.bib``."""
    return frozenset(_BIB_KEY.findall((path or BIB_FILE).read_text(encoding="utf-8")))


@functools.cache
def _bib_entries() -> Any:
    """All entries of ``references.bib``, parsed by pybtex."""
    from pybtex.database import parse_file

    return parse_file(str(BIB_FILE), bib_format="bibtex").entries


def citation_parts(entry: Any) -> tuple[str, str]:
    """Who and when, as the book cites a pybtex ``entry``: ``("Lu et al.", "1998")``.

    The one formatter of citations: figure hovers (:func:`citation`), the pages'
    citations and bibliography labels (``_ext/backmice_citations.py``) and the
    notebooks (``_ext/backmice_notebooks.py``) all use it. One author by last name, two
    joined by "and", three or more (or a list ending in BibTeX's ``others``) as "First
    et al."; the title when there is no author or editor; "n.d." for a missing year. A
    tie in a name (``Van~Oosterwyck``) stays a no-break space, as on the pages.
    """
    from pybtex.backends.plaintext import Backend
    from pybtex.richtext import Text
    from pybtex.style.names import name_part
    from pybtex.style.template import join

    text = Backend()
    text.symbols = {**text.symbols, "nbsp": "\u00a0"}
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [  # sphinxcontrib-bibtex's "last" name style, which Pyodide does not have
        join[name_part(tie=True)[p.rich_prelast_names], name_part[p.rich_last_names]]
        .format_data(None)
        .render(text)
        for p in people
    ]
    if not people:
        who = Text.from_latex(entry.fields.get("title", entry.key)).render(text)
    elif len(people) == 1 or (len(people) == 2 and names[1] != "others"):
        who = " and ".join(names)
    else:
        who = f"{names[0]} et al."
    return who, entry.fields.get("year", "n.d.")


@functools.cache
def citation(key: str) -> str:
    """``key`` cited as the pages cite it: ``Ries, 1937``, ``Copeman and Ackerman, 1944``."""
    if key not in bib_keys():
        raise ValueError(f"argument 'key' must be a references.bib key, got {key!r}")
    return ", ".join(citation_parts(_bib_entries()[key]))


# ---------------------------------------------------------------- cell parsing


def parse_date(text: str) -> date:
    """A calendar date written ``YYYY-MM-DD`` (no other ISO form, no time)."""
    if not _ISO_DATE.fullmatch(text):
        raise ValueError(f"expected a date written YYYY-MM-DD, got {text!r}")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a calendar date") from None


def _parse(text: str, kind: Any) -> Any:
    """One CSV cell as ``kind``: strict numbers and dates, literal choices, bib keys.

    An empty cell is None for an optional ``kind``; a cell of a union of kinds (such as
    ``int | Literal["cases"]``) is the first of them it parses as.
    """
    args = typing.get_args(kind)
    if type(None) in args:
        inner = next(arg for arg in args if arg is not type(None))
        return None if text == "" else _parse(text, inner)
    if typing.get_origin(kind) is typing.Union:  # such as a number or a name: the first fit
        problems = []
        for arg in args:
            try:
                return _parse(text, arg)
            except ValueError as error:
                problems.append(str(error))
        raise ValueError("; or ".join(problems))
    if typing.get_origin(kind) is Literal and text not in args:
        raise ValueError(f"{text!r} is not one of {list(args)}")
    if kind is int and not _INTEGER.fullmatch(text):
        raise ValueError(f"expected a whole number, got {text!r}")
    if kind is float and not _DECIMAL.fullmatch(text):
        raise ValueError(f"expected a number such as 12 or 3.5, got {text!r}")
    if kind is Cites:
        keys = Cites(key.strip() for key in text.split(";") if key.strip())
        if not keys:
            raise ValueError("is empty but required (a references.bib key)")
        unknown = [key for key in keys if key not in bib_keys()]
        if unknown:
            raise ValueError(f"cites {unknown}, which are not in references.bib")
        return keys
    if not text:
        raise ValueError("is empty but required")
    if kind is date:
        return parse_date(text)
    return kind(text) if kind in (int, float) else text


@functools.cache
def _converter() -> cattrs.Converter:
    """A cattrs converter that parses every CSV cell strictly, by type (:func:`_parse`)."""
    converter = cattrs.Converter(detailed_validation=True, forbid_extra_keys=True)
    converter.register_structure_hook_func(lambda kind: not attrs.has(kind), _parse)
    for kind in (int, float, str, date):  # cattrs' own hooks for these would win otherwise
        converter.register_structure_hook(kind, _parse)
    return converter


# ------------------------------------------------------------------ validators


def between(minimum: float, maximum: float) -> Callable[[Any, Any, Any], None]:
    """An attrs validator: the value (when given) lies in ``[minimum, maximum]``."""

    def validate(_instance: Any, attribute: Any, value: Any) -> None:
        if value is not None and not minimum <= value <= maximum:
            raise RowError(attribute.name, f"{value:g} is outside the range {minimum}–{maximum}")

    return validate


def require(condition: bool, field: str, problem: str) -> None:
    """Raise a :class:`RowError` for ``field`` unless ``condition`` holds."""
    if not condition:
        raise RowError(field, problem)


REPORTED_TOLERANCE = 1.0
DERIVED_TOLERANCE = 0.5


def check_count(row: Any, count: str) -> None:
    """Check a row's ``n`` against its ``count`` field and its ``percent``.

    ``n`` and the count come together or not at all; the count is at most ``n``;
    where a ``percent`` is also given, ``count / n`` matches it within
    :data:`REPORTED_TOLERANCE` points (:data:`DERIVED_TOLERANCE` when the row says
    ``derived = yes``, a count back-calculated from the rounded percent).
    """
    value, n, percent = getattr(row, count), row.n, getattr(row, "percent", None)
    require((value is None) == (n is None), count, f"give both n and {count}, or neither")
    if value is None:
        return
    require(value <= n, count, f"{value} {count} is more than n = {n}")
    if percent is not None:
        limit = DERIVED_TOLERANCE if getattr(row, "derived", "no") == "yes" else REPORTED_TOLERANCE
        gap = abs(100 * value / n - percent)
        require(
            gap <= limit + 1e-9,
            count,
            f"{value}/{n} does not match the reported {percent:g}% (allowed gap {limit} points)",
        )


# ---------------------------------------------------------------------- loader


class Model:
    """Mixin for row models: ``UNIQUE`` fields must not repeat; ``check()`` rules."""

    UNIQUE: ClassVar[tuple[str, ...]] = ()

    def check(self) -> None:
        """Rules across columns; raise :class:`RowError`. None by default."""


def row_model(cls: type[T]) -> type[T]:
    """Decorate a row model: a frozen attrs class whose fields are the CSV columns."""
    return attrs.frozen(kw_only=True)(cls)


@row_model
class StudyRow(Model):
    """The first columns of a row that reports one study's result: who, when, which arm."""

    UNIQUE = ("study", "year", "label")
    #: How a row label says that the group size is not known.
    NO_SIZE: ClassVar[str] = "n not given"

    study: str
    year: int = attrs.field(validator=between(1900, 2030))
    label: str

    @property
    def tick(self) -> str:
        """The y-axis label: first author, year, n and the group (unique per row)."""
        size = f"n = {self.n}" if self.n is not None else self.NO_SIZE  # type: ignore[attr-defined]
        return f"{self.study.split(' ')[0]} {self.year} · {size}<br>{self.label}"

    @property
    def short_tick(self) -> str:
        """A shorter y-axis label: study and group only (n is in the hover and table)."""
        return f"{self.study.split(' ')[0]} {self.year}<br>{self.label}"


def decode(raw: bytes, filename: str) -> str:
    """The bytes of ``filename`` as text; a BOM is dropped, a non-UTF-8 byte named by line."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        byte = raw[error.start]
        raise DataError(
            f"{filename}, line {line}: byte 0x{byte:02X} is not UTF-8 (save the file as UTF-8)"
        ) from None


def _records(text: str) -> Iterable[tuple[int, list[str]]]:
    """``(line number, cells)`` for every non-blank record, header included."""
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    for cells in reader:
        if any(cell.strip() for cell in cells):
            yield start, cells
        start = reader.line_num + 1


def _problems(error: Exception) -> list[tuple[str, str]]:
    """``(field, why)`` for each failure inside a cattrs validation error."""
    found: list[tuple[str, str]] = []
    for sub in getattr(error, "exceptions", [error]):
        if isinstance(sub, RowError):
            found.append((sub.field, sub.problem))
            continue
        if hasattr(sub, "exceptions"):
            found += _problems(sub)
            continue
        notes = [n for n in getattr(sub, "__notes__", []) if isinstance(n, AttributeValidationNote)]
        found.append((notes[-1].name if notes else "?", str(sub)))
    return found


def _build_row(model: type[T], names: Sequence[str], cells: Sequence[str]) -> T:
    """One typed row from its cells; raises cattrs or :class:`RowError` errors."""
    row = _converter().structure(
        {name: cell.strip() for name, cell in zip(names, cells, strict=True)}, model
    )
    row.check()  # type: ignore[attr-defined]
    return row


def parse_rows(text: str, model: type[T], filename: str) -> list[T]:
    """Parse CSV ``text`` into ``model`` rows; raise one :class:`DataError` listing all errors."""
    names = [field.name for field in attrs.fields(model)]
    records = iter(_records(text))
    first = next(records, None)
    if first is None or first[1] != names:
        raise DataError(f"{filename}: header must be {names}, got {first and first[1]}")
    errors: list[str] = []
    rows: list[T] = []
    seen: dict[tuple[str, ...], int] = {}
    labels: dict[tuple[Any, ...], int] = {}
    unique = getattr(model, "UNIQUE", ())
    for line, cells in records:
        where = f"{filename}, line {line}"
        if len(cells) != len(names):
            errors.append(f"{where}: expected {len(names)} cells, got {len(cells)}")
            continue
        key = tuple(cell.strip() for cell in cells)
        if key in seen:
            errors.append(f"{where}: repeats line {seen[key]} exactly")
            continue
        seen[key] = line
        try:
            row = _build_row(model, names, cells)
        except (cattrs.BaseValidationError, RowError) as error:
            errors += [f"{where}, field '{field}': {why}" for field, why in _problems(error)]
            continue
        label = tuple(getattr(row, name) for name in unique)
        if unique and label in labels:
            shown = ", ".join(f"{name}={getattr(row, name)!r}" for name in unique)
            errors.append(f"{where}, field '{unique[-1]}': {shown} repeats line {labels[label]}")
            continue
        labels[label] = line
        rows.append(row)
    if not rows and not errors:
        errors.append(f"{filename}: has no data rows")
    if errors:
        raise DataError("\n".join(errors))
    return rows


def load_rows(name: str, model: type[T], directory: Path | None = None) -> list[T]:
    """Read and validate ``data/<name>.csv`` as ``model`` rows, in file order.

    The file is read every time; parsing is cached on its text (rows are frozen), so
    a figure drawn many times for its menus parses each file once.
    """
    path = (directory or DATA_DIR) / f"{name}.csv"
    filename = f"data/{path.name}"
    return list(_parse_cached(decode(path.read_bytes(), filename), model, filename))


@functools.lru_cache(maxsize=64)
def _parse_cached(text: str, model: type[T], filename: str) -> tuple[T, ...]:
    """:func:`parse_rows`, remembered for the same text (errors are not cached)."""
    return tuple(parse_rows(text, model, filename))


field = attrs.field
