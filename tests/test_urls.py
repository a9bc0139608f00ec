"""citelint check --urls against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest
from click.testing import CliRunner

from citelint.cli import cli as main
from citelint.urls.policy import AddressPolicy, AddressRefused, HostNotFound, is_public, literal_host_refused, system_resolver
from helpers import check_json
from urlserver import TrapServer

EXPECTED = {
    "/ok": None,
    "/plain": None,
    "/pdf": None,
    "/302": None,
    "/nohead": None,
    "/429-once": None,
    "/503-once": None,
    "/big": None,
    "/404": "URL001",
    "/410": "URL001",
    "/301-to-404": "URL001",
    "/500": "URL002",
    "/loop": "URL002",
    "/hang": "URL002",
    "/503-long": "URL002",
    "/301": "URL003",
    "/308": "URL003",
    "/403": "URL006",
    "/999": "URL006",
    "/429": "URL006",
}


@pytest.fixture
def server() -> Iterator[TrapServer]:
    with TrapServer() as running:
        yield running


def chapter(urls: list[str]) -> str:
    markers = " ".join(f"Claim {n}. [CITATION {n}]" for n in range(1, len(urls) + 1))
    entries = "\n".join(f'{n}. "Source {n}." Press, 2020. {url}' for n, url in enumerate(urls, start=1))
    return f"{markers}\n\n## References\n\n{entries}\n"


@pytest.fixture
def workdir(project: Path) -> Path:
    return project


check = check_json


def codes_by_url(document: dict) -> dict[str, str]:  # type: ignore[type-arg]
    return {d["message"].split(": ", 1)[0]: d["code"] for d in document["diagnostics"] if d["code"].startswith("URL")}


@pytest.mark.slow
def test_every_trap_is_classified_and_the_run_is_bounded(server: TrapServer, workdir: Path) -> None:
    urls = [server.url(path) for path in EXPECTED]
    Path("ch.md").write_text(chapter(urls), encoding="utf-8")
    started = time.monotonic()
    code, document, err = check("--urls", "--allow-private", "--timeout", "2", "--cache-dir", "cache", "ch.md")
    elapsed = time.monotonic() - started
    got = codes_by_url(document)
    assert {path: got.get(server.url(path)) for path in EXPECTED} == EXPECTED, err
    assert code == 1
    assert elapsed < 20, f"the run took {elapsed:.1f} s"
    moved = next(d for d in document["diagnostics"] if d["code"] == "URL003")
    assert server.url("/ok") in moved["message"]
    dead = next(d for d in document["diagnostics"] if d["message"].startswith(server.url("/404") + ":"))
    assert dead["line"] == urls.index(server.url("/404")) + 5 and dead["column"] == len('9. "Source 9." Press, 2020. ') + 1
    assert server.hits["/429"] == 3  # retried twice, honouring Retry-After: 1
    assert server.hits["/big"] >= 1


def test_second_run_serves_good_links_from_the_cache(server: TrapServer, workdir: Path) -> None:
    Path("ch.md").write_text(chapter([server.url("/ok"), server.url("/404"), server.url("/pdf")]), encoding="utf-8")
    first = check("--urls", "--allow-private", "--cache-dir", "cache", "ch.md")[1]
    hits = dict(server.hits)
    second = check("--urls", "--allow-private", "--cache-dir", "cache", "ch.md")[1]
    assert codes_by_url(first) == codes_by_url(second) == {server.url("/404"): "URL001"}
    assert server.hits["/ok"] == hits["/ok"] and server.hits["/pdf"] == hits["/pdf"]
    assert server.hits["/404"] == hits["/404"] + 1  # failures are re-checked every run
    check("--urls", "--allow-private", "--refresh", "--cache-dir", "cache", "ch.md")
    assert server.hits["/ok"] == hits["/ok"] + 1


def test_non_text_resources_are_rechecked_with_head(server: TrapServer, workdir: Path) -> None:
    Path("ch.md").write_text(chapter([server.url("/pdf")]), encoding="utf-8")
    check("--urls", "--allow-private", "--cache-dir", "cache", "ch.md")
    check("--urls", "--allow-private", "--refresh", "--cache-dir", "cache", "ch.md")
    assert server.hits["/pdf"] == 2


def test_offline_sends_nothing(server: TrapServer, workdir: Path) -> None:
    Path("ch.md").write_text(chapter([server.url("/ok"), server.url("/404")]), encoding="utf-8")
    code, document, _ = check("--urls", "--allow-private", "--offline", "--cache-dir", "cache", "ch.md")
    assert sum(server.hits.values()) == 0
    assert set(codes_by_url(document).values()) == {"URL004"}
    assert code == 0
    check("--urls", "--allow-private", "--cache-dir", "cache", "ch.md")
    before = sum(server.hits.values())
    code, document, _ = check("--urls", "--allow-private", "--offline", "--cache-dir", "cache", "ch.md")
    assert sum(server.hits.values()) == before
    assert codes_by_url(document) == {server.url("/404"): "URL001"}
    for flag in ("--refresh", "--accept-changes"):  # offline wins: nothing is sent
        code, document, _ = check("--urls", "--allow-private", "--offline", flag, "--cache-dir", "cache", "ch.md")
        assert sum(server.hits.values()) == before
        assert codes_by_url(document) == {server.url("/404"): "URL001"}


def test_private_targets_get_no_packet_without_allow_private(server: TrapServer, workdir: Path) -> None:
    Path("ch.md").write_text(chapter([server.url("/ok"), server.url("/404"), f"http://localhost:{server.port}/ok"]), encoding="utf-8")
    code, document, _ = check("--urls", "--cache-dir", "cache", "ch.md")
    assert sum(server.hits.values()) == 0
    assert set(codes_by_url(document).values()) == {"URL004"}
    assert code == 0


def test_redirect_hop_to_a_refused_address_is_not_followed(workdir: Path) -> None:
    """The policy is applied to every connection: a redirect hop to a refused port never connects."""
    with TrapServer() as public, TrapServer() as private:

        class PortPolicy(AddressPolicy):
            def checked_address(self, host: str, port: int) -> str:
                if port != public.port:
                    raise AddressRefused(f"{host}:{port} is refused by this test's policy")
                return "127.0.0.1"

        from citelint.config import UrlSettings
        from citelint.urls.checker import CheckOptions, UrlChecker

        # allow-private lets the literal 127.0.0.1 through the quick check; the policy decides per connection
        options = CheckOptions(UrlSettings(timeout=2, allow_private=True), None, policy=PortPolicy())
        url = public.url(f"/redirect-to/127.0.0.1:{private.port}/ok")
        verdicts = UrlChecker(options, lambda message: None).check([url])
        assert verdicts[url].code == "URL004"
        assert public.hits[f"/redirect-to/127.0.0.1:{private.port}/ok"] == 1
        assert sum(private.hits.values()) == 0


def test_names_are_resolved_once_and_checked(server: TrapServer, workdir: Path) -> None:
    from citelint.config import UrlSettings
    from citelint.urls.checker import CheckOptions, UrlChecker

    answers = {"rebind.example": ["127.0.0.1"], "mixed.example": ["93.184.215.14", "10.0.0.7"]}

    def resolver(host: str, port: int) -> list[str]:
        if host not in answers:
            raise HostNotFound(f"the host {host} does not exist")
        return answers[host]

    options = CheckOptions(UrlSettings(timeout=2), None, resolver=resolver)
    urls = [f"http://rebind.example:{server.port}/ok", f"http://mixed.example:{server.port}/ok", f"http://nxdomain.example:{server.port}/ok"]
    verdicts = UrlChecker(options, lambda message: None).check(urls)
    assert [verdicts[url].code for url in urls] == ["URL004", "URL004", "URL001"]
    assert sum(server.hits.values()) == 0


def test_a_host_asked_for_by_many_threads_at_once_is_resolved_once() -> None:
    """A host's first links start together: one asks the resolver, the others wait
    for its answer; a host that does not exist is asked for once too."""
    import threading

    asked: list[str] = []
    release = threading.Event()

    def resolver(host: str, port: int) -> list[str]:
        asked.append(host)
        release.wait(10)
        if host == "gone.example":
            raise HostNotFound(f"the host {host} does not exist")
        return ["93.184.215.14"]

    policy = AddressPolicy(resolver=resolver)
    answers: list[str] = []

    def check(host: str) -> None:
        try:
            answers.append(policy.checked_address(host, 443))
        except HostNotFound as error:
            answers.append(str(error))

    threads = [threading.Thread(target=check, args=(host,)) for host in ["one.example"] * 8 + ["gone.example"] * 4]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while len(asked) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    release.set()
    for thread in threads:
        thread.join(10)
    assert sorted(asked) == ["gone.example", "one.example"]
    assert sorted(answers) == ["93.184.215.14"] * 8 + ["the host gone.example does not exist"] * 4
    check("gone.example")  # later links of the run: the answer kept
    assert len(asked) == 2 and answers[-1] == "the host gone.example does not exist"


def test_a_runs_hosts_are_resolved_ahead_of_its_links(server: TrapServer) -> None:
    """Counted, not timed: the hosts of a run are asked of the resolver together
    while it gets ready to fetch, not one by one as one worker reaches each; each
    once; every check still judges the answer (here: a private address, refused)."""
    import threading

    from citelint.config import UrlSettings
    from citelint.urls.checker import CheckOptions, UrlChecker

    asked: list[str] = []
    at_once = [0, 0]  # resolutions under way now, and the most at once
    lock = threading.Lock()

    def resolver(host: str, port: int) -> list[str]:
        with lock:
            asked.append(host)
            at_once[0] += 1
            at_once[1] = max(at_once)
        time.sleep(0.3)
        with lock:
            at_once[0] -= 1
        return ["127.0.0.1"]

    urls = [f"http://h{n}.example:{server.port}/ok?{n}" for n in range(6)]
    options = CheckOptions(UrlSettings(timeout=5, workers=1, per_host=1), None, resolver=resolver)
    verdicts = UrlChecker(options, lambda message: None).check(urls)
    assert [verdicts[url].code for url in urls] == ["URL004"] * 6 and sum(server.hits.values()) == 0
    assert sorted(asked) == sorted(f"h{n}.example" for n in range(6))
    assert at_once[1] == 6


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("127.0.0.1", False),
        ("::1", False),
        ("::ffff:127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("224.0.0.1", False),
        ("0.0.0.0", False),
        ("fe80::1", False),
        ("fd00::1", False),
        ("93.184.215.14", True),
        ("2606:4700::1111", True),
    ],
)
def test_address_policy(address: str, public: bool) -> None:
    assert is_public(address) is public


@pytest.mark.parametrize(("host", "address"), [("2852039166", "169.254.169.254"), ("0x7f.1", "127.0.0.1")])
def test_numeric_host_tricks_resolve_to_refused_addresses(host: str, address: str) -> None:
    assert system_resolver(host, 80) == [address]  # numeric forms: no DNS query is sent
    with pytest.raises(AddressRefused):
        AddressPolicy().checked_address(host, 80)


def test_literal_hosts_refused_without_dns() -> None:
    assert literal_host_refused("localhost", False)
    assert literal_host_refused("[::1]", False)
    assert literal_host_refused("127.0.0.1", True) is None
    assert literal_host_refused("example.org", False) is None


def test_reference_rot_is_reported_but_not_for_a_date_change(server: TrapServer, workdir: Path) -> None:
    Path("ch.md").write_text(chapter([server.url("/article")]), encoding="utf-8")
    first = check("--urls", "--allow-private", "--cache-dir", "cache", "ch.md")[1]
    assert codes_by_url(first) == {}
    server.state["stamp"] = "2026-11-28"
    dated = check("--urls", "--allow-private", "--refresh", "--cache-dir", "cache", "ch.md")[1]
    assert codes_by_url(dated) == {}
    from urlserver import OTHER

    server.state["article"] = OTHER
    server.state["title"] = "Gardening"
    changed = check("--urls", "--allow-private", "--refresh", "--cache-dir", "cache", "ch.md")[1]
    (finding,) = changed["diagnostics"]
    assert finding["code"] == "URL005"
    assert "title 'The Summit' -> 'Gardening'" in finding["message"] and "% of the text kept" in finding["message"]


def test_accept_changes_takes_the_changed_page_as_the_new_snapshot(server: TrapServer, workdir: Path) -> None:
    from urlserver import OTHER

    Path("ch.md").write_text(chapter([server.url("/article")]), encoding="utf-8")
    assert codes_by_url(check("--urls", "--allow-private", "--cache-dir", "cache", "ch.md")[1]) == {}
    server.state["article"] = OTHER
    server.state["title"] = "Gardening"
    changed = check("--urls", "--allow-private", "--refresh", "--cache-dir", "cache", "ch.md")[1]
    assert codes_by_url(changed) == {server.url("/article"): "URL005"}
    hits = server.hits["/article"]
    # the cached URL005 verdict is not trusted: the page is fetched again and taken as it is now
    code, accepted, err = check("--urls", "--allow-private", "--accept-changes", "--cache-dir", "cache", "ch.md")
    assert codes_by_url(accepted) == {} and server.hits["/article"] == hits + 1
    assert err == f"citelint: note: {server.url('/article')}: the page changed; its content now is the snapshot later checks compare with\n"
    again = check("--urls", "--allow-private", "--refresh", "--cache-dir", "cache", "ch.md")[1]
    assert codes_by_url(again) == {}  # compared with the accepted page from now on


def test_archived_copies_of_dead_and_changed_links(server: TrapServer, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With --archive, a dead or changed link names the archive's copy nearest the
    day the page was first seen; good links cost the archive nothing."""
    from urlserver import OTHER

    api = server.url("/wayback/available")
    monkeypatch.setenv("CITELINT_ALLOW_PRIVATE", "1")  # the server is on loopback
    Path(".citelint.toml").write_text(f'[urls]\ncache-dir = "c"\narchive-api = "{api}"\n', encoding="utf-8")
    Path("ch.md").write_text(chapter([server.url("/404"), server.url("/ok"), server.url("/article")]), encoding="utf-8")
    plain = check("--urls", "ch.md")[1]
    assert codes_by_url(plain) == {server.url("/404"): "URL001"} and server.archive_queries == []
    (dead,) = check("--urls", "--archive", "ch.md")[1]["diagnostics"]
    copy = f"http://web.archive.org/web/20230915000000/{server.url('/404')}"
    assert dead["message"].endswith(f"the page is gone; an archived copy from 2023-09-15: {copy.replace('http://', 'https://', 1)}")
    assert server.archive_queries == [{"url": server.url("/404")}]  # never seen alive: no day to be near

    server.state["article"], server.state["title"] = OTHER, "Gardening"
    document = check("--urls", "--archive", "--refresh", "ch.md")[1]
    changed = next(d for d in document["diagnostics"] if d["code"] == "URL005")
    today = time.strftime("%Y%m%d", time.gmtime())
    assert server.archive_queries[-1] == {"url": server.url("/article"), "timestamp": today}
    assert changed["message"].endswith(f"; an archived copy from {today[:4]}-{today[4:6]}-{today[6:]}: "
                                       f"https://web.archive.org/web/{today}000000/{server.url('/article')}")


@pytest.mark.parametrize("mode", ["garbage", "huge", "hostile", "hang", "drip"])  # "none": tests/test_url_history.py
@pytest.mark.slow
def test_an_archive_without_a_usable_answer_adds_nothing(server: TrapServer, workdir: Path, mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    server.state["archive"] = mode
    api = server.url("/wayback/available")
    monkeypatch.setenv("CITELINT_ALLOW_PRIVATE", "1")  # the server is on loopback
    Path(".citelint.toml").write_text(f'[urls]\ncache-dir = "c"\narchive = true\narchive-api = "{api}"\n', encoding="utf-8")
    Path("ch.md").write_text(chapter([server.url("/404")]), encoding="utf-8")
    started = time.monotonic()
    code, document, err = check("--urls", "--timeout", "1", "ch.md")
    assert time.monotonic() - started < 15
    (dead,) = document["diagnostics"]
    assert dead["code"] == "URL001" and dead["message"].endswith("; the page is gone") and code == 1
    assert len(server.archive_queries) == 1 and err == ""


def test_accept_and_exclude_from_configuration(server: TrapServer, workdir: Path) -> None:
    Path(".citelint.toml").write_text('[urls]\naccept = [403]\nexclude = ["/500$"]\ncache-dir = "c"\n', encoding="utf-8")
    Path("ch.md").write_text(chapter([server.url("/403"), server.url("/500")]), encoding="utf-8")
    document = check("--urls", "--allow-private", "ch.md")[1]
    assert codes_by_url(document) == {server.url("/500"): "URL004"}
    assert server.hits["/500"] == 0
    assert Path("c/verdicts.sqlite").exists()


def test_corrupt_cache_degrades_with_a_warning(server: TrapServer, workdir: Path) -> None:
    Path("cache").mkdir()
    Path("cache/verdicts.sqlite").write_bytes(b"this is not a database" * 100)
    Path("cache/http-cache.sqlite").write_bytes(b"neither is this" * 100)
    Path("ch.md").write_text(chapter([server.url("/ok"), server.url("/404")]), encoding="utf-8")
    code, document, err = check("--urls", "--allow-private", "--cache-dir", "cache", "ch.md")
    assert codes_by_url(document) == {server.url("/404"): "URL001"}
    assert "citelint: warning: the URL cache" in err and "Traceback" not in err
    assert code == 1


@pytest.mark.slow
def test_parallel_processes_share_one_cache(server: TrapServer, workdir: Path) -> None:
    Path("ch.md").write_text(chapter([server.url(p) for p in ("/ok", "/404", "/302", "/plain", "/pdf")]), encoding="utf-8")
    command = [sys.executable, "-m", "citelint", "check", "--urls", "--allow-private", "--format", "json", "--cache-dir", "cache", "ch.md"]
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(6)]
    outputs = [process.communicate(timeout=120) for process in processes]
    for (out, err), process in zip(outputs, processes):
        assert process.returncode == 1, err
        assert "Traceback" not in err and "warning" not in err
        assert codes_by_url(json.loads(out)) == {server.url("/404"): "URL001"}


def test_warm_run_imports_no_http_stack(server: TrapServer, workdir: Path) -> None:
    Path("ch.md").write_text(chapter([server.url("/ok"), server.url("/plain")]), encoding="utf-8")
    check("--urls", "--allow-private", "--cache-dir", "cache", "ch.md")
    probe = (
        "import sys\nfrom citelint.cli import main\n"
        "try:\n    main(['check', '--urls', '--allow-private', '--cache-dir', 'cache', 'ch.md'])\n"
        "except SystemExit as exit:\n    print('exit', exit.code)\n"
        "print('requests' in sys.modules, 'requests_cache' in sys.modules)\n"
    )
    hits = sum(server.hits.values())
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False)
    assert result.stdout.strip().splitlines()[-2:] == ["exit 0", "False False"], result.stderr
    assert sum(server.hits.values()) == hits


def test_doi_without_url_is_checked_at_doi_org() -> None:
    from citelint.chapter import Chapter
    from citelint.config import Settings
    from citelint.urls import links_of

    text = "A. [CITATION 1] B. [CITATION 2]\n\n## References\n\n1. X. 2020. doi:10.1000/xyz123.\n2. Y. 2020. https://doi.org/10.1000/abc https://example.org/y\n"
    links = [link.url for link in links_of(Chapter.parse(text, Settings()))]
    assert links == ["https://doi.org/10.1000/xyz123", "https://doi.org/10.1000/abc", "https://example.org/y"]


def test_fingerprint_ignores_dates_ads_and_whitespace() -> None:
    from citelint.urls.fingerprint import describe_change, fingerprint
    from urlserver import ARTICLE, OTHER

    page = "<html><head><title>T</title><script>var x = 1;</script></head><body><p>Updated 3 May 2024.</p><p>{}</p><div class=ad>{}</div></body></html>"
    old = fingerprint(page.format(ARTICLE, "Buy shoes now"))
    assert describe_change(old, fingerprint(page.replace("3 May 2024", "28 Nov 2026").format(ARTICLE, "Buy shoes now"))) is None
    assert describe_change(old, fingerprint(page.format(ARTICLE, "Cheap flights to Lisbon this winter"))) is None
    assert describe_change(old, fingerprint(page.format("\n\n   ".join(ARTICLE.split(" ")), "Buy shoes now"))) is None
    rewritten = describe_change(old, fingerprint(page.replace("<title>T", "<title>New").format(OTHER, "Buy shoes now")))
    assert rewritten is not None and rewritten.startswith("title 'T' -> 'New', size ") and "% of the text kept" in rewritten


def test_progress_shows_on_long_runs_and_clears(capsys: pytest.CaptureFixture[str]) -> None:
    from citelint.check_urls import Progress

    bar = Progress()
    bar(1, 10)
    assert capsys.readouterr().err == ""  # nothing in the first second
    bar.started -= 2
    bar(3, 10)
    bar.close()
    assert capsys.readouterr().err == "\rchecking links 3/10\r\x1b[K"


def test_http_cache_keeps_small_good_responses_only(server: TrapServer, workdir: Path) -> None:
    import sqlite3

    Path("ch.md").write_text(chapter([server.url("/ok"), server.url("/plain"), server.url("/404"), server.url("/big")]), encoding="utf-8")
    check("--urls", "--allow-private", "--cache-dir", "cache", "ch.md")
    with sqlite3.connect("cache/http-cache.sqlite") as connection:
        stored = connection.execute("SELECT COUNT(*) FROM responses").fetchone()[0]
    assert stored == 2  # /ok and /plain; not the 404, not the 200 MB body


def test_urls_that_do_not_parse_are_not_checked(workdir: Path) -> None:
    """A port out of range or not a number: said plainly, nothing sent, no resolver asked."""
    from citelint.config import UrlSettings
    from citelint.urls.checker import CheckOptions, UrlChecker

    asked: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        asked.append(host)
        raise HostNotFound(host)

    options = CheckOptions(UrlSettings(timeout=2), None, resolver=resolver)
    urls = ["http://a:b@c.example:99999/", "http://c.example:8x/"]
    verdicts = UrlChecker(options, lambda message: None).check(urls)
    assert [(verdicts[url].code, verdicts[url].detail) for url in urls] == [
        ("URL004", "not a valid URL (port out of range 0-65535); not checked"),
        ("URL004", "not a valid URL (port could not be cast to integer value as '8x'); not checked"),
    ]
    assert asked == []


# -- the result cache of --urls runs (urls.cached_run) -------------------------------


def _counting(monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], list[int]]:
    """The chapters read (by name) and parsed (a count) from here on."""
    import citelint.files as files
    from citelint.chapter import Chapter

    reads: list[str] = []
    parses: list[int] = []
    read, parse = files.read_with_status, Chapter.parse.__func__  # type: ignore[attr-defined]

    def counting_read(path: str, limit: int):  # type: ignore[no-untyped-def]
        reads.append(Path(path).name)
        return read(path, limit)

    def counting_parse(cls, *args, **kwargs):  # type: ignore[no-untyped-def]
        parses.append(1)
        return parse(cls, *args, **kwargs)

    monkeypatch.setattr(files, "read_with_status", counting_read)
    monkeypatch.setattr(Chapter, "parse", classmethod(counting_parse))
    return reads, parses


def test_an_unchanged_chapter_is_neither_read_nor_parsed_on_a_warm_url_run(server: TrapServer, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The warm --urls path's shape (issue 15), counted, not timed: a chapter whose
    status is unchanged is answered from its entry, its links from the verdict table;
    a dead link, checked again on every run with the same outcome, does not make it
    read. The findings are those of a run without the result cache."""
    import citelint.cache as cache

    monkeypatch.setattr(cache, "RACY_NS", -1)  # the chapters count as older than the same-tick guard
    monkeypatch.setattr(cache, "code_stamp", lambda: 1)  # citelint's own modules edited meanwhile would start a new index
    Path("book").mkdir()
    Path("book/a.md").write_text(chapter([server.url("/ok"), server.url("/404")]), encoding="utf-8")
    Path("book/b.md").write_text(chapter([server.url("/plain"), server.url("/pdf")]), encoding="utf-8")
    Path("book/c.md").write_text("", encoding="utf-8")
    arguments = ["check", "--format", "json", "--urls", "--allow-private", "--cache-dir", "cache", "book"]
    cold = CliRunner().invoke(main, arguments)
    reads, parses = _counting(monkeypatch)
    warm = CliRunner().invoke(main, arguments)
    assert (reads, parses) == ([], [])
    assert (warm.stdout, warm.stderr, warm.exit_code) == (cold.stdout, cold.stderr, cold.exit_code)
    assert codes_by_url(json.loads(warm.stdout)) == {server.url("/404"): "URL001"}
    uncached = CliRunner().invoke(main, [*arguments, "--no-cache"])
    assert (uncached.stdout, uncached.stderr) == (cold.stdout, cold.stderr)
    reads.clear()
    parses.clear()
    Path("book/b.md").write_text(chapter([server.url("/plain"), server.url("/410")]), encoding="utf-8")  # edited: read again, alone
    edited = CliRunner().invoke(main, arguments)
    assert reads == ["b.md"] and len(parses) == 1
    assert edited.stdout == CliRunner().invoke(main, [*arguments, "--no-cache"]).stdout


def test_a_changed_verdict_makes_the_chapter_read_again(server: TrapServer, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stored finding stands only while its links' verdicts say what they said:
    a link whose verdict changed (here in the verdict table itself) has its chapter
    read and its findings made again, as a run without the result cache makes them."""
    import sqlite3

    import citelint.cache as cache
    from citelint.urls.store import VERDICTS

    monkeypatch.setattr(cache, "RACY_NS", -1)
    monkeypatch.setattr(cache, "code_stamp", lambda: 1)
    Path("ch.md").write_text(chapter([server.url("/ok"), server.url("/plain")]), encoding="utf-8")
    arguments = ["check", "--format", "json", "--urls", "--allow-private", "--cache-dir", "cache", "ch.md"]
    assert codes_by_url(json.loads(CliRunner().invoke(main, arguments).stdout)) == {}
    with sqlite3.connect("cache/verdicts.sqlite") as connection:
        connection.execute(f"UPDATE {VERDICTS} SET code = 'URL005', detail = 'the page changed' WHERE url = ?", (server.url("/ok"),))
    reads, parses = _counting(monkeypatch)
    warm = CliRunner().invoke(main, arguments)
    assert reads == ["ch.md"] and len(parses) == 1  # its links come from its entry: read once, for the findings
    assert codes_by_url(json.loads(warm.stdout)) == {server.url("/ok"): "URL005"}
    assert warm.stdout == CliRunner().invoke(main, [*arguments, "--no-cache"]).stdout


def test_a_run_on_an_empty_http_cache_sends_what_it_always_sends(server: TrapServer, workdir: Path) -> None:
    """The HTTP cache's writes wait for the end of the run and a cache empty when the
    run began is not looked up: no request carries a cache directive for that (only
    --refresh asks the server for a fresh answer), and the answers are kept for later runs."""
    import sqlite3

    Path("ch.md").write_text(chapter([server.url("/ok"), server.url("/plain"), server.url("/404")]), encoding="utf-8")
    check("--urls", "--allow-private", "--cache-dir", "cache", "ch.md")
    assert server.headers_seen and not [path for path, headers in server.headers_seen if "Cache-Control" in headers]
    with sqlite3.connect("cache/http-cache.sqlite") as connection:
        assert connection.execute("SELECT COUNT(*) FROM responses").fetchone()[0] >= 2  # /ok and /plain (and the host's probe)


def test_the_http_cache_writes_held_bodies_before_they_pile_up(server: TrapServer, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The HTTP cache's writes wait, but not past PENDING_BYTES of bodies held: then
    the worker whose response reached it writes them, so memory stays bounded
    however many links a run has; what is kept is what one write at the end keeps."""
    import sqlite3

    import citelint.urls.http as http

    saved: list[int] = []
    save = http._DeferredWrites.save

    def counting(self: object) -> None:
        saved.append(len(self.pending))  # type: ignore[attr-defined]
        save(self)  # type: ignore[arg-type]

    monkeypatch.setattr(http, "PENDING_BYTES", 1)  # every body is past it
    monkeypatch.setattr(http._DeferredWrites, "save", counting)
    Path("ch.md").write_text(chapter([server.url("/ok"), server.url("/plain"), server.url("/pdf")]), encoding="utf-8")
    assert CliRunner().invoke(main, ["check", "--format", "json", "--urls", "--allow-private", "--cache-dir", "cache", "ch.md"]).exit_code == 0
    assert saved[-1] == 0 and sum(saved) >= 2  # written as they came; nothing left for the end
    with sqlite3.connect("cache/http-cache.sqlite") as connection:
        keys = [row[0] for row in connection.execute("SELECT key FROM responses")]
    assert len(keys) == len(set(keys)) >= 2


def _saves_by_thread(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """(thread name, responses written) of each batch the HTTP cache writes."""
    import threading

    import citelint.urls.http as http

    saved: list[tuple[str, int]] = []
    save = http._DeferredWrites.save

    def counting(self: object) -> None:
        saved.append((threading.current_thread().name, len(self.pending)))  # type: ignore[attr-defined]
        save(self)  # type: ignore[arg-type]

    monkeypatch.setattr(http, "WRITE_BATCH", 2)
    monkeypatch.setattr(http._DeferredWrites, "save", counting)
    return saved


def test_a_run_on_an_empty_http_cache_writes_its_responses_while_it_fetches(server: TrapServer, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing is looked up in a cache empty when the run opened it, so batches of
    WRITE_BATCH responses are written by a thread of their own while the links are
    fetched, not at the end; every response is kept once, and the findings are
    those of a run without the cache."""
    import sqlite3

    saved = _saves_by_thread(monkeypatch)
    urls = [server.url(f"/ok?n={n}") for n in range(12)]
    Path("ch.md").write_text(chapter(urls), encoding="utf-8")
    arguments = ["check", "--format", "json", "--urls", "--allow-private", "--cache-dir", "cache", "ch.md"]
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 0, result.output
    meanwhile = sum(count for name, count in saved if name == "citelint-http-cache")
    assert meanwhile >= 2 and sum(count for _, count in saved) >= 12
    with sqlite3.connect("cache/http-cache.sqlite") as connection:
        keys = [row[0] for row in connection.execute("SELECT key FROM responses")]
    assert len(keys) == len(set(keys)) >= 12  # the twelve pages (and the host's probe)
    assert codes_by_url(json.loads(result.stdout)) == codes_by_url(json.loads(CliRunner().invoke(main, [*arguments[:-3], "--no-cache", "ch.md"]).stdout))


def test_a_run_that_looks_up_the_http_cache_writes_at_its_end(server: TrapServer, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache with responses in it is looked up by each link, and a batch written
    meanwhile would hold the backend's lock those lookups wait for: its writes wait
    for the end of the run, made by the run's own thread."""
    Path("first.md").write_text(chapter([server.url("/ok?first")]), encoding="utf-8")
    check("--urls", "--allow-private", "--cache-dir", "cache", "first.md")
    saved = _saves_by_thread(monkeypatch)
    Path("ch.md").write_text(chapter([server.url(f"/ok?n={n}") for n in range(6)]), encoding="utf-8")
    assert CliRunner().invoke(main, ["check", "--urls", "--allow-private", "--cache-dir", "cache", "ch.md"]).exit_code == 0
    assert [name for name, count in saved if count] == ["MainThread"]


def test_a_batch_that_fails_to_be_written_meanwhile_is_said_and_changes_no_finding(
    server: TrapServer, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch written meanwhile that SQLite refuses (here, as a full disk would) is
    said once, at the end, on standard error; the links' findings are those of a
    run without the cache and the run's exit code is theirs."""
    import sqlite3

    import citelint.urls.http as http

    monkeypatch.setattr(http, "WRITE_BATCH", 2)

    def refused(self: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(http._DeferredWrites, "save", refused)
    Path("ch.md").write_text(chapter([server.url(f"/ok?n={n}") for n in range(6)] + [server.url("/404")]), encoding="utf-8")
    arguments = ["check", "--format", "json", "--urls", "--allow-private", "--cache-dir", "cache", "ch.md"]
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 1
    assert result.stderr.count("the HTTP cache failed (database or disk is full)") == 1
    assert codes_by_url(json.loads(result.stdout)) == {server.url("/404"): "URL001"}


def test_the_entries_are_read_while_their_links_are_fetched(server: TrapServer, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Counted, not timed: the run's thread reads the entries whose pages the findings
    judge while it waits for the links, so making the findings reads none of them
    after the last link has answered."""
    import uuid

    import citelint.cited_work as cited_work
    import citelint.urls as urls

    read: list[str] = []  # "ahead" or "after", for each entry read
    phase = ["ahead"]
    read_fields = cited_work._read_fields
    monkeypatch.setattr(cited_work, "_read_fields", lambda text, with_rest: read.append(phase[0]) or read_fields(text, with_rest))
    url_diagnostics = urls.url_diagnostics

    def judging(*args, **kwargs):  # type: ignore[no-untyped-def]
        phase[0] = "after"
        return url_diagnostics(*args, **kwargs)

    monkeypatch.setattr(urls, "url_diagnostics", judging)
    token = uuid.uuid4().hex  # entries no earlier test read
    entries = "\n".join(f'{n}. Smith, J. ({2000 + n}). "Summit {token} {n}." Press. {server.url(f"/ok?n={n}")}' for n in range(1, 7))
    prose = " ".join(f"Claim {n}. [CITATION {n}]" for n in range(1, 7))
    Path("ch.md").write_text(f"{prose}\n\n## References\n\n{entries}\n", encoding="utf-8")
    assert CliRunner().invoke(main, ["check", "--urls", "--allow-private", "--cache-dir", "cache", "ch.md"]).exit_code in (0, 1)
    assert phase[0] == "after" and read.count("ahead") >= 6 and "after" not in read



def test_the_rules_and_the_entries_compared_across_files_are_made_while_the_links_are_fetched(
    server: TrapServer, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counted, not timed: nothing a link's verdict changes waits for the last link
    (issue 15). Each file's rules and its entries for CIT014 are made by the run's
    thread while it waits; after the last link only the links' findings are. The
    report is the one a run without the head start makes."""
    import citelint.book_checks as book_checks
    import citelint.lint as lint
    import citelint.urls as urls

    made: list[str] = []  # "ahead" or "after", for each file's rules and entries
    phase = ["ahead"]
    rule_findings, book_entries, url_diagnostics = lint.rule_findings, book_checks.book_entries, urls.url_diagnostics
    monkeypatch.setattr(lint, "rule_findings", lambda *args: made.append(phase[0]) or rule_findings(*args))
    monkeypatch.setattr(book_checks, "book_entries", lambda *args: made.append(phase[0]) or book_entries(*args))

    def judging(*args, **kwargs):  # type: ignore[no-untyped-def]
        phase[0] = "after"
        return url_diagnostics(*args, **kwargs)

    monkeypatch.setattr(urls, "url_diagnostics", judging)
    Path("one.md").write_text("Unlisted [CITATION 9].\n\n" + chapter([server.url("/ok?one"), server.url("/404")]), encoding="utf-8")
    Path("two.md").write_text(chapter([server.url("/ok?two")]), encoding="utf-8")
    arguments = ["check", "--format", "json", "--urls", "--allow-private", "--cache-dir", "cache", "one.md", "two.md"]
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 1, result.output
    assert phase[0] == "after" and made == ["ahead"] * 4
    found = json.loads(result.stdout)["diagnostics"]
    assert {(Path(d["path"]).name, d["code"]) for d in found} >= {("one.md", "URL001"), ("one.md", "CIT001")}
    monkeypatch.setattr(urls, "url_diagnostics", url_diagnostics)
    again = CliRunner().invoke(main, [*arguments[:-2], "--no-cache", "one.md", "two.md"])  # every verdict fresh: nothing fetched, nothing ahead
    assert json.loads(again.stdout)["diagnostics"] == found


def test_the_links_deadlines_and_the_progress_are_kept_between_the_steps_done_meanwhile(server: TrapServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """The run's thread answers for the links' deadlines: work it does while it
    waits (``meanwhile``) goes a step at a time, and between steps a link past its
    deadline is given up and the progress shown, not only once the work is done."""
    import citelint.urls.checker as checker
    from citelint.config import UrlSettings
    from citelint.urls.checker import CheckOptions, UrlChecker

    monkeypatch.setattr(checker, "deadline_for", lambda timeout: 0.5)
    shown: list[tuple[int, bool]] = []  # (links answered, whether the steps were still going on) at each progress
    steps = [0]

    def step() -> bool:
        steps[0] += 1
        time.sleep(0.1)
        return steps[0] < 40  # 4 s of steps, far past the links' deadline

    def progress(done: int, total: int) -> None:
        shown.append((done, steps[0] < 40))

    options = CheckOptions(UrlSettings(timeout=30, allow_private=True), None, progress=progress)
    verdicts = UrlChecker(options, lambda message: None).check([server.url("/hang"), server.url("/ok")], step)
    assert verdicts[server.url("/hang")].code == "URL002" and verdicts[server.url("/ok")].code is None
    assert (2, True) in shown  # both answered while the steps went on
    assert steps[0] == 40



def test_a_file_whose_lint_fails_is_named_and_the_others_are_reported_with_their_links(
    server: TrapServer, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As without --urls: a file the lint fails on (here, as a bug in a rule would)
    is named on one line with exit code 2, made ahead or after the links alike, and
    the other files' findings, their links' included, are reported."""
    import citelint.lint as lint

    rule_findings = lint.rule_findings

    def failing(chapter, path, selection):  # type: ignore[no-untyped-def]
        if path.endswith("bad.md"):
            raise RuntimeError("a rule broke")
        return rule_findings(chapter, path, selection)

    monkeypatch.setattr(lint, "rule_findings", failing)
    Path("bad.md").write_text(chapter([server.url("/ok?bad")]), encoding="utf-8")
    Path("good.md").write_text(chapter([server.url("/404")]), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--format", "json", "--urls", "--allow-private", "--cache-dir", "cache", "bad.md", "good.md"])
    assert result.exit_code == 2
    assert "bad.md: internal error while linting (RuntimeError: a rule broke); please report it" in result.stderr
    assert codes_by_url(json.loads(result.stdout)) == {server.url("/404"): "URL001"}

WARM_WATCHED = (
    "requests", "requests_cache", "urllib3", "email.utils", "hashlib", "socket", "mistune", "citelint.block_scanner", "citelint.chapter", "citelint.rules",
    "dataclasses", "html", "sqlite3",
)


def test_a_warm_url_run_imports_neither_the_parser_nor_the_fetching_machinery(server: TrapServer, workdir: Path) -> None:
    """Issue 15's warm --urls path, by what it imports: an unchanged chapter whose links'
    verdicts are fresh is answered without the parser, the rules, the HTTP stack or
    the modules that judge a fetched page, nor what only they need (``dataclasses``,
    ``html``: ~5 ms of every warm run); only SQLite, for the verdicts."""
    Path("ch.md").write_text(chapter([server.url("/ok"), server.url("/plain")]), encoding="utf-8")
    probe = (
        "import sys\nimport citelint.cache\n"
        "citelint.cache.RACY_NS = -1  # the chapter counts as older than the same-tick guard\n"
        "from citelint.cli import main\n"
        "try:\n    main(['check', '--urls', '--allow-private', '--cache-dir', 'cache', 'ch.md'])\n"
        "except SystemExit as exit:\n    print('exit', exit.code)\n"
        f"print(sorted(name for name in {WARM_WATCHED!r} if name in sys.modules))\n"
    )
    cold = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False)
    assert cold.stdout.strip().splitlines()[-2] == "exit 0", cold.stderr
    assert "citelint.block_scanner" in cold.stdout and "requests" in cold.stdout
    hits = sum(server.hits.values())
    warm = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False)
    assert warm.stdout.strip().splitlines()[-2:] == ["exit 0", "['sqlite3']"], warm.stderr
    assert sum(server.hits.values()) == hits


def test_a_chapter_whose_entry_answered_its_links_and_then_fails_to_parse_is_named(server: TrapServer, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never left out without a word: the chapter's links came from its entry, a
    verdict changed, and the parse for its findings fails (here, as a chapter nested
    too deeply would): the run names the file and exits 2."""
    import sqlite3

    import citelint.cache as cache
    from citelint.chapter import Chapter
    from citelint.urls.store import VERDICTS

    monkeypatch.setattr(cache, "RACY_NS", -1)
    monkeypatch.setattr(cache, "code_stamp", lambda: 1)
    Path("ch.md").write_text(chapter([server.url("/ok"), server.url("/plain")]), encoding="utf-8")
    arguments = ["check", "--format", "json", "--urls", "--allow-private", "--cache-dir", "cache", "ch.md"]
    assert CliRunner().invoke(main, arguments).exit_code == 0
    with sqlite3.connect("cache/verdicts.sqlite") as connection:
        connection.execute(f"UPDATE {VERDICTS} SET code = 'URL005', detail = 'the page changed' WHERE url = ?", (server.url("/ok"),))

    def too_deep(cls, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(Chapter, "parse", classmethod(too_deep))
    failed = CliRunner().invoke(main, arguments)
    assert failed.exit_code == 2
    assert "ch.md" in failed.stderr and "nested too deeply" in failed.stderr


def test_a_host_that_leaves_its_links_unanswered_has_its_other_links_not_asked(server: TrapServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """A pull request can cite 1,000 links to a host that never answers: each held a
    worker for the whole deadline, `per-host` at a time (hours). Once STALLED_LINKS of
    a host's links were left unanswered, its other links are URL004, not asked."""
    import citelint.urls.checker as checker
    from citelint.config import UrlSettings
    from citelint.urls.checker import STALLED_LINKS, CheckOptions, UrlChecker

    monkeypatch.setattr(checker, "deadline_for", lambda timeout: 1.0)
    urls = [server.url(f"/hang?n={n}") for n in range(12)]
    options = CheckOptions(UrlSettings(timeout=0.5, allow_private=True, per_host=4), None)
    verdicts = UrlChecker(options, lambda message: None).check(urls)
    asked = {url for url in urls if server.hits[url.split(str(server.port), 1)[1]]}
    assert {verdicts[url].code for url in asked} == {"URL002"}
    assert len(asked) <= 4 + STALLED_LINKS - 1  # the first places, and those freed before the third was given up
    not_asked = set(urls) - asked
    assert len(not_asked) >= len(urls) - (4 + STALLED_LINKS - 1)
    assert {verdicts[url].detail for url in not_asked} == {
        f"not asked: the host 127.0.0.1 left {STALLED_LINKS} links of this run unanswered for 0.5 s or more; its other links were not checked"
    }


def test_host_names_of_one_address_that_leave_their_links_unanswered_are_given_up_together(server: TrapServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """A wildcard domain gives a pull request any number of host names for one
    tarpit: the count is kept for the address they resolve to as well."""
    import citelint.urls.checker as checker
    from citelint.config import UrlSettings
    from citelint.urls.checker import CheckOptions, UrlChecker

    monkeypatch.setattr(checker, "deadline_for", lambda timeout: 1.0)
    names = [f"{letter}.tarpit.test" for letter in "abcdef"]
    urls = [f"http://{name}:{server.port}/hang?{name}={n}" for name in names for n in range(2)]
    options = CheckOptions(UrlSettings(timeout=0.5, allow_private=True, per_host=2, workers=4), None, resolver=lambda host, port: ["127.0.0.1"])
    verdicts = UrlChecker(options, lambda message: None).check(urls)
    asked = [url for url in urls if server.hits["/hang?" + url.split("?", 1)[1]]]
    assert 4 <= len(asked) <= 6  # no host name had three of its links stall: the address did
    assert {verdicts[url].code for url in asked} == {"URL002"}
    assert {verdicts[url].detail for url in urls if url not in asked} == {
        "not asked: the address 127.0.0.1 left 3 links of this run unanswered for 0.5 s or more; its other links were not checked"
    }
