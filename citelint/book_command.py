"""`citelint book`: the chapters of the book in order, and where the order comes from."""

from __future__ import annotations

from typing import Optional

import click

from citelint.config import Settings
from citelint.console import EXIT_ERROR, report_errors, settings_or_exit, warn
from citelint.diagnostics import line_start, printable

@click.command("book")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="Use this configuration file.")
@click.option("--quiet", "-q", is_flag=True, help="Print the chapters only, without the line saying where the order comes from.")
@click.pass_context
def book(ctx: click.Context, paths: tuple[str, ...], config_file: Optional[str], quiet: bool) -> None:
    """Print the book's chapters in order, one a line, and where the order comes from.

    The order is the configuration's `chapters`, else the book tool's (mdBook
    SUMMARY.md, Quarto _quarto.yml, bookdown _bookdown.yml, Leanpub Book.txt,
    GitBook SUMMARY.md, MkDocs mkdocs.yml, Jupyter Book _toc.yml, looked for in
    PATHS and the folders above them), else the file names with
    numbers compared as numbers (ch2 before ch10). A listed chapter that does not
    exist is an error naming the file and entry (exit 2)."""
    from citelint.book_listing import BookError
    from citelint.book_order import book_order

    settings = settings_or_exit(config_file)
    try:
        order = book_order(paths or settings.paths or (".",), settings)
    except BookError as error:
        click.echo(f"citelint: error: {printable(str(error))}", err=True)
        ctx.exit(EXIT_ERROR)
    if not quiet:
        listed = f" ({printable(order.listed_in)})" if order.listed_in and order.listed_in not in order.source else ""
        count = f"{len(order.chapters)} chapter{'' if len(order.chapters) == 1 else 's'}"
        click.echo(f"Book order from {printable(order.source)}{listed}: {count}")
    for chapter in order.chapters:
        click.echo(line_start(chapter))  # a name that begins with `::` is no workflow command
    report_errors(list(order.problems), list(order.notes) if not quiet else [])
    ctx.exit(EXIT_ERROR if order.problems else 0)


@click.command("report")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--output", "-o", "output", type=click.Path(dir_okay=False), default="citelint-report.html", show_default=True, help="Write the page here.")
@click.option("--title", help="The page's title (default: the book's folder name).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="Use this configuration file.")
@click.option("--allow-private/--no-allow-private", default=None, help="Read the link verdicts made with the address guard open (as `check --urls --allow-private` made them).")
@click.option("--cache-dir", type=click.Path(file_okay=False), help="Where the caches are (default: cache-dir of the configuration).")
@click.option("--no-cache", is_flag=True, help="Lint every file, without the result cache.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Lint with this many processes.")
@click.pass_context
def report(
    ctx: click.Context,
    paths: tuple[str, ...],
    output: str,
    title: Optional[str],
    config_file: Optional[str],
    allow_private: Optional[bool],
    cache_dir: Optional[str],
    no_cache: bool,
    jobs: Optional[int],
) -> None:
    """Write one self-contained HTML page with the book at a glance.

    Per chapter, in book order (see `citelint book`): its citations,
    references, findings by rule (the same as `citelint check` finds) and
    its links' verdicts from the URL cache with the date of each check; a
    chapters x sources map of where each source is cited; and every finding
    with its chapter, line and the line's text. The page loads nothing from
    anywhere and sends no request: links the URL cache does not know are
    shown as not checked (run `citelint check --urls` first). A file that
    cannot be read is named on the page and on standard error (exit 2)."""
    import os

    from citelint.book_listing import BookError
    from citelint.book_overview import gather
    from citelint.book_overview_html import render
    from citelint.cache import ResultCache
    from citelint.check_files import default_jobs
    from citelint.version import __version__

    if not output.lower().endswith((".html", ".htm")):
        click.echo(f"citelint: error: {printable(output)}: the report is an HTML page; name it *.html (nothing else is overwritten)", err=True)
        ctx.exit(EXIT_ERROR)
    settings = settings_or_exit(config_file)
    paths = paths or settings.paths or (".",)
    try:
        overview = gather(
            paths,
            settings,
            title=title or _book_title(paths),
            version=__version__,
            cache=None if no_cache else ResultCache.of_run(settings, cache_dir, warn),
            jobs=jobs or default_jobs(),
            url_verdicts=_cached_verdicts(settings, allow_private, cache_dir),
        )
    except BookError as error:
        click.echo(f"citelint: error: {printable(str(error))}", err=True)
        ctx.exit(EXIT_ERROR)
    try:
        from citelint.atomic_write import write_whole

        write_whole(output, render(overview, os.path.dirname(os.path.abspath(output))))
    except OSError as error:
        click.echo(f"citelint: error: {printable(output)}: cannot be written ({printable(error.strerror or str(error))})", err=True)
        ctx.exit(EXIT_ERROR)
    findings = sum(chapter.finding_count for chapter in overview.chapters)
    counts = ", ".join(_counted(count, word) for count, word in ((len(overview.chapters), "chapter"), (len(overview.sources), "source"), (findings, "finding")))
    click.echo(f"Wrote {printable(output)}: {counts}.", err=True)
    report_errors(list(overview.errors), list(overview.notes))
    ctx.exit(EXIT_ERROR if overview.errors else 0)


def _counted(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _book_title(paths: tuple[str, ...]) -> str:
    """The book's folder name: the first folder given, else the first file's folder."""
    import os

    first = os.path.abspath(paths[0])
    folder = first if os.path.isdir(first) else os.path.dirname(first)
    name = os.path.basename(folder.rstrip(os.sep))
    if name in ("manuscript", "src", "chapters", "book") and os.path.dirname(folder):
        name = f"{os.path.basename(os.path.dirname(folder))}/{name}"
    return name or "Book"


def _cached_verdicts(settings: Settings, allow_private: Optional[bool], cache_dir: Optional[str]):  # type: ignore[no-untyped-def]
    """The URL check, answering from the URL cache only (``--offline``)."""
    from citelint.check_urls import make_url_check

    return make_url_check(
        settings,
        allow_private=allow_private,
        offline=True,
        refresh=False,
        timeout=None,
        cache_dir=cache_dir,
        progress=False,
        warn=warn,
    )
