"""``citelint check --watch`` (the writer's fallback without an LSP editor): a real
process watching a real folder, a chapter saved, its new findings printed. Waits
are for lines of output, with generous timeouts; nothing is timed."""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

import pytest

ROOT = Path(__file__).resolve().parent.parent
WAIT = 60.0


def _lines(stream: IO[str], into: "queue.Queue[str]") -> None:
    for line in stream:
        into.put(line)


def _wait_for(lines: "queue.Queue[str]", text: str) -> list[str]:
    seen: list[str] = []
    while not any(text in line for line in seen):
        seen.append(lines.get(timeout=WAIT))
    return seen


@pytest.mark.slow
def test_watch_checks_a_chapter_again_when_it_is_saved(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    book = tmp_path / "book"
    book.mkdir()
    chapter = book / "chapter-38.md"
    chapter.write_text((ROOT / "manuscript" / "chapter-38.md").read_text(encoding="utf-8"), encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "citelint", "check", "--watch", "book"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    out: "queue.Queue[str]" = queue.Queue()
    err: "queue.Queue[str]" = queue.Queue()
    for stream, into in ((process.stdout, out), (process.stderr, err)):
        threading.Thread(target=_lines, args=(stream, into), daemon=True).start()
    try:
        assert any("CIT003" in line for line in _wait_for(out, "Found 1 problem"))
        _wait_for(err, "watching for changes")
        (book / "notes.txt").write_text("not a chapter here\n", encoding="utf-8")  # not an extension the walk finds
        chapter.write_text(chapter.read_text(encoding="utf-8").replace("[CITATION 4]", "[CITATION 3]"), encoding="utf-8")
        again = _wait_for(out, "Found 1 problem")
        assert any("chapter-38.md:22:1: CIT002 reference 4 is never cited" in line for line in again), again
        assert not any("notes.txt" in line for line in again)
        assert process.poll() is None  # still watching
    finally:
        process.terminate()
        process.wait(timeout=WAIT)


def test_watch_without_watchfiles_says_how_to_install_it_and_exits_2(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "a.md").write_text("Nothing cited.\n", encoding="utf-8")
    code = "import sys\nsys.modules['watchfiles'] = None\nfrom citelint.cli import main\nmain(['check', '--watch', 'a.md'])\n"
    ran = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert ran.returncode == 2
    assert ran.stderr.strip().splitlines() == ['citelint: error: citelint check --watch needs the watch extra: pip install ".[watch]" in your citelint checkout']
