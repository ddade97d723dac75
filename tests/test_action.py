"""``action.yml``, the composite GitHub Action: its metadata against a schema of composite
actions, and its steps' scripts run with bash as the runner runs them, on the example book.

The runner is imitated: each step's ``env:`` is evaluated (``inputs.*``, ``github.*``,
``steps.<id>.outputs.*``), the script is run with ``bash --noprofile --norc -eo pipefail``
in ``GITHUB_WORKSPACE``, with ``GITHUB_ACTION_PATH``, ``GITHUB_OUTPUT`` (a file per step),
``GITHUB_STEP_SUMMARY`` and ``RUNNER_TEMP`` set. The install step would ``pip install`` this
checkout; here it runs with a ``python`` on PATH whose ``pip`` is a stand-in that records
its arguments, because the test's own environment already has doclint installed
(editable) and must not be replaced, nor anything downloaded.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema
import pytest
import yaml

from .conftest import REPO, commit_all

ACTION = REPO / "action.yml"
# What pip says when it cannot reach an index: this machine cannot install, which is not
# the action's fault.
NO_INDEX = ("No matching distribution", "Could not find a version", "Failed to establish")
WORKFLOW = REPO / "examples" / "github-workflow.yml"

# What GitHub accepts in the metadata of a composite action (docs.github.com, "Metadata
# syntax for GitHub Actions"), as strictly as this action needs.
COMPOSITE_ACTION_SCHEMA = {
    "type": "object",
    "required": ["name", "description", "runs"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "description": {"type": "string", "minLength": 1},
        "author": {"type": "string"},
        "branding": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"icon": {"type": "string"}, "color": {"type": "string"}},
        },
        "inputs": {
            "type": "object",
            "propertyNames": {"pattern": "^[A-Za-z_][A-Za-z0-9_-]*$"},
            "additionalProperties": {
                "type": "object",
                "required": ["description"],
                "additionalProperties": False,
                "properties": {
                    "description": {"type": "string"},
                    "required": {"type": "boolean"},
                    "default": {"type": "string"},
                    "deprecationMessage": {"type": "string"},
                },
            },
        },
        "outputs": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "required": ["description", "value"],
                "additionalProperties": False,
                "properties": {"description": {"type": "string"}, "value": {"type": "string"}},
            },
        },
        "runs": {
            "type": "object",
            "required": ["using", "steps"],
            "additionalProperties": False,
            "properties": {
                "using": {"const": "composite"},
                "steps": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "name": {"type": "string"},
                            "id": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_-]*$"},
                            "if": {"type": "string"},
                            "run": {"type": "string"},
                            "shell": {"type": "string"},
                            "uses": {"type": "string"},
                            "with": {"type": "object"},
                            "env": {
                                "type": "object",
                                "additionalProperties": {"type": "string"},
                            },
                            "working-directory": {"type": "string"},
                            "continue-on-error": {"type": ["boolean", "string"]},
                        },
                        # A run step of a composite action must name its shell.
                        "if": {"required": ["run"]},
                        "then": {"required": ["shell"]},
                    },
                },
            },
        },
    },
}

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def _action() -> dict:
    return yaml.safe_load(ACTION.read_text(encoding="utf-8"))


def test_action_yml_is_a_valid_composite_action() -> None:
    action = _action()
    jsonschema.validate(action, COMPOSITE_ACTION_SCHEMA)
    assert set(action["inputs"]) == {
        "paths",
        "args",
        "fail-on",
        "external",
        "report",
        "badge",
        "html",
        "sarif",
    }
    assert set(action["outputs"]) == {"coverage", "errors", "warnings"}


def test_inputs_reach_scripts_only_through_the_environment() -> None:
    """An expression inside ``run:`` is pasted into the script before bash reads it:
    an input holding ``"; rm -rf ~`` would run. Every one must go through ``env:``."""
    action = _action()
    ids = {step.get("id") for step in action["runs"]["steps"]}
    for step in action["runs"]["steps"]:
        assert step["shell"] == "bash"
        assert not EXPRESSION.search(step["run"]), step["name"]
        for value in step.get("env", {}).values():
            for expression in EXPRESSION.findall(value):
                scope, _, rest = expression.partition(".")
                if scope == "inputs":
                    assert rest in action["inputs"], expression
                else:
                    assert scope == "steps" and rest.split(".")[0] in ids, expression
    for output in action["outputs"].values():
        step_id = EXPRESSION.fullmatch(output["value"]).group(1).split(".")[1]
        assert step_id in ids


def test_the_example_workflow_uses_the_action() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    uses = [step for step in steps if step.get("uses", "").split("@")[0].endswith("/doclint")]
    assert len(uses) == 1
    assert set(uses[0].get("with", {})) <= set(_action()["inputs"])
    assert "git+https://github.com/OWNER" not in WORKFLOW.read_text(encoding="utf-8")


def test_check_in_github_format_writes_its_counts_to_github_output(tmp_path: Path) -> None:
    shutil.copytree(REPO / "examples" / "book", tmp_path / "book")
    outputs = tmp_path / "outputs"
    outputs.write_text("earlier=1\n")
    completed = subprocess.run(
        [sys.executable, "-m", "doclint", "check", "--format", "github", "book"],
        cwd=tmp_path,
        env={**os.environ, "GITHUB_OUTPUT": str(outputs)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1, completed.stderr
    summary = re.search(r"Found (\d+) errors and (\d+) warnings", completed.stdout)
    assert summary is not None
    assert outputs.read_text() == (
        f"earlier=1\nerrors={summary.group(1)}\nwarnings={summary.group(2)}\ninfos=0\n"
    )


# ---------------------------------------------------------------------------------------
# Running the steps as the runner does


@dataclass
class ActionRun:
    returncode: int  # of the last step that ran
    outputs: dict[str, str]  # the action's outputs
    step_outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    stdout: str = ""
    stderr: str = ""
    summary: str = ""


def _read_outputs(path: Path) -> dict[str, str]:
    """``name=value`` lines and ``name<<DELIMITER`` blocks, as the runner reads them."""
    outputs: dict[str, str] = {}
    lines = iter(path.read_text(encoding="utf-8").splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            value = []
            for item in lines:
                if item == delimiter:
                    break
                value.append(item)
            outputs[name] = "\n".join(value)
        elif "=" in line:
            name, value = line.split("=", 1)
            outputs[name] = value
    return outputs


def _evaluate(text: str, inputs: dict[str, str], steps: dict[str, dict[str, str]]) -> str:
    def value(match: re.Match[str]) -> str:
        scope, *path = match.group(1).split(".")
        if scope == "inputs":
            return inputs[path[0]]
        if scope == "steps":
            return steps.get(path[0], {}).get(path[2], "")
        if match.group(1) == "github.action_path":
            return str(REPO)
        raise AssertionError(f"the test does not evaluate {match.group(0)}")

    return EXPRESSION.sub(value, text)


def _fake_python(folder: Path) -> Path:
    """A ``python`` first on PATH: the test's interpreter, except that ``-m pip`` only
    records what it was asked to install."""
    folder.mkdir()
    python = folder / "python"
    python.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = -m ] && [ "$2" = pip ]; then\n'
        '  shift 2; printf "%s\\n" "$*" >> "$PIP_LOG"; exit 0\n'
        "fi\n"
        f'exec "{sys.executable}" "$@"\n'
    )
    python.chmod(python.stat().st_mode | stat.S_IXUSR)
    return folder


def run_action(
    workspace: Path, given: dict[str, str], tmp_path: Path, python_folder: Path | None = None
) -> ActionRun:
    """Run the action's steps; ``python_folder`` holds the job's ``python`` (default: the
    stand-in whose pip installs nothing)."""
    action = _action()
    inputs = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    inputs.update(given)
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir(parents=True)
    summary = tmp_path / "step-summary.md"
    summary.touch()
    bin_folder = python_folder or _fake_python(tmp_path / "bin")
    steps: dict[str, dict[str, str]] = {}
    result = ActionRun(returncode=0, outputs={})
    for number, step in enumerate(action["runs"]["steps"]):
        outputs_file = tmp_path / f"output-{number}"
        outputs_file.touch()
        script = tmp_path / f"step-{number}.sh"
        script.write_text(step["run"], encoding="utf-8")
        env = {
            **os.environ,
            "PATH": f"{bin_folder}{os.pathsep}{os.environ['PATH']}",
            "PIP_LOG": str(tmp_path / "pip.log"),
            "GITHUB_ACTIONS": "true",
            "GITHUB_ACTION_PATH": str(REPO),
            "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_OUTPUT": str(outputs_file),
            "GITHUB_STEP_SUMMARY": str(summary),
            "RUNNER_TEMP": str(runner_temp),
        }
        env.update({k: _evaluate(v, inputs, steps) for k, v in step.get("env", {}).items()})
        completed = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        result.stdout += completed.stdout
        result.stderr += completed.stderr
        result.returncode = completed.returncode
        if "id" in step:
            steps[step["id"]] = _read_outputs(outputs_file)
        if completed.returncode != 0:
            break
    result.step_outputs = steps
    result.outputs = {
        name: _evaluate(output["value"], inputs, steps)
        for name, output in action["outputs"].items()
    }
    result.summary = summary.read_text(encoding="utf-8")
    return result


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A repository holding a copy of the example book, as actions/checkout leaves it."""
    folder = tmp_path / "workspace"
    shutil.copytree(REPO / "examples" / "book", folder / "book")
    commit_all(folder, "the book")
    return folder


def test_the_action_on_the_example_book(workspace: Path, tmp_path: Path) -> None:
    run = run_action(
        workspace,
        {"paths": "book", "badge": "badge.svg", "html": "site", "sarif": "doclint.sarif"},
        tmp_path,
    )
    # The example book has errors on purpose: the step fails with check's exit code 1,
    # after writing everything else.
    assert run.returncode == 1, run.stderr
    assert "doclint check failed (exit code 1)" in run.stdout

    expected = json.loads(
        subprocess.run(
            [sys.executable, "-m", "doclint", "check", "--format", "json", "book"],
            cwd=workspace,
            capture_output=True,
            text=True,
            check=False,
        ).stdout
    )["summary"]
    assert run.outputs == {
        "coverage": "72.2",
        "errors": str(expected["errors"]),
        "warnings": str(expected["warnings"]),
    }
    annotations = [line for line in run.stdout.splitlines() if line.startswith("::")]
    errors = [line for line in annotations if line.startswith("::error ")]
    warnings = [line for line in annotations if line.startswith("::warning ")]
    assert len(errors) == min(expected["errors"], 10)
    assert len(warnings) == min(expected["warnings"], 10)
    assert (
        "::error file=book/01-neural-networks.md,line=8,col=3,title=doclint toc-anchor::"
        in run.stdout
    )
    assert f"### doclint: Found {expected['errors']} errors" in run.summary
    assert "## Question coverage: 72.2% (13 of 18 answered)" in run.summary

    pip_calls = (tmp_path / "pip.log").read_text().splitlines()
    assert pip_calls == [f"install --disable-pip-version-check --quiet {REPO}[fast,html]"]
    assert (workspace / "badge.svg").read_text().startswith("<svg")
    assert (workspace / "site" / "index.html").is_file()
    sarif = json.loads((workspace / "doclint.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    assert len(sarif["runs"][0]["results"]) == expected["errors"] + expected["warnings"]


def test_inputs_are_passed_as_options_and_never_run(workspace: Path, tmp_path: Path) -> None:
    (workspace / "book" / "second part").mkdir()
    shutil.move(workspace / "book" / "03-training.md", workspace / "book" / "second part")
    run = run_action(
        workspace,
        {
            "paths": "'book/second part' $(touch pwned)",
            "args": "--select empty-answer `touch pwned2`",
            "report": "false",
        },
        tmp_path,
    )
    assert not (workspace / "pwned").exists() and not (workspace / "pwned)").exists()
    assert not (workspace / "pwned2").exists()
    assert run.returncode == 2  # doclint refuses the odd paths and options: a usage error
    assert "doclint: error:" in run.stderr


def test_fail_on_external_and_a_passing_run(workspace: Path, tmp_path: Path) -> None:
    run = run_action(
        workspace,
        {"paths": "book/03-training.md", "args": "--select toc-anchor", "fail-on": "warning"},
        tmp_path,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.outputs == {"coverage": "66.7", "errors": "0", "warnings": "0"}
    assert "No problems found in 1 file." in run.summary

    wrong = run_action(workspace, {"external": "yes"}, tmp_path / "second")
    assert wrong.returncode == 2
    assert "input external must be true or false, not 'yes'" in wrong.stderr


@pytest.mark.slow
def test_the_action_installs_this_checkout_and_runs_it(workspace: Path, tmp_path: Path) -> None:
    """Nothing stood in: a fresh virtual environment as the job's Python, the real pip
    installing the action's folder (a wheel, not this editable checkout), and the action
    run with it."""
    environment = tmp_path / "job-python"
    subprocess.run([sys.executable, "-m", "venv", str(environment)], check=True, timeout=300)
    run = run_action(
        workspace, {"paths": "book", "html": "site"}, tmp_path / "run", environment / "bin"
    )
    if run.returncode != 1 and any(sign in run.stderr for sign in NO_INDEX):
        pytest.skip(f"pip cannot reach a package index here: {run.stderr[-300:]}")
    assert run.returncode == 1, run.stdout + run.stderr
    installed = subprocess.run(
        [environment / "bin" / "python", "-c", "import doclint, jinja2; print(doclint.__file__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(environment) in installed
    assert run.step_outputs["install"]["python"] == str(environment / "bin" / "python")
    assert run.outputs["coverage"] == "72.2"
    assert (workspace / "site" / "index.html").is_file()
