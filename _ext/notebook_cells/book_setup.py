"""Setup: makes `from widgets import ...` work wherever this notebook is saved.

If the book's package is not installed (pip install backmice-book, or a clone of the
book), it is unpacked from the copy of its wheel bundled at the end of this cell into a
temporary folder. It needs plotly and ipywidgets, as in the book's requirements.txt;
pybtex and cattrs are installed with pip when missing (Colab); in JupyterLite all of
them come from the site's package index (piplite).
"""

import base64
import hashlib
import importlib.util
import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

#: What the book's package needs in JupyterLite, from the Live site's own index (no
#: dependency resolution, so pybtex's optional PyYAML, not served, is not asked for).
LITE_PACKAGES = [
    "typing-extensions",
    "attrs",
    "cattrs",
    "packaging",
    "narwhals",
    "plotly",
    "comm",
    "jupyterlab-widgets",
    "widgetsnbextension",
    "ipywidgets",
    "latexcodec",
    "pybtex",
]
#: Packages of the book's stack that a plain Jupyter (Colab) may lack: module -> pins
#: (the versions of requirements.txt).
MISSING_PINS = {
    "pybtex": ("pybtex==0.26.1", "latexcodec==3.0.1"),
    "cattrs": ("attrs==26.1.0", "cattrs==26.2.1"),
}


async def use_bundled_book_package(bundle: str) -> None:
    """Unpack the bundled wheel (once) and put it first on sys.path, unless installed."""
    if importlib.util.find_spec("widgets") is not None:
        return  # installed, with what it needs (the book's Live site preloads them all)
    if sys.platform == "emscripten":  # JupyterLite (Pyodide): from its package index
        import piplite

        await piplite.install(LITE_PACKAGES, deps=False)
    wheel = base64.b64decode(bundle)
    folder = Path(tempfile.gettempdir()) / f"backmice-book-{hashlib.sha256(wheel).hexdigest()[:12]}"
    if not folder.exists():
        zipfile.ZipFile(io.BytesIO(wheel)).extractall(folder)
    sys.path.insert(0, str(folder))
    missing = [
        pin
        for module, pins in MISSING_PINS.items()
        if importlib.util.find_spec(module) is None
        for pin in pins
    ]
    if missing and sys.platform != "emscripten":
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *missing], check=True)
