"""Screenshot every page of the built book in the three reader settings.

``python -m tools.screenshots [docname ...]`` writes
``_build/screenshots/<setting>/<page>.png`` (full-page) for desktop light, desktop
dark and the 390 × 844 touch phone (see :data:`tools.browser.SETTINGS`), so a person
can look at what each reader gets.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tools.browser import HTML, ROOT, SETTINGS, launch, serve, toc_docnames, wait_for_figures

TARGET = ROOT / "_build" / "screenshots"


def shoot(docnames: list[str], target: Path = TARGET, full_page: bool = True) -> list[Path]:
    """Screenshot ``docnames`` in every setting; return the files written."""
    from playwright.sync_api import sync_playwright

    written = []
    with serve(HTML) as url, sync_playwright() as playwright:
        browser = launch(playwright)
        for setting in SETTINGS.values():
            context = browser.new_context(**setting.context_options())
            page = context.new_page()
            for docname in docnames:
                page.goto(f"{url}/{docname}.html", wait_until="networkidle")
                wait_for_figures(page)
                page.wait_for_timeout(700)  # the theme's colour transitions
                path = target / setting.name / f"{docname.replace('/', '-')}.png"
                path.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(path), full_page=full_page)
                written.append(path)
            context.close()
        browser.close()
    return written


def main() -> int:
    """Screenshot the pages named on the command line (default: every TOC page)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("docnames", nargs="*", help="e.g. chapters/04-treatments")
    parser.add_argument("--viewport", action="store_true", help="only the first screen")
    args = parser.parse_args()
    for path in shoot(args.docnames or toc_docnames(), full_page=not args.viewport):
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
