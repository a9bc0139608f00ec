"""Flaky is not dead, and a dead link never archived is named as such: a real HTTP
server on 127.0.0.1 (tests/urlserver.py) that fails and recovers on command, a real
archive endpoint on it, the real cache file."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Iterator

import pytest

from helpers import check_json
from urlserver import TrapServer

NEVER_SEEN = "no archived copy exists either: check that this source is real"


@pytest.fixture
def server(project: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TrapServer]:
    monkeypatch.setenv("CITELINT_ALLOW_PRIVATE", "1")  # the server is on loopback
    with TrapServer() as running:
        yield running


def chapter(urls: list[str]) -> str:
    markers = " ".join(f"Claim {n}. [CITATION {n}]" for n in range(1, len(urls) + 1))
    entries = "\n".join(f'{n}. "Source {n}." Press, 2020. {url}' for n, url in enumerate(urls, start=1))
    return f"{markers}\n\n## References\n\n{entries}\n"


def configure(server: TrapServer, extra: str = "") -> None:
    Path(".citelint.toml").write_text(f'[urls]\ncache-dir = "c"\narchive-api = "{server.url("/wayback/available")}"\n{extra}', encoding="utf-8")


def run(server: TrapServer, status: int, *flags: str) -> tuple[int, list[tuple[str, str]]]:
    """One run of ``check --urls --refresh`` with /flaky answering ``status``:
    the exit code and (code, message) of each finding."""
    server.flaky_status = status
    code, document, err = check_json("--urls", "--refresh", "--timeout", "1", *flags, "ch.md")
    assert "Traceback" not in err
    return code, [(d["code"], d["message"]) for d in document["diagnostics"]]


def test_a_server_that_fails_once_then_recovers_is_flaky_not_unreachable(server: TrapServer) -> None:
    configure(server)
    Path("ch.md").write_text(chapter([server.url("/flaky")]), encoding="utf-8")
    for _ in range(3):
        assert run(server, 200) == (0, [])
    code, found = run(server, 500)
    assert code == 0  # information: the build stays green
    ((rule, message),) = found
    assert rule == "URL010"
    assert message == (
        f"{server.url('/flaky')}: answers 500 Internal Server Error after 3 tries; failed once, answered on the last 3 checks before: "
        "a flaky server, reported unreachable (URL002) after failing on 2 of 3 checks"
    )
    assert run(server, 200) == (0, [])


def test_failing_on_two_of_the_last_three_checks_is_unreachable(server: TrapServer) -> None:
    configure(server)
    Path("ch.md").write_text(chapter([server.url("/flaky")]), encoding="utf-8")
    assert run(server, 200) == (0, [])
    assert [rule for rule, _ in run(server, 503)[1]] == ["URL010"]
    assert [rule for rule, _ in run(server, 200)[1]] == []
    code, found = run(server, 503)  # fail, fine, fail: two of the last three
    assert [rule for rule, _ in found] == ["URL002"] and code == 0
    assert "a flaky server" not in found[0][1]


def test_a_link_never_seen_answering_is_unreachable_at_its_first_failure(server: TrapServer) -> None:
    configure(server)
    Path("ch.md").write_text(chapter([server.url("/flaky")]), encoding="utf-8")
    assert [rule for rule, _ in run(server, 500)[1]] == ["URL002"]


def test_the_window_and_the_failures_are_configurable(server: TrapServer) -> None:
    configure(server, "flaky-failures = 3\nflaky-window = 4\n")
    Path("ch.md").write_text(chapter([server.url("/flaky")]), encoding="utf-8")
    assert run(server, 200) == (0, [])
    assert [rule for rule, _ in run(server, 500)[1]] == ["URL010"]
    code, found = run(server, 500)
    assert [rule for rule, _ in found] == ["URL010"]
    assert "failed 2 times in the last 4 checks, answered lately" in found[0][1]
    assert [rule for rule, _ in run(server, 500)[1]] == ["URL002"]


def test_a_flaky_verdict_is_checked_again_and_offline_shows_it(server: TrapServer) -> None:
    configure(server)
    Path("ch.md").write_text(chapter([server.url("/flaky")]), encoding="utf-8")
    run(server, 200)
    run(server, 500)
    hits = server.hits["/flaky"]
    offline = check_json("--urls", "--offline", "ch.md")[1]["diagnostics"]
    assert [d["code"] for d in offline] == ["URL010"] and server.hits["/flaky"] == hits  # sends nothing
    server.flaky_status = 200
    assert check_json("--urls", "ch.md")[1]["diagnostics"] == []  # a failure is never cached: asked again
    assert server.hits["/flaky"] == hits + 1


def test_a_warm_run_sends_nothing_and_adds_no_outcome(server: TrapServer) -> None:
    configure(server)
    Path("ch.md").write_text(chapter([server.url("/flaky")]), encoding="utf-8")
    check_json("--urls", "ch.md")
    check_json("--urls", "ch.md")
    assert server.hits["/flaky"] == 1
    with sqlite3.connect("c/verdicts.sqlite") as connection:
        (table,) = [name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'outcomes_v%'")]
        assert connection.execute(f"SELECT url, code FROM {table}").fetchall() == [(server.url("/flaky"), None)]


def test_outcome_rows_this_citelint_did_not_write_are_passed_over(server: TrapServer) -> None:
    configure(server)
    Path("ch.md").write_text(chapter([server.url("/flaky")]), encoding="utf-8")
    run(server, 500)
    with sqlite3.connect("c/verdicts.sqlite") as connection:
        (table,) = [name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'outcomes_v%'")]
        url = server.url("/flaky")
        forged = [("guarded", url, 1000.0, None), ("open", url, 9e300, None), ("open", url, "yesterday", None), ("open", url, 1.0, "URL999"), ("open", url, -5.0, None)]
        connection.executemany(f"INSERT INTO {table} VALUES (?, ?, ?, ?)", forged)
    assert [rule for rule, _ in run(server, 500)[1]] == ["URL002"]  # still never seen answering


def test_the_store_keeps_the_last_twenty_outcomes_of_a_url(tmp_path: Path) -> None:
    from citelint.urls.store import VerdictStore

    store = VerdictStore(tmp_path / "v.sqlite", lambda message: None)
    store.add_outcomes([("https://example.org/a", float(n), None if n % 2 else "URL002") for n in range(1, 31)])
    kept = store.recent_outcomes("https://example.org/a")
    assert len(kept) == 20 and kept[:3] == ["URL002", None, "URL002"]  # the latest (30, 29, 28) first
    assert store.recent_outcomes("https://example.org/a", 2) == ["URL002", None]
    assert store.connection.execute("SELECT COUNT(*) FROM outcomes_v4").fetchone() == (20,)


# -- likely never existed ----------------------------------------------------------


@pytest.mark.parametrize("mode", ["none", "unavailable"])
def test_a_dead_link_with_no_archived_copy_says_to_check_the_source_is_real(server: TrapServer, mode: str) -> None:
    configure(server)
    server.state["archive"] = mode
    Path("ch.md").write_text(chapter([server.url("/404")]), encoding="utf-8")
    code, document, _ = check_json("--urls", "--archive", "ch.md")
    ((finding),) = document["diagnostics"]
    assert finding["code"] == "URL001" and code == 1
    assert finding["message"] == f"{server.url('/404')}: answers 404 Not Found; the page is gone; {NEVER_SEEN}"
    assert "invented" not in finding["message"]


def test_a_dead_link_with_an_archived_copy_names_it_and_no_hint(server: TrapServer) -> None:
    configure(server)
    Path("ch.md").write_text(chapter([server.url("/404")]), encoding="utf-8")
    (finding,) = check_json("--urls", "--archive", "ch.md")[1]["diagnostics"]
    assert finding["message"].endswith(f"an archived copy from 2023-09-15: https://web.archive.org/web/20230915000000/{server.url('/404')}")
    assert NEVER_SEEN not in finding["message"]


@pytest.mark.parametrize("mode", ["garbage", "hostile"])
def test_an_archive_without_a_usable_answer_gives_no_hint(server: TrapServer, mode: str) -> None:
    configure(server)
    server.state["archive"] = mode
    Path("ch.md").write_text(chapter([server.url("/404")]), encoding="utf-8")
    (finding,) = check_json("--urls", "--archive", "ch.md")[1]["diagnostics"]
    assert finding["message"].endswith("; the page is gone")


def test_a_link_citelint_saw_answering_is_not_said_to_be_unreal(server: TrapServer) -> None:
    configure(server)
    server.state["archive"] = "none"
    Path("ch.md").write_text(chapter([server.url("/flaky")]), encoding="utf-8")
    assert run(server, 200) == (0, [])
    code, found = run(server, 404, "--archive")
    assert found == [("URL001", f"{server.url('/flaky')}: answers 404 Not Found; the page is gone")]


def test_a_changed_page_with_no_archived_copy_gets_no_hint(server: TrapServer) -> None:
    from urlserver import OTHER

    configure(server)
    server.state["archive"] = "none"
    Path("ch.md").write_text(chapter([server.url("/article")]), encoding="utf-8")
    check_json("--urls", "ch.md")
    server.state["article"], server.state["title"] = OTHER, "Gardening"
    (finding,) = check_json("--urls", "--archive", "--refresh", "ch.md")[1]["diagnostics"]
    assert finding["code"] == "URL005" and NEVER_SEEN not in finding["message"]


@pytest.mark.parametrize(
    ("before", "failures", "window", "code"),
    [
        ([None, None, None], 2, 3, "URL010"),
        ([None], 2, 3, "URL010"),
        (["URL006", "URL003"], 2, 3, "URL010"),  # a bot wall or a redirect answered
        ([], 2, 3, "URL002"),  # never seen: nothing to call it flaky by
        (["URL002", None], 2, 3, "URL002"),
        ([None, "URL002"], 2, 3, "URL002"),
        ([None, "URL001"], 2, 3, "URL002"),  # dead counts as failing
        ([None, None, "URL002"], 2, 3, "URL010"),  # the old failure is out of the window
        (["URL002", None], 3, 4, "URL010"),
        ([None], 1, 3, "URL002"),  # flaky-failures = 1: every failure counts
        ([None, None], 2, 1, "URL002"),  # a window of one weighs this check alone
    ],
)
def test_flaky_or_unreachable(before: list, failures: int, window: int, code: str) -> None:  # type: ignore[type-arg]
    from citelint.urls.history import flaky_or_unreachable
    from citelint.urls.store import Verdict

    verdict = Verdict("https://example.org/a", "URL002", "timed out after 10 s", checked_at=1.0)
    assert flaky_or_unreachable(verdict, before, failures, window).code == code
