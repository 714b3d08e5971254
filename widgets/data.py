"""Loading and validating the cited data files in ``data/``.

Every data file is a CSV with a fixed header. Each row is one measurement or claim
and names its ``source``: one or more keys of ``references.bib`` separated by ``;``.
:func:`load_table` checks the header, every value's type and range, and that each
source key exists, and fails with a :class:`DataError` naming the file, the row and
the field.

It also holds the small argument checks that the widget functions share, so every
bad argument raises a ``ValueError`` worded the same way.
"""

from __future__ import annotations

import csv
import functools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# In a clone the data sit at the repository root; the installed wheel (backmice-book)
# carries its own copy inside the package, under widgets/_bundled/.
_BUNDLED = Path(__file__).resolve().parent / "_bundled"
_HOME = _BUNDLED if (_BUNDLED / "references.bib").is_file() else ROOT
DATA_DIR = _HOME / "data"
BIB_FILE = _HOME / "references.bib"

_BIB_KEY = re.compile(r"^@\w+\s*\{\s*([^,\s]+)\s*,", re.MULTILINE)

Row = dict[str, Any]


class DataError(ValueError):
    """A data file breaks its schema; the message names file, row and field."""


@dataclass(frozen=True)
class Field:
    """One column of a data file and the values it allows.

    ``kind`` is ``"str"``, ``"int"``, ``"float"`` or ``"cite"`` (source keys).
    ``choices`` limits a text field to a set of values; ``minimum`` and ``maximum``
    bound a number (inclusive). An optional field may be left empty (``None``).
    """

    name: str
    kind: str = "str"
    required: bool = True
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] | None = None


@functools.cache
def bib_keys(path: Path = BIB_FILE) -> frozenset[str]:
    """The citation keys defined in ``references.bib``."""
    return frozenset(_BIB_KEY.findall(path.read_text(encoding="utf-8")))


@functools.cache
def _bib_entries(path: Path = BIB_FILE) -> Any:
    """All entries of ``references.bib``, parsed by pybtex."""
    from pybtex.database import parse_file

    return parse_file(str(path), bib_format="bibtex").entries


def citation(key: str) -> str:
    """A short plain-text citation for ``key``, such as ``Ries (1937). Journal``."""
    if key not in bib_keys():
        raise ValueError(f"argument 'key' must be a references.bib key, got {key!r}")
    entry = _bib_entries()[key]
    people = entry.persons.get("author", [])
    surnames = [" ".join(person.prelast_names + person.last_names) for person in people]
    others = "others" in surnames or len(surnames) > 2
    surnames = [name for name in surnames if name != "others"]
    if not surnames:
        authors = entry.fields.get("title", key)
    elif others:
        authors = f"{surnames[0]} et al."
    else:
        authors = " & ".join(surnames)
    year = entry.fields.get("year", "n.d.")
    venue = entry.fields.get("journal") or entry.fields.get("howpublished", "")
    text = f"{authors} ({year})"
    if venue:
        text += f". {venue}"
    return _latex_to_text(text)


def _latex_to_text(text: str) -> str:
    """Turn the few LaTeX accents used in references.bib into plain Unicode."""
    import codecs

    import latexcodec  # noqa: F401  (registers the "ulatex" codec)

    return codecs.decode(text, "ulatex").replace("{", "").replace("}", "")


def _parse_value(field: Field, raw: str) -> Any:
    """Convert one cell; raise ``ValueError`` with the reason if it is not allowed."""
    text = raw.strip()
    if text == "":
        if field.required:
            raise ValueError("is empty but required")
        return None
    if field.kind == "cite":
        keys = tuple(key.strip() for key in text.split(";") if key.strip())
        unknown = [key for key in keys if key not in bib_keys()]
        if unknown:
            raise ValueError(f"cites {unknown} which are not in references.bib")
        return keys
    if field.kind in ("int", "float"):
        try:
            value: float = int(text) if field.kind == "int" else float(text)
        except ValueError:
            raise ValueError(f"expected {field.kind}, got {text!r}") from None
        if not math.isfinite(value):
            raise ValueError(f"expected a finite number, got {text!r}")
        if field.minimum is not None and value < field.minimum:
            raise ValueError(f"{value} is below the minimum {field.minimum}")
        if field.maximum is not None and value > field.maximum:
            raise ValueError(f"{value} is above the maximum {field.maximum}")
        return value
    if field.choices is not None and text not in field.choices:
        raise ValueError(f"{text!r} is not one of {list(field.choices)}")
    return text


def row_error(filename: str, number: int, field: str, problem: str) -> DataError:
    """The error for one cell or row rule: names the file, the row and the field."""
    return DataError(f"{filename}, row {number}, field '{field}': {problem}")


#: How far a count may sit from the percentage printed beside it, in points:
#: reported counts match to rounding; counts derived from a rounded percent closer.
REPORTED_TOLERANCE = 1.0
DERIVED_TOLERANCE = 0.5


def check_count(row: Row, number: int, filename: str, count: str) -> None:
    """Check a row's ``n`` and its ``count`` field against each other and ``percent``.

    ``n`` and the count come together or not at all; the count is at most ``n``;
    and where a ``percent`` is also given, ``count / n`` matches it within
    :data:`REPORTED_TOLERANCE` points (:data:`DERIVED_TOLERANCE` when the row says
    ``derived = yes``).
    """
    if (row[count] is None) != (row["n"] is None):
        raise row_error(filename, number, count, f"give both n and {count}, or neither")
    if row[count] is not None and row[count] > row["n"]:
        raise row_error(
            filename, number, count, f"{row[count]} {count} is more than n = {row['n']}"
        )
    if row[count] is not None and row.get("percent") is not None:
        gap = abs(100 * row[count] / row["n"] - row["percent"])
        limit = DERIVED_TOLERANCE if row.get("derived") == "yes" else REPORTED_TOLERANCE
        if gap > limit + 1e-9:
            raise row_error(
                filename,
                number,
                count,
                f"{row[count]}/{row['n']} does not match the reported "
                f"{row['percent']}% (allowed gap {limit} points)",
            )


def parse_rows(lines: Iterable[str], fields: Sequence[Field], filename: str) -> list[Row]:
    """Parse CSV ``lines`` against ``fields``; errors name ``filename``, row, field."""
    reader = csv.reader(lines)
    header = next(reader, None)
    expected = [field.name for field in fields]
    if header != expected:
        raise DataError(f"{filename}: header must be {expected}, got {header}")
    rows: list[Row] = []
    for number, cells in enumerate(reader, start=1):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(fields):
            raise DataError(
                f"{filename}, row {number}: expected {len(fields)} cells, got {len(cells)}"
            )
        row: Row = {}
        for field, raw in zip(fields, cells, strict=True):
            try:
                row[field.name] = _parse_value(field, raw)
            except ValueError as error:
                raise row_error(filename, number, field.name, str(error)) from None
        rows.append(row)
    if not rows:
        raise DataError(f"{filename}: has no data rows")
    return rows


def load_table(name: str, fields: Sequence[Field]) -> list[Row]:
    """Read and validate ``data/<name>.csv``; return one dict per row."""
    path = DATA_DIR / f"{name}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return parse_rows(handle, fields, f"data/{path.name}")


def check_choice(argument: str, value: Any, allowed: Sequence[Any]) -> Any:
    """Return ``value`` if it is in ``allowed``, else raise a ``ValueError``."""
    if value not in allowed:
        raise ValueError(f"argument '{argument}' must be one of {list(allowed)}, got {value!r}")
    return value


def check_number(
    argument: str,
    value: Any,
    minimum: float,
    maximum: float,
    integer: bool = False,
) -> float:
    """Return ``value`` if it is a number in ``[minimum, maximum]``, else raise."""
    kind = "an integer" if integer else "a number"
    valid_type = isinstance(value, int) if integer else isinstance(value, (int, float))
    if (
        isinstance(value, bool)
        or not valid_type
        or not math.isfinite(value)
        or not minimum <= value <= maximum
    ):
        raise ValueError(
            f"argument '{argument}' must be {kind} from {minimum} to {maximum}, got {value!r}"
        )
    return value
