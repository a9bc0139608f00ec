"""Lint many files in parallel processes (``--jobs``), with output identical to a serial run."""

from __future__ import annotations

import multiprocessing
from typing import Optional

from citelint.config import Settings
from citelint.diagnostics import Diagnostic, FileError
from citelint.files import SourceFile


class _Work:
    """What forked workers inherit: the sources and settings, never pickled."""

    sources: list[SourceFile] = []
    settings: Settings = Settings()


def _lint_index(index: int) -> list[Diagnostic] | FileError:
    from citelint.runner import lint_one

    return lint_one(_Work.sources[index], _Work.settings)


def lint_in_processes(sources: list[SourceFile], settings: Settings, jobs: int) -> Optional[list[list[Diagnostic] | FileError]]:
    """The outcomes in the order of ``sources``, or None where processes cannot be forked."""
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:
        return None
    _Work.sources, _Work.settings = sources, settings
    try:
        with context.Pool(min(jobs, len(sources))) as pool:
            return pool.map(_lint_index, range(len(sources)), chunksize=max(1, len(sources) // (jobs * 4)))
    except OSError:
        return None
    finally:
        _Work.sources, _Work.settings = [], Settings()
