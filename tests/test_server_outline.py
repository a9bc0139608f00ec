"""``citelint server``'s inlay hints, document symbols and code lenses, through
pygls's own client over stdio as an editor asks for them: a hint after each
citing marker naming its entries (the three marker styles, book numbering), the
chapter's outline with its reference list's entries, and a lens on each entry
counting its citations. Each session serves several chapters (a folder per
marker style, each with its configuration): a server is started per client
set-up, not per case."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any, Awaitable, Callable, Optional

import lsprotocol.types as lsp
import pytest
from pygls.lsp.client import LanguageClient

from test_server import Session, drive, marker_offset, pos

WAIT = 20.0  # seconds: generous, for a loaded machine; no assertion depends on it

REFERENCES = (
    "## References\n\n"
    '1. Smith, John. "A Study of Summits." Journal of Things, 2020. https://example.org/a\n'
    '2. Lee, Ann, and Bob Park. "Arms for Oil." Review of Trade, 2019.\n'
    '3. "An Extremely Long Title About the Many Diplomatic Consequences of Summits."\n'
    "   Foreign Desk, 2021.\n"
)
CITATION = (
    "# The Summit\n\n"
    "Moscow hosted it [CITATION 1].\n\n"
    "## Deals\n\n"
    "The deals followed [CITATION 2, 3]. Then [CITATION 3].\n"
    "Nobody lists this one [CITATION 7].\n\n" + REFERENCES
)
BRACKETS = "# The Summit\n\nMoscow hosted it [1].\n\nThe deals followed [2, 3].\n\n" + REFERENCES
SUPERSCRIPT = "# The Summit\n\nMoscow hosted it.<sup>1</sup>\n\nThe deals followed.<sup>2,3</sup>\n\n" + REFERENCES
STYLES = {"citation": CITATION, "brackets": BRACKETS, "superscript": SUPERSCRIPT}
SHOW_REFERENCES = "citelint.showReferences"


def write_styles(root: Path) -> dict[str, tuple[str, str]]:
    """A folder per marker style, each with its configuration and one chapter: style -> (uri, text)."""
    (root / ".git").mkdir()
    found = {}
    for style, text in STYLES.items():
        folder = root / style
        folder.mkdir()
        (folder / ".citelint.toml").write_text(f'marker-style = "{style}"\nplacement = "any"\n', encoding="utf-8")
        (folder / "chapter.md").write_text(text, encoding="utf-8")
        found[style] = ((folder / "chapter.md").as_uri(), text)
    return found


def run_outline_session(
    scenario: Callable[[Session], Awaitable[None]],
    cwd: Path,
    hierarchical: bool = True,
    commands: Optional[list[str]] = None,
    refresh: bool = False,
    initialization_options: Any = None,
) -> None:
    """A session as ``test_server.run_session``'s, the client declaring what an
    editor declares for these features: nested document symbols, the commands it
    runs itself (``experimental.commands.commands``, as rust-analyzer's clients
    do), and whether it takes requests to refresh hints and lenses (recorded in
    ``session.progress`` as ``("refresh", method)``)."""
    asyncio.run(_outline_session(scenario, cwd, hierarchical, commands, refresh, initialization_options))


async def _outline_session(scenario: Callable[[Session], Awaitable[None]], cwd: Path, hierarchical: bool, commands: Optional[list[str]], refresh: bool, initialization_options: Any) -> None:
    client = LanguageClient("citelint-outline-tests", "1")
    session = Session(client, "utf-16")

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def diagnostics(params: Any) -> None:
        session.diagnostics[params.uri] = params.diagnostics
        session.arrived.set()

    @client.feature(lsp.WORKSPACE_INLAY_HINT_REFRESH)
    def hints_refreshed(params: Any) -> None:
        session.progress.append(("refresh", lsp.WORKSPACE_INLAY_HINT_REFRESH))
        session.arrived.set()

    @client.feature(lsp.WORKSPACE_CODE_LENS_REFRESH)
    def lenses_refreshed(params: Any) -> None:
        session.progress.append(("refresh", lsp.WORKSPACE_CODE_LENS_REFRESH))
        session.arrived.set()

    capabilities = lsp.ClientCapabilities(
        text_document=lsp.TextDocumentClientCapabilities(document_symbol=lsp.DocumentSymbolClientCapabilities(hierarchical_document_symbol_support=hierarchical)),
        workspace=lsp.WorkspaceClientCapabilities(
            inlay_hint=lsp.InlayHintWorkspaceClientCapabilities(refresh_support=refresh),
            code_lens=lsp.CodeLensWorkspaceClientCapabilities(refresh_support=refresh),
        ),
        experimental={"commands": {"commands": commands}} if commands is not None else None,
    )
    params = lsp.InitializeParams(capabilities=capabilities, root_uri=cwd.as_uri(), initialization_options=initialization_options)
    await drive(client, session, scenario, cwd, params)


async def hints(session: Session, uri: str, start: tuple[int, int] = (0, 0), end: tuple[int, int] = (10_000, 0)) -> list[Any]:
    asked = session.client.text_document_inlay_hint_async(lsp.InlayHintParams(lsp.TextDocumentIdentifier(uri), lsp.Range(lsp.Position(*start), lsp.Position(*end))))
    return list(await asyncio.wait_for(asked, WAIT) or [])


async def lenses(session: Session, uri: str) -> list[Any]:
    return list(await asyncio.wait_for(session.client.text_document_code_lens_async(lsp.CodeLensParams(lsp.TextDocumentIdentifier(uri))), WAIT) or [])


async def symbols(session: Session, uri: str) -> list[Any]:
    return list(await asyncio.wait_for(session.client.text_document_document_symbol_async(lsp.DocumentSymbolParams(lsp.TextDocumentIdentifier(uri))), WAIT) or [])


async def raw_request(session: Session, method: str, params: Any) -> Any:
    """The error answering a request written raw to the server (pygls's client
    sends only well-formed params)."""
    client = session.client
    answered: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    handle_response = client.protocol._handle_response

    def recorded(msg_id: Any, result: Any = None, error: Any = None) -> None:
        if msg_id == "raw":
            answered.set_result(error)
        else:
            handle_response(msg_id, result, error)

    client.protocol._handle_response = recorded  # type: ignore[method-assign]
    try:
        body = json.dumps({"jsonrpc": "2.0", "id": "raw", "method": method, "params": params}).encode()
        client._server.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        return await asyncio.wait_for(answered, WAIT)
    finally:
        client.protocol._handle_response = handle_response  # type: ignore[method-assign]


def labelled(text: str, found: list[Any]) -> list[tuple[str, str]]:
    """Each hint as (the text just before it, its label)."""
    lines = text.split("\n")
    return [(lines[hint.position.line][: hint.position.character][-14:], hint.label) for hint in found]


def tree(found: list[Any]) -> list[Any]:
    """Document symbols as (name, kind, children) all the way down."""
    return [(symbol.name, symbol.kind, tree(symbol.children or [])) for symbol in found]


# -- inlay hints -----------------------------------------------------------------------


def test_inlay_hints_name_what_each_marker_cites_in_each_style(tmp_path: Path) -> None:
    """After each marker: its entry's first author and year, or a title cut short
    (ending in its year, on one line though the entry wraps); a marker citing two
    numbers names what fits and counts the rest; a number no entry has says so.
    Each hint sits right after its marker, and only the range's markers get one."""
    chapters = write_styles(tmp_path)

    async def scenario(session: Session) -> None:
        for uri, text in chapters.values():
            session.open(uri, text)
        uri, text = chapters["citation"]
        found = await hints(session, uri)
        assert labelled(text, found) == [
            ("ed it [CITATION 1]"[-14:], "Smith 2020"),
            ("ed [CITATION 2, 3]"[-14:], "Lee and Park 2019; +1"),
            ("Then [CITATION 3]"[-14:], "An Extremely Long Titl… 2021"),
            ("one [CITATION 7]"[-14:], "no entry 7"),
        ]
        assert found[0].position == pos(text, marker_offset(text, "[CITATION 1]") + len("[CITATION 1]"))
        assert all(len(hint.label) <= 40 and "\n" not in hint.label for hint in found)
        assert found[0].padding_left and "A Study of Summits" in found[0].tooltip
        assert "Arms for Oil" in found[1].tooltip and "Many Diplomatic Consequences" in found[1].tooltip
        assert "no entry 7" in found[3].tooltip
        deals = text.split("\n").index("The deals followed [CITATION 2, 3]. Then [CITATION 3].")
        only = await hints(session, uri, (deals, 0), (deals, 36))
        assert [hint.label for hint in only] == ["Lee and Park 2019; +1"]  # the line's second marker ends past the range
        for style in ("brackets", "superscript"):
            uri, text = chapters[style]
            assert [hint.label for hint in await hints(session, uri)] == ["Smith 2020", "Lee and Park 2019; +1"], style
            ending = "<sup>1</sup>" if style == "superscript" else "[1]"
            assert (await hints(session, uri))[0].position == pos(text, marker_offset(text, ending) + len(ending)), style

    run_outline_session(scenario, tmp_path)


def test_an_edit_changes_the_hints_and_lenses_and_a_closed_document_is_refused(tmp_path: Path) -> None:
    """The hints and lenses are the current text's: an edit citing 2 instead of 1
    names Lee and Park, and the lens says entry 1 is no longer cited. A document
    the editor has not opened is InvalidParams, as for the other requests, and so
    is a request without its range."""
    chapters = write_styles(tmp_path)
    uri, text = chapters["citation"]
    edited = text.replace("Moscow hosted it [CITATION 1].", "Moscow hosted it [CITATION 2].")

    async def scenario(session: Session) -> None:
        session.open(uri, text)
        assert (await lenses(session, uri))[0].command.title == "cited once"
        session.change_all(uri, edited, 2)
        assert [hint.label for hint in await hints(session, uri)][0] == "Lee and Park 2019"
        assert [lens.command.title for lens in await lenses(session, uri)] == ["not cited", "cited 2 times", "cited 2 times"]
        closed = (tmp_path / "citation" / "closed.md").as_uri()
        for ask in (hints(session, closed), lenses(session, closed), symbols(session, closed)):
            with pytest.raises(Exception) as raised:
                await ask
            assert getattr(raised.value, "code", None) == -32602 and "closed.md is not open" in str(raised.value)
        for method in (lsp.TEXT_DOCUMENT_INLAY_HINT, lsp.TEXT_DOCUMENT_CODE_LENS, lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL):
            error = await raw_request(session, method, {"textDocument": {"url": uri}, "range": {"start": {"line": 0}}})
            assert error.code == -32602 and "invalid params" in error.message, method

    run_outline_session(scenario, tmp_path)


def test_inlay_hints_can_be_switched_off_at_start_up(tmp_path: Path) -> None:
    """``initializationOptions: {"inlayHints": false}``: none, the other features as before."""
    chapters = write_styles(tmp_path)
    uri, text = chapters["citation"]

    async def scenario(session: Session) -> None:
        session.open(uri, text)
        assert await hints(session, uri) == []
        assert len(await lenses(session, uri)) == 3

    run_outline_session(scenario, tmp_path, initialization_options={"inlayHints": False})


# -- document symbols ----------------------------------------------------------------------


def test_the_outline_nests_the_headings_and_lists_the_entries_under_the_reference_heading(tmp_path: Path) -> None:
    """Headings nested by level; the reference list's entries under its heading,
    each named by its number, authors, year and title, and going to it selects
    its first line. A client without nested symbols gets them flat, each with the
    name of the item holding it."""
    chapters = write_styles(tmp_path)
    uri, text = chapters["citation"]
    heading, entry = lsp.SymbolKind.String, lsp.SymbolKind.Key

    async def scenario(session: Session) -> None:
        session.open(uri, text)
        found = await symbols(session, uri)
        assert tree(found) == [
            ("The Summit", heading, [
                ("Deals", heading, []),
                ("References", heading, [
                    ("1. Smith 2020, A Study of Summits", entry, []),
                    ("2. Lee and Park 2019, Arms for Oil", entry, []),
                    ("3. An Extremely Long Title About the Many Diplomatic Consequences of Summ…, 2021", entry, []),
                ]),
            ]),
        ]  # fmt: skip
        lines = text.split("\n")
        references = found[0].children[1]
        assert references.range.start.line == lines.index("## References") and references.range.end.line == len(lines) - 1
        third = references.children[2]
        first = lines.index('3. "An Extremely Long Title About the Many Diplomatic Consequences of Summits."')
        assert (third.selection_range.start.line, third.selection_range.end.line, third.range.end.line) == (first, first, first + 1)
        deals = found[0].children[0]
        assert (deals.range.start.line, deals.range.end.line) == (lines.index("## Deals"), lines.index("## References") - 1)

    run_outline_session(scenario, tmp_path)

    async def flat(session: Session) -> None:
        session.open(uri, text)
        found = await symbols(session, uri)
        assert [(symbol.name, symbol.container_name) for symbol in found][:3] == [("The Summit", None), ("Deals", "The Summit"), ("References", "The Summit")]
        assert found[3].name.startswith("1. Smith 2020") and found[3].container_name == "References"

    run_outline_session(flat, tmp_path, hierarchical=False)


def test_a_reference_list_without_a_heading_is_an_item_of_its_own(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    text = '# Summit\n\nFirst claim. [CITATION 1]\n\nSecond claim. [CITATION 2]\n\n"One." P, 2020. https://e.com/1\n"Two." P, 2021. https://e.com/2\n'
    (tmp_path / "chapter.md").write_text(text, encoding="utf-8")
    uri = (tmp_path / "chapter.md").as_uri()

    async def scenario(session: Session) -> None:
        session.open(uri, text)
        (summit,) = await symbols(session, uri)
        (listed,) = summit.children
        assert (listed.name, listed.kind, listed.detail) == ("References", lsp.SymbolKind.Array, "2 entries")
        assert [entry.name for entry in listed.children] == ["1. One, 2020", "2. Two, 2021"]
        assert (listed.range.start.line, listed.range.end.line) == (6, 7)

    run_outline_session(scenario, tmp_path)


# -- code lenses ------------------------------------------------------------------------------


def test_a_lens_on_each_entry_counts_its_citations_and_shows_them(tmp_path: Path) -> None:
    """``cited once``, ``cited 2 times``; with the client's command for showing
    locations (declared in experimental.commands), the lens runs it with the
    entry's position and the markers citing it, as find references gives them."""
    chapters = write_styles(tmp_path)
    uri, text = chapters["citation"]

    async def scenario(session: Session) -> None:
        session.open(uri, text)
        found = await lenses(session, uri)
        assert [lens.command.title for lens in found] == ["cited once", "cited once", "cited 2 times"]
        lines = text.split("\n")
        assert [lens.range.start.line for lens in found] == [index for index, line in enumerate(lines) if line[:3] in ("1. ", "2. ", "3. ")]
        third = found[2].command
        assert third.command == SHOW_REFERENCES
        shown_uri, position, locations = third.arguments
        assert shown_uri == uri and (position["line"], position["character"]) == (found[2].range.start.line, 0)
        asked = lsp.ReferenceParams(text_document=lsp.TextDocumentIdentifier(uri), position=lsp.Position(found[2].range.start.line, 3), context=lsp.ReferenceContext(include_declaration=False))
        references = await asyncio.wait_for(session.client.text_document_references_async(asked), WAIT)
        assert [(location["range"]["start"]["line"], location["range"]["start"]["character"]) for location in locations] == [(r.range.start.line, r.range.start.character) for r in references]
        assert len(locations) == 2
        uri2, text2 = chapters["brackets"]
        session.open(uri2, text2)
        assert [lens.command.title for lens in await lenses(session, uri2)] == ["cited once", "cited once", "cited once"]
        uri3, text3 = chapters["superscript"]
        session.open(uri3, text3.replace("<sup>2,3</sup>", "<sup>3</sup>"))
        assert [lens.command.title for lens in await lenses(session, uri3)] == ["cited once", "not cited", "cited once"]

    run_outline_session(scenario, tmp_path, commands=["some.other.command", SHOW_REFERENCES])


def test_without_a_command_to_show_locations_a_lens_is_its_title_alone(tmp_path: Path) -> None:
    """A client that names no such command (VS Code's editor.action.showReferences
    takes VS Code's own types, which a server's JSON is not) gets the count with
    an empty command: shown as text, running nothing."""
    chapters = write_styles(tmp_path)
    uri, text = chapters["citation"]

    async def scenario(session: Session) -> None:
        session.open(uri, text)
        found = await lenses(session, uri)
        assert [(lens.command.title, lens.command.command, lens.command.arguments) for lens in found][0] == ("cited once", "", None)

    run_outline_session(scenario, tmp_path)


# -- book numbering -----------------------------------------------------------------------------

BOOK_CONFIG = '[tool.citelint]\nnumbering = "book"\nchapters = ["ch1.md", "ch2.md"]\nbibliography = "refs.md"\n'
BOOK_CH1 = '# One\n\nFirst [CITATION 1].\n\n## References\n\n1. Smith, John. "A Study of Summits." Journal of Things, 2020.\n2. Lee, Ann, and Bob Park. "Arms for Oil." Review of Trade, 2019.\n'
BOOK_CH2 = "# Two\n\nAgain [CITATION 1]. Then [CITATION 3, 4]. And [CITATION 9].\n"
BOOK_REFS = '# Bibliography\n\n- Kim, J., Cho, H., and Yun, S. (2018). Railways of the north. Asian Studies.\n- "Rockets and Roubles." The Economist, 2022.\n'


def test_with_book_numbering_hints_and_lenses_are_the_books(tmp_path: Path) -> None:
    """ch2 has no list: its 1 is ch1's entry, its 3 and 4 the bibliography's
    bullets (numbered on from ch1's two entries), its 9 no entry of the book's.
    ch1's lenses count the book's citations. An unsaved edit of ch2 changes
    ch1's counts, and the editor is asked to refresh its hints and lenses. The
    hover on a marker names the same entries as its hint."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text(BOOK_CONFIG, encoding="utf-8")
    for name, text in (("ch1.md", BOOK_CH1), ("ch2.md", BOOK_CH2), ("refs.md", BOOK_REFS)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    ch1, ch2 = (tmp_path / "ch1.md").as_uri(), (tmp_path / "ch2.md").as_uri()

    async def scenario(session: Session) -> None:
        session.open(ch1, BOOK_CH1)
        session.open(ch2, BOOK_CH2)
        found = await hints(session, ch2)
        assert [hint.label for hint in found] == ["Smith 2020", "Kim et al. 2018; +1", "no entry 9"]
        assert "(in ch1.md)" in found[0].tooltip and "(in refs.md)" in found[1].tooltip and "Rockets and Roubles" in found[1].tooltip
        assert [hint.label for hint in await hints(session, ch1)] == ["Smith 2020"]
        asked = lsp.HoverParams(lsp.TextDocumentIdentifier(ch2), pos(BOOK_CH2, marker_offset(BOOK_CH2, "[CITATION 3, 4]") + 3))
        hover = (await asyncio.wait_for(session.client.text_document_hover_async(asked), WAIT)).contents.value
        assert "Railways of the north" in hover and "in refs.md" in hover and "Rockets and Roubles" in hover  # the hover names the book's entries too
        assert "(in " not in (await hints(session, ch1))[0].tooltip
        assert [lens.command.title for lens in await lenses(session, ch1)] == ["cited 2 times in the book (1 in this chapter)", "not cited in the book"]
        (one,) = await symbols(session, ch1)
        assert [entry.name for entry in one.children[0].children] == ["1. Smith 2020, A Study of Summits", "2. Lee and Park 2019, Arms for Oil"]
        await session.wait_for(ch1)
        session.diagnostics.pop(ch1, None)
        session.change_all(ch2, BOOK_CH2.replace("Again [CITATION 1]. ", "Again [CITATION 2]. "), 2)
        await session.wait_for(ch1)  # ch1 linted again with the edited ch2
        assert [lens.command.title for lens in await lenses(session, ch1)] == ["cited once in the book (1 in this chapter)", "cited once in the book (none in this chapter)"]
        assert ("refresh", lsp.WORKSPACE_CODE_LENS_REFRESH) in session.progress and ("refresh", lsp.WORKSPACE_INLAY_HINT_REFRESH) in session.progress
        assert [hint.label for hint in await hints(session, ch2)][0] == "Lee and Park 2019"

    run_outline_session(scenario, tmp_path, refresh=True)


def test_with_book_numbering_a_lens_shows_the_citing_markers_of_every_chapter(tmp_path: Path) -> None:
    """ch1's entry 1 is cited in ch1, in ch2 (closed: as saved) and twice in ch3
    (one of them an unsaved edit): the lens counts four, and its command carries
    the four markers, each in its file, as find references lists them. Before,
    it carried ch1's one marker under a count of the book's."""
    from test_server_book import EDITED_CH3, NAV_CH1, NAV_CH3, marker_at, references, write_nav_book

    uris = write_nav_book(tmp_path)

    async def scenario(session: Session) -> None:
        session.open(uris["ch3.md"], NAV_CH3)
        session.change_all(uris["ch3.md"], EDITED_CH3, 2)
        session.open(uris["ch1.md"], NAV_CH1)
        first, second = await lenses(session, uris["ch1.md"])
        assert (first.command.title, second.command.title) == ("cited 4 times in the book (1 in this chapter)", "cited once in the book (1 in this chapter)")
        shown_uri, position, locations = first.command.arguments
        assert shown_uri == uris["ch1.md"] and (position["line"], position["character"]) == (first.range.start.line, 0)
        carried = [(where["uri"], (where["range"]["start"]["line"], where["range"]["start"]["character"]), (where["range"]["end"]["line"], where["range"]["end"]["character"])) for where in locations]
        assert carried == await references(session, uris["ch1.md"], NAV_CH1, NAV_CH1.index("1. Smith"), False)
        assert [uri for uri, _, _ in carried] == [uris["ch1.md"], uris["ch2.md"], uris["ch3.md"], uris["ch3.md"]]
        assert carried[3] == marker_at(uris["ch3.md"], EDITED_CH3, "[CITATION 1]", session.encoding, 1)

    run_outline_session(scenario, tmp_path, commands=[SHOW_REFERENCES])
