"""Glue between ``citelint check --urls`` and the URL checker."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Callable, Optional

from citelint.chapter import Chapter
from citelint.config import Settings, cache_folder
from citelint.diagnostics import Diagnostic
from citelint.runner import UrlCheck


class Progress:
    """``checking links 12/40`` on a terminal, once a run has lasted a second."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if time.monotonic() - self.started < 1.0 and not self.shown:
            return
        self.shown = True
        sys.stderr.write(f"\rchecking links {done}/{total}")
        sys.stderr.flush()

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


def make_url_check(
    settings: Settings,
    *,
    allow_private: Optional[bool],
    offline: bool,
    refresh: bool,
    accept_changes: bool = False,
    archive: Optional[bool] = None,
    timeout: Optional[float],
    cache_dir: Optional[str],
    progress: bool,
    warn: Callable[[str], None],
    note: Callable[[str], None] = lambda message: None,
) -> UrlCheck:
    url_settings = settings.urls
    if allow_private is not None:
        url_settings = url_settings._replace(allow_private=allow_private)
    if timeout is not None:
        url_settings = url_settings._replace(timeout=timeout)
    if archive is not None:
        url_settings = url_settings._replace(archive=archive)
    folder = Path(cache_dir) if cache_dir else Path(cache_folder(settings))

    def url_check(chapters: list[tuple[str, Chapter]]) -> dict[str, list[Diagnostic]]:
        from citelint.urls import links_of, url_diagnostics
        from citelint.urls.checker import CheckOptions, UrlChecker

        bar = Progress() if progress else None
        options = CheckOptions(url_settings, folder, offline=offline, refresh=refresh, progress=bar, accept_changes=accept_changes)
        urls = [link.url for _, chapter in chapters for link in links_of(chapter)]
        checker = UrlChecker(options, warn)
        try:
            verdicts = checker.check(urls)
        finally:
            if bar:
                bar.close()
        for url in checker.accepted:
            note(f"{url}: the page changed; its content now is the snapshot later checks compare with")
        return {path: url_diagnostics(chapter, verdicts, path) for path, chapter in chapters}

    return url_check
