"""Glue between ``citelint check --urls`` and the URL checker."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Callable, Mapping, Optional

from citelint.config import Settings, cache_folder, shown
from citelint.diagnostics import printable, shorten
from citelint.check_files import UrlCheck


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


ALLOW_PRIVATE_VARIABLE = "CITELINT_ALLOW_PRIVATE"


def guard_opened(flag: Optional[bool], environ: Mapping[str, str], warn: Callable[[str], None]) -> bool:
    """Whether private, loopback and link-local targets are checked: ``--allow-private``
    or ``--no-allow-private`` decides; without either, ``CITELINT_ALLOW_PRIVATE=1`` (set
    by whoever owns the CI job) opens the guard. A configuration file never does: a
    pull request can change it (docs/security.md)."""
    if flag is not None:
        return flag
    value = environ.get(ALLOW_PRIVATE_VARIABLE, "")
    if value == "1":
        return True
    if value not in ("", "0"):
        warn(f"{ALLOW_PRIVATE_VARIABLE}={printable(shorten(value, 40))} is not 1; the address guard stays closed")
    return False


def make_url_check(
    settings: Settings,
    *,
    allow_private: Optional[bool],
    offline: bool,
    refresh: bool,
    accept_changes: bool = False,
    archive: Optional[bool] = None,
    timeout: Optional[float],
    run_timeout: Optional[float] = None,
    cache_dir: Optional[str],
    progress: bool,
    warn: Callable[[str], None],
    note: Callable[[str], None] = lambda message: None,
) -> UrlCheck:
    url_settings = settings.urls
    if url_settings.ignored_allow_private:
        warn(
            f"{url_settings.ignored_allow_private} in {shown(settings.source)} is ignored: "
            f"opening the address guard takes --allow-private or {ALLOW_PRIVATE_VARIABLE}=1"
        )
    url_settings = url_settings._replace(allow_private=guard_opened(allow_private, os.environ, warn))
    if timeout is not None:
        url_settings = url_settings._replace(timeout=timeout)
    if run_timeout is not None:
        url_settings = url_settings._replace(run_timeout=run_timeout)
    if archive is not None:
        url_settings = url_settings._replace(archive=archive)
    folder = Path(cache_dir) if cache_dir else Path(cache_folder(settings))

    def url_check(urls: list[str], meanwhile: Optional[Callable[[], object]] = None) -> dict:  # type: ignore[type-arg]
        """Each link's verdict, by the keys ``urls.url_keys`` gives (the findings are made
        with each file's selection); ``meanwhile`` is called while the links are fetched."""
        from citelint.urls.checker import CheckOptions, UrlChecker

        bar = Progress() if progress else None
        options = CheckOptions(url_settings, folder, offline=offline, refresh=refresh, progress=bar, accept_changes=accept_changes)
        checker = UrlChecker(options, warn)
        try:
            verdicts = checker.check(urls, meanwhile)
        finally:
            if bar:
                bar.close()
        for url in checker.accepted:
            note(f"{url}: the page changed; its content now is the snapshot later checks compare with")
        return verdicts

    return url_check
