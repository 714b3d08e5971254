"""Author-year citations that print "et al." for an unconfirmed author list.

Where the dossier confirmed only the first author, ``references.bib`` lists the
author as ``First and others`` (BibTeX's convention). sphinxcontrib-bibtex's
author-year style prints that as "First and others, 2021"; this style prints
"First et al., 2021", as it does for three or more named authors.
Selected in ``_config.yml`` with ``bibtex_reference_style: author_year_etal``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pybtex.richtext import Text
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


def register() -> None:
    """Make the style available as ``author_year_etal``."""
    register_plugin(
        "sphinxcontrib.bibtex.style.referencing",
        "author_year_etal",
        AuthorYearEtAlReferenceStyle,
        force=True,
    )
