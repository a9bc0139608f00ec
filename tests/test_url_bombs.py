"""check --urls against hostile servers (issue 14): bodies that would take
gigabytes, cookies and credentials, a locked cache, interim responses.

Every server here is real (127.0.0.1) and bounded: a bomb stops after a
bounded number of bytes or a minute, so no test can hang on it."""

from __future__ import annotations

import json
import multiprocessing
import multiprocessing.synchronize
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest
from click.testing import CliRunner

from citelint.cli import cli as main
from citelint.urls.store import VerdictStore  # imported before the forks below
from helpers import check_json
from urlserver import TrapServer, compressed_zeros

pytestmark = pytest.mark.slow  # real subprocesses and servers: the fast loop leaves them out

MEMORY_CEILING_KB = 300 * 1024  # peak RSS of a whole check run, far below the gigabytes a bomb asks for
MEASURED_RUN = """
import resource, subprocess, sys

result = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=300)
sys.stderr.write(result.stderr)
print(result.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(result.stdout)
"""


@pytest.fixture(scope="module")
def bombs_made() -> None:
    """Compress the bombs once, before any server is asked for one."""
    compressed_zeros(31)
    compressed_zeros(15)


@pytest.fixture
def server() -> Iterator[TrapServer]:
    with TrapServer() as running:
        yield running


@pytest.fixture
def workdir(project: Path) -> Path:
    return project


def chapter(urls: list[str]) -> str:
    markers = " ".join(f"Claim {n}. [CITATION {n}]" for n in range(1, len(urls) + 1))
    entries = "\n".join(f'{n}. "Source {n}." Press, 2020. {url}' for n, url in enumerate(urls, start=1))
    return f"{markers}\n\n## References\n\n{entries}\n"


check = check_json


def findings_by_url(document: dict) -> dict[str, tuple[str, str]]:  # type: ignore[type-arg]
    return {
        d["message"].split(": ", 1)[0]: (d["code"], d["message"].split(": ", 1)[1])
        for d in document["diagnostics"]
        if d["code"].startswith("URL")
    }


def measured_check(*args: str) -> tuple[int, int, dict, str]:  # type: ignore[type-arg]
    """(exit code, peak RSS in KB, JSON report, stderr) of a check run in its own process."""
    command = [sys.executable, "-m", "citelint", "check", "--format", "json", *args]
    result = subprocess.run([sys.executable, "-c", MEASURED_RUN, *command], capture_output=True, text=True, timeout=400, check=True)
    first, _, report = result.stdout.partition("\n")
    code, peak = (int(part) for part in first.split())
    return code, peak, json.loads(report), result.stderr


# -- memory and time bombs ---------------------------------------------------


@pytest.mark.parametrize("path", ["/bomb/chunked", "/bomb/gzip", "/bomb/gzip-gzip", "/bomb/deflate", "/bomb/redirect"])
def test_a_body_bomb_keeps_memory_bounded_and_is_never_cached_whole(bombs_made: None, server: TrapServer, workdir: Path, path: str) -> None:
    """Content-Length: 100 over an endless chunked body, 1 GiB of gzip (also gzip
    over gzip, 1,827 bytes on the wire) and of deflate, and a redirect carrying
    such a body: read to the 2 MB limit after decoding, while streaming."""
    Path("ch.md").write_text(chapter([server.url(path)]), encoding="utf-8")
    code, peak_kb, document, err = measured_check("--urls", "--allow-private", "--timeout", "5", "--cache-dir", "cache", "ch.md")
    assert peak_kb < MEMORY_CEILING_KB, f"peak RSS {peak_kb // 1024} MB"
    assert "Traceback" not in err and "internal error" not in err, err
    assert server.hits[path] == 1
    assert findings_by_url(document) == {}, document  # the first 2 MB of a page are a page
    with sqlite3.connect("cache/http-cache.sqlite") as connection:
        stored = [length for (length,) in connection.execute("SELECT LENGTH(value) FROM responses")]
    if path == "/bomb/redirect":  # the small page it leads to, its redirect's body left out
        assert stored and max(stored) < 16 * 1024, stored
    else:
        assert stored == []
    assert code == 0


def test_an_archive_answer_whose_chunk_size_never_ends_keeps_memory_bounded(server: TrapServer, workdir: Path) -> None:
    """The archive (a pull request's configuration may name its own) answers chunked,
    its first chunk-size line endless: urllib3's chunked reading has no limit on
    that line and took ~700 MB in the link's seconds. Read as a page's body is
    (http.client stops such a line at 64 KB), it is no answer, and costs nothing."""
    server.state["archive"] = "endless-chunk-size"
    Path(".citelint.toml").write_text(f'[urls]\narchive = true\narchive-api = "{server.url("/wayback/available")}"\n', encoding="utf-8")
    Path("ch.md").write_text(chapter([server.url("/404")]), encoding="utf-8")
    code, peak_kb, document, err = measured_check("--urls", "--allow-private", "--timeout", "2", "--cache-dir", "cache", "ch.md")
    assert peak_kb < MEMORY_CEILING_KB, f"peak RSS {peak_kb // 1024} MB"
    assert "Traceback" not in err and "internal error" not in err, err
    assert findings_by_url(document) == {server.url("/404"): ("URL001", "answers 404 Not Found; the page is gone")}
    assert len(server.archive_queries) == 1 and code == 1


def test_a_small_compressed_page_is_cached_and_served_from_the_cache(server: TrapServer, workdir: Path) -> None:
    Path("ch.md").write_text(chapter([server.url("/small-gzip")]), encoding="utf-8")
    first = check("--urls", "--allow-private", "--cache-dir", "cache", "ch.md")
    second = check("--urls", "--allow-private", "--refresh", "--cache-dir", "cache", "ch.md")
    assert first[1]["diagnostics"] == second[1]["diagnostics"] == []
    assert server.hits["/small-gzip"] == 2  # --refresh asks again
    from citelint.config import UrlSettings
    from citelint.urls.checker import CheckOptions, UrlChecker

    checker = UrlChecker(CheckOptions(UrlSettings(allow_private=True), Path("cache")), lambda message: None)
    response = checker.session().get(server.url("/small-gzip"))
    assert response.from_cache and b"<title>Zipped</title>" in response.content
    assert server.hits["/small-gzip"] == 2


def test_a_body_that_cannot_be_decoded_leaves_the_link_judged_by_its_status(server: TrapServer, workdir: Path) -> None:
    """A 200 whose gzip is broken, or stacked past what urllib3 decodes, is a page
    that answered: no body to fingerprint, never 'could not be checked'."""
    Path("ch.md").write_text(chapter([server.url("/bad-gzip"), server.url("/gzip-x6")]), encoding="utf-8")
    code, document, err = check("--urls", "--allow-private", "--cache-dir", "cache", "ch.md")
    assert findings_by_url(document) == {} and code == 0, document
    with sqlite3.connect("cache/http-cache.sqlite") as connection:
        assert connection.execute("SELECT COUNT(*) FROM responses").fetchone()[0] == 0


def test_a_page_that_drips_past_the_deadline_is_judged_by_its_status(server: TrapServer, workdir: Path) -> None:
    """Its body is read until shortly before the link's deadline, then cut: the
    verdict comes in time (a 200: fine), not as 'no complete answer'."""
    Path("ch.md").write_text(chapter([server.url("/drip")]), encoding="utf-8")
    code, document, err = check("--urls", "--allow-private", "--timeout", "1", "--cache-dir", "cache", "ch.md")
    assert findings_by_url(document) == {} and code == 0, document


# -- findings capped ------------------------------------------------------------


def test_url_findings_are_capped_per_rule_like_lint_findings(workdir: Path) -> None:
    from citelint.rules import MAX_FINDINGS_PER_RULE

    count = MAX_FINDINGS_PER_RULE + 7
    Path("ch.md").write_text(chapter([f"http://localhost/{n}" for n in range(count)]), encoding="utf-8")
    code, document, err = check("--urls", "--offline", "--cache-dir", "cache", "ch.md")
    url004 = [d for d in document["diagnostics"] if d["code"] == "URL004"]
    assert len(url004) == MAX_FINDINGS_PER_RULE + 1
    assert url004[-1]["message"].startswith("7 more findings of this rule are not shown (at most 10,000 per file)")
    assert url004[-1]["line"] == 5 + MAX_FINDINGS_PER_RULE  # at the first link left out
    result = CliRunner().invoke(main, ["check", "--urls", "--offline", "--cache-dir", "cache", "--statistics", "ch.md"])
    assert f"{count}  URL004  link-not-checked (info)" in result.stdout.splitlines()


def test_suppressed_url_findings_do_not_count_towards_the_cap(workdir: Path) -> None:
    from citelint.config import Settings
    from citelint.chapter import Chapter
    from citelint.urls import url_diagnostics
    from citelint.urls.store import Verdict

    urls = [f"http://localhost/{n}" for n in range(5)]
    text = chapter(urls).replace("## References\n\n", "## References\n\n<!-- citelint-disable-next-line URL004 -->\n")
    verdicts = {url: Verdict(url, "URL004", "not checked") for url in urls}
    from citelint.selection import Selection

    parsed = Chapter.parse(text, Settings())
    found = url_diagnostics(parsed, verdicts, "ch.md", Selection.of(parsed, "ch.md"), limit=2)
    assert [d.message for d in found] == [
        f"{urls[1]}: not checked",
        f"{urls[2]}: not checked",
        "2 more findings of this rule are not shown (at most 2 per file); fix these and run citelint again",
    ]
    assert found[-1].stands_for == 2


# -- cookies and credentials ------------------------------------------------------


def test_cookies_and_credentials_are_never_sent(server: TrapServer, workdir: Path) -> None:
    with_credentials = f"http://user:secret@127.0.0.1:{server.port}/auth"
    Path("ch.md").write_text(chapter([server.url("/cookie-redirect"), with_credentials]), encoding="utf-8")
    for _ in range(2):  # the second run finds no cookie kept anywhere either
        code, document, err = check("--urls", "--allow-private", "--refresh", "--cache-dir", "cache", "ch.md")
        assert findings_by_url(document) == {} and code == 0, err
    assert server.hits["/cookie-check"] == 2 and server.hits["/auth"] == 2
    sent = {name.lower() for _, headers in server.headers_seen for name in headers}
    assert "cookie" not in sent and "authorization" not in sent


def test_a_dead_link_with_credentials_is_told_as_any_dead_link(server: TrapServer, workdir: Path) -> None:
    dead = f"http://user:secret@127.0.0.1:{server.port}/404"
    Path("ch.md").write_text(chapter([dead]), encoding="utf-8")
    document = check("--urls", "--allow-private", "--cache-dir", "cache", "ch.md")[1]
    assert findings_by_url(document) == {dead: ("URL001", "answers 404 Not Found; the page is gone")}
    assert "authorization" not in {name.lower() for _, headers in server.headers_seen for name in headers}


# -- a locked HTTP cache ------------------------------------------------------------


@pytest.mark.parametrize("journal", ["wal", "rollback"])
def test_a_locked_http_cache_is_skipped_with_one_warning(server: TrapServer, workdir: Path, journal: str) -> None:
    urls = [server.url(path) for path in ("/ok", "/plain", "/small-gzip", "/pdf")]
    Path("ch.md").write_text(chapter(urls), encoding="utf-8")
    cache = Path("cache/http-cache.sqlite")
    if journal == "wal":
        check("--urls", "--allow-private", "--cache-dir", "cache", "ch.md")  # a cache citelint made
    else:
        cache.parent.mkdir()
        sqlite3.connect(cache).execute("CREATE TABLE other (x)").connection.commit()
    holder = sqlite3.connect(cache, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        code, document, err = check("--urls", "--allow-private", "--refresh", "--timeout", "2", "--cache-dir", "cache", "ch.md")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert findings_by_url(document) == {}, document
    warnings = [line for line in err.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "http-cache.sqlite" in warnings[0] and "locked" in warnings[0], err
    assert code == 0


# -- smaller ----------------------------------------------------------------------


def test_retry_after_past_the_deadline_is_one_try_and_says_so(server: TrapServer, workdir: Path) -> None:
    Path("ch.md").write_text(chapter([server.url("/503-forever")]), encoding="utf-8")
    code, document, err = check("--urls", "--allow-private", "--timeout", "2", "--cache-dir", "cache", "ch.md")
    assert server.hits["/503-forever"] == 1
    assert findings_by_url(document) == {
        server.url("/503-forever"): ("URL002", "answers 503 Service Unavailable after 1 try (it asks to be tried again in 999999 s)")
    }


def test_a_retry_after_in_digits_python_does_not_read_is_no_wait(server: TrapServer, workdir: Path) -> None:
    """``Retry-After: ²`` (the byte 0xB2) is a digit to ``isdigit`` and not to
    ``float``: the link was "could not be checked (ValueError ...)" after one try.
    It is now no wait asked, and the 503 is retried as any other."""
    Path("ch.md").write_text(chapter([server.url("/503-superscript")]), encoding="utf-8")
    code, document, err = check("--urls", "--allow-private", "--timeout", "2", "--cache-dir", "cache", "ch.md")
    assert findings_by_url(document) == {server.url("/503-superscript"): ("URL002", "answers 503 Service Unavailable after 3 tries")}
    assert server.hits["/503-superscript"] == 3


@pytest.mark.parametrize("path", ["/length-superscript", "/length-long"])
def test_a_content_length_python_does_not_read_leaves_the_page_judged_by_its_status(server: TrapServer, workdir: Path, path: str) -> None:
    """A 200 whose Content-Length is ``²`` or 5,000 digits (``int`` refuses both) was
    "could not be checked (ValueError ...)": it is a page that answered."""
    Path("ch.md").write_text(chapter([server.url(path)]), encoding="utf-8")
    code, document, err = check("--urls", "--allow-private", "--timeout", "2", "--cache-dir", "cache", "ch.md")
    assert findings_by_url(document) == {} and code == 0, document


def test_a_page_in_an_unknown_charset_is_read_anyway(server: TrapServer, workdir: Path) -> None:
    Path("ch.md").write_text(chapter([server.url("/charset-unknown")]), encoding="utf-8")
    code, document, err = check("--urls", "--allow-private", "--cache-dir", "cache", "ch.md")
    assert findings_by_url(document) == {} and code == 0, document


def test_an_early_hints_interim_response_is_passed_over(server: TrapServer, workdir: Path) -> None:
    Path("ch.md").write_text(chapter([server.url("/early-hints")]), encoding="utf-8")
    code, document, err = check("--urls", "--allow-private", "--timeout", "2", "--cache-dir", "cache", "ch.md")
    assert findings_by_url(document) == {} and code == 0, document
    assert server.hits["/early-hints"] == 1


# -- the verdict store opened by many processes at once ---------------------------------


def _open_store(path: str, gate: "multiprocessing.synchronize.Barrier", warnings: "multiprocessing.Queue[list[str]]") -> None:
    said: list[str] = []
    gate.wait()
    VerdictStore(Path(path), said.append).close()
    warnings.put(said)


def test_processes_opening_a_new_verdict_store_at_once_all_use_it(tmp_path: Path) -> None:
    """Processes of a pre-commit run start together on a cache that does not exist
    yet; each used to lose the race for WAL mode now and then ("database is
    locked", about one start in ten): forked processes, so that sixty starts are cheap."""
    context = multiprocessing.get_context("fork")
    for attempt in range(60):
        path = str(tmp_path / str(attempt) / "verdicts.sqlite")
        gate, warnings = context.Barrier(8), context.Queue()
        processes = [context.Process(target=_open_store, args=(path, gate, warnings)) for _ in range(8)]
        for process in processes:
            process.start()
        said = [warnings.get(timeout=60) for _ in processes]
        for process in processes:
            process.join()
        assert said == [[]] * 8, f"start {attempt}: {said}"


# -- what the HTTP cache holds ------------------------------------------------------------

CACHED_BOMBS = 40  # pages of /zeros in a run: ~80 KB on the wire, 84 MB decoded


def http_cache_bytes(folder: Path) -> int:
    """Bytes of the HTTP cache's file and its write-ahead log."""
    files = [folder / "http-cache.sqlite", folder / "http-cache.sqlite-wal"]
    return sum(path.stat().st_size for path in files if path.exists())


def test_pages_that_decode_large_leave_the_http_cache_small(server: TrapServer, workdir: Path) -> None:
    """Each /zeros is 2 KB on the wire and 2 MB decoded, read whole: kept as decoded,
    40 took 84 MB of the cache's disk (a pull request of 1,000 such links, 2 GB).
    Kept compressed, they take about what came on the wire; a run answered from the
    HTTP cache (the verdicts gone) finds what the first run found."""
    urls = [server.url(f"/zeros?n={n}") for n in range(CACHED_BOMBS)]
    Path("ch.md").write_text(chapter(urls), encoding="utf-8")
    first = check("--urls", "--allow-private", "--cache-dir", "cache", "ch.md")
    assert first[0] == 0 and findings_by_url(first[1]) == {}, first
    assert http_cache_bytes(Path("cache")) < 2 * 1024 * 1024, http_cache_bytes(Path("cache"))
    for name in ("verdicts.sqlite", "verdicts.sqlite-wal", "verdicts.sqlite-shm"):
        Path("cache", name).unlink(missing_ok=True)
    second = check("--urls", "--allow-private", "--cache-dir", "cache", "ch.md")
    assert second == first
    assert sum(server.hits[f"/zeros?n={n}"] for n in range(CACHED_BOMBS)) == CACHED_BOMBS  # the second run sent none


def stored_pages(folder: Path) -> set[str]:
    """The URLs of the pages the HTTP cache holds (in this citelint's format)."""
    from citelint.urls.http import _unpacked_response

    pages = set()
    with sqlite3.connect(folder / "http-cache.sqlite") as connection:
        for (value,) in connection.execute("SELECT value FROM responses"):
            try:
                pages.add(_unpacked_response(value).url)
            except ValueError:
                continue
    return pages


def test_the_http_cache_keeps_within_its_limit_the_oldest_going_first(server: TrapServer, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages of random bytes (no compression helps) past the cache's limit, here
    1 MB: the file stays within it, the oldest pages make room for the newest, and
    no page's verdict changes (a page not kept is fetched again when asked)."""
    from citelint.urls import http_cache

    limit = 1024 * 1024
    monkeypatch.setattr(http_cache, "HTTP_CACHE_LIMIT", limit)
    for run in ("a", "b"):
        urls = [server.url(f"/noise?{run}{n}") for n in range(8)]  # 2 MB of pages
        Path("ch.md").write_text(chapter(urls), encoding="utf-8")
        code, document, err = check("--urls", "--allow-private", "--cache-dir", "cache", "ch.md")
        assert findings_by_url(document) == {} and code == 0 and err == "", document
        assert http_cache_bytes(Path("cache")) <= limit + 64 * 1024, http_cache_bytes(Path("cache"))
        kept = stored_pages(Path("cache"))
        assert kept and kept <= set(urls), kept  # this run's pages only: the first run's made room


def test_a_cache_grown_by_an_earlier_citelint_is_brought_within_the_limit(server: TrapServer, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An HTTP cache from before the limit (here 4 MB of rows, the limit 1 MB): its
    oldest rows make room for the run's pages, and the file gives back its free
    pages past FREE_LIMIT (here 256 KB) when the run ends."""
    import random

    from citelint.urls import http_cache

    limit, free = 1024 * 1024, 256 * 1024
    monkeypatch.setattr(http_cache, "HTTP_CACHE_LIMIT", limit)
    monkeypatch.setattr(http_cache, "FREE_LIMIT", free)
    Path("cache").mkdir()
    with sqlite3.connect("cache/http-cache.sqlite") as connection:
        for table in ("responses", "redirects"):
            connection.execute(f"CREATE TABLE {table} (key TEXT PRIMARY KEY, value BLOB, expires INTEGER)")
        rows = [(f"{n:032x}", random.Random(n).randbytes(256 * 1024), 2**40) for n in range(16)]
        connection.executemany("INSERT INTO responses VALUES (?, ?, ?)", rows)
    assert http_cache_bytes(Path("cache")) > 4 * limit
    urls = [server.url(f"/noise?{n}") for n in range(2)]
    Path("ch.md").write_text(chapter(urls), encoding="utf-8")
    code, document, err = check("--urls", "--allow-private", "--cache-dir", "cache", "ch.md")
    assert findings_by_url(document) == {} and code == 0 and err == "", document
    assert http_cache_bytes(Path("cache")) <= limit + free, http_cache_bytes(Path("cache"))
    assert stored_pages(Path("cache")) == set(urls)


# -- links past their deadline -------------------------------------------------------------

HEADER_DRIPS = 16  # links whose headers drip, all fetched at once


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def settled_threads(baseline: int, within_s: float = 2.0) -> int:
    """The live threads once they are down to ``baseline`` or ``within_s`` has passed."""
    stop_at = time.monotonic() + within_s
    while threading.active_count() > baseline and time.monotonic() < stop_at:
        time.sleep(0.05)
    return threading.active_count()


def test_links_whose_headers_drip_leave_no_thread_or_socket_behind(server: TrapServer, workdir: Path) -> None:
    """A header that comes a byte at a time resets the read timeout with each byte:
    the link is URL002 at its deadline, but its worker used to stay blocked reading
    the header, holding its thread and socket, for as long as the server dripped (a
    long run of such links runs out of file descriptors). Headers are now read
    within the link's deadline: when the run ends, its threads and sockets are gone."""
    Path(".citelint.toml").write_text("[urls]\nper-host = 16\n", encoding="utf-8")
    urls = [server.url(f"/drip-headers?{n}") for n in range(HEADER_DRIPS)]
    Path("ch.md").write_text(chapter(urls), encoding="utf-8")
    threads, fds = threading.active_count(), open_fds()
    started = time.monotonic()
    code, document, err = check("--urls", "--allow-private", "--timeout", "1", "--cache-dir", "cache", "ch.md")
    took = time.monotonic() - started
    assert findings_by_url(document) == {url: ("URL002", "no complete answer within 6 s") for url in urls}, document
    assert took < 12, took  # one deadline (6 s) for all: they are fetched at once
    assert settled_threads(threads) <= threads, threading.enumerate()
    assert open_fds() <= fds, os.listdir("/proc/self/fd")


# -- headers ---------------------------------------------------------------------------------

FAT_LINKS = 16  # links with fat headers, all fetched at once


def test_links_whose_redirects_carry_megabytes_of_headers_keep_memory_bounded(server: TrapServer, workdir: Path) -> None:
    """http.client takes 100 header lines of 64 KB each: 6 MB a response, kept for
    each of a link's 10 redirect hops, 16 links at once took 1.5 GB. A response's
    headers are read to HEADER_LIMIT (256 KB, a browser's own limit) at most."""
    Path(".citelint.toml").write_text("[urls]\nper-host = 16\n", encoding="utf-8")
    urls = [server.url(f"/fat-headers?lines=93&hop={100 * n}") for n in range(FAT_LINKS)]
    Path("ch.md").write_text(chapter(urls), encoding="utf-8")
    code, peak_kb, document, err = measured_check("--urls", "--allow-private", "--timeout", "5", "--cache-dir", "cache", "ch.md")
    assert peak_kb < MEMORY_CEILING_KB, f"peak RSS {peak_kb // 1024} MB"
    assert "Traceback" not in err and "internal error" not in err, err
    found = findings_by_url(document)
    assert set(found) == set(urls) and {code for code, _ in found.values()} == {"URL002"}, found
    assert all("headers longer than 256 KB" in detail for _, detail in found.values()), found


def test_headers_within_a_browsers_limit_are_read(server: TrapServer, workdir: Path) -> None:
    """Three lines of 64 KB (195 KB of headers), on a redirect and on its page: a link like any other."""
    Path("ch.md").write_text(chapter([server.url("/fat-headers?lines=3"), server.url("/fat-headers?lines=3&hop=9")]), encoding="utf-8")
    code, document, err = check("--urls", "--allow-private", "--timeout", "5", "--cache-dir", "cache", "ch.md")
    assert findings_by_url(document) == {server.url("/fat-headers?lines=3&hop=9"): ("URL002", "more than 10 redirects")}, document
