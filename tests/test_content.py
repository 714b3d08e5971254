"""The book's text meets its floor: length, citations, glossary, bibliography, FAQ."""

from __future__ import annotations

import re
import subprocess

import pytest
from conftest import CITE, ROOT, cited, contrast

from widgets.data import bib_keys

CHAPTERS = sorted((ROOT / "chapters").glob("0[1-4]-*.md"))


def prose(text: str) -> str:
    """The chapter's prose: no front matter, code, exercises, tables, markup or comments."""
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.DOTALL)
    text = re.sub(r"```\{(code-cell|exercise|solution)\}.*?```", "", text, flags=re.DOTALL)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("|"))
    text = CITE.sub("", text)
    text = re.sub(r"\{\w+\}`([^`<]*)(<[^`]*>)?`", r"\1", text)
    return re.sub(r"^:{3,}.*$|^:\w+:.*$", "", text, flags=re.MULTILINE)


def test_there_are_four_chapters():
    assert [path.name[:2] for path in CHAPTERS] == ["01", "02", "03", "04"]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_has_2000_words_and_10_references(path):
    text = path.read_text(encoding="utf-8")
    assert len(prose(text).split()) >= 2000
    assert len(cited(text)) >= 10


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_structure(path):
    text = path.read_text(encoding="utf-8")
    assert "Learning objectives" in text.split("\n## ", 1)[0]
    assert re.search(r"^## Key points", text, re.MULTILINE)
    quiz = text.split("\n## Self-check questions\n", 1)[1]
    assert re.search(r"```\{code-cell\} ipython3\n:tags: \[remove-input\]\n\nquiz\.quiz\(", quiz)
    assert "```{exercise}" not in text, "one kind of self-check: the question bank"
    assert "Not medical advice" in text.rsplit("\n## ", 1)[-1]
    assert text.count("{admonition} Evidence") >= 2, "evidence-quality callouts"
    assert text.count("{term}") >= 10, "glossary links"


def test_every_citation_exists():
    texts = [p.read_text(encoding="utf-8") for p in (ROOT / "chapters").glob("*.md")]
    texts.append((ROOT / "intro.md").read_text(encoding="utf-8"))
    keys = set().union(*(cited(text) for text in texts))
    assert keys <= bib_keys()
    assert len(keys) >= 40, "the book cites at least 40 distinct references"


def test_bibliography_has_40_entries():
    assert len(bib_keys()) >= 40


def test_unconfirmed_references_are_absent():
    for key in ("chiba2016", "trescot2016_ch51", "scn_rfa_46"):
        assert key not in bib_keys()


def test_glossary_has_30_terms():
    text = (ROOT / "chapters" / "glossary.md").read_text(encoding="utf-8")
    body = text.split("```{glossary}", 1)[1]
    terms = re.findall(r"^[A-Z][^\n]*\n  \S", body, re.MULTILINE)
    assert len(terms) >= 30


SEED_QUESTIONS = [
    r"press",  # Is it still a back mouse if pressing on it does not hurt?
    r"non-surgical|without surgery",  # Are there non-surgical options?
    r"erector spinae",  # Can it cause pain in the erector spinae?
    r"inferior iliac spine|gluteal",  # A lump near the inferior iliac spine / gluteal area
    r"fascia",  # Was a fascial defect repaired, or was the lump simply excised?
    r"capsule|encapsulated",  # Can it be non-encapsulated?
    r"surgery",  # Is surgery the ultimate answer?
    r"[Ww]hom",  # whom to see
    r"MRI",  # ultrasound vs MRI
]


@pytest.mark.parametrize("pattern", SEED_QUESTIONS)
def test_faq_answers_each_reader_question(pattern):
    text = (ROOT / "chapters" / "faq.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", text, re.MULTILINE)
    assert any(re.search(pattern, heading) for heading in headings), pattern


# --- Issue 11: harms, urgent signs, framing -------------------------------------------

TREATMENTS = ROOT / "chapters" / "04-treatments.md"
FAQ = ROOT / "chapters" / "faq.md"
ADMONITION = re.compile(r"^:::\{admonition\} (?P<title>[^\n]+)\n(?P<body>.*?)^:::$", re.M | re.S)
# Each treatment of chapter 4 and the words its harms title must contain.
HARMS_TOPICS = {
    "injection": r"\binjection\b",
    "dry needling": r"dry needling",
    "manual therapy": r"manual therapy",
    "excision": r"excision",
    "nerve release or neurectomy": r"release.*neurectomy",
    "radiofrequency ablation": r"radiofrequency ablation",
    "hydrodissection": r"hydrodissection",
}


def admonitions(text: str) -> dict[str, str]:
    """Every ``{admonition}`` block: title -> body."""
    return {m["title"].strip(): m["body"] for m in ADMONITION.finditer(text)}


def faq_answers() -> dict[str, str]:
    """The FAQ as question heading -> answer text."""
    parts = re.split(r"^## (.+)$", FAQ.read_text(encoding="utf-8"), flags=re.M)
    return {
        question.strip(): answer for question, answer in zip(parts[1::2], parts[2::2], strict=True)
    }


def harms_parts() -> dict[str, str]:
    """Chapter 4's "Possible harms: …" callouts, by title."""
    blocks = admonitions(TREATMENTS.read_text(encoding="utf-8"))
    return {title: body for title, body in blocks.items() if title.startswith("Possible harms")}


@pytest.mark.parametrize("topic", HARMS_TOPICS)
def test_chapter4_has_a_harms_part_for_each_treatment(topic):
    titles = [t for t in harms_parts() if re.search(HARMS_TOPICS[topic], t, re.I)]
    assert len(titles) == 1, f"one 'Possible harms' callout for {topic}, found {titles}"
    body = harms_parts()[titles[0]]
    assert "**What is reported.**" in body and "**What is unknown.**" in body
    assert cited(body), "a harms part cites what is reported"
    assert len(prose(body).split()) >= 40


def test_harms_parts_use_the_rule_of_three_correctly():
    """0 events in n allows a rate up to about 3/n; the text's "1 in k" matches 3/n."""
    text = TREATMENTS.read_text(encoding="utf-8")
    claims = re.findall(r"up to about 3 in (\d+), roughly 1 in (\d+)", text)
    assert {n for n, _ in claims} >= {"35", "34"}
    for n, k in claims:
        assert int(k) == round(int(n) / 3), f"3/{n} is about 1 in {round(int(n) / 3)}"
    injection = next(b for t, b in harms_parts().items() if "injection" in t.lower())
    assert "staal2008" in cited(injection), "the Cochrane review's adverse effects"


def test_morimoto_reported_no_intraoperative_complications_only():
    text = TREATMENTS.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| Surgical release under"))
    assert "no intraoperative surgery-related complications" in row
    assert "; no complications |" not in row
    assert "recorded no complications" not in text


def test_kuniya_results_are_not_dated_to_one_week():
    text = TREATMENTS.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if "| Kuniya 2014 |" in line)
    follow_up = row.split("|")[-3]
    assert "three weekly blocks" in follow_up and follow_up.strip() != "1 week after injection"


def test_treatments_and_faq_disclose_the_historical_source():
    for path in (TREATMENTS, FAQ):
        text = path.read_text(encoding="utf-8")
        assert re.search(r"annotated bibliography website.{0,200}argue", text, re.S), path.name
        assert "canisparera2021" in cited(text)


def test_faq_has_an_urgent_signs_answer():
    questions = list(faq_answers())
    urgent = [q for q in questions if re.search(r"urgent", q, re.I)]
    assert urgent == [questions[0]], "the urgent-signs answer comes first"
    answer = faq_answers()[urgent[0]]
    for sign in (
        r"urine",
        r"bowel",
        r"saddle",
        r"weakness",
        r"growing",
        r"deep",
        r"golf ball",
        r"hard",
        r"least useful",
    ):
        assert re.search(sign, answer), sign
    assert re.search(r"emergency care the same day", answer)
    assert {"jensen2019sciatica", "eastley2016sarcoma", "hayes2024sarcoma"} <= cited(answer)


def test_faq_framing():
    answers = faq_answers()
    cancer = answers["Are back mice cancer?"].strip()
    assert cancer.startswith("Back mice themselves are not cancer, but")
    assert "see a clinician soon" not in cancer.split("Bladder")[-1]
    pressing = next(a for q, a in answers.items() if "pressing" in q)
    assert re.search(r"[Oo]nly a clinician", pressing)
    plastic = answers["Is plastic surgery an option?"]
    assert re.search(r"found no study that compared excision with fascial\s+repair", plastic)
    assert re.search(r"imaged before any excision", plastic)
    assert "hayes2024sarcoma" in cited(plastic)


UNSUPPORTED = {
    "intro.md": ["first\npublished name", "first published name"],
    "chapters/glossary.md": ["filled with keratin", "largely fallen out of use"],
    "chapters/03-differential.md": [
        "painless unless inflamed",
        "Attached to the skin",
        "no single history or examination finding is decisive",
        "large, deep or otherwise suspicious",
        "large, deep, growing, painful or hard needs urgent ultrasound",
    ],
    "chapters/faq.md": ["usually the first test"],
    "chapters/instructors.md": ["usually the first imaging test", "first published name"],
    "chapters/01-terminology.md": ["team in Boston"],
    "data/differential.csv": [
        "Jensen et al.: sciatica is radiating pain in one leg; radiculopathy means",
        "; relief from a superficial injection has not been studied.",
    ],
}


@pytest.mark.parametrize("path", UNSUPPORTED)
def test_unsupported_wording_is_gone(path):
    text = (ROOT / path).read_text(encoding="utf-8")
    for phrase in UNSUPPORTED[path]:
        assert phrase not in text, phrase


def test_pmids_use_one_field_and_collee1991freq_is_an_article():
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    assert not re.search(r"^\s*pmid\s*=", bib, re.M | re.I), "PMIDs live in `pubmed`"
    assert all(v.isdigit() for v in re.findall(r"^\s*pubmed\s*=\s*\{([^}]*)\}", bib, re.M))
    entry = re.search(r"@(\w+)\{collee1991freq,(.*?)\n\}", bib, re.S)
    assert entry and entry[1] == "article"
    assert re.search(r"journal\s*=\s*\{Journal of Rheumatology\}", entry[2])
    assert re.search(r"pubmed\s*=\s*\{1833544\}", entry[2])


# --- Issue 11: the bibliography page as built -----------------------------------------

CITE_LINK = re.compile(
    r'<a class="reference internal" href="(?:\.\./chapters/)?bibliography\.html#([\w-]+)"'
    r"[^>]*>(.*?)</a>"
)
ENTRY = re.compile(
    r'<div class="citation" id="([\w-]+)" role="doc-biblioentry">'
    r'\s*(?:<span id="bib-[\w-]+"></span>)?\s*<span class="label">'
    r'<span class="fn-bracket">\[</span>(.*?)<span class="fn-bracket">\]</span></span>'
    r"\s*<p>(.*?)</p>",
    re.S,
)


def bibliography_entries(book_html) -> dict[str, tuple[str, str]]:
    """The built bibliography: entry id -> (label, entry text), tags stripped."""
    page = (book_html / "chapters" / "bibliography.html").read_text(encoding="utf-8")
    strip = lambda html: re.sub(r"<[^>]+>", "", html)  # noqa: E731
    return {i: (strip(label), strip(text)) for i, label, text in ENTRY.findall(page)}


def test_bibliography_labels_are_author_year(book_html):
    entries = bibliography_entries(book_html)
    assert len(entries) >= 40
    labels = [label for label, _ in entries.values()]
    assert len(set(labels)) == len(labels)
    for label in labels:
        assert not label.isdigit(), "numeric label"
        assert re.search(r", (\d{4}[a-z]?|n\.d\.)$", label), label
    assert "Ries, 1937" in labels
    assert {"Collée et al., 1991a", "Collée et al., 1991b"} <= set(labels)


def test_every_citation_links_to_an_entry_with_its_own_label(book_html):
    entries = bibliography_entries(book_html)
    checked = 0
    for page in (book_html / "chapters").glob("0*.html"):
        for target, text in CITE_LINK.findall(page.read_text(encoding="utf-8")):
            text = re.sub(r"<[^>]+>", "", text)
            assert target in entries, f"{page.name}: citation {text!r} has no entry"
            if re.search(r", (\d{4}|n\.d\.)$", text):  # parenthetical "Author, Year"
                assert re.sub(r"(?<=\d)[a-z]$", "", entries[target][0]) == text
                checked += 1
    assert checked >= 100


def test_bibliography_titles_keep_their_capitals(book_html):
    texts = [text for _, text in bibliography_entries(book_html).values()]
    joined = "\n".join(texts)
    assert "Iliac crest pain syndrome in low back pain. A double blind" in joined
    assert "Entrapment neuropathy of the medial superior cluneal nerve. Nineteen cases" in joined
    assert "effectiveness of RFA of the SCN" in joined
    assert not re.search(r"[a-z]\. (a|nineteen|description|technical) ", joined)


TARGET_STYLE_JS = """(id) => {
  const rgb = (s) => s.match(/[\\d.]+/g).map(Number);
  const entry = document.getElementById(id);
  const link = entry.querySelector('a') || entry;
  const label = entry.querySelector('span.label');
  const other = [...document.querySelectorAll('div.citation')].find((e) => e.id !== id);
  return {
    matches: entry.matches(':target'),
    background: rgb(getComputedStyle(entry).backgroundColor),
    text: rgb(getComputedStyle(entry).color),
    link: rgb(getComputedStyle(link).color),
    label: rgb(getComputedStyle(label).color),
    other: getComputedStyle(other).backgroundColor,
  };
}"""


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_citation_target_is_highlighted_with_enough_contrast(book_html, book_url, context, theme):
    head = (book_html / "chapters" / "bibliography.html").read_text(encoding="utf-8")
    assert "_static/bibliography.css" in head, "Jupyter Book includes _static/*.css"
    entries = bibliography_entries(book_html)
    target = next(i for i, (label, text) in entries.items() if label == "Motyka et al., 2000")
    assert "doi" in entries[target][1], "the chosen entry has a link to colour-check"
    page = context.new_page()
    page.add_init_script(f"localStorage.setItem('mode', '{theme}');")
    page.goto(f"{book_url}/chapters/bibliography.html#{target}", wait_until="load")
    assert page.evaluate("document.documentElement.dataset.theme") == theme
    style = page.evaluate(TARGET_STYLE_JS, target)
    page.close()
    assert style["matches"]
    assert len(style["background"]) == 3 or style["background"][3] == 1, "opaque highlight"
    assert style["other"] != f"rgb({', '.join(str(int(v)) for v in style['background'][:3])})"
    for part in ("text", "link", "label"):
        assert contrast(style[part], style["background"]) >= 4.5, part


def test_site_names_in_the_text_are_not_turned_into_http_links(book_html):
    """linkify's fuzzy links made "backmice.info" an insecure http:// link."""
    pages = [*(book_html / "chapters").glob("*.html"), book_html / "index.html"]
    for page in pages:
        links = re.findall(r'href="(http://[^"]*)"', page.read_text(encoding="utf-8"))
        assert all(link.startswith("http://127.0.0.1") for link in links), (page.name, links)
    assert "backmice.info" in (book_html / "chapters" / "faq.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("sheet", sorted((ROOT / "_static").glob("*.css")), ids=lambda p: p.name)
def test_stylesheet_blocks_are_closed(sheet):
    """Every block a stylesheet opens it closes, before the next starts at the top level
    (an unclosed rule silently nests everything after it, as a bad merge once did)."""
    text = re.sub(r"/\*.*?\*/", "", sheet.read_text(encoding="utf-8"), flags=re.S)
    depth = 0
    for line_number, line in enumerate(text.splitlines(), 1):
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"{sheet.name}, line {line_number}: '}}' closes nothing"
        at_rule = line.lstrip().startswith("@")
        assert depth <= 2 or at_rule, f"{sheet.name}, line {line_number}: blocks nest too deep"
    assert depth == 0, f"{sheet.name}: {depth} block(s) left open"


def test_no_tracked_text_file_keeps_a_merge_conflict():
    """A conflict left in a merge (README.md once kept two) fails here, not in a reader's view."""
    listed = subprocess.run(
        ["git", "grep", "-l", "-I", "-E", "^(<<<<<<< |>>>>>>> )"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert listed.returncode in (0, 1), listed.stderr
    assert listed.stdout.split() == []
