"""The language server: pygls 2 and lsprotocol wired to ``views`` and ``project``.

Open Markdown and plain-text chapters are linted from the editor's text on open
and, debounced, on change, in a worker thread (the server answers meanwhile);
a result that a newer edit has overtaken is not published. Configuration files
are re-read when the client says they changed (watched files) or one is saved.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import uuid
from typing import TYPE_CHECKING, Any, Callable, Optional, Sequence
from urllib.parse import unquote

from cattrs import BaseValidationError, transform_error  # lsprotocol's (de)serialiser: its errors say what is wrong
from lsprotocol import types as lsp
from pygls.capabilities import ServerCapabilitiesBuilder
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams, JsonRpcInvalidRequest, JsonRpcParseError
from pygls.protocol import language_server as language_server_protocol
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace import TextDocument

from citelint.catalog import RENUMBERING_CODES
from citelint.diagnostics import Diagnostic, Severity, printable, shorten
from citelint.files import MAX_FILE_BYTES
from citelint.server.outline import ENTRY, HEADING, Lens, Symbol, citation_lenses, inlay_hints, outline
from citelint.server.positions import Position
from citelint.server.project import Project, is_config_file
from citelint.server.url_cache import UrlVerdicts
from citelint.server.views import Change, ChapterView, FileChanges, Location, Range, Refused
from citelint.version import __version__

if TYPE_CHECKING:
    from citelint.server.book import EditorBook, OpenBook

FIX_ALL = "source.fixAll.citelint"
CHECK_URLS = "citelint.checkUrls"
CHECK_URLS_KIND = "source.checkUrls.citelint"
# The client-side commands that show a list of locations (a code lens's "cited 3
# times"), tried in this order: offered only to a client that names one in
# capabilities.experimental.commands.commands (rust-analyzer's convention). VS
# Code's own editor.action.showReferences takes VS Code's types, not LSP's JSON:
# a client must convert the arguments (uri, position, locations) to name it.
SHOW_REFERENCES = ("citelint.showReferences", "editor.action.showReferences")
MAX_DISABLE_ACTIONS = 5
DEBOUNCE_SECONDS = 0.3
BOOK_DEBOUNCE_SECONDS = 1.0  # the other open chapters of the project, after an edit of one
REQUEST_FAILED = -32803  # LSP's RequestFailed: the request was valid, the answer is no
CHAPTER_LANGUAGES = frozenset({"markdown", "plaintext", "text", "txt"})
_SEVERITIES = {Severity.ERROR: lsp.DiagnosticSeverity.Error, Severity.WARNING: lsp.DiagnosticSeverity.Warning, Severity.INFO: lsp.DiagnosticSeverity.Information}
log = logging.getLogger(__name__)


class CitelintServer(LanguageServer):
    """The server's state: the project's configurations, the parsed chapter of each
    open document, and the pending lint of each."""

    def __init__(self, rules_url: str = "") -> None:
        # Whole texts on change: pygls's incremental sync splits lines where LSP does
        # not (U+2028, form feeds), which would put an edit in the wrong place.
        super().__init__("citelint", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Full, protocol_cls=_AnsweringProtocol)
        self.rules_url = rules_url
        self.project = Project(os.getcwd())
        self.views: dict[str, tuple[int, ChapterView]] = {}
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.config_uris: set[str] = set()
        self.url_verdicts = UrlVerdicts()
        self.book: Optional["EditorBook"] = None  # with book numbering: the closed chapters' summaries (server.book)
        self.show_inlay_hints = True  # initializationOptions {"inlayHints": false} switches them off

    # -- documents -------------------------------------------------------------

    def is_chapter(self, document: TextDocument) -> bool:
        path = to_fs_path(document.uri) or ""
        if is_config_file(path):
            return False
        if document.language_id in CHAPTER_LANGUAGES:
            return True
        suffixes = self.project.settings_for(path).settings.suffixes + (".md", ".markdown", ".txt")
        return path.lower().endswith(suffixes)

    def open_document(self, uri: str) -> Optional[TextDocument]:
        """The open document at ``uri`` (None when not open: never one read from
        disk). pygls keys them by the decoded URI: an editor's ``my%20book`` or
        ``a%2Bb`` is the document opened under either spelling."""
        return self.workspace.text_documents.get(unquote(uri))

    def open_documents(self) -> list[TextDocument]:
        """The open documents, each with the URI the editor gave it."""
        return list(self.workspace.text_documents.values())

    def view(self, uri: str) -> Optional[ChapterView]:
        """The parsed chapter of the document's current text (made when first asked)."""
        document = self.open_document(uri)
        if document is None or not self.is_chapter(document) or _too_large(document.source):
            return None
        version = document.version if document.version is not None else -1
        cached = self.views.get(uri)
        if cached is not None and cached[0] == version and cached[1].text == document.source:
            return cached[1]
        view = self.make_view(document.source, uri)
        self.views[uri] = (version, view)
        return view

    def requested_view(self, uri: str) -> Optional[ChapterView]:
        """The chapter a request names (None: an open document citelint does not
        lint); a document that is not open is invalid params, not a silent null:
        the server knows only the texts the editor has opened."""
        if self.open_document(uri) is None:
            raise JsonRpcInvalidParams(f"{shorten(printable(uri), 200)} is not open: citelint answers about the documents the editor has opened (textDocument/didOpen)")
        return self.view(uri)

    def report_server_error(self, error: Exception, source: Any) -> None:
        """A message that is not JSON (or not UTF-8: what pygls's reading loop
        reports as a JsonRpcException's ``source``) gets JSON-RPC's parse error,
        with a null id (none can be read); other errors as pygls reports them."""
        if source is JsonRpcException and isinstance(error, ValueError):
            assert isinstance(self.protocol, _AnsweringProtocol)
            self.protocol.answer_error(None, JsonRpcParseError(f"not a JSON-RPC message: {shorten(printable(str(error)), 200)}"))
            return
        super().report_server_error(error, source)

    def make_view(self, text: str, uri: str) -> ChapterView:
        path = to_fs_path(uri) or ""
        settings = self.project.settings_for(path).settings
        book = self.open_book() if path else None
        return ChapterView(text, settings, path, _encoding(self), self.url_verdicts, book)

    def open_book(self) -> "OpenBook":
        """The chapter's book as the editor has it whenever it is asked: its open
        chapters' texts, the others from disk."""
        from citelint.server.book import EditorBook, OpenBook

        if self.book is None:
            self.book = EditorBook(_encoding(self))
        return OpenBook(self.book, lambda: {real: document.source for real, document in self.open_chapters().items()})

    def open_chapters(self) -> dict[str, TextDocument]:
        """The open chapters by real path (those not too large to lint)."""
        from citelint.server.book import real_path

        found = {}
        for document in self.open_documents():
            path = to_fs_path(document.uri)
            if path and self.is_chapter(document) and not _too_large(document.source):
                found[real_path(path)] = document
        return found

    def uris(self, uri: str, view: ChapterView) -> Callable[[str], str]:
        """The URI of each file a location of the view's names: the view's own
        document's ``uri``; an open chapter's as the editor gave it; a closed
        file's from its path."""
        from citelint.server.book import real_path

        documents = self.open_chapters()
        here = real_path(view.path) if view.path else None

        def uri_of(path: str) -> str:
            if path == view.path or (path and real_path(path) == here):
                return uri
            document = documents.get(real_path(path))
            return document.uri if document is not None else from_fs_path(os.path.abspath(path)) or path

        return uri_of

    def locations(self, uri: str, view: ChapterView, found: Sequence[Location]) -> list[lsp.Location]:
        uri_of = self.uris(uri, view)
        return [lsp.Location(uri=uri_of(where.path), range=_range(where.range)) for where in found]

    def workspace_edit(self, uri: str, view: ChapterView, files: Sequence[FileChanges]) -> Optional[lsp.WorkspaceEdit]:
        """The changes of a fix as one edit: the view's document at ``uri``, the
        book's other open chapters at theirs (with their versions, when the client
        checks them), closed files at their paths. None when an open document no
        longer has the text the fix was made on (an edit came in between)."""
        documents = self.open_chapters()
        edits: list[tuple[str, Optional[int], list[lsp.TextEdit]]] = []
        for file in files:
            target = self._edit_target(uri, view, file, documents)
            if target is None:
                return None
            edits.append((*target, [lsp.TextEdit(range=_range(change.range), new_text=change.text) for change in file.changes]))
        if _checks_versions(self):
            return lsp.WorkspaceEdit(document_changes=[lsp.TextDocumentEdit(lsp.OptionalVersionedTextDocumentIdentifier(uri=target, version=version), list(found)) for target, version, found in edits])
        return lsp.WorkspaceEdit(changes={target: found for target, _, found in edits})

    def _edit_target(self, uri: str, view: ChapterView, file: FileChanges, documents: dict[str, TextDocument]) -> Optional[tuple[str, Optional[int]]]:
        """Where a file's changes go: an open document (its URI and version) while it
        has the text they were made on, else nowhere (None); a closed file at its path."""
        from citelint.server.book import real_path

        own = file.path == view.path
        document = self.open_document(uri) if own else documents.get(real_path(file.path))
        if document is None:
            return None if own else (from_fs_path(os.path.abspath(file.path)) or file.path, None)
        return (document.uri, document.version) if document.source == file.text else None

    def relint_book(self, uri: str) -> None:
        """The other open chapters of the project again: a change in one can change
        what the checks across files find in another (CIT014 at a later chapter;
        with book numbering, the book-wide rules)."""
        from citelint.book_checks import wanted_in_run

        path = to_fs_path(uri) or ""
        loaded = self.project.settings_for(path)
        if loaded.settings.numbering != "book" and not wanted_in_run(loaded.settings):
            return
        for document in self.open_documents():
            other = document.uri
            other_path = to_fs_path(other) or ""
            if unquote(other) != unquote(uri) and self.is_chapter(document) and self.project.settings_for(other_path).source == loaded.source:
                self.schedule_lint(other, BOOK_DEBOUNCE_SECONDS, book_changed=True)

    # -- diagnostics --------------------------------------------------------------

    def schedule_lint(self, uri: str, delay: float, book_changed: bool = False) -> None:
        """``book_changed``: another chapter of the book changed (the hints and
        lenses of this one may name its entries and count its citations)."""
        running = self.pending.pop(uri, None)
        if running is not None:
            running.cancel()
        self.pending[uri] = asyncio.get_running_loop().create_task(self._lint(uri, delay, book_changed))

    async def _lint(self, uri: str, delay: float, book_changed: bool = False) -> None:
        try:
            if delay:
                await asyncio.sleep(delay)
            document = self.open_document(uri)
            if document is None or not self.is_chapter(document):
                return
            version, text, path = document.version, document.source, to_fs_path(uri) or ""
            if self.project.excluded(path):
                self.publish(uri, version, [])
                return
            if _too_large(text):
                self.publish(uri, version, [_too_large_diagnostic()])
                return
            view = await asyncio.get_running_loop().run_in_executor(None, _linted, self, text, uri)
            current = self.open_document(uri)
            if current is None or current.version != version or current.source != text:
                return  # a newer edit is being linted
            self.views[uri] = (version if version is not None else -1, view)
            self.publish(uri, version, [self.lsp_diagnostic(view, finding) for finding in view.findings()])
            if book_changed and view.settings.numbering == "book":
                self.refresh_hints_and_lenses()
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - one chapter's failure must not stop the server
            log.exception("linting %s failed", uri)
            self.window_log_message(lsp.LogMessageParams(lsp.MessageType.Error, f"citelint: linting {uri} failed: {printable(str(error))}"))
        finally:
            if self.pending.get(uri) is asyncio.current_task():
                del self.pending[uri]

    def refresh_hints_and_lenses(self) -> None:
        """Ask the editor to ask again for the inlay hints and code lenses it shows,
        when it takes such a request: an edit of one chapter of a book can change
        what another's name and count, and the editor asks again only for the
        document edited."""
        workspace = self.client_capabilities.workspace
        if workspace and workspace.inlay_hint and workspace.inlay_hint.refresh_support and self.show_inlay_hints:
            self.workspace_inlay_hint_refresh(None)
        if workspace and workspace.code_lens and workspace.code_lens.refresh_support:
            self.workspace_code_lens_refresh(None)

    def show_references_command(self) -> Optional[str]:
        """The command of the client's that shows a list of locations, if it names one."""
        experimental = self.client_capabilities.experimental  # any JSON the client sent
        declared = experimental.get("commands") if isinstance(experimental, dict) else None
        commands = declared.get("commands") if isinstance(declared, dict) else None
        if not isinstance(commands, list):
            return None
        return next((name for name in SHOW_REFERENCES if name in commands), None)

    def publish(self, uri: str, version: Optional[int], diagnostics: list[lsp.Diagnostic]) -> None:
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version))

    def lsp_diagnostic(self, view: ChapterView, finding: Diagnostic) -> lsp.Diagnostic:
        return lsp.Diagnostic(
            range=_range(view.diagnostic_range(finding)),
            message=f"{printable(finding.message)} [{finding.name}]",
            severity=_SEVERITIES[finding.severity],
            code=finding.code,
            code_description=lsp.CodeDescription(href=self.rule_link(finding.code, finding.name)) if self.rules_url else None,
            source="citelint",
            data={"name": finding.name, "fixable": finding.fix is not None},
        )

    def rule_link(self, code: str, name: str) -> str:
        return f"{self.rules_url}#{code.lower()}-{name}"

    # -- URL checks ----------------------------------------------------------------

    async def check_urls(self, uri: str) -> dict[str, int]:
        uris = [uri] if uri else [document.uri for document in self.open_documents() if self.is_chapter(document)]
        paths = [path for u in uris if (path := to_fs_path(u)) and os.path.isfile(path)]
        token = f"citelint-urls-{uuid.uuid4()}"
        progress = bool(self.client_capabilities.window and self.client_capabilities.window.work_done_progress)
        if progress:
            await self.work_done_progress.create_async(token)
            self.work_done_progress.begin(token, lsp.WorkDoneProgressBegin(title="citelint: checking links", message=f"{len(paths)} chapter(s), as saved"))
        failed = 0
        for config, group in _by_configuration(self.project, paths).items():
            command = [sys.executable, "-m", "citelint", "check", "--urls", "--quiet", "--format", "json", *(["--config", config] if config else []), *group]
            process = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
            _, errors = await process.communicate()
            if process.returncode == 2:
                failed += 1
                self.window_log_message(lsp.LogMessageParams(lsp.MessageType.Warning, f"citelint check --urls: {printable(errors.decode('utf-8', 'replace'))}"))
        if progress:
            self.work_done_progress.end(token, lsp.WorkDoneProgressEnd(message=f"checked the links of {len(paths)} chapter(s)"))
        self.url_verdicts.forget()  # the child wrote new verdicts: read them again
        self.views.clear()
        for chapter_uri in uris:
            self.schedule_lint(chapter_uri, 0)
        return {"chapters": len(paths), "failed": failed}

    # -- configuration ----------------------------------------------------------------

    def reload_configuration(self) -> None:
        """Read the configuration files again, show their errors, re-lint every chapter."""
        self.project.reload()
        self.url_verdicts.forget()
        self.views.clear()
        for document in self.open_documents():
            if self.is_chapter(document):
                self.schedule_lint(document.uri, 0)
        self.publish_config_errors()

    def publish_config_errors(self) -> None:
        for document in self.open_documents():
            if self.is_chapter(document):
                self.project.settings_for(to_fs_path(document.uri) or "")
        shown: set[str] = set()
        for source, error in self.project.errors().items():
            uri = from_fs_path(source) or source
            shown.add(uri)
            diagnostics = [] if not error else [
                lsp.Diagnostic(
                    range=lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0)),
                    message=printable(error),
                    severity=lsp.DiagnosticSeverity.Error,
                    source="citelint",
                    code="config",
                )
            ]
            self.publish(uri, None, diagnostics)
        for uri in self.config_uris - shown:  # a file no longer in use (or mended and gone)
            self.publish(uri, None, [])
        self.config_uris = shown


class _Answered:
    """A request that could not be read and has been answered with an error."""


_ANSWERED = _Answered()


class _AnsweringProtocol(language_server_protocol.LanguageServerProtocol):
    """pygls's protocol, answering each request it cannot read. pygls logs a
    request whose params are not its method's (a missing position, a string for a
    number) and answers nothing, so the editor waits for ever; here it gets
    JSON-RPC's InvalidParams (-32602) saying what is wrong, and a message that is no
    request (no method) InvalidRequest (-32600), with its id, or null when it has
    none. A notification is never answered (JSON-RPC): pygls logs it."""

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            answer = _unreadable(data, error)
            if answer is None:
                raise
            self.answer_error(data["id"] if _is_id(data.get("id")) else None, answer)
            return _ANSWERED

    def handle_message(self, message: Any) -> None:
        if message is not _ANSWERED:
            super().handle_message(message)

    def answer_error(self, msg_id: Optional[int | str], error: JsonRpcException) -> None:
        """An error response, with a null id when none could be read (pygls's
        responses leave a null id out, and JSON-RPC asks for it)."""
        self._send_data({"jsonrpc": "2.0", "id": msg_id, "error": self._converter.unstructure(error.to_response_error())})


def _unreadable(data: dict[str, Any], error: JsonRpcException) -> Optional[JsonRpcException]:
    """The error answering a message that could not be read; None for a
    notification or a response (neither is answered)."""
    method = data.get("method")
    if isinstance(method, str) and _is_id(data.get("id")):
        cause = error.__cause__
        why = "; ".join(transform_error(cause)[:5]) if isinstance(cause, BaseValidationError) else str(error)
        return JsonRpcInvalidParams(f"invalid params for {shorten(printable(method), 80)}: {shorten(printable(why), 400)}")
    if isinstance(method, str) and "id" not in data:
        return None  # a notification
    if method is None and ("result" in data or "error" in data):
        return None  # a response
    return JsonRpcInvalidRequest("not a JSON-RPC request: it needs a method (a string) and an id (a number or a string)")


def _is_id(value: object) -> bool:
    return isinstance(value, (int, str)) and not isinstance(value, bool)


class _PreferUtf8(ServerCapabilitiesBuilder):
    """UTF-8 columns whenever the client offers them (no conversion of a line to
    UTF-16 per position); else pygls's choice: the client's first it knows, or UTF-16."""

    @classmethod
    def choose_position_encoding(cls, client_capabilities: lsp.ClientCapabilities) -> Any:
        offered = client_capabilities.general.position_encodings if client_capabilities.general else None
        if offered and lsp.PositionEncodingKind.Utf8 in offered:
            return lsp.PositionEncodingKind.Utf8
        return super().choose_position_encoding(client_capabilities)


def build(rules_url: str = "") -> CitelintServer:
    """The server with its features registered."""
    language_server_protocol.ServerCapabilitiesBuilder = _PreferUtf8  # where pygls's initialize looks it up
    server = CitelintServer(rules_url)

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: CitelintServer, params: lsp.InitializeParams) -> None:
        root = params.root_path or (to_fs_path(params.root_uri) if params.root_uri else None)
        if params.workspace_folders:
            root = to_fs_path(params.workspace_folders[0].uri) or root
        ls.project = Project(root or os.getcwd())
        options = params.initialization_options
        ls.show_inlay_hints = not (isinstance(options, dict) and options.get("inlayHints") is False)

    @server.feature(lsp.INITIALIZED)
    async def initialized(ls: CitelintServer, params: lsp.InitializedParams) -> None:
        watched = ls.client_capabilities.workspace and ls.client_capabilities.workspace.did_change_watched_files
        if watched and watched.dynamic_registration:
            watchers = [lsp.FileSystemWatcher(glob_pattern=f"**/{name}") for name in ("pyproject.toml", ".citelint.toml")]
            options = lsp.DidChangeWatchedFilesRegistrationOptions(watchers=watchers)
            registration = lsp.Registration(id="citelint-configuration", method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options)
            try:
                await ls.client_register_capability_async(lsp.RegistrationParams(registrations=[registration]))
            except Exception:  # noqa: BLE001 - a client that refuses: didSave still reloads
                log.warning("the client did not register the configuration watchers")

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: CitelintServer, params: lsp.DidOpenTextDocumentParams) -> None:
        document = ls.workspace.get_text_document(params.text_document.uri)
        if ls.is_chapter(document):
            ls.schedule_lint(document.uri, 0)
            ls.publish_config_errors()

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: CitelintServer, params: lsp.DidChangeTextDocumentParams) -> None:
        document = ls.workspace.get_text_document(params.text_document.uri)
        if ls.is_chapter(document):
            ls.schedule_lint(document.uri, DEBOUNCE_SECONDS)
            ls.relint_book(document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: CitelintServer, params: lsp.DidSaveTextDocumentParams) -> None:
        if is_config_file(to_fs_path(params.text_document.uri) or ""):
            ls.reload_configuration()
        else:
            ls.relint_book(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: CitelintServer, params: lsp.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        running = ls.pending.pop(uri, None)
        if running is not None:
            running.cancel()
        ls.views.pop(uri, None)
        if not is_config_file(to_fs_path(uri) or ""):
            ls.publish(uri, None, [])
            ls.relint_book(uri)  # the others now read it from disk

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: CitelintServer, params: lsp.DidChangeWatchedFilesParams) -> None:
        if any(is_config_file(to_fs_path(change.uri) or "") for change in params.changes):
            ls.reload_configuration()

    @server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix, FIX_ALL, CHECK_URLS_KIND]))
    # Requests run in worker threads (@server.thread): a large chapter's parse or a
    # rename's verification never holds up the messages behind it.
    @server.thread()
    def code_action(ls: CitelintServer, params: lsp.CodeActionParams) -> Optional[list[lsp.CodeAction]]:
        view = ls.requested_view(params.text_document.uri)
        if view is None:
            return None
        only = params.context.only
        actions: list[lsp.CodeAction] = []
        if _wanted(only, lsp.CodeActionKind.QuickFix):
            actions += _quick_fixes(ls, view, params)
        if _wanted(only, FIX_ALL) and (only or (view.findings() and view.settings.numbering != "book")):
            # With book numbering, only when asked for: the book's fix parses every chapter.
            actions += _fix_all(ls, view, params.text_document.uri)
        if _wanted(only, CHECK_URLS_KIND) and next(view.links(), None) is not None:
            command = lsp.Command(title="citelint: check the links of this chapter", command=CHECK_URLS, arguments=[params.text_document.uri])
            actions.append(lsp.CodeAction(title=command.title, kind=CHECK_URLS_KIND, command=command))
        return actions

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    @server.thread()
    def hover(ls: CitelintServer, params: lsp.HoverParams) -> Optional[lsp.Hover]:
        view = ls.requested_view(params.text_document.uri)
        found = view.hover(_position(params.position)) if view is not None else None
        if found is None:
            return None
        text, where = found
        return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text), range=_range(where))

    @server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
    @server.thread()
    def definition(ls: CitelintServer, params: lsp.DefinitionParams) -> Optional[list[lsp.Location]]:
        uri = params.text_document.uri
        view = ls.requested_view(uri)
        if view is None:
            return None
        return ls.locations(uri, view, view.definition(_position(params.position))) or None

    @server.feature(lsp.TEXT_DOCUMENT_REFERENCES)
    @server.thread()
    def references(ls: CitelintServer, params: lsp.ReferenceParams) -> Optional[list[lsp.Location]]:
        uri = params.text_document.uri
        view = ls.requested_view(uri)
        if view is None:
            return None
        found = view.references(_position(params.position), params.context.include_declaration)
        return None if found is None else ls.locations(uri, view, found)

    @server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_LINK)
    @server.thread()
    def document_link(ls: CitelintServer, params: lsp.DocumentLinkParams) -> Optional[list[lsp.DocumentLink]]:
        view = ls.requested_view(params.text_document.uri)
        if view is None:
            return None
        return [lsp.DocumentLink(range=_range(link.range), target=link.target) for link in view.links()]

    @server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=[" ", ",", "[", ">", "^"]))
    @server.thread()
    def completion(ls: CitelintServer, params: lsp.CompletionParams) -> Optional[lsp.CompletionList]:
        view = ls.requested_view(params.text_document.uri)
        items = view.completions(_position(params.position)) if view is not None else []
        if not items:
            return None
        return lsp.CompletionList(
            is_incomplete=False,
            items=[
                lsp.CompletionItem(
                    label=str(item.number),
                    label_details=lsp.CompletionItemLabelDetails(description=item.title),
                    detail=item.title,
                    documentation=item.detail,
                    kind=lsp.CompletionItemKind.Reference,
                    insert_text=str(item.number),
                    sort_text=item.sort,
                    filter_text=str(item.number),
                )
                for item in items
            ],
        )

    @server.feature(lsp.TEXT_DOCUMENT_PREPARE_RENAME)
    @server.thread()
    def prepare_rename(ls: CitelintServer, params: lsp.PrepareRenameParams) -> Optional[lsp.Range]:
        view = ls.requested_view(params.text_document.uri)
        if view is None:
            return None
        try:
            return _range(view.prepare_rename(_position(params.position)))
        except Refused as refused:
            raise JsonRpcException(printable(str(refused)), REQUEST_FAILED) from None

    @server.feature(lsp.TEXT_DOCUMENT_RENAME, lsp.RenameOptions(prepare_provider=True))
    @server.thread()
    def rename(ls: CitelintServer, params: lsp.RenameParams) -> Optional[lsp.WorkspaceEdit]:
        uri = params.text_document.uri
        view = ls.requested_view(uri)
        if view is None:
            raise JsonRpcException("citelint renames reference numbers in Markdown and plain-text chapters only", REQUEST_FAILED)
        try:
            changes = view.rename(_position(params.position), params.new_name)
        except Refused as refused:
            raise JsonRpcException(f"cannot renumber: {printable(str(refused))}", REQUEST_FAILED) from None
        return _workspace_edit(uri, changes)

    @server.feature(lsp.TEXT_DOCUMENT_INLAY_HINT, lsp.InlayHintOptions(resolve_provider=False))
    @server.thread()
    def inlay_hint(ls: CitelintServer, params: lsp.InlayHintParams) -> Optional[list[lsp.InlayHint]]:
        view = ls.requested_view(params.text_document.uri)
        if view is None or not ls.show_inlay_hints:
            return None
        hints = inlay_hints(view, _position(params.range.start), _position(params.range.end))
        return [lsp.InlayHint(position=lsp.Position(*hint.position), label=hint.label, tooltip=hint.tooltip, padding_left=True) for hint in hints]

    @server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @server.thread()
    def document_symbol(ls: CitelintServer, params: lsp.DocumentSymbolParams) -> Optional[list[lsp.DocumentSymbol] | list[lsp.SymbolInformation]]:
        uri = params.text_document.uri
        view = ls.requested_view(uri)
        if view is None:
            return None
        symbols = outline(view)
        symbol_support = ls.client_capabilities.text_document.document_symbol if ls.client_capabilities.text_document else None
        if symbol_support and symbol_support.hierarchical_document_symbol_support:
            return [_document_symbol(symbol) for symbol in symbols]
        return _flat_symbols(uri, symbols, None)

    @server.feature(lsp.TEXT_DOCUMENT_CODE_LENS, lsp.CodeLensOptions(resolve_provider=False))
    @server.thread()
    def code_lens(ls: CitelintServer, params: lsp.CodeLensParams) -> Optional[list[lsp.CodeLens]]:
        uri = params.text_document.uri
        view = ls.requested_view(uri)
        if view is None:
            return None
        command = ls.show_references_command()
        uri_of = ls.uris(uri, view)
        return [lsp.CodeLens(range=_range(lens.range), command=_lens_command(lens, uri, uri_of, command)) for lens in citation_lenses(view)]

    @server.command(CHECK_URLS)
    async def check_urls(ls: CitelintServer, uri: str = "") -> dict[str, int]:
        """Check the URLs of one open chapter (or of every open one) with ``citelint
        check --urls`` in a child process, with progress; then show its verdicts."""
        return await ls.check_urls(uri)

    return server


def _linted(server: CitelintServer, text: str, uri: str) -> ChapterView:
    view = server.make_view(text, uri)
    view.findings()
    return view


def _by_configuration(project: Project, paths: list[str]) -> dict[str, list[str]]:
    """The chapters grouped by the configuration file they use ('' for none)."""
    groups: dict[str, list[str]] = {}
    for path in paths:
        groups.setdefault(project.settings_for(path).source or "", []).append(path)
    return groups


_SYMBOL_KINDS = {HEADING: lsp.SymbolKind.String, ENTRY: lsp.SymbolKind.Key}  # a list without a heading: Array


def _document_symbol(symbol: Symbol) -> lsp.DocumentSymbol:
    return lsp.DocumentSymbol(
        name=symbol.name,
        kind=_SYMBOL_KINDS.get(symbol.kind, lsp.SymbolKind.Array),
        range=_range(symbol.range),
        selection_range=_range(symbol.selection),
        detail=symbol.detail or None,
        children=[_document_symbol(child) for child in symbol.children],
    )


def _flat_symbols(uri: str, symbols: Sequence[Symbol], container: Optional[str]) -> list[lsp.SymbolInformation]:
    """The outline for a client without nested symbols: each item with the name of the one holding it."""
    found = []
    for symbol in symbols:
        found.append(lsp.SymbolInformation(name=symbol.name, kind=_SYMBOL_KINDS.get(symbol.kind, lsp.SymbolKind.Array), location=lsp.Location(uri=uri, range=_range(symbol.range)), container_name=container))
        found += _flat_symbols(uri, symbol.children, symbol.name)
    return found


def _lens_command(lens: Lens, uri: str, uri_of: Callable[[str], str], command: Optional[str]) -> lsp.Command:
    """The lens's title, and the client's command showing the markers citing the
    entry when the client names one (SHOW_REFERENCES), each in its file (with
    book numbering, every chapter's); else the title alone (an empty command,
    which VS Code shows as text and runs nothing: a lens needs a command to be
    shown at all)."""
    if command is None or not lens.citing:
        return lsp.Command(title=lens.title, command="")
    # As JSON: a command's arguments are any JSON, which pygls does not convert from lsprotocol's classes.
    locations = [{"uri": uri_of(where.path), "range": _json_range(where.range)} for where in lens.citing]
    return lsp.Command(title=lens.title, command=command, arguments=[uri, _json_position(lens.position), locations])


def _json_position(position: Position) -> dict[str, int]:
    return {"line": position.line, "character": position.character}


def _json_range(where: Range) -> dict[str, dict[str, int]]:
    return {"start": _json_position(where.start), "end": _json_position(where.end)}


def _quick_fixes(server: CitelintServer, view: ChapterView, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    """For the findings in the range: each one's fix, one renumbering for all the
    numbering findings (one renumbering fixes them all), and a disabling comment
    per rule and line (at most MAX_DISABLE_ACTIONS: each is checked by a lint)."""
    uri = params.text_document.uri
    wanted = _position(params.range.start), _position(params.range.end)
    actions: list[lsp.CodeAction] = []
    numbering: list[lsp.Diagnostic] = []
    disabling: dict[tuple[str, int], lsp.CodeAction] = {}
    for finding in view.findings():
        where = view.diagnostic_range(finding)
        if where.end < wanted[0] or where.start > wanted[1]:
            continue
        diagnostic = server.lsp_diagnostic(view, finding)
        if finding.code in RENUMBERING_CODES:
            numbering.append(diagnostic)
        elif finding.fix is not None:
            changes = [Change(view.edit_range(edit), edit.content) for edit in finding.fix.edits]
            actions.append(_action(printable(finding.fix.description), lsp.CodeActionKind.QuickFix, uri, changes, [diagnostic], preferred=True))
        key = (finding.code, finding.line)
        if key not in disabling and len(disabling) < MAX_DISABLE_ACTIONS and (change := view.disable_change(finding)) is not None:
            disabling[key] = _action(f"Disable {finding.name} for this line", lsp.CodeActionKind.QuickFix, uri, [change], [diagnostic])
    renumbering = view.renumbering() if numbering else None
    edit = server.workspace_edit(uri, view, renumbering.files) if renumbering is not None else None
    if edit is not None:
        title = "Renumber the references in order of first citation (citelint fix)"
        if view.settings.numbering == "book":
            title = f"Renumber the book's references in order of first citation (citelint fix: {len(renumbering.files)} file{'' if len(renumbering.files) == 1 else 's'})"
        actions.insert(0, lsp.CodeAction(title=title, kind=lsp.CodeActionKind.QuickFix, diagnostics=numbering, edit=edit, is_preferred=True))
    return actions + list(disabling.values())


def _fix_all(server: CitelintServer, view: ChapterView, uri: str) -> list[lsp.CodeAction]:
    """``citelint fix`` as one action: of the chapter, or with book numbering of
    the whole book; shown disabled with the reason when it refuses or has nothing
    to do; none when an open chapter changed while it was made (asked again, it is)."""
    fixed = view.fix_all()
    if fixed.refused is not None:
        return [lsp.CodeAction(title="citelint fix", kind=FIX_ALL, disabled=lsp.CodeActionDisabled(reason=f"not fixed: {printable(fixed.refused)}"))]
    if not fixed.files:
        return [lsp.CodeAction(title="citelint fix", kind=FIX_ALL, disabled=lsp.CodeActionDisabled(reason="nothing to fix"))]
    edit = server.workspace_edit(uri, view, fixed.files)
    return [] if edit is None else [lsp.CodeAction(title=f"citelint fix: {printable(fixed.summary)}", kind=FIX_ALL, edit=edit)]


def _action(title: str, kind: str, uri: str, changes: list[Change], diagnostics: Optional[list[lsp.Diagnostic]], preferred: bool = False) -> lsp.CodeAction:
    return lsp.CodeAction(title=title, kind=kind, diagnostics=diagnostics, edit=_workspace_edit(uri, changes), is_preferred=preferred or None)


def _workspace_edit(uri: str, changes: Sequence[Change]) -> lsp.WorkspaceEdit:
    return lsp.WorkspaceEdit(changes={uri: [lsp.TextEdit(range=_range(change.range), new_text=change.text) for change in changes]})


def _checks_versions(server: LanguageServer) -> bool:
    """Whether the client takes an edit's documents with their versions (and
    refuses it when a document has changed since)."""
    workspace = server.client_capabilities.workspace
    return bool(workspace and workspace.workspace_edit and workspace.workspace_edit.document_changes)


def _wanted(only: Optional[Sequence[str]], kind: str) -> bool:
    """Whether the client asked for actions of ``kind`` (``only`` lists kinds or their parents)."""
    return not only or any(kind == asked or kind.startswith(f"{asked}.") for asked in only)


def _position(position: lsp.Position) -> Position:
    return Position(position.line, position.character)


def _range(where: Range) -> lsp.Range:
    return lsp.Range(start=lsp.Position(*where.start), end=lsp.Position(*where.end))


def _encoding(server: LanguageServer) -> str:
    encoding: Any = server.workspace.position_encoding
    return str(getattr(encoding, "value", encoding) or "utf-16")


def _too_large(text: str) -> bool:
    return len(text) > MAX_FILE_BYTES or (not text.isascii() and len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES)


def _too_large_diagnostic() -> lsp.Diagnostic:
    return lsp.Diagnostic(
        range=lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0)),
        message=f"this chapter is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; citelint does not lint it",
        severity=lsp.DiagnosticSeverity.Warning,
        source="citelint",
    )


def serve(rules_url: str = "") -> None:
    """Run the server on standard input and output until the client says exit."""
    build(rules_url).start_io()
