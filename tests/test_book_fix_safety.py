"""``citelint fix`` with book numbering is one transaction on disk: a real book, a
real ``citelint fix`` process, real signals and files that cannot be written.
Whatever stops the writes, every chapter is left as it was (or the fix is whole)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_book_numbering import RENUMBERED, UNORDERED, citelint, make_book, texts

# A child that runs ``citelint fix`` with the given calls of ``os.replace`` (counted
# from 1: the fix's journal is the first, then each file's write is one, each file
# put back one more) held until the
# test says go, before the rename or (TEST_HOLD_AFTER) after it; the test sends its
# signal meanwhile.
HARNESS = """
import os, signal, sys
from citelint.cli import main
signal.signal(signal.SIGINT, signal.default_int_handler)
ready, go = int(os.environ["TEST_READY_FD"]), int(os.environ["TEST_GO_FD"])
held = {int(call) for call in os.environ["TEST_HOLD_CALLS"].split(",") if call}
real = os.replace
calls = [0]
after = os.environ.get("TEST_HOLD_AFTER") == "1"
def replace(*args):
    calls[0] += 1
    if after:
        real(*args)
    if calls[0] in held:
        os.write(ready, b"r"); os.read(go, 1)
    if not after:
        real(*args)
os.replace = replace
main(sys.argv[1:], prog_name="citelint")
"""


def fix_held(root: Path, hold: list[int], signals: list[int], after: bool = False) -> tuple[int, str]:
    """``citelint fix`` in a child, sent each signal while held in the next held call."""
    ready_read, ready_write = os.pipe()
    go_read, go_write = os.pipe()
    env = {**os.environ, "TEST_READY_FD": str(ready_write), "TEST_GO_FD": str(go_read), "TEST_HOLD_CALLS": ",".join(map(str, hold)), "TEST_HOLD_AFTER": "1" if after else "0"}
    child = subprocess.Popen([sys.executable, "-c", HARNESS, "fix"], cwd=root, env=env, pass_fds=(ready_write, go_read), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    os.close(ready_write)
    os.close(go_read)
    try:
        for number in signals:
            assert os.read(ready_read, 1) == b"r"
            child.send_signal(number)
            os.write(go_write, b"g")
        _, err = child.communicate(timeout=120)
    finally:
        os.close(ready_read)
        os.close(go_write)
    return child.returncode, err.decode()


def temp_files(root: Path) -> list[Path]:
    return [path for path in root.rglob(".citelint-*.tmp")]


def test_a_second_signal_while_the_book_is_put_back_does_not_leave_it_half_renumbered(tmp_path: Path) -> None:
    """SIGTERM while chapter 3 is written (chapters 1 and 2 are), and SIGTERM again
    while chapter 2 is put back: it used to stop the put-back, leaving chapter 1
    renumbered and the others not, with nothing said but "interrupted"."""
    root = make_book(tmp_path, UNORDERED)
    before = texts(root)
    code, err = fix_held(root, [4, 5], [signal.SIGTERM, signal.SIGTERM])
    assert code == 128 + signal.SIGTERM and "Traceback" not in err, err
    assert "citelint: interrupted" in err
    assert texts(root) == before
    assert temp_files(root) == []


def test_a_signal_between_two_writes_puts_the_book_back(tmp_path: Path) -> None:
    root = make_book(tmp_path, UNORDERED)
    before = texts(root)
    code, err = fix_held(root, [4], [signal.SIGINT])
    assert code == 128 + signal.SIGINT and "Traceback" not in err, err
    assert "citelint: interrupted; the book (every file) was left as it was" in err
    assert texts(root) == before
    assert temp_files(root) == []


def test_a_signal_right_after_a_chapter_is_renamed_puts_that_chapter_back_too(tmp_path: Path) -> None:
    """SIGTERM as chapter 2's rename returns, before the fix counts it as written:
    chapter 2 used to be left renumbered (only chapter 1 was put back) while the
    message said every file was left as it was."""
    root = make_book(tmp_path, UNORDERED)
    before = texts(root)
    code, err = fix_held(root, [3], [signal.SIGTERM], after=True)
    assert code == 128 + signal.SIGTERM and "Traceback" not in err, err
    assert "citelint: interrupted; the book (every file) was left as it was" in err
    assert texts(root) == before
    assert temp_files(root) == []


@pytest.mark.parametrize("shape", ["read-only", "hard link"])
def test_a_chapter_that_cannot_be_written_leaves_the_whole_book_as_it_was(tmp_path: Path, shape: str) -> None:
    root = make_book(tmp_path, UNORDERED)
    last = root / "src" / "ch4.md"  # written last: three chapters are written before it
    if shape == "read-only":
        last.chmod(0o444)
    else:
        os.link(last, tmp_path / "ch4-elsewhere.md")
    before = texts(root)
    ran = citelint(root, "fix")
    assert ran.returncode == 1 and "Traceback" not in ran.stderr, ran.stdout + ran.stderr
    assert "src/ch4.md: not fixed: it cannot be written" in ran.stdout
    assert "the 3 files written before it were put back as they were" in ran.stdout
    assert texts(root) == before
    assert temp_files(root) == []


def test_the_fix_is_whole_when_nothing_stops_it(tmp_path: Path) -> None:
    root = make_book(tmp_path, UNORDERED)
    code, err = fix_held(root, [], [])  # held nowhere: the harness itself changes nothing
    assert code == 0, err
    assert {path: text for path, text in texts(root).items() if path in RENUMBERED} == RENUMBERED


def test_a_fix_killed_between_two_chapters_is_put_back_by_the_next_fix(tmp_path: Path) -> None:
    """kill -9 after chapter 1 is renamed into place: nothing can put it back then,
    and the book is half renumbered (an entry that moved to chapter 2 is in no
    chapter). The fix's journal, written before the first chapter, lets the next
    ``fix`` put chapter 1 back, say so, and remove the temporary file left behind;
    the fix after that renumbers the book whole."""
    root = make_book(tmp_path, UNORDERED)
    before = texts(root)
    ready_read, ready_write = os.pipe()
    go_read, go_write = os.pipe()
    env = {**os.environ, "TEST_READY_FD": str(ready_write), "TEST_GO_FD": str(go_read), "TEST_HOLD_CALLS": "3", "TEST_HOLD_AFTER": "0"}
    child = subprocess.Popen([sys.executable, "-c", HARNESS, "fix"], cwd=root, env=env, pass_fds=(ready_write, go_read), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    os.close(ready_write)
    os.close(go_read)
    assert os.read(ready_read, 1) == b"r"  # held before chapter 2's rename: chapter 1 is written
    child.kill()
    child.communicate(timeout=120)
    os.close(ready_read)
    os.close(go_write)
    half = texts(root)
    assert half["src/ch1.md"] == RENUMBERED["src/ch1.md"] and half["src/ch2.md"] == before["src/ch2.md"]
    journals = list(Path(os.environ["XDG_CACHE_HOME"], "citelint", "book-fix").glob("*.journal"))
    assert len(journals) == 1 and not list(root.rglob("*.journal"))  # outside the project: a pull request cannot commit one
    assert len(temp_files(root / "src")) == 1
    checked = citelint(root, "fix", "--diff")
    assert checked.returncode == 1 and "was stopped before it finished" in checked.stdout, checked.stdout + checked.stderr
    assert texts(root) == half
    ran = citelint(root, "fix")
    assert ran.returncode == 1, ran.stdout + ran.stderr
    assert "book: not fixed: a citelint fix of this book (process " in ran.stdout
    assert "was stopped before it finished: 1 chapter (src/ch1.md) put back as it was; run `citelint fix` again" in ran.stdout
    assert texts(root) == before
    assert temp_files(root / "src") == []
    again = citelint(root, "fix")
    assert again.returncode == 0, again.stdout + again.stderr
    assert {path: text for path, text in texts(root).items() if path in RENUMBERED} == RENUMBERED
    assert temp_files(root / "src") == []


@pytest.mark.parametrize("pid", [0, -1, 2**70], ids=["zero", "negative", "too-large"])
def test_a_journal_naming_no_process_that_can_exist_is_read_as_a_stopped_fix(tmp_path: Path, pid: int) -> None:
    """A journal's process id that no process can have (0 signals the group, a huge
    one overflows) is a fix that stopped: the next fix puts back what it wrote and
    goes on. Before, 0 read as another fix running and a huge id was a traceback."""
    from citelint.config import find_config_file, load_settings
    from citelint.fix_book import journal_path

    root = make_book(tmp_path, UNORDERED)
    before = texts(root)
    journal = Path(journal_path(load_settings(find_config_file(str(root)), {})))
    journal.parent.mkdir(parents=True, exist_ok=True)
    journal.write_text(f'{{"pid": {pid}, "files": []}}', encoding="utf-8")
    ran = citelint(root, "fix")
    assert ran.returncode == 1 and ran.stderr == "", ran.stdout + ran.stderr
    assert f"a citelint fix of this book (process {pid}) was stopped before it finished: no chapter needed putting back" in ran.stdout
    assert texts(root) == before and not journal.exists()
