"""Author-year citations, and a bibliography labelled the same way.

Where the dossier confirmed only the first author, ``references.bib`` lists the
author as ``First and others`` (BibTeX's convention). sphinxcontrib-bibtex's
author-year style prints that as "First and others, 2021"; this style prints
"First et al., 2021", as it does for three or more named authors.
Selected in ``_config.yml`` with ``bibtex_reference_style: author_year_etal``.

The bibliography page uses the ``backmice`` formatting style below: its labels are
the same author-year text as the citations ("Ries, 1937" rather than "[1]"), and its
titles keep the capitals written in ``references.bib``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from pybtex.backends.plaintext import Backend as PlainTextBackend
from pybtex.plugin import find_plugin as find_pybtex_plugin
from pybtex.plugin import register_plugin as register_pybtex_plugin
from pybtex.richtext import Text
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.template import field as bib_field
from pybtex.style.template import optional, sentence
from sphinxcontrib.bibtex.plugin import register_plugin
from sphinxcontrib.bibtex.style.referencing import PersonStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle
from sphinxcontrib.bibtex.style.template import author_or_editor_or_title, join, node


def _is_others(person: Any) -> bool:
    """True for BibTeX's ``others`` placeholder at the end of an author list."""
    return " ".join(person.last_names) == "others" and not person.first_names


@node
def authors_et_al(children: Any, data: dict[str, Any], **kwargs: Any) -> Text:
    """Like ``author_or_editor_or_title``, but "First et al." when the list ends in others."""
    assert not children
    entry = data["entry"]
    persons = entry.persons.get("author") or entry.persons.get("editor") or []
    other = kwargs.get("other")
    if persons and _is_others(persons[-1]) and other is not None:
        style = data["style"]
        first = style.person.style_plugin.format(persons[0], style.person.abbreviate)
        return Text(join[first].format_data(data), other)
    return author_or_editor_or_title(**kwargs).format_data(data)


@dataclass
class EtAlPersonStyle(PersonStyle):
    """Person style whose author lists honour the ``others`` placeholder."""

    def author_or_editor_or_title(self, full: bool) -> Any:
        """The author template, with "et al." for ``First and others``."""
        return authors_et_al(
            sep=self.sep,
            sep2=self.sep2,
            last_sep=self.last_sep,
            other=None if full else self.other,
        )


@dataclass
class AuthorYearEtAlReferenceStyle(AuthorYearReferenceStyle):
    """sphinxcontrib-bibtex's author-year style with :class:`EtAlPersonStyle`."""

    person: PersonStyle = field(default_factory=EtAlPersonStyle)


# --- The bibliography page: author-year labels and titles as written -------------------

_YEAR_MISSING = "n.d."


def _plain_text(latex: str) -> str:
    """A BibTeX name or title part as plain text (LaTeX accents become letters: é)."""
    return Text.from_latex(latex).render_as("text")


class _CitationTextBackend(PlainTextBackend):
    """Plain text as the citations print it: a tie stays a no-break space."""

    symbols: ClassVar[dict[str, str]] = {**PlainTextBackend.symbols, "nbsp": "\u00a0"}


def _last_name(person: Any) -> str:
    """A person's last name exactly as the citations print it, ties included."""
    template = find_pybtex_plugin("pybtex.style.names", "last")().format(person, True)
    return template.format_data(None).render(_CitationTextBackend())


def author_year_label(entry: Any) -> str:
    """The entry's in-text citation text, e.g. "Ries, 1937" or "Collée et al., 1991".

    Mirrors :class:`AuthorYearEtAlReferenceStyle`: one author by last name, two joined
    by "and", three or more (or a list ending in ``others``) as "First et al.", and the
    title when there is no author or editor; the year, or "n.d." when it is missing.
    """
    persons = entry.persons.get("author") or entry.persons.get("editor") or []
    if not persons:
        who = _plain_text(entry.fields.get("title", entry.key))
    elif len(persons) == 1:
        who = _last_name(persons[0])
    elif len(persons) == 2 and not _is_others(persons[1]):
        who = f"{_last_name(persons[0])} and {_last_name(persons[1])}"
    else:
        who = f"{_last_name(persons[0])} et al."
    return f"{who}, {entry.fields.get('year', _YEAR_MISSING)}"


def disambiguated_labels(entries: list[Any]) -> list[str]:
    """Author-year labels, with "a", "b", … after the year where two entries share one.

    Letters follow the order of the citation keys, so they do not depend on sorting.
    """
    labels = [author_year_label(entry) for entry in entries]
    groups: dict[str, list[str]] = {}
    for label, entry in zip(labels, entries, strict=True):
        groups.setdefault(label, []).append(entry.key)
    suffix = {
        key: "abcdefghijklmnopqrstuvwxyz"[rank]
        for keys in groups.values()
        if len(keys) > 1
        for rank, key in enumerate(sorted(keys))
    }
    return [label + suffix.get(entry.key, "") for label, entry in zip(labels, entries, strict=True)]


class AuthorYearLabelStyle(BaseLabelStyle):
    """pybtex label style: the same author-year text as the in-text citations."""

    def format_labels(self, sorted_entries: Any) -> Any:
        """One label per entry, in the bibliography's order."""
        yield from disambiguated_labels(list(sorted_entries))


class BackMiceBibliographyStyle(PlainStyle):
    """pybtex's plain style with author-year labels and titles kept as written.

    The plain style sentence-cases titles ("…pain. a double blind…"); this style
    prints each title exactly as ``references.bib`` spells it, and makes the title
    optional, so an entry whose title could not be confirmed is still listed.
    """

    default_label_style = "backmice_author_year"

    def format_title(self, e: Any, which_field: str, as_sentence: bool = True) -> Any:
        """The title as written in the .bib file, when there is one."""
        title = bib_field(which_field)
        return optional[sentence[title]] if as_sentence else optional[title]


def register() -> None:
    """Register the citation style and the bibliography style and labels.

    ``author_year_etal`` (in-text citations, ``_config.yml``), ``backmice`` (the
    bibliography's formatting, selected by ``:style:`` in ``chapters/bibliography.md``)
    and ``backmice_author_year`` (its labels).
    """
    register_plugin(
        "sphinxcontrib.bibtex.style.referencing",
        "author_year_etal",
        AuthorYearEtAlReferenceStyle,
        force=True,
    )
    register_pybtex_plugin(
        "pybtex.style.labels", "backmice_author_year", AuthorYearLabelStyle, force=True
    )
    register_pybtex_plugin(
        "pybtex.style.formatting", "backmice", BackMiceBibliographyStyle, force=True
    )
