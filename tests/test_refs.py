"""`citelint refs`: the book's references, each work once, as CSL-JSON (valid by the
published CSL-JSON schema, rendered by pandoc's citeproc without a warning),
BibTeX (read back by a small reader here) and Markdown."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pypandoc
import pytest

import helpers

from citelint.bibliography import bibtex_escape, book_sources, citation_key
from citelint.cited_work import cited_work

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SCHEMA = json.loads((FIXTURES / "csl-data.json").read_text(encoding="utf-8"))  # see csl-data.SOURCE.txt

LANCET = "Huang, C., et al. (2020). Clinical features of patients infected with 2019 novel coronavirus in Wuhan, China. *The Lancet*, 395(10223), 497\u2013506. https://doi.org/10.1016/S0140-6736(20)30183-5"
CHAPTERS = {
    "ch01.md": [
        '"Putin and Kim Jong Un meet at Russia\'s Vostochny Cosmodrome." BBC News, September 13, 2023. https://www.bbc.com/news/world-asia-66795493',
        'Panda, Ankit. "What Did Russia and North Korea Actually Agree To?" Carnegie Endowment for International Peace, September 15, 2023. https://carnegieendowment.org/2023/09/15/agree',
        LANCET,
        "Kahneman, D. (2011). *Thinking, fast and slow*. Farrar, Straus & Giroux.",
    ],
    "ch02.md": [
        # the Lancet paper again: its DOI written another way, another style
        "Huang C, Wang Y, Li X. Clinical features of patients infected with 2019 novel coronavirus in Wuhan, China. Lancet. 2020;395(10223):497-506. doi:10.1016/s0140-6736(20)30183-5",
        # the BBC article again, by its URL (http, www., a trailing slash)
        '"Putin and Kim meet at Vostochny." BBC News, 2023. http://bbc.com/news/world-asia-66795493/',
        'J. Smith, A. Jones, and B. Lee, "A fast method for things," *IEEE Trans. Things*, vol. 3, no. 2, pp. 1\u201310, 2019.',
        "World Health Organization. (2020). Coronavirus disease (COVID-19) situation report \u2013 51. Retrieved from https://www.who.int/docs/sitrep-51.pdf",
    ],
    "ch03.md": [
        # Kahneman again, by title and first author, without a URL or DOI
        "Kahneman, Daniel. *Thinking, Fast and Slow*. New York: Farrar, Straus and Giroux, 2011.",
        'Smith, John. "Costs of 100% & more: $5 #hashtags_and {braces} \\ back~slash^." *Odd Journal*, 2021. https://example.com/odd?x=1&y=%20',
        "Smith, John. (2021). A second 2021 paper on costs. *Odd Journal*, 4(2), 1\u20139. https://example.com/second",
    ],
}


def chapter_text(entries: list[str]) -> str:
    markers = " ".join(f"Claim {n}. [CITATION {n}]" for n in range(1, len(entries) + 1))
    listed = "\n".join(f"{n}. {entry}" for n, entry in enumerate(entries, start=1))
    return f"# A chapter\n\n{markers}\n\n## References\n\n{listed}\n"


@pytest.fixture
def book(project: Path) -> Path:
    folder = project / "book"
    folder.mkdir()
    for name, entries in CHAPTERS.items():
        (folder / name).write_text(chapter_text(entries), encoding="utf-8")
    return folder


def refs(*args: str) -> str:
    ran = helpers.cli("refs", *args)
    assert (ran.code, ran.stderr) == (0, "")
    return ran.stdout


def csl(*args: str) -> list[dict[str, Any]]:
    return json.loads(refs("--format", "csl-json", *args))  # type: ignore[no-any-return]


def test_works_listed_in_several_chapters_are_exported_once_with_where_they_are_cited(book: Path) -> None:
    items = csl("book")
    assert len(items) == 8  # eleven entries, three of them works listed before
    by_title = {item["title"]: item for item in items}
    lancet = by_title["Clinical features of patients infected with 2019 novel coronavirus in Wuhan, China"]
    assert lancet["custom"]["cited-in"] == [{"file": "book/ch01.md", "chapter": 1, "number": 3}, {"file": "book/ch02.md", "chapter": 2, "number": 1}]
    assert "Cited in book/ch01.md (chapter 1, reference 3); book/ch02.md (chapter 2, reference 1)" in lancet["note"]
    bbc = by_title["Putin and Kim Jong Un meet at Russia's Vostochny Cosmodrome"]
    assert [place["chapter"] for place in bbc["custom"]["cited-in"]] == [1, 2]
    kahneman = by_title["Thinking, fast and slow"]
    assert [place["file"] for place in kahneman["custom"]["cited-in"]] == ["book/ch01.md", "book/ch03.md"]
    assert [item["title"] for item in items][:4] == [
        "Putin and Kim Jong Un meet at Russia's Vostochny Cosmodrome",
        "What Did Russia and North Korea Actually Agree To?",
        "Clinical features of patients infected with 2019 novel coronavirus in Wuhan, China",
        "Thinking, fast and slow",
    ]  # in the order the book first lists them


def test_the_fields_of_each_work(book: Path) -> None:
    by_title = {item["title"]: item for item in csl("book")}
    lancet = by_title["Clinical features of patients infected with 2019 novel coronavirus in Wuhan, China"]
    assert (lancet["type"], lancet["container-title"], lancet["DOI"], lancet["issued"]) == (
        "article-journal", "The Lancet", "10.1016/S0140-6736(20)30183-5", {"date-parts": [[2020]]},
    )
    assert lancet["author"] == [{"family": "Huang", "given": "C."}, {"family": "Wang", "given": "Y"}, {"family": "Li", "given": "X"}]  # past et al.
    bbc = by_title["Putin and Kim Jong Un meet at Russia's Vostochny Cosmodrome"]
    assert (bbc["type"], bbc["container-title"], bbc["URL"], bbc["issued"]) == (
        "webpage", "BBC News", "https://www.bbc.com/news/world-asia-66795493", {"date-parts": [[2023, 9, 13]]},
    )
    assert "author" not in bbc
    who = by_title["Coronavirus disease (COVID-19) situation report \u2013 51"]
    assert who["author"] == [{"literal": "World Health Organization"}]
    kahneman = by_title["Thinking, fast and slow"]
    assert (kahneman["type"], kahneman["publisher"]) == ("book", "Farrar, Straus & Giroux")


def test_csl_json_is_valid_by_the_published_schema(book: Path) -> None:
    items = csl("book")
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    jsonschema.Draft7Validator(SCHEMA).validate(items)
    with pytest.raises(jsonschema.ValidationError):  # the validator can fail: a CSL type that does not exist
        jsonschema.Draft7Validator(SCHEMA).validate([{**items[0], "type": "web-page"}])


def test_pandoc_citeproc_renders_every_work_without_a_warning(book: Path, project: Path) -> None:
    refs("book", "-o", "refs.json")
    items = json.loads((project / "refs.json").read_text(encoding="utf-8"))
    document = "A sentence citing everything " + "; ".join(f"@{item['id']}" for item in items) + ".\n"
    ran = subprocess.run(
        [pypandoc.get_pandoc_path(), "--citeproc", "--bibliography", "refs.json", "--from", "markdown", "--to", "plain", "--wrap", "none", "--verbose"],
        input=document, capture_output=True, text=True, timeout=120, check=False,
    )
    assert ran.returncode == 0, ran.stderr
    assert "WARNING" not in ran.stderr
    assert "Loaded refs.json" in ran.stderr  # --verbose shows what it read: warnings would show too
    for item in items:
        assert item["title"].replace("'", "\u2019").casefold() in ran.stdout.replace("'", "\u2019").casefold()
    broken = subprocess.run(  # the check can fail: a key that is not in the file is a warning
        [pypandoc.get_pandoc_path(), "--citeproc", "--bibliography", "refs.json", "--from", "markdown", "--to", "plain"],
        input="See @nobody2020missing.\n", capture_output=True, text=True, timeout=120, check=False,
    )
    assert "WARNING" in broken.stderr


# -- BibTeX ---------------------------------------------------------------------------

_UNESCAPE = {r"\textbackslash{}": "\\", r"\{": "{", r"\}": "}", r"\%": "%", r"\&": "&", r"\$": "$", r"\#": "#", r"\_": "_", r"\^{}": "^", r"\~{}": "~"}


def read_bibtex(text: str) -> list[tuple[str, str, dict[str, str]]]:
    """A small BibTeX reader: ``@type{key, name = {value}, …}`` with balanced braces
    (escaped braces do not count), values unescaped. Fails on anything else."""
    entries = []
    position = 0
    header = re.compile(r"\s*@(\w+)\{([^,\s{}]+),\s*")
    field = re.compile(r"(\w+) = \{")
    while text[position:].strip():
        match = header.match(text, position)
        assert match, f"not an entry at {text[position:position + 40]!r}"
        kind, key, position = match.group(1), match.group(2), match.end()
        fields: dict[str, str] = {}
        while not text.startswith("}", position):
            name = field.match(text, position)
            assert name, f"not a field at {text[position:position + 40]!r}"
            depth, start, position = 1, name.end(), name.end()
            while depth:
                char = text[position]
                if char == "\\":
                    position += 2
                    continue
                depth += {"{": 1, "}": -1}.get(char, 0)
                position += 1
            raw = text[start : position - 1]
            assert name.group(1) not in fields
            fields[name.group(1)] = re.sub("|".join(re.escape(k) for k in _UNESCAPE), lambda m: _UNESCAPE[m.group()], raw)
            if text.startswith(",\n  ", position):
                position += 4
            elif text.startswith("\n", position):
                position += 1
        position += 1
        entries.append((kind, key, fields))
    return entries


def test_bibtex_reads_back_with_unique_stable_keys(book: Path) -> None:
    entries = read_bibtex(refs("--format", "bibtex", "book"))
    items = csl("book")
    assert [key for _, key, _ in entries] == [item["id"] for item in items]
    keys = [key for _, key, _ in entries]
    assert len(set(keys)) == len(keys) == 8
    assert keys[:4] == ["anon2023putin", "panda2023russia", "huang2020clinical", "kahneman2011thinking"]
    assert "smith2021costs" in keys and "smith2021second" in keys and "smith2019fast" in keys
    assert refs("--format", "bibtex", "book") == refs("--format", "bibtex", "book")  # stable
    for (kind, _, fields), item in zip(entries, items):
        assert fields["title"] == item["title"]
        assert fields.get("year") == (str(item["issued"]["date-parts"][0][0]) if "issued" in item else None)
        assert fields.get("doi") == item.get("DOI") and fields.get("url") == item.get("URL")
        assert fields["note"] == item["note"]
    (odd,) = [fields for _, key, fields in entries if key == "smith2021costs"]
    assert odd["title"] == "Costs of 100% & more: $5 #hashtags_and {braces} \\ back~slash^"
    assert odd["url"] == "https://example.com/odd?x=1&y=%20"
    lancet = next(fields for kind, key, fields in entries if key == "huang2020clinical")
    assert (lancet["journal"], lancet["author"]) == ("The Lancet", "Huang, C. and Wang, Y and Li, X")


def test_bibtex_escapes_every_special_character() -> None:
    text = "a\\b{c}d%e&f$g#h_i^j~k"
    escaped = bibtex_escape(text)
    assert escaped == r"a\textbackslash{}b\{c\}d\%e\&f\$g\#h\_i\^{}j\~{}k"
    assert read_bibtex(f"@misc{{k,\n  title = {{{escaped}}}\n}}\n")[0][2]["title"] == text


def test_keys_are_unique_when_works_share_author_year_and_word() -> None:
    entries = [(1, 'Smith, J. "Rivers of data." Press, 2020.'), (2, 'Smith, K. "Rivers of sand." Other, 2020.'), (3, 'Smith, L. "Rivers again." More, 2020.')]
    sources = book_sources([("a.md", entries)])
    assert [source.key for source in sources] == ["smith2020rivers", "smith2020riversa", "smith2020riversb"]
    assert citation_key(cited_work("\u00c9mile Zola. *L\u2019Assommoir*. Paris, 1877.")) == "zola1877lassommoir"
    assert citation_key(cited_work("https://example.com/x")) == "anonndwork"


def test_keys_of_many_works_sharing_author_year_and_word_take_linear_work() -> None:
    """Each source whose key was taken tried every suffix from ``a`` again: quadratic
    in a chapter of thousands of works by one author in one year (8,000 such entries,
    760 KB, took 19 s in ``refs``). Eight times the works cost about eight times the
    calls now, and the keys are still the first free ones."""

    def entries(n: int) -> list[tuple[int, str]]:
        return [(number, f'Smith, J. "Rivers of data {number}." Press, 2020. https://e.com/{number}') for number in range(1, n + 1)]

    keys = [source.key for source in book_sources([("a.md", entries(30))])]
    assert keys[:3] == ["smith2020rivers", "smith2020riversa", "smith2020riversb"] and keys[26:] == ["smith2020riversz", "smith2020riversaa", "smith2020riversab", "smith2020riversac"]
    small, large = (helpers.measure_work(lambda: book_sources([("a.md", listed)])) for listed in (entries(250), entries(2_000)))
    helpers.assert_linear(small, large, 8)


# -- Markdown and the command -----------------------------------------------------------


def test_two_works_at_one_address_stay_two_sources() -> None:
    """Two chapters of one book cited at the book's page share a URL, not a work:
    the bibliography keeps both (merged, the second would be lost); the same
    chapter listed again in another chapter is still one source."""
    page = "https://urbanpress.org/books/future-of-work"
    first = f"Smith, J. (2020). Remote work and cities. In K. Lee (Ed.), *The future of work* (pp. 1-20). Urban Press. {page}"
    second = f"Jones, M. (2020). Housing after the pandemic. In K. Lee (Ed.), *The future of work* (pp. 21-40). Urban Press. {page}"
    sources = book_sources([("a.md", [(1, first), (2, second)]), ("b.md", [(1, first)])])
    assert [source.work.title for source in sources] == ["Remote work and cities", "Housing after the pandemic"]
    assert [len(source.listed) for source in sources] == [2, 1]


def test_a_percent_encoded_doi_org_url_is_the_doi_written_bare(project: Path) -> None:
    """One work, its DOI once as a percent-encoded doi.org URL and once bare: one
    source, its DOI decoded as doi.org reads it, its URL as written."""
    url = "https://doi.org/10.1002/%28SICI%291097-4636%28199706%2935%3A4%3C497%3A%3AAID-JBM9%3E3.0.CO%3B2-B"
    doi = "10.1002/(SICI)1097-4636(199706)35:4<497::AID-JBM9>3.0.CO;2-B"
    folder = project / "book"
    folder.mkdir()
    (folder / "ch1.md").write_text(chapter_text([f'Smith, Jane. "Polymer Wear in Hip Joints." *J. Biomed. Mater. Res.*, 1997. {url}']), encoding="utf-8")
    (folder / "ch2.md").write_text(chapter_text([f'Smith, J. "Polymer wear of hip joint implants." *J Biomed Mater Res*. 1997. doi:{doi}']), encoding="utf-8")
    (work,) = csl(str(folder))
    assert (work["DOI"], work["URL"]) == (doi, url)
    assert [Path(cited["file"]).name for cited in work["custom"]["cited-in"]] == ["ch1.md", "ch2.md"]


def test_markdown_is_one_numbered_list_of_the_entries_as_written(book: Path) -> None:
    text = refs("--format", "markdown", "book")
    lines = text.splitlines()
    assert lines[0] == "# References"
    listed = [line for line in lines if re.match(r"\d+\. ", line)]
    assert [int(line.split(".")[0]) for line in listed] == list(range(1, 9))
    assert listed[2].startswith(f"3. {LANCET} (Cited in book/ch01.md (chapter 1, reference 3); book/ch02.md (chapter 2, reference 1).)")


def test_nothing_of_an_entry_is_dropped(book: Path) -> None:
    items = csl("book")
    exported = json.dumps(items, ensure_ascii=False).casefold()
    for name, entries in CHAPTERS.items():
        for entry in entries:
            rest = cited_work(entry).rest
            assert rest.casefold() in exported or json.dumps(rest, ensure_ascii=False)[1:-1].casefold() in exported, (name, rest)
    first = cited_work(CHAPTERS["ch01.md"][1])
    assert first.rest == "September 15"
    assert any(item["note"].startswith("September 15. Cited in") for item in items)


def test_chapters_come_in_book_order_and_the_output_file(book: Path, project: Path) -> None:
    (project / ".citelint.toml").write_text('chapters = ["book/ch03.md", "book/ch01.md", "book/ch02.md"]\n', encoding="utf-8")
    assert refs("-o", "out.json") == ""  # written to the file, not to standard output
    items = json.loads((project / "out.json").read_text(encoding="utf-8"))
    kahneman = next(item for item in items if item["title"].startswith("Thinking"))
    assert kahneman["title"] == "Thinking, Fast and Slow"  # chapter 3 comes first now
    assert kahneman["custom"]["cited-in"][0] == {"file": "book/ch03.md", "chapter": 1, "number": 1}


def test_an_unreadable_chapter_is_named_and_the_others_are_exported(book: Path) -> None:
    (book / "ch02.md").write_bytes(b"\xff\xfe not text")
    ran = helpers.cli("refs", "book")
    assert ran.code == 2
    assert ran.stderr.startswith("citelint: error: book/ch02.md: ") and len(ran.stderr.splitlines()) == 1
    assert len(json.loads(ran.stdout)) == 6


def test_a_bad_configuration_is_one_line_and_exit_2(book: Path, project: Path) -> None:
    (project / ".citelint.toml").write_text("chapterz = 1\n", encoding="utf-8")
    ran = helpers.cli("refs", "book")
    assert ran.code == 2 and ran.stdout == ""
    assert ran.stderr.startswith("citelint: error: ") and "chapterz" in ran.stderr and len(ran.stderr.splitlines()) == 1


def test_an_empty_book_is_an_empty_bibliography(project: Path) -> None:
    (project / "empty.md").write_text("No references here.\n", encoding="utf-8")
    assert json.loads(refs("empty.md")) == []
    assert refs("--format", "markdown", "empty.md") == "# References\n\n"
    assert refs("--format", "bibtex", "empty.md") == ""


def test_the_manuscript_chapter_exports_whole(project: Path) -> None:
    """manuscript/chapter-38.md: four Chicago entries, one by an author with a suffix."""
    source = Path(__file__).resolve().parent.parent / "manuscript" / "chapter-38.md"
    (project / "chapter-38.md").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    items = csl("chapter-38.md")
    jsonschema.Draft7Validator(SCHEMA).validate(items)
    assert [item["id"] for item in items] == ["anon2023putin", "bermudez2023anticipating", "panda2023russia", "cheatham2024know"]
    assert items[1]["author"] == [{"family": "Bermudez", "given": "Joseph S.", "suffix": "Jr."}]
    assert [item["issued"]["date-parts"] for item in items] == [[[2023, 9, 13]], [[2023, 9, 8]], [[2023, 9, 15]], [[2024, 2, 28]]]
    entries = read_bibtex(refs("--format", "bibtex", "chapter-38.md"))
    assert entries[3][2]["author"] == "Cheatham, P. and Bermudez, Jr., J."  # von Last, Jr, First


def test_an_output_file_that_cannot_be_written_is_one_line_and_exit_2(book: Path, project: Path) -> None:
    ran = helpers.cli("refs", "book", "-o", str(project / "missing-folder" / "refs.json"))
    assert ran.code == 2 and ran.stdout == ""
    assert ran.stderr.startswith("citelint: error: ") and "cannot be written" in ran.stderr and len(ran.stderr.splitlines()) == 1
    assert not (project / "missing-folder").exists()
