"""The book's HTML and accessibility against a stock Jupyter Book (``make bench``).

Two checkers that nobody here wrote, pinned from npm in ``tools/validators/``
(``package.json`` and its lock, installed with ``npm ci`` into ``_build/validators/``,
without puppeteer's own browser download):

* the Nu HTML Checker (``vnu-jar``) over every HTML file of the built book and of a
  stock Jupyter Book 1 (``jupyter-book create``, built by the same ``.venv``, so the same
  versions of Sphinx and the themes). An error is the book's *own* when the stock book
  has no error with the same message: the themes' template fragments and the root
  redirect page are invalid in both and are not the book's doing.
* pa11y with HTML_CodeSniffer (WCAG 2 AA) on every page of the table of contents and
  every page of the stock book, served on loopback and opened by the system's Chromium.

Budgets (issue 17): 0 vnu errors of the book's own, and pa11y errors on every page at
most the fewest on any stock page. ``python -m tools.validate`` prints the comparison;
``tools/bench.py`` adds it to its report.
"""

from __future__ import annotations

import collections
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tools.browser import HTML, ROOT, find_chromium, serve, toc_docnames

PINS = ROOT / "tools" / "validators"
TOOLS = ROOT / "_build" / "validators"
STOCK = ROOT / "_build" / "stock-book"
JUPYTER_BOOK = ROOT / ".venv" / "bin" / "jupyter-book"
#: The stock book's own pages (its template's table of contents).
STOCK_PAGES = ("intro", "markdown", "notebooks", "markdown-notebooks")


@dataclass
class Comparison:
    """What the two checkers found in the book and in the stock book."""

    vnu_book: int = 0
    vnu_stock: int = 0
    vnu_own: list[str] = field(default_factory=list)
    pa11y_book: dict[str, int] = field(default_factory=dict)
    pa11y_stock: dict[str, int] = field(default_factory=dict)

    @property
    def pa11y_no_worse(self) -> bool:
        """Every book page has no more pa11y errors than the cleanest stock page."""
        return max(self.pa11y_book.values()) <= min(self.pa11y_stock.values())


def install() -> Path:
    """The pinned checkers, installed once (again when the lock changes); their folder."""
    lock = (PINS / "package-lock.json").read_bytes()
    if (
        (TOOLS / "package-lock.json").exists()
        and (TOOLS / "package-lock.json").read_bytes() == lock
        and (TOOLS / "node_modules").is_dir()
    ):
        return TOOLS
    shutil.rmtree(TOOLS, ignore_errors=True)
    TOOLS.mkdir(parents=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(PINS / name, TOOLS / name)
    env = os.environ | {"PUPPETEER_SKIP_DOWNLOAD": "1"}
    subprocess.run(
        ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
        cwd=TOOLS,
        env=env,
        check=True,
        capture_output=True,
    )
    return TOOLS


def stock_book() -> Path:
    """A stock Jupyter Book 1 from its own template, built with this venv; its HTML."""
    html = STOCK / "_build" / "html"
    if not (html / "intro.html").exists():
        shutil.rmtree(STOCK, ignore_errors=True)
        subprocess.run([str(JUPYTER_BOOK), "create", str(STOCK)], check=True, capture_output=True)
        subprocess.run([str(JUPYTER_BOOK), "build", str(STOCK)], check=True, capture_output=True)
    return html


def vnu_errors(tools: Path, html: Path) -> list[tuple[str, str]]:
    """(file, message) of every error the Nu HTML Checker finds in ``html`` (not Live)."""
    pages = sorted(p for p in html.glob("**/*.html") if "lite" not in p.relative_to(html).parts)
    jar = tools / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    command = ["java", "-jar", str(jar), "--format", "json", "--exit-zero-always"]
    result = subprocess.run(command + [str(p) for p in pages], capture_output=True, text=True)
    found = json.loads(result.stderr)["messages"]
    return [
        (m["url"].split(str(html))[-1].lstrip("/"), m["message"])
        for m in found
        if m["type"] == "error"
    ]


def pa11y_errors(tools: Path, url: str) -> int:
    """How many WCAG 2 AA errors pa11y (HTML_CodeSniffer) finds on the page at ``url``."""
    chromium = find_chromium()
    if chromium is None:
        raise SystemExit("Chromium is not installed (tools/browser.py says how).")
    config = {
        "chromeLaunchConfig": {"executablePath": str(chromium), "args": ["--no-sandbox"]},
        "standard": "WCAG2AA",
        "runners": ["htmlcs"],
        "timeout": 120_000,
    }
    path = tools / "pa11y.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    command = [str(tools / "node_modules" / ".bin" / "pa11y"), "--config", str(path)]
    result = subprocess.run(
        [*command, "--reporter", "json", url], capture_output=True, text=True, check=False
    )
    if result.returncode not in (0, 2) or not result.stdout.strip():  # 2: issues found
        raise SystemExit(f"pa11y failed on {url}: {result.stderr.strip()[-500:]}")
    issues = json.loads(result.stdout)
    return sum(issue["type"] == "error" for issue in issues)


def own_errors(book: list[tuple[str, str]], stock: list[tuple[str, str]]) -> list[str]:
    """``page: message`` of each error in ``book`` whose message the stock book never has."""
    known = {message for _, message in stock}
    return sorted({f"{page}: {message}" for page, message in book if message not in known})


def compare(html: Path = HTML) -> Comparison:
    """Run both checkers over the built book and the stock book."""
    tools, stock = install(), stock_book()
    book_vnu, stock_vnu = vnu_errors(tools, html), vnu_errors(tools, stock)
    result = Comparison(len(book_vnu), len(stock_vnu), own_errors(book_vnu, stock_vnu))
    with serve(html) as url:
        for docname in toc_docnames():
            result.pa11y_book[docname] = pa11y_errors(tools, f"{url}/{docname}.html")
    with serve(stock) as url:
        for name in STOCK_PAGES:
            result.pa11y_stock[name] = pa11y_errors(tools, f"{url}/{name}.html")
    return result


def report(result: Comparison) -> str:
    """The comparison as a few lines of text."""
    counts = collections.Counter(result.pa11y_book.values())
    spread = ", ".join(f"{n} error(s) on {pages} page(s)" for n, pages in sorted(counts.items()))
    lines = [
        f"vnu errors: book {result.vnu_book}, stock book {result.vnu_stock}; "
        f"the book's own: {len(result.vnu_own)} (budget 0)",
        *(f"  {line}" for line in result.vnu_own),
        f"pa11y (WCAG 2 AA) errors per page: book {spread}; stock book "
        f"{sorted(result.pa11y_stock.values())} (budget: no more than the stock book's)",
    ]
    return "\n".join(lines)


def main() -> int:
    """Compare the built book with a stock book; exit 1 when a budget fails."""
    if not (HTML / "index.html").exists():
        raise SystemExit("The book is not built: run `make book` first.")
    result = compare()
    print(report(result))
    return 0 if not result.vnu_own and result.pa11y_no_worse else 1


if __name__ == "__main__":
    sys.exit(main())
