"""CIT014 inconsistent-reference: the same work listed in two chapters with a
different title, year, authors, URL or DOI, judged across the files of one run."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import helpers

from citelint.book_checks import decode, encode
from citelint.check_files import check_paths, lint_with_entries
from citelint.config import Settings
from citelint.files import SourceFile

PANDA = 'Panda, Ankit. "What Did Russia and North Korea Actually Agree To?" Carnegie Endowment, September 15, 2023. https://carnegieendowment.org/2023/09/15/agree'
SMITH = "Smith, J. (2019). *A Book of Things*. Example Press. https://example.com/book"


def chapter(*entries: str, title: str = "A chapter") -> str:
    markers = " ".join(f"Claim {n}. [CITATION {n}]" for n in range(1, len(entries) + 1))
    listed = "\n".join(f"{n}. {entry}" for n, entry in enumerate(entries, start=1))
    return f"# {title}\n\n{markers}\n\n## References\n\n{listed}\n"


def write_book(project: Path, *chapters: str) -> Path:
    folder = project / "book"
    folder.mkdir(exist_ok=True)
    for number, text in enumerate(chapters, start=1):
        (folder / f"ch{number:02d}.md").write_text(text, encoding="utf-8")
    return folder


def cit014(*args: str) -> list[dict[str, Any]]:
    code, report, stderr = helpers.check_json(*args)
    assert stderr == "" and code in (0, 1)
    return [d for d in report["diagnostics"] if d["code"] == "CIT014"]


def test_a_different_year_is_reported_at_the_later_chapter_naming_the_earlier(project: Path) -> None:
    write_book(project, chapter(PANDA, SMITH), chapter(SMITH.replace("2019", "2020")))
    (found,) = cit014("book")
    assert (found["path"], found["line"], found["severity"]) == ("book/ch02.md", 7, "warning")
    assert found["message"] == (
        "reference 1 is the work of reference 2 in book/ch01.md (line 8), with a different year (2020 here, 2019 there); make the two entries agree"
    )


@pytest.mark.parametrize(
    ("later", "differs"),
    [
        (PANDA.replace("Actually ", ""), 'title ("What Did Russia and North Korea Agree To?" here'),
        (PANDA.replace("Panda, Ankit", "Panda, Ankit, and Victor Cha"), None),  # one list longer: not a difference
        ('Cha, Victor. "What Did Russia and North Korea Actually Agree To?" Carnegie Endowment, 2023. https://carnegieendowment.org/2023/09/15/agree', "authors (Cha here, Panda there)"),
        (PANDA.replace("https://carnegieendowment.org/2023/09/15/agree", "https://example.org/mirror"), "URL (https://example.org/mirror here"),
        (PANDA.replace("https://", "http://www."), None),  # the same URL, normalised
        (PANDA.replace("September 15, 2023. ", ""), None),  # no year: CIT008's, not a difference
        (PANDA.replace(" https://carnegieendowment.org/2023/09/15/agree", ""), None),  # same title and first author, no URL
        (PANDA.replace("2023", "2024"), "year (2024 here, 2023 there)"),
        # another work of the same site, cited by its home page in both chapters: not the same work
        ('"Another report entirely." Carnegie Endowment, 2020. https://carnegieendowment.org/', None),
    ],
)
def test_what_differs_and_what_does_not(project: Path, later: str, differs: str | None) -> None:
    first = PANDA if "entirely" not in later else PANDA.replace("/2023/09/15/agree", "/")
    write_book(project, chapter(first), chapter(later))
    found = cit014("book")
    if differs is None:
        assert found == []
    else:
        assert len(found) == 1 and differs in found[0]["message"]


WHO = "World Health Organization. (2021). Guidelines for the pharmacological treatment of hypertension in adults. https://www.who.int/publications/i/item/9789240033986"


@pytest.mark.parametrize(
    ("later", "differs"),
    [
        # APA's form for a work without authors: the title first, the publisher after the year
        ("Guidelines for the pharmacological treatment of hypertension in adults. (2021). World Health Organization. https://www.who.int/publications/i/item/9789240033986", None),
        ('"Guidelines for the pharmacological treatment of hypertension in adults." World Health Organization, 2021. https://www.who.int/publications/i/item/9789240033986', None),
        ("Guidelines for the pharmacological treatment of hypertension in adults. (2019). World Health Organization. https://www.who.int/publications/i/item/9789240033986", "year (2019 here, 2021 there)"),
    ],
)
def test_a_work_written_title_first_is_not_another_title(project: Path, later: str, differs: str | None) -> None:
    """One chapter names the organisation as author, another writes the work title
    first as APA does without authors: the title is not read as differing."""
    write_book(project, chapter(WHO), chapter(later))
    found = cit014("book")
    if differs is None:
        assert found == [], found
    else:
        assert len(found) == 1 and differs in found[0]["message"] and "title" not in found[0]["message"], found


BOOK_PAGE = "https://urbanpress.org/books/future-of-work"


def assert_two_chapters_differ(project: Path, first: str, later: str, differs: str | None) -> None:
    """A book of two chapters, each listing one entry: no CIT014 when ``differs`` is
    None, else one naming it."""
    write_book(project, chapter(first), chapter(later))
    found = cit014("book")
    if differs is None:
        assert found == [], found
    else:
        assert len(found) == 1 and differs in found[0]["message"], found


@pytest.mark.parametrize(
    ("first", "later", "differs"),
    [
        # two chapters of one book, each cited at the book's page: two works
        (f"Smith, J. (2020). Remote work and cities. In K. Lee (Ed.), *The future of work* (pp. 1-20). Urban Press. {BOOK_PAGE}",
         f"Jones, M. (2020). Housing after the pandemic. In K. Lee (Ed.), *The future of work* (pp. 21-40). Urban Press. {BOOK_PAGE}", None),
        # two articles of one issue at the page, and two chapters at the book's DOI
        ("Garcia, M. (2019). Tomatoes. *Journal of Food*, 3(1), 1-9. https://journaloffood.org/issues/3/1",
         "Okafor, C. (2019). Peppers. *Journal of Food*, 3(1), 10-19. https://journaloffood.org/issues/3/1", None),
        ("Smith, J. (2020). Remote work. In K. Lee (Ed.), *The future of work*. Urban Press. doi:10.1234/future",
         "Jones, M. (2020). Housing. In K. Lee (Ed.), *The future of work*. Urban Press. doi:10.1234/future", None),
        # one author's two chapters of the book, at its page: their titles share no word
        (f"Smith, J. (2020). Remote work and cities. In K. Lee (Ed.), *The future of work* (pp. 1-20). Urban Press. {BOOK_PAGE}",
         f"Smith, J. (2020). Housing after the pandemic. In K. Lee (Ed.), *The future of work* (pp. 21-40). Urban Press. {BOOK_PAGE}", None),
        # the same chapter, its title written two ways: one work
        (f"Smith, J. (2020). Remote work and cities. In K. Lee (Ed.), *The future of work* (pp. 1-20). Urban Press. {BOOK_PAGE}",
         f"Smith, J. (2020). Remote work and the city. In K. Lee (Ed.), *The future of work* (pp. 1-20). Urban Press. {BOOK_PAGE}", "title ("),
        # the same chapter at the book's page: its year still differs
        (f"Smith, J. (2020). Remote work and cities. In K. Lee (Ed.), *The future of work* (pp. 1-20). Urban Press. {BOOK_PAGE}",
         f"Smith, J. (2021). Remote work and cities. In K. Lee (Ed.), *The future of work* (pp. 1-20). Urban Press. {BOOK_PAGE}", "year (2021 here, 2020 there)"),
    ],
)
def test_works_that_share_an_address_are_not_one_work(project: Path, first: str, later: str, differs: str | None) -> None:
    """A shared URL or DOI makes two entries one work unless they differ in both
    title and authors: then they are two works at one address (a book's chapters,
    an issue's articles), and CIT014 would tell the writer to make them agree."""
    assert_two_chapters_differ(project, first, later, differs)


@pytest.mark.parametrize(
    ("first", "later", "differs"),
    [
        # lightning/bolts: two chapters' entries that are an anchor and a URL each, the
        # anchor's id ("reference-1") read as a quoted title: "the same work, another URL"
        ('<a id="reference-1">http://www.unicode.org/charts/PDF/U2600.pdf</a>', '<a id="reference-1">https://tools.ietf.org/html/rfc8439</a>', None),
        # a converter's empty anchor before the names is no part of the first author
        ('<span id="page-7-4"></span>Smith, J. (2019). *A Book of Things*. Example Press.', "Smith, J. (2020). *A Book of Things*. Example Press.", "year (2020 here, 2019 there)"),
    ],
)
def test_an_html_tag_in_an_entry_is_markup_not_a_field(project: Path, first: str, later: str, differs: str | None) -> None:
    assert_two_chapters_differ(project, first, later, differs)


def test_the_same_doi_is_the_same_work() -> None:
    first = "Huang, C., et al. (2020). Clinical features. *The Lancet*, 395, 497. https://doi.org/10.1016/S0140-6736(20)30183-5"
    later = "Huang C. Clinical features of patients. Lancet. 2020;395:497. doi:10.1016/s0140-6736(20)30183-5"
    a, b = (lint_with_entries(SourceFile(name, chapter(text)), Settings())[1] for name, text in (("a.md", first), ("b.md", later)))
    from citelint.book_checks import inconsistent_references

    (found,) = inconsistent_references([("a.md", a), ("b.md", b)], Settings())
    assert found.path == "b.md" and "title" in found.message and "year" not in found.message


SICI_URL = "https://doi.org/10.1002/%28SICI%291097-4636%28199706%2935%3A4%3C497%3A%3AAID-JBM9%3E3.0.CO%3B2-B"
SICI = "10.1002/(SICI)1097-4636(199706)35:4<497::AID-JBM9>3.0.CO;2-B"


def test_a_percent_encoded_doi_org_url_is_the_same_doi_as_written_bare(project: Path) -> None:
    """doi.org decodes the URL's path (RFC 3986): its DOI is the bare one, not "a different DOI"."""
    work = 'Smith, Jane. "Polymer Wear in Hip Joints." *J. Biomed. Mater. Res.*, 1997.'
    folder = write_book(project, chapter(f"{work} {SICI_URL}"), chapter(f"{work} doi:{SICI}"))
    assert cit014(str(folder)) == []
    (project / "other").mkdir()
    later = write_book(project / "other", chapter(f"{work} {SICI_URL}"), chapter(f"{work.replace('1997', '1998')} doi:{SICI}"))
    (found,) = cit014(str(later))
    assert "year" in found["message"] and "DOI" not in found["message"]


def test_several_differences_are_named_together_and_only_later_chapters_are_reported(project: Path) -> None:
    changed = SMITH.replace("2019", "2021").replace("A Book of Things", "The Book of Things")
    write_book(project, chapter(SMITH), chapter(PANDA), chapter(changed))
    (found,) = cit014("book")
    assert found["path"] == "book/ch03.md"
    assert 'with a different title ("The Book of Things" here, "A Book of Things" there) and year (2021 here, 2019 there)' in found["message"]


def test_the_same_entry_in_two_chapters_or_twice_in_one_is_not_cit014(project: Path) -> None:
    write_book(project, chapter(PANDA, SMITH), chapter(SMITH, PANDA), chapter(SMITH, SMITH.replace("2019", "2020")))
    assert cit014("book") != []  # chapter 3's second entry differs from chapter 1's
    assert [d["path"] for d in cit014("book")] == ["book/ch03.md"]
    (project / "book" / "ch03.md").unlink()
    assert cit014("book") == []


def test_selection_and_suppression_apply_at_the_reported_entry(project: Path) -> None:
    later = chapter(SMITH.replace("2019", "2020"))
    write_book(project, chapter(SMITH), later)
    assert len(cit014("book")) == 1
    assert cit014("--ignore", "CIT014", "book") == []
    assert cit014("--ignore", "inconsistent-reference", "book") == []
    assert len(cit014("--select", "CIT014", "book")) == 1
    (project / ".citelint.toml").write_text('[per-file-ignores]\n"book/ch02.md" = ["CIT014"]\n', encoding="utf-8")
    assert cit014("book") == []
    (project / ".citelint.toml").write_text('[per-file-ignores]\n"book/ch01.md" = ["CIT014"]\n', encoding="utf-8")
    assert len(cit014("book")) == 1  # the earlier chapter's ignore does not hide the later one
    (project / ".citelint.toml").write_text('[severity]\nCIT014 = "error"\n', encoding="utf-8")
    assert [d["severity"] for d in cit014("book")] == ["error"]
    (project / ".citelint.toml").unlink()
    suppressed = later.replace("## References\n\n", "## References\n\n<!-- citelint-disable-next-line CIT014 -->\n")
    (project / "book" / "ch02.md").write_text(suppressed, encoding="utf-8")
    assert cit014("book") == []
    (project / "book" / "ch02.md").write_text("<!-- citelint-disable-file CIT014 -->\n" + later, encoding="utf-8")
    assert cit014("book") == []


def index() -> tuple[Path, dict[str, Any]]:
    (found,) = Path(".citelint-cache/lint").glob("index-*.json")
    return found, json.loads(found.read_text(encoding="utf-8"))


@pytest.mark.parametrize("by_status", [True, False], ids=["unchanged-status", "same-content"])
def test_a_warm_run_finds_what_a_cold_run_finds_from_the_cache(project: Path, by_status: bool) -> None:
    write_book(project, chapter(PANDA, SMITH), chapter(SMITH.replace("2019", "2020"), PANDA.replace("Actually ", "")))
    cold = helpers.check_json("book")
    path, data = index()
    for entry in data["files"].values():
        entry[2] = by_status  # trusted by its status (not read), or read and known by its content
    path.write_text(json.dumps(data), encoding="utf-8")
    warm = helpers.check_json("book")
    uncached = helpers.check_json("--no-cache", "book")
    assert cold == warm == uncached
    assert len([d for d in cold[1]["diagnostics"] if d["code"] == "CIT014"]) == 2
    # the warm run's entries come from the cache: change the stored year and it shows
    path, data = index()
    stored = json.loads(data["files"]["book/ch01.md"][5])  # one JSON text in the index (book_checks.encode)
    assert [item[6] for item in stored] == [PANDA, SMITH]
    stored[1][6] = SMITH.replace("2019", "2020")
    data["files"]["book/ch01.md"][5] = json.dumps(stored)
    data["across"] = None  # and the findings between files kept for an unchanged book
    path.write_text(json.dumps(data), encoding="utf-8")
    assert len(cit014("book")) == 1
    # a cache entry whose entries are not of this format is a miss: the file is linted again
    data["files"]["book/ch01.md"][5] = json.dumps([["not", "an", "entry"]])
    path.write_text(json.dumps(data), encoding="utf-8")
    assert helpers.check_json("book") == cold
    # an edited chapter is read again; the unchanged one still comes from the cache
    (project / "book" / "ch02.md").write_text(chapter(SMITH, PANDA), encoding="utf-8")
    assert cit014("book") == []
    assert cit014("--no-cache", "book") == []


def test_entries_survive_the_cache_and_the_process_boundary() -> None:
    _, entries = lint_with_entries(SourceFile("a.md", chapter(PANDA, SMITH, "Smith J, Jones AB. Title here. J Things. 2019;1:2.")), Settings())
    assert len(entries) == 3
    assert decode(json.loads(json.dumps(encode(entries)))) == entries
    assert pickle.loads(pickle.dumps(entries)) == entries
    assert decode("[[1, 2]]") is None and decode("x") is None and decode([]) is None and decode("[]") == ()


def test_parallel_jobs_find_the_same(project: Path) -> None:
    filler = "\n\nPlain prose. " + "word " * 30_000 + "\n"
    texts = [chapter(SMITH.replace("2019", str(2000 + n)), PANDA) + filler for n in range(9)]
    write_book(project, *texts)
    serial = cit014("--no-cache", "--jobs", "1", "book")
    assert len(serial) == 8
    assert cit014("--no-cache", "--jobs", "2", "book") == serial


def test_the_url_run_reports_it_too(project: Path) -> None:
    write_book(project, chapter(SMITH), chapter(SMITH.replace("2019", "2020")))
    result = check_paths(["book"], Settings(), url_check=lambda urls, meanwhile: {})
    assert [(d.code, d.path) for d in result.diagnostics if d.code == "CIT014"] == [("CIT014", "book/ch02.md")]


def test_one_chapter_alone_has_nothing_to_compare(project: Path) -> None:
    write_book(project, chapter(SMITH, PANDA))
    assert cit014("book/ch01.md") == []


def test_an_unchanged_book_compares_nothing(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The findings between files are kept with the index: a run over the same
    files with the same contents answers them without decoding or comparing any
    entry (the warm path of a 1,000-chapter book); any change compares again."""
    import citelint.book_checks as book_checks

    write_book(project, chapter(PANDA, SMITH), chapter(SMITH.replace("2019", "2020"), PANDA.replace("Actually ", "")))
    cold = helpers.check_json("book")
    compared: list[int] = []
    real = book_checks.inconsistent_references
    monkeypatch.setattr(book_checks, "inconsistent_references", lambda files, settings: compared.append(len(files)) or real(files, settings))
    assert helpers.check_json("book") == cold and compared == []
    path, data = index()
    data["across"][1] = []  # the kept findings are what the warm run reports
    path.write_text(json.dumps(data), encoding="utf-8")
    assert cit014("book") == [] and compared == []
    (project / "book" / "ch02.md").write_text(chapter(SMITH.replace("2019", "2021"), PANDA), encoding="utf-8")
    assert len(cit014("book")) == 1 and compared == [2]
    assert len(cit014("book/ch01.md", "book/ch02.md")) == 1 and compared == [2]  # the same files, named alike
    absolute = [str(project / "book" / name) for name in ("ch01.md", "ch02.md")]
    assert len(cit014(*absolute)) == 1 and compared == [2, 2]  # named otherwise (messages name them): compared again


def test_a_run_of_one_file_reads_no_entries_and_its_cache_serves_a_later_book_run(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading each entry's fields costs more than the lint: a run of one file (a
    pre-commit hook on the chapter just edited) compares nothing, so reads none; its
    cache entry says so, and a later run over the book reads that file's entries."""
    import citelint.book_checks as book_checks

    write_book(project, chapter(PANDA, SMITH), chapter(SMITH.replace("2019", "2020"), PANDA.replace("Actually ", "")))
    expected = cit014("--no-cache", "book")
    assert len(expected) == 2
    read: list[int] = []
    real = book_checks.book_entries
    monkeypatch.setattr(book_checks, "book_entries", lambda chapter, selection: read.append(1) or real(chapter, selection))
    for name in ("ch01.md", "ch02.md"):
        helpers.check_json(f"book/{name}")
    assert read == []
    assert cit014("book") == expected and len(read) == 2  # the one-file entries are made again, with the entries
    assert cit014("book") == expected and len(read) == 2


def test_a_url_check_of_one_file_reads_no_entries(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As without --urls: a run of one file has nothing to compare, so it reads no
    entry's fields for CIT014 (a chapter of 500 links paid ~0.05 s for them)."""
    import citelint.book_checks as book_checks

    write_book(project, chapter(PANDA, SMITH), chapter(SMITH.replace("2019", "2020"), PANDA.replace("Actually ", "")))
    read: list[int] = []
    real = book_checks.book_entries
    monkeypatch.setattr(book_checks, "book_entries", lambda chapter, selection: read.append(1) or real(chapter, selection))
    urls = ("--urls", "--offline", "--cache-dir", str(project / "url-cache"))
    assert cit014(*urls, "book/ch02.md") == [] and read == []
    assert len(cit014(*urls, "book")) == 2 and len(read) == 2


# -- book order: the "earlier" chapter is the earlier one of the book ------------------

# ch01.md comes first by name, but the book puts ch02.md (the introduction) first.
INTRODUCTION, LATER = chapter(SMITH, title="Introduction"), chapter(PANDA, SMITH.replace("2019", "2020"))


def _mdbook(project: Path) -> None:
    write_book(project, LATER, INTRODUCTION)
    (project / "book.toml").write_text('[book]\ntitle = "A book"\nsrc = "book"\n', encoding="utf-8")
    (project / "book" / "SUMMARY.md").write_text("# Summary\n\n- [Introduction](ch02.md)\n- [Later](ch01.md)\n", encoding="utf-8")


def _configured(project: Path) -> None:
    write_book(project, LATER, INTRODUCTION)
    (project / ".citelint.toml").write_text('chapters = ["book/ch02.md", "book/ch01.md"]\n', encoding="utf-8")


def _book_numbering(project: Path) -> None:
    _configured(project)
    with (project / ".citelint.toml").open("a", encoding="utf-8") as config:
        config.write('numbering = "book"\n')
    (project / "book" / "ch01.md").write_text(
        "# Later\n\nClaim 2. [CITATION 2] Claim 3. [CITATION 3]\n\n## References\n\n2. " + PANDA + "\n3. " + SMITH.replace("2019", "2020") + "\n",
        encoding="utf-8",
    )


@pytest.mark.parametrize("make", [_mdbook, _configured, _book_numbering])
@pytest.mark.parametrize("order", [("book/ch01.md", "book/ch02.md"), ("book/ch02.md", "book/ch01.md"), ("book",)])
def test_the_later_chapter_of_the_book_is_reported_whatever_the_order_given(project: Path, make: Any, order: tuple[str, ...]) -> None:
    make(project)
    (found,) = cit014("--no-cache", *order)
    assert (found["path"], found["line"]) == ("book/ch01.md", 8)
    assert "in book/ch02.md (line 7)" in found["message"], found["message"]
    assert cit014(*order) == [found]  # from the result cache: the same
    assert cit014(*order) == [found]


def test_without_a_written_book_order_the_run_order_decides(project: Path) -> None:
    write_book(project, LATER, INTRODUCTION)
    (found,) = cit014("--no-cache", "book/ch02.md", "book/ch01.md")
    assert found["path"] == "book/ch01.md"
    (found,) = cit014("--no-cache", "book/ch01.md", "book/ch02.md")
    assert found["path"] == "book/ch02.md"


def test_the_url_run_follows_the_book_order_too(project: Path) -> None:
    from citelint.config import load_settings

    _configured(project)
    settings = load_settings(None, {})
    for order in (["book/ch01.md", "book/ch02.md"], ["book/ch02.md", "book/ch01.md"]):
        result = check_paths(order, settings, url_check=lambda urls, meanwhile: {})
        assert [(d.code, d.path) for d in result.diagnostics if d.code == "CIT014"] == [("CIT014", "book/ch01.md")]


def test_a_new_book_order_is_not_answered_from_the_cache(project: Path) -> None:
    _mdbook(project)
    (found,) = cit014("book")
    assert found["path"] == "book/ch01.md"
    (project / "book" / "SUMMARY.md").write_text("# Summary\n\n- [Later](ch01.md)\n- [Introduction](ch02.md)\n", encoding="utf-8")
    (found,) = cit014("book")
    assert found["path"] == "book/ch02.md"


def _decoded_as_before(stored: object) -> object:
    """The result cache's entries as ``decode`` read them before it checked each item
    inline (a generator of checks an entry): the reference its faster reading is held to."""
    from citelint.book_checks import BookEntry

    if not isinstance(stored, str):
        return None
    try:
        items = json.loads(stored)
        if not isinstance(items, list):
            return None
        entries = []
        for item in items:
            if not isinstance(item, list) or len(item) != 8:
                raise ValueError
            number, line, column, end_line, end_column, reportable, text, digests = item
            if not all(type(value) is int for value in (number, line, column, end_line, end_column)) or type(reportable) is not bool:
                raise ValueError
            if not isinstance(text, str) or not isinstance(digests, list) or not all(type(digest) is int for digest in digests):
                raise ValueError
            entries.append(BookEntry(number, line, column, end_line, end_column, reportable, text, tuple(digests)))
        return tuple(entries)
    except (TypeError, ValueError, RecursionError):
        return None


_SCALARS = st.one_of(st.integers(-5, 5), st.booleans(), st.text(max_size=3), st.none(), st.floats(allow_nan=False, allow_infinity=False))
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=3), max_leaves=6)
_ENTRY = st.tuples(*[st.integers(0, 9)] * 5, st.booleans(), st.text(max_size=5), st.lists(st.integers(), max_size=3)).map(list)


@settings(max_examples=400, deadline=None)
@example(items=[[1, 2, 3, 4, 5, 1, "t", [1]]])  # a number where a truth value goes
@example(items=[[1, 2, 3, 4, 5, True, "t", [True]]])
@example(items=[[True, 2, 3, 4, 5, True, "t", []]])
@example(items=[[1, 2, 3, 4, 5, True, "t", [1]], [1, 2, 3, 4, 5, True, ["t"], [1]]])
@given(items=st.lists(st.one_of(_ENTRY, _ENTRY.map(lambda entry: entry[:-1]), st.tuples(_ENTRY, st.integers(0, 7), _VALUES).map(lambda spoiled: [*spoiled[0][: spoiled[1]], spoiled[2], *spoiled[0][spoiled[1] + 1 :]]), _VALUES), max_size=4))
def test_cached_entries_are_read_as_before(items: list[Any]) -> None:
    stored = json.dumps(items)
    assert decode(stored) == _decoded_as_before(stored)
    assert decode(items) is None and decode("{") is None and decode("[[1]") is None


def test_a_book_of_more_works_than_the_readers_hold_is_compared_in_linear_work() -> None:
    """Each chapter's entries were compared with the first chapter's listing of each
    work, its keys and fields read again through caches of a thousand or so entries:
    past that many works, listed chapter after chapter, each was read again in each
    chapter (a report of 20 chapters x 2,000 works took 12.5 s, 4,000 works 19 s, twice
    the works 2.4x the time). Each is read once a comparison now: four times the works
    cost about four times the calls."""
    from citelint.cited_work import compared_work, same_work_keys
    from citelint.patterns import normalise_url
    from citelint.same_work import Listing, conflicts

    def calls(works: int) -> int:
        book = [
            [Listing(f"ch{chapter}", number, number, None, None, f'Smith{number % 7}, J. ({2020 + chapter % 2}). "Study {number}." Press. https://e.com/{number}') for number in range(1, works + 1)]
            for chapter in range(10)
        ]
        def compared() -> list[object]:
            for cache in (compared_work, same_work_keys, normalise_url):
                cache.cache_clear()  # each size read from the start, as a run reads it
            return list(conflicts(book))

        assert len(compared()) == 5 * works  # each odd chapter's year differs
        return helpers.count_calls(compared)

    small, large = calls(500), calls(2_000)
    assert large <= 1.25 * 4 * small, f"{small:,} calls -> {large:,}"
