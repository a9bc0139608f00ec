"""Writing a fixed file safely: same folder temp file, permissions kept, atomic rename."""

from __future__ import annotations

import os
import stat
import tempfile


class ChangedOnDisk(Exception):
    """The file changed between reading and writing; it was not overwritten."""


def write_atomically(path: str, original: bytes, new: bytes) -> None:
    """Replace the file at ``path`` (holding ``original``) with ``new``.

    The new bytes go to a temporary file in the same folder, which takes the
    file's permissions and then replaces it in one rename; a symlink is
    followed so that the link stays a link. If the file no longer holds
    ``original``, nothing is written.
    """
    target = os.path.realpath(path)
    info = os.stat(target)
    mode = stat.S_IMODE(info.st_mode)
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        # a rename would replace it all the same: respect the read-only mode instead
        raise PermissionError(13, f"it is read-only (mode {mode:o})")
    if info.st_nlink > 1:
        # a rename would give this name new text and leave the other names the old
        raise PermissionError(31, f"it has {info.st_nlink} hard links and a safe rewrite would split them")
    folder = os.path.dirname(target) or "."
    handle, temp_path = tempfile.mkstemp(prefix=".citelint-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as temp:
            temp.write(new)
            temp.flush()
            os.fsync(temp.fileno())
        os.chmod(temp_path, mode)
        with open(target, "rb") as current:
            if current.read() != original:
                raise ChangedOnDisk(f"{path} changed on disk while citelint was fixing it; not overwritten")
        os.replace(temp_path, target)
    except BaseException:
        try:
            os.unlink(temp_path)
        except FileNotFoundError:
            pass
        raise
