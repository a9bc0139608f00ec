"""DOIs checked at the source: a real DOI resolver on 127.0.0.1 answering CSL-JSON
by content negotiation (tests/urlserver.py), the real checker, cache and command line."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Iterator

import pytest

from helpers import check_json, cli
from urlserver import TrapServer

CSL = "application/vnd.citationstyles.csl+json"
CATS = {
    "title": "Deep Learning for Cats: A Survey",
    "author": [{"family": "Smith", "given": "Jane"}, {"family": "Jones", "given": "A."}],
    "issued": {"date-parts": [[2020, 3]]},
    "DOI": "10.1000/cats",
}
SOIL = {"title": "Soil chemistry of tomato fields", "author": [{"family": "Garcia", "given": "Ana"}], "issued": {"date-parts": [[2011]]}}
RETRACTED = {
    **CATS,
    "title": "Vaccines and the gut",
    "author": [{"family": "Wakefield", "given": "A."}],
    "issued": {"date-parts": [[1998, 2, 28]]},
    "updated-by": [{"DOI": "10.1000/notice", "type": "retraction", "label": "Retraction", "updated": {"date-parts": [[2010, 2, 6]]}}],
}


@pytest.fixture
def server() -> Iterator[TrapServer]:
    with TrapServer() as running:
        yield running


@pytest.fixture
def resolver(server: TrapServer, project: Path, monkeypatch: pytest.MonkeyPatch) -> TrapServer:
    """The project asks the server's /doi/ for DOIs; doi.org links are excluded, should
    one ever be fetched as a page (it would leave the machine: URL004 would say so)."""
    monkeypatch.setenv("CITELINT_ALLOW_PRIVATE", "1")  # the resolver is on loopback
    Path(".citelint.toml").write_text(
        f'[urls]\ncache-dir = "c"\ndoi-resolver = "{server.url("/doi")}"\nexclude = ["^https?://(dx\\\\.)?doi\\\\.org/"]\n', encoding="utf-8"
    )
    return server


def chapter(*entries: str) -> str:
    markers = " ".join(f"Claim {n}. [CITATION {n}]" for n in range(1, len(entries) + 1))
    return f"{markers}\n\n## References\n\n" + "\n".join(f"{n}. {entry}" for n, entry in enumerate(entries, start=1)) + "\n"


def findings(document: dict) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(d["code"], d["message"]) for d in document["diagnostics"]]


def asked(server: TrapServer) -> int:
    return sum(count for path, count in server.hits.items() if path.startswith("/doi/"))


def test_a_doi_whose_record_is_the_cited_work_passes_and_a_warm_run_sends_nothing(resolver: TrapServer) -> None:
    resolver.dois["10.1000/cats"] = CATS
    Path("ch.md").write_text(chapter('Smith, J. (2020). "Deep learning for cats." *AI Journal*. doi:10.1000/CATS'), encoding="utf-8")
    code, document, err = check_json("--urls", "ch.md")
    assert (code, findings(document), err) == (0, [], "")
    (accept,) = [headers.get("Accept", "") for path, headers in resolver.headers_seen if path.startswith("/doi/")]
    assert accept.startswith(CSL)  # content negotiation
    before = sum(resolver.hits.values())
    assert findings(check_json("--urls", "ch.md")[1]) == []
    assert sum(resolver.hits.values()) == before  # the record and the link came from the cache
    assert findings(check_json("--urls", "--offline", "ch.md")[1]) == []
    check_json("--urls", "--refresh", "ch.md")
    assert asked(resolver) == 2


def test_a_percent_encoded_doi_org_url_asks_the_resolver_for_its_doi_decoded(resolver: TrapServer) -> None:
    """The DOI of ``https://doi.org/10.1000/%28cats%29`` is ``10.1000/(cats)``, as
    doi.org resolves it: the resolver is asked for that DOI, not for ``%28cats%29``
    encoded again; a ``%`` in a bare DOI is the DOI's own."""
    resolver.dois["10.1000/(cats)"] = {**CATS, "DOI": "10.1000/(cats)"}
    resolver.dois["10.1000/dogs%41"] = {**CATS, "DOI": "10.1000/dogs%41"}
    entries = ('Smith, J. (2020). "Deep learning for cats." *AI Journal*. https://doi.org/10.1000/%28cats%29', 'Smith, J. (2020). "Deep learning for cats." *AI Journal*. doi:10.1000/dogs%41')
    Path("ch.md").write_text(chapter(*entries), encoding="utf-8")
    code, document, err = check_json("--urls", "ch.md")
    assert (code, findings(document), err) == (0, [], "")
    assert sorted(path for path, _ in resolver.headers_seen if path.startswith("/doi/")) == ["/doi/10.1000/(cats)", "/doi/10.1000/dogs%2541"]


def test_a_doi_the_resolver_does_not_know_is_dead(resolver: TrapServer) -> None:
    Path("ch.md").write_text(chapter('Smith, J. (2020). "Deep learning for cats." doi:10.1000/invented'), encoding="utf-8")
    code, document, _ = check_json("--urls", "ch.md")
    ((rule, message),) = findings(document)
    assert rule == "URL001" and code == 1
    assert message == "doi:10.1000/invented: the DOI resolver 127.0.0.1 does not know this DOI (404 Not Found); check the DOI"
    line = document["diagnostics"][0]
    assert (line["line"], line["column"]) == (5, len('1. Smith, J. (2020). "Deep learning for cats." doi:') + 1)


def test_a_doi_of_another_paper_shows_both_titles(resolver: TrapServer) -> None:
    resolver.dois["10.1000/soil"] = SOIL
    Path("ch.md").write_text(chapter('Smith, J. (2020). "Deep learning for cats." *AI Journal*. https://doi.org/10.1000/soil'), encoding="utf-8")
    code, document, _ = check_json("--urls", "ch.md")
    ((rule, message),) = findings(document)
    assert rule == "URL007" and code == 0  # a warning
    assert message == (
        "doi:10.1000/soil: the DOI names another work: the record says 'Soil chemistry of tomato fields' (Garcia, 2011), "
        "the entry 'Deep learning for cats' (Smith, 2020) (titles, authors, years differ); check the DOI"
    )


def test_a_corrected_entry_is_judged_again_without_a_request(resolver: TrapServer) -> None:
    resolver.dois["10.1000/cats"] = CATS
    Path("ch.md").write_text(chapter('Smith, J. (2020). "Cooking with cats." doi:10.1000/cats'), encoding="utf-8")
    assert [rule for rule, _ in findings(check_json("--urls", "ch.md")[1])] == ["URL007"]
    Path("ch.md").write_text(chapter('Smith, J. (2020). "Deep Learning for Cats." doi:10.1000/cats'), encoding="utf-8")
    assert findings(check_json("--urls", "ch.md")[1]) == []
    assert asked(resolver) == 1


@pytest.mark.parametrize(
    ("entry", "codes"),
    [
        ('Smith, J. (2020). "Deep Learning for Cats: A Survey." doi:10.1000/cats', []),
        ('Smith, J. (2020). "Deep learning for cats" doi:10.1000/cats', []),  # the subtitle dropped
        ("Smith, J. (2020). \u201cDeep Learning &amp; Cats \u2013 a survey.\u201d doi:10.1000/cats", []),  # entities, smart quotes, a dash
        ("J. Smith and A. Jones, \u201cDeep learning for cats: a survey,\u201d *AI J.*, 2021. doi:10.1000/cats", []),  # IEEE, printed a year later
        ("Smith J, Jones A. Deep learning for cats: a survey. AI J. 2020;3:1-9. doi:10.1000/cats", []),  # Vancouver
        ('World Health Organization. (2020). "Deep learning for cats." doi:10.1000/cats', ["URL007"]),  # another author
        ('Smith, J. (1987). "Deep learning for cats." doi:10.1000/cats', ["URL007"]),  # another year
        ("Smith, J. 2020. doi:10.1000/cats", []),  # no title: not judged
        ("Deep learning for cats: a survey. (2020). AI Press. doi:10.1000/cats", []),  # APA without authors: the title first
        ("Cats and their owners: a history. (2020). AI Press. doi:10.1000/cats", ["URL007"]),  # the same form, another work
        ("Smith, J. Deep learning for cats: a survey. AI Press; 2020. doi:10.1000/cats", []),  # an initial running on into the title
        ("Garcia, K. Deep learning for cats: a survey. AI Press; 2020. doi:10.1000/cats", ["URL007"]),  # read so, by another author
    ],
)
def test_entries_are_compared_with_the_record_as_words(resolver: TrapServer, entry: str, codes: list[str]) -> None:
    resolver.dois["10.1000/cats"] = CATS
    Path("ch.md").write_text(chapter(entry), encoding="utf-8")
    assert [rule for rule, _ in findings(check_json("--urls", "ch.md")[1])] == codes


def test_a_retracted_work_is_reported(resolver: TrapServer) -> None:
    resolver.dois["10.1000/mmr"] = RETRACTED
    resolver.dois["10.1000/notice"] = {"title": "Vaccines and the gut", "update-to": [{"DOI": "10.1000/mmr", "type": "retraction"}]}
    resolver.dois["10.1000/rel"] = {"title": "A relation", "relation": {"is-retracted-by": [{"id": "10.1000/n2", "id-type": "doi"}]}}
    resolver.dois["10.1000/marked"] = {"title": "RETRACTED: Cats and dogs"}
    Path("ch.md").write_text(
        chapter(
            'Wakefield, A. (1998). "Vaccines and the gut." *The Lancet*. doi:10.1000/mmr',
            'Wakefield, A. (1998). "Vaccines and the gut." doi:10.1000/notice',
            'Doe, J. (2019). "A relation." doi:10.1000/rel',
            'Doe, J. (2019). "Cats and dogs." doi:10.1000/marked',
            'Wakefield, A. (1998). "Vaccines and the gut" [Retracted]. *The Lancet*. doi:10.1000/mmr',
        ),
        encoding="utf-8",
    )
    code, document, _ = check_json("--urls", "ch.md")
    assert [(d["code"], d["line"]) for d in document["diagnostics"] if d["code"] == "URL009"] == [("URL009", 5), ("URL009", 6), ("URL009", 7), ("URL009", 8)]
    messages = [message for rule, message in findings(document) if rule == "URL009"]
    assert [rule for rule, _ in findings(document) if rule.startswith("URL")] == ["URL009"] * 4
    assert messages[0] == "doi:10.1000/mmr: the work was retracted (by the notice 10.1000/notice, 2010-02-06); check that the citation still stands"
    assert messages[1].startswith("doi:10.1000/notice: this DOI is a retraction notice (of 10.1000/mmr), not the work itself")
    assert "retracted (by the notice 10.1000/n2)" in messages[2] and "its title says so" in messages[3]
    assert code == 0  # warnings


def test_answers_that_are_not_a_record_judge_nothing(resolver: TrapServer) -> None:
    resolver.dois["10.1000/html"] = "<html>not json</html>"
    resolver.dois["10.1000/list"] = [1, 2]
    resolver.dois["10.1000/odd"] = {"title": ["Deep learning for cats"], "author": "nobody", "issued": {"date-parts": "x"}, "updated-by": 7}
    Path("ch.md").write_text(
        chapter(*(f'Smith, J. (2020). "Deep learning for cats." doi:10.1000/{name}' for name in ("html", "list", "odd"))), encoding="utf-8"
    )
    code, document, err = check_json("--urls", "ch.md")
    assert (code, findings(document), err) == (0, [], "")


@pytest.mark.parametrize("year", ["\u00b2", "9" * 5000])
def test_a_record_whose_year_is_no_number_python_reads_is_judged_without_it(resolver: TrapServer, year: str) -> None:
    """A year of ``²`` (a digit to ``isdigit``) or of 5,000 digits made ``int`` raise,
    and the whole record was dropped: a DOI of another work passed unjudged."""
    resolver.dois["10.1000/soil"] = {**SOIL, "issued": {"date-parts": [[year]]}}
    Path("ch.md").write_text(chapter('Smith, J. (2020). "Deep learning for cats." doi:10.1000/soil'), encoding="utf-8")
    code, document, err = check_json("--urls", "ch.md")
    assert [rule for rule, _ in findings(document)] == ["URL007"] and err == "", document


def test_a_stored_record_that_is_not_one_is_a_miss(resolver: TrapServer) -> None:
    resolver.dois["10.1000/cats"] = CATS
    Path("ch.md").write_text(chapter('Smith, J. (2020). "Cooking with cats." doi:10.1000/cats'), encoding="utf-8")
    check_json("--urls", "ch.md")
    with sqlite3.connect("c/verdicts.sqlite") as connection:
        (table,) = [name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE name LIKE 'verdicts_v%'")]
        connection.execute(f"UPDATE {table} SET page = ? WHERE url = 'doi:10.1000/cats'", ('{"title": 5}',))
    assert findings(check_json("--urls", "ch.md")[1]) == []  # not a record: nothing judged, nothing invented


def test_a_resolver_behind_the_address_guard_is_not_asked(server: TrapServer, project: Path) -> None:
    server.dois["10.1000/cats"] = CATS
    Path(".citelint.toml").write_text(f'[urls]\ncache-dir = "c"\ndoi-resolver = "{server.url("/doi")}"\nexclude = ["^https?://(dx\\\\.)?doi\\\\.org/"]\n', encoding="utf-8")
    Path("ch.md").write_text(chapter('Smith, J. (2020). "Deep learning for cats." doi:10.1000/cats'), encoding="utf-8")
    document = check_json("--urls", "ch.md")[1]
    assert [rule for rule, _ in findings(document)] == ["URL004"]
    assert sum(server.hits.values()) == 0


def test_a_failing_resolver_is_unreachable_not_dead(resolver: TrapServer) -> None:
    resolver.dois["10.1000/cats"] = 500
    Path("ch.md").write_text(chapter('Smith, J. (2020). "Deep learning for cats." doi:10.1000/cats'), encoding="utf-8")
    ((rule, message),) = findings(check_json("--urls", "ch.md")[1])
    assert rule == "URL002" and message == "doi:10.1000/cats: the DOI resolver answers 500 Internal Server Error after 3 tries"


@pytest.mark.parametrize(
    ("toml", "error"),
    [
        ('doi-resolver = "doi.org"', "'urls.doi-resolver' must be an http(s) URL"),
        ("flaky-failures = 0", "'urls.flaky-failures' must be a whole number from 1 to 20"),
        ("flaky-window = 21", "'urls.flaky-window' must be a whole number from 1 to 20"),
        ("flaky-failures = 4", "'urls.flaky-failures' (4) is more than 'urls.flaky-window' (3)"),
    ],
)
def test_bad_settings_are_one_clear_line(project: Path, toml: str, error: str) -> None:
    Path(".citelint.toml").write_text(f"[urls]\n{toml}\n", encoding="utf-8")
    Path("ch.md").write_text(chapter('Smith, J. (2020). "Cats." doi:10.1000/cats'), encoding="utf-8")
    code, out, err = cli("check", "--urls", "ch.md")
    assert code == 2 and error in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_titles_match_as_words() -> None:
    from citelint.urls.doi import titles_match

    assert titles_match("Deep learning for cats", "Deep Learning for Cats: A Survey")
    assert titles_match("\u201cL\u2019\u00e9t\u00e9 des chats\u201d", "L'ete des chats")
    assert titles_match("The Effects of X on Y", "The effects of X on Y.")
    assert not titles_match("Deep learning for cats", "Soil chemistry of tomato fields")


def test_a_record_and_a_page_at_one_address_are_cached_apart(resolver: TrapServer) -> None:
    """The resolver's landing page, cited as a link, and the DOI's record, asked of
    the same address by content negotiation, are two entries of the HTTP cache."""
    resolver.dois["10.1000/soil"] = SOIL
    landing = resolver.url("/doi/10.1000/soil")
    Path("ch.md").write_text(chapter(f'Garcia, A. (2011). "Soil chemistry of tomato fields." {landing}'), encoding="utf-8")
    assert findings(check_json("--urls", "ch.md")[1]) == []  # the landing page, now in the HTTP cache
    Path("ch.md").write_text(chapter('Smith, J. (2020). "Deep learning for cats." doi:10.1000/soil'), encoding="utf-8")
    assert [rule for rule, _ in findings(check_json("--urls", "ch.md")[1])] == ["URL007"]  # the record, not the page


def test_an_excluded_resolver_is_not_asked(resolver: TrapServer) -> None:
    resolver.dois["10.1000/cats"] = CATS
    Path(".citelint.toml").write_text(f'[urls]\ncache-dir = "c"\ndoi-resolver = "{resolver.url("/doi")}"\nexclude = ["/doi/", "doi\\\\.org"]\n', encoding="utf-8")
    Path("ch.md").write_text(chapter('Smith, J. (2020). "Cooking with cats." doi:10.1000/cats'), encoding="utf-8")
    document = check_json("--urls", "ch.md")[1]
    assert [(d["code"], d["message"]) for d in document["diagnostics"]] == [("URL004", "doi:10.1000/cats: excluded by the configuration; not checked")]
    assert asked(resolver) == 0


@pytest.mark.parametrize(
    ("cited", "recorded"),
    [
        ("Deep learning for cats", "Deep Learning for Cats: A Survey"),
        ("Deep learning (2nd ed.)", "Deep learning"),
        ("Climate change 2021: the physical science basis", "Climate Change 2021 \u2013 The Physical Science Basis"),
        ("A randomized trial of X in Y", "A randomized trial of X in Y."),
        ("<i>Escherichia coli</i> &amp; soil", "Escherichia coli and soil"),
    ],
)
def test_titles_that_name_one_work(cited: str, recorded: str) -> None:
    from citelint.urls.doi import _plain, titles_match

    assert titles_match(_plain(cited), recorded) and titles_match(recorded, _plain(cited))


@pytest.mark.parametrize(
    ("cited", "recorded"),
    [
        ("Vaccines and autism", "Measles vaccination coverage in Europe"),
        ("Deep learning for cats", "Soil chemistry of tomato fields"),
        ("Climate change and coral reefs", "Coral reef fish of the Pacific: a field guide"),
    ],
)
def test_titles_of_other_works(cited: str, recorded: str) -> None:
    from citelint.urls.doi import titles_match

    assert not titles_match(cited, recorded) and not titles_match(recorded, cited)


def test_a_books_doi_cited_for_a_chapter_is_the_same_work(resolver: TrapServer) -> None:
    resolver.dois["10.1000/book"] = {"title": "The Oxford Handbook of Cats", "editor": [{"family": "Jones"}], "issued": {"date-parts": [[2015]]}}
    Path("ch.md").write_text(
        chapter('Smith, J. (2015). "Feline law." In A. Jones (Ed.), *The Oxford Handbook of Cats* (pp. 1-20). Oxford University Press. doi:10.1000/book'),
        encoding="utf-8",
    )
    assert findings(check_json("--urls", "ch.md")[1]) == []


def test_another_spelling_of_the_authors_name_is_the_author(resolver: TrapServer) -> None:
    resolver.dois["10.1000/m"] = {"title": "Cats of Bavaria", "author": [{"family": "M\u00fcller", "given": "K."}], "issued": {"date-parts": [[2001]]}}
    Path("ch.md").write_text(chapter('Mueller, K. (2001). "Cats of Bavaria." doi:10.1000/m'), encoding="utf-8")
    assert findings(check_json("--urls", "ch.md")[1]) == []


@pytest.mark.parametrize(
    ("updates", "said"),
    [
        ({"updated-by": [{"type": "retraction", "DOI": "10.1000/r"}]}, "the work was retracted (by the notice 10.1000/r)"),
        ({"updated-by": [{"type": "partial_retraction"}]}, "the work was partly retracted"),
        ({"updated-by": [{"type": "withdrawal", "updated": {"date-parts": [[2019, 5]]}}]}, "the work was withdrawn (2019-05)"),
        ({"updated-by": [{"type": "correction"}, {"type": "expression_of_concern"}]}, ""),
        ({"update-to": [{"type": "erratum", "DOI": "10.1000/x"}]}, ""),
        ({"relation": {"is-retracted-by": {"id": "10.1000/r"}}}, "the work was retracted (by the notice 10.1000/r)"),
        ({"relation": {"retracts": [{"id": "10.1000/w"}]}}, "this DOI is a retraction notice (of 10.1000/w), not the work itself"),
        ({"relation": {"is-supplemented-by": [{"id": "10.1000/s"}]}}, ""),
        ({"updated-by": [{"type": "retraction", "DOI": "10.1000/\x1b[2J"}]}, "the work was retracted"),  # nothing unprintable shown
    ],
)
def test_retraction_shapes(updates: dict, said: str) -> None:  # type: ignore[type-arg]
    import json

    from citelint.urls.doi import record_from_answer

    record = record_from_answer(json.dumps({"title": "Cats", **updates}).encode())
    assert record is not None and record.retraction == said


def test_doi_links_are_checked_at_the_resolver_not_fetched_as_pages(resolver: TrapServer) -> None:
    resolver.dois["10.1000/cats"] = CATS
    resolver.dois["10.1000/soil"] = SOIL
    resolver.dois["10.1000/third"] = {"title": "A third paper", "author": [{"family": "Doe"}], "issued": {"date-parts": [[2019]]}}
    Path("ch.md").write_text(
        chapter(
            'Smith, J. (2020). "Deep learning for cats." https://doi.org/10.1000/cats',
            'Garcia, A. (2011). "Soil chemistry of tomato fields." doi:10.1000/soil',
            'Doe, J. (2019). "A third paper." https://dx.doi.org/10.1000/third, see also doi:10.1000/cats',
        ),
        encoding="utf-8",
    )
    code, document, err = check_json("--urls", "ch.md")
    url_findings = [(rule, message) for rule, message in findings(document) if rule.startswith("URL")]
    assert (url_findings, err) == ([], "")  # no URL004: no doi.org link was even considered
    assert asked(resolver) == 3 and sum(resolver.hits.values()) == 3  # each DOI once, nothing else


def test_every_doi_of_an_entry_is_checked_and_the_first_is_compared(resolver: TrapServer) -> None:
    resolver.dois["10.1000/cats"] = CATS
    Path("ch.md").write_text(chapter('Smith, J. (2020). "Deep learning for cats." doi:10.1000/cats; data: doi:10.1000/gone'), encoding="utf-8")
    assert [rule for rule, _ in findings(check_json("--urls", "ch.md")[1])] == ["URL001"]


def test_only_a_leading_mark_says_retracted() -> None:
    import json

    from citelint.urls.doi import record_from_answer

    marked = record_from_answer(json.dumps({"title": "RETRACTED ARTICLE: Cats"}).encode())
    plain = record_from_answer(json.dumps({"title": "Why papers are retracted: a study"}).encode())
    assert marked is not None and (marked.title, marked.retraction) == ("Cats", "the work was retracted (its title says so)")
    assert plain is not None and (plain.title, plain.retraction) == ("Why papers are retracted: a study", "")
    assert record_from_answer(b"[" * 100_000) is None and record_from_answer(b" " * (2 << 20)) is None


def test_a_resolver_redirecting_to_a_refused_address_is_not_followed(project: Path) -> None:
    """The guard holds on every hop of a DOI's request, as on a link's."""
    from citelint.config import UrlSettings
    from citelint.urls.checker import CheckOptions, UrlChecker
    from citelint.urls.doi import doi_key
    from citelint.urls.policy import AddressPolicy, AddressRefused

    with TrapServer() as public, TrapServer() as private:
        private.dois["10.1000/cats"] = CATS

        class PortPolicy(AddressPolicy):
            def checked_address(self, host: str, port: int) -> str:
                if port != public.port:
                    raise AddressRefused(f"{host}:{port} is refused by this test's policy")
                return "127.0.0.1"

        resolver = public.url(f"/redirect-to/127.0.0.1:{private.port}/doi")
        options = CheckOptions(UrlSettings(timeout=2, allow_private=True, doi_resolver=resolver), None, policy=PortPolicy())
        verdict = UrlChecker(options, lambda message: None).check([doi_key("10.1000/cats")])[doi_key("10.1000/cats")]
        assert verdict.code == "URL004" and "refused by this test's policy" in verdict.detail
        assert sum(private.hits.values()) == 0 and sum(public.hits.values()) == 1


def test_a_warm_run_with_dois_imports_no_http_stack(resolver: TrapServer) -> None:
    import subprocess
    import sys

    resolver.dois["10.1000/cats"] = CATS
    Path("ch.md").write_text(chapter('Smith, J. (2020). "Cooking with cats." doi:10.1000/cats'), encoding="utf-8")
    check_json("--urls", "ch.md")
    probe = (
        "import sys\nfrom citelint.cli import main\n"
        "try:\n    main(['check', '--urls', 'ch.md'])\n"
        "except SystemExit as exit:\n    print('exit', exit.code)\n"
        "print('requests' in sys.modules, 'requests_cache' in sys.modules)\n"
    )
    hits = sum(resolver.hits.values())
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False)
    assert "URL007" in result.stdout and result.stdout.strip().splitlines()[-1] == "False False", result.stderr
    assert sum(resolver.hits.values()) == hits
