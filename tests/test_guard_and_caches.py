"""The address guard and the caches in a stranger's pull request (issue 14).

A real HTTP server on 127.0.0.1, real SQLite files, real JSON entries, real
symbolic links. DNS answers come from the checker's injectable resolver, and a
policy that stands for a NAT64/6to4 translator delivers every connection it
allows to 127.0.0.1: nothing is ever sent past loopback, and a refused address
shows as a request the server never got.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
import zlib
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote

import pytest
from click.testing import CliRunner

from citelint.cli import cli as main
from citelint.config import UrlSettings
from citelint.urls.checker import CheckOptions, UrlChecker
from citelint.urls.http_cache import ENTRY_LIMIT, FORMAT
from citelint.urls.policy import AddressPolicy, HostNotFound, is_public, literal_host_refused
from urlserver import TrapServer

IGNORED = "allow-private in {} is ignored: opening the address guard takes --allow-private or CITELINT_ALLOW_PRIVATE=1"


class Server(TrapServer):
    """The trap server, whose ``/redirect-to/`` also takes a bracketed IPv6 literal
    (which the client sends percent-encoded)."""

    def handle(self, request: BaseHTTPRequestHandler, head: bool) -> None:
        if request.path.startswith("/redirect-to/"):
            self.redirect(request, 302, "http://" + unquote(request.path[len("/redirect-to/") :]))
            return
        super().handle(request, head)


@pytest.fixture
def server() -> Iterator[TrapServer]:
    with Server() as running:
        yield running


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "project" / ".git").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    monkeypatch.chdir(tmp_path / "project")
    monkeypatch.delenv("CITELINT_ALLOW_PRIVATE", raising=False)
    return tmp_path / "project"


def chapter(urls: list[str]) -> str:
    markers = " ".join(f"Claim {n}. [CITATION {n}]" for n in range(1, len(urls) + 1))
    entries = "\n".join(f'{n}. "Source {n}." Press, 2020. {url}' for n, url in enumerate(urls, start=1))
    return f"{markers}\n\n## References\n\n{entries}\n"


def check(*args: str) -> tuple[int, dict, str]:  # type: ignore[type-arg]
    result = CliRunner().invoke(main, ["check", "--format", "json", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, json.loads(result.stdout), result.stderr


def url_codes(document: dict) -> dict[str, str]:  # type: ignore[type-arg]
    return {d["message"].split(": ", 1)[0]: d["code"] for d in document["diagnostics"] if d["code"].startswith("URL")}


def files_under(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


# -- 1. IPv6 forms that embed an IPv4 address ----------------------------------

LOOPBACK_IN_DISGUISE = {
    "nat64.example": "64:ff9b::7f00:1",  # NAT64 well-known prefix, 127.0.0.1
    "nat64-local.example": "64:ff9b:1::7f00:1",  # NAT64 local-use prefix
    "compatible.example": "::7f00:1",  # IPv4-compatible ::127.0.0.1
    "translated.example": "::ffff:0:7f00:1",  # IPv4-translated ::ffff:0:127.0.0.1
    "sixtofour.example": "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "teredo.example": "2001:0:5db8:d70e:0:f:80ff:fffe",  # Teredo, client 127.0.0.1 (obfuscated)
    "mapped.example": "::ffff:7f00:1",  # IPv4-mapped, refused before too
    "metadata.example": "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
}


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("64:ff9b::7f00:1", False),
        ("64:ff9b::a00:1", False),
        ("64:ff9b::a9fe:a9fe", False),
        ("64:ff9b::6440:1", False),  # 100.64.0.1, carrier-grade NAT
        ("64:ff9b::5db8:d70e", True),  # 93.184.215.14: what NAT64 is for
        ("64:ff9b:1::7f00:1", False),
        ("64:ff9b:1::5db8:d70e", False),  # local-use: where the IPv4 address sits is the network's choice
        ("::7f00:1", False),
        ("::a00:1", False),
        ("::5db8:d70e", True),
        ("::ffff:0:7f00:1", False),
        ("::ffff:0:c0a8:101", False),
        ("::ffff:0:5db8:d70e", True),
        ("2002:7f00:1::1", False),
        ("2002:a9fe:a9fe::1", False),
        ("2002:c0a8:101:1::1", False),
        ("2002:5db8:d70e::1", True),
        ("2001:0:5db8:d70e:0:f:80ff:fffe", False),
        ("2001:0:5db8:d70e:0:f:a247:28f1", False),  # Teredo is refused whatever it embeds
        ("::ffff:7f00:1", False),
        ("::ffff:5db8:d70e", True),
        ("::1", False),
        ("::", False),
        ("2606:4700::1111", True),
    ],
)
def test_embedded_ipv4_addresses_are_judged(address: str, public: bool) -> None:
    assert is_public(address) is public


class Translator(AddressPolicy):
    """The real policy decides; what it allows is delivered to 127.0.0.1, as a NAT64
    or 6to4 gateway would deliver to the IPv4 address it embeds."""

    def checked_address(self, host: str, port: int) -> str:
        super().checked_address(host, port)
        return "127.0.0.1"


def resolver(host: str, port: int) -> list[str]:
    if ":" in host:
        return [host]  # a literal, as getaddrinfo answers it
    answers = {**LOOPBACK_IN_DISGUISE, "public.example": "93.184.215.14", "nat64-public.example": "64:ff9b::5db8:d70e"}
    if host not in answers:
        raise HostNotFound(f"the host {host} does not exist")
    return [answers[host]]


def guarded_checker(cache_dir: Path | None = None, allow_private: bool = False) -> UrlChecker:
    settings = UrlSettings(timeout=2, allow_private=allow_private)
    policy = Translator(allow_private, resolver)
    return UrlChecker(CheckOptions(settings, cache_dir, resolver=resolver, policy=policy), lambda message: None)


def test_literal_hosts_that_embed_a_refused_ipv4_address_get_no_request(server: TrapServer) -> None:
    urls = [f"http://[{address}]:{server.port}/ok" for address in LOOPBACK_IN_DISGUISE.values()]
    for address in LOOPBACK_IN_DISGUISE.values():
        assert literal_host_refused(f"[{address}]", False), address
    verdicts = guarded_checker().check(urls)
    assert {url: verdicts[url].code for url in urls} == {url: "URL004" for url in urls}
    assert sum(server.hits.values()) == 0


def test_aaaa_answers_that_embed_a_refused_ipv4_address_get_no_request(server: TrapServer) -> None:
    urls = [f"http://{host}:{server.port}/ok" for host in LOOPBACK_IN_DISGUISE]
    control = f"http://nat64-public.example:{server.port}/ok"
    verdicts = guarded_checker().check([*urls, control])
    assert {url: verdicts[url].code for url in urls} == {url: "URL004" for url in urls}
    assert verdicts[control].code is None  # a public address behind NAT64 is checked
    assert server.hits["/ok"] == 1


@pytest.mark.parametrize("target", [*LOOPBACK_IN_DISGUISE, *(f"[{a}]" for a in LOOPBACK_IN_DISGUISE.values())])
@pytest.mark.slow
def test_redirect_hops_that_embed_a_refused_ipv4_address_are_not_followed(server: TrapServer, target: str) -> None:
    path = f"/redirect-to/{target}:{server.port}/ok"
    url = f"http://public.example:{server.port}{path}"
    verdicts = guarded_checker().check([url])
    assert verdicts[url].code == "URL004", verdicts[url]
    assert sum(server.hits.values()) == 1 and server.hits["/ok"] == 0  # the first hop only


# -- 2. configuration may only narrow what is fetched -----------------------------


@pytest.mark.parametrize(("name", "table"), [(".citelint.toml", "urls"), ("pyproject.toml", "tool.citelint.urls")])
def test_a_configuration_file_cannot_open_the_guard(server: TrapServer, workdir: Path, name: str, table: str) -> None:
    Path(name).write_text(f'[{table}]\nallow-private = true\ncache-dir = "c"\n', encoding="utf-8")
    Path("ch.md").write_text(chapter([server.url("/ok")]), encoding="utf-8")
    code, document, err = check("--urls", "ch.md")
    assert url_codes(document) == {server.url("/ok"): "URL004"} and code == 0
    assert sum(server.hits.values()) == 0
    assert err == f"citelint: warning: [{table}] {IGNORED.format(name)}\n"


def test_allow_private_false_in_a_file_is_accepted_quietly(server: TrapServer, workdir: Path) -> None:
    Path(".citelint.toml").write_text('[urls]\nallow-private = false\ncache-dir = "c"\n', encoding="utf-8")
    Path("ch.md").write_text(chapter([server.url("/ok")]), encoding="utf-8")
    code, document, err = check("--urls", "ch.md")
    assert url_codes(document) == {server.url("/ok"): "URL004"} and err == ""


def test_the_flag_or_the_environment_opens_the_guard_and_no_allow_private_closes_it(
    server: TrapServer, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Path("ch.md").write_text(chapter([server.url("/ok")]), encoding="utf-8")
    assert url_codes(check("--urls", "--cache-dir", "c1", "ch.md")[1]) == {server.url("/ok"): "URL004"}
    assert url_codes(check("--urls", "--allow-private", "--cache-dir", "c2", "ch.md")[1]) == {}
    assert server.hits["/ok"] == 1
    monkeypatch.setenv("CITELINT_ALLOW_PRIVATE", "1")
    assert url_codes(check("--urls", "--cache-dir", "c3", "ch.md")[1]) == {}
    assert server.hits["/ok"] == 2
    code, document, err = check("--urls", "--no-allow-private", "--cache-dir", "c4", "ch.md")
    assert url_codes(document) == {server.url("/ok"): "URL004"} and err == ""
    assert server.hits["/ok"] == 2


@pytest.mark.parametrize("value", ["true", "yes", "2"])
def test_the_environment_opens_the_guard_only_with_1(server: TrapServer, workdir: Path, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CITELINT_ALLOW_PRIVATE", value)
    Path("ch.md").write_text(chapter([server.url("/ok")]), encoding="utf-8")
    code, document, err = check("--urls", "--cache-dir", "c", "ch.md")
    assert url_codes(document) == {server.url("/ok"): "URL004"} and sum(server.hits.values()) == 0
    assert err == f"citelint: warning: CITELINT_ALLOW_PRIVATE={value} is not 1; the address guard stays closed\n"
    monkeypatch.setenv("CITELINT_ALLOW_PRIVATE", "0")
    assert check("--urls", "--cache-dir", "c", "ch.md")[2] == ""


# -- 3. cached verdicts are tied to the policy, and validated ----------------------


def verdict_tables(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'verdicts%'").fetchall()
    return [name for (name,) in rows]


def tamper(path: Path, assignment: str, *values: object) -> None:
    with sqlite3.connect(path) as connection:
        for table in verdict_tables(path):
            connection.execute(f"UPDATE {table} SET {assignment}", values)


def test_a_verdict_of_an_open_run_is_not_served_to_a_guarded_run(server: TrapServer, workdir: Path) -> None:
    url = f"http://intranet.example:{server.port}/ok"
    LOOPBACK_IN_DISGUISE["intranet.example"] = "127.0.0.1"
    try:
        assert guarded_checker(workdir / "cache", allow_private=True).check([url])[url].code is None
        assert server.hits["/ok"] == 1
        verdict = guarded_checker(workdir / "cache").check([url])[url]
        assert verdict.code == "URL004" and server.hits["/ok"] == 1
        # and the open run's verdict is still there for the next open run
        assert guarded_checker(workdir / "cache", allow_private=True).check([url])[url].code is None
        assert server.hits["/ok"] == 1
    finally:
        del LOOPBACK_IN_DISGUISE["intranet.example"]


def test_a_committed_verdict_that_never_expires_is_not_trusted(server: TrapServer, workdir: Path) -> None:
    Path("ch.md").write_text(chapter([server.url("/404")]), encoding="utf-8")
    assert url_codes(check("--urls", "--allow-private", "--cache-dir", "cache", "ch.md")[1]) == {server.url("/404"): "URL001"}
    tamper(workdir / "cache" / "verdicts.sqlite", "code = NULL, detail = 'fine', expires_at = 1e300")
    code, document, err = check("--urls", "--allow-private", "--cache-dir", "cache", "ch.md")
    assert url_codes(document) == {server.url("/404"): "URL001"} and code == 1
    assert server.hits["/404"] == 2


# -- 5. cache entries with unexpected values are misses ----------------------------


@pytest.mark.parametrize(
    "assignment",
    [
        "code = 'URL999'",
        "code = 'URL099'",  # a newer citelint's code
        "code = 42",
        "status = 'abc'",
        "status = 99999",
        "expires_at = 'soon'",
        "checked_at = 'then'",
        "expires_at = 1e999",  # inf
        "detail = x'00ff'",
        "final_url = x'00'",
        "content_type = x'ff'",
    ],
)
@pytest.mark.slow
def test_verdict_rows_with_unexpected_values_are_misses(server: TrapServer, workdir: Path, assignment: str) -> None:
    Path("ch.md").write_text(chapter([server.url("/ok"), server.url("/404")]), encoding="utf-8")
    args = ("--urls", "--allow-private", "--cache-dir", "cache", "ch.md")
    assert url_codes(check(*args)[1]) == {server.url("/404"): "URL001"}
    with sqlite3.connect(workdir / "cache" / "verdicts.sqlite") as connection:  # make every row fresh, then spoil it
        for table in verdict_tables(workdir / "cache" / "verdicts.sqlite"):
            connection.execute(f"UPDATE {table} SET expires_at = ?", (time.time() + 3600,))
    tamper(workdir / "cache" / "verdicts.sqlite", assignment)
    code, document, err = check(*args)
    assert url_codes(document) == {server.url("/404"): "URL001"} and code == 1, err
    assert "Traceback" not in err and "internal error" not in err
    with sqlite3.connect(workdir / "cache" / "verdicts.sqlite") as connection:  # the bad row was a miss, checked again and replaced
        for table in verdict_tables(workdir / "cache" / "verdicts.sqlite"):
            assert connection.execute(f"SELECT COUNT(*) FROM {table} WHERE {assignment}").fetchone() == (0,)


def test_a_snapshot_row_with_unexpected_values_is_no_snapshot(server: TrapServer, workdir: Path) -> None:
    Path("ch.md").write_text(chapter([server.url("/article")]), encoding="utf-8")
    args = ("--urls", "--allow-private", "--refresh", "--cache-dir", "cache", "ch.md")
    assert url_codes(check(*args)[1]) == {}
    with sqlite3.connect(workdir / "cache" / "verdicts.sqlite") as connection:
        connection.execute("UPDATE snapshots SET taken_at = 'yesterday'")
    code, document, err = check(*args)
    assert url_codes(document) == {} and code == 0 and err == ""



class RunsWhenRead:
    """Pickled, a call of ``os.mkdir``: what a pickle in a cache entry runs when it is read."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.mkdir, (str(self.folder),)


def committed_http_cache(path: Path, entries: dict[str, bytes]) -> None:
    """An HTTP cache made by hand, as a pull request can commit one: the tables
    requests-cache makes, each entry under the key citelint asks for its URL."""
    import requests

    from citelint.urls.http import _cache_key

    path.parent.mkdir()
    with sqlite3.connect(path) as connection:
        for table in ("responses", "redirects"):
            connection.execute(f"CREATE TABLE {table} (key TEXT PRIMARY KEY, value BLOB, expires INTEGER)")
        for url, value in entries.items():
            key = _cache_key(requests.Request("GET", url).prepare())
            connection.execute("INSERT INTO responses VALUES (?, ?, ?)", (key, value, int(time.time()) + 3600))


def test_a_committed_http_cache_entry_is_read_as_data_never_run(server: TrapServer, workdir: Path) -> None:
    """requests-cache's default format is pickle: reading an entry ran whatever it
    named (here it makes a folder; it could have been any command of the CI job).
    An entry is now JSON and a body: a pickle is a miss, and the link is checked."""
    import pickle

    ran = workdir / "ran"
    committed_http_cache(workdir / "cache" / "http-cache.sqlite", {server.url("/ok"): pickle.dumps(RunsWhenRead(ran))})
    Path("ch.md").write_text(chapter([server.url("/ok")]), encoding="utf-8")
    code, document, err = check("--urls", "--allow-private", "--cache-dir", "cache", "ch.md")
    assert not ran.exists()
    assert url_codes(document) == {} and code == 0 and err == ""
    assert server.hits["/ok"] == 1  # a miss: asked of the server


def entry_of(payload: bytes) -> bytes:
    """An entry in this citelint's format around ``payload`` (fields, a newline, a body)."""
    return FORMAT + zlib.compress(payload)


@pytest.mark.parametrize(
    "entry",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"\x80\x04not a pickle either", id="pickle"),
        pytest.param(FORMAT + b"not compressed", id="not-compressed"),
        pytest.param(entry_of(b""), id="no-body"),
        pytest.param(entry_of(b"[1, 2]\nbody"), id="fields-not-a-table"),
        pytest.param(entry_of(b"[" * 100_000 + b"\nbody"), id="nested-past-the-stack"),
        pytest.param(entry_of(b'{"_next": {"$bytes": 7}}\nbody'), id="bytes-not-text"),
        pytest.param(entry_of(b'{"status_code": "two hundred"}\nbody'), id="not-a-response"),
        pytest.param(entry_of(b'{"status_code": 200}\nbody')[:-3], id="cut-short"),
        pytest.param(entry_of(b'{"status_code": 200}\n' + bytes(ENTRY_LIMIT)), id="zlib-bomb"),  # 3 KB decompressing past any entry citelint writes
    ],
)
def test_a_committed_http_cache_entry_that_is_not_one_is_a_miss(entry: bytes) -> None:
    from citelint.urls.http import _unpacked_response

    with pytest.raises(ValueError):
        _unpacked_response(entry)


CHAPTER = 'A. [CITATION 1] B. [CITATION 3] C [CITATION 2].\n\n## References\n\n1. "A." P, 2020. https://e.com/a\n2. "B." P. https://e.com/b\n3. "C." P, 2022.\n'


def spoil_entries(spoil: object) -> None:
    """Spoil every entry of the result cache's index: its content hash and findings
    as ``spoil`` returns them, or the whole entry when ``spoil`` changes its shape."""
    (path,) = Path(".citelint-cache/lint").glob("index-*.json")
    index = json.loads(path.read_text(encoding="utf-8"))
    for name, entry in index["files"].items():
        entry[2] = True  # trusted by its status: what it holds decides
        spoiled = spoil(entry[1], entry[4])  # type: ignore[operator]
        if isinstance(spoiled, list) and len(spoiled) == 2:
            entry[1], entry[4] = spoiled
        else:
            index["files"][name] = spoiled
    path.write_text(json.dumps(index), encoding="utf-8")


def with_item(index: int, value: object) -> object:
    return lambda content, items: [content, [item[:index] + [value] + item[index + 1 :] for item in items]]


@pytest.mark.parametrize(
    "spoil",
    [
        with_item(3, "x"),  # a line that is not a number
        with_item(3, 1.5),
        with_item(3, True),
        with_item(3, -4),
        with_item(4, None),
        with_item(0, 7),
        with_item(0, "cit-1"),
        with_item(1, ["a"]),
        with_item(7, {"a": 1}),
        with_item(8, ["desc", [[1, 2, 3]]]),
        with_item(8, ["desc", [[1, 1, 1, "x", "y"]]]),
        with_item(8, 5),
        with_item(9, "many"),
        lambda content, items: [content, [item[:-1] for item in items]],
        lambda content, items: [content, [item + [1] for item in items]],
        lambda content, items: [content, {"a": 1}],
        lambda content, items: [content, items, 1],
        lambda content, items: {"content": content},
    ],
)
def test_result_cache_entries_with_unexpected_values_are_misses(workdir: Path, spoil: object) -> None:
    Path("ch.md").write_text(CHAPTER, encoding="utf-8")
    first = CliRunner().invoke(main, ["check", "--format", "json", "ch.md"])
    spoil_entries(spoil)
    for output in ("json", "sarif", "text", "github"):
        again = CliRunner().invoke(main, ["check", "--format", output, "ch.md"])
        assert again.exception is None or isinstance(again.exception, SystemExit), again.exception
        assert again.exit_code == 1 and again.stderr == ""
    assert CliRunner().invoke(main, ["check", "--format", "json", "ch.md"]).stdout == first.stdout


# -- 4. no writing through symbolic links in the cache folder -----------------------


def test_a_result_cache_folder_that_is_a_link_is_not_written_through(workdir: Path) -> None:
    outside = workdir.parent / "outside"
    os.symlink(outside, ".citelint-cache")
    Path("ch.md").write_text(CHAPTER, encoding="utf-8")
    code, document, err = check("ch.md")
    assert code == 1 and document["diagnostics"]
    assert err.count("citelint: warning:") == 1 and "symbolic link" in err, err
    assert files_under(outside) == []
    check("ch.md")
    assert files_under(outside) == []


def test_a_result_cache_subfolder_that_is_a_link_is_not_written_through(workdir: Path) -> None:
    outside = workdir.parent / "outside"
    Path("ch.md").write_text(CHAPTER, encoding="utf-8")
    check("ch.md")
    folder = Path(".citelint-cache/lint")
    for path in sorted(folder.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    folder.rmdir()
    os.symlink(outside, folder)
    Path("ch.md").write_text(CHAPTER + "\nMore.\n", encoding="utf-8")  # a miss: an entry to write
    code, document, err = check("ch.md")
    assert code == 1 and err.count("citelint: warning:") == 1 and "symbolic link" in err, err
    assert files_under(outside) == []


def test_a_result_cache_index_that_is_a_link_is_replaced_not_written_through(workdir: Path) -> None:
    outside = workdir.parent / "outside"
    (outside / "victim.json").write_text("precious", encoding="utf-8")
    Path("ch.md").write_text(CHAPTER, encoding="utf-8")
    check("ch.md")
    (entry,) = Path(".citelint-cache/lint").rglob("*.json")
    entry.unlink()
    os.symlink(outside / "victim.json", entry)
    Path("ch.md").write_text(CHAPTER + "\nMore.\n", encoding="utf-8")
    check("ch.md")
    assert (outside / "victim.json").read_text(encoding="utf-8") == "precious"


def test_a_url_cache_folder_that_is_a_link_is_not_written_through(server: TrapServer, workdir: Path) -> None:
    outside = workdir.parent / "outside"
    os.symlink(outside, "cache")
    Path("ch.md").write_text(chapter([server.url("/ok"), server.url("/404")]), encoding="utf-8")
    code, document, err = check("--urls", "--allow-private", "--cache-dir", "cache", "ch.md")
    assert url_codes(document) == {server.url("/404"): "URL001"} and code == 1
    assert "symbolic link" in err and "Traceback" not in err
    assert files_under(outside) == []


@pytest.mark.parametrize(
    "name",
    [
        "verdicts.sqlite",
        "verdicts.sqlite-wal",
        "verdicts.sqlite-shm",
        "verdicts.sqlite-journal",
        "http-cache.sqlite",
        "http-cache.sqlite-wal",
        "http-cache.sqlite-shm",
        ".gitignore",
        "CACHEDIR.TAG",
    ],
)
@pytest.mark.parametrize("dangling", [True, False])
@pytest.mark.slow
def test_url_cache_files_that_are_links_are_not_written_through(server: TrapServer, workdir: Path, name: str, dangling: bool) -> None:
    outside = workdir.parent / "outside"
    target = outside / "foreign"
    if not dangling:
        target.write_bytes(b"")
    Path("cache").mkdir()
    os.symlink(target, Path("cache") / name)
    Path("ch.md").write_text(chapter([server.url("/ok"), server.url("/404")]), encoding="utf-8")
    code, document, err = check("--urls", "--allow-private", "--cache-dir", "cache", "ch.md")
    assert url_codes(document) == {server.url("/404"): "URL001"} and code == 1
    assert "symbolic link" in err and "Traceback" not in err, err
    assert files_under(outside) == ([] if dangling else ["foreign"])
    assert dangling or target.read_bytes() == b""


def test_a_response_cached_by_an_open_run_is_not_a_guarded_runs_redirect_hop(server: TrapServer, workdir: Path) -> None:
    """The HTTP cache answers a redirect hop without connecting: the guard, which sits
    on the connection, must still judge every hop's host."""
    private = f"http://intranet.example:{server.port}/ok"
    hop = f"http://public.example:{server.port}/redirect-to/intranet.example:{server.port}/ok"
    LOOPBACK_IN_DISGUISE["intranet.example"] = "127.0.0.1"
    try:
        assert guarded_checker(workdir / "cache", allow_private=True).check([private])[private].code is None
        verdict = guarded_checker(workdir / "cache").check([hop])[hop]
    finally:
        del LOOPBACK_IN_DISGUISE["intranet.example"]
    assert verdict.code == "URL004", verdict
    assert server.hits["/ok"] == 1


def test_verdicts_of_another_format_in_the_same_file_are_left_alone(server: TrapServer, workdir: Path) -> None:
    """Format 1 kept verdicts by URL alone in the table "verdicts": a version sharing the
    cache keeps reading its own rows, and this one never serves them."""
    Path("cache").mkdir()
    with sqlite3.connect("cache/verdicts.sqlite") as connection:
        connection.execute(
            "CREATE TABLE verdicts (url TEXT PRIMARY KEY, code TEXT, status INTEGER, detail TEXT NOT NULL, "
            "final_url TEXT, content_type TEXT, checked_at REAL NOT NULL, expires_at REAL NOT NULL)"
        )
        connection.execute("INSERT INTO verdicts VALUES (?, NULL, 200, 'fine', NULL, NULL, ?, ?)", (server.url("/404"), time.time(), time.time() + 60))
    Path("ch.md").write_text(chapter([server.url("/404")]), encoding="utf-8")
    code, document, err = check("--urls", "--allow-private", "--cache-dir", "cache", "ch.md")
    assert url_codes(document) == {server.url("/404"): "URL001"} and server.hits["/404"] == 1 and err == ""
    with sqlite3.connect("cache/verdicts.sqlite") as connection:
        assert connection.execute("SELECT code, detail FROM verdicts").fetchall() == [(None, "fine")]
