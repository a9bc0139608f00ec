"""The chapter order each book tool writes down, and ``find_book_tool``, which finds
the project's tool in the folder given or a folder above it up to the repository
root: mdBook ``SUMMARY.md`` (in book.toml's source folder), Quarto ``_quarto.yml``
(``book.chapters``, parts and ``appendices``), bookdown ``_bookdown.yml``
(``rmd_files``), Leanpub ``manuscript/Book.txt``, GitBook ``SUMMARY.md`` (where
``.gitbook.yaml`` or ``book.json`` puts it), MkDocs ``mkdocs.yml`` (``nav``) and
Jupyter Book ``_toc.yml``. YAML is read by strict_yaml.
"""

import os
import re
from typing import Any, Callable, Optional

from citelint.book_listing import BookError, BookOrder, Listed, as_list, folders_up, listed_order, lookup, read_book_file, readable, real_path, shown_path, within_project, yaml_file, yaml_string
from citelint.diagnostics import FileError, shorten
from citelint.lazy_pattern import lazy
from citelint.strict_yaml import YamlText
from citelint.summary_links import summary_entries

CHAPTER_SUFFIXES = (".md", ".markdown", ".qmd", ".rmd", ".ipynb", ".txt")  # a Quarto part that is a file


def find_book_tool(*starts: str) -> Optional[BookOrder]:
    """The order the book tool gives, looked for in each start and each folder
    above it up to the repository root (only the start outside a repository), the
    first start first. A ``SUMMARY.md`` with no tool's file beside it (GitBook's) is
    looked for only when no folder has one: mdBook's ``src/SUMMARY.md`` and a MkDocs
    literate-nav ``docs/SUMMARY.md`` are their tools', found above them."""
    folders = list(dict.fromkeys(folder for start in starts for folder in folders_up(start)))
    for folder in folders:
        for reader in BOOK_TOOLS:
            found = reader(folder)
            if found is not None:
                return found
    for folder in folders:
        found = gitbook_summary_order(folder)
        if found is not None:
            return found
    return None


# -- mdBook ------------------------------------------------------------------------------


def mdbook_order(folder: str) -> Optional[BookOrder]:
    """mdBook: book.toml's ``[book] src`` (default ``src``), its ``SUMMARY.md``."""
    manifest = os.path.join(folder, "book.toml")
    if not os.path.isfile(manifest):
        return None
    import tomllib

    try:
        data = tomllib.loads(read_book_file(manifest))
    except (tomllib.TOMLDecodeError, RecursionError) as error:
        raise BookError(f"{shown_path(manifest)}: not valid TOML: {error}") from None
    book = data.get("book", {})
    source_folder = book.get("src", "src") if isinstance(book, dict) else "src"
    if not isinstance(source_folder, str) or not source_folder:
        raise BookError(f"{shown_path(manifest)}: 'book.src' must be a folder name")
    base = within_project(manifest, source_folder, "'book.src'")
    summary = within_project(manifest, os.path.join(source_folder, "SUMMARY.md"), "the summary")  # a link out, too
    if not os.path.isfile(summary):
        raise BookError(f"{shown_path(manifest)}: the book's source folder {source_folder!r} has no SUMMARY.md ({shown_path(summary)})")
    return listed_order("mdBook SUMMARY.md", "mdbook", summary, base, summary_entries(read_book_file(summary)))


# -- Quarto ------------------------------------------------------------------------------


def quarto_order(folder: str) -> Optional[BookOrder]:
    """Quarto: ``book.chapters`` of ``_quarto.yml`` (parts' chapters in place, a part
    that is a file first), then ``book.appendices``; a project that is no book is None."""
    manifest = next((os.path.join(folder, name) for name in ("_quarto.yml", "_quarto.yaml") if os.path.isfile(os.path.join(folder, name))), None)
    if manifest is None:
        return None
    tree = yaml_file(manifest)
    book = lookup(tree, manifest, "book")
    if not isinstance(book, dict):
        return None
    chapters = lookup(book, manifest, "chapters")
    if chapters is None:
        return None
    entries = _quarto_entries(chapters, manifest, "book.chapters")
    appendices = lookup(book, manifest, "appendices")
    if appendices is not None:
        entries += _quarto_entries(appendices, manifest, "book.appendices")
    return listed_order("Quarto _quarto.yml", "quarto", manifest, folder, entries)


def _quarto_entries(node: Any, manifest: str, key: str, depth: int = 0) -> list[Listed]:
    items = as_list(node, manifest, key)
    entries: list[Listed] = []
    for item in items:
        if isinstance(item, YamlText):
            entries.append(Listed(item.line, str(item), "" if item.strip() else f"an empty entry in {key!r}: no chapter is read from it; write the chapter's file name, or remove the line"))
        elif isinstance(item, dict) and "part" in item and depth == 0:
            part = readable(item["part"], manifest)
            if isinstance(part, YamlText) and part.lower().endswith(CHAPTER_SUFFIXES):
                entries.append(Listed(part.line, str(part)))
            entries += _quarto_entries(item.get("chapters"), manifest, f"{key} part's chapters", depth + 1)
        elif isinstance(item, dict) and isinstance(item.get("href", item.get("file")), YamlText):
            target = item.get("href", item.get("file"))
            entries.append(Listed(target.line, str(target)))
        elif item is not None:
            readable(item, manifest)
            raise BookError(f"{shown_path(manifest)}: {key!r} holds an entry that is not a file name or a part ({shorten(repr(item), 60)})")
    return entries


# -- bookdown ----------------------------------------------------------------------------


def bookdown_order(folder: str) -> Optional[BookOrder]:
    """bookdown: ``rmd_files`` of ``_bookdown.yml`` (a list, or one per output format:
    ``html`` first, else the first format); without it, the folder's ``.Rmd`` files
    by name with ``index.Rmd`` first and ``_``-files left out, as bookdown merges them."""
    manifest = os.path.join(folder, "_bookdown.yml")
    if not os.path.isfile(manifest):
        return None
    tree = yaml_file(manifest)
    files = lookup(tree, manifest, "rmd_files") if isinstance(tree, dict) else None
    if isinstance(files, dict):
        chosen = "html" if "html" in files else next(iter(files), None)
        files = files.get(chosen) if chosen is not None else None
        source = f"bookdown _bookdown.yml (rmd_files, {chosen})"
        entries = _quarto_entries(files, manifest, f"rmd_files.{chosen}", depth=1)
    elif files is not None:
        source = "bookdown _bookdown.yml (rmd_files)"
        entries = _quarto_entries(files, manifest, "rmd_files", depth=1)
    else:
        source = "bookdown's default: the .Rmd files by name, index.Rmd first"
        entries = [Listed(0, name) for name in _bookdown_default(folder)]
    return listed_order(source, "bookdown", manifest, folder, entries)


def _bookdown_default(folder: str) -> list[str]:
    names = sorted(name for name in os.listdir(folder) if name.lower().endswith(".rmd") and not name.startswith(("_", ".")))
    return sorted(names, key=lambda name: name.lower() != "index.rmd")


# -- Leanpub -----------------------------------------------------------------------------


_LEANPUB_SECTION = lazy(r"(?:front|main|back)matter:", re.IGNORECASE)  # Markua's section lines, not files


def leanpub_order(folder: str) -> Optional[BookOrder]:
    """Leanpub: ``manuscript/Book.txt`` (or ``Book.txt`` in the folder given), one
    file of the manuscript folder a line."""
    manifest = next((path for path in (os.path.join(folder, "manuscript", "Book.txt"), os.path.join(folder, "Book.txt")) if os.path.isfile(path)), None)
    if manifest is None:
        return None
    entries = [
        Listed(number, line.strip())
        for number, line in enumerate(read_book_file(manifest).splitlines(), 1)
        if line.strip() and not _LEANPUB_SECTION.fullmatch(line.strip())
    ]
    return listed_order("Leanpub Book.txt", "leanpub", manifest, os.path.dirname(manifest), entries)


# -- GitBook -----------------------------------------------------------------------------


def gitbook_order(folder: str) -> Optional[BookOrder]:
    """GitBook with a configuration: ``.gitbook.yaml`` (``root``, default the folder;
    ``structure.summary`` and ``structure.readme``, relative to the root), else a
    legacy ``book.json`` (``root``, ``structure``). None without either, or when the
    summary they name by default does not exist (GitBook then makes the contents
    from the folders: citelint's file-name order)."""
    manifest = os.path.join(folder, ".gitbook.yaml")
    if os.path.isfile(manifest):
        tree = yaml_file(manifest)
        structure = lookup(tree, manifest, "structure")
        settings = (yaml_string(tree, manifest, "root"), yaml_string(structure, manifest, "summary"), yaml_string(structure, manifest, "readme"))
        return _gitbook_configured(manifest, *settings)
    legacy = os.path.join(folder, "book.json")
    if os.path.isfile(legacy):
        import json

        try:
            data = json.loads(read_book_file(legacy))
        except (ValueError, RecursionError) as error:
            raise BookError(f"{shown_path(legacy)}: not valid JSON: {error}") from None
        if not isinstance(data, dict):
            return None
        structure = data.get("structure") if isinstance(data.get("structure"), dict) else {}
        settings = (data.get("root"), structure.get("summary"), structure.get("readme"))
        for key, value in zip(("root", "structure.summary", "structure.readme"), settings):
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise BookError(f"{shown_path(legacy)}: {key!r} must be a path")
        return _gitbook_configured(legacy, *settings)
    return None


def _gitbook_configured(manifest: str, root: Optional[str], summary: Optional[str], readme: Optional[str]) -> Optional[BookOrder]:
    base = within_project(manifest, root or ".", "'root'")
    if not os.path.isdir(base):
        raise BookError(f"{shown_path(manifest)}: 'root' {shorten(root or '.', 120)!r} is not a folder ({shown_path(base)})")
    listing = within_project(manifest, os.path.join(root or ".", summary or "SUMMARY.md"), "'structure.summary'", summary or "SUMMARY.md")
    if not os.path.isfile(listing):
        if summary is None:
            return None
        raise BookError(f"{shown_path(manifest)}: the summary {shorten(summary, 120)!r} does not exist ({shown_path(listing)})")
    first_page = os.path.join(base, readme or "README.md")
    if readme is not None and not os.path.isfile(first_page):
        raise BookError(f"{shown_path(manifest)}: the readme (the first page) {shorten(readme, 120)!r} does not exist ({shown_path(first_page)})")
    return _gitbook(listing, summary_entries(read_book_file(listing), titles=True), first_page, f"GitBook {os.path.basename(listing)}")


def gitbook_summary_order(folder: str) -> Optional[BookOrder]:
    """GitBook without a configuration: a ``SUMMARY.md`` in the folder that links to
    at least one file (a summary of prose is no table of contents); its links as
    mdBook's are read, ``README.md`` first when it exists and is not listed."""
    listing = os.path.join(folder, "SUMMARY.md")
    if not os.path.isfile(listing) or _is_mdbook_source(folder):
        return None
    entries = summary_entries(read_book_file(listing), titles=True)
    if not any(entry.target for entry in entries):
        return None
    return _gitbook(listing, entries, os.path.join(folder, "README.md"), "GitBook SUMMARY.md")


def _is_mdbook_source(folder: str) -> bool:
    """Whether ``folder`` is the source folder of an mdBook above it (its nearest
    ``book.toml``'s ``src``, default ``src``): outside a repository, ``citelint book
    src`` finds no ``book.toml``, and its ``SUMMARY.md`` is still not GitBook's."""
    import tomllib

    for above in folders_up(os.path.dirname(os.path.abspath(folder)))[:MAX_MDBOOK_SOURCE_DEPTH]:
        manifest = os.path.join(above, "book.toml")
        if os.path.isfile(manifest):
            try:
                book = tomllib.loads(read_book_file(manifest)).get("book", {})
            except (tomllib.TOMLDecodeError, RecursionError, BookError):
                return True  # an mdBook's, unreadable: not GitBook's either
            source = book.get("src", "src") if isinstance(book, dict) else "src"
            return isinstance(source, str) and real_path(os.path.join(above, source)) == real_path(folder)
    return False


def _gitbook(listing: str, entries: list[Listed], first_page: str, source: str) -> BookOrder:
    """The chapters ``listing`` links to (relative to its folder), GitBook's first
    page (its readme) before them when they leave it out."""
    base = os.path.dirname(listing)
    listed = {real_path(os.path.join(base, entry.target)) for entry in entries if entry.target}
    if os.path.isfile(first_page) and real_path(first_page) not in listed:
        entries.insert(0, Listed(0, os.path.relpath(first_page, base)))
    return listed_order(source, "gitbook", listing, base, entries)


MAX_MDBOOK_SOURCE_DEPTH = 8  # folders above a SUMMARY.md searched for the book.toml whose src it is


# -- MkDocs ------------------------------------------------------------------------------


MKDOCS_PAGE_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")  # MkDocs's documentation pages
MKDOCS_NAV_PLUGINS = ("awesome-pages", "awesome-nav", "literate-nav", "mkdocs-nav-weight", "navsorted")  # they order pages without nav
MAX_INHERIT = 8  # mkdocs.yml files, each INHERITing the next


def mkdocs_order(folder: str) -> Optional[BookOrder]:
    """MkDocs: ``nav`` of ``mkdocs.yml`` (or ``mkdocs.yaml``, with what it ``INHERIT``s),
    its pages relative to ``docs_dir`` (default ``docs``); without ``nav``, MkDocs's
    own order: the docs folder's pages, in each folder ``index.md`` (or
    ``README.md``) first, then its other pages by name, then its subfolders."""
    manifest = next((os.path.join(folder, name) for name in ("mkdocs.yml", "mkdocs.yaml") if os.path.isfile(os.path.join(folder, name))), None)
    if manifest is None:
        return None
    tree = _mkdocs_settings(manifest)
    docs_dir = yaml_string(tree, manifest, "docs_dir") or "docs"
    base = within_project(manifest, docs_dir, "'docs_dir'")
    if not os.path.isdir(base):
        raise BookError(f"{shown_path(manifest)}: the docs folder {shorten(docs_dir, 120)!r} does not exist ({shown_path(base)})")
    nav = lookup(tree, manifest, "nav")
    notes: list[FileError] = []
    if nav is not None:
        entries, skipped = _mkdocs_nav(nav, manifest)
        source = "MkDocs mkdocs.yml (nav)"
    else:
        entries, skipped = [Listed(0, page) for page in _mkdocs_default(base)], []
        source = "MkDocs's default (no nav): the docs folder's pages by name, index.md first"
        plugins = [name for name in _mkdocs_plugins(tree) if name in MKDOCS_NAV_PLUGINS]
        if plugins:
            notes.append(FileError(shown_path(manifest), f"the {plugins[0]!r} plugin orders the pages, and citelint does not read its files; the book's order is MkDocs's default: list the chapters in nav, or in the configuration's 'chapters'"))
    order = listed_order(source, "mkdocs", manifest, base, entries)
    notes += _not_markdown_note(manifest, skipped)
    return order._replace(folder=shown_path(base), notes=(*order.notes, *notes))


def _mkdocs_settings(manifest: str) -> Any:
    """The settings of ``manifest`` over those of the files it ``INHERIT``s (each
    within the project), the child's keys first."""
    tree = yaml_file(manifest)
    if not isinstance(tree, dict):
        raise BookError(f"{shown_path(manifest)}: is not a mapping of MkDocs settings")
    merged, current = dict(tree), manifest
    for _ in range(MAX_INHERIT):
        parent_name = yaml_string(tree, current, "INHERIT")
        if parent_name is None:
            return merged
        current = within_project(current, parent_name, "'INHERIT'")
        if not os.path.isfile(current):
            raise BookError(f"{shown_path(manifest)}: INHERIT names {shorten(parent_name, 120)!r}, which does not exist ({shown_path(current)})")
        tree = yaml_file(current)
        if not isinstance(tree, dict):
            raise BookError(f"{shown_path(current)}: is not a mapping of MkDocs settings")
        merged = {**tree, **merged}
    raise BookError(f"{shown_path(manifest)}: INHERIT goes more than {MAX_INHERIT} files deep")


def _mkdocs_nav(nav: Any, manifest: str) -> tuple[list[Listed], list[str]]:
    """The pages of ``nav`` in order, and the non-Markdown ones left out. An item is
    ``- page.md``, ``- Title: page.md`` or ``- Section: [items]``; a URL (or an
    absolute path, a link on the site) is no page."""
    entries: list[Listed] = []
    skipped: list[str] = []
    stack: list[Any] = list(reversed(as_list(nav, manifest, "nav")))
    while stack:
        item = readable(stack.pop(), manifest)
        if isinstance(item, dict) and len(item) == 1:
            title, value = next(iter(item.items()))
            value = readable(value, manifest)
            if isinstance(value, list):
                stack.extend(reversed(value))
                continue
            if not isinstance(value, YamlText):
                entries.append(Listed(0, "", f"the 'nav' entry {shorten(title, 60)!r} names no page: write 'Title: page.md', or a list of pages under it"))
                continue
            item = value
        if not isinstance(item, YamlText):
            shown = shorten(repr(item), 60)
            entries.append(Listed(0, "", f"a 'nav' entry is not 'page.md', 'Title: page.md' or 'Section:' with a list ({shown})"))
            continue
        target = item.split("#", 1)[0].strip()
        if not target:
            entries.append(Listed(item.line, "", "an empty entry in 'nav': no chapter is read from it; write the page's file name, or remove the line"))
        elif re.match(r"[A-Za-z][A-Za-z0-9+.-]*:|/", target):
            continue  # a link off the docs
        elif not target.lower().endswith(MKDOCS_PAGE_SUFFIXES):
            skipped.append(target)
        else:
            entries.append(Listed(item.line, target))
    return entries, skipped


def _mkdocs_default(base: str) -> list[str]:
    """The pages of MkDocs's nav without ``nav``, relative to ``base``: each folder's
    ``index`` (else ``README``) page, its other pages by name, then its subfolders
    in turn; names starting with ``.`` and the top ``templates`` folder left out, as
    MkDocs leaves them. Folders are walked without recursion, symbolic links to
    folders not followed."""
    pages: list[str] = []
    stack = [""]
    while stack:
        relative = stack.pop()
        try:
            with os.scandir(os.path.join(base, relative)) as listing:
                found = [(entry.name, entry.is_dir(follow_symlinks=False)) for entry in listing if not entry.name.startswith(".")]
        except OSError as error:
            raise BookError(f"{shown_path(os.path.join(base, relative))}: folder cannot be read: {error.strerror or error}") from None
        names = sorted(name for name, is_dir in found if not is_dir and name.lower().endswith(MKDOCS_PAGE_SUFFIXES))
        stems = {os.path.splitext(name)[0] for name in names}
        names = [name for name in names if not (os.path.splitext(name)[0] == "README" and "index" in stems)]  # index.md wins, as in MkDocs
        names.sort(key=lambda name: os.path.splitext(name)[0] not in ("index", "README"))
        pages.extend(os.path.join(relative, name) for name in names)
        folders = sorted(name for name, is_dir in found if is_dir and not (relative == "" and name == "templates"))
        stack.extend(os.path.join(relative, name) for name in reversed(folders))
    return pages


def _mkdocs_plugins(tree: dict[str, Any]) -> list[str]:
    """The names of the plugins ``tree`` lists (a list of names or of one-key
    mappings, or a mapping); what cannot be read gives none."""
    plugins = tree.get("plugins")
    if isinstance(plugins, dict):
        return [str(name) for name in plugins]
    if not isinstance(plugins, list):
        return []
    return [str(next(iter(item))) if isinstance(item, dict) and item else str(item) for item in plugins if isinstance(item, (YamlText, dict))]


def _not_markdown_note(manifest: str, skipped: list[str]) -> list[FileError]:
    """One note naming the listed pages that are not Markdown (a notebook, reST),
    which citelint does not read."""
    if not skipped:
        return []
    named = [shorten(name, 80) for name in skipped[:3]] + ([f"{len(skipped) - 3} more"] if len(skipped) > 3 else [])
    shown = ", ".join(named[:-1]) + " and " + named[-1] if len(named) > 1 else named[0]
    many = len(skipped) != 1
    return [FileError(shown_path(manifest), f"{shown} {'are' if many else 'is'} not Markdown; citelint reads Markdown chapters only, and leaves {'them' if many else 'it'} out of the book")]


# -- Jupyter Book ------------------------------------------------------------------------


JUPYTER_BOOK_SUFFIXES = (".md", ".ipynb", ".rst", ".markdown")  # the suffix a `file:` may leave out, in the order tried
MARKDOWN_CHAPTERS = (".md", ".markdown")  # of a Jupyter Book's chapters, those citelint reads
JUPYTER_BOOK_CHILDREN = ("parts", "subtrees", "chapters", "sections", "entries")  # keys whose lists hold more entries
JUPYTER_BOOK_FORMATS = ("jb-book", "jb-article")


def jupyter_book_order(folder: str) -> Optional[BookOrder]:
    """Jupyter Book: ``_toc.yml`` — ``root``, then ``chapters`` (``jb-book``) or
    ``sections`` (``jb-article``), ``parts`` with a ``caption`` and their
    ``chapters``, each entry's ``sections`` after it, in order. An entry's ``file:``
    is relative to the folder of ``_toc.yml``, its suffix optional (``.md`` tried
    first, then ``.ipynb``, ``.rst``); ``url:`` entries are links, ``glob:`` entries
    their matches by name. Chapters that are not Markdown are left out, with a note.
    The older form (a list of ``- file:`` entries at the top) is read too."""
    manifest = next((os.path.join(folder, name) for name in ("_toc.yml", "_toc.yaml") if os.path.isfile(os.path.join(folder, name))), None)
    if manifest is None:
        return None
    tree = readable(yaml_file(manifest), manifest)
    if isinstance(tree, dict):
        form = yaml_string(tree, manifest, "format")
        if form is not None and form not in JUPYTER_BOOK_FORMATS:
            raise BookError(f"{shown_path(manifest)}: format {shorten(form, 40)!r} is not one citelint reads ({', '.join(JUPYTER_BOOK_FORMATS)}); set 'chapters' in the configuration")
        root = lookup(tree, manifest, "root")
        if not isinstance(root, YamlText) or not root.strip():
            raise BookError(f"{shown_path(manifest)}: has no 'root' (the book's first page)")
        items: list[Any] = [{"file": root}, tree]
    elif isinstance(tree, list):
        items = tree  # the form before Jupyter Book 0.11
    else:
        raise BookError(f"{shown_path(manifest)}: is not a table of contents (a mapping with 'root', or a list of entries)")
    entries, skipped = _jupyter_book_entries(items, manifest, folder)
    order = listed_order("Jupyter Book _toc.yml", "jupyter-book", manifest, folder, entries)
    return order._replace(notes=(*order.notes, *_not_markdown_note(manifest, skipped)))


def _jupyter_book_entries(items: list[Any], manifest: str, folder: str) -> tuple[list[Listed], list[str]]:
    """Each entry's file, then its children's, depth first (without recursion)."""
    entries: list[Listed] = []
    skipped: list[str] = []
    stack = list(reversed(items))
    while stack:
        item = readable(stack.pop(), manifest)
        if not isinstance(item, dict):
            shown = f"{shown_path(manifest)}:{item.line}" if isinstance(item, YamlText) else shown_path(manifest)
            raise BookError(f"{shown}: an entry is not a mapping ('- file: name', '- url: …', '- glob: …'): {shorten(repr(item), 60)}")
        kinds = [key for key in ("file", "url", "glob") if key in item]
        if kinds and kinds[0] == "file":
            _jupyter_book_file(readable(item["file"], manifest), manifest, folder, entries, skipped)
        elif kinds and kinds[0] == "glob":
            _jupyter_book_glob(readable(item["glob"], manifest), manifest, folder, entries, skipped)
        elif not kinds and not any(key in item for key in (*JUPYTER_BOOK_CHILDREN, "caption", "header", "part", "root")):
            entries.append(Listed(0, "", f"an entry names no file ('file:', 'url:' or 'glob:'): {shorten(repr(item), 60)}"))
        for key in reversed(JUPYTER_BOOK_CHILDREN):
            children = readable(item.get(key), manifest)
            if children is None:
                continue
            if not isinstance(children, list):
                raise BookError(f"{shown_path(manifest)}: {key!r} must be a list of entries")
            stack.extend(reversed(children))
    return entries, skipped


def _jupyter_book_file(name: Any, manifest: str, folder: str, entries: list[Listed], skipped: list[str]) -> None:
    if not isinstance(name, YamlText) or not name.strip():
        line = name.line if isinstance(name, YamlText) else 0
        entries.append(Listed(line, "", "an empty 'file:': no chapter is read from it; write the chapter's file name, or remove the entry"))
        return
    written = str(name).strip()
    stem, suffix = os.path.splitext(written)
    candidates = [written] if suffix.lower() in JUPYTER_BOOK_SUFFIXES else []
    candidates += [(stem if suffix.lower() in JUPYTER_BOOK_SUFFIXES else written) + each for each in JUPYTER_BOOK_SUFFIXES]
    found = next((candidate for candidate in candidates if os.path.isfile(os.path.join(folder, candidate))), None)
    if found is None:
        tried = (stem if suffix.lower() in JUPYTER_BOOK_SUFFIXES else written)
        entries.append(Listed(name.line, "", f"chapter {shorten(written, 120)!r} does not exist ({shown_path(os.path.join(folder, tried))}.md, .ipynb or .rst)"))
    elif found.lower().endswith(MARKDOWN_CHAPTERS):
        entries.append(Listed(name.line, found))
    else:
        skipped.append(found)


def _jupyter_book_glob(pattern: Any, manifest: str, folder: str, entries: list[Listed], skipped: list[str]) -> None:
    """A ``glob:`` entry: the files its pattern matches (without their suffix, as
    Sphinx matches them), by name."""
    import glob

    if not isinstance(pattern, YamlText) or not pattern.strip():
        entries.append(Listed(pattern.line if isinstance(pattern, YamlText) else 0, "", "an empty 'glob:': no chapter is read from it"))
        return
    if os.path.isabs(pattern.strip()) or ".." in re.split(r"[\\/]", pattern):
        entries.append(Listed(pattern.line, "", f"'glob' {shorten(str(pattern), 120)!r} reaches out of the book's folder; citelint matches a glob within it only"))
        return
    matches = sorted(
        os.path.relpath(match, folder)
        for each in JUPYTER_BOOK_SUFFIXES
        for match in glob.glob(os.path.join(glob.escape(folder), str(pattern).strip() + each), recursive=True)
        if os.path.isfile(match)
    )
    if not matches:
        entries.append(Listed(pattern.line, "", f"'glob' {shorten(str(pattern), 120)!r} matches no file"))
    for match in matches:
        if match.lower().endswith(MARKDOWN_CHAPTERS):
            entries.append(Listed(pattern.line, match))
        else:
            skipped.append(match)


# -- every tool, in the order they are looked for ----------------------------------------


BOOK_TOOLS: tuple[Callable[[str], Optional[BookOrder]], ...] = (mdbook_order, quarto_order, bookdown_order, leanpub_order, gitbook_order, mkdocs_order, jupyter_book_order)
