"""Writing a fixed file safely: a temporary file in the same folder, with the
file's permissions, owner and group, put in its place by one atomic rename.

Nothing of the writer's text is lost on the way: a file that changed since it
was read is not overwritten, one written to while it was being replaced is put
back, an interruption (SIGINT, SIGTERM) removes the temporary file, and the
temporary files a killed run left behind are removed by the next one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import signal
import stat
import threading
import time
from typing import BinaryIO, Iterator, Optional

STALE_AFTER_SECONDS = 60.0  # a temporary file older than this is a leftover, whoever made it
TEMP_PREFIX = ".citelint-"
TEMP_SUFFIX = ".tmp"
# `.citelint-<pid>-<8 random>.tmp`; older versions made `.citelint-<8 random>.tmp`.
_TEMP_NAME = re.compile(r"\.citelint-(?:(\d{1,10})-)?[a-z0-9_]{8}\.tmp")


class ChangedOnDisk(Exception):
    """The file changed between reading and writing; it was not overwritten (or was put back)."""


class Interrupted(SystemExit):
    """SIGINT or SIGTERM during ``fix``: raised where the process is, so that the
    temporary file is removed on the way out; the exit status is 128 + the signal."""

    def __init__(self, signal_number: int) -> None:
        super().__init__(128 + signal_number)
        self.signal_number = signal_number
        self.path = ""  # the file being fixed when it came
        self.written = False  # it came after that file was replaced

    def describe(self) -> str:
        """One line for standard error, saying what became of the file being fixed."""
        if not self.path:
            return "citelint: interrupted"
        what = "was fixed" if self.written else "was left as it was"
        return f"citelint: interrupted; {self.path} {what}"


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """While the block runs, SIGINT and SIGTERM raise ``Interrupted`` (unless they
    are ignored, as under ``nohup``): a terminated ``fix`` cleans up after itself."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    for number in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(number) is not signal.SIG_IGN:
            previous[number] = signal.signal(number, _raise_interrupted)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _raise_interrupted(number: int, frame: object) -> None:
    raise Interrupted(number)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """While the block runs, SIGINT and SIGTERM wait (blocked, not lost): what must
    not stop half-way (a book's files put back as they were) runs to its end, and
    a signal sent meanwhile is acted on after it. Where signals cannot be blocked
    (Windows, a thread other than the main one), the block runs as it is."""
    block = getattr(signal, "pthread_sigmask", None)
    if block is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = block(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        block(signal.SIG_SETMASK, previous)


def write_atomically(path: str, original: bytes, new: bytes) -> None:
    """Replace the file at ``path`` (holding ``original``) with ``new``.

    The new bytes go to a temporary file in the same folder, which takes the
    file's permissions, owner and group and then replaces it in one rename; a
    symlink is followed so that the link stays a link. If the file no longer
    holds ``original`` just before the rename, nothing is written; if it is
    written to during the rename (through a handle held open), it is put back.
    """
    target = os.path.realpath(path)
    # opened without blocking (a pipe put in its place would wait for a writer) and held
    # across the rename: what reaches the old file meanwhile is seen
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    with open(os.open(target, flags), "rb") as current:
        seen = os.fstat(current.fileno())
        _check_replaceable(seen)
        temp_path = _write_temp(target, new, seen)
        try:
            unchanged = current.read(len(original) + 1) == original and not _changed(current.fileno(), seen)
            if not unchanged or not _same_file(target, seen):  # edited, or saved anew by an editor's rename
                raise ChangedOnDisk("it changed on disk while citelint was fixing it; not overwritten")
            written = os.stat(temp_path)
            os.replace(temp_path, target)
        except BaseException:
            _remove(temp_path)
            raise
        try:
            if _changed(current.fileno(), seen):
                _put_back(target, current, seen, written)
        except Interrupted as stop:
            stop.written = True
            raise


def _check_replaceable(info: os.stat_result) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise ChangedOnDisk("it is no longer a regular file; not overwritten")
    mode = stat.S_IMODE(info.st_mode)
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        # a rename would replace it all the same: respect the read-only mode instead
        raise PermissionError(13, f"it is read-only (mode {mode:o})")
    if info.st_nlink > 1:
        # a rename would give this name new text and leave the other names the old
        raise PermissionError(31, f"it has {info.st_nlink} hard links and a safe rewrite would split them")


def _write_temp(target: str, data: bytes, like: os.stat_result) -> str:
    """A temporary file beside ``target`` holding ``data``, with the owner, group
    and permissions of ``like``; its name carries this process's id, so that a
    later run can tell a leftover from a file another run is writing."""
    import tempfile

    folder = os.path.dirname(target) or "."
    handle, temp_path = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=TEMP_SUFFIX, dir=folder)
    try:
        with os.fdopen(handle, "wb") as temp:
            if hasattr(os, "fchown"):  # not on Windows
                _keep_owner(temp.fileno(), like)
            os.chmod(temp_path, stat.S_IMODE(like.st_mode))  # after chown, which may clear set-id bits
            temp.write(data)
            temp.flush()
            os.fsync(temp.fileno())
    except BaseException:
        _remove(temp_path)
        raise
    return temp_path


def _keep_owner(descriptor: int, like: os.stat_result) -> None:
    """Give the file ``like``'s owner and group where this process may (root may;
    a member of the group may keep the group); otherwise it stays the writer's."""
    for owner in (like.st_uid, -1):
        try:
            os.fchown(descriptor, owner, like.st_gid)
            return
        except PermissionError:
            continue
        except OSError as error:  # a file system without owners (FAT, some mounts)
            if error.errno in (errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS):
                return
            raise


def _changed(descriptor: int, seen: os.stat_result) -> bool:
    now = os.fstat(descriptor)
    return (now.st_size, now.st_mtime_ns) != (seen.st_size, seen.st_mtime_ns)


def _same_file(path: str, seen: os.stat_result) -> bool:
    try:
        now = os.stat(path)
    except OSError:
        return False
    return (now.st_dev, now.st_ino) == (seen.st_dev, seen.st_ino)


def _put_back(target: str, old: BinaryIO, seen: os.stat_result, written: os.stat_result) -> None:
    """The replaced file was written to during the rename: give its name back its
    text, as it is now, unless something else has taken the name meanwhile."""
    old.seek(0)
    text = old.read()
    temp_path = _write_temp(target, text, seen)
    try:
        if not _same_file(target, written):
            raise ChangedOnDisk("it was written to and replaced while citelint replaced it; not fixed")
        os.replace(temp_path, target)
    except BaseException:
        _remove(temp_path)
        raise
    raise ChangedOnDisk("it was written to while citelint replaced it; put back as it was written")


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def remove_stale_temp_files(folder: str, now: Optional[float] = None) -> None:
    """Remove the temporary files a killed ``fix`` left in ``folder``: regular
    files named as citelint names them, whose process is gone or that are older
    than a minute. Anything else, and anything that cannot be removed, is left."""
    now = time.time() if now is None else now
    try:
        with os.scandir(folder) as listing:
            entries = [entry for entry in listing if entry.name.startswith(TEMP_PREFIX)]
    except OSError:
        return
    for entry in entries:
        match = _TEMP_NAME.fullmatch(entry.name)
        if match is None:
            continue
        try:
            if entry.is_symlink() or not entry.is_file(follow_symlinks=False):
                continue
            old = now - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER_SECONDS
            if old or (match.group(1) is not None and not process_exists(int(match.group(1)))):
                os.unlink(entry.path)
        except OSError:
            continue


def process_exists(pid: int) -> bool:
    """Whether a process with this id exists here (this one included; someone else's
    counts). An id no process can have (0 or less, too large) is none."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def write_whole(path: str, text: str, mode: int = 0o666, durable: bool = False) -> None:
    """``text`` into ``path``, whole or not at all (a temporary file renamed over it).
    ``mode``: the new file's permissions (less the umask); ``durable``: on disk
    (synced) before the rename, for a file that must outlive a crash."""
    folder = os.path.dirname(os.path.abspath(path))
    temp = os.path.join(folder, f".{os.path.basename(path)}.{os.getpid()}.tmp")
    try:
        handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), mode)
        with open(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            if durable:
                out.flush()
                os.fsync(out.fileno())
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
