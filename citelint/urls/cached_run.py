"""The result cache of ``check --urls``: an unchanged file is neither read nor
parsed again while its links' verdicts are what they were.

With ``--urls`` a file's findings are its lint's and its links' (urls.url_diagnostics),
a function of its content, the settings and the verdicts of its links. They are kept
in a result-cache index of their own (cache.ResultCache, keyed by the settings and
``--urls``), each entry with the file's links (what the URL check asks about for it:
urls.url_keys) and a hash of what the findings read of those links' verdicts (each
one's code, detail and page metadata: urls.url_diagnostics). A later run
in which the file's status is unchanged (size, times, inode; the same-tick guard of
the result cache) asks about the stored links without reading the file; when their
verdicts hash as before, the stored findings are the file's, the same as a run
without the cache would find from the same content, settings and verdicts. A verdict
that says something else now (a link that died, a page that changed, another
address policy) hashes differently: the file is read and parsed again. A link
checked again with the same outcome (a dead link is checked on every run) does not. The entry keeps
``[links, verdicts' hash]`` in the index's ``links`` field (cache.Cached).
"""

import os
import stat
import time
from typing import TYPE_CHECKING, NamedTuple, Optional

from citelint.cache import Cached, ResultCache, Stamp, trusted_stamp
from citelint.diagnostics import Diagnostic

if TYPE_CHECKING:
    from citelint.urls.store import Verdict


class Status(NamedTuple):
    """A file's status, taken before it is read: what vouches for the entry made from that read."""

    stamp: Stamp
    trusted: bool


class Stored(NamedTuple):
    """A file's entry: its links, the hash of their verdicts, its findings and its
    reference entries (book_checks.encode; None: not read, a run of one file)."""

    links: list[str]
    verdicts: str
    cached: Cached
    book: Optional[str]


class CachedUrlRun:
    def __init__(self, cache: ResultCache) -> None:
        self.cache = cache

    def status(self, path: str) -> Optional[Status]:
        """The file's status now, before it is read (None: not a regular file here)."""
        started = time.time_ns()
        try:
            info = os.stat(path)
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        return Status(Stamp.of(info), trusted_stamp(info, started))

    def unread(self, path: str, name: str, shown: str) -> Optional[Stored]:
        """The entry of a file whose status is unchanged since it was made, without reading it."""
        try:
            info = os.stat(path)
        except OSError:
            return None
        cached = self.cache.by_status(name, info, shown)
        return _unpacked(cached) if cached is not None else None

    def fresh(self, stored: Stored, verdicts: dict[str, "Verdict"]) -> bool:
        """Whether the stored links' verdicts are those the entry's findings were made from."""
        return verdicts_hash(stored.links, verdicts) == stored.verdicts

    def put(
        self,
        name: str,
        status: Status,
        links: list[str],
        verdicts: dict[str, "Verdict"],
        found: list[Diagnostic],
        empty: bool,
        book: Optional[str],
        fixes: bool,
    ) -> None:
        packed: list[object] = [links, verdicts_hash(links, verdicts)]
        self.cache.put(name, status.stamp, "", status.trusted, Cached(found, empty, book, fixes, links=packed))

    def save(self) -> None:
        self.cache.save()


def verdicts_hash(links: list[str], verdicts: dict[str, "Verdict"]) -> str:
    """A hash of what the findings read of each link's verdict (urls.url_diagnostics:
    its code, detail and page metadata; no verdict at all), in the links' order."""
    text = "\0".join(f"{link}\0{_read_of(verdicts.get(link))!r}" for link in links)
    return ResultCache.digest(text.encode("utf-8", "surrogatepass"))


def _read_of(verdict: Optional["Verdict"]) -> Optional[tuple[Optional[str], str, Optional[str]]]:
    return None if verdict is None else (verdict.code, verdict.detail, verdict.page)


def _unpacked(cached: Cached) -> Optional[Stored]:
    """The entry as ``put`` packs it; None (a miss) when it is not that."""
    packed = cached.links
    if not (isinstance(packed, list) and len(packed) == 2):
        return None
    links, hashed = packed
    if not (isinstance(links, list) and all(isinstance(link, str) for link in links) and isinstance(hashed, str)):
        return None
    return Stored(links, hashed, cached, cached.book)
