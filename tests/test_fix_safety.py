"""``citelint fix`` never loses a byte: as an editor filter, as root, when
interrupted, and when the chapter is written to while it is being replaced.

Everything runs as it would for a writer: real subprocesses, real pipes, real
signals, real files. Where a test must act in the middle of a write, the child
is started through ``HARNESS``, which makes one system call (``os.fsync`` or
``os.replace``) wait for the test's word: the moment is deterministic, never a
race against a sleep.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import NamedTuple, Optional

import pytest

from citelint.files import MAX_FILE_BYTES
from citelint import fix_text
from helpers import refs

OUT_OF_ORDER = "A [CITATION 2] B [CITATION 1]\n" + refs(("1. ", "2. "))
IN_ORDER = "A [CITATION 1] B [CITATION 2]\n" + refs(("1. ", "2. "))
CITES_NOTHING_LISTED = "A [CITATION 9] B [CITATION 2] C [CITATION 1]\n" + refs(("1. ", "2. "))  # out of order, and 9 has no entry
TEMP_NAME = re.compile(r"\.citelint-\d+-[a-z0-9_]{8}\.tmp")

# A child that runs citelint with one system call held until the test says go.
HARNESS = """
import os, signal, sys
from citelint.cli import main
# As a terminal starts it: a test run from a background job inherits SIGINT ignored,
# and Python then installs no KeyboardInterrupt handler at all.
signal.signal(signal.SIGINT, signal.default_int_handler)
ready, go = int(os.environ["TEST_READY_FD"]), int(os.environ["TEST_GO_FD"])
name = os.environ["TEST_PAUSE_IN"]
real = getattr(os, name)
def paused(*args):
    setattr(os, name, real)  # only the first call waits
    if name == "replace":
        os.write(ready, b"r"); os.read(go, 1)
        return real(*args)
    result = real(*args)
    os.write(ready, b"r"); os.read(go, 1)
    return result
setattr(os, name, paused)
main(sys.argv[1:], prog_name="citelint")
"""


# Runs a command and writes its peak memory (KiB) to a file: measured from a small
# parent, since a child forked from the test process starts with the test's memory.
PEAK = (
    "import resource, subprocess, sys; code = subprocess.call(sys.argv[2:]); "
    "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)); sys.exit(code)"
)


class Finished(NamedTuple):
    code: int
    out: bytes
    err: str


def citelint(*args: str, data: bytes = b"", cwd: Optional[Path] = None, peak_to: Optional[Path] = None) -> Finished:
    """Run ``python -m citelint`` with ``data`` on standard input, as an editor
    runs a filter; the pipes are fed and drained by threads (a 17 MiB input fills
    any pipe). With ``peak_to``, the child's peak memory is written there."""
    measure = [sys.executable, "-c", PEAK, str(peak_to)] if peak_to else []
    child = subprocess.Popen(
        [*measure, sys.executable, "-m", "citelint", *args],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd,
    )
    out: dict[str, bytes] = {}

    def drain(name: str) -> None:
        out[name] = getattr(child, name).read()

    def feed() -> None:
        try:
            assert child.stdin is not None
            child.stdin.write(data)
            child.stdin.close()
        except BrokenPipeError:  # the child stopped reading: the comparison below tells
            pass

    threads = [threading.Thread(target=drain, args=(name,)) for name in ("stdout", "stderr")]
    threads.append(threading.Thread(target=feed))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
        assert not thread.is_alive(), "citelint did not finish"
    child.wait(timeout=60)
    return Finished(child.returncode, out["stdout"], out["stderr"].decode("utf-8", "replace"))


# -- 2. `fix -` as an editor filter (`:%!citelint fix -`) -----------------------

UNREADABLE = {
    "NUL byte": (b"A [CITATION 2]\x00 B [CITATION 1]\n", "looks like a binary file"),
    "invalid UTF-8": (b"caf\xe9 [CITATION 2] [CITATION 1]\n", "is not valid UTF-8"),
    "UTF-16": ("\ufeffA [CITATION 2]\n".encode("utf-16-le"), "is UTF-16 encoded"),
    "UTF-32": ("\ufeffA [CITATION 2]\n".encode("utf-32-le"), "is UTF-32 encoded"),
    "over the size limit": (b"A [CITATION 2] B [CITATION 1].\n" * (MAX_FILE_BYTES // 31 + 4096), "is larger than 16 MiB"),
}


@pytest.mark.parametrize("shape", list(UNREADABLE))
def test_fix_as_a_filter_gives_back_input_it_cannot_read(tmp_path: Path, shape: str) -> None:
    """The editor replaces the buffer with whatever comes out: the input, byte for
    byte, with exit code 2 and the reason in one line on standard error."""
    data, reason = UNREADABLE[shape]
    run = citelint("fix", "-", data=data, cwd=tmp_path)
    assert run.out == data
    assert run.code == 2
    assert run.err.startswith("citelint: error: -: ") and reason in run.err and run.err.count("\n") == 1, run.err


def test_a_huge_input_streams_through_in_bounded_memory(tmp_path: Path) -> None:
    """Five times the size limit comes back whole, and the child never holds it:
    past the limit the rest is copied in blocks."""
    data = b"x" * 80 + b"\n"
    data *= (5 * MAX_FILE_BYTES) // len(data)
    run = citelint("fix", "-", data=data, cwd=tmp_path, peak_to=tmp_path / "peak")
    assert run.code == 2 and len(run.out) == len(data) and run.out == data
    peak_kib = int((tmp_path / "peak").read_text())
    assert peak_kib * 1024 < 3 * MAX_FILE_BYTES, peak_kib  # the input is 5 x the limit


@pytest.mark.parametrize(
    "text, code, err",
    [
        (IN_ORDER, 0, ""),
        (CITES_NOTHING_LISTED, 1, "-: not fixed: reference 9 is cited but not in the reference list\n"),
    ],
    ids=["nothing to fix", "refused"],
)
def test_fix_as_a_filter_gives_back_text_it_does_not_fix(tmp_path: Path, text: str, code: int, err: str) -> None:
    data = text.replace("\n", "\r\n").encode("utf-8")
    run = citelint("fix", "-", data=b"\xef\xbb\xbf" + data, cwd=tmp_path)
    assert (run.code, run.out, run.err) == (code, b"\xef\xbb\xbf" + data, err)


def test_fix_as_a_filter_gives_the_fixed_text(tmp_path: Path) -> None:
    run = citelint("fix", "-", data=OUT_OF_ORDER.encode("utf-8"), cwd=tmp_path)
    assert run.code == 0 and run.out == fix_text(OUT_OF_ORDER).text.encode("utf-8")


# -- 3. owner and group -----------------------------------------------------------


def test_fix_keeps_the_owner_and_group(tmp_path: Path) -> None:
    """Run as root (as these tests are), a rewrite used to hand the chapter to root."""
    assert os.geteuid() == 0, "this test needs to change a file's owner"
    chapter = tmp_path / "ch.md"
    chapter.write_text(OUT_OF_ORDER, encoding="utf-8")
    os.chown(chapter, 12345, 23456)
    chapter.chmod(0o640)
    run = citelint("fix", "ch.md", cwd=tmp_path)
    assert run.code == 0, run.err
    info = chapter.stat()
    assert (info.st_uid, info.st_gid, info.st_mode & 0o7777) == (12345, 23456, 0o640)
    assert chapter.read_text(encoding="utf-8") == fix_text(OUT_OF_ORDER).text


# -- 4. interrupted writes ------------------------------------------------------


class Paused:
    """``citelint fix`` in a child held inside one system call of the write."""

    def __init__(self, folder: Path, pause_in: str, *args: str) -> None:
        self.ready_read, ready_write = os.pipe()
        go_read, self.go_write = os.pipe()
        env = {**os.environ, "TEST_READY_FD": str(ready_write), "TEST_GO_FD": str(go_read), "TEST_PAUSE_IN": pause_in}
        self.child = subprocess.Popen(
            [sys.executable, "-c", HARNESS, "fix", *args],
            cwd=folder, env=env, pass_fds=(ready_write, go_read), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        os.close(ready_write)
        os.close(go_read)

    def wait_until_paused(self) -> None:
        assert os.read(self.ready_read, 1) == b"r", self.finish()

    def resume(self) -> None:
        os.write(self.go_write, b"g")

    def finish(self) -> tuple[int, str, str]:
        out, err = self.child.communicate(timeout=120)
        os.close(self.ready_read)
        os.close(self.go_write)
        return self.child.returncode, out.decode(), err.decode()


def temp_files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.startswith(".citelint-"))


@pytest.fixture
def long_chapter(tmp_path: Path) -> Path:
    chapter = tmp_path / "ch.md"
    chapter.write_text(OUT_OF_ORDER + "More words in a long chapter.\n\n" * 500, encoding="utf-8")
    return chapter


@pytest.mark.parametrize("signal_number, status", [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["SIGTERM", "SIGINT"])
def test_an_interrupted_fix_removes_its_temporary_file(long_chapter: Path, signal_number: int, status: int) -> None:
    before = long_chapter.read_bytes()
    paused = Paused(long_chapter.parent, "fsync", "ch.md")
    paused.wait_until_paused()
    [temp] = temp_files(long_chapter.parent)
    assert TEMP_NAME.fullmatch(temp) and f"-{paused.child.pid}-" in temp  # the owner's pid is in the name
    assert (long_chapter.parent / temp).stat().st_size > len(before) // 2  # a full-size copy
    paused.child.send_signal(signal_number)
    code, out, err = paused.finish()
    assert code == status and "Traceback" not in err, err
    assert "citelint: interrupted" in err and "ch.md was left as it was" in err
    assert temp_files(long_chapter.parent) == [] and long_chapter.read_bytes() == before


def test_a_temporary_file_left_by_kill_9_is_removed_by_the_next_run(long_chapter: Path) -> None:
    before = long_chapter.read_bytes()
    paused = Paused(long_chapter.parent, "fsync", "ch.md")
    paused.wait_until_paused()
    paused.child.kill()
    assert paused.finish()[0] == -signal.SIGKILL
    assert len(temp_files(long_chapter.parent)) == 1 and long_chapter.read_bytes() == before
    run = citelint("fix", "ch.md", cwd=long_chapter.parent)
    assert run.code == 0, run.err
    assert temp_files(long_chapter.parent) == []
    assert long_chapter.read_text(encoding="utf-8") == fix_text(before.decode("utf-8")).text


def test_stale_temporary_files_are_told_apart(tmp_path: Path) -> None:
    """Removed: ours whose process is gone, and ours older than a minute (also the
    pid-less names older versions made). Kept: a live process's fresh one, and
    anything not named like ours."""
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, check=True)
    gone_pid = int(gone.stdout)
    names = {
        f".citelint-{gone_pid}-abcd_123.tmp": False,
        f".citelint-{os.getpid()}-abcd_123.tmp": True,
        f".citelint-{os.getppid()}-old_1234.tmp": False,
        ".citelint-x1y2z3w4.tmp": True,
        ".citelint-oldstyle.tmp": False,
        ".citelint-notes.tmp.md": True,
        "chapter.tmp": True,
    }
    long_ago = time.time() - 120
    for name in names:
        (tmp_path / name).write_text("partial", encoding="utf-8")
    for name in (f".citelint-{os.getppid()}-old_1234.tmp", ".citelint-oldstyle.tmp"):
        os.utime(tmp_path / name, (long_ago, long_ago))
    (tmp_path / ".citelint-55555555-link_123.tmp").symlink_to("chapter.tmp")
    from citelint.atomic_write import remove_stale_temp_files

    remove_stale_temp_files(str(tmp_path))
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        [name for name, kept in names.items() if kept] + [".citelint-55555555-link_123.tmp"]
    )


# -- 5 and 6. the chapter written to while fix replaces it -----------------------


def test_text_appended_before_the_check_is_refused_with_the_whole_reason(tmp_path: Path) -> None:
    chapter = tmp_path / "ch.md"
    chapter.write_text(OUT_OF_ORDER, encoding="utf-8")
    with open(chapter, "a", encoding="utf-8") as editor:
        paused = Paused(tmp_path, "fsync", "ch.md")
        paused.wait_until_paused()
        editor.write("A sentence the writer just typed.\n")
        editor.flush()
        paused.resume()
        code, out, err = paused.finish()
    assert code == 1 and err == ""
    assert out == "ch.md: not fixed: it changed on disk while citelint was fixing it; not overwritten\n"
    assert chapter.read_text(encoding="utf-8") == OUT_OF_ORDER + "A sentence the writer just typed.\n"
    assert temp_files(tmp_path) == []


def test_text_appended_while_the_file_is_replaced_is_put_back(tmp_path: Path) -> None:
    """Written through a handle held open across the rename, the text went to the
    replaced file and was lost. The rename is undone, keeping the writer's text."""
    chapter = tmp_path / "ch.md"
    chapter.write_text(OUT_OF_ORDER, encoding="utf-8")
    with open(chapter, "a", encoding="utf-8") as editor:
        paused = Paused(tmp_path, "replace", "ch.md")
        paused.wait_until_paused()
        editor.write("A sentence the writer just typed.\n")
        editor.flush()
        paused.resume()
        code, out, err = paused.finish()
    assert chapter.read_text(encoding="utf-8") == OUT_OF_ORDER + "A sentence the writer just typed.\n"
    assert code == 1 and err == "", err
    assert out == "ch.md: not fixed: it was written to while citelint replaced it; put back as it was written\n"
    assert temp_files(tmp_path) == []


def test_a_chapter_saved_anew_by_an_editors_rename_is_not_overwritten(tmp_path: Path) -> None:
    """Editors save by writing a new file and renaming it over the old: the name
    no longer holds the file citelint read, so the save is kept."""
    chapter = tmp_path / "ch.md"
    chapter.write_text(OUT_OF_ORDER, encoding="utf-8")
    paused = Paused(tmp_path, "fsync", "ch.md")
    paused.wait_until_paused()
    saved = tmp_path / "ch.md~new"
    saved.write_text(OUT_OF_ORDER + "Saved by the editor.\n", encoding="utf-8")
    os.replace(saved, chapter)
    paused.resume()
    code, out, err = paused.finish()
    assert (code, err) == (1, "") and out.endswith("not overwritten\n")
    assert chapter.read_text(encoding="utf-8") == OUT_OF_ORDER + "Saved by the editor.\n"
    assert temp_files(tmp_path) == []
