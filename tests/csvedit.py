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
