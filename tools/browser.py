"""Serve the built book on loopback and open it in the system's headless Chromium.

Shared by the tools (``make bench``, ``make pdf``) and the browser tests, so that
every one of them meets the book the same way:

* :func:`serve` serves a folder on 127.0.0.1 on a free port;
* :func:`launch` starts Chromium with every request that leaves loopback blocked
  (a dead proxy for all hosts but loopback, and DNS mapped to nothing);
* :data:`SETTINGS` are the three reader settings the book is tested in: a desktop
  in light mode, the same desktop in dark mode, and a 390 × 844 touch phone;
* :func:`toc_docnames` lists every page of the table of contents;
* :func:`wait_for_figures` waits until every figure on a page has drawn and settled.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]

#: Every request that is not for loopback goes to a closed port and fails.
PROXY = {"server": "http://127.0.0.1:9", "bypass": "127.0.0.1,localhost"}

INSTALL_HINT = (
    "Chromium was not found. Install it with `apt-get install -y chromium` "
    "(Debian/Ubuntu), or set CHROMIUM=/path/to/chromium."
)


@dataclass(frozen=True)
class Setting:
    """One way a reader meets the book: a screen, a colour scheme, a pointer."""

    name: str
    width: int
    height: int
    dark: bool = False
    phone: bool = False

    def context_options(self) -> dict[str, Any]:
        """Keyword arguments for Playwright's ``browser.new_context``."""
        options: dict[str, Any] = {
            "viewport": {"width": self.width, "height": self.height},
            "color_scheme": "dark" if self.dark else "light",
        }
        if self.phone:
            options |= {"is_mobile": True, "has_touch": True, "device_scale_factor": 3}
        return options


#: The three settings every page is tested in (see tests/test_site.py).
SETTINGS: dict[str, Setting] = {
    "desktop-light": Setting("desktop-light", 1280, 900),
    "desktop-dark": Setting("desktop-dark", 1280, 900, dark=True),
    "phone": Setting("phone", 390, 844, phone=True),
}


#: JavaScript, called with a colour mode ("dark", "light" or "" for either): whether
#: every plot has drawn and every book figure has settled, i.e. shows the phone or
#: desktop layout and the colours of that mode (``_static/backmice-figures.js`` then
#: sets ``data-variant`` on ``figure.bm-figure``, e.g. "wide light"). Pages without
#: that script (``tools/figpage.py``) have nothing to settle.
FIGURES_SETTLED_JS = """(mode) => (window.backmiceFigures && window.backmiceFigures.drawAll(),
  [...document.querySelectorAll('.plotly-graph-div')]
    .every(el => el.querySelector('.main-svg'))
  && (!document.querySelector('script[src*="backmice-figures"]')
    || [...document.querySelectorAll('figure.bm-figure')]
      .every(el => Boolean(el.dataset.variant) && el.dataset.variant.endsWith(mode))))"""


def wait_for_figures(page: Any, mode: str = "", timeout: float = 15000) -> None:
    """Wait until every figure on ``page`` has drawn and settled (in ``mode`` if given).

    Figures are drawn as they near the screen; like printing, this draws them all.
    """
    page.wait_for_function(FIGURES_SETTLED_JS, arg=mode, timeout=timeout)


def toc_docnames(root: Path = ROOT) -> list[str]:
    """Every page in the table of contents, root first (e.g. ``chapters/faq``)."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"]]
    for part in toc.get("parts", []):
        names += [chapter["file"] for chapter in part["chapters"]]
    return names


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Keep the output clean."""


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 on a free port; yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def find_chromium() -> str | None:
    """The Chromium binary: $CHROMIUM, else the first known name on PATH."""
    configured = os.environ.get("CHROMIUM")
    if configured:
        return configured if shutil.which(configured) or os.path.exists(configured) else None
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def launch(playwright: Any) -> Any:
    """Start headless Chromium with off-site requests blocked; fail when it is missing."""
    executable = find_chromium()
    if executable is None:
        raise SystemExit(INSTALL_HINT)
    return playwright.chromium.launch(
        executable_path=executable, headless=True, args=CHROMIUM_ARGS, proxy=PROXY
    )
