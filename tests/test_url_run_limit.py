"""The URL check's own time limit (``[urls] run-timeout``, ``--run-timeout``), against
real servers on 127.0.0.1: a pull request citing thousands of links to slow hosts,
each on an address of its own, held a CI runner for a deadline per 16 links."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest

from citelint.config import UrlSettings
from citelint.urls.checker import CheckOptions, UrlChecker
from helpers import check_json
from urlserver import Tarpit, TrapServer

NOT_ASKED = "not asked: the run's time limit of {limit:g} s (run-timeout) passed first"
NOT_ANSWERED = "not checked: the run's time limit of {limit:g} s (run-timeout) passed before it answered"
MARGIN_S = 1.0  # what a run may take past its limit: the workers' last reads, the caches' writes


@pytest.fixture
def server() -> Iterator[TrapServer]:
    with TrapServer() as running:
        yield running


@pytest.fixture
def tarpit() -> Iterator[Tarpit]:
    with Tarpit(40) as running:
        yield running


def chapter(urls: list[str]) -> str:
    markers = " ".join(f"Claim {n}. [CITATION {n}]" for n in range(1, len(urls) + 1))
    entries = "\n".join(f'{n}. "Source {n}." Press, 2020. {url}' for n, url in enumerate(urls, start=1))
    return f"{markers}\n\n## References\n\n{entries}\n"


def checked(urls: list[str], cache: Path, limit: float, resolver: object = None) -> tuple[dict, float]:  # type: ignore[type-arg]
    """The verdicts of one run of the checker over ``urls`` with the run's limit ``limit``, and its time."""
    settings = UrlSettings(allow_private=True, run_timeout=limit)
    options = CheckOptions(settings, cache) if resolver is None else CheckOptions(settings, cache, resolver=resolver)  # type: ignore[arg-type]
    started = time.monotonic()
    verdicts = UrlChecker(options, lambda message: None).check(urls)
    return verdicts, time.monotonic() - started


def stored_urls(cache: Path) -> set[str]:
    """The URLs the verdict store keeps a verdict or an outcome of."""
    with sqlite3.connect(cache / "verdicts.sqlite") as connection:
        tables = [name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {url for table in tables for (url,) in connection.execute(f"SELECT url FROM {table}")}  # noqa: S608 - the store's own tables


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def settled(baseline_threads: int, baseline_fds: int, within_s: float = 2.0) -> tuple[int, int]:
    """The live threads and open files once both are down to their baselines or ``within_s`` has passed."""
    stop_at = time.monotonic() + within_s
    while (threading.active_count() > baseline_threads or open_fds() > baseline_fds) and time.monotonic() < stop_at:
        time.sleep(0.05)
    return threading.active_count(), open_fds()


@pytest.mark.slow
def test_links_not_checked_by_the_runs_limit_are_not_checked_and_not_cached(server: TrapServer, tarpit: Tarpit, tmp_path: Path) -> None:
    """Past the limit no request starts, the links in flight are given up with their
    sockets, each link not checked is URL004 saying why, and nothing of theirs is
    kept: a second run asks them again, while the links checked in time keep their
    verdicts and the good ones come from the cache."""
    good, dead, dripped = [server.url(f"/ok?n={n}") for n in range(3)], server.url("/404"), server.url("/drip")
    slow = tarpit.urls()
    threads, fds = threading.active_count(), open_fds()
    verdicts, took = checked([*good, dead, dripped, *slow], tmp_path, 1.5)
    assert took < 1.5 + MARGIN_S, took  # each link's own deadline is 30 s
    assert {url: verdicts[url].code for url in [*good, dead]} == {**dict.fromkeys(good), dead: "URL001"}
    assert (verdicts[dripped].code, verdicts[dripped].detail) == ("URL004", NOT_ANSWERED.format(limit=1.5))  # its body was cut: not its page
    assert {verdicts[url].code for url in slow} == {"URL004"}
    assert {verdicts[url].detail for url in slow} == {NOT_ASKED.format(limit=1.5), NOT_ANSWERED.format(limit=1.5)}
    asked = tarpit.connections
    assert 0 < asked < len(slow)  # those in flight, and no more
    assert settled(threads, fds) <= (threads, fds), threading.enumerate()  # their workers and sockets are let go
    assert stored_urls(tmp_path) == {*good, dead}
    hits = dict(server.hits)
    again, _ = checked([*good, dead, dripped, *slow], tmp_path, 1.0)
    assert tarpit.connections > asked  # asked again
    assert server.hits["/drip"] == hits["/drip"] + 1
    assert all(server.hits[f"/ok?n={n}"] == hits[f"/ok?n={n}"] for n in range(3))  # from the cache
    assert {url: again[url].code for url in [*good, dead]} == {**dict.fromkeys(good), dead: "URL001"}


def test_a_run_whose_hosts_never_resolve_ends_at_its_limit_and_sends_nothing_after(server: TrapServer, tmp_path: Path) -> None:
    """A name whose name servers never answer holds its worker in the resolver, which
    nothing interrupts: the run does not wait for it, and a worker the resolver lets
    go after the limit sends nothing. (The system resolver cannot be made to hang on
    127.0.0.1 without changing the machine's configuration: this resolver is the
    checker's own seam, the one the address-guard tests use.)"""
    release = threading.Event()
    asked: list[float] = []

    def black_hole(host: str, port: int) -> list[str]:
        asked.append(time.monotonic())
        release.wait(30)
        return ["127.0.0.1"]

    urls = [f"http://name{n}.black-hole.test:{server.port}/ok?n={n}" for n in range(40)]
    verdicts, took = checked(urls, tmp_path, 0.5, black_hole)
    ended = time.monotonic()
    release.set()
    assert took < 0.5 + MARGIN_S, took
    assert {verdicts[url].code for url in urls} == {"URL004"}
    assert {verdicts[url].detail for url in urls} == {NOT_ASKED.format(limit=0.5), NOT_ANSWERED.format(limit=0.5)}
    time.sleep(0.5)
    assert not any(path.startswith("/ok") for path in server.hits), server.hits  # the workers let go asked nothing
    assert not [when for when in asked if when > ended]  # nor were more names looked up


@pytest.mark.slow
def test_a_process_whose_workers_are_stuck_in_the_resolver_ends_at_the_limit(server: TrapServer, tmp_path: Path) -> None:
    """The workers are daemon threads, not a pool the interpreter joins at exit: a
    process whose threads still wait on the resolver ends with the run."""
    script = f"""
import time
from pathlib import Path
from citelint.config import UrlSettings
from citelint.urls.checker import CheckOptions, UrlChecker

def black_hole(host, port):
    time.sleep(3600)  # as getaddrinfo waits: in C, the interpreter's lock let go
    return []

urls = [f"http://name{{n}}.black-hole.test:{server.port}/" for n in range(40)]
options = CheckOptions(UrlSettings(allow_private=True, run_timeout=1.0), Path({str(tmp_path)!r}), resolver=black_hole)
verdicts = UrlChecker(options, print).check(urls)
print(sorted({{verdict.code for verdict in verdicts.values()}}))
"""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)
    took = time.monotonic() - started
    assert (done.returncode, done.stdout) == (0, "['URL004']\n"), done.stderr
    assert took < 1.0 + 3.0, took


@pytest.mark.slow
def test_check_urls_with_a_run_timeout_reports_what_it_checked_and_exits_as_usual(server: TrapServer, tarpit: Tarpit, project: Path) -> None:
    """``--run-timeout`` from the command line, in a process of its own: the report
    comes in time, with the links checked and those not, and the usual exit code."""
    good, dead = server.url("/ok"), server.url("/404")
    Path("ch.md").write_text(chapter([good, dead, *tarpit.urls()]), encoding="utf-8")
    started = time.monotonic()
    arguments = ["check", "--format", "json", "--urls", "--allow-private", "--run-timeout", "1.5", "--cache-dir", "cache", "ch.md"]
    done = subprocess.run([sys.executable, "-m", "citelint", *arguments], capture_output=True, text=True, timeout=60, check=False)
    took = time.monotonic() - started
    code, document, err = done.returncode, json.loads(done.stdout), done.stderr
    assert took < 1.5 + 4.0, took  # the process's start and the lint included
    messages = {d["message"].split(": ", 1)[0]: (d["code"], d["message"].split(": ", 1)[1]) for d in document["diagnostics"]}
    assert messages[dead][0] == "URL001" and good not in messages
    assert {messages[url] for url in tarpit.urls()} == {("URL004", NOT_ASKED.format(limit=1.5)), ("URL004", NOT_ANSWERED.format(limit=1.5))}
    assert code == 1, err  # URL001 is an error; URL004 is information


def test_run_timeout_in_the_configuration_is_the_limit(server: TrapServer, tarpit: Tarpit, project: Path) -> None:
    Path(".citelint.toml").write_text("[urls]\nrun-timeout = 0.5\n", encoding="utf-8")
    Path("ch.md").write_text(chapter(tarpit.urls()[:20]), encoding="utf-8")
    started = time.monotonic()
    code, document, err = check_json("--urls", "--allow-private", "--cache-dir", "cache", "ch.md")
    assert time.monotonic() - started < 0.5 + MARGIN_S
    assert {d["code"] for d in document["diagnostics"]} == {"URL004"}
    assert all("the run's time limit of 0.5 s (run-timeout)" in d["message"] for d in document["diagnostics"])
    assert code == 0, err
