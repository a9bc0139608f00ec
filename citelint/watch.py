"""``citelint check --watch``: the check, then again for each chapter as it is
saved, for writers without an editor that speaks LSP. File events come from
watchfiles (an optional extra, ``watch``), imported only here and only then.

Each batch of saves re-runs ``check`` with the same options on the chapters that
changed (a changed configuration file re-checks everything, with the new
configuration); a failing run is reported and watching goes on. Ctrl-C stops.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any, Iterable

import click

INSTALL_HINT = 'citelint check --watch needs the watch extra: pip install ".[watch]" in your citelint checkout'
CONFIG_NAMES = frozenset({"pyproject.toml", ".citelint.toml"})


def watch_and_check(ctx: click.Context, check: click.Command, paths: Iterable[str], suffixes: tuple[str, ...]) -> None:
    """Check ``paths`` now, then each chapter under them as it changes, until interrupted."""
    try:
        import watchfiles
    except ImportError:
        click.echo(f"citelint: error: {INSTALL_HINT}", err=True)
        ctx.exit(2)
    paths = tuple(paths)
    files = {os.path.realpath(path) for path in paths if os.path.isfile(path)}
    folders = tuple(os.path.realpath(path) for path in paths if os.path.isdir(path))
    roots = sorted({os.path.dirname(path) for path in files} | set(folders))
    _check(ctx, check, paths)
    if not roots:
        return

    def wanted(change: Any, path: str) -> bool:
        return change != watchfiles.Change.deleted and (_is_chapter(path, files, folders, suffixes) or os.path.basename(path) in CONFIG_NAMES)

    watching = False
    # yield_on_timeout: an empty batch first, once the watcher runs, so the line below is true when shown
    for changes in watchfiles.watch(*roots, watch_filter=wanted, debounce=400, rust_timeout=500, yield_on_timeout=True):
        if not watching:
            watching = True
            click.echo("citelint: watching for changes (Ctrl-C to stop)", err=True)
        changed = sorted({path for _, path in changes})
        if any(os.path.basename(path) in CONFIG_NAMES for path in changed):
            targets: tuple[str, ...] = paths
        else:
            targets = tuple(os.path.relpath(path) for path in changed if os.path.isfile(path))
        if targets:
            click.echo(f"citelint: {time.strftime('%H:%M:%S')}: checking {len(targets)} changed path{'' if len(targets) == 1 else 's'}", err=True)
            _check(ctx, check, targets)


def _is_chapter(path: str, files: set[str], folders: tuple[str, ...], suffixes: tuple[str, ...]) -> bool:
    """A file named on the command line, or one a folder walk finds (not hidden)."""
    real = os.path.realpath(path)
    if real in files:
        return True
    name = os.path.basename(real)
    if name.startswith(".") or not name.lower().endswith(suffixes):
        return False
    return any(real.startswith(folder + os.sep) and not _hidden(os.path.relpath(real, folder)) for folder in folders)


def _hidden(relative: str) -> bool:
    return any(part.startswith(".") for part in relative.split(os.sep))


def _check(ctx: click.Context, check: click.Command, paths: tuple[str, ...]) -> None:
    """One run of ``check`` with the command line's options on ``paths``; its exit is not ours."""
    try:
        ctx.invoke(check, **{**ctx.params, "paths": paths, "watch": False})
    except click.exceptions.Exit:
        pass
    except SystemExit:  # a configuration error, said on one line already: watch on
        pass
    finally:
        sys.stdout.flush()  # each run's report is seen now, also through a pipe
