r"""Subset the theme's icon font to the icons the book shows (``python -m tools.icons``).

pydata-sphinx-theme draws its icons (☰, search, theme switch, download, admonition
icons …) from Font Awesome's solid font, 152 KiB as woff2, of which the book uses a
few dozen glyphs. This tool finds every glyph the built book can show:

* icon classes (``fa-bars`` …) in any built HTML page, mapped to their code points
  through the theme's CSS (``.fa-bars:before{content:"\\f0c9"}``);
* every code point the theme CSS itself draws outside those class definitions (the
  ``--pst-icon-*`` variables of admonitions, external links …, written as literal
  private-use characters, and rules such as sphinx-book-theme's "On this page" arrow);

and writes ``_static/fonts/fa-solid-900-subset.woff2`` with only those glyphs
(``_static/backmice.css`` points the font family at it). Re-run it, after ``make
book``, when the theme or the page furniture changes; ``tests/test_site.py`` fails
when a glyph the book uses is missing from the subset. Needs fontTools and brotli
(requirements-dev.txt).
"""

from __future__ import annotations

import re
from pathlib import Path

from tools.browser import HTML, ROOT

TARGET = ROOT / "_static" / "fonts" / "fa-solid-900-subset.woff2"
RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
CODEPOINT = re.compile(r'"\\(f[0-9a-f]{3})"')
PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
ICON_CLASS = re.compile(r"\bfa-[a-z0-9-]+")
DEFINITION = re.compile(r"^(\.fa-[a-z0-9-]+:(?::)?before,?)+$")


def theme_files() -> tuple[Path, list[Path]]:
    """The theme's solid icon font and the theme style sheets that use it."""
    import pydata_sphinx_theme
    import sphinx_book_theme

    pst = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"
    sbt = Path(sphinx_book_theme.__file__).parent / "theme" / "sphinx_book_theme" / "static"
    font = pst / "vendor" / "fontawesome" / "webfonts" / "fa-solid-900.woff2"
    return font, [
        pst / "styles" / "pydata-sphinx-theme.css",
        sbt / "styles" / "sphinx-book-theme.css",
    ]


def class_codepoints(css: str) -> dict[str, int]:
    r"""Icon class name → code point, from rules like ``.fa-bars:before{content:"\f0c9"}``."""
    found: dict[str, int] = {}
    for selectors, body in RULE.findall(css):
        match = CODEPOINT.search(body)
        if match is None or not DEFINITION.match(selectors.strip()):
            continue
        for name in re.findall(r"\.(fa-[a-z0-9-]+)", selectors):
            found[name] = int(match.group(1), 16)
    return found


def drawn_codepoints(css: str) -> set[int]:
    """Code points the style sheet draws itself (not icon-class definitions)."""
    found: set[int] = set()
    for selectors, body in RULE.findall(css):
        if DEFINITION.match(selectors.strip()):
            continue
        found |= {int(point, 16) for point in CODEPOINT.findall(body)}
        found |= {ord(char) for char in PRIVATE_USE.findall(body)}
    return found


def used_codepoints(html: Path = HTML) -> set[int]:
    """Every icon code point the built book can show."""
    _, sheets = theme_files()
    css = "\n".join(sheet.read_text(encoding="utf-8") for sheet in sheets)
    classes = class_codepoints(css)
    names = {
        name
        for page in html.rglob("*.html")
        for name in ICON_CLASS.findall(page.read_text(encoding="utf-8"))
    }
    font, _ = theme_files()
    wanted = {classes[name] for name in names if name in classes} | drawn_codepoints(css)
    return wanted & font_codepoints(font)  # brand icons (GitHub …) are in another font


def font_codepoints(path: Path) -> set[int]:
    """The code points a font file has glyphs for."""
    from fontTools.ttLib import TTFont

    return set(TTFont(str(path)).getBestCmap())


def subset(codepoints: set[int], target: Path = TARGET) -> Path:
    """Write the theme's solid font cut down to ``codepoints`` as woff2."""
    from fontTools import subset as ftsubset

    font, _ = theme_files()
    options = ftsubset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    loaded = ftsubset.load_font(str(font), options)
    subsetter = ftsubset.Subsetter(options)
    subsetter.populate(unicodes=sorted(codepoints))
    subsetter.subset(loaded)
    target.parent.mkdir(parents=True, exist_ok=True)
    ftsubset.save_font(loaded, str(target), options)
    return target


def main() -> int:
    """Subset the icon font to what the built book uses."""
    if not (HTML / "index.html").exists():
        raise SystemExit("The book is not built: run `make book` first.")
    points = used_codepoints()
    target = subset(points)
    print(f"wrote {target.relative_to(ROOT)}: {len(points)} glyphs, {target.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
