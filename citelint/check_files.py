"""Lint files on disk: read each, lint it (from the result cache, in parallel
when it pays off), collect findings and errors."""

import os
from functools import partial
from typing import TYPE_CHECKING, Callable, Iterable, NamedTuple, Optional

from citelint.config import Settings, reading_boundary
from citelint.diagnostics import Diagnostic, FileError, Fix
from citelint.files import STDIN, SourceFile, collect, is_excluded, read_source, shown_path

if TYPE_CHECKING:
    from citelint.book_checks import BookEntry
    from citelint.book_numbering import FileSummary
    from citelint.cache import Cached, ResultCache, Stamp
    from citelint.chapter import Chapter
    from citelint.selection import Selection
    from citelint.urls.cached_run import CachedUrlRun, Status, Stored

# Each link's verdict, by the keys of urls.url_keys; called with those keys and a function
# for the run's thread to call while it waits for the links, a step at a time: again while
# it returns true (None: nothing to do then).
UrlCheck = Callable[[list[str], Optional[Callable[[], object]]], dict]  # type: ignore[type-arg]
PARALLEL_MIN_FILES = 8
PARALLEL_MIN_BYTES = 1_000_000


class CheckResult:
    """What a check of many files found, filled in as files are linted."""

    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []
        self.errors: list[FileError] = []
        self.notes: list[FileError] = []
        self.files_checked = 0


def lint_one(source: SourceFile, settings: Settings, fixes: bool = False) -> list[Diagnostic] | FileError:
    """Lint one decoded file; an unexpected failure becomes a FileError naming it, never a crash."""
    return lint_with_entries(source, settings, fixes)[0]


def lint_with_entries(
    source: SourceFile, settings: Settings, fixes: bool = False, across: bool = True
) -> tuple[list[Diagnostic] | FileError, Optional[tuple["BookEntry", ...]]]:
    """``lint_one``, and the file's reference entries for the checks across files
    (book_checks), or None when the run has no other file (``across``): reading
    each entry's fields costs more than its lint."""
    found, entries, _ = _lint_for_book(source, settings, fixes, across)
    return found, entries


def _lint_for_book(
    source: SourceFile, settings: Settings, fixes: bool = False, across: bool = True
) -> tuple[list[Diagnostic] | FileError, Optional[tuple["BookEntry", ...]], Optional["FileSummary"]]:
    """``lint_with_entries``, and in book numbering what the book-wide rules read
    of the file (book_numbering.summary_of), from the same parse."""
    from citelint.chapter import Chapter
    from citelint.files import reads_as_plain_text

    try:
        chapter = Chapter.parse(source.text, settings, reads_as_plain_text(source.path))
        summary = _numbering_summary(chapter)
        prepared = _prepared(chapter, source.path, fixes, across)
        return _with_links(chapter, source.path, None, prepared), prepared.entries, summary
    except Exception as error:  # noqa: BLE001 - one bad file must not stop the others
        return _lint_failure(source.path, error), (), None


def _lint_failure(path: str, error: Exception) -> FileError:
    """Why a file could not be linted, as the run names it: the others are linted still."""
    if isinstance(error, RecursionError):
        return FileError(path, "is nested too deeply to lint")
    if isinstance(error, MemoryError):
        return FileError(path, "is too large to lint in the memory available")
    return FileError(path, f"internal error while linting ({type(error).__name__}: {error}); please report it")


def _numbering_summary(chapter: "Chapter") -> Optional["FileSummary"]:
    """In book numbering, the file as the book-wide rules read it; else None."""
    if chapter.settings.numbering != "book":
        return None
    from citelint.book_numbering import summary_of

    return summary_of(chapter)


class _File(NamedTuple):
    """A file to check: the path to read, the name reports show, and its name in the cache."""

    path: str
    shown: str
    name: str


class _Outcome(NamedTuple):
    """What reading and linting one file gave, and what the cache keeps of it."""

    found: list[Diagnostic] | FileError
    read_error: bool  # the file could not be read (else: ``found`` is the lint's)
    empty: bool
    stamp: Optional["Stamp"] = None
    digest: str = ""
    trusted: bool = False
    cached: Optional["Cached"] = None  # the cache's entry that answered for the content read
    book: Optional[tuple["BookEntry", ...]] = ()  # the file's reference entries, for book_checks (None: not read)
    stored_book: Optional[str] = None  # or as the cache keeps them (book_checks.encode), when the file was not read
    unread: bool = False  # answered by its status alone: the cache's entry stays as it is
    numbering: Optional["FileSummary"] = None  # book numbering: the file as the book-wide rules read it
    stored_numbering: Optional[str] = None  # or as the cache keeps it, when the file was not linted


def check_paths(
    paths: Iterable[str],
    settings: Settings,
    url_check: Optional[UrlCheck] = None,
    cache: Optional["ResultCache"] = None,
    jobs: int = 1,
    stdin_name: str = STDIN,
    fixes: bool = False,
) -> CheckResult:
    """Lint the files (``-``: standard input, reported as ``stdin_name``). ``fixes``:
    the report shows fixes (JSON), so the first renumbering finding of a file carries
    the renumbering (a parse more to verify it).

    Files are read one at a time, by the process that lints them, so memory holds
    one file per process, never the book; a file whose status is unchanged since
    the cache saw it is not read at all."""
    result = CheckResult()
    paths = tuple(paths)
    found, result.errors = files_to_check(paths, settings)
    files = [_File(path, shown_path(path, stdin_name), cache.name(path) if cache else "") for path in found]
    unreported = _excluded_chapters(paths, settings)
    if url_check is not None:
        _check_with_urls(files, settings, url_check, result, fixes, cache, (unreported, paths))
        result.diagnostics.sort(key=Diagnostic.sort_key)
        return result
    across = len(files) > 1  # a check between files (CIT014) has more than one file to compare
    outcomes: list[Optional[_Outcome]] = [_from_status(file, cache, fixes, across) if cache else None for file in files]
    missing = [index for index, outcome in enumerate(outcomes) if outcome is None]
    for index, outcome in zip(missing, _lint_many([files[i] for i in missing], settings, jobs, cache, fixes, across)):
        outcomes[index] = outcome
    read_errors, lint_errors = [], []
    linted: list[tuple[_File, _Outcome]] = []
    for file, outcome in zip(files, outcomes):
        assert outcome is not None
        if isinstance(outcome.found, FileError):
            (read_errors if outcome.read_error else lint_errors).append(outcome.found)
            continue
        if outcome.empty:
            result.notes.append(FileError(file.shown, "is empty; nothing to check"))
        result.files_checked += 1
        result.diagnostics.extend(outcome.found)
        linted.append((file, outcome))
        if cache and not outcome.unread and outcome.digest:
            cache.put(file.name, outcome.stamp, outcome.digest, outcome.trusted, outcome.cached or _kept(outcome, fixes))
    if across or settings.numbering == "book":
        result.diagnostics += _across_files_cached(linted, settings, cache, fixes, (unreported, paths))
    result.errors += read_errors + lint_errors
    if cache:
        cache.save()
    result.diagnostics.sort(key=Diagnostic.sort_key)
    return result


class _Unreported(NamedTuple):
    """A chapter of the book that ``exclude`` names: not linted nor reported on, but
    its citations and entries are the book's (``fix`` renumbers it with the book)."""

    path: str
    shown: str
    place: int  # its place among the paths given (the book's files, in order)


def _excluded_chapters(paths: tuple[str, ...], settings: Settings) -> list[_Unreported]:
    """In book numbering, the files given (the book's) that ``exclude`` names: the book
    is judged whole, as ``citelint book`` prints it and ``fix`` renumbers it."""
    if settings.numbering != "book" or not settings.exclude:
        return []
    return [
        _Unreported(path, shown_path(path, STDIN), place)
        for place, path in enumerate(paths)
        if path != STDIN and os.path.isfile(path) and is_excluded(path, settings.exclude, settings.root)
    ]


_Excluded = tuple[list[_Unreported], tuple[str, ...]]  # the excluded chapters, and the paths given (their places)


def _with_unreported(files: list[tuple[str, str, Optional["FileSummary"]]], excluded: _Excluded) -> list[tuple[str, str, Optional["FileSummary"]]]:
    """The book's files in book order, the excluded chapters in their places (read
    from disk by ``findings_of_files``: they have no summary)."""
    unreported, paths = excluded
    if not unreported:
        return files
    place = {path: index for index, path in enumerate(paths)}
    placed = [(place.get(path, len(paths)), (path, shown, summary)) for path, shown, summary in files]
    placed += [(chapter.place, (chapter.path, chapter.shown, None)) for chapter in unreported]
    return [file for _, file in sorted(placed, key=lambda item: item[0])]


def _unreported_key(unreported: list[_Unreported]) -> Optional[str]:
    """What the cached findings between files depend on of the excluded chapters:
    their status (None when one cannot be read: nothing is cached)."""
    parts = []
    for chapter in unreported:
        try:
            info = os.stat(chapter.path)
        except OSError:
            return None
        parts.append(f"{chapter.shown}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ino}")
    return "\0".join(parts)


def _from_status(file: _File, cache: "ResultCache", fixes: bool, across: bool) -> Optional[_Outcome]:
    """A file's outcome from the cache by its status alone, without reading it
    (not when the run compares files and the entry was made without its entries)."""
    if file.path == STDIN:
        return None
    try:
        info = os.stat(file.path)
    except OSError:
        return None  # the read says why
    cached = cache.by_status(file.name, info, file.shown)
    found = _as_reported(cached, fixes) if cached else None
    if cached is None or found is None or (across and cached.book is None):
        return None
    if not across:  # nothing to compare: the entry's findings alone
        return _Outcome(found, False, cached.empty, book=None, unread=True, stored_numbering=cached.numbering)
    return _Outcome(found, False, cached.empty, digest=cached.digest, stored_book=cached.book, unread=True, stored_numbering=cached.numbering)


def _read_and_lint(file: _File, settings: Settings, cache: Optional["ResultCache"], fixes: bool, across: bool = True) -> _Outcome:
    """Read one file and lint it, or answer from the cache when its content is unchanged."""
    import time

    from citelint.files import decode, read_file

    started = time.time_ns()
    read = read_file(file.path)
    if isinstance(read, FileError):
        return _Outcome(FileError(file.shown, read.message), True, False)
    data, info = read
    stamp = trusted = None
    if info is not None and cache is not None:
        from citelint.cache import Stamp, trusted_stamp

        stamp, trusted = Stamp.of(info), trusted_stamp(info, started)
    digest = cache.digest(data) if cache else ""
    cached = cache.by_content(file.name, digest, file.shown) if cache else None
    found = _as_reported(cached, fixes) if cached else None
    book = (_cached_book(cached.book) if across else None) if cached else None
    if cached is not None and found is not None and (book is not None or not across):
        return _Outcome(found, False, cached.empty, stamp, digest, bool(trusted), cached=cached, book=book, stored_numbering=cached.numbering)
    source = decode(file.shown, data)
    del data
    if isinstance(source, FileError):
        return _Outcome(source, True, False)
    linted, entries, summary = _lint_for_book(source, settings, fixes, across)
    return _Outcome(linted, False, _is_empty(source.text), stamp, digest, bool(trusted), book=entries, numbering=summary)


def _is_empty(text: str) -> bool:
    return not text or text.isspace()


def _kept(outcome: _Outcome, fixes: bool) -> "Cached":
    """What the cache keeps of a file linted in this run."""
    from citelint.book_checks import encode
    from citelint.cache import Cached

    assert not isinstance(outcome.found, FileError)
    numbering = None
    if outcome.numbering is not None:
        from citelint.book_numbering import encode_summary

        numbering = encode_summary(outcome.numbering)
    return Cached(outcome.found, outcome.empty, None if outcome.book is None else encode(outcome.book), fixes, numbering=numbering)


def _as_reported(cached: "Cached", fixes: bool) -> Optional[list[Diagnostic]]:
    """A cached result as this run reports it. One entry serves every report: the
    renumbering a JSON report carries is dropped for the others, and an entry made
    without it is linted again for a JSON report (when it has a renumbering finding)."""
    from citelint.catalog import RENUMBERING_CODES

    found = cached.diagnostics
    if not any(d.code in RENUMBERING_CODES for d in found):
        return found
    if not fixes:
        return [d._replace(fix=None) if d.code in RENUMBERING_CODES else d for d in found]
    return found if cached.with_fixes else None


def _lint_many(files: list[_File], settings: Settings, jobs: int, cache: Optional["ResultCache"], fixes: bool, across: bool = True) -> list[_Outcome]:
    """Read and lint in order; in parallel processes when there are enough files to pay for them."""
    work = partial(_read_and_lint, cache=cache, fixes=fixes, across=across)
    if jobs > 1 and len(files) >= PARALLEL_MIN_FILES:
        sizes = [_size(file.path) for file in files]
        if sum(sizes) >= PARALLEL_MIN_BYTES:
            from citelint.processes import run_in_processes

            outcomes = run_in_processes(work, files, sizes, settings, jobs, warm_up=_warm_up)
            if outcomes is not None:
                return outcomes
    return [work(file, settings) for file in files]


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _warm_up(settings: Settings) -> None:
    """Import the lint path and compile the parser's patterns once, before forking,
    so that every child inherits them instead of paying for them again."""
    lint_one(SourceFile("", "x [CITATION 1]\n\n> - q\n\n1. a\n\n## References\n\n1. r\n"), settings)


class _Prepared:
    """What a file's report holds that no link's verdict changes: made while its
    links are fetched (``_check_with_urls``), before them otherwise. The report adds
    the links' findings (``_with_links``). A plain class: a NamedTuple would compile
    the annotation naming Selection, a module not imported here, at every start."""

    __slots__ = ("selection", "renumbering", "found", "entries")

    def __init__(self, selection: "Selection", renumbering: Optional[Fix], found: list[Diagnostic], entries: Optional[tuple["BookEntry", ...]]) -> None:
        self.selection = selection
        self.renumbering = renumbering  # the one a report that shows fixes carries
        self.found = found  # the rules' findings, as the file reports them (lint.rule_findings)
        self.entries = entries  # for the checks across files, when the run has other files (``across``)


def _prepared(chapter: "Chapter", path: str, fixes: bool, across: bool) -> _Prepared:
    """What a file's report holds that no link's verdict changes (``_Prepared``)."""
    from citelint.config import project_names
    from citelint.lint import rule_findings
    from citelint.selection import Selection

    selection = Selection.of(chapter, path, project_names(chapter.settings, path))  # the path resolved here, at the edge
    renumbering = None
    # Planned first: the parse that verifies it is let go before the findings are held.
    if fixes:
        from citelint.renumbering import planned_renumbering

        renumbering = planned_renumbering(chapter, path, selection)
    found = rule_findings(chapter, path, selection)
    entries = None
    if across:  # read only when there is another file to compare with
        from citelint.book_checks import book_entries

        entries = book_entries(chapter, selection)
    return _Prepared(selection, renumbering, found, entries)


def _with_links(chapter: "Chapter", path: str, verdicts: Optional[dict], prepared: _Prepared) -> list[Diagnostic]:  # type: ignore[type-arg]
    """A file's findings as the report shows them: the rules', the URL ``verdicts``'
    findings, and, for a report that shows fixes (JSON), the renumbering on the
    first renumbering finding. The file's comments were read once (``prepared``)."""
    from citelint.lint import with_extra

    extra: list[Diagnostic] = []
    if verdicts is not None:
        from citelint.urls import url_diagnostics

        extra = url_diagnostics(chapter, verdicts, path, prepared.selection)
    found = with_extra(prepared.found, extra, prepared.selection, path)
    if prepared.renumbering is None:
        return found
    from citelint.renumbering import with_renumbering

    return with_renumbering(found, prepared.renumbering)


def _check_with_urls(
    files: list[_File],
    settings: Settings,
    url_check: UrlCheck,
    result: CheckResult,
    fixes: bool = False,
    cache: Optional["ResultCache"] = None,
    excluded: _Excluded = ([], ()),
) -> None:
    """Lint with the references' links checked: every file's links first (each
    file parsed alone), one check of them all, then each file's findings. A book
    larger than the bytes linted at once (processes.IN_FLIGHT_CHARS) is not held
    parsed between the two: its files are parsed again, one at a time, so memory
    holds one file, as without ``--urls``. With the result cache (``cache``, an
    index of ``--urls`` runs: urls.cached_run), a file whose status is unchanged is
    not read: its links come from its entry, and its findings too while their
    verdicts are unchanged (not in book numbering, whose book-wide checks read every file)."""
    from citelint.urls import url_keys
    from citelint.processes import IN_FLIGHT_CHARS

    runs = None
    if cache is not None and settings.numbering != "book":
        from citelint.urls.cached_run import CachedUrlRun

        runs = CachedUrlRun(cache)
    known: dict[int, "Stored"] = {}  # the files answered by their entries, unread
    statuses: dict[int, Optional["Status"]] = {}  # the others' status before they were read

    hold = sum(_size(file.path) for file in files if file.path != STDIN) <= IN_FLIGHT_CHARS
    first_error = len(result.errors)  # the files' errors: those of reading before those of linting
    read_errors: list[FileError] = []
    kept: dict[int, "Chapter"] = {}
    parsed: list[int] = []  # the files whose links were read, in order
    keys: dict[str, None] = {}
    for index, file in enumerate(files):
        stored = runs.unread(file.path, file.name, file.shown) if runs and file.path != STDIN else None
        if stored is not None:
            parsed.append(index)
            known[index] = stored
            keys.update(dict.fromkeys(stored.links))
            if stored.cached.empty:
                result.notes.append(FileError(file.shown, "is empty; nothing to check"))
            continue
        statuses[index] = runs.status(file.path) if runs and file.path != STDIN else None
        chapter = _parse_for_urls(file, settings, result, read_errors)
        if chapter is None:
            continue
        parsed.append(index)
        keys.update(dict.fromkeys(url_keys(chapter)))
        if hold or file.path == STDIN:  # standard input is read once
            kept[index] = chapter
    across = len(parsed) > 1
    prepared = _Preparing(kept, files, fixes, across)
    verdicts = url_check(list(keys), prepared.step)
    unread_first = set(known)  # the files whose links came from their entries: nothing of them was parsed yet
    book = []
    summaries = []
    for index in parsed:
        file = files[index]
        answered = _answered(runs, known.pop(index), verdicts, fixes, across) if runs and index in known else None
        if answered is not None:
            result.files_checked += 1
            result.diagnostics.extend(answered[0])
            if answered[1] is not None:
                book.append((file.shown, answered[1]))
            continue
        if runs and index not in statuses:
            statuses[index] = runs.status(file.path)  # its entry's findings are stale: read it now
        # parsed again: its errors were said when its links were read, unless its entry answered then
        chapter = kept.pop(index, None) or _parse_for_urls(file, settings, result, read_errors, again=True, said=index not in unread_first)
        if chapter is None:
            continue
        try:
            ready = prepared.done.pop(index, None) or _prepared(chapter, file.shown, fixes, across)
            found = _with_links(chapter, file.shown, verdicts, ready)
        except Exception as error:  # noqa: BLE001 - one bad file must not stop the others, as without --urls
            _collect(result, _lint_failure(file.shown, error))
            continue
        _collect(result, found)
        entries = ready.entries  # read only when there is another file to compare with
        if entries is not None:
            book.append((file.shown, entries))
        status = statuses.get(index)
        if runs and status is not None:
            from citelint.book_checks import encode

            empty = _is_empty(chapter.document.text)
            runs.put(file.name, status, url_keys(chapter), verdicts, found, empty, None if entries is None else encode(entries), fixes)
        summaries.append((file.path, file.shown, _numbering_summary(chapter)))
    result.errors[first_error:first_error] = read_errors
    result.diagnostics += _across_files(book, settings)
    if settings.numbering == "book":  # one numbering across the book's chapters (book_numbering), as without --urls
        from citelint.book_numbering import findings_of_files

        result.diagnostics += findings_of_files(_with_unreported(summaries, excluded), settings)
    if runs:
        runs.save()


class _Preparing:
    """The run's thread's work while the links are fetched (``UrlCheck``), a step at
    a time: the fields of the entries whose pages the URL findings judge
    (urls.read_entries_ahead), then each file held parsed, ``_prepared``."""

    def __init__(self, kept: dict[int, "Chapter"], files: list[_File], fixes: bool, across: bool) -> None:
        self.waiting = iter(list(kept))  # indexes only: a chapter is let go once the report has used it (``kept``)
        self.kept = kept
        self.files = files
        self.fixes = fixes
        self.across = across
        self.done: dict[int, _Prepared] = {}
        self.entries_read = False

    def step(self) -> bool:
        """One step; whether there are more."""
        if not self.entries_read:
            from citelint.urls import read_entries_ahead

            self.entries_read = True
            read_entries_ahead(self.kept.values())
            return True
        for index in self.waiting:
            chapter = self.kept.get(index)
            if chapter is not None:
                self.done[index] = _prepared(chapter, self.files[index].shown, self.fixes, self.across)
            return True
        return False


def _answered(
    runs: "CachedUrlRun", stored: "Stored", verdicts: dict, fixes: bool, across: bool  # type: ignore[type-arg]
) -> Optional[tuple[list[Diagnostic], Optional[tuple["BookEntry", ...]]]]:
    """A file's findings (and its reference entries when the run compares files)
    from its entry, when its links' verdicts are those they were made from."""
    if not runs.fresh(stored, verdicts):
        return None
    found = _as_reported(stored.cached, fixes)
    book = _cached_book(stored.book) if across else None
    if found is None or (across and book is None):
        return None
    return found, book


def _parse_for_urls(
    file: _File, settings: Settings, result: CheckResult, read_errors: list[FileError], again: bool = False, said: Optional[bool] = None
) -> Optional["Chapter"]:
    """One file read and parsed, or None with why in ``result`` (a read error in
    ``read_errors``; an empty file's note only the first time, ``again`` being
    false; a failed parse unless it was said already, ``said``, which defaults to
    ``again``): a file is never left out without a word."""
    from citelint.chapter import Chapter
    from citelint.files import reads_as_plain_text

    source = read_source(file.path)
    if isinstance(source, FileError):
        read_errors.append(FileError(file.shown, source.message))
        return None
    if _is_empty(source.text) and not again:
        result.notes.append(FileError(file.shown, "is empty; nothing to check"))
    try:
        return Chapter.parse(source.text, settings, reads_as_plain_text(file.shown))
    except (RecursionError, MemoryError, Exception) as error:  # noqa: BLE001
        outcome = lint_one(SourceFile(file.shown, source.text), settings)
        if not (again if said is None else said):
            _collect(result, outcome if isinstance(outcome, FileError) else FileError(file.shown, str(error)))
        return None


def _collect(result: CheckResult, found: list[Diagnostic] | FileError) -> None:
    if isinstance(found, FileError):
        result.errors.append(found)
        return
    result.files_checked += 1
    result.diagnostics.extend(found)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


# -- checks across files (CIT014: book_checks) ------------------------------------


def _cached_book(stored: Optional[str]) -> Optional[tuple["BookEntry", ...]]:
    from citelint.book_checks import decode

    return decode(stored)


def _across_files_cached(
    linted: list[tuple[_File, _Outcome]], settings: Settings, cache: Optional["ResultCache"], fixes: bool, excluded: _Excluded = ([], ())
) -> list[Diagnostic]:
    """The findings between files (CIT014) and, in book numbering, across the book
    (with its ``unreported`` chapters); from the cache when every file's content is
    what it was when they were last found (an unchanged book compares nothing)."""
    unreported = excluded[0]
    key = None
    unreported_key = _unreported_key(unreported)
    if cache is not None and all(outcome.digest for _, outcome in linted) and unreported_key is not None:
        listed = "\0".join(f"{file.shown}\0{outcome.digest}" for file, outcome in linted) + (f"\0\0{unreported_key}" if unreported else "")
        key = cache.digest(listed.encode("utf-8", "surrogatepass"))
        found = cache.across(key)
        if found is not None:
            return found
    book = []
    for file, outcome in linted:
        entries = outcome.book if outcome.stored_book is None else _cached_book(outcome.stored_book)
        if entries is None:  # the cache's entries are not what it keeps: read them again
            entries = _read_and_lint(file, settings, None, fixes).book
        book.append((file.shown, entries))
    found = _across_files(book, settings)
    if settings.numbering == "book":  # one numbering across the book's chapters (book_numbering), after each file's own
        from citelint.book_numbering import decode_summary, findings_of_files

        summaries = [(file.path, file.shown, outcome.numbering or decode_summary(outcome.stored_numbering, settings)) for file, outcome in linted]
        found += findings_of_files(_with_unreported(summaries, excluded), settings)
    if key is not None:
        cache.put_across(key, found)
    return found


def files_to_check(paths: tuple[str, ...], settings: Settings) -> tuple[list[str], list[FileError]]:
    """The files a check of ``paths`` reads, in the order it compares them (CIT014
    reports at the later of two), and what cannot be read: the language server
    compares an open chapter with the same files."""
    found, errors = collect(paths, settings.exclude, root=settings.root, suffixes=settings.suffixes, boundary=reading_boundary(settings, paths))
    return _in_book_order(found, settings, paths), errors


def _in_book_order(files: list[str], settings: Settings, given: tuple[str, ...]) -> list[str]:
    """The files in book order when it is written down (the configuration's
    ``chapters``, a book tool's file: ``book_order.known_order``), the others after
    them in the order given: CIT014 reports at the later chapter of the book,
    whatever order the paths are given in. In book numbering the order given is
    the book's already; a run of one file compares nothing."""
    if settings.numbering == "book" or len(files) < 2:
        return files
    from citelint.book_order import known_order

    order = known_order(given, settings)
    if not order:
        return files
    place = {os.path.normcase(os.path.abspath(path)): index for index, path in enumerate(order)}
    return sorted(files, key=lambda file: place.get(os.path.normcase(os.path.abspath(file)), len(place)))


def _across_files(files: list[tuple[str, tuple["BookEntry", ...]]], settings: Settings) -> list[Diagnostic]:
    """The findings between files (CIT014), after every file's own."""
    if len(files) < 2 or not any(entries for _, entries in files):
        return []
    from citelint.book_checks import inconsistent_references

    return inconsistent_references(files, settings)
