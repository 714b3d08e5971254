"""Unique ids for sphinx-exercise's content sections.

sphinx-exercise 1.2.1 gives the body of every exercise the id ``exercise-content`` and
the body of every solution ``solution-content`` (hard-coded in its directive and its
gated-solution transform). A page with two exercises then repeats both ids, which is
invalid HTML (the Nu HTML Checker) and fails WCAG 4.1.1 (pa11y). Nothing links to
those ids, and sphinx-exercise's own CSS and JavaScript do not use them, so each is
renamed after the exercise or solution that holds it: ``<its label>-content``. Reported
upstream in the closing note of issue 17 (executablebooks/sphinx-exercise).
"""

from __future__ import annotations

from typing import Any

#: The ids sphinx-exercise repeats, one per exercise or solution on a page.
REPEATED = ("exercise-content", "solution-content")


def unique_content_ids(app: Any, doctree: Any, docname: str) -> None:
    """Rename each repeated content id after the labelled exercise or solution around it."""
    from docutils import nodes

    used: set[str] = set()
    for section in doctree.findall(nodes.section):
        ids = section["ids"]
        for repeated in [i for i in ids if i in REPEATED]:
            owner = section.parent
            while owner is not None and not owner.get("ids"):
                owner = owner.parent
            stem = owner["ids"][0] if owner is not None else repeated.split("-")[0]
            new, number = f"{stem}-content", 1
            while new in used:
                number += 1
                new = f"{stem}-content-{number}"
            used.add(new)
            ids[ids.index(repeated)] = new
