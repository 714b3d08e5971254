"""The question bank (``data/questions.yaml``): graded self-check questions, each cited.

Each question checks one objective its chapter states (``data/objectives.csv``, see
:mod:`widgets.objectives`; a chapter is a number, or ``cases`` for the staged cases,
whose ids start ``cases-q-``) at one cognitive ``level``, and is of one ``type``: ``single``
(exactly one correct choice), ``multiple`` (at least one) or ``numeric`` (an ``answer``
with a finite ``tolerance`` of at least 0 and a ``unit``). Every choice carries its own
feedback. YAML types are taken strictly (``"3"`` is not a number, a key may not repeat),
and every problem is reported at once as ``data/questions.yaml, line N, field 'F': why``,
like the CSV files (:mod:`widgets.data`).
"""

from __future__ import annotations

import collections
import functools
import json
import math
import re
import typing
from pathlib import Path
from typing import Any, Literal

import cattrs
from cattrs.v import format_exception

from . import objectives
from .data import (
    BIB_FILE,
    DATA_DIR,
    Cites,
    DataError,
    Model,
    RowError,
    bib_keys,
    decode,
    require,
    row_model,
)

TYPES = ("single", "multiple", "numeric")
LEVELS = ("recall", "apply", "analyse")
_ID = re.compile(r"(?:ch[1-9]|[a-z]+)-q-[a-z0-9]+(?:-[a-z0-9]+)*")
_KINDS = {
    str: (str, "text"),
    int: (int, "a whole number"),
    float: ((int, float), "a number"),
    bool: (bool, "true or false"),
}


@row_model
class Choice(Model):
    """One answer on offer, with the feedback shown to a reader who picks it."""

    text: str
    correct: bool
    feedback: str


@row_model
class Question(Model):
    """One question; ``source`` lists the ``references.bib`` keys its answer rests on."""

    id: str
    chapter: objectives.Chapter
    objective: str
    type: Literal[*TYPES]
    level: Literal[*LEVELS]
    stem: str
    choices: tuple[Choice, ...] = ()  # single and multiple
    answer: float | None = None  # numeric: answer, tolerance and unit
    tolerance: float | None = None
    unit: str | None = None
    explanation: str
    source: Cites

    def check(self) -> None:
        """The form of the id, and the rules of each type (see the module docstring)."""
        start = objectives.prefix(self.chapter)
        ok = self.id.startswith(f"{start}-q-") and bool(_ID.fullmatch(self.id))
        require(ok, "id", f"{self.id!r} must look like '{start}-q-short-name'")
        if self.type == "numeric":
            require(not self.choices, "choices", "a numeric question has no choices")
            require(_finite(self.answer), "answer", f"must be a finite number, got {self.answer}")
            why = f"must be a finite number of at least 0, got {self.tolerance}"
            require(_finite(self.tolerance, 0), "tolerance", why)
            require(bool(self.unit and self.unit.strip()), "unit", "needs a unit, such as % or mm")
            return
        for name in ("answer", "tolerance", "unit"):
            require(getattr(self, name) is None, name, f"only a numeric question has {name}")
        right, exact = sum(choice.correct for choice in self.choices), self.type == "single"
        why = f"needs {'exactly' if exact else 'at least'} one correct choice, got {right}"
        require(len(self.choices) >= 2, "choices", "needs at least two choices")
        require(
            right == 1 if exact else right >= 1, "choices", f"a {self.type}-choice question {why}"
        )
        texts = {choice.text for choice in self.choices}
        require(len(texts) == len(self.choices), "choices", "two choices have the same text")


def _finite(value: float | None, minimum: float = -math.inf) -> bool:
    """Whether ``value`` is a finite number (not None, NaN or infinite) of at least ``minimum``."""
    return value is not None and math.isfinite(value) and value >= minimum


def _lines(node: Any, path: str, found: dict[str, int]) -> dict[str, int]:
    """Add to ``found`` the line of ``node`` and of all in it, by cattrs path (``$.stem``)."""
    import yaml

    found[path] = node.start_mark.line + 1
    if isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _lines(item, f"{path}[{index}]", found)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if f"{path}.{key.value}" in found:
                raise yaml.MarkedYAMLError(
                    problem=f"repeats key {key.value!r}", problem_mark=key.start_mark
                )
            _lines(value, f"{path}.{key.value}", found)
            found[f"{path}.{key.value}"] = key.start_mark.line + 1
    return found


def _strict(value: Any, kind: Any) -> Any:
    """``value`` if YAML already read it as ``kind``; else ``ValueError`` saying why."""
    if kind is Cites:
        if not isinstance(value, list) or not value or not all(isinstance(k, str) for k in value):
            raise ValueError("must be a list of references.bib keys")
        if unknown := [key for key in value if key not in bib_keys()]:
            raise ValueError(f"cites {unknown}, which are not in references.bib")
        return Cites(value)
    if typing.get_origin(kind) is Literal:
        if value not in typing.get_args(kind):
            raise ValueError(f"{value!r} is not one of {list(typing.get_args(kind))}")
        return value
    types, name = _KINDS[kind]
    if isinstance(value, bool) != (kind is bool) or not isinstance(value, types):
        raise ValueError(f"expected {name}, got {value!r}")
    if kind is str and not value.strip():
        raise ValueError("is empty but required")
    return float(value) if kind is float else value


def _chapter(value: Any, _kind: Any) -> objectives.Chapter:
    """A chapter as YAML read it: a whole number from 1 to 9, or a name such as ``cases``."""
    number = isinstance(value, int) and not isinstance(value, bool)
    if (number and 1 <= value <= 9) or (isinstance(value, str) and value in objectives.NAMED):
        return value
    named = list(objectives.NAMED)
    raise ValueError(f"expected a chapter number from 1 to 9 or one of {named}, got {value!r}")


_CONVERTER = cattrs.Converter(detailed_validation=True, forbid_extra_keys=True)
_CONVERTER.register_structure_hook_func(lambda kind: typing.get_origin(kind) is Literal, _strict)
_CONVERTER.register_structure_hook_func(lambda kind: kind == objectives.Chapter, _chapter)
for _kind in (str, int, float, bool, Cites):
    _CONVERTER.register_structure_hook(_kind, _strict)


def _why(error: BaseException, kind: Any) -> str:
    """The message of one cattrs leaf error: ours as raised, cattrs' own as cattrs words it."""
    if isinstance(error, AttributeError):  # a choice that is not a mapping
        return "must be a mapping of fields, such as text, correct and feedback"
    return str(error) if type(error) is ValueError else format_exception(error, kind)


def _where(lines: dict[str, int], path: str, why: str) -> tuple[int, str]:
    """The line and field of an error at cattrs ``path``, such as ``$.choices[1].correct``."""
    if extra := re.match(r"extra fields found \((\w+)", why):
        path += f".{extra[1]}"
    name = re.sub(r"\[\d+\]$", "", path).rpartition(".")[2]
    while path not in lines:  # a missing field: the line of the mapping that lacks it
        path = path.rpartition(".")[0]
    return lines[path], name


def _build(
    item: Any, lines: dict[str, int], known: dict[str, objectives.Chapter]
) -> tuple[Any, list[tuple]]:
    """The question in ``item``, or None and its ``(line, field, why)`` problems."""
    try:
        question = _CONVERTER.structure(item, Question)
        question.check()
    except cattrs.BaseValidationError as error:
        found = [text.rsplit(" @ ", 1) for text in cattrs.transform_error(error, "$", _why)]
        return None, [(*_where(lines, path, why), why) for why, path in found]
    except RowError as error:
        return None, [(lines.get(f"$.{error.field}", lines["$"]), error.field, error.problem)]
    chapter = known.get(question.objective)
    if chapter == question.chapter:
        return question, []
    why = f"of chapter {chapter}, not {question.chapter}" if chapter else "that no chapter states"
    return None, [
        (lines["$.objective"], "objective", f"{question.objective!r} is an objective {why}")
    ]


def parse(text: str, filename: str, known: dict[str, objectives.Chapter]) -> list[Question]:
    """The questions in YAML ``text``; ``known`` maps each objective key to its chapter."""
    import yaml

    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        items = loader.construct_document(root) if root else None
        nodes = [_lines(node, "$", {}) for node in root.value] if isinstance(items, list) else []
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else 1
        raise DataError(f"{filename}, line {line}: not valid YAML: {error.problem}") from None
    finally:
        loader.dispose()
    return _checked(items, nodes, filename, known)


def _checked(
    items: Any, nodes: list, filename: str, known: dict[str, objectives.Chapter]
) -> list[Question]:
    """The questions in ``items`` (``nodes``: each one's lines by field), or a DataError."""
    if not items or not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise DataError(f"{filename}: must be a list of questions, each a mapping of fields")
    questions, errors, ids = [], [], {}
    for item, lines in zip(items, nodes, strict=True):
        question, problems = _build(item, lines, known)
        if question and question.id in ids:
            problems = [(lines["$.id"], "id", f"{question.id!r} repeats line {ids[question.id]}")]
        errors += [f"{filename}, line {n}, field '{name}': {why}" for n, name, why in problems]
        if question and not problems:
            ids[question.id] = lines["$.id"]
            questions.append(question)
    if errors:
        raise DataError("\n".join(errors))
    return questions


def load(directory: Path | None = None) -> list[Question]:
    """The validated questions of ``data/questions.yaml``, checked against the objectives.

    Where PyYAML is missing (the browser's Python of the Live site), the same questions
    come from ``data/questions.json``, the bank's copy that :func:`write_json` keeps.
    """
    folder = directory or DATA_DIR
    known = {row.key: row.chapter for row in objectives.load(directory)}
    try:
        import yaml  # noqa: F401
    except ModuleNotFoundError:
        items = json.loads((folder / "questions.json").read_text(encoding="utf-8"))
        lines = [collections.defaultdict(int) for _ in items]  # no lines: checked in the build
        return _checked(items, lines, "data/questions.json", known)
    text = decode((folder / "questions.yaml").read_bytes(), "data/questions.yaml")
    return parse(text, "data/questions.yaml", known)


def write_json(directory: Path | None = None) -> Path:
    """Write ``data/questions.json``: the bank as JSON, for a Python without PyYAML."""
    import yaml

    folder = directory or DATA_DIR
    items = yaml.safe_load((folder / "questions.yaml").read_text(encoding="utf-8"))
    target = folder / "questions.json"
    target.write_text(json.dumps(items, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return target


#: The files a load of the book's own bank reads.
_BANK_FILES = ("questions.yaml", "questions.json", "objectives.csv")


def bank() -> tuple[Question, ...]:
    """The book's bank (:func:`load` of ``data/``), loaded once while its files are unchanged.

    Every quiz, gate and review deck asks for it: a build shows it on several pages, and
    the cases page asks 18 times.
    """
    files = [DATA_DIR / name for name in _BANK_FILES] + [BIB_FILE]
    stamp = tuple((f.stat().st_mtime_ns, f.stat().st_size) if f.exists() else None for f in files)
    return _bank(stamp)


@functools.lru_cache(maxsize=1)
def _bank(stamp: tuple) -> tuple[Question, ...]:
    """:func:`load` once per ``stamp`` (the bank files' times and sizes)."""
    return tuple(load())


if __name__ == "__main__":
    print(f"wrote {write_json()}")
