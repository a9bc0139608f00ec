"""``citelint server`` with ``numbering = "book"``: an open chapter shows the
book-wide findings that ``citelint check`` reports at it, judged against the
book as the editor has it (open chapters' unsaved texts, the others from disk),
through pygls's own client over stdio."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path
from typing import Any, Optional

import lsprotocol.types as lsp
import pytest

import helpers
from test_server import WAIT, Session, apply, marker_offset, pos, position_of, run_session

CONFIG = '[tool.citelint]\nnumbering = "book"\nchapters = ["ch1.md", "ch2.md"]\nbibliography = "refs.md"\n'
CH1 = "# One\n\nFirst [CITATION 2]. Then [CITATION 1].\n"
CH2 = "# Two\n\nLater [CITATION 3].\n"
REFS = '# References\n\n1. "Alpha Work Title." 2001.\n2. "Beta Work Title." 2002.\n3. "Gamma Work Title." 2003.\n'


def write_book(root: Path) -> None:
    (root / ".git").mkdir()
    (root / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
    for name, text in (("ch1.md", CH1), ("ch2.md", CH2), ("refs.md", REFS)):
        (root / name).write_text(text, encoding="utf-8")


def as_checked(root: Path, name: str) -> list[tuple[str, int]]:
    """What ``check --format json`` reports in one file of the book: (code, 0-based line)."""
    _, report, _ = helpers.check_json("--no-cache")
    return sorted((d["code"], d["line"] - 1) for d in report["diagnostics"] if d["path"] == name)


def shown(found: list[Any]) -> list[tuple[str, int]]:
    return sorted((d.code, d.range.start.line) for d in found)


def test_an_open_chapter_shows_the_book_wide_findings_check_reports(tmp_path: Path, monkeypatch: Any) -> None:
    write_book(tmp_path)
    monkeypatch.chdir(tmp_path)
    expected_ch1 = as_checked(tmp_path, "ch1.md")
    assert ("CIT003", 2) in expected_ch1  # reference 2 is first cited before reference 1, across the book

    async def scenario(session: Session) -> None:
        ch1 = (tmp_path / "ch1.md").as_uri()
        session.open(ch1, CH1)
        found = await session.wait_for(ch1, lambda found: bool(found))
        assert shown(found) == expected_ch1
        assert next(d for d in found if d.code == "CIT003").range.start.character == CH1.splitlines()[2].index("[CITATION 2]")

    run_session(scenario, cwd=tmp_path)


def test_an_unsaved_edit_of_one_chapter_changes_what_another_open_one_shows(tmp_path: Path, monkeypatch: Any) -> None:
    """refs.md lists 3, which only ch2 cites; ch2 edited in the editor (not saved) to
    cite 1 instead leaves 3 unused: refs.md, open too, shows CIT002 at entry 3, as
    check does once the edit is saved."""
    write_book(tmp_path)
    monkeypatch.chdir(tmp_path)
    edited = CH2.replace("[CITATION 3]", "[CITATION 1]")

    async def scenario(session: Session) -> None:
        refs, ch2 = (tmp_path / "refs.md").as_uri(), (tmp_path / "ch2.md").as_uri()
        session.open(refs, REFS)
        session.open(ch2, CH2)
        assert shown(await session.wait_for(refs)) == []
        session.change_all(ch2, edited, 2)
        found = await session.wait_for(refs, lambda found: bool(found))
        assert (tmp_path / "ch2.md").read_text(encoding="utf-8") == CH2  # nothing saved
        (tmp_path / "ch2.md").write_text(edited, encoding="utf-8")
        assert shown(found) == as_checked(tmp_path, "refs.md") == [("CIT002", 4)]

    run_session(scenario, cwd=tmp_path)


def test_a_closed_chapter_is_read_from_disk_and_its_change_seen(tmp_path: Path, monkeypatch: Any) -> None:
    """ch2 is not open: its text on disk is the book's. Changing it on disk (and
    editing ch1 again) changes ch1's findings: a kept summary is not used once the
    file's status changed."""
    write_book(tmp_path)
    monkeypatch.chdir(tmp_path)

    async def scenario(session: Session) -> None:
        ch1 = (tmp_path / "ch1.md").as_uri()
        session.open(ch1, CH1)
        before = shown(await session.wait_for(ch1, lambda found: bool(found)))
        assert ("CIT001", 2) not in before
        (tmp_path / "refs.md").write_text(REFS.replace('2. "Beta Work Title." 2002.\n', ""), encoding="utf-8")  # no entry 2 any more: [CITATION 2] is undefined
        session.change_all(ch1, CH1 + "\n", 2)
        found = await session.wait_for(ch1, lambda found: ("CIT001", 2) in shown(found))
        assert shown(found) == as_checked(tmp_path, "ch1.md")

    run_session(scenario, cwd=tmp_path)


# -- the book's renumbering: one edit of every file it changes, as `citelint fix` ----

FIX_CONFIG = '[tool.citelint]\nnumbering = "book"\nchapters = ["ch1.md", "ch2.md"]\n'
FIX_CH1 = (
    "# One\n\nFirst [CITATION 2]. Then [CITATION 1].\n\n## References\n\n"
    '1. "Alpha Work Title." 2001. https://example.org/a\n2. "Beta Work Title." 2002. https://example.org/b\n'
)
FIX_CH2 = '# Two\n\nLater [CITATION 1] and [CITATION 3].\n\n## References\n\n3. "Gamma Work Title." 2003. https://example.org/c\n'


def test_completion_offers_the_next_number_the_book_does_not_use(tmp_path: Path, monkeypatch: Any) -> None:
    """ch1 cites 1 and 2; 3 is ch2's source. A new reference typed in ch1 takes 4:
    the chapter's next number, 3, would cite ch2's source without a word. With a
    chapter of the book unreadable, no number is offered as new."""
    write_book(tmp_path)
    monkeypatch.chdir(tmp_path)
    typed_at = CH1.index("\n", CH1.index("Then"))
    typing = CH1[:typed_at] + " More [CITATION " + CH1[typed_at:]

    async def scenario(session: Session) -> None:
        ch1 = (tmp_path / "ch1.md").as_uri()
        session.open(ch1, CH1)
        await session.wait_for(ch1, lambda found: bool(found))
        session.change_all(ch1, typing, 2)
        at = pos(typing, typed_at + len(" More [CITATION "), session.encoding)
        completion = await session.client.text_document_completion_async(lsp.CompletionParams(lsp.TextDocumentIdentifier(ch1), at))
        new = [item for item in completion.items if "new reference" in (item.detail or "")]
        assert [item.label for item in new] == ["4"]
        (tmp_path / "ch2.md").write_bytes(b"\xff\xfe not text \x00")  # ch2 cannot be read: what it uses is unknown
        completion = await session.client.text_document_completion_async(lsp.CompletionParams(lsp.TextDocumentIdentifier(ch1), at))
        assert not [item for item in (completion.items if completion else []) if "new reference" in (item.detail or "")]

    run_session(scenario, cwd=tmp_path)


def write_fix_book(root: Path, texts: dict[str, str]) -> None:
    (root / ".git").mkdir(parents=True)
    (root / "pyproject.toml").write_text(FIX_CONFIG, encoding="utf-8")
    for name, text in texts.items():
        (root / name).write_text(text, encoding="utf-8")


def fixed_by_cli(root: Path, texts: dict[str, str], monkeypatch: Any) -> dict[str, str]:
    """What `citelint fix` writes to the book with these texts, in a copy of it."""
    copy = root / "by-cli"
    write_fix_book(copy, texts)
    monkeypatch.chdir(copy)
    helpers.cli("fix", "--quiet")
    monkeypatch.chdir(root)
    return {name: (copy / name).read_text(encoding="utf-8") for name in texts}


def applied(session: Session, edit: Any, texts: dict[str, str], root: Path) -> dict[str, str]:
    """The book's texts after a WorkspaceEdit, applied as an editor applies it."""
    by_uri = {(root / name).as_uri(): name for name in texts}
    assert set(edit.changes) <= set(by_uri), edit.changes
    return {name: apply(text, edit.changes.get((root / name).as_uri(), []), session.encoding) for name, text in texts.items()}


async def actions(session: Session, uri: str, only: list[str], diagnostics: Optional[list[Any]] = None) -> list[Any]:
    whole = lsp.Range(lsp.Position(0, 0), lsp.Position(10_000, 0))
    params = lsp.CodeActionParams(lsp.TextDocumentIdentifier(uri), whole, lsp.CodeActionContext(diagnostics=diagnostics or [], only=only))
    return list(await asyncio.wait_for(session.client.text_document_code_action_async(params), WAIT) or [])


def test_the_renumber_quick_fix_and_fix_all_renumber_the_whole_book_as_citelint_fix(tmp_path: Path, monkeypatch: Any) -> None:
    """ch1 cites 2 before 1; ch2 (closed) cites 1 too. Renumbering ch1 alone would
    leave ch2's [CITATION 1] pointing at the other source: the quick fix and fix
    all change both files, as `citelint fix` does."""
    write_fix_book(tmp_path, {"ch1.md": FIX_CH1, "ch2.md": FIX_CH2})
    monkeypatch.chdir(tmp_path)
    expected = fixed_by_cli(tmp_path, {"ch1.md": FIX_CH1, "ch2.md": FIX_CH2}, monkeypatch)
    assert expected["ch2.md"] != FIX_CH2  # the fix is the book's: ch2 changes too

    async def scenario(session: Session) -> None:
        ch1 = (tmp_path / "ch1.md").as_uri()
        session.open(ch1, FIX_CH1)
        found = await session.wait_for(ch1, lambda found: "CIT003" in {d.code for d in found})
        numbering = [d for d in found if d.code == "CIT003"]
        (renumber,) = [a for a in await actions(session, ch1, [lsp.CodeActionKind.QuickFix], numbering) if a.title.startswith("Renumber")]
        assert "2 files" in renumber.title
        assert applied(session, renumber.edit, {"ch1.md": FIX_CH1, "ch2.md": FIX_CH2}, tmp_path) == expected
        (fix_all,) = await actions(session, ch1, ["source.fixAll.citelint"])
        assert fix_all.disabled is None
        assert applied(session, fix_all.edit, {"ch1.md": FIX_CH1, "ch2.md": FIX_CH2}, tmp_path) == expected

    run_session(scenario, cwd=tmp_path)


def test_the_book_fix_is_made_on_the_open_chapters_unsaved_texts(tmp_path: Path, monkeypatch: Any) -> None:
    """ch2 is open with an unsaved edit (it cites 2 where the disk says 1): the
    book's fix is `citelint fix`'s of the book as the editor has it, and its edit
    of ch2 applies to the editor's text."""
    write_fix_book(tmp_path, {"ch1.md": FIX_CH1, "ch2.md": FIX_CH2})
    monkeypatch.chdir(tmp_path)
    edited = FIX_CH2.replace("Later [CITATION 1]", "Later [CITATION 2]")
    expected = fixed_by_cli(tmp_path, {"ch1.md": FIX_CH1, "ch2.md": edited}, monkeypatch)
    assert expected != fixed_by_cli(tmp_path / "saved", {"ch1.md": FIX_CH1, "ch2.md": FIX_CH2}, monkeypatch)

    async def scenario(session: Session) -> None:
        ch1, ch2 = (tmp_path / "ch1.md").as_uri(), (tmp_path / "ch2.md").as_uri()
        session.open(ch2, FIX_CH2)
        await session.wait_for(ch2)
        session.change_all(ch2, edited, 2)
        session.open(ch1, FIX_CH1)
        await session.wait_for(ch1, lambda found: "CIT003" in {d.code for d in found})
        (fix_all,) = await actions(session, ch1, ["source.fixAll"])
        assert applied(session, fix_all.edit, {"ch1.md": FIX_CH1, "ch2.md": edited}, tmp_path) == expected
        assert (tmp_path / "ch2.md").read_text(encoding="utf-8") == FIX_CH2  # nothing written: the editor applies the edit

    run_session(scenario, cwd=tmp_path)


def test_where_citelint_fix_refuses_the_book_no_renumbering_is_offered(tmp_path: Path, monkeypatch: Any) -> None:
    """ch2's list starts again at 1 (CIT016): `citelint fix` refuses the book.
    No quick fix renumbers the chapter instead; fix all is disabled with fix's
    reason, and a rename (which renumbers one chapter) is refused."""
    restarted = FIX_CH2.replace("3. \"Gamma", "1. \"Gamma").replace("[CITATION 3]", "[CITATION 2]")
    write_fix_book(tmp_path, {"ch1.md": FIX_CH1, "ch2.md": restarted})
    monkeypatch.chdir(tmp_path)
    ran = helpers.cli("fix")
    assert ran.code == 1 and "not fixed" in ran.stdout
    reason = ran.stdout.split("not fixed: ", 1)[1].strip()

    async def scenario(session: Session) -> None:
        ch1 = (tmp_path / "ch1.md").as_uri()
        session.open(ch1, FIX_CH1)
        found = await session.wait_for(ch1, lambda found: "CIT003" in {d.code for d in found})
        quick = await actions(session, ch1, [lsp.CodeActionKind.QuickFix], [d for d in found if d.code == "CIT003"])
        assert [a.title for a in quick if a.title.startswith("Renumber")] == []
        (fix_all,) = await actions(session, ch1, ["source.fixAll.citelint"])
        assert fix_all.edit is None and reason in fix_all.disabled.reason
        on_marker = lsp.Position(2, FIX_CH1.splitlines()[2].index("[CITATION 2]") + 11)
        with pytest.raises(Exception, match="run `citelint fix` on the book"):
            await session.client.text_document_rename_async(lsp.RenameParams(lsp.TextDocumentIdentifier(ch1), on_marker, "1"))

    run_session(scenario, cwd=tmp_path)


def test_the_book_wide_messages_and_fixs_refusal_name_other_chapters_as_check_does(tmp_path: Path, monkeypatch: Any) -> None:
    """A book-wide finding that names another chapter (CIT016 'also listed in ch1.md',
    CIT003's 'cannot renumber: ch1.md: …') and Fix all's refusal name it from the
    project's root, as `citelint check` and `citelint fix` run there do: with the
    order from file names (no `chapters`) the server named it by its absolute path.
    Found on docling's converted papers as a book."""
    restarted = FIX_CH2.replace("3. \"Gamma", "1. \"Gamma").replace("[CITATION 3]", "[CITATION 1]")
    write_fix_book(tmp_path, {"ch1.md": FIX_CH1, "ch2.md": restarted})
    (tmp_path / "pyproject.toml").write_text('[tool.citelint]\nnumbering = "book"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    _, report, _ = helpers.check_json("--no-cache")
    expected = sorted((d["code"], d["line"] - 1, d["message"]) for d in report["diagnostics"] if d["path"] == "ch2.md")
    assert any("ch1.md" in message for _, _, message in expected)
    ran = helpers.cli("fix")
    assert ran.code == 1 and "not fixed: " in ran.stdout
    refused_file, reason = ran.stdout.strip().split(": not fixed: ", 1)

    async def scenario(session: Session) -> None:
        ch2 = (tmp_path / "ch2.md").as_uri()
        session.open(ch2, restarted)
        found = await session.wait_for(ch2, lambda found: bool(found))
        assert sorted((d.code, d.range.start.line, d.message.rsplit(" [", 1)[0]) for d in found) == expected
        (fix_all,) = await actions(session, ch2, ["source.fixAll.citelint"])
        assert fix_all.disabled.reason == f"not fixed: {refused_file}: {reason}"

    run_session(scenario, cwd=tmp_path)


def test_a_client_that_checks_versions_gets_the_open_chapters_versions(tmp_path: Path, monkeypatch: Any) -> None:
    """With document changes, each open chapter's edit names the version it was
    made on (an editor refuses it once the chapter has changed); a closed one
    names none."""
    write_fix_book(tmp_path, {"ch1.md": FIX_CH1, "ch2.md": FIX_CH2})
    monkeypatch.chdir(tmp_path)
    expected = fixed_by_cli(tmp_path, {"ch1.md": FIX_CH1, "ch2.md": FIX_CH2}, monkeypatch)

    async def scenario(session: Session) -> None:
        ch1 = (tmp_path / "ch1.md").as_uri()
        session.open(ch1, FIX_CH1)
        await session.wait_for(ch1, lambda found: bool(found))
        session.change_all(ch1, FIX_CH1 + "\n", 7)
        await session.wait_for(ch1, lambda found: session.versions.get(ch1) == 7)
        (fix_all,) = await actions(session, ch1, ["source.fixAll.citelint"])
        assert fix_all.edit.changes is None
        versions = {change.text_document.uri: change.text_document.version for change in fix_all.edit.document_changes}
        assert versions == {ch1: 7, (tmp_path / "ch2.md").as_uri(): None}
        texts = {"ch1.md": FIX_CH1 + "\n", "ch2.md": FIX_CH2}
        edits = {change.text_document.uri: change.edits for change in fix_all.edit.document_changes}
        fixed = {name: apply(text, edits[(tmp_path / name).as_uri()], session.encoding) for name, text in texts.items()}
        assert fixed == {"ch1.md": expected["ch1.md"] + "\n", "ch2.md": expected["ch2.md"]}

    run_session(scenario, cwd=tmp_path, document_changes=True)


def test_a_file_outside_the_book_is_not_fixed_as_citelint_fix_leaves_it(tmp_path: Path, monkeypatch: Any) -> None:
    draft = "# Draft\n\nSoon [CITATION 2] and [Citation 1].\n"
    write_fix_book(tmp_path, {"ch1.md": FIX_CH1, "ch2.md": FIX_CH2, "draft.md": draft})
    monkeypatch.chdir(tmp_path)
    helpers.cli("fix", "draft.md")
    assert (tmp_path / "draft.md").read_text(encoding="utf-8") == draft
    (tmp_path / "ch1.md").write_text(FIX_CH1, encoding="utf-8")
    (tmp_path / "ch2.md").write_text(FIX_CH2, encoding="utf-8")

    async def scenario(session: Session) -> None:
        uri = (tmp_path / "draft.md").as_uri()
        session.open(uri, draft)
        await session.wait_for(uri, lambda found: bool(found))
        (fix_all,) = await actions(session, uri, ["source.fixAll.citelint"])
        assert fix_all.edit is None and "draft.md is not a chapter of the book" in fix_all.disabled.reason

    run_session(scenario, cwd=tmp_path)


# -- the book's order from file names: an open chapter is judged within its folder's book --


def test_with_the_order_from_file_names_an_open_chapter_is_judged_in_its_folders_book(tmp_path: Path, monkeypatch: Any) -> None:
    """No chapters, no book tool: the book is the files of the chapter's folder, as
    `check book/` reads it. ch2's list starts again at 1 (CIT016 there); alone, ch2
    would be a right book of one."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.citelint]\nnumbering = "book"\n', encoding="utf-8")
    (tmp_path / "book").mkdir()
    ch1 = '# One\n\nOne [CITATION 1].\n\n## References\n\n1. "Alpha Work Title." 2001. https://example.org/a\n'
    ch2 = '# Two\n\nTwo [CITATION 1].\n\n## References\n\n1. "Beta Work Title." 2002. https://example.org/b\n'
    (tmp_path / "book" / "ch1.md").write_text(ch1, encoding="utf-8")
    (tmp_path / "book" / "ch2.md").write_text(ch2, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    _, report, _ = helpers.check_json("--no-cache", "book")
    expected = sorted((d["code"], d["line"] - 1) for d in report["diagnostics"] if d["path"] == "book/ch2.md")
    assert ("CIT016", 6) in expected

    async def scenario(session: Session) -> None:
        uri = (tmp_path / "book" / "ch2.md").as_uri()
        session.open(uri, ch2)
        assert shown(await session.wait_for(uri, lambda found: bool(found))) == expected

    run_session(scenario, cwd=tmp_path)


def test_disable_for_this_line_is_judged_with_the_book(tmp_path: Path, monkeypatch: Any) -> None:
    """ch1 has a book-wide CIT003 (line 3) and a book-wide CIT002 (entry 3, cited
    nowhere in the book). The comment silencing the CIT003 is checked against the
    book's findings too: offered, and `check` of the saved text agrees."""
    ch1 = FIX_CH1 + '3. "Delta Work Title." 2004. https://example.org/d\n'
    ch2 = FIX_CH2.replace("3. \"Gamma", "4. \"Gamma").replace("[CITATION 3]", "[CITATION 4]")
    write_fix_book(tmp_path, {"ch1.md": ch1, "ch2.md": ch2})
    monkeypatch.chdir(tmp_path)
    assert as_checked(tmp_path, "ch1.md") == [("CIT002", 8), ("CIT003", 2), ("CIT006", 2), ("CIT006", 2)]

    async def scenario(session: Session) -> None:
        uri = (tmp_path / "ch1.md").as_uri()
        session.open(uri, ch1)
        found = await session.wait_for(uri, lambda found: bool(found))
        numbering = next(d for d in found if d.code == "CIT003")
        quick = await actions(session, uri, [lsp.CodeActionKind.QuickFix], [numbering])
        (disable,) = [a for a in quick if a.title == "Disable citation-out-of-order for this line"]
        changed = apply(ch1, disable.edit.changes[uri], session.encoding)
        (tmp_path / "ch1.md").write_text(changed, encoding="utf-8")
        assert as_checked(tmp_path, "ch1.md") == [("CIT002", 8), ("CIT006", 2), ("CIT006", 2)]

    run_session(scenario, cwd=tmp_path)


# -- navigating the book: definition, references, rename (numbering = "book") ---------------

NAV_CONFIG = '[tool.citelint]\nnumbering = "book"\nplacement = "any"\nchapters = ["ch1.md", "ch2.md", "ch3.md"]\nbibliography = "refs.md"\n'
NAV_CH1 = (
    "# One\n\nEarly work [CITATION 1]. Then [CITATION 2].\n\n## References\n\n"
    '1. Smith, John. "A Study of Summits." Journal of Things, 2020. https://example.org/a\n'
    '2. Lee, Ann. "Arms for Oil." Review of Trade, 2019.\n'
)
# Saved with a BOM (which an editor does not show), emoji before its markers (two
# UTF-16 code units each), its list numbered on from ch1's.
NAV_CH2 = 'The 😀 summit [CITATION 3] recalls [CITATION 1].\n\n## References\n\n3. Kim, Jae. "Railways of the North." Asian Studies, 2018.\n'
NAV_CH3 = "# Three\n\nRailways [CITATION 3]. Rockets [CITATION 4, 5]. Summits again [CITATION 1].\n"
NAV_REFS = '# Bibliography\n\n- Park, Bob. "Rockets and Roubles." The Economist, 2022. https://example.org/r\n- "Ships of the Line." Naval Review, 2017.\n'
# The editor's unsaved texts: a paragraph more before ch1's list, a citation more at the start of ch3.
EDITED_CH1 = NAV_CH1.replace("## References", "A paragraph written since.\n\n## References")
EDITED_CH3 = NAV_CH3.replace("# Three\n\n", "# Three\n\nPrelude [CITATION 1].\n\n")


def write_nav_book(root: Path) -> dict[str, str]:
    """The book on disk (three chapters, the bibliography); each file's URI."""
    (root / ".git").mkdir()
    (root / "pyproject.toml").write_text(NAV_CONFIG, encoding="utf-8")
    for name, text in (("ch1.md", NAV_CH1), ("ch3.md", NAV_CH3), ("refs.md", NAV_REFS)):
        (root / name).write_text(text, encoding="utf-8")
    (root / "ch2.md").write_bytes(b"\xef\xbb\xbf" + NAV_CH2.encode("utf-8"))
    return {name: (root / name).as_uri() for name in ("ch1.md", "ch2.md", "ch3.md", "refs.md")}


def marker_at(uri: str, text: str, marker: str, encoding: str, nth: int = 0) -> tuple[str, tuple[int, int], tuple[int, int]]:
    """Where a marker is, as (uri, start, end) in the client's positions."""
    start = marker_offset(text, marker, nth)
    return uri, position_of(text, start, encoding), position_of(text, start + len(marker), encoding)


def entry_at(uri: str, text: str, beginning: str, encoding: str) -> tuple[str, tuple[int, int], tuple[int, int]]:
    """Where an entry is: from its start to the end of its (only) line."""
    start = text.index(beginning)
    return uri, position_of(text, start, encoding), position_of(text, text.index("\n", start), encoding)


def located(found: Optional[list[Any]]) -> list[tuple[str, tuple[int, int], tuple[int, int]]]:
    return [(where.uri, (where.range.start.line, where.range.start.character), (where.range.end.line, where.range.end.character)) for where in found or []]


async def definition(session: Session, uri: str, text: str, offset: int) -> list[tuple[str, tuple[int, int], tuple[int, int]]]:
    asked = lsp.DefinitionParams(lsp.TextDocumentIdentifier(uri), pos(text, offset, session.encoding))
    return located(await asyncio.wait_for(session.client.text_document_definition_async(asked), WAIT))


async def references(session: Session, uri: str, text: str, offset: int, declaration: bool) -> list[tuple[str, tuple[int, int], tuple[int, int]]]:
    asked = lsp.ReferenceParams(text_document=lsp.TextDocumentIdentifier(uri), position=pos(text, offset, session.encoding), context=lsp.ReferenceContext(include_declaration=declaration))
    return located(await asyncio.wait_for(session.client.text_document_references_async(asked), WAIT))


def open_edited(session: Session, uris: dict[str, str]) -> None:
    """ch1 and ch3 open in the editor, each with an edit not saved (EDITED_CH1, EDITED_CH3)."""
    session.open(uris["ch1.md"], NAV_CH1)
    session.change_all(uris["ch1.md"], EDITED_CH1, 2)
    session.open(uris["ch3.md"], NAV_CH3)
    session.change_all(uris["ch3.md"], EDITED_CH3, 2)


def test_go_to_definition_jumps_to_the_books_entry_in_the_file_that_lists_it(tmp_path: Path) -> None:
    """ch3 has no list: its [CITATION 1] goes to ch1's entry (ch1 open with an
    unsaved paragraph before its list: the entry where the editor has it), its 3 to
    ch2's (closed: as saved, BOM and emoji), its 4 and 5 to the bibliography's
    bullets, numbered on after ch2's entry 3. Before, ch3 (no list of its own)
    went nowhere."""
    uris = write_nav_book(tmp_path)

    async def scenario(session: Session) -> None:
        enc = session.encoding
        open_edited(session, uris)
        on = lambda marker, nth=0, into=len("[CITATION "): marker_offset(EDITED_CH3, marker, nth) + into  # noqa: E731
        ch1_entry = entry_at(uris["ch1.md"], EDITED_CH1, "1. Smith", enc)
        assert await definition(session, uris["ch3.md"], EDITED_CH3, on("[CITATION 1]", 1)) == [ch1_entry]
        assert await definition(session, uris["ch3.md"], EDITED_CH3, on("[CITATION 3]")) == [entry_at(uris["ch2.md"], NAV_CH2, "3. Kim", enc)]
        four, five = entry_at(uris["refs.md"], NAV_REFS, "- Park", enc), entry_at(uris["refs.md"], NAV_REFS, '- "Ships', enc)
        assert await definition(session, uris["ch3.md"], EDITED_CH3, on("[CITATION 4, 5]", into=len("[CITATION 4, "))) == [five]
        assert await definition(session, uris["ch3.md"], EDITED_CH3, on("[CITATION 4, 5]", into=1)) == [four, five]
        session.open(uris["ch2.md"], NAV_CH2)  # in its own file too, as the editor has it
        assert await definition(session, uris["ch2.md"], NAV_CH2, marker_offset(NAV_CH2, "[CITATION 1]") + 11) == [ch1_entry]
        assert await definition(session, uris["ch2.md"], NAV_CH2, marker_offset(NAV_CH2, "[CITATION 3]") + 11) == [entry_at(uris["ch2.md"], NAV_CH2, "3. Kim", enc)]

    run_session(scenario, cwd=tmp_path)


def test_find_references_lists_the_citing_markers_of_every_chapter_of_the_book(tmp_path: Path) -> None:
    """From an entry or a marker: every marker of the book citing the number, in
    book order, each in its file: the open chapters' as the editor has them
    (ch3's unsaved citation of 1 among them), the closed ones' as saved (ch2:
    BOM and emoji before its markers); with the entry first when asked for."""
    uris = write_nav_book(tmp_path)

    async def scenario(session: Session) -> None:
        enc = session.encoding
        open_edited(session, uris)
        session.open(uris["refs.md"], NAV_REFS)
        citing_one = [
            marker_at(uris["ch1.md"], EDITED_CH1, "[CITATION 1]", enc),
            marker_at(uris["ch2.md"], NAV_CH2, "[CITATION 1]", enc),
            marker_at(uris["ch3.md"], EDITED_CH3, "[CITATION 1]", enc, 0),
            marker_at(uris["ch3.md"], EDITED_CH3, "[CITATION 1]", enc, 1),
        ]
        ch1_entry = entry_at(uris["ch1.md"], EDITED_CH1, "1. Smith", enc)
        assert await references(session, uris["ch1.md"], EDITED_CH1, EDITED_CH1.index("1. Smith") + 5, False) == citing_one
        assert await references(session, uris["ch1.md"], EDITED_CH1, EDITED_CH1.index("1. Smith"), True) == [ch1_entry, *citing_one]
        assert await references(session, uris["ch3.md"], EDITED_CH3, marker_offset(EDITED_CH3, "[CITATION 1]", 1) + 3, True) == [ch1_entry, *citing_one]
        three = [entry_at(uris["ch2.md"], NAV_CH2, "3. Kim", enc), marker_at(uris["ch2.md"], NAV_CH2, "[CITATION 3]", enc), marker_at(uris["ch3.md"], EDITED_CH3, "[CITATION 3]", enc)]
        assert await references(session, uris["ch3.md"], EDITED_CH3, marker_offset(EDITED_CH3, "[CITATION 3]") + 11, True) == three
        rockets = marker_at(uris["ch3.md"], EDITED_CH3, "[CITATION 4, 5]", enc)
        assert await references(session, uris["refs.md"], NAV_REFS, NAV_REFS.index("- Park") + 4, True) == [entry_at(uris["refs.md"], NAV_REFS, "- Park", enc), rockets]
        assert await references(session, uris["refs.md"], NAV_REFS, NAV_REFS.index('- "Ships') + 4, False) == [rockets]
        hover = await asyncio.wait_for(session.client.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(uris["refs.md"]), pos(NAV_REFS, NAV_REFS.index("- Park") + 4, enc))), WAIT)
        assert hover.contents.value == "**reference 4**: cited by 1 marker in the book (none in this chapter)"
        assert [link.target for link in await asyncio.wait_for(session.client.text_document_document_link_async(lsp.DocumentLinkParams(lsp.TextDocumentIdentifier(uris["refs.md"]))), WAIT)] == ["https://example.org/r"]

    run_session(scenario, cwd=tmp_path)


def test_rename_of_a_number_is_refused_in_a_book_and_changes_no_chapter(tmp_path: Path) -> None:
    """A rename renumbers one chapter: in a book, the markers of the others would
    then cite other sources. Both prepareRename and rename refuse, with the way to
    renumber the book instead, on a marker and on an entry."""
    uris = write_nav_book(tmp_path)

    async def scenario(session: Session) -> None:
        session.open(uris["ch1.md"], NAV_CH1)
        session.open(uris["ch3.md"], NAV_CH3)
        for uri, at in ((uris["ch3.md"], pos(NAV_CH3, marker_offset(NAV_CH3, "[CITATION 1]") + 11)), (uris["ch1.md"], pos(NAV_CH1, NAV_CH1.index("2. Lee")))):
            with pytest.raises(Exception, match='numbering = "book".*run `citelint fix` on the book'):
                await asyncio.wait_for(session.client.text_document_prepare_rename_async(lsp.PrepareRenameParams(lsp.TextDocumentIdentifier(uri), at)), WAIT)
            with pytest.raises(Exception, match='cannot renumber: .*numbering = "book".*run `citelint fix` on the book'):
                await asyncio.wait_for(session.client.text_document_rename_async(lsp.RenameParams(lsp.TextDocumentIdentifier(uri), at, "2")), WAIT)

    run_session(scenario, cwd=tmp_path)


# -- the cost of a large book: files read, counted in the server's own process ----------------

# The server run with an audit hook writing the name of each Markdown file the
# process opens to the file CITELINT_TEST_OPENS names (each "open" event:
# open(), os.open(), whatever reads a chapter), then started as `citelint server`.
COUNTING_SERVER = (
    "-c",
    "import os, sys\n"
    "log = os.open(os.environ['CITELINT_TEST_OPENS'], os.O_WRONLY | os.O_APPEND | os.O_CREAT)\n"
    "def opened(event, args):\n"
    "    if event == 'open' and isinstance(args[0], (str, os.PathLike)) and os.fspath(args[0]).endswith('.md'):\n"
    "        os.write(log, os.path.basename(os.fspath(args[0])).encode() + b'\\n')\n"
    "sys.addaudithook(opened)\n"
    "sys.argv = ['citelint', 'server']\n"
    "from citelint.__main__ import main\n"
    "main()\n",
)
LARGE_BOOK = 200


def large_chapter(number: int) -> str:
    """Chapter ``number`` of a book numbered across its chapters: it cites its own
    three entries (numbered on from the chapters before) and the book's first."""
    first = 3 * number - 2
    cites = " ".join(f"Point {cited} [CITATION {cited}]." for cited in (first, first + 1, first + 2))
    entries = "".join(f'{cited}. Author, A{cited}. "Work Number {cited}." Press, 2001. https://example.org/{cited}\n' for cited in (first, first + 1, first + 2))
    return f"# Chapter {number}\n\n{cites} As in chapter one [CITATION 1].\n\n## References\n\n{entries}"


def test_a_200_chapter_book_is_read_once_and_navigation_reads_no_file(tmp_path: Path) -> None:
    """Opening a chapter of a 200-chapter book reads each other chapter once (the
    book-wide findings need them); after that, hints, lenses, hover, go to
    definition and find references across the book, an unsaved edit, and opening
    a second chapter read no file: the book's index holds what they need. Files
    are counted as the server's process opens them, not timed."""
    book = tmp_path / "book"
    book.mkdir()
    (book / ".git").mkdir()
    (book / "pyproject.toml").write_text('[tool.citelint]\nnumbering = "book"\nplacement = "any"\n', encoding="utf-8")
    texts = {f"ch{number:03d}.md": large_chapter(number) for number in range(1, LARGE_BOOK + 1)}
    for name, text in texts.items():
        (book / name).write_text(text, encoding="utf-8")
    log = tmp_path / "opens.log"
    log.write_text("", encoding="utf-8")

    def opened() -> list[str]:
        return log.read_text(encoding="utf-8").split()

    async def navigate(session: Session, name: str, text: str) -> None:
        uri = (book / name).as_uri()
        on_one = marker_offset(text, "[CITATION 1]") + 11
        assert await definition(session, uri, text, on_one) == [entry_at((book / "ch001.md").as_uri(), texts["ch001.md"], "1. Author", session.encoding)]
        found = await references(session, uri, text, on_one, True)
        assert len(found) == 1 + LARGE_BOOK + 1 and len({where for where, _, _ in found}) == LARGE_BOOK  # the entry, chapter one's own marker, one in each chapter
        hinted = await asyncio.wait_for(session.client.text_document_inlay_hint_async(lsp.InlayHintParams(lsp.TextDocumentIdentifier(uri), lsp.Range(lsp.Position(0, 0), lsp.Position(10_000, 0)))), WAIT)
        assert len(hinted) == 4
        lensed = await asyncio.wait_for(session.client.text_document_code_lens_async(lsp.CodeLensParams(lsp.TextDocumentIdentifier(uri))), WAIT)
        assert [lens.command.title for lens in lensed] == ["cited once in the book (1 in this chapter)"] * 3
        hovered = await asyncio.wait_for(session.client.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(uri), pos(text, on_one, session.encoding))), WAIT)
        assert "Work Number 1." in hovered.contents.value and "ch001.md" in hovered.contents.value

    async def scenario(session: Session) -> None:
        middle, later = (book / "ch100.md").as_uri(), (book / "ch150.md").as_uri()
        session.open(middle, texts["ch100.md"])
        await session.wait_for(middle)
        read = Counter(opened())
        assert set(read) == set(texts) - {"ch100.md"} and max(read.values()) == 1, read.most_common(3)
        await navigate(session, "ch100.md", texts["ch100.md"])
        edited = texts["ch100.md"].replace("# Chapter 100\n", "# Chapter 100\n\nA new paragraph, unsaved.\n")
        session.change_all(middle, edited, 2)
        await session.wait_for(middle)
        await navigate(session, "ch100.md", edited)
        session.open(later, texts["ch150.md"])
        await session.wait_for(later)
        await navigate(session, "ch150.md", texts["ch150.md"])
        assert Counter(opened()) == read  # nothing read since the first lint

    run_session(scenario, cwd=book, env={"CITELINT_TEST_OPENS": str(log)}, server=COUNTING_SERVER)


def test_completion_in_the_bibliography_offers_each_entrys_number_in_the_book(tmp_path: Path) -> None:
    """The bibliography's bullets are 4 and 5 in the book (ch1 and ch2 list 1 to 3):
    completion offered them as 1 and 2, which cite ch1's sources. With a chapter
    unreadable their numbers are not known: no bullet is offered, nor a new number."""
    uris = write_nav_book(tmp_path)
    typing = NAV_REFS.replace("# Bibliography\n\n", "# Bibliography\n\nSee also [CITATION \n\n")
    at = typing.index("[CITATION ") + len("[CITATION ")

    async def complete(session: Session) -> list[tuple[str, str]]:
        asked = lsp.CompletionParams(lsp.TextDocumentIdentifier(uris["refs.md"]), pos(typing, at, session.encoding))
        found = await asyncio.wait_for(session.client.text_document_completion_async(asked), WAIT)
        return [(item.label, item.detail) for item in (found.items if found else [])]

    async def scenario(session: Session) -> None:
        session.open(uris["refs.md"], NAV_REFS)
        session.change_all(uris["refs.md"], typing, 2)
        assert await complete(session) == [("4", "Rockets and Roubles."), ("5", "Ships of the Line."), ("6", "a new reference: the next unused number")]
        (tmp_path / "ch2.md").write_bytes(b"\xff\xfe not text \x00")
        session.change_all(uris["refs.md"], typing + "\n", 3)  # a new version: the book is read again
        assert await complete(session) == []

    run_session(scenario, cwd=tmp_path)


def test_without_the_books_index_no_unlabelled_entry_is_taken_for_a_number(tmp_path: Path) -> None:
    """ch2 cannot be read: the book's numbering past ch1 is not known. A note in
    the bibliography citing 1 (ch1's source) went to its own first bullet, and its
    hint and hover named that bullet's work; now they go nowhere and say no entry."""
    uris = write_nav_book(tmp_path)
    (tmp_path / "ch2.md").write_bytes(b"\xff\xfe not text \x00")
    noted = NAV_REFS.replace("# Bibliography\n\n", "# Bibliography\n\nSee also [CITATION 1].\n\n")
    on_one = marker_offset(noted, "[CITATION 1]") + 11

    async def scenario(session: Session) -> None:
        session.open(uris["refs.md"], noted)
        assert await definition(session, uris["refs.md"], noted, on_one) == []
        assert await references(session, uris["refs.md"], noted, on_one, True) == [marker_at(uris["refs.md"], noted, "[CITATION 1]", session.encoding)]
        hover = await asyncio.wait_for(session.client.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(uris["refs.md"]), pos(noted, on_one, session.encoding))), WAIT)
        assert "Rockets" not in hover.contents.value and "no entry 1" in hover.contents.value
        asked = lsp.InlayHintParams(lsp.TextDocumentIdentifier(uris["refs.md"]), lsp.Range(lsp.Position(0, 0), lsp.Position(100, 0)))
        assert [hint.label for hint in await asyncio.wait_for(session.client.text_document_inlay_hint_async(asked), WAIT)] == ["no entry 1"]

    run_session(scenario, cwd=tmp_path)
