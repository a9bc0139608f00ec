"""How CIT014 reads entries across files: each entry's same-work keys alone (as
digests) while the files are linted, the fields only of entries whose digest
another entry holds; the same findings whatever digests meet by chance."""

from __future__ import annotations

from typing import Any

import pytest

from citelint import book_checks, same_work
from citelint.check_files import lint_with_entries
from citelint.cited_work import candidate_keys
from citelint.config import Settings
from citelint.files import SourceFile

PANDA = 'Panda, Ankit. "What Did Russia and North Korea Actually Agree To?" Carnegie Endowment, September 15, 2023. https://carnegieendowment.org/2023/09/15/agree'
SMITH = "Smith, J. (2019). *A Book of Things*. Example Press. https://example.com/book"
JONES = 'Jones, Ann. "Another Study Entirely." Example Journal, 2018. https://example.net/other'
LEE = "Lee B, Park C. Notes on the third matter. J Things. 2017;3:4."


def chapter(*entries: str) -> str:
    markers = " ".join(f"Claim {n}. [CITATION {n}]" for n in range(1, len(entries) + 1))
    listed = "\n".join(f"{n}. {entry}" for n, entry in enumerate(entries, start=1))
    return f"# A chapter\n\n{markers}\n\n## References\n\n{listed}\n"


def entries_of(*chapters: str) -> list[tuple[str, Any]]:
    found = []
    for number, text in enumerate(chapters, start=1):
        name = f"ch{number:02d}.md"
        _, entries = lint_with_entries(SourceFile(name, text), Settings())
        found.append((name, entries))
    return found


def findings(files: list[tuple[str, Any]]) -> list[tuple[str, int, str]]:
    return [(d.path, d.line, d.message) for d in book_checks.inconsistent_references(files, Settings())]


@pytest.fixture
def fields_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The entries whose fields the comparison reads."""
    read: list[str] = []
    real = same_work.compared_work
    monkeypatch.setattr(same_work, "compared_work", lambda text: read.append(text) or real(text))
    return read


def test_entries_that_no_other_entry_may_be_are_compared_without_reading_their_fields(fields_read: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    files = entries_of(chapter(PANDA, SMITH), chapter(JONES, LEE))
    keys_read: list[str] = []
    monkeypatch.setattr(same_work, "same_work_keys", lambda text: keys_read.append(text) or frozenset())
    assert findings(files) == [] and fields_read == [] and keys_read == []


def test_only_the_entries_that_may_be_one_work_have_their_fields_read(fields_read: list[str]) -> None:
    later = SMITH.replace("2019", "2020")
    files = entries_of(chapter(PANDA, SMITH), chapter(JONES, later))
    (found,) = findings(files)
    assert found[:2] == ("ch02.md", 8) and "year (2020 here, 2019 there)" in found[2]
    assert sorted(set(fields_read)) == sorted({SMITH, later})


def test_digests_that_meet_by_chance_change_no_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Digests are a filter, not the keys: when every digest meets every other, the
    keys are compared as they are, and the findings are the same."""
    texts = (chapter(PANDA, SMITH), chapter(JONES, SMITH.replace("2019", "2020")), chapter(LEE, PANDA.replace("Actually ", "")))
    expected = findings(entries_of(*texts))
    assert len(expected) == 2
    monkeypatch.setattr(book_checks, "key_digest", lambda key: 7)
    colliding = entries_of(*texts)
    assert all(entry.digests == (7,) for _, entries in colliding for entry in entries)
    assert findings(colliding) == expected


def test_an_entry_is_held_as_its_text_and_digests() -> None:
    ((_, entries),) = entries_of(chapter(SMITH))
    (entry,) = entries
    assert entry.text == SMITH
    assert same_work.same_work_keys(SMITH) == {"example.com/book", "title:a book of things\0smith"}
    keys = candidate_keys(SMITH)  # the title's whatever the author: read without the authors
    assert keys == {"example.com/book", "title:a book of things"}
    assert entry.digests == tuple(sorted(same_work.key_digest(key) for key in keys))


def test_an_entry_is_held_in_the_characters_its_compared_fields_are_read_from() -> None:
    """A huge entry is held (and cached) in its first MAX_ENTRY characters, where every
    compared field is read: the findings are those of the whole entry."""
    from citelint.cited_work import MAX_ENTRY, compared_work

    tail = " and more" * MAX_ENTRY
    earlier, later = SMITH + tail, SMITH.replace("2019", "2020") + tail
    assert compared_work(later) == compared_work(later[:MAX_ENTRY])
    files = entries_of(chapter(earlier), chapter(later))
    assert all(len(entry.text) == MAX_ENTRY for _, entries in files for entry in entries)
    (found,) = findings(files)
    assert "year (2020 here, 2019 there)" in found[2]


def test_two_works_of_one_title_by_other_authors_are_candidates_and_no_finding() -> None:
    """Sorted by their title alone (read without the authors), two works of one title
    by different authors meet as candidates; their same-work keys (title and first
    author) then keep them apart, as before."""
    other = SMITH.replace("Smith, J.", "Brown, K.").replace("example.com/book", "example.org/brown")
    files = entries_of(chapter(SMITH), chapter(other))
    (first,), (second,) = (entries for _, entries in files)
    assert set(first.digests) & set(second.digests)  # candidates: the title's key
    assert findings(files) == []
    files = entries_of(chapter(SMITH), chapter(SMITH.replace("2019", "2020")))
    assert len(findings(files)) == 1
