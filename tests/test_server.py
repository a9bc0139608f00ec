"""``citelint server`` end to end: pygls's own LanguageClient starts
``python -m citelint server`` as an editor would and talks to it over stdio.

Positions are checked against an independent reading of the text in the
encoding the server agreed to (UTF-16 by default, UTF-8 when the client offers
it); every edit the server offers is applied here and compared with what
``citelint fix`` (or ``check``) makes of the same text. Waits are for events,
with generous timeouts; nothing is timed.
"""

from __future__ import annotations

import ast
import asyncio
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Awaitable, Callable, Optional, Sequence

import pytest

from citelint import fix_text, lint_text
from citelint.config import load_settings

import lsprotocol.types as lsp  # the test extra installs pygls, as the server extra does
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "manuscript" / "chapter-38.md"
WAIT = 60.0  # seconds: generous, for a loaded machine; no assertion depends on it
SERVER = ("-m", "citelint", "server")  # the server's command line after the interpreter


# -- an independent reading of positions ------------------------------------------


def _units(text: str, encoding: str) -> int:
    return len(text.encode("utf-16-le")) // 2 if encoding == "utf-16" else len(text.encode("utf-8"))


def offset_of(text: str, position: Any, encoding: str) -> int:
    """The offset of an LSP position in ``text`` (lines end at \\n here)."""
    lines = text.split("\n")
    start = sum(len(line) + 1 for line in lines[: position.line])
    line = lines[position.line] if position.line < len(lines) else ""
    counted = 0
    for index, character in enumerate(line):
        if counted >= position.character:
            return start + index
        counted += _units(character, encoding)
    return start + len(line)


def position_of(text: str, offset: int, encoding: str) -> tuple[int, int]:
    line = text.count("\n", 0, offset)
    line_start = text.rfind("\n", 0, offset) + 1
    return line, _units(text[line_start:offset], encoding)


def apply(text: str, edits: list[Any], encoding: str = "utf-16") -> str:
    """The text with LSP TextEdits applied (all given against ``text``)."""
    spans = sorted(((offset_of(text, e.range.start, encoding), offset_of(text, e.range.end, encoding), e.new_text) for e in edits), reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


# -- a session with the server ------------------------------------------------------


class Session:
    """One server process and the client talking to it."""

    def __init__(self, client: LanguageClient, encoding: str) -> None:
        self.client = client
        self.encoding = encoding
        self.diagnostics: dict[str, list[Any]] = {}
        self.versions: dict[str, Optional[int]] = {}
        self.arrived = asyncio.Event()
        self.registrations: list[Any] = []
        self.progress: list[tuple[str, Any]] = []

    async def wait_for(self, uri: str, ready: Callable[[list[Any]], bool] = lambda found: True) -> list[Any]:
        async def until() -> list[Any]:
            while uri not in self.diagnostics or not ready(list(self.diagnostics[uri])):
                self.arrived.clear()
                await self.arrived.wait()
            return list(self.diagnostics[uri])

        return await asyncio.wait_for(until(), WAIT)

    def open(self, uri: str, text: str, language: str = "markdown") -> None:
        self.diagnostics.pop(uri, None)
        self.client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)))

    def change_all(self, uri: str, text: str, version: int) -> None:
        self.diagnostics.pop(uri, None)
        change = lsp.TextDocumentContentChangeWholeDocument(text=text)
        self.client.text_document_did_change(lsp.DidChangeTextDocumentParams(lsp.VersionedTextDocumentIdentifier(uri=uri, version=version), [change]))


def run_session(
    scenario: Callable[[Session], Awaitable[None]],
    encodings: Optional[list[str]] = None,
    cwd: Optional[Path] = None,
    env: Optional[dict[str, str]] = None,
    document_changes: bool = False,
    server: Sequence[str] = SERVER,
) -> None:
    """``document_changes``: the client takes edits as versioned document changes;
    ``server``: the interpreter's arguments that run the server."""
    asyncio.run(_session(scenario, encodings, cwd, env, document_changes, server))


async def _session(
    scenario: Callable[[Session], Awaitable[None]],
    encodings: Optional[list[str]],
    cwd: Optional[Path],
    env: Optional[dict[str, str]],
    document_changes: bool = False,
    server: Sequence[str] = SERVER,
) -> None:
    client = LanguageClient("citelint-tests", "1")
    session = Session(client, "utf-16")

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def diagnostics(params: Any) -> None:
        session.diagnostics[params.uri] = params.diagnostics
        session.versions[params.uri] = params.version
        session.arrived.set()

    @client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
    def register(params: Any) -> None:
        session.registrations += params.registrations

    @client.feature(lsp.WINDOW_WORK_DONE_PROGRESS_CREATE)
    def progress_created(params: Any) -> None:
        session.progress.append(("create", params.token))

    @client.feature(lsp.PROGRESS)
    def progress(params: Any) -> None:
        session.progress.append((getattr(params.value, "kind", None) or params.value.get("kind"), params.token))

    general = lsp.GeneralClientCapabilities(position_encodings=encodings) if encodings else None
    capabilities = lsp.ClientCapabilities(
        general=general,
        workspace=lsp.WorkspaceClientCapabilities(
            did_change_watched_files=lsp.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True),
            workspace_edit=lsp.WorkspaceEditClientCapabilities(document_changes=True) if document_changes else None,
        ),
        window=lsp.WindowClientCapabilities(work_done_progress=True),
    )
    await drive(client, session, scenario, cwd or ROOT, lsp.InitializeParams(capabilities=capabilities, root_uri=(cwd or ROOT).as_uri()), env, server)


async def drive(
    client: LanguageClient,
    session: Session,
    scenario: Callable[[Session], Awaitable[None]],
    cwd: Path,
    params: lsp.InitializeParams,
    env: Optional[dict[str, str]] = None,
    server: Sequence[str] = SERVER,
) -> None:
    """Start ``citelint server`` in ``cwd`` (``server``: the interpreter's
    arguments that run it), initialize it with ``params`` (the session's position
    encoding is the one it chooses), play ``scenario``, and shut it down: it must
    exit 0, and it is killed if the scenario fails."""
    environment = {**os.environ, "CITELINT_ALLOW_PRIVATE": "", **(env or {})}
    await client.start_io(sys.executable, *server, cwd=str(cwd), env=environment)
    stderr: list[bytes] = []
    drain = asyncio.create_task(_drain(client, stderr))
    try:
        result = await asyncio.wait_for(client.initialize_async(params), WAIT)
        session.encoding = str(getattr(result.capabilities.position_encoding, "value", result.capabilities.position_encoding) or "utf-16")
        client.initialized(lsp.InitializedParams())
        await scenario(session)
        await asyncio.wait_for(client.shutdown_async(None), WAIT)
        client.exit(None)
        await asyncio.wait_for(client.stop(), WAIT)
        assert client._server is not None and client._server.returncode == 0, b"".join(stderr).decode(errors="replace")
    finally:
        if client._server is not None and client._server.returncode is None:
            client._server.kill()
            await client._server.wait()
        drain.cancel()


async def _drain(client: LanguageClient, into: list[bytes]) -> None:
    """Read the server's standard error, so that its log never fills the pipe."""
    stream = client._server.stderr if client._server is not None else None
    while stream is not None and (chunk := await stream.read(65536)):
        into.append(chunk)


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def plain_text_form(markdown: str) -> str:
    """The seed chapter as a plain-text chapter: headings without ``#``."""
    return re.sub(r"^#+ ", "", markdown, flags=re.MULTILINE)


def marker_offset(text: str, marker: str, nth: int = 0) -> int:
    found = [match.start() for match in re.finditer(re.escape(marker), text)]
    return found[nth]


def pos(text: str, offset: int, encoding: str = "utf-16") -> Any:
    return lsp.Position(*position_of(text, offset, encoding))


# -- the command ---------------------------------------------------------------------


def test_check_never_imports_the_server_or_pygls() -> None:
    code = (
        "import sys\n"
        "from citelint.cli import main\n"
        "try:\n    main(['check', '--no-cache', 'manuscript'])\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in ('pygls', 'lsprotocol', 'citelint.server', 'citelint.server.lsp') if m in sys.modules), file=sys.stderr)\n"
    )
    ran = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert ran.stderr.strip().splitlines()[-1] == "[]"


def test_without_pygls_the_server_says_how_to_install_it_and_exits_2() -> None:
    code = "import sys\nsys.modules['pygls'] = None\nfrom citelint.cli import main\nmain(['server'])\n"
    ran = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert ran.returncode == 2
    lines = ran.stderr.strip().splitlines()
    assert len(lines) == 1 and 'pip install ".[server]"' in lines[0], ran.stderr
    assert "Traceback" not in ran.stderr and "git+" not in ran.stderr


def test_the_editor_set_up_is_documented_and_linked() -> None:
    editors = (ROOT / "docs" / "editors.md").read_text(encoding="utf-8")
    for editor in ("## VS Code", "## Neovim", "## Helix", "## Zed", "## Emacs (eglot)"):
        assert editor in editors
    assert 'pip install ".[server]"' in editors and "git+" not in editors
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/editors.md)" in readme and "\ncitelint server " in readme


# -- diagnostics -------------------------------------------------------------------------


@pytest.mark.slow
def test_diagnostics_on_open_land_where_check_puts_them() -> None:
    text = seed_text()
    uri = SEED.as_uri()

    async def scenario(session: Session) -> None:
        session.open(uri, text)
        found = await session.wait_for(uri)
        expected = lint_text(text, None, str(SEED))
        assert [d.code for d in found] == [d.code for d in expected] == ["CIT003"]
        start = found[0].range.start
        # check says line 11, column 623 (1-based characters); the seed's line is ASCII before it
        assert (start.line, start.character) == (10, 622)
        assert found[0].severity == lsp.DiagnosticSeverity.Error
        assert found[0].source == "citelint"
        assert "citation-out-of-order" in found[0].message
        assert found[0].code_description.href.endswith("docs/rules.md#cit003-citation-out-of-order")
        assert Path(found[0].code_description.href.removeprefix("file://").split("#")[0]).is_file()

    run_session(scenario)


EMOJI_PREFIX = "Emoji 😀🎉 and CJK 漢字かな before it: "


def _wide_chapter() -> str:
    """A chapter whose out-of-order marker follows characters outside the BMP and CJK."""
    return (
        "A line separator\u2028and a form feed\x0c stay inside this line, as LSP counts lines.\n\n"
        f"{EMOJI_PREFIX}first [CITATION 2] then [CITATION 1] here.\n\n"
        "## References\n\n"
        "1. \"Alpha\" 2020. https://example.org/a\n"
        "2. \"Beta\" 2021. https://example.org/b\n"
    )


@pytest.mark.slow
@pytest.mark.parametrize("offered", [None, ["utf-16", "utf-8"]])  # UTF-8 whenever offered
def test_ranges_after_emoji_and_cjk_land_on_the_marker(offered: Optional[list[str]], tmp_path: Path) -> None:
    text = _wide_chapter()
    path = tmp_path / "wide.md"
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()

    async def scenario(session: Session) -> None:
        assert session.encoding == ("utf-8" if offered else "utf-16")
        session.open(uri, text)
        found = await session.wait_for(uri)
        assert [d.code for d in found] == ["CIT003"]
        where = found[0].range
        start, end = offset_of(text, where.start, session.encoding), offset_of(text, where.end, session.encoding)
        assert text[start:end] == "[CITATION 2]"
        expected_units = _units(EMOJI_PREFIX + "first ", session.encoding)
        assert where.start.character == expected_units
        assert expected_units != len(EMOJI_PREFIX + "first ")  # the encodings differ here: the test can fail

    run_session(scenario, encodings=offered, cwd=tmp_path)


@pytest.mark.slow
def test_diagnostics_follow_the_editor_text_not_the_disk(tmp_path: Path) -> None:
    path = tmp_path / "chapter.md"
    ordered = "One [CITATION 1] and two [CITATION 2] here.\n\n## References\n\n1. \"A\" 2020. https://example.org/a\n2. \"B\" 2021. https://example.org/b\n"
    path.write_text(ordered, encoding="utf-8")
    uri = path.as_uri()

    async def scenario(session: Session) -> None:
        session.open(uri, ordered)
        assert await session.wait_for(uri) == []
        swapped = ordered.replace("One [CITATION 1] and two [CITATION 2]", "One [CITATION 2] and two [CITATION 1]")
        for version in range(2, 6):  # typing: several changes, one debounced lint of the last
            session.change_all(uri, swapped if version == 5 else ordered + " " * version, version)
        found = await session.wait_for(uri, lambda found: bool(found))
        assert [d.code for d in found] == ["CIT003"]
        assert session.versions[uri] == 5
        assert path.read_text(encoding="utf-8") == ordered  # nothing written to disk

    run_session(scenario, cwd=tmp_path)


@pytest.mark.slow
def test_a_chapter_whose_uri_is_percent_encoded_is_linted_and_answered(tmp_path: Path) -> None:
    """A folder named 'rust-lang+book' or 'My Book' is sent as %2B / %20 (VS Code
    encodes every reserved character): pygls keys open documents by the decoded
    URI, and the server looked them up by the client's — no diagnostic ever came,
    and every request said the chapter was not open. Found on /work/real's corpora."""
    path = tmp_path / "my book+notes" / "chapter é.md"
    path.parent.mkdir()
    text = "One [CITATION 2] and two [CITATION 1] here.\n\n## References\n\n1. \"A\" 2020. https://example.org/a\n2. \"B\" 2021. https://example.org/b\n"
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    assert "%20" in uri and "%2B" in uri
    by_cli = _fix_by_cli(tmp_path, path.name, text)

    async def scenario(session: Session) -> None:
        session.open(uri, text)
        found = await session.wait_for(uri)
        assert [d.code for d in found] == ["CIT003"]
        whole = lsp.Range(lsp.Position(0, 0), lsp.Position(10_000, 0))
        (fix_all,) = await _actions(session, uri, whole, [], ["source.fixAll"])
        assert list(fix_all.edit.changes) == [uri]
        assert apply(text, fix_all.edit.changes[uri], session.encoding) == by_cli
        hover = await session.client.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(uri), pos(text, text.index("[CITATION 2]") + 1)))
        assert hover is not None and '**[2]** "B" 2021.' in hover.contents.value
        session.change_all(uri, text.replace("[CITATION 2] and two [CITATION 1]", "[CITATION 1] and two [CITATION 2]"), 2)
        assert await session.wait_for(uri) == []

    run_session(scenario, cwd=tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("pattern", ["book", "*/ch1.md"], ids=["mdbook-output-folder", "one-level-down"])
def test_exclude_is_matched_from_the_projects_root_not_the_folders_above_it(tmp_path: Path, pattern: str) -> None:
    """The editor names a chapter by its absolute path: `exclude` was matched
    against it whole, so the folders above the project counted. A project in a
    folder named 'book' that excludes mdBook's output folder 'book' showed nothing
    at all in the editor, and '*/ch1.md' (one level down) hid the root's ch1.md,
    while `citelint check` at the root reports both."""
    root = tmp_path / "book"
    (root / ".git").mkdir(parents=True)
    (root / ".citelint.toml").write_text(f'exclude = ["{pattern}"]\n', encoding="utf-8")
    text = "One [CITATION 2] and two [CITATION 1] here.\n\n## References\n\n1. \"A\" 2020. https://example.org/a\n2. \"B\" 2021. https://example.org/b\n"
    (root / "ch1.md").write_text(text, encoding="utf-8")
    ran = subprocess.run([sys.executable, "-m", "citelint", "check", "--no-cache", "--format", "json"], cwd=root, capture_output=True, text=True, timeout=120)
    assert [(d["path"], d["code"]) for d in json.loads(ran.stdout)["diagnostics"]] == [("ch1.md", "CIT003")]
    absolute = subprocess.run([sys.executable, "-m", "citelint", "check", "--no-cache", "--format", "json", str(root / "ch1.md")], cwd=root, capture_output=True, text=True, timeout=120)
    assert [d["code"] for d in json.loads(absolute.stdout)["diagnostics"]] == ["CIT003"]  # the same file named by its absolute path
    uri = (root / "ch1.md").as_uri()

    async def scenario(session: Session) -> None:
        session.open(uri, text)
        assert [d.code for d in await session.wait_for(uri)] == ["CIT003"]

    run_session(scenario, cwd=root)


CONSISTENT_CH1 = '# One\n\nA claim. [CITATION 1]\n\n## References\n\n1. Smith, Jane. "A Study of Things." Example Press, 2019. https://example.com/study\n'
CONSISTENT_CH2 = '# Two\n\nAnother claim. [CITATION 1]\n\n## References\n\n1. Smith, Jane. "A Study of Things." Example Press, 2020. https://example.com/study\n'


def test_an_open_chapter_shows_cit014_as_check_of_its_folder_does(tmp_path: Path) -> None:
    """The same work with another year in an earlier chapter: `check` of the folder
    reports CIT014 at the later chapter; so does the server, open or not the earlier
    one, and an unsaved edit of the earlier one that makes the two agree clears it."""
    (tmp_path / ".git").mkdir()
    book = tmp_path / "book"
    book.mkdir()
    (book / "ch1.md").write_text(CONSISTENT_CH1, encoding="utf-8")
    (book / "ch2.md").write_text(CONSISTENT_CH2, encoding="utf-8")
    ran = subprocess.run([sys.executable, "-m", "citelint", "check", "--no-cache", "--format", "json", "book"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    expected = [(d["code"], d["line"] - 1, d["message"]) for d in json.loads(ran.stdout)["diagnostics"]]
    assert [(code, line) for code, line, _ in expected] == [("CIT014", 6)] and "book/ch1.md (line 7)" in expected[0][2]

    async def scenario(session: Session) -> None:
        ch1, ch2 = (book / "ch1.md").as_uri(), (book / "ch2.md").as_uri()
        session.open(ch2, CONSISTENT_CH2)
        found = await session.wait_for(ch2)
        assert [(d.code, d.range.start.line, d.message) for d in found] == [(code, line, f"{message} [inconsistent-reference]") for code, line, message in expected]
        session.open(ch1, CONSISTENT_CH1)
        assert await session.wait_for(ch1) == []  # reported at the later chapter only
        session.change_all(ch1, CONSISTENT_CH1.replace("2019", "2020"), 2)
        assert await session.wait_for(ch2, lambda found: not found) == []

    run_session(scenario, cwd=tmp_path)


def test_a_chapter_outside_any_project_is_compared_with_no_other_file(tmp_path: Path) -> None:
    """No configuration, no repository (a file opened from anywhere, the home
    folder): the folder is no book, and its files are not read, as `check` of the
    file alone compares nothing."""
    from citelint.files import repository_root

    assert repository_root(str(tmp_path)) is None
    (tmp_path / "ch1.md").write_text(CONSISTENT_CH1, encoding="utf-8")
    (tmp_path / "ch2.md").write_text(CONSISTENT_CH2, encoding="utf-8")

    async def scenario(session: Session) -> None:
        uri = (tmp_path / "ch2.md").as_uri()
        session.open(uri, CONSISTENT_CH2)
        assert await session.wait_for(uri) == []

    run_session(scenario, cwd=tmp_path)


# -- code actions ------------------------------------------------------------------------------


async def _actions(session: Session, uri: str, where: Any, diagnostics: list[Any], only: Optional[list[str]] = None) -> list[Any]:
    params = lsp.CodeActionParams(lsp.TextDocumentIdentifier(uri), where, lsp.CodeActionContext(diagnostics=diagnostics, only=only))
    return list(await asyncio.wait_for(session.client.text_document_code_action_async(params), WAIT) or [])


def _fix_by_cli(tmp_path: Path, name: str, text: str) -> str:
    """What `citelint fix` writes for the text, run as a writer runs it."""
    path = tmp_path / "by-cli" / name
    path.parent.mkdir(exist_ok=True)
    (tmp_path / "by-cli" / ".git").mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    subprocess.run([sys.executable, "-m", "citelint", "fix", "--quiet", name], cwd=path.parent, capture_output=True, timeout=120)
    return path.read_text(encoding="utf-8")


@pytest.mark.slow
def test_each_quick_fix_and_fix_all_give_what_citelint_fix_gives(tmp_path: Path) -> None:
    text = seed_text().replace("[CITATION 2]", "[Citation 2]", 1)  # a near-miss as well as the order
    path = tmp_path / "chapter-38.md"
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    by_cli = _fix_by_cli(tmp_path, path.name, text)
    assert by_cli == fix_text(text, None, str(path)).text != text

    async def scenario(session: Session) -> None:
        session.open(uri, text)
        found = await session.wait_for(uri)
        assert sorted(d.code for d in found) == ["CIT003", "CIT005"]
        current = text
        for code in ("CIT005", "CIT003"):  # one quick fix after the other, as a writer applies them
            session.change_all(uri, current, 10 if code == "CIT005" else 11)
            found = await session.wait_for(uri)
            diagnostic = next(d for d in found if d.code == code)
            actions = await _actions(session, uri, diagnostic.range, [diagnostic], [lsp.CodeActionKind.QuickFix])
            fixes = [a for a in actions if getattr(a, "is_preferred", None)]
            assert len(fixes) == 1, [a.title for a in actions]
            current = apply(current, fixes[0].edit.changes[uri], session.encoding)
        assert current == by_cli
        # the whole fix at once, as an editor's fix-on-save asks for it
        session.change_all(uri, text, 12)
        await session.wait_for(uri)
        whole = lsp.Range(lsp.Position(0, 0), lsp.Position(10_000, 0))
        (fix_all,) = await _actions(session, uri, whole, [], ["source.fixAll"])
        assert fix_all.kind == "source.fixAll.citelint" and fix_all.disabled is None
        assert apply(text, fix_all.edit.changes[uri], session.encoding) == by_cli

    run_session(scenario, cwd=tmp_path)


@pytest.mark.slow
def test_fix_all_refuses_as_citelint_fix_refuses(tmp_path: Path) -> None:
    text = "First [CITATION 2] then [CITATION 1] and [CITATION 3].\n\n## References\n\n1. \"A\" 2020. https://example.org/a\n2. \"B\" 2021. https://example.org/b\n"
    refusal = fix_text(text, None, "x.md").refused
    assert refusal is not None
    path = tmp_path / "x.md"
    uri = path.as_uri()

    async def scenario(session: Session) -> None:
        session.open(uri, text)
        await session.wait_for(uri)
        (fix_all,) = await _actions(session, uri, lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0)), [], ["source.fixAll.citelint"])
        assert fix_all.edit is None and refusal in fix_all.disabled.reason
        found = session.diagnostics[uri]
        renumbering = [a for d in found if d.code == "CIT003" for a in await _actions(session, uri, d.range, [d]) if getattr(a, "is_preferred", None)]
        assert renumbering == []  # no quick fix where `fix` would refuse

    run_session(scenario, cwd=tmp_path)


@pytest.mark.slow
def test_disable_for_this_line_silences_just_that_finding(tmp_path: Path) -> None:
    text = seed_text()
    path = tmp_path / "chapter-38.md"
    uri = path.as_uri()

    async def scenario(session: Session) -> None:
        session.open(uri, text)
        (diagnostic,) = await session.wait_for(uri)
        actions = await _actions(session, uri, diagnostic.range, [diagnostic])
        (disable,) = [a for a in actions if a.title == "Disable citation-out-of-order for this line"]
        changed = apply(text, disable.edit.changes[uri], session.encoding)
        assert "<!-- citelint-disable-line CIT003 -->" in changed
        assert lint_text(changed, None, str(path)) == []
        assert changed.replace(" <!-- citelint-disable-line CIT003 -->", "") == text

    run_session(scenario, cwd=tmp_path)


WRAPPED = (
    "A first line of the paragraph that goes on and\nthen makes a claim [CITATION\n2] before the other claim [CITATION 1] and [CITATION 2] here.\n\n"
    '## References\n\n1. "Alpha." Press, 2020. https://example.org/a\n2. "Beta." Press, 2021. https://example.org/b\n'
)


@pytest.mark.parametrize("config", ["", 'ignore = ["CIT005"]\n'])  # with CIT005 off, a broken marker changed no other finding
def test_disable_for_this_line_keeps_a_wrapped_marker_whole(tmp_path: Path, config: str) -> None:
    """The out-of-order marker is wrapped (`[CITATION` / `2]`): a comment at the end
    of its first line would land inside it. The comment goes at the end of the line
    before, as disable-next-line (a comment applies to the line it starts on, the
    finding's first line), and the marker stays whole."""
    (tmp_path / ".git").mkdir()
    (tmp_path / ".citelint.toml").write_text(config, encoding="utf-8")
    path = tmp_path / "wrapped.md"
    path.write_text(WRAPPED, encoding="utf-8")
    uri = path.as_uri()
    settings = load_settings(str(tmp_path / ".citelint.toml"), {})

    async def scenario(session: Session) -> None:
        session.open(uri, WRAPPED)
        (diagnostic,) = await session.wait_for(uri)
        assert (diagnostic.code, diagnostic.range.start.line, diagnostic.range.end.line) == ("CIT003", 1, 2)
        actions = await _actions(session, uri, diagnostic.range, [diagnostic])
        (disable,) = [a for a in actions if a.title == "Disable citation-out-of-order for this line"]
        changed = apply(WRAPPED, disable.edit.changes[uri], session.encoding)
        comment = " <!-- citelint-disable-next-line CIT003 -->"
        assert changed.split("\n")[0].endswith(comment) and changed.replace(comment, "", 1) == WRAPPED
        assert "[CITATION\n2]" in changed
        assert lint_text(changed, settings, str(path)) == []

    run_session(scenario, cwd=tmp_path)


# -- navigation on the seed chapter, in Markdown and as plain text --------------------------


def _seed_forms(tmp_path: Path) -> list[tuple[Path, str, str]]:
    markdown = seed_text()
    plain = plain_text_form(markdown)
    text_path = tmp_path / "chapter-38.txt"
    text_path.write_text(plain, encoding="utf-8")
    assert [d.code for d in lint_text(plain, None, str(text_path))] == ["CIT003"]  # the plain form reads as the same chapter
    return [(SEED, markdown, "markdown"), (text_path, plain, "plaintext")]


@pytest.mark.slow
def test_hover_definition_references_links_completion_and_rename(tmp_path: Path) -> None:
    forms = _seed_forms(tmp_path)

    async def scenario(session: Session) -> None:
        client, encoding = session.client, session.encoding
        for path, text, language in forms:
            uri = path.as_uri()
            session.open(uri, text, language)
            await session.wait_for(uri)
            document = lsp.TextDocumentIdentifier(uri)
            marker4 = marker_offset(text, "[CITATION 4]")
            on_four = pos(text, marker4 + len("[CITATION "), encoding)

            hover = await client.text_document_hover_async(lsp.HoverParams(document, on_four))
            assert "Deepening Russia-North Korea Alliance" in hover.contents.value
            assert "https://www.cfr.org/in-brief/what-know-about-deepening-russia-north-korea-alliance" in hover.contents.value

            (definition,) = await client.text_document_definition_async(lsp.DefinitionParams(document, on_four))
            entry_start = offset_of(text, definition.range.start, encoding)
            assert text[entry_start:].startswith("4. Cheatham, P.")

            entry_four = pos(text, entry_start + 5, encoding)
            found = await client.text_document_references_async(
                lsp.ReferenceParams(lsp.ReferenceContext(include_declaration=False), document, entry_four)
            )
            assert [text[offset_of(text, r.range.start, encoding) : offset_of(text, r.range.end, encoding)] for r in found] == ["[CITATION 4]"]

            links = await client.text_document_document_link_async(lsp.DocumentLinkParams(document))
            assert len(links) == 4
            for link in links:
                assert text[offset_of(text, link.range.start, encoding) : offset_of(text, link.range.end, encoding)] == link.target

            # completion after `[CITATION ` typed at the end of the first paragraph
            typed_at = text.index("\n")
            typing = text[:typed_at] + " [CITATION " + text[typed_at:]
            session.change_all(uri, typing, 2)
            at = pos(typing, typed_at + len(" [CITATION "), encoding)
            completion = await client.text_document_completion_async(lsp.CompletionParams(document, at))
            labels = {item.label: item for item in completion.items}
            assert set(labels) == {"1", "2", "3", "4", "5"}
            assert "Vostochny Cosmodrome" in labels["1"].detail
            assert "new reference" in labels["5"].detail
            nothing = await client.text_document_completion_async(lsp.CompletionParams(document, pos(typing, 5, encoding)))
            assert nothing is None or not nothing.items
            session.change_all(uri, text, 3)
            await session.wait_for(uri)

            # rename 4 -> 3 is the renumbering `fix` makes here
            prepared = await client.text_document_prepare_rename_async(lsp.PrepareRenameParams(document, on_four))
            assert text[offset_of(text, prepared.start, encoding) : offset_of(text, prepared.end, encoding)] == "4"
            edit = await client.text_document_rename_async(lsp.RenameParams(document, on_four, "3"))
            assert apply(text, edit.changes[uri], encoding) == fix_text(text, None, str(path)).text
            # rename from the entry's label: entry 1 becomes number 2, every marker follows
            on_label = pos(text, marker_offset(text, "\n1. ") + 1, encoding)
            edit = await client.text_document_rename_async(lsp.RenameParams(document, on_label, "2"))
            renamed = apply(text, edit.changes[uri], encoding)
            assert "[CITATION 2] It was a meeting" in renamed and "[CITATION 1] For North Korea" in renamed
            assert "\n1. Bermudez Jr." in renamed and "\n2. \"Putin and Kim" in renamed
            # refused with the reason
            with pytest.raises(Exception, match="from 1 to 4"):
                await client.text_document_rename_async(lsp.RenameParams(document, on_four, "9"))
            with pytest.raises(Exception, match="not a reference number"):
                await client.text_document_rename_async(lsp.RenameParams(document, on_four, "four"))

    run_session(scenario, cwd=tmp_path)


def test_hover_shows_a_doi_once_when_its_doi_org_url_is_percent_encoded(tmp_path: Path) -> None:
    """doi.org reads `%28SICI%29` as `(SICI)`: the entry's URL is its DOI, shown once.
    A DOI beside a URL of another site is shown as a link of its own."""
    encoded = "https://doi.org/10.1002/%28SICI%291097-4571%28199806%2949"
    text = (
        "One [CITATION 1] and two [CITATION 2].\n\n## References\n\n"
        f'1. Smith, J. "A Study of Things." Journal, 1998. {encoded}\n'
        '2. Doe, A. "Another Study." Journal, 2001. https://example.org/another doi:10.1000/another\n'
    )
    path = tmp_path / "chapter.md"
    uri = path.as_uri()

    async def scenario(session: Session) -> None:
        session.open(uri, text)
        await session.wait_for(uri)
        document = lsp.TextDocumentIdentifier(uri)
        first = await session.client.text_document_hover_async(lsp.HoverParams(document, pos(text, marker_offset(text, "[CITATION 1]") + 2)))
        links = first.contents.value.split("\n\n")[1:]
        assert links == [f"<{encoded}>"]
        second = await session.client.text_document_hover_async(lsp.HoverParams(document, pos(text, marker_offset(text, "[CITATION 2]") + 2)))
        assert second.contents.value.split("\n\n")[1:] == ["<https://example.org/another>", "DOI <https://doi.org/10.1000/another>"]

    run_session(scenario, cwd=tmp_path)


# -- configuration ----------------------------------------------------------------------------


@pytest.mark.slow
def test_configuration_is_reloaded_and_its_errors_shown_on_it(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    config = tmp_path / ".citelint.toml"
    config.write_text('ignore = ["CIT003"]\n', encoding="utf-8")
    text = seed_text()
    chapter = tmp_path / "chapter-38.md"
    chapter.write_text(text, encoding="utf-8")
    uri, config_uri = chapter.as_uri(), config.as_uri()

    def changed() -> lsp.DidChangeWatchedFilesParams:
        return lsp.DidChangeWatchedFilesParams([lsp.FileEvent(uri=config_uri, type=lsp.FileChangeType.Changed)])

    async def scenario(session: Session) -> None:
        session.open(uri, text)
        assert await session.wait_for(uri) == []
        assert any(r.method == "workspace/didChangeWatchedFiles" for r in session.registrations)

        config.write_text('select = ["CIT"]\n', encoding="utf-8")
        session.diagnostics.pop(uri, None)
        session.client.workspace_did_change_watched_files(changed())
        assert [d.code for d in await session.wait_for(uri, bool)] == ["CIT003"]

        config.write_text('select = ["CIT"\n', encoding="utf-8")  # broken TOML
        session.diagnostics.pop(config_uri, None)
        session.client.workspace_did_change_watched_files(changed())
        (problem,) = await session.wait_for(config_uri, bool)
        assert ".citelint.toml" in problem.message and "TOML" in problem.message
        assert problem.severity == lsp.DiagnosticSeverity.Error

        config.write_text('ignore = ["CIT003"]\n', encoding="utf-8")  # mended, and saved in the editor
        session.diagnostics.pop(uri, None)
        session.client.text_document_did_save(lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(config_uri)))
        assert await session.wait_for(config_uri, lambda found: not found) == []
        assert await session.wait_for(uri, lambda found: not found) == []  # the lint with the broken file's defaults may come first

    run_session(scenario, cwd=tmp_path)


# -- robustness ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_10_mb_document_does_not_stop_the_server(tmp_path: Path) -> None:
    text = seed_text()
    uri = (tmp_path / "chapter-38.md").as_uri()
    body, references = text.split("## References")
    big = body * (10_000_000 // len(body) + 1) + "## References" + references
    big_uri = (tmp_path / "big.md").as_uri()

    async def scenario(session: Session) -> None:
        session.open(big_uri, big)
        session.open(uri, text)
        assert [d.code for d in await session.wait_for(uri)] == ["CIT003"]
        hover = await session.client.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(uri), pos(text, marker_offset(text, "[CITATION 4]") + 2)))
        assert "Cheatham" in hover.contents.value
        found = await session.wait_for(big_uri)
        assert "CIT003" in {d.code for d in found}

    run_session(scenario, cwd=tmp_path)


def test_malformed_messages_get_json_rpc_errors_and_the_server_goes_on(tmp_path: Path) -> None:
    """Written raw to the server's standard input (pygls's client sends only
    well-formed messages): a request whose params are not its method's, or that
    names a document the editor has not opened, gets InvalidParams (-32602) saying
    what is wrong; text that is not JSON a parse error (-32700) and a message that
    is no request InvalidRequest (-32600), both with a null id (JSON-RPC 2.0). The
    server then answers as before."""
    text = seed_text()
    uri = (tmp_path / "chapter-38.md").as_uri()
    never_opened = (tmp_path / "never-opened.md").as_uri()
    raw = [
        ("missing", {"method": "textDocument/hover", "params": {"textDocument": {"uri": uri}}}),
        ("wrong", {"method": "textDocument/definition", "params": {"textDocument": {"uri": uri}, "position": {"line": "ten", "character": 0}}}),
        ("closed", {"method": "textDocument/hover", "params": {"textDocument": {"uri": never_opened}, "position": {"line": 0, "character": 0}}}),
        ("unknown", {"method": "citelint/nonsense", "params": {}}),
    ]

    async def scenario(session: Session) -> None:
        client = session.client
        answers: dict[Any, Any] = {}  # id -> the error answering it (None: a null id)
        handle_response = client.protocol._handle_response

        def recorded(msg_id: Any, result: Any = None, error: Any = None) -> None:
            if msg_id is None or msg_id in dict(raw):
                answers.setdefault(msg_id, []).append(error)
                session.arrived.set()
            else:
                handle_response(msg_id, result, error)

        client.protocol._handle_response = recorded  # type: ignore[method-assign]
        session.open(uri, text)
        await session.wait_for(uri)
        messages = [json.dumps({"jsonrpc": "2.0", "id": name, **message}).encode() for name, message in raw]
        for body in [*messages, b"{not json", b'{"jsonrpc": "2.0", "method": 12}']:
            client._server.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))

        async def all_answered() -> None:
            while len(answers) < len(raw) + 1 or len(answers.get(None, [])) < 2:
                session.arrived.clear()
                await session.arrived.wait()

        await asyncio.wait_for(all_answered(), WAIT)
        assert [error.code for error in answers[None]] == [-32700, -32600]
        for name in ("missing", "wrong", "closed"):
            (error,) = answers[name]
            assert error.code == -32602, (name, error)
        assert "position" in answers["missing"][0].message and "line" in answers["wrong"][0].message
        assert "never-opened.md is not open" in answers["closed"][0].message
        assert answers["unknown"][0].code == -32601
        hover = await client.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(uri), pos(text, marker_offset(text, "[CITATION 4]") + 2)))
        assert "Cheatham" in hover.contents.value

    run_session(scenario, cwd=tmp_path)


# -- URL verdicts from the cache ---------------------------------------------------------------------


@pytest.mark.slow
def test_url_findings_and_hover_come_from_the_cache_of_check_urls(tmp_path: Path) -> None:
    from citelint.urls.store import Verdict, VerdictStore

    (tmp_path / ".git").mkdir()
    text = seed_text()
    chapter = tmp_path / "chapter-38.md"
    chapter.write_text(text, encoding="utf-8")
    dead = "https://www.bbc.com/news/world-asia-66795493"
    fine = "https://www.csis.org/analysis/anticipating-putin-kim-summit-whats-agenda"
    store = VerdictStore(tmp_path / ".citelint-cache" / "verdicts.sqlite", lambda message: None, "guarded")
    checked = 1_700_000_000.0  # 2023-11-14
    store.put([Verdict(dead, "URL001", "404 Not Found", status=404, checked_at=checked), Verdict(fine, None, "200 OK", status=200, checked_at=checked, expires_at=checked + 1)])
    store.close()
    uri = chapter.as_uri()

    async def scenario(session: Session) -> None:
        session.open(uri, text)
        found = await session.wait_for(uri)
        assert sorted(d.code for d in found) == ["CIT003", "URL001"]
        (url,) = [d for d in found if d.code == "URL001"]
        assert text[offset_of(text, url.range.start, session.encoding) : offset_of(text, url.range.end, session.encoding)] == dead
        assert "404 Not Found" in url.message
        document = lsp.TextDocumentIdentifier(uri)
        hover = await session.client.text_document_hover_async(lsp.HoverParams(document, pos(text, marker_offset(text, "[CITATION 1]") + 3)))
        assert "last checked 2023-11-14: URL001 404 Not Found" in hover.contents.value
        hover = await session.client.text_document_hover_async(lsp.HoverParams(document, pos(text, marker_offset(text, "[CITATION 2]") + 3)))
        assert "last checked 2023-11-14: fine" in hover.contents.value

    run_session(scenario, cwd=tmp_path)


@pytest.mark.slow
def test_the_check_urls_command_checks_in_the_background_with_progress(tmp_path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from urlserver import TrapServer

    (tmp_path / ".git").mkdir()
    with TrapServer() as web:
        dead, fine = web.url("/404"), web.url("/ok")
        text = (
            "One claim [CITATION 1] and another [CITATION 2] here.\n\n## References\n\n"
            f'1. "Gone." Press, 2020. {dead}\n2. "Here." Press, 2021. {fine}\n'
        )
        chapter = tmp_path / "chapter.md"
        chapter.write_text(text, encoding="utf-8")
        uri = chapter.as_uri()

        async def scenario(session: Session) -> None:
            session.open(uri, text)
            assert await session.wait_for(uri) == []
            assert web.hits["/404"] == 0  # opening and linting sends no request
            session.diagnostics.pop(uri, None)
            (action,) = await _actions(session, uri, lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0)), [], ["source.checkUrls"])
            # pygls's client reads a CodeAction that carries a command as a Command, its
            # `command` the CodeAction's command object written as a Python literal
            command = ast.literal_eval(action.command) if isinstance(action.command, str) else {"command": action.command.command, "arguments": action.command.arguments}
            assert action.title == "citelint: check the links of this chapter" and command["command"] == "citelint.checkUrls"
            params = lsp.ExecuteCommandParams(command["command"], command["arguments"])
            result = await asyncio.wait_for(session.client.workspace_execute_command_async(params), WAIT)
            assert result == {"chapters": 1, "failed": 0}
            found = await session.wait_for(uri, bool)
            assert [d.code for d in found] == ["URL001"]
            assert text[offset_of(text, found[0].range.start, session.encoding) : offset_of(text, found[0].range.end, session.encoding)] == dead
            kinds = [kind for kind, _ in session.progress]
            assert kinds[0] == "create" and "begin" in kinds and kinds[-1] == "end"
            assert web.hits["/404"] >= 1

        run_session(scenario, cwd=tmp_path, env={"CITELINT_ALLOW_PRIVATE": "1"})


@pytest.mark.slow
def test_one_renumbering_action_for_all_the_numbering_findings(tmp_path: Path) -> None:
    text = (
        "First [CITATION 3] here, then [CITATION 2] there, and [CITATION 1] last.\n\n## References\n\n"
        '1. "A" 2020. https://example.org/a\n2. "B" 2021. https://example.org/b\n3. "C" 2022. https://example.org/c\n'
    )
    path = tmp_path / "reversed.md"
    uri = path.as_uri()

    async def scenario(session: Session) -> None:
        session.open(uri, text)
        found = await session.wait_for(uri)
        numbering = [d for d in found if d.code == "CIT003"]
        assert len(numbering) >= 2
        actions = await _actions(session, uri, lsp.Range(lsp.Position(0, 0), lsp.Position(99, 0)), found, [lsp.CodeActionKind.QuickFix])
        (renumber,) = [a for a in actions if a.title.startswith("Renumber")]
        assert len(renumber.diagnostics) == len(numbering)
        assert apply(text, renumber.edit.changes[uri], session.encoding) == fix_text(text, None, str(path)).text
        disabling = [a.title for a in actions if a.title.startswith("Disable")]
        assert disabling == ["Disable citation-out-of-order for this line"]  # one per rule and line

    run_session(scenario, cwd=tmp_path)


def _check_json(folder: Path, name: str) -> list[tuple[str, int, int, int, int]]:
    """What `citelint check --format json` reports for a saved chapter: code and range (1-based characters)."""
    ran = subprocess.run([sys.executable, "-m", "citelint", "check", "--no-cache", "--format", "json", name], cwd=folder, capture_output=True, text=True, timeout=120)
    return [(d["code"], d["line"], d["column"], d["end_line"], d["end_column"]) for d in json.loads(ran.stdout)["diagnostics"]]


def _as_characters(text: str, diagnostic: Any, encoding: str) -> tuple[str, int, int, int, int]:
    """A server diagnostic's range as check's 1-based line and character columns."""
    start, end = (offset_of(text, diagnostic.range.start, encoding), offset_of(text, diagnostic.range.end, encoding))
    (line, column), (end_line, end_column) = ((text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)) for at in (start, end))
    return (diagnostic.code, line, column, end_line, end_column)


@pytest.mark.slow
@pytest.mark.parametrize("offered", [None, ["utf-8"]])
def test_a_writing_session_agrees_with_check_and_fix_on_the_saved_file(offered: Optional[list[str]], tmp_path: Path) -> None:
    """Typing a citation before an earlier one, key by key, then fixing all: the
    diagnostics are check's for the same text, and the fixed text is fix's."""
    (tmp_path / ".git").mkdir()
    start = seed_text().replace("The meeting was", "Émigrés 😀 in 漢字 said: the meeting was", 1)
    chapter = tmp_path / "chapter-38.md"
    chapter.write_text(start, encoding="utf-8")
    uri = chapter.as_uri()
    typed = " A new claim [CITATION 5] comes first."
    where = start.index("said: the meeting was") + len("said: the meeting was")
    entry = '\n5. "A fifth source." Press, 2024. https://example.org/fifth'

    async def scenario(session: Session) -> None:
        session.open(uri, start)
        await session.wait_for(uri)
        version = 1
        text = start + entry
        for cut in range(1, len(typed) + 1):  # key by key
            version += 1
            text = start[:where] + typed[:cut] + start[where:] + entry
            session.change_all(uri, text, version)
        found = await session.wait_for(uri, lambda found: session.versions.get(uri) == version)
        chapter.write_text(text, encoding="utf-8")  # saved
        assert sorted(_as_characters(text, d, session.encoding) for d in found) == sorted(_check_json(tmp_path, chapter.name))
        assert "CIT003" in {d.code for d in found}
        (fix_all,) = await _actions(session, uri, lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0)), [], ["source.fixAll.citelint"])
        fixed = apply(text, fix_all.edit.changes[uri], session.encoding)
        assert fixed == _fix_by_cli(tmp_path, chapter.name, text)
        version += 1
        session.change_all(uri, fixed, version)
        found = await session.wait_for(uri, lambda found: session.versions.get(uri) == version)
        assert [d.code for d in found] == []

    run_session(scenario, encodings=offered, cwd=tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize(
    "style, chapter, opening",
    [
        ("brackets", 'A claim [2], then [1].\n\n## References\n\n1. "One." Press, 2020.\n2. "Two." Press, 2021.\n', " ["),  # `word[` is not one
        ("superscript", 'A claim<sup>2</sup>, then<sup>1</sup>.\n\n## References\n\n1. "One." Press, 2020.\n2. "Two." Press, 2021.\n', "<sup>"),
        ("superscript", 'A claim^2^, then^1^.\n\n## References\n\n1. "One." Press, 2020.\n2. "Two." Press, 2021.\n', "^"),
    ],
)
def test_completion_and_diagnostics_in_the_numbered_styles(tmp_path: Path, style: str, chapter: str, opening: str) -> None:
    """The server reads the project's marker-style: its diagnostics are the style's,
    and completion opens after the style's own opening (not only `[CITATION `)."""
    (tmp_path / ".git").mkdir()
    (tmp_path / ".citelint.toml").write_text(f'marker-style = "{style}"\n', encoding="utf-8")
    path = tmp_path / "chapter.md"
    path.write_text(chapter, encoding="utf-8")
    uri = path.as_uri()

    async def scenario(session: Session) -> None:
        session.open(uri, chapter)
        assert "CIT003" in [d.code for d in await session.wait_for(uri)]  # [2] before [1], read in the style
        typed_at = chapter.index("\n")
        typing = chapter[:typed_at] + " More" + opening + chapter[typed_at:]
        session.change_all(uri, typing, 2)
        at = pos(typing, typed_at + len(" More" + opening), session.encoding)
        completion = await session.client.text_document_completion_async(lsp.CompletionParams(lsp.TextDocumentIdentifier(uri), at))
        assert {item.label for item in completion.items} == {"1", "2", "3"}
        plain = await session.client.text_document_completion_async(lsp.CompletionParams(lsp.TextDocumentIdentifier(uri), pos(typing, 3, session.encoding)))
        assert plain is None or not plain.items

    run_session(scenario, cwd=tmp_path)


def test_links_of_an_entry_of_thousands_of_urls_take_linear_work() -> None:
    """Each URL of an entry was looked for from the entry's start, and each position's
    column counted from its line's start: quadratic in an entry of thousands of links
    on one line. Eight times the links cost about eight times the CPU time now, in
    UTF-16 columns after a character outside ASCII too; a URL written twice is each
    of its places."""
    from citelint.config import Settings
    from citelint.server.views import ChapterView
    from tests.helpers import assert_linear, measure_work

    def view(n: int) -> ChapterView:
        urls = " ".join(f"https://e.com/{number}" for number in range(n))
        return ChapterView(f"x [CITATION 1]\n\n## References\n\n1. \U0001d400 T 2020 {urls} https://e.com/0\n", Settings(), "a.md")

    links = list(view(3).links())
    assert [(link.target, link.range.start.character) for link in links] == [
        ("https://e.com/0", 13), ("https://e.com/1", 29), ("https://e.com/2", 45), ("https://e.com/0", 61)]
    small, large = view(250), view(2_000)
    assert_linear(measure_work(lambda: list(small.links())), measure_work(lambda: list(large.links())), 8)
