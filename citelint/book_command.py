"""`citelint book`: the chapters of the book in order, and where the order comes from."""

from __future__ import annotations

from typing import Optional

import click

from citelint.config import Settings
from citelint.diagnostics import FileError, printable

EXIT_ERROR = 2


def settings_or_exit(config_file: Optional[str]) -> Settings:
    """The settings, or one line naming the configuration's problem and exit 2."""
    from citelint.config import ConfigError, load_settings

    try:
        return load_settings(config_file, {})
    except ConfigError as error:
        click.echo(f"citelint: error: {printable(str(error))}", err=True)
        raise SystemExit(EXIT_ERROR) from None


def report_problems(problems: tuple[FileError, ...]) -> None:
    for problem in problems:
        click.echo(f"citelint: error: {printable(problem.path)}: {printable(problem.message)}", err=True)


@click.command("book")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="Use this configuration file.")
@click.option("--quiet", "-q", is_flag=True, help="Print the chapters only, without the line saying where the order comes from.")
@click.pass_context
def book(ctx: click.Context, paths: tuple[str, ...], config_file: Optional[str], quiet: bool) -> None:
    """Print the book's chapters in order, one a line, and where the order comes from.

    The order is the configuration's `chapters`, else the book tool's (mdBook
    SUMMARY.md, Quarto _quarto.yml, bookdown _bookdown.yml, Leanpub Book.txt,
    looked for in PATHS and the folders above them), else the file names with
    numbers compared as numbers (ch2 before ch10). A listed chapter that does not
    exist is an error naming the file and entry (exit 2)."""
    from citelint.book_order import BookError, book_order

    settings = settings_or_exit(config_file)
    try:
        order = book_order(paths or settings.paths or (".",), settings)
    except BookError as error:
        click.echo(f"citelint: error: {printable(str(error))}", err=True)
        ctx.exit(EXIT_ERROR)
    if not quiet:
        listed = f" ({printable(order.listed_in)})" if order.listed_in and order.listed_in not in order.source else ""
        count = f"{len(order.chapters)} chapter{'' if len(order.chapters) == 1 else 's'}"
        click.echo(f"Book order from {order.source}{listed}: {count}")
    for chapter in order.chapters:
        click.echo(printable(chapter))
    report_problems(order.problems)
    ctx.exit(EXIT_ERROR if order.problems else 0)
