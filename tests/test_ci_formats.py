"""The formats other CIs read, checked against what their consumers publish:

- rdjson against reviewdog's own JSON schema (tests/fixtures/ci_schemas, copied
  unchanged), and its suggestions applied as reviewdog applies them (UTF-8 byte
  columns) give the text ``citelint fix`` writes;
- GitLab Code Quality against a schema written from GitLab's documented fields,
  with fingerprints unique and unchanged when the findings move down the file;
- JUnit XML parsed by Python's XML parser, then held to the elements and
  attributes Jenkins' JUnit schema (xunit-plugin's junit-10.xsd) allows and
  requires.
"""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from helpers import cli

SCHEMAS = Path(__file__).parent / "fixtures" / "ci_schemas"

# Out of order (fix renumbers it), a near-miss fix rewrites ([Citation 3]), text
# other than ASCII before both on their lines, and a reference nothing cites.
CHAPTER = (
    "Café “naïve” text [CITATION 2] then — [CITATION 1] and 😀 [Citation 3].\n\n"
    "## References\n\n"
    '1. "Ünïcode" Press, 2020. https://example.com/1\n'
    '2. "Two" Press, 2021. https://example.com/2\n'
    '3. "Three" Press, 2022. https://example.com/3\n'
    '4. "Four" Press, 2023. https://example.com/4\n'
)


def report(fmt: str, *paths: str) -> tuple[int, str]:
    ran = cli("check", "--no-cache", "--format", fmt, *(paths or ("ch.md",)))
    return ran.code, ran.stdout


@pytest.fixture
def chapter(project: Path) -> Path:
    path = project / "ch.md"
    path.write_text(CHAPTER, encoding="utf-8")
    return path


# -- rdjson --------------------------------------------------------------------


def strict(schema: dict[str, Any]) -> dict[str, Any]:
    """reviewdog's schema with ``additionalProperties`` false on every message:
    a misspelt key (``sugestions``) would pass the published schema unread."""
    tight = copy.deepcopy(schema)
    for definition in tight["definitions"].values():
        definition["additionalProperties"] = False
    for definition in tight["definitions"].values():
        for value in definition["properties"].values():
            value.pop("additionalProperties", None)
    return tight


def rdjson_schema() -> dict[str, Any]:
    return json.loads((SCHEMAS / "reviewdog-DiagnosticResult.json").read_text(encoding="utf-8"))


def apply_byte_edits(data: bytes, suggestions: list[dict[str, Any]]) -> bytes:
    """Apply rdjson suggestions as reviewdog does: 1-based lines, UTF-8 byte columns, end exclusive."""
    starts = [0] + [index + 1 for index, byte in enumerate(data) if byte == 0x0A]

    def offset(position: dict[str, int]) -> int:
        return starts[position["line"] - 1] + position["column"] - 1

    for suggestion in sorted(suggestions, key=lambda s: offset(s["range"]["start"]), reverse=True):
        start, end = offset(suggestion["range"]["start"]), offset(suggestion["range"]["end"])
        data = data[:start] + suggestion["text"].encode("utf-8") + data[end:]
    return data


def test_rdjson_is_valid_against_reviewdogs_schema(chapter: Path) -> None:
    code, out = report("rdjson")
    assert code == 1
    document = json.loads(out)
    jsonschema.Draft4Validator.check_schema(rdjson_schema())
    jsonschema.validate(document, rdjson_schema(), cls=jsonschema.Draft4Validator)
    jsonschema.validate(document, strict(rdjson_schema()), cls=jsonschema.Draft4Validator)
    assert document["source"] == {"name": "citelint"} and document["severity"] == "ERROR"
    assert {d["code"]["value"] for d in document["diagnostics"]} >= {"CIT003", "CIT005", "CIT002"}


def test_a_misspelt_key_fails_the_strict_schema() -> None:
    bad = {"diagnostics": [{"message": "m", "location": {"path": "a.md"}, "sugestions": []}]}
    jsonschema.validate(bad, rdjson_schema(), cls=jsonschema.Draft4Validator)  # the published schema lets it by
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, strict(rdjson_schema()), cls=jsonschema.Draft4Validator)


def test_rdjson_locations_count_utf8_bytes(chapter: Path) -> None:
    document = json.loads(report("rdjson")[1])
    line = CHAPTER.splitlines()[0].encode("utf-8")
    for diagnostic in document["diagnostics"]:
        where = diagnostic["location"]["range"]
        if where["start"]["line"] != 1:
            continue
        start, end = where["start"]["column"] - 1, where["end"]["column"] - 1
        assert line[start:end].decode("utf-8").startswith("[C"), (diagnostic, line[start:end])


def test_rdjson_suggestions_are_the_fix(chapter: Path) -> None:
    """The renumbering's suggestions (on its finding and the INFO diagnostics that
    carry the rest of it), applied at byte columns, write what ``citelint fix``
    writes; the near-miss finding carries its own correction."""
    document = json.loads(report("rdjson")[1])
    renumbering = [d for d in document["diagnostics"] if d["code"]["value"] == "CIT003"]
    assert [d["severity"] for d in renumbering] == ["ERROR", "INFO", "INFO"]
    assert all(d["message"].startswith("part of the fix for CIT003 at line 1: renumber") for d in renumbering[1:])
    suggested = apply_byte_edits(chapter.read_bytes(), [s for d in renumbering for s in d["suggestions"]])
    [near_miss] = [d for d in document["diagnostics"] if d["code"]["value"] == "CIT005"]
    assert [s["text"] for s in near_miss["suggestions"]] == ["[CITATION 3]"]
    assert cli("fix", "ch.md").code in (0, 1)
    assert suggested == chapter.read_bytes()
    assert "[CITATION 1] then — [CITATION 2] and 😀 [CITATION 3]" in suggested.decode("utf-8")


def test_rdjson_suggestions_fit_reviewdogs_github_comments(chapter: Path) -> None:
    """reviewdog's GitHub reporter posts a suggestion only when it covers the
    comment's lines (the first suggestion's, else the location's): one suggestion
    a diagnostic, on the lines of the diagnostic it belongs to."""
    chapter.write_text(CHAPTER.replace("text [CITATION 2]", "text [CITATION 2] and [CITATION 3]\nand [CITATION 2]"), encoding="utf-8")
    document = json.loads(report("rdjson")[1])
    with_suggestions = [d for d in document["diagnostics"] if "suggestions" in d]
    assert with_suggestions
    for diagnostic in with_suggestions:
        [suggestion] = diagnostic["suggestions"]
        lines = (suggestion["range"]["start"]["line"], suggestion["range"]["end"]["line"])
        where = diagnostic["location"]["range"]
        assert lines[0] <= where["start"]["line"] <= lines[1], diagnostic


def test_rdjson_columns_with_crlf_and_a_bom(project: Path) -> None:
    (project / "ch.md").write_bytes(("\ufeff" + CHAPTER.replace("\n", "\r\n")).encode("utf-8"))
    document = json.loads(report("rdjson")[1])
    first = next(d for d in document["diagnostics"] if d["code"]["value"] == "CIT003")
    assert first["location"]["range"]["start"] == {"line": 1, "column": len("Café “naïve” text ".encode("utf-8")) + 1}


def test_rdjson_clean_run_and_file_errors(project: Path) -> None:
    (project / "ok.md").write_text("Nothing cited.\n", encoding="utf-8")
    (project / "bin.md").write_bytes(b"\x00")
    code, out = report("rdjson", "ok.md", "bin.md")
    assert code == 2
    document = json.loads(out)
    jsonschema.validate(document, strict(rdjson_schema()), cls=jsonschema.Draft4Validator)
    assert document["diagnostics"] == [
        {
            "message": "not linted: looks like a binary file (it contains NUL bytes); not linted",
            "location": {"path": "bin.md"},
            "severity": "ERROR",
            "code": {"value": "citelint-error"},
        }
    ]
    document = json.loads(report("rdjson", "ok.md")[1])
    assert document == {"source": {"name": "citelint"}, "severity": "UNKNOWN_SEVERITY", "diagnostics": []}


# -- GitLab Code Quality -------------------------------------------------------


def gitlab_schema() -> dict[str, Any]:
    return json.loads((SCHEMAS / "gitlab-codequality.schema.json").read_text(encoding="utf-8"))


def test_gitlab_is_valid_against_the_documented_fields(chapter: Path) -> None:
    code, out = report("gitlab")
    assert code == 1
    issues = json.loads(out)
    jsonschema.Draft202012Validator.check_schema(gitlab_schema())
    jsonschema.validate(issues, gitlab_schema(), cls=jsonschema.Draft202012Validator)
    assert {issue["check_name"] for issue in issues} >= {"CIT002", "CIT003", "CIT005"}
    severities = {issue["check_name"]: issue["severity"] for issue in issues}
    assert severities == {"CIT002": "major", "CIT003": "major", "CIT005": "major", "CIT006": "minor"}  # errors, a warning
    assert all(issue["location"]["path"] == "ch.md" for issue in issues)


def test_the_gitlab_schema_catches_what_gitlab_would_drop() -> None:
    good = {"description": "d", "check_name": "CIT001", "fingerprint": "f", "severity": "major", "location": {"path": "a.md", "lines": {"begin": 1}}}
    jsonschema.validate([good], gitlab_schema())
    for bad in ({**good, "severity": "error"}, {k: v for k, v in good.items() if k != "fingerprint"}, {**good, "location": {"path": "./a.md", "lines": {"begin": 1}}}, {**good, "location": {"path": "a.md"}}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate([bad], gitlab_schema())


def test_gitlab_fingerprints_are_unique_and_survive_line_shifts(chapter: Path) -> None:
    twice = CHAPTER.replace("[Citation 3].", "[Citation 3]. Again [Citation 3].")
    chapter.write_text(twice, encoding="utf-8")
    before = json.loads(report("gitlab")[1])
    fingerprints = [issue["fingerprint"] for issue in before]
    assert len(set(fingerprints)) == len(fingerprints) == len(before)
    chapter.write_text("# A new title\n\nA paragraph added above.\n\n" + twice, encoding="utf-8")
    after = json.loads(report("gitlab")[1])
    assert [issue["location"]["lines"]["begin"] for issue in after] == [issue["location"]["lines"]["begin"] + 4 for issue in before]
    assert [issue["fingerprint"] for issue in after] == fingerprints


def test_gitlab_paths_are_relative_to_the_repository_root(chapter: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (chapter.parent / "book").mkdir()
    chapter.rename(chapter.parent / "book" / "ch.md")
    monkeypatch.chdir(chapter.parent / "book")
    issues = json.loads(report("gitlab", "ch.md")[1])
    assert {issue["location"]["path"] for issue in issues} == {"book/ch.md"}


def test_gitlab_warnings_are_minor_and_errors_are_reported(project: Path) -> None:
    (project / "ch.md").write_text("Text [CITATION 1].\n\n## References\n\n1. \"One\" Press, 2020. https://example.com/1\n", encoding="utf-8")
    (project / "bin.md").write_bytes(b"\x00")
    code, out = report("gitlab", "ch.md", "bin.md")
    issues = json.loads(out)
    jsonschema.validate(issues, gitlab_schema())
    assert code == 2
    assert [(i["check_name"], i["severity"]) for i in issues] == [("citelint-error", "critical"), ("CIT006", "minor")]


# -- JUnit XML -----------------------------------------------------------------

# From jenkinsci/xunit-plugin's junit-10.xsd: each element's allowed children and
# attributes, and the attributes it requires.
XSD_CHILDREN = {
    "testsuites": {"testsuite"},
    "testsuite": {"testsuite", "properties", "testcase", "system-out", "system-err"},
    "testcase": {"skipped", "error", "failure", "rerunFailure", "rerunError", "system-out", "system-err"},
    "failure": set(),
    "error": set(),
    "system-out": set(),
}
XSD_ATTRIBUTES = {
    "testsuites": {"name", "time", "tests", "failures", "disabled", "errors"},
    "testsuite": {"name", "tests", "failures", "errors", "time", "disabled", "skipped", "skips", "timestamp", "hostname", "id", "package", "assertions", "file", "skip", "log", "url"},
    "testcase": {"name", "assertions", "time", "timestamp", "classname", "status", "class", "file", "line", "log", "group", "url"},
    "failure": {"type", "message"},
    "error": {"type", "message"},
    "system-out": set(),
}
XSD_REQUIRED = {"testsuite": {"tests"}, "testcase": {"name"}}


def check_junit_structure(element: ElementTree.Element) -> None:
    assert element.tag in XSD_CHILDREN, element.tag
    assert set(element.attrib) <= XSD_ATTRIBUTES[element.tag], (element.tag, element.attrib)
    assert XSD_REQUIRED.get(element.tag, set()) <= set(element.attrib), (element.tag, element.attrib)
    for child in element:
        assert child.tag in XSD_CHILDREN[element.tag], (element.tag, child.tag)
        check_junit_structure(child)


def junit(*paths: str) -> tuple[int, ElementTree.Element]:
    code, out = report("junit", *paths)
    return code, ElementTree.fromstring(out.encode("utf-8"))


def test_junit_has_the_structure_jenkins_reads(chapter: Path) -> None:
    code, root = junit()
    assert code == 1
    assert root.tag == "testsuites"
    check_junit_structure(root)
    [suite] = root
    [case] = suite.findall("testcase")
    assert case.get("name") == case.get("file") == "ch.md"
    failures = case.findall("failure")
    assert {failure.get("type") for failure in failures} >= {"CIT002", "CIT003", "CIT005"}
    assert suite.get("tests") == "1" and suite.get("failures") == "1" and suite.get("errors") == "0"
    assert all(failure.text and failure.text.startswith("ch.md:") for failure in failures)


def test_the_structure_check_can_fail() -> None:
    with pytest.raises(AssertionError):
        check_junit_structure(ElementTree.fromstring('<testsuites><testsuite name="x"/></testsuites>'))  # no tests=
    with pytest.raises(AssertionError):
        check_junit_structure(ElementTree.fromstring('<testsuites><testsuite tests="1"><failure/></testsuite></testsuites>'))


def test_junit_clean_run_errors_and_info(project: Path) -> None:
    (project / "ok.md").write_text("Nothing cited.\n", encoding="utf-8")
    code, root = junit("ok.md")
    assert code == 0
    check_junit_structure(root)
    [case] = root.iter("testcase")
    assert case.get("name") == "citelint" and not list(case.iter("failure"))
    assert case.findtext("system-out") == "1 file checked: no problems"
    (project / "bin.md").write_bytes(b"\x00")
    code, root = junit("ok.md", "bin.md")
    assert code == 2
    check_junit_structure(root)
    [case] = root.iter("testcase")
    assert case.get("name") == "bin.md" and case.find("error") is not None
    assert root.find("testsuite").get("errors") == "1"


def test_junit_as_junitparser_reads_it(chapter: Path, tmp_path: Path) -> None:
    """junitparser, the reader Python's report tools use, sees one suite, the
    file as a failed case, and each error or warning as a failure of its rule."""
    from junitparser import Failure, JUnitXml

    report_file = tmp_path / "citelint-junit.xml"
    report_file.write_text(report("junit")[1], encoding="utf-8")
    [suite] = JUnitXml.fromfile(str(report_file))
    assert (suite.name, suite.tests, suite.failures, suite.errors) == ("citelint", 1, 1, 0)
    [case] = list(suite)
    assert case.name == "ch.md" and not case.is_passed
    assert sorted(result.type for result in case.result if isinstance(result, Failure)) == ["CIT002", "CIT003", "CIT005", "CIT006"]


def test_rdjson_of_standard_input_keeps_the_edits_as_they_are(project: Path) -> None:
    """Standard input cannot be read back: one suggestion an edit, in character columns."""
    ran = cli("check", "--no-cache", "--format", "rdjson", "--stdin-filename", "draft.md", "-", input=CHAPTER)
    document = json.loads(ran.stdout)
    jsonschema.validate(document, strict(rdjson_schema()), cls=jsonschema.Draft4Validator)
    [renumbering] = [d for d in document["diagnostics"] if d["code"]["value"] == "CIT003"]
    assert renumbering["location"]["range"]["start"] == {"line": 1, "column": len("Café “naïve” text ") + 1}
    assert len(renumbering["suggestions"]) >= 4
    assert renumbering["suggestions"][0] == {
        "range": {"start": {"line": 1, "column": 19}, "end": {"line": 1, "column": 31}},
        "text": "[CITATION 1]",
    }


def test_rdjson_suggestions_come_from_the_result_cache_too(chapter: Path) -> None:
    """A text run fills the result cache without the renumbering; rdjson asks for it."""
    assert cli("check", "ch.md").code == 1
    cached = json.loads(cli("check", "--format", "rdjson", "ch.md").stdout)
    fresh = json.loads(report("rdjson")[1])
    assert cached == fresh
    assert sum("suggestions" in d for d in cached["diagnostics"]) == 4
