"""The last URL verdicts of ``citelint check --urls``, read from its cache and
never asked of the network: the editor shows a dead or moved link as the last
check saw it, and hover says when that was. The cache is opened only when a run
made it (no folder or database is created by the editor opening a chapter), and
only the verdicts of the server's address policy are read (the guard closed,
unless ``CITELINT_ALLOW_PRIVATE=1``), as a check from the same place reads them."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Optional

from citelint.chapter import Chapter
from citelint.config import Settings, cache_folder
from citelint.urls import links_of
from citelint.urls.store import Verdict, VerdictStore

STORE_NAME = "verdicts.sqlite"  # as urls.checker names it
ALLOW_PRIVATE_VARIABLE = "CITELINT_ALLOW_PRIVATE"


def policy_key() -> str:
    """The verdicts a check run from here keeps and reads: with the address guard
    open (``CITELINT_ALLOW_PRIVATE=1`` in the server's environment) or closed."""
    return "open" if os.environ.get(ALLOW_PRIVATE_VARIABLE) == "1" else "guarded"


class UrlVerdicts:
    """The verdict stores of the projects with open chapters, opened once each."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stores: dict[Path, Optional[VerdictStore]] = {}

    def of(self, chapter: Chapter, settings: Settings) -> dict[str, Verdict]:
        """The cached verdict of each link of the chapter that has one."""
        store = self._store(settings)
        if store is None:
            return {}
        found: dict[str, Verdict] = {}
        for link in links_of(chapter):
            if link.url not in found and (verdict := store.get(link.url)) is not None:
                found[link.url] = verdict
        return found

    def _store(self, settings: Settings) -> Optional[VerdictStore]:
        path = Path(cache_folder(settings)) / STORE_NAME
        with self._lock:
            if path not in self._stores:
                exists = path.is_file() and not path.is_symlink()
                self._stores[path] = VerdictStore(path, lambda message: None, policy_key(), settings.urls.expire_after) if exists else None
            return self._stores[path]

    def forget(self) -> None:
        """Close the stores (a configuration change may name another cache folder)."""
        with self._lock:
            for store in self._stores.values():
                if store is not None:
                    store.close()
            self._stores.clear()
