"""The ``citelint server`` command: the language server over standard input and
output. pygls, an optional extra, is imported only here, when the command runs."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import click

INSTALL_HINT = 'citelint server needs the server extra: pip install ".[server]" in your citelint checkout (see docs/editors.md)'


RULES_DOC = ("docs", "rules.md")


def default_rules_url() -> str:
    """The rules' documentation for diagnostics to link to: the docs/rules.md of the
    checkout citelint runs from, or was installed from (pip records where, PEP 610:
    a folder, or a GitHub repository at a commit); '' when none is known."""
    rules = Path(__file__).resolve().parent.parent.parent.joinpath(*RULES_DOC)
    if rules.is_file():
        return rules.as_uri()
    return _installed_from()


def _installed_from() -> str:
    import json
    from importlib import metadata
    from urllib.parse import unquote, urlparse

    try:  # a checkout's own citelint.egg-info may come first: the installed one says where from
        texts = [text for found in metadata.distributions(name="citelint") if (text := found.read_text("direct_url.json"))]
        recorded = json.loads(texts[0]) if texts else {}
    except (ValueError, OSError):
        return ""
    url = recorded.get("url", "") if isinstance(recorded, dict) else ""
    where = urlparse(url)
    if where.scheme == "file":
        rules = Path(unquote(where.path)).joinpath(*RULES_DOC)
        return rules.as_uri() if rules.is_file() else ""
    vcs = recorded.get("vcs_info") if isinstance(recorded, dict) else None
    commit = vcs.get("commit_id") if isinstance(vcs, dict) else None
    if where.scheme == "https" and where.hostname == "github.com" and isinstance(commit, str):
        repository = where.path.removesuffix(".git").strip("/")
        return f"https://github.com/{repository}/blob/{commit}/{'/'.join(RULES_DOC)}"
    return ""


@click.command()
@click.option(
    "--rules-url",
    envvar="CITELINT_RULES_URL",
    metavar="URL",
    help="Where each diagnostic's rule documentation lives (docs/rules.md; also CITELINT_RULES_URL).  [default: this checkout's docs/rules.md]",
)
@click.option("--stdio", is_flag=True, hidden=True, help="Talk over standard input and output (the only way; editors pass it).")
@click.pass_context
def server(ctx: click.Context, rules_url: Optional[str], stdio: bool) -> None:
    """Run the language server for editors over standard input and output.

    Diagnostics as you type, quick fixes, renumbering, hover, go to definition,
    references, links, completion, rename of reference numbers, inlay hints,
    the outline and citation counts. Set-up for
    VS Code, Neovim, Helix, Zed and Emacs: docs/editors.md."""
    try:
        import pygls  # noqa: F401
        import lsprotocol  # noqa: F401
    except ImportError:
        click.echo(f"citelint: error: {INSTALL_HINT}", err=True)
        ctx.exit(2)
    from citelint.server.lsp import serve

    serve(rules_url if rules_url is not None else default_rules_url())

