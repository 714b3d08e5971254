"""Author-year citations, and a bibliography labelled the same way.

The text of every citation comes from one formatter, :func:`widgets.data.citation_parts`,
which the figure hovers and the notebooks use too: "Ries, 1937", "Copeman and Ackerman,
1944", "Collée et al., 1991" (three or more authors, or ``First and others``, BibTeX's
way of writing a list whose other authors the dossier did not confirm).
The ``author_year_etal`` style, selected in ``_config.yml`` with
``bibtex_reference_style: author_year_etal``, is sphinxcontrib-bibtex's author-year
style with that text in place of its own author list (it prints "First and others" as
written, and full author lists for ``{cite:ps}``, which the book does not use).

The bibliography page uses the ``backmice`` formatting style below: its labels are
the same author-year text as the citations ("Ries, 1937" rather than "[1]"), and its
titles keep the capitals written in ``references.bib``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pybtex.plugin import register_plugin as register_pybtex_plugin
from pybtex.richtext import Tag, Text
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.template import field as bib_field
from pybtex.style.template import optional, sentence
from sphinxcontrib.bibtex.plugin import register_plugin
from sphinxcontrib.bibtex.style.referencing import PersonStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle
from sphinxcontrib.bibtex.style.template import node


@node
def book_authors(children: Any, data: dict[str, Any], **kwargs: Any) -> Text:
    """The authors as :func:`widgets.data.citation_parts` writes them.

    The title or "et al." in italics.
    """
    from widgets.data import citation_parts

    assert not children
    entry = data["entry"]
    who, _ = citation_parts(entry)
    first, et_al, _ = who.rpartition(" et al.")
    if not (entry.persons.get("author") or entry.persons.get("editor")):
        return Text(Tag("em", who))
    return Text(first, " ", Tag("em", "et al.")) if et_al else Text(who)


@dataclass
class BookPersonStyle(PersonStyle):
    """Person style whose author lists are :func:`book_authors`."""

    def author_or_editor_or_title(self, full: bool) -> Any:
        """The book's author text (the same whether ``full`` or not)."""
        return book_authors()


@dataclass
class AuthorYearEtAlReferenceStyle(AuthorYearReferenceStyle):
    """sphinxcontrib-bibtex's author-year style with :class:`BookPersonStyle`."""

    person: PersonStyle = field(default_factory=BookPersonStyle)


# --- The bibliography page: author-year labels and titles as written -------------------


def disambiguated_labels(entries: list[Any]) -> list[str]:
    """Author-year labels, with "a", "b", … after the year where two entries share one.

    Letters follow the order of the citation keys, so they do not depend on sorting.
    """
    from widgets.data import citation_parts

    labels = [", ".join(citation_parts(entry)) for entry in entries]
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


def add_stable_anchors(app: Any, doctree: Any, docname: str) -> None:
    """Give every bibliography entry a second id, ``bib-<key>``, that does not change.

    sphinxcontrib-bibtex numbers its entries (``#id30``), and the numbers move when a
    reference is added; links made outside Sphinx (the quizzes of :mod:`widgets.quiz`)
    point at ``bibliography.html#bib-<key>`` instead. docutils writes the second id as
    an empty ``<span id>`` first inside the entry.
    """
    from docutils import nodes

    from widgets.quiz import BIB_ANCHOR

    cite = app.env.get_domain("cite")
    keys = {c.citation_id: c.key for c in cite.citations if c.bibliography_key.docname == docname}
    for entry in doctree.findall(nodes.citation):
        if entry["ids"] and entry["ids"][0] in keys:
            entry["ids"].append(BIB_ANCHOR.format(key=keys[entry["ids"][0]]))
