"""The GitHub Action (action.yml, .github/action/run.sh).

Its metadata is held to GitHub's metadata syntax for composite actions
(https://docs.github.com/en/actions/reference/metadata-syntax-for-github-actions):
name, description and runs required; inputs and outputs with a description
(composite outputs with a value); ``runs.using: composite`` with steps that either
``run`` with a ``shell`` or ``uses`` an action; every ``${{ }}`` naming a declared
input, an earlier step's id and an output run.sh writes; no ``${{ }}`` pasted into
a script.

Its steps are then run as a runner runs them: each ``run:`` through
``bash --noprofile --norc -eo pipefail``, in a temporary git repository, with
GITHUB_WORKSPACE, GITHUB_ACTION_PATH (a copy of this checkout, as a runner
downloads the action), GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH, RUNNER_TEMP and
RUNNER_OS set, ``if:`` and ``${{ }}`` evaluated, step outputs read back from
GITHUB_OUTPUT. The one ``uses:`` step (actions/cache) is not run; what it would be
given is checked. The install needs no network: the virtual environment finds
citelint's dependencies through PYTHONPATH (this environment's site-packages)
with the package index switched off.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any, Iterator, NamedTuple

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
ACTION = ROOT / "action.yml"
SCRIPT = ROOT / ".github" / "action" / "run.sh"

TOP_KEYS = {"name", "author", "description", "inputs", "outputs", "runs", "branding"}
INPUT_KEYS = {"description", "required", "default", "deprecationMessage"}
STEP_KEYS = {"name", "id", "if", "run", "shell", "uses", "with", "env", "working-directory", "continue-on-error"}
COLORS = {"white", "black", "yellow", "blue", "green", "orange", "red", "purple", "gray-dark"}
ID = re.compile(r"^[_a-zA-Z][a-zA-Z0-9_-]*$")
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
REFERENCE = re.compile(r"\b(inputs|steps|github|runner|env)\.([A-Za-z0-9_-]+)(?:\.outputs\.([A-Za-z0-9_-]+))?")


def load(path: Path = ACTION) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def outputs_written_by(script: str) -> set[str]:
    return set(re.findall(r"^\s*output ([a-z-]+) ", script, re.M))


def metadata_problems(action: dict[str, Any], script: str) -> list[str]:
    """What GitHub's metadata syntax for a composite action forbids or misses."""
    problems = [f"unknown top-level key {key!r}" for key in set(action) - TOP_KEYS]
    problems += [f"{key} is required (a string)" for key in ("name", "description") if not isinstance(action.get(key), str)]
    inputs = action.get("inputs") or {}
    for name, spec in inputs.items():
        if not ID.match(name) or not isinstance(spec, dict) or not isinstance(spec.get("description"), str):
            problems.append(f"input {name!r} needs a valid id and a description")
        elif set(spec) - INPUT_KEYS or not isinstance(spec.get("default", ""), str):
            problems.append(f"input {name!r}: unknown key or a default that is not a string")
    for name, spec in (action.get("outputs") or {}).items():
        if not ID.match(name) or not {"description", "value"} <= set(spec or {}):
            problems.append(f"output {name!r} needs a description and a value (composite)")
    runs = action.get("runs") or {}
    if runs.get("using") != "composite" or not isinstance(runs.get("steps"), list) or set(runs) - {"using", "steps"}:
        problems.append("runs must be `using: composite` with a list of steps")
    branding = action.get("branding") or {}
    if branding.get("color", "blue") not in COLORS:
        problems.append(f"branding color {branding['color']!r}")
    ids: set[str] = set()
    written = outputs_written_by(script)
    for number, step in enumerate(runs.get("steps") or [], 1):
        where = f"step {number}"
        problems += [f"{where}: unknown key {key!r}" for key in set(step) - STEP_KEYS]
        if ("run" in step) == ("uses" in step):
            problems.append(f"{where}: needs run or uses, not both")
        if "run" in step and not step.get("shell"):
            problems.append(f"{where}: a run step needs a shell")
        if "run" in step and "${{" in step["run"]:
            problems.append(f"{where}: an expression pasted into a script (pass it through env)")
        if "uses" in step and not re.fullmatch(r"[\w.-]+/[\w./-]+@[\w.-]+", step["uses"]):
            problems.append(f"{where}: uses {step['uses']!r} is not owner/repo@ref")
        texts = [str(step.get("if", ""))] + [str(v) for key in ("env", "with") for v in (step.get(key) or {}).values()]
        problems += [f"{where}: {p}" for text in texts for p in reference_problems(text, set(inputs), ids, written)]
        if "id" in step:
            ids.add(step["id"])
    for name, spec in (action.get("outputs") or {}).items():
        problems += [f"output {name}: {p}" for p in reference_problems(str(spec.get("value", "")), set(inputs), ids, written)]
    return problems


def reference_problems(text: str, inputs: set[str], step_ids: set[str], written: set[str]) -> Iterator[str]:
    for expression in EXPRESSION.findall(text) or ([text] if text and "${{" not in text else []):
        for context, name, output in REFERENCE.findall(expression):
            if context == "inputs" and name not in inputs:
                yield f"inputs.{name} is not declared"
            elif context == "steps" and (name not in step_ids or output not in written):
                yield f"steps.{name}.outputs.{output}: no earlier step {name!r} writes it"


def test_action_metadata_follows_githubs_syntax() -> None:
    assert metadata_problems(load(), SCRIPT.read_text(encoding="utf-8")) == []
    action = load()
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) >= {"paths", "args", "format", "urls", "version"}


@pytest.mark.parametrize(
    "change, problem",
    [
        (lambda a: a.pop("description"), "description is required"),
        (lambda a: a["runs"]["steps"][0].pop("shell"), "a run step needs a shell"),
        (lambda a: a["runs"]["steps"][-1]["env"].update(X="${{ inputs.nope }}"), "inputs.nope is not declared"),
        (lambda a: a["runs"]["steps"][0].update(run='echo "${{ inputs.paths }}"'), "an expression pasted into a script"),
        (lambda a: a["runs"]["steps"][0]["env"].update(X="${{ steps.check.outputs.exit-code }}"), "no earlier step 'check'"),
        (lambda a: a["inputs"]["args"].pop("description"), "input 'args' needs"),
        (lambda a: a["outputs"]["exit-code"].pop("value"), "needs a description and a value"),
        (lambda a: a["runs"].update(using="node20"), "composite"),
    ],
)
def test_the_metadata_check_catches(change: Any, problem: str) -> None:
    action = load()
    change(action)
    assert any(problem in found for found in metadata_problems(action, SCRIPT.read_text(encoding="utf-8")))


def test_the_action_installs_from_its_own_checkout_never_by_name() -> None:
    script = SCRIPT.read_text(encoding="utf-8")
    assert 'pip install --quiet --disable-pip-version-check "$action_path"' in script
    assert not re.search(r"pip install[^\n]*\bcitelint\b", script)


# -- running the steps ----------------------------------------------------------------


class Step(NamedTuple):
    code: int
    stdout: str
    stderr: str
    outputs: dict[str, str]


class Runner:
    """Runs action.yml's steps as a GitHub runner would, far enough for these tests."""

    def __init__(self, workspace: Path, action_path: Path, temp: Path, extra_env: dict[str, str]) -> None:
        self.workspace, self.action_path, self.temp = workspace, action_path, temp
        self.files = {name: temp / f"{name.lower()}.txt" for name in ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH")}
        self.extra_env = extra_env
        self.steps: dict[str, dict[str, str]] = {}
        self.used: list[dict[str, str]] = []

    def run(self, inputs: dict[str, str], skip: frozenset[str] = frozenset()) -> list[Step]:
        action = load(self.action_path / "action.yml")
        given = {name: inputs.get(name, spec.get("default", "")) for name, spec in action["inputs"].items()}
        results = []
        for step in action["runs"]["steps"]:
            if step.get("id") in skip or not self.condition(str(step.get("if", "true")), given):
                continue
            if "uses" in step:
                self.used.append({key: self.expand(str(value), given) for key, value in step.get("with", {}).items()})
                continue
            env = {key: self.expand(str(value), given) for key, value in (step.get("env") or {}).items()}
            result = self.shell(step["run"], env)
            results.append(result)
            if "id" in step:
                self.steps[step["id"]] = result.outputs
            if result.code:
                break
        return results

    def condition(self, text: str, inputs: dict[str, str]) -> bool:
        found = re.fullmatch(r"inputs\.([\w-]+) == '([^']*)'", text.strip())
        if text.strip() == "true":
            return True
        assert found, f"this test runner does not understand the condition {text!r}"
        return inputs[found.group(1)] == found.group(2)

    def expand(self, text: str, inputs: dict[str, str]) -> str:
        def value(match: re.Match[str]) -> str:
            expression = match.group(1)
            if expression.startswith("inputs."):
                return inputs[expression.removeprefix("inputs.")]
            step_id, _, name = expression.removeprefix("steps.").partition(".outputs.")
            return self.steps.get(step_id, {}).get(name, "")

        return EXPRESSION.sub(value, text)

    def shell(self, script: str, env: dict[str, str]) -> Step:
        for path in self.files.values():
            path.write_text("", encoding="utf-8")
        script_file = self.temp / "step.sh"
        script_file.write_text(script, encoding="utf-8")
        environment = {
            "PATH": os.environ["PATH"],
            "HOME": str(self.temp),
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_ACTION_PATH": str(self.action_path),
            "RUNNER_TEMP": str(self.temp),
            "RUNNER_OS": "Linux",
            **{name: str(path) for name, path in self.files.items()},
            **self.extra_env,
            **env,
        }
        ran = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script_file)],
            cwd=self.workspace, env=environment, capture_output=True, text=True, check=False, timeout=600,
        )
        outputs = dict(line.split("=", 1) for line in self.files["GITHUB_OUTPUT"].read_text(encoding="utf-8").splitlines() if "=" in line)
        return Step(ran.returncode, ran.stdout, ran.stderr, outputs)


def offline_pip(wheelhouse: Path) -> dict[str, str]:
    """The virtual environment's pip finds citelint's dependencies in this
    environment (PYTHONPATH) and asks no index for anything. It builds citelint
    with this environment's setuptools when that can make wheels (70.1 or newer:
    the test extra asks for it), else in isolation from a setuptools wheel found
    among pip's own local sources (its find-links folders and file:// indexes)."""
    environment = {"PYTHONPATH": sysconfig.get_paths()["purelib"], "PIP_NO_INDEX": "1", "PIP_CONSTRAINT": ""}
    if _version_tuple(importlib.metadata.version("setuptools")) >= (70, 1):
        return {**environment, "PIP_NO_BUILD_ISOLATION": "0"}  # pip reads this switch backwards: "0" builds without isolation
    wheel = _local_setuptools_wheel()
    assert wheel is not None, "the action test needs setuptools>=70.1 (pip install -e '.[test]') or a local setuptools wheel"
    shutil.copy(wheel, wheelhouse)
    return {**environment, "PIP_FIND_LINKS": str(wheelhouse)}


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version)[:2])


def _local_setuptools_wheel() -> Path | None:
    listed = subprocess.run([sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True, check=False).stdout
    sources = [os.environ.get("PIP_FIND_LINKS", "")] + re.findall(r"(?:find-links|index-url)='([^']*)'", listed)
    folders = []
    for source in " ".join(sources).split():
        folder = Path(source.removeprefix("file://"))
        if source.startswith("file://") and folder.name == "simple":
            folders.append(folder.parent / "files")
        folders.append(folder)
    wheels = [wheel for folder in folders if folder.is_dir() for wheel in folder.glob("setuptools-*-py3-none-any.whl")]
    usable = [wheel for wheel in wheels if _version_tuple(wheel.name.split("-")[1]) >= (70, 1)]
    return max(usable, key=lambda wheel: _version_tuple(wheel.name.split("-")[1]), default=None)


def copy_of_the_action(target: Path) -> Path:
    """The action as a runner downloads it: the repository's files, not its .git or caches."""
    ignore = shutil.ignore_patterns(".git", ".citelint-cache", "__pycache__", "*.egg-info", "build", ".hypothesis", ".benchmarks", ".pytest_cache", "dist")
    shutil.copytree(ROOT, target, ignore=ignore)
    return target


CHAPTER_OUT_OF_ORDER = (
    "One [CITATION 2] then [CITATION 1].\n\n## References\n\n"
    '1. "One" Press, 2020. https://example.com/1\n2. "Two" Press, 2021. https://example.com/2\n'
)


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> Runner:
    base = tmp_path_factory.mktemp("action")
    workspace = base / "workspace"
    (workspace / "manuscript").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(workspace)], check=True)
    (workspace / "manuscript" / "ch.md").write_text(CHAPTER_OUT_OF_ORDER, encoding="utf-8")
    temp = base / "runner-temp"
    temp.mkdir()
    (base / "wheels").mkdir()
    return Runner(workspace, copy_of_the_action(base / "action"), temp, offline_pip(base / "wheels"))


@pytest.fixture(scope="module")
def installed(runner: Runner) -> Runner:
    """A first run of every step, the install included: findings, so exit code 1."""
    results = runner.run({"paths": "manuscript"})
    assert [result.code for result in results] == [0, 1], [result.stdout + result.stderr for result in results]
    install, check = results
    assert Path(install.outputs["citelint"]).is_file()
    assert install.outputs["version"] == _version()
    assert check.code == 1, check.stdout + check.stderr
    assert "::error file=manuscript/ch.md,line=1,col=5," in check.stdout
    assert check.outputs == {"exit-code": "1"}
    return runner


def _version() -> str:
    from citelint.version import __version__

    return __version__


@pytest.mark.slow
def test_annotations_and_the_exit_code_pass_through(installed: Runner) -> None:
    assert not (installed.workspace / ".citelint-cache").exists()  # the result cache is kept outside the checkout
    assert (installed.temp / "citelint-cache").is_dir()
    assert installed.used == []  # no URL check: no actions/cache


@pytest.mark.slow
def test_a_clean_manuscript_exits_0(installed: Runner) -> None:
    (installed.workspace / "clean.md").write_text("Nothing cited here.\n", encoding="utf-8")
    [check] = installed.run({"paths": "clean.md"}, skip=frozenset({"install"}))
    assert (check.code, check.outputs["exit-code"]) == (0, "0")
    assert "Found 0 problems" in check.stdout


@pytest.mark.slow
def test_sarif_is_written_to_the_file_named(installed: Runner) -> None:
    [check] = installed.run({"paths": "manuscript", "format": "sarif", "sarif-file": "out/citelint.sarif"}, skip=frozenset({"install"}))
    assert check.code == 1
    assert check.outputs == {"sarif-file": "out/citelint.sarif", "exit-code": "1"}
    run = json.loads((installed.workspace / "out" / "citelint.sarif").read_text(encoding="utf-8"))["runs"][0]
    assert "CIT003" in [result["ruleId"] for result in run["results"]]
    uri = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "manuscript/ch.md"  # relative to the repository, as code scanning needs


@pytest.mark.slow
def test_args_are_arguments_never_commands(installed: Runner) -> None:
    [check] = installed.run({"paths": "manuscript", "args": "--select CIT002 $(touch${IFS}pwned) ;touch pwned2"}, skip=frozenset({"install"}))
    assert check.code == 2  # citelint's usage error on the stray arguments
    assert not (installed.workspace / "pwned").exists() and not (installed.workspace / "pwned2").exists()
    [check] = installed.run({"paths": "manuscript", "args": "--select CIT002"}, skip=frozenset({"install"}))
    assert check.code == 0 and "CIT003" not in check.stdout


@pytest.mark.slow
def test_urls_keep_their_cache_outside_the_checkout_and_refuse_private_addresses(installed: Runner) -> None:
    """The loopback address a chapter cites is refused (--no-allow-private), even
    with CITELINT_ALLOW_PRIVATE=1 in the environment: nothing is sent to it."""
    chapter = 'Cites [CITATION 1].\n\n## References\n\n1. "Local" Press, 2020. http://127.0.0.1:9/private\n'
    (installed.workspace / "urls").mkdir(exist_ok=True)
    (installed.workspace / "urls" / "ch.md").write_text(chapter, encoding="utf-8")
    installed.extra_env["CITELINT_ALLOW_PRIVATE"] = "1"
    try:
        cache_key, check = installed.run({"paths": "urls", "urls": "true", "args": "--timeout 1"}, skip=frozenset({"install"}))
    finally:
        del installed.extra_env["CITELINT_ALLOW_PRIVATE"]
    assert cache_key.code == 0, cache_key.stderr
    [cache] = installed.used
    assert cache["path"] == str(installed.temp / "citelint-cache")
    assert not cache["path"].startswith(str(installed.workspace))
    assert re.fullmatch(r"citelint-urls-v1-Linux-\d{4}-W\d\d-[0-9a-f]{16}", cache["key"]), cache
    assert cache["restore-keys"] == "citelint-urls-v1-Linux-"
    assert "::notice file=urls/ch.md,line=5,col=25,endLine=5,endColumn=51,title=URL004 link-not-checked::http://127.0.0.1:9/private: 127.0.0.1 is a private" in check.stdout
    assert check.code == int(check.outputs["exit-code"]) == 0, check.stdout  # a refused address is a notice
    # The run's time limit is the command line's, which the pull request's configuration cannot raise; args come after it.
    assert " --urls --no-allow-private --run-timeout 1200 --timeout 1 -- urls" in check.stderr


@pytest.mark.slow
def test_a_version_that_is_not_the_checkouts_stops_before_installing(runner: Runner) -> None:
    [install] = runner.run({"version": "v9.9.9"})
    assert install.code == 2
    assert f"::error title=citelint action::the version input says v9.9.9 but this action's checkout is citelint {_version()}" in install.stdout


@pytest.mark.slow
def test_the_url_cache_key_changes_with_the_cited_links_only(runner: Runner) -> None:
    folder = runner.workspace / "keyed"
    folder.mkdir(exist_ok=True)
    chapter = folder / "ch.md"

    def key(text: str) -> str:
        chapter.write_text(text, encoding="utf-8")
        runner.used.clear()
        [step] = runner.run({"paths": "keyed", "urls": "true"}, skip=frozenset({"install", "check"}))
        assert step.code == 0, step.stderr
        return runner.used[0]["key"]

    cited = 'A [CITATION 1].\n\n## References\n\n1. "A" P, 2020. https://example.com/a and doi 10.1234/abc.5\n'
    first = key(cited)
    assert key(cited.replace("A [CITATION 1].", "Reworded prose [CITATION 1].")) == first
    assert key(cited.replace("example.com/a", "example.com/b")) != first
    assert key(cited.replace("10.1234/abc.5", "10.1234/abc.6")) != first
