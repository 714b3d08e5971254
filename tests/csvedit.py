"""Make a broken copy of a data file's lines, for the tests that prove validation."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence


def with_cell(lines: Sequence[str], row: int, column: str, value: str) -> list[str]:
    """A copy of CSV ``lines`` with one cell replaced (``row`` 0 is the header)."""
    edited = list(lines)
    names = next(csv.reader([edited[0]]))
    cells = next(csv.reader([edited[row]]))
    cells[names.index(column)] = value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(cells)
    edited[row] = buffer.getvalue()
    return edited


def with_cells(lines: Sequence[str], line: int, **changes: str) -> str:
    """The text of CSV ``lines`` with cells of file line ``line`` (header = 1) replaced."""
    edited = list(lines)
    for column, value in changes.items():
        edited = with_cell(edited, line - 1, column, value)
    return "\n".join(edited) + "\n"


def line_of(lines: Sequence[str], study: str, label: str) -> int:
    """The file line (header = 1) of the row whose first cell is ``study`` and third ``label``."""
    for number, cells in enumerate(csv.reader(lines), start=1):
        if cells[0] == study and cells[2] == label:
            return number
    raise AssertionError((study, label))
