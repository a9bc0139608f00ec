"""Each open chapter's configuration, found as ``citelint check`` finds it (the
nearest ``.citelint.toml``, or ``pyproject.toml`` with a citelint table, walking
up from the chapter's folder to the repository root), read once and kept until a
configuration file changes. A file that cannot be used is remembered with its
one-line error, which the server shows on that file; its chapters are linted
with the defaults meanwhile."""

from __future__ import annotations

import os
from typing import NamedTuple, Optional

from citelint.config import ConfigError, Settings, find_config_file, load_settings
from citelint.files import is_excluded

CONFIG_NAMES = ("pyproject.toml", ".citelint.toml")


class Loaded(NamedTuple):
    """A chapter's settings, the file they came from, and its error if it has one."""

    settings: Settings
    source: Optional[str]
    error: Optional[str]


class Project:
    """The configurations of the open chapters, by configuration file."""

    def __init__(self, fallback_folder: str) -> None:
        self.fallback_folder = fallback_folder
        self._by_folder: dict[str, Optional[str]] = {}
        self._by_file: dict[Optional[str], Loaded] = {}

    def settings_for(self, path: str) -> Loaded:
        folder = os.path.dirname(path) if path else self.fallback_folder
        if folder not in self._by_folder:
            self._by_folder[folder] = find_config_file(folder if os.path.isdir(folder) else self.fallback_folder)
        source = self._by_folder[folder]
        if source not in self._by_file:
            self._by_file[source] = _load(source)
        return self._by_file[source]

    def excluded(self, path: str) -> bool:
        """Whether the configuration's ``exclude`` leaves the chapter out."""
        settings = self.settings_for(path).settings
        return bool(path) and is_excluded(path, settings.exclude, settings.root)

    def reload(self) -> list[Loaded]:
        """Forget every configuration read; returns those that were known."""
        known = list(self._by_file.values())
        self._by_folder.clear()
        self._by_file.clear()
        return known

    def errors(self) -> dict[str, str]:
        """Each configuration file in use and its error ('' when it is fine)."""
        return {loaded.source: loaded.error or "" for loaded in self._by_file.values() if loaded.source}


def is_config_file(path: str) -> bool:
    return os.path.basename(path) in CONFIG_NAMES


def _load(source: Optional[str]) -> Loaded:
    try:
        return Loaded(load_settings(source, {}) if source else Settings(), source, None)
    except ConfigError as error:
        return Loaded(Settings(), source, str(error))
