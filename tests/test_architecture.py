"""The package's own imports, read with ``ast``: no import cycle between citelint
modules (imports inside functions included), and no import that points up the
layers documented in docs/development.md."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "citelint"

# Lowest first. A module imports only from its own layer or the ones below it.
LAYERS: tuple[tuple[str, ...], ...] = (
    # values and pure helpers that import nothing of citelint's but these
    ("version", "lazy_pattern", "diagnostics", "strict_yaml", "patterns", "text_folding", "block_structure", "mistune_adapter", "block_scanner", "atomic_write", "urls.limits", "urls.http_cache", "urls.policy", "urls.fingerprint", "urls.page_meta", "urls.titles"),
    # what rules exist, and the file system's edge
    ("catalog", "files"),
    # settings, the result cache's storage, and the check command's options
    ("config", "cache", "book_listing", "summary_links", "book_tools", "book_order", "check_options"),
    # one parse of a file: its blocks, markers, reference list, suppression comments
    ("document", "markers", "references", "suppress", "cited_work", "same_work"),
    ("chapter",),
    ("rules", "rules.*"),
    # decisions over a chapter: what a file reports, the lint core, the renumbering
    ("selection", "lint", "renumbering", "book_checks", "book_numbering"),
    # the URL checker (requests and requests-cache only in urls.http)
    ("urls", "urls.store", "urls.http", "urls.checker", "urls.doi", "urls.history", "urls.wrong_page", "urls.soft404", "urls.cached_run"),
    # output: the reports, and what the commands write to the terminal
    ("report", "report.*", "docsgen", "console"),
    # drivers: checking files, the process fan-out, fixing files, the URL run, the check command's run
    ("check_files", "processes", "fix_files", "check_urls", "fix_book", "check_command"),
    # the interface: the command line and the public Python API
    ("cli", "__main__", "", "book_command", "book_overview", "book_overview_html", "init_project", "bibliography", "server", "server.*", "watch"),
)


def module_names() -> dict[str, Path]:
    names = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return names


def imports(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Each module's citelint imports, at any depth of the module (functions too)."""
    found: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and node.module.split(".")[0] == "citelint":
                base = node.module.removeprefix("citelint").removeprefix(".")
                for alias in node.names:
                    child = f"{base}.{alias.name}" if base else alias.name
                    targets.add(child if child in modules else base)
            elif isinstance(node, ast.Import):
                targets |= {alias.name.removeprefix("citelint").removeprefix(".") for alias in node.names if alias.name.split(".")[0] == "citelint"}
        found[name] = {target for target in targets if target != name and target in modules}
    return found


def layer_of(name: str) -> int:
    for index, members in enumerate(LAYERS):
        for member in members:
            if member == name or (member.endswith(".*") and name.startswith(member[:-1])):
                return index
    raise AssertionError(f"citelint.{name} is in no layer: add it to LAYERS here and to docs/development.md")


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (iterative Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


GRAPH = imports(module_names())


def test_no_import_cycles() -> None:
    assert cycles(GRAPH) == []


def test_every_module_has_a_layer() -> None:
    for name in GRAPH:
        layer_of(name)


@pytest.mark.parametrize("name", sorted(GRAPH), ids=lambda name: name or "citelint")
def test_imports_point_down_the_layers(name: str) -> None:
    upward = sorted(target for target in GRAPH[name] if layer_of(target) > layer_of(name))
    assert upward == [], f"citelint.{name} imports {upward} from a higher layer"


def test_the_check_finds_a_cycle_and_an_upward_import() -> None:
    """The checks can fail."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]
    assert layer_of("cli") > layer_of("lint") > layer_of("chapter") > layer_of("document") > layer_of("files")


def test_a_json_report_parses_a_chapter_once_to_lint_and_once_to_verify(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Counted, not timed: a chapter that needs renumbering is parsed once for the
    lint and once to verify the renumbering its JSON finding carries, and its
    suppression comments are read once (the verification reads its own text's)."""
    import citelint.chapter
    import citelint.document
    from helpers import REFS, check_json

    parses: list[str] = []
    comment_reads: list[int] = []
    original_init = citelint.document.Document.__init__
    original_find = citelint.chapter.find_directives

    def counting_init(self: citelint.document.Document, source: str, *args: object, **kwargs: object) -> None:
        parses.append(source)
        original_init(self, source, *args, **kwargs)  # type: ignore[arg-type]

    def counting_find(document: citelint.document.Document) -> list:  # type: ignore[type-arg]
        comment_reads.append(id(document))
        return original_find(document)

    monkeypatch.setattr(citelint.document.Document, "__init__", counting_init)
    monkeypatch.setattr(citelint.chapter, "find_directives", counting_find)
    text = "A. [CITATION 2] B. [CITATION 1] <!-- citelint-disable-line CIT006 -->\n" + REFS
    (project / "ch.md").write_text(text, encoding="utf-8")
    code, report, _ = check_json("--no-cache", "ch.md")
    assert code == 1 and any(d["fix"] for d in report["diagnostics"] if d["code"] == "CIT003")
    assert parses[0] == text and len(parses) == 2
    assert len(comment_reads) == 2 and comment_reads.count(comment_reads[0]) == 1


def test_the_lint_core_makes_no_file_system_call(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths are resolved once at the edge (config.project_names, by the drivers):
    parsing, selection, the rules and the renumbering never look at the disk."""
    import os

    from citelint.chapter import Chapter
    from citelint.config import Settings, project_names
    from citelint.lint import lint_chapter
    from citelint.renumbering import fix_chapter
    from citelint.selection import Selection
    from helpers import REFS

    settings = Settings(per_file_ignores=(("drafts/*", ("CIT006",)),), root="/nonexistent/project")
    text = "A. [CITATION 2] B [CITATION 1].\n" + REFS
    chapter = Chapter.parse(text, settings)
    names = ("drafts/ch.md",)  # as project_names resolves them at the edge

    def no_disk(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a file-system call in the lint core: {args}")

    fix_chapter(chapter, "drafts/ch.md", Selection.of(chapter, "drafts/ch.md", names))  # imports done before
    with monkeypatch.context() as patched:
        for name in ("realpath", "exists", "isfile", "lexists"):
            patched.setattr(os.path, name, no_disk)
        for name in ("stat", "lstat", "scandir", "listdir"):
            patched.setattr(os, name, no_disk)
        selection = Selection.of(chapter, "drafts/ch.md", names)
        found = [d.code for d in lint_chapter(chapter, "drafts/ch.md", selection=selection)]
        changed = fix_chapter(chapter, "drafts/ch.md", selection)[0].changed
    assert found == ["CIT003", "CIT002"] and changed  # CIT006 ignored for drafts/*
    assert project_names(settings, "drafts/ch.md")[-1] == "drafts/ch.md"
