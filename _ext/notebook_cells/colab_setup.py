"""On Colab only: install the book's package (its code and data) from the repository.

Everywhere else (JupyterLab, JupyterHub, Binder, JupyterLite) this cell does nothing.
"""

import subprocess
import sys


def install_on_colab(requirement: str) -> None:
    """``pip install`` the book's package from the repository, on Colab only."""
    if "google.colab" in sys.modules:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", requirement], check=True)
