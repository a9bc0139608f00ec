"""SARIF and GitHub workflow-command output."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from citelint.cli import cli as main
from citelint.diagnostics import Diagnostic, FileError, Severity
from citelint.report import Run, render
from citelint.report.github_format import escape_data, escape_property
from helpers import REFS

ROOT = Path(__file__).resolve().parent.parent
OUT_OF_ORDER = "A. [CITATION 1] B. [CITATION 3] C. [CITATION 2]\n" + REFS
LATE = "A. [CITATION 1] B. [CITATION 2] C [CITATION 3].\n" + REFS


def check_sarif_shape(document: dict) -> None:  # type: ignore[type-arg]
    """The SARIF 2.1.0 properties GitHub code scanning reads, with their types."""
    assert document["version"] == "2.1.0"
    assert document["$schema"].endswith("sarif-2.1.0.json")
    (run,) = document["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "citelint" and isinstance(driver["version"], str)
    ids = [rule["id"] for rule in driver["rules"]]
    assert len(ids) == len(set(ids))
    for rule in driver["rules"]:
        assert re.fullmatch(r"(CIT|URL)\d{3}", rule["id"])
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    for result in run["results"]:
        assert result["ruleId"] in ids
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        assert result["message"]["text"]
        (location,) = result["locations"]
        artifact = location["physicalLocation"]["artifactLocation"]
        assert not artifact["uri"].startswith(("/", "file:")) and "\\" not in artifact["uri"]
        region = location["physicalLocation"]["region"]
        assert all(isinstance(region[key], int) and region[key] >= 1 for key in ("startLine", "startColumn", "endLine", "endColumn"))


def test_sarif_of_the_sample_manuscript(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["check", "--format", "sarif", "manuscript"])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    check_sarif_shape(document)
    (finding,) = document["runs"][0]["results"]
    assert finding["ruleId"] == "CIT003"
    assert finding["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "manuscript/chapter-38.md"
    assert finding["locations"][0]["physicalLocation"]["region"]["startLine"] == 11


def test_sarif_uri_is_repository_relative_from_a_subfolder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".git").mkdir()
    folder = tmp_path / "book" / "part one"
    folder.mkdir(parents=True)
    (folder / "ch 1.md").write_text(LATE, encoding="utf-8")
    monkeypatch.chdir(tmp_path / "book")
    document = json.loads(CliRunner().invoke(main, ["check", "--format", "sarif", "part one"]).stdout)
    check_sarif_shape(document)
    (finding,) = document["runs"][0]["results"]
    assert finding["level"] == "warning"
    assert finding["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "book/part%20one/ch%201.md"


def test_github_escaping() -> None:
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae"


def test_github_commands_errors_first_with_escaped_path_and_message() -> None:
    diagnostics = [
        Diagnostic("CIT006", "misplaced-citation", Severity.WARNING, 1, 2, 1, 3, "warn, 50%: x", path="a,b:c.md"),
        Diagnostic("CIT003", "citation-out-of-order", Severity.ERROR, 9, 1, 9, 5, "line1\nline2", path="z.md"),
    ]
    out = render("github", Run(diagnostics, [FileError("bad%.md", "is not valid UTF-8")], 2))
    lines = out.splitlines()
    assert lines[0] == "::error file=bad%25.md,title=citelint::is not valid UTF-8"
    assert lines[1] == "::error file=z.md,line=9,col=1,endLine=9,endColumn=5,title=CIT003 citation-out-of-order::line1%0Aline2"
    assert lines[2] == "::warning file=a%2Cb%3Ac.md,line=1,col=2,endLine=1,endColumn=3,title=CIT006 misplaced-citation::warn, 50%25: x"
    assert lines[3] == "Found 2 problems (1 error, 1 warning) in 2 files."


def test_github_format_from_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    Path("ch.md").write_text(OUT_OF_ORDER, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "ch.md"], env={"CITELINT_FORMAT": "github"})
    assert result.stdout.startswith("::error file=ch.md,line=1,col=20,")


def test_sarif_lists_every_rule_including_url_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    document = json.loads(CliRunner().invoke(main, ["check", "--format", "sarif", "manuscript"]).stdout)
    ids = [rule["id"] for rule in document["runs"][0]["tool"]["driver"]["rules"]]
    from citelint.catalog import CODES

    assert ids == list(CODES) and "CIT001" in ids and "URL001" in ids  # every catalogued rule, in order


@pytest.mark.slow
def test_many_findings_stream_in_every_format(tmp_path: Path) -> None:
    """Fifty thousand findings in five files: each format writes them all, JSON and SARIF parse."""
    import subprocess
    import sys

    (tmp_path / ".git").mkdir()
    for number in range(5):  # 5,000 CIT005, 4,999 CIT010, 1 CIT006 each
        (tmp_path / f"m{number}.md").write_text("[Citation 1] " * 5_000 + '\n\n## References\n\n1. "T" P, 2020. https://e.com/1\n', encoding="utf-8")
    counts = {}
    for fmt in ("text", "json", "sarif", "github"):
        result = subprocess.run([sys.executable, "-m", "citelint", "check", "--no-cache", "--format", fmt, "."],
                                capture_output=True, text=True, cwd=tmp_path, timeout=120, check=False)
        assert result.returncode == 1 and result.stderr == ""
        if fmt == "json":
            counts[fmt] = len(json.loads(result.stdout)["diagnostics"])
        elif fmt == "sarif":
            counts[fmt] = len(json.loads(result.stdout)["runs"][0]["results"])
        else:
            counts[fmt] = sum(1 for line in result.stdout.splitlines() if "CIT0" in line and not line.startswith("Found"))
    assert set(counts.values()) == {50_000}, counts


def test_empty_runs_are_valid_json_and_sarif() -> None:
    run = Run([], [], 0)
    assert json.loads(render("json", run)) == {"version": 1, "files_checked": 0, "diagnostics": [], "errors": []}
    assert json.loads(render("sarif", run))["runs"][0]["results"] == []
