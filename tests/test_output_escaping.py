"""Nothing a chapter, a file name or a server writes can act on the reader's
terminal or CI log: control characters (C0 but the line ends a format uses,
DEL, C1) and bidirectional overrides, isolates and marks are shown escaped in
every format, on standard error, and in what ``fix`` prints.

Controls are shown as ``\\x1b`` (``\\n``, ``\\t``), bidirectional characters as
``<U+202E>``; JSON and SARIF carry the same text in their strings, and the exact
text of a fix's edits as ``\\u202e`` escapes that decode to it.
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import pytest
from click.testing import CliRunner, Result

from citelint.cli import cli as main
from citelint.diagnostics import printable

# What must never reach a reader raw: C0 but LF, DEL, C1, bidi controls and marks, line separators.
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"

NAME = "b\u202e\u2067\x07\u009bad.md"
SHOWN_NAME = "b<U+202E><U+2067>\\x07\\x9bad.md"
MARKER = "[CITATION a\x1bc\x07\x9b\u202e\u2066\u200e\u200f\u061c\u2028b]"
SHOWN_MARKER = "[CITATION a\\x1bc\\x07\\x9b<U+202E><U+2066><U+200E><U+200F><U+061C><U+2028>b]"
CHAPTER = (
    f"Text {MARKER} and [CITATION 2] then [CITATION 1].\n\n## References\n\n"
    '1. "A" P, 2020. https://example.com/a\n'
    '2. "B\u202e\u2066" P, 2021. https://example.com/b\n'
)


def assert_safe(text: str) -> None:
    found = UNSAFE.search(text)
    assert found is None, f"raw U+{ord(found.group()):04X} in {text[max(0, found.start() - 60):found.end() + 60]!r}"


def strings(value: Any, skip: frozenset[str] = frozenset()) -> Iterator[str]:
    """Every string in a decoded JSON document (keys too), but under ``skip`` keys."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from strings(item, skip)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            if key not in skip:
                yield from strings(item, skip)


@pytest.fixture
def book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / NAME).write_text(CHAPTER, encoding="utf-8")
    (tmp_path / "bin\u202e\u2069.md").write_bytes(b"\x00")
    return tmp_path


def check(*args: str) -> Result:
    return CliRunner().invoke(main, ["check", "--no-cache", *args, "."])


def test_printable_shows_controls_and_bidi_characters() -> None:
    assert printable("a\x1b[2J\x07\x9b\t\n") == "a\\x1b[2J\\x07\\x9b\\t\\n"
    assert printable("".join(BIDI) + "\u2028\u2029") == "".join(f"<U+{ord(c):04X}>" for c in BIDI + "\u2028\u2029")
    assert printable("العربية עברית café 😀 \u00a0") == "العربية עברית café 😀 \u00a0"  # right-to-left text is text
    assert printable(printable(NAME)) == printable(NAME) == SHOWN_NAME


def test_text(book: Path) -> None:
    result = check()
    assert result.exit_code == 2
    assert_safe(result.stdout)
    assert_safe(result.stderr)
    assert f"{SHOWN_NAME}:1:6: CIT005 malformed citation marker: `{SHOWN_MARKER}`" in result.stdout
    assert result.stderr == "citelint: error: bin<U+202E><U+2069>.md: looks like a binary file (it contains NUL bytes); not linted\n"


def test_statistics(book: Path) -> None:
    result = check("--statistics")
    assert result.exit_code == 2 and "CIT005" in result.stdout
    assert_safe(result.stdout)
    assert_safe(result.stderr)


def test_json(book: Path) -> None:
    result = check("--format", "json")
    assert_safe(result.stdout)
    document = json.loads(result.stdout)
    for text in strings(document, skip=frozenset({"content"})):
        assert_safe(text)
    marker, renumbering = document["diagnostics"][:2]
    assert marker["path"] == SHOWN_NAME and SHOWN_MARKER in marker["message"]
    assert document["errors"] == [{"path": "bin<U+202E><U+2069>.md", "message": "looks like a binary file (it contains NUL bytes); not linted"}]
    # a fix's edits are the exact text to write: escaped in JSON's own way, decoded as written
    contents = [edit["content"] for edit in renumbering["fix"]["edits"]]
    assert '1. "B\u202e\u2066" P, 2021. https://example.com/b' in contents
    assert "\\u202e\\u2066" in result.stdout


def test_sarif(book: Path) -> None:
    result = check("--format", "sarif")
    assert_safe(result.stdout)
    run = json.loads(result.stdout)["runs"][0]
    for text in strings(run):
        assert_safe(text)
    assert SHOWN_MARKER in run["results"][0]["message"]["text"]
    [notification] = run["invocations"][0]["toolExecutionNotifications"]
    assert notification["message"]["text"].startswith("bin<U+202E><U+2069>.md: looks like a binary file")


def test_github(book: Path) -> None:
    result = check("--format", "github")
    assert_safe(result.stdout)
    assert f"::error file={SHOWN_NAME},line=1,col=6," in result.stdout
    assert f"::malformed citation marker: `{SHOWN_MARKER}`" in result.stdout
    assert "::error file=bin<U+202E><U+2069>.md,title=citelint::looks like a binary file" in result.stdout


def test_fix_says_what_it_did_in_escaped_names(book: Path) -> None:
    result = CliRunner().invoke(main, ["fix", NAME])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{SHOWN_NAME}: renumbered 2 markers, moved 2 references\n"
    (book / NAME).write_text(CHAPTER.replace("[CITATION 1]", "[CITATION 9] and [CITATION 1]"), encoding="utf-8")  # out of order, and 9 has no entry
    result = CliRunner().invoke(main, ["fix", NAME])
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{SHOWN_NAME}: not fixed: ")
    assert_safe(result.stdout)


def test_fix_diff_escapes_the_names_and_keeps_the_text(book: Path) -> None:
    """A diff must apply: its body is the chapter's own text; the names in its
    headers are shown escaped, as everywhere."""
    result = CliRunner().invoke(main, ["fix", "--diff", NAME])
    assert result.exit_code == 1
    head, body = result.stdout.split("\n@@", 1)
    assert head == f"--- a/{SHOWN_NAME}\n+++ b/{SHOWN_NAME}"
    assert_safe(head)
    assert '\n-2. "B\u202e\u2066" P, 2021. https://example.com/b\n' in body
    assert '\n+1. "B\u202e\u2066" P, 2021. https://example.com/b\n' in body


def test_fix_of_standard_input_under_a_hostile_name(book: Path) -> None:
    result = CliRunner().invoke(main, ["fix", "--stdin-filename", NAME, "-"], input=CHAPTER.encode("utf-8"))
    assert result.exit_code == 0
    assert result.stderr == f"{SHOWN_NAME}: renumbered 2 markers, moved 2 references\n"
    assert '1. "B\u202e\u2066" P, 2021.' in result.stdout  # the text itself, exact


# -- a server's reason phrase ----------------------------------------------------

REASON = "Not\x1b]0;owned\x07 Found\x9b\x1b[2J"
SHOWN_REASON = "Not\\x1b]0;owned\\x07 Found\\x9b\\x1b[2J"


@pytest.fixture
def server() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def answer(self) -> None:
            self.send_response(404, REASON)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_HEAD = answer  # noqa: N815

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/gone"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "gitlab", "junit", "rdjson"])
def test_a_servers_reason_phrase(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: str, fmt: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / "ch.md").write_text(f'A [CITATION 1].\n\n## References\n\n1. "Gone" P, 2020. {server}\n', encoding="utf-8")
    result = CliRunner().invoke(
        main, ["check", "--urls", "--allow-private", "--cache-dir", str(tmp_path / "cache"), "--format", fmt, "ch.md"]
    )
    assert_safe(result.stdout)
    assert_safe(result.stderr)
    assert "URL001" in result.stdout, result.output
    if fmt in ("json", "sarif", "gitlab", "rdjson"):
        for text in strings(json.loads(result.stdout)):
            assert_safe(text)
        assert SHOWN_REASON.replace("\\", "\\\\") in result.stdout
    else:
        assert SHOWN_REASON in result.stdout


# -- the formats other CIs read ----------------------------------------------------


def test_gitlab(book: Path) -> None:
    result = check("--format", "gitlab")
    assert_safe(result.stdout)
    issues = json.loads(result.stdout)
    for text in strings(issues):
        assert_safe(text)
    assert issues[0] == {**issues[0], "check_name": "citelint-error", "location": {"path": "bin<U+202E><U+2069>.md", "lines": {"begin": 1}}}
    marker = next(issue for issue in issues if issue["check_name"] == "CIT005")
    assert marker["location"]["path"] == SHOWN_NAME and SHOWN_MARKER in marker["description"]


def test_junit(book: Path) -> None:
    import xml.etree.ElementTree as ElementTree

    result = check("--format", "junit")
    assert_safe(result.stdout)
    root = ElementTree.fromstring(result.stdout.encode("utf-8"))
    texts = [value for element in root.iter() for value in (element.text or "", *element.attrib.values())]
    for text in texts:
        assert_safe(text)
    cases = {case.get("name"): case for case in root.iter("testcase")}
    assert set(cases) == {SHOWN_NAME, "bin<U+202E><U+2069>.md"}
    assert any(SHOWN_MARKER in (failure.get("message") or "") for failure in cases[SHOWN_NAME].iter("failure"))


def test_junit_never_writes_what_xml_forbids() -> None:
    """U+FFFE and U+FFFF are printable to Python's eyes and not XML characters."""
    from citelint.report.junit_format import attribute, text

    assert text("a\ufffe<b>\uffff&") == "a\\ufffe&lt;b&gt;\\uffff&amp;"
    assert attribute('"\x1b\u202e"') == '\'"\\x1b&lt;U+202E&gt;"\''


def test_rdjson(book: Path) -> None:
    result = check("--format", "rdjson")
    assert_safe(result.stdout)
    document = json.loads(result.stdout)
    for text in strings(document, skip=frozenset({"text"})):
        assert_safe(text)
    marker = next(d for d in document["diagnostics"] if d["code"]["value"] == "CIT005")
    assert marker["location"]["path"] == SHOWN_NAME and SHOWN_MARKER in marker["message"]
    # a suggestion is the exact text to write: escaped in JSON's own way, decoded as written
    texts = [s["text"] for d in document["diagnostics"] for s in d.get("suggestions", [])]
    assert '1. "B\u202e\u2066" P, 2021. https://example.com/b' in texts
    assert "\\u202e\\u2066" in result.stdout


# GitHub's runner reads `##[command]` anywhere in a log line, and `::command::` at a
# line's start (after blanks), as workflow commands: a chapter's text, its name or a
# server's words must not raise a fake failure or silence the job's annotations.
COMMAND_NAME = "::warning::x.md"
COMMAND_CHAPTER = (
    "A claim. [CITATION 2] Another. [CITATION 1]\n\n## References\n\n"
    '1. "A" P, 2020. https:/##[error]boom\n'
    '2. "B" P, 2021. https://example.com/b ##[stop-commands]token\n'
)
OUR_COMMANDS = ("::error ", "::warning ", "::notice ")


@pytest.fixture
def commanding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / COMMAND_NAME).write_text(COMMAND_CHAPTER, encoding="utf-8")
    return tmp_path


def assert_no_workflow_command(output: str, fmt: str = "text") -> None:
    for line in output.splitlines():
        assert "##[" not in line, line
        if line.lstrip().startswith("::"):
            assert fmt == "github" and line.startswith(OUR_COMMANDS), line


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "gitlab", "junit", "rdjson", "statistics"])
def test_workflow_commands_in_a_chapter_or_its_name_stay_text(commanding: Path, fmt: str) -> None:
    chosen = ["--statistics"] if fmt == "statistics" else ["--format", fmt]
    result = CliRunner().invoke(main, ["check", "--no-cache", *chosen, "."])
    assert result.exit_code == 1, result.output
    assert_no_workflow_command(result.stdout, fmt)
    assert_no_workflow_command(result.stderr)
    if fmt == "text":
        assert "./::warning::x.md:5:1: CIT008" in result.stdout
        assert "`https:/##\\[error]boom`" in result.stdout  # shown, with its `[` escaped
    if fmt == "github":
        assert "file=%3A%3Awarning%3A%3Ax.md," in result.stdout
    if fmt == "json":  # a fix's edits stay exact: the escape decodes to the text
        edits = [edit["content"] for item in json.loads(result.stdout)["diagnostics"] if item["fix"] for edit in item["fix"]["edits"]]
        assert '2. "A" P, 2020. https:/##[error]boom' in edits


def test_fix_says_what_it_did_under_a_commanding_name(commanding: Path) -> None:
    result = CliRunner().invoke(main, ["fix", COMMAND_NAME])
    assert result.stdout.startswith("./::warning::x.md: renumbered 2 markers"), result.output
    assert_no_workflow_command(result.stdout)


def test_printable_escapes_the_legacy_command_prefix_once() -> None:
    assert printable("a ##[error]b ##[x") == "a ##\\[error]b ##\\[x"
    assert printable(printable("a ##[error]b")) == printable("a ##[error]b")


def test_the_book_order_lists_a_commanding_name_as_text(commanding: Path) -> None:
    result = CliRunner().invoke(main, ["book"])
    assert result.exit_code == 0, result.output
    assert "./::warning::x.md" in result.stdout.splitlines()
    assert_no_workflow_command(result.stdout)
