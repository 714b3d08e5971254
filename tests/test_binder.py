"""Binder (repo2docker) can import the book's package: ``postBuild`` installs it.

repo2docker installs ``requirements.txt`` and then runs ``postBuild`` from the
repository root; it reads both at the root only while there is no ``binder/`` or
``.binder/`` folder. ``runtime.txt`` picks the Python that ``pyproject.toml`` and the
workflow use (repo2docker's default is older). The script is run here with a stand-in
``python`` that records its arguments, so nothing is installed.
"""

import os
import re
import stat
import subprocess

from conftest import ROOT

POST_BUILD = ROOT / "postBuild"


def test_post_build_installs_the_checkout_editable(tmp_path):
    assert POST_BUILD.stat().st_mode & stat.S_IXUSR, "postBuild must be executable"
    log = tmp_path / "args"
    fake = tmp_path / "python"
    fake.write_text(f'#!/bin/sh\necho "$@" >> {log}\n', encoding="utf-8")
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run([str(POST_BUILD)], cwd=ROOT, env=env, check=True)
    assert log.read_text(encoding="utf-8").splitlines() == ["-m pip install --no-deps -e ."]


def test_binder_reads_the_root_files():
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists()
    assert (ROOT / "requirements.txt").is_file()


def test_binder_python_is_the_one_the_book_needs():
    runtime = (ROOT / "runtime.txt").read_text(encoding="utf-8").strip()
    version = runtime.removeprefix("python-")
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'requires-python = ">={version}"' in pyproject
    workflow = (ROOT / ".github" / "workflows" / "book.yml").read_text(encoding="utf-8")
    assert re.search(rf'python-version: "{re.escape(version)}"', workflow)
