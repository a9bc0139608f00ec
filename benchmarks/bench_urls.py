"""URL checking benchmark: 500 URLs on a local server with 100 ms latency.

    python benchmarks/bench_urls.py [--urls 500] [--latency 0.1]

Compared in the same run with a plain sequential ``requests`` loop, a 16-thread
``requests`` pool (citelint's default concurrency), and the ideal
``N x latency / concurrency``; then a warm run in which every verdict is fresh
(target: under 0.5 s for the whole process, no request sent). The server runs
on 127.0.0.1 only. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PAGE = b"<html><head><title>Source</title></head><body><p>" + b"Reference text. " * 200 + b"</p></body></html>"


def serve(latency: float, address: str, hits: list[int]) -> ThreadingHTTPServer:

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # As production servers do: without it, a kept-alive connection waits out the
        # client's 40 ms delayed ACK between the header and body writes.
        disable_nagle_algorithm = True

        def log_message(self, *args: object) -> None:
            pass

        def reply(self, body: bool) -> None:
            hits[0] += 1
            time.sleep(latency)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(PAGE)))
            self.end_headers()
            if body:
                self.wfile.write(PAGE)

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
    arguments = parser.parse_args()
    hits = [0]
    servers = [serve(arguments.latency, f"127.0.0.{n}", hits) for n in range(1, arguments.hosts + 1)]
    urls = [
        f"http://{servers[n % len(servers)].server_address[0]}:{servers[n % len(servers)].server_address[1]}/page/{n}"
        for n in range(arguments.urls)
    ]
    work = Path(tempfile.mkdtemp(prefix="citelint-urlbench-"))
    chapter = write_book(work, urls)
    script = Path(sys.executable).with_name("citelint")
    citelint = [str(script)] if script.exists() else [sys.executable, "-m", "citelint"]
    command = [*citelint, "check", "--urls", "--allow-private", "--format", "json", str(chapter)]
    ideal = arguments.urls * arguments.latency / arguments.workers
    print(
        f"{arguments.urls} URLs on {arguments.hosts} hosts, {arguments.latency * 1000:.0f} ms latency, "
        f"{arguments.workers} workers (at most 4 per host); ideal {ideal:.2f} s\n"
    )

    import requests

    session = requests.Session()
    sample = urls[: min(50, len(urls))]
    started = time.perf_counter()
    for url in sample:
        session.get(url, timeout=10)
    sequential = (time.perf_counter() - started) * len(urls) / len(sample)
    print(f"{'sequential requests loop':<36} {sequential:7.2f} s (extrapolated from {len(sample)} URLs)")

    started = time.perf_counter()
    with ThreadPoolExecutor(arguments.workers) as pool:
        list(pool.map(lambda url: requests.get(url, timeout=10).status_code, urls))
    pooled = time.perf_counter() - started
    print(f"{f'{arguments.workers}-thread requests pool':<36} {pooled:7.2f} s   ratio to ideal {pooled / ideal:5.2f}")

    shutil.rmtree(work / ".citelint-cache", ignore_errors=True)
    before = hits[0]
    started = time.perf_counter()
    subprocess.run(command, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    cold = time.perf_counter() - started
    print(f"{'citelint cold (empty cache)':<36} {cold:7.2f} s   ratio to ideal {cold / ideal:5.2f} (target <= 1.3), {hits[0] - before} requests")

    before = hits[0]
    started = time.perf_counter()
    subprocess.run(command, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    warm = time.perf_counter() - started
    print(f"{'citelint warm (every verdict fresh)':<36} {warm:7.2f} s   (target < 0.5 s), {hits[0] - before} requests")
    for server in servers:
        server.shutdown()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
