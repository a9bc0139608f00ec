"""A real headless Chromium for the tests, driven over the DevTools protocol.

The protocol runs over a pipe (``--remote-debugging-pipe``: file descriptors 3
and 4 of the browser, JSON messages ending in a NUL byte), so no port is
opened and nothing but the standard library is needed. The browser is the
machine's (Debian's ``chromium``; ``tests/install-browser.sh`` installs it),
or the one ``CITELINT_TEST_BROWSER`` names. It runs with a new empty profile
and without the background networking that would reach outside the machine.
"""

from __future__ import annotations

import base64
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any, Optional

BROWSER_VARIABLE = "CITELINT_TEST_BROWSER"
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--remote-debugging-pipe",
)
TIMEOUT_S = 30.0


def find_browser() -> str:
    """The browser to run, or an AssertionError saying how to get one (a test that
    needs it fails rather than skips)."""
    named = os.environ.get(BROWSER_VARIABLE)
    if named:
        return named
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise AssertionError(
        "no Chromium found: run `sh tests/install-browser.sh` (Debian's chromium package), "
        f"or set {BROWSER_VARIABLE} to a Chromium or Chrome executable"
    )


class Browser:
    """One headless browser and one page in it."""

    def __init__(self) -> None:
        self.profile = tempfile.mkdtemp(prefix="citelint-chromium-")
        to_browser_read, to_browser_write = os.pipe()
        from_browser_read, from_browser_write = os.pipe()
        # Move the child's ends above 3 and 4 first, so that placing them there clobbers neither.
        child_read, child_write = (os.dup(fd) for fd in (to_browser_read, from_browser_write))
        high_read, high_write = _above(child_read, 10), _above(child_write, 11)
        # A small Python puts the pipes at 3 and 4 and runs the browser in its place
        # (no preexec_fn: this process has threads, a test's HTTP server among them).
        place = (
            f"import os, sys; os.dup2({high_read}, 3); os.dup2({high_write}, 4); "
            f"os.close({high_read}); os.close({high_write}); os.execvp(sys.argv[1], sys.argv[1:])"
        )
        self.process = subprocess.Popen(
            [sys.executable, "-c", place, find_browser(), *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=None if os.environ.get("CITELINT_TEST_BROWSER_LOG") else subprocess.DEVNULL,
            pass_fds=(high_read, high_write),
        )
        for fd in (to_browser_read, from_browser_write, high_read, high_write):
            os.close(fd)
        self._out = os.fdopen(to_browser_write, "wb")
        self._in = os.fdopen(from_browser_read, "rb")
        self._next_id = 0
        self._replies: dict[int, dict[str, Any]] = {}
        self._messages: "queue.Queue[Optional[dict[str, Any]]]" = queue.Queue()
        self.events: list[dict[str, Any]] = []
        threading.Thread(target=self._read, daemon=True).start()
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", session=True)

    def _read(self) -> None:
        buffer = b""
        while True:
            chunk = self._in.read1(1 << 16)
            if not chunk:
                self._messages.put(None)
                return
            buffer += chunk
            while b"\0" in buffer:
                message, buffer = buffer.split(b"\0", 1)
                self._messages.put(json.loads(message))

    def call(self, method: str, params: Optional[dict[str, Any]] = None, session: bool = False) -> dict[str, Any]:
        """Send one command and wait for its answer (events that come meanwhile are kept)."""
        self._next_id += 1
        command: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            command["sessionId"] = self.session
        self._out.write(json.dumps(command).encode() + b"\0")
        self._out.flush()
        reply = self._wait(lambda message: message.get("id") == command["id"])
        if "error" in reply:
            raise AssertionError(f"{method} failed: {reply['error']}")
        return reply.get("result", {})  # type: ignore[no-any-return]

    def _wait(self, wanted: Any, timeout: float = TIMEOUT_S) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("the browser did not answer in time")
            try:
                message = self._messages.get(timeout=left)
            except queue.Empty:
                continue
            if message is None:
                raise AssertionError("the browser closed its pipe")
            if "method" in message:
                self.events.append(message)
            if wanted(message):
                return message

    def open(self, url: str, width: int = 1366, height: int = 768) -> None:
        """Load ``url`` in a window of a laptop's size and wait for its load event."""
        self.call("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session=True)
        self.call("Page.navigate", {"url": url}, session=True)
        self._wait(lambda message: message.get("method") == "Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (run by the protocol: the
        page's own policy forbids scripts)."""
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=True)
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression!r} raised: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: str, full_page: bool = False) -> bytes:
        params: dict[str, Any] = {"format": "png", "captureBeyondViewport": full_page}
        data = base64.b64decode(self.call("Page.captureScreenshot", params, session=True)["data"])
        with open(path, "wb") as out:
            out.write(data)
        return data

    def pdf(self) -> bytes:
        """The page printed (A4), as the browser's print to PDF makes it."""
        params = {"paperWidth": 8.27, "paperHeight": 11.69, "printBackground": True}
        return base64.b64decode(self.call("Page.printToPDF", params, session=True)["data"])

    def problems(self) -> list[str]:
        """What the page reported going wrong: exceptions, console errors, log
        errors (a load the page's policy blocked is one), failed loads."""
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append(f"exception: {params['exceptionDetails'].get('text')}")
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(f"console: {params.get('args')}")
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                found.append(f"log: {params['entry'].get('text')} {params['entry'].get('url', '')}")
            elif method == "Network.loadingFailed":
                found.append(f"load failed: {params.get('errorText')}")
        return found

    def requested(self) -> list[str]:
        """Every URL the page asked for."""
        return [event["params"]["request"]["url"] for event in self.events if event.get("method") == "Network.requestWillBeSent"]

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except (AssertionError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for stream in (self._out, self._in):
            try:
                stream.close()
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> "Browser":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _above(fd: int, lowest: int) -> int:
    """``fd`` duplicated to a number at least ``lowest`` (the original closed)."""
    import fcntl

    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, lowest)
    os.close(fd)
    return moved
