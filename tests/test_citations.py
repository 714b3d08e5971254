"""One citation text: a figure hover, a page and a notebook cite a key the same way.

The page's text is made here by sphinxcontrib-bibtex's own templates with the book's
``author_year_etal`` style (``_ext/backmice_citations.py``), as the build makes it, so
these tests need no build.
"""

import re
import subprocess
import sys
from types import SimpleNamespace

import backmice_citations
import pybtex_docutils
import pytest
from backmice_notebooks import cite, references
from docutils.nodes import emphasis
from pybtex.database import parse_file
from sphinxcontrib.bibtex.style.referencing import format_references
from sphinxcontrib.bibtex.style.template import SphinxReferenceInfo

from widgets import data, names

ENTRIES = parse_file(str(data.BIB_FILE), bib_format="bibtex").entries
STYLE = backmice_citations.AuthorYearEtAlReferenceStyle()
INFO = SphinxReferenceInfo(SimpleNamespace(name="latex"), "a", "b", "id1", None, "", "")
NCT = "Radiofrequency Ablation of the Superior Cluneal Nerve"

EXPECTED = {
    "curtis1993": "Curtis, 1993",  # one author
    "copeman1944": "Copeman and Ackerman, 1944",  # two
    "bicket2016": "Bicket et al., 2016",  # three
    "vanoosterwyck2024facet": "Van\u00a0Oosterwyck et al., 2024",  # five; a tie in a name
    "lu1998": "Lu et al., 1998",  # "Lu and others": the rest not confirmed
    "radiopaedia97868": "Walker, n.d.",  # @misc with no year
    "nct06240000": f"{NCT} (Comparison of the effectiveness of RFA of the SCN and "
    "conventional physical therapy in chronic LBP), n.d.",  # @misc with no author
}


def page_nodes(key: str, role: str = "p") -> list:
    """The docutils nodes a page gets for ``{cite:<role>}`key``` (LaTeX's, minus the raw)."""
    text = format_references(STYLE, role, [(ENTRIES[key], None, INFO)])
    return [node for node in text.render(pybtex_docutils.Backend()) if node.tagname != "raw"]


def page(key: str, role: str = "p") -> str:
    """The plain text a page prints for ``{cite:<role>}`key```."""
    return "".join(node.astext() for node in page_nodes(key, role))


def notebook(key: str) -> str:
    """The notebook's ``{cite:p}`` text for ``key``, without its link and parentheses."""
    link = references()[key][2]
    text = cite(key).removeprefix("(").removesuffix(")")
    return text.removeprefix("[").removesuffix(f"]({link})") if link else text


@pytest.mark.parametrize(("key", "text"), EXPECTED.items())
def test_hover_page_and_notebook_print_the_same_citation(key, text):
    assert data.citation(key) == text
    assert data.Cites((key,)).lines() == text
    assert page(key) == f"[{text}]"
    assert notebook(key) == text


def test_every_reference_is_cited_alike_everywhere():
    labels = backmice_citations.disambiguated_labels(list(ENTRIES.values()))
    for key, label in zip(ENTRIES, labels, strict=True):
        text = data.citation(key)
        assert page(key) == f"[{text}]", key
        assert notebook(key) == text, key
        assert re.sub(r"(?<=\d)[a-z]$", "", label) == text, key
        who, year = data.citation_parts(ENTRIES[key])
        assert page(key, "t") == f"{who} [{year}]", key


def test_a_figure_hover_carries_the_page_text():
    hover = " ".join(
        text for trace in names.draw(**names.TIMELINE.start()).data for text in trace.hovertext
    )
    assert page("copeman1944") == "[Copeman and Ackerman, 1944]"
    assert "<br>Copeman and Ackerman, 1944" in hover
    assert " & " not in hover.replace("Internal medicine & rheumatology", "")


def test_page_sets_et_al_and_a_title_in_italics():
    def italic(key):
        return [n.astext() for node in page_nodes(key) for n in node.findall(emphasis)]

    assert italic("bicket2016") == ["et al."]
    assert italic("nct06240000") == [EXPECTED["nct06240000"].removesuffix(", n.d.")]
    assert italic("copeman1944") == []


def test_hovers_cite_without_sphinx():
    """Pyodide and Colab have pybtex but not sphinxcontrib-bibtex or Sphinx."""
    script = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, *args):\n"
        "        if name.split('.')[0] in {'sphinx', 'sphinxcontrib'}: raise ImportError(name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "from widgets import data\n"
        "print(data.citation('copeman1944'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=data.ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "Copeman and Ackerman, 1944"
