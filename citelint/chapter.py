"""A parsed chapter: its document, markers and reference list, as rules see it."""

from bisect import bisect_left, bisect_right
from typing import Iterator, NamedTuple, Optional

from citelint.config import Settings
from citelint.diagnostics import Diagnostic, Fix, Rule, shorten
from citelint.document import Document
from citelint.markers import Marker, anchor_ids, anchor_links, evidence, find_markers, glued_brackets, hidden_pattern, may_hide, settle_markers
from citelint.references import ReferenceList, find_reference_list, is_reference_heading
from citelint.suppress import Directive, find_directives


MAX_BOOK_CHAPTERS = 500  # chapters of a book compiled into one file that are checked one by one
MAX_BOOK_WORK = 50_000_000  # chapters times the file's lines: each chapter's parse covers every line
YEAR_LIKE_LABEL = 1000  # an entry label this large is a year that a wrap left at a line start


class Chapter(NamedTuple):
    """Everything the rules need to know about one file, computed once."""

    document: Document
    markers: tuple[Marker, ...]
    references: Optional[ReferenceList]
    settings: Settings
    cited: tuple[Marker, ...]  # markers that cite, outside the reference list

    # A book compiled into one file (pandoc, Scrivener): each of its chapters, with
    # its own reference list and numbering, parsed from the file with the other
    # chapters' lines blanked (so lines and columns are the file's). Empty otherwise.
    parts: tuple["Chapter", ...] = ()
    # The file's suppression comments, read once with the chapter.
    directives: tuple[Directive, ...] = ()

    @classmethod
    def parse(cls, text: str, settings: Settings, plain_text: bool = False) -> "Chapter":
        """``plain_text``: a plain-text chapter (see ``files.reads_as_plain_text``)."""
        chapter = cls._of(Document(text, settings.heading_words, plain_text), settings)
        spans = _compiled_chapters(chapter)
        if not spans:
            return chapter
        parts = tuple(cls._of(Document(_only_lines(chapter.document, *span), settings.heading_words, plain_text), settings) for span in spans)
        return chapter._replace(parts=parts)

    @classmethod
    def _of(cls, document: Document, settings: Settings) -> "Chapter":
        markers = tuple(find_markers(document, settings.marker, settings.marker_style))
        citing = [marker for marker in markers if marker.numbers] if settings.marker_style == "citation" else evidence(markers)  # ``cites``
        references = find_reference_list(document, settings.heading_words, bool(citing), citing)
        if settings.marker_style == "brackets":  # a list's own `[1]` labels and links are not citations
            if references is None and not citing and any(marker.role == "label" for marker in markers):
                trailing = find_reference_list(document, settings.heading_words, True)  # `[1] …` lines nothing cites yet
                references = trailing if trailing is not None and trailing.mostly_references() else None
            markers = settle_markers(markers, document, references)
        elif settings.marker_style == "superscript":  # a list's own `- <sup>1</sup>` labels are not citations
            markers = settle_markers(markers, document, references)
        definitions = _Definitions.of(document, references)
        if definitions.starts:  # not read there, as in a comment (``hidden_citations``)
            markers = tuple(m for m in markers if not definitions.hold(m.start))
        if references is None:  # ``numbers``: whether it ``cites``, without a call a marker
            outside = tuple(m for m in markers if m.numbers)
        else:
            first, end = _list_offsets(document, references)
            outside = tuple(m for m in markers if m.numbers and not first <= m.start < end)
        directives = tuple(find_directives(document)) if "citelint-" in document.text else ()
        return cls(document, markers, references, settings, outside, directives=directives)

    def chapters(self) -> tuple["Chapter", ...]:
        """The chapters the numbering rules judge: the parts of a compiled book, else this one."""
        return self.parts or (self,)

    def in_reference_list(self, marker: Marker) -> bool:
        return _in_list(self.document, self.references, marker)

    def citations(self) -> list[Marker]:
        """Markers that cite, in text order, outside the reference list."""
        return list(self.cited)

    def finding(
        self,
        rule: Rule,
        start: int,
        end: int,
        message: str,
        fix: Optional[Fix] = None,
    ) -> Diagnostic:
        line, column = self.document.position(start)
        end_line, end_column = self.document.position(max(start, end))
        return Diagnostic(rule.code, rule.name, rule.severity, line, column, end_line, end_column, message, fix)

    def listed_citations(self) -> list[tuple[int, Marker]]:
        """Each cited number that the reference list holds, with its marker, in text
        order (every cited number when there is no list): a number with no entry is
        CIT001's, and is not also judged for order or gaps."""
        listed = self.references.numbers() if self.references is not None else None
        return [
            (number, marker)
            for marker in self.cited
            for number in marker.numbers
            if listed is None or number in listed
        ]

    def unlisted_near_miss(self, marker: Marker) -> Optional[tuple[int, ...]]:
        """In the numbered styles, the numbers of a near-miss (``[7;4]``, ``[ 2 ]``)
        that the chapter's reference list does not hold, or None: such brackets are
        as likely a bit range or an interval as a citation, so ``fix`` leaves them
        as written. None for a well-formed marker, in the citation style (the keyword
        says it is one), in a chapter with no list, and with book numbering (a
        number may be listed in another chapter)."""
        settings = self.settings
        if marker.well_formed or settings.marker_style == "citation" or settings.numbering == "book" or self.references is None:
            return None
        listed = self.references.numbers()
        unlisted = tuple(number for number in marker.numbers if number not in listed)
        return unlisted or None

    def hidden_citations(self) -> dict[int, tuple[int, str]]:
        """For each number cited only where citelint does not read markers (code,
        comments, front matter), the 1-based line of its first such marker and what
        hides it: a marker that is ignored must not vanish silently."""
        found: dict[int, tuple[int, str]] = {}
        text = self.document.text
        if not may_hide(text, self.settings.marker, self.settings.marker_style):
            return found
        definitions = _Definitions.of(self.document, self.references)
        for match in hidden_pattern(self.settings.marker, self.settings.marker_style).finditer(text):
            number = int(match.group(1))
            if number in found:
                continue
            where = self.hidden_where(match.start(), definitions)
            if where is not None:
                found[number] = (self.document.line_of(match.start()) + 1, where)
        return found

    def glued_citations(self) -> dict[int, tuple[int, str]]:
        """Brackets style: each number written only glued to the word before it
        (``plumage[3]``, read as an index), with the 1-based line and the text of
        its first such bracket: a citation that is not read must not vanish silently."""
        if self.settings.marker_style != "brackets" or "[" not in self.document.text:
            return {}
        text = self.document.text
        found = {}
        for number, offset in glued_brackets(self.document).items():
            word = offset
            while word > 0 and offset - word < 20 and (text[word - 1].isalnum() or text[word - 1] == "_"):
                word -= 1
            found[number] = (self.document.line_of(offset) + 1, text[word : text.index("]", offset) + 1])
        return found

    def linked_entries(self) -> dict[int, tuple[int, str]]:
        """Each entry of the list that a link in the prose points to by an anchor of
        the entry (``[1](#ref-1)`` to ``- <a id="ref-1">…``), with the 1-based line and
        the text of its first such link: links, not markers, and not read as citations."""
        references = self.references
        if references is None:
            return {}
        links = anchor_links(self.document)
        if not links:
            return {}
        first, end = _list_offsets(self.document, references)
        entries = sorted(references.entries, key=lambda entry: entry.first_line)
        first_lines = [entry.first_line for entry in entries]
        owner: dict[str, int] = {}
        for offset, anchor in anchor_ids(self.document.text[first:end]):
            line = self.document.line_of(first + offset)
            index = bisect_right(first_lines, line) - 1
            if index >= 0 and line <= entries[index].last_line:  # on the entry's own lines
                owner.setdefault(anchor, entries[index].number)
        found: dict[int, tuple[int, str]] = {}
        for offset, written, anchor in links:
            number = owner.get(anchor)
            if number is not None and number not in found and not first <= offset < end:
                found[number] = (self.document.line_of(offset) + 1, written)
        return found

    def hidden_where(self, offset: int, definitions: Optional["_Definitions"] = None) -> Optional[str]:
        """What keeps a marker at ``offset`` from being read (``Document.hidden_by``,
        or a link reference definition outside the list), or None. ``definitions``:
        the chapter's, when the caller asks for many offsets."""
        where = self.document.hidden_by(offset)
        if where is None and (definitions or _Definitions.of(self.document, self.references)).hold(offset):
            return "a link reference definition"
        return where

    def unread_markers(self) -> Iterator[tuple[int, str, int, Optional[str]]]:
        """Each plain marker in the text (``hidden_pattern``: a reading independent of
        the parse) that is no marker read and lies outside the reference list: its
        offset, its text, the number it names and what hides it (None: nothing does,
        so the parse did not read a marker in the prose)."""
        text = self.document.text
        if not may_hide(text, self.settings.marker, self.settings.marker_style):
            return
        starts = [marker.start for marker in self.markers]
        ends = [marker.end for marker in self.markers]
        listed = _list_offsets(self.document, self.references) if self.references is not None else (0, 0)
        definitions = _Definitions.of(self.document, self.references)
        for match in hidden_pattern(self.settings.marker, self.settings.marker_style).finditer(text):
            offset = match.start()
            index = bisect_right(starts, offset) - 1
            if index >= 0 and offset < ends[index] or listed[0] <= offset < listed[1]:
                continue
            yield offset, match.group(), int(match.group(1)), self.hidden_where(offset, definitions)

    def cross_references(self) -> list[Marker]:
        """Markers that cite inside the reference list ("see also [CITATION 2]" in an
        entry): they point into the list too, and are renumbered with it."""
        if self.references is None:
            return []
        first, end = _list_offsets(self.document, self.references)
        return [marker for marker in self.markers if marker.cites and first <= marker.start < end]

    def renumbering_blocker(self, numbers_of_the_book: bool = False) -> Optional[str]:
        """Why ``citelint fix`` cannot renumber this chapter, or None when it can.
        ``numbers_of_the_book``: a cited number is looked for in the whole book's
        lists, by the book (``book_numbering.Book.blocker``), not here."""
        references = self.references
        if references is None:
            return "the chapter cites references but has no reference list to renumber" if self.cited and not numbers_of_the_book else None
        counts: dict[int, int] = {}
        for entry in references.entries:
            counts[entry.number] = counts.get(entry.number, 0) + 1
        duplicates = sorted(number for number, count in counts.items() if count > 1)
        if duplicates:
            return f"two entries are labelled {duplicates[0]}; say which is which first"
        if not numbers_of_the_book:
            missing = sorted({number for marker in self.cited for number in marker.numbers if number not in counts})
            if missing:
                return f"reference {missing[0]} is cited but not in the reference list"
            for marker in self.cross_references():
                if any(number not in counts for number in marker.numbers):
                    line = self.document.line_of(marker.start) + 1
                    return f"{marker.shown} on line {line} (in the reference list) cites a number the list does not have"
        if references.unclear_at is not None:
            return (
                f"the bullet on line {references.unclear_at + 1} may be a note on the entry above it or an entry of its own; "
                "indent it under that entry, or give it a label"
            )
        unlabelled = references.unlabelled_among_labels()
        if unlabelled is not None:
            line = unlabelled.first_line + 1
            return (
                f"the entry on line {line} ({shorten(self.document.lines[unlabelled.first_line].strip())}) has no label among "
                "labelled entries and may be the rest of another entry; label it, or join it to the entry it belongs to"
            )
        # Across a book the entries' new places are the book's to decide: text among them always stops it.
        stray = _text_between_entries(self.document, references) if numbers_of_the_book or _entries_move(self.cited, references) else None
        if stray is not None:
            return (
                f"line {stray + 1} ({shorten(self.document.lines[stray].strip())}) lies between two entries of the list and is part of "
                "neither: moving the entries would leave it under another one; indent it under its entry, or move it out of the list"
            )
        if references.ambiguous_with is not None:
            lines = self.document.lines
            other, kept = references.ambiguous_with, references.line
            return (
                f"the markers may point at the list at line {other + 1} ({shorten(lines[other].strip())}) "
                f"or at the one at line {kept + 1} ({shorten(lines[kept].strip())}); number the one they cite"
            )
        for entry in references.entries:
            if entry.label is not None and entry.label >= YEAR_LIKE_LABEL and entry.label > 2 * len(references.entries):
                line = entry.first_line + 1
                return (
                    f"the entry labelled {entry.label} on line {line} looks like a year wrapped onto its own line, "
                    f"which Markdown reads as a list label; join it to the line above or write `{entry.label}\\.`"
                )
        for marker in self.markers:
            if not marker.cites and not marker.well_formed and any(character.isdigit() for character in marker.text):
                line = self.document.line_of(marker.start) + 1
                return f"{marker.shown} on line {line} may cite a reference but cannot be read; write it as a marker first"
        return None

    def refusal_possible_once_renumbered(self) -> bool:
        """Whether fix may refuse once it knows the new numbers (``renumbering.mapping_refusal``):
        in the numbered styles, a link definition, a bracket glued to a word, or a
        marker naming a number twice; in any style, code in a block quote. Cheap:
        only such a chapter is asked the answer."""
        if self.document.has_quoted_code():  # a marker read as code there may be prose to other renderers
            return True
        return self.settings.marker_style != "citation" and (
            "]:" in self.document.text or any(part.glued_citations() or any(marker.repeated_number for marker in part.cited) for part in self.chapters())
        )

    def fix_advice(self) -> str:
        """What a renumbering finding tells the writer to do."""
        blocker = self.renumbering_blocker()
        return "run `citelint fix`" if blocker is None else f"`citelint fix` cannot renumber: {blocker}"

    def line_span(self, line: int, start: Optional[int] = None) -> tuple[int, int]:
        """Offsets from ``start`` (default: the line's text) to the end of a 0-based line."""
        begin = start if start is not None else self.document.offset(line, self.document.content_column(line))
        return begin, self.document.line_end(line)


def _entries_move(cited: tuple[Marker, ...], references: ReferenceList) -> bool:
    """A renumbering puts the list's entries in another order: in the order of their
    first citation, the entries nothing cites after them in the list's order."""
    first: dict[int, int] = {}
    for marker in cited:
        for number in marker.numbers:
            first.setdefault(number, len(first))
    places = [first.get(entry.number, len(first) + position) for position, entry in enumerate(references.entries)]
    return places != sorted(places)


def _text_between_entries(document: Document, references: ReferenceList) -> Optional[int]:
    """The first 0-based line that shows text between the list's first and last
    entries and is part of no entry (a paragraph of prose among list items, a
    subheading), or None. A link definition renders nothing and is not text."""
    entries = references.entries
    for above, below in zip(entries, entries[1:]):
        for line in range(above.last_line + 1, below.first_line):
            if document.shows_text(line):
                block = document.block_at(document.offset(line))
                if block is None or block.kind != "ref_def":
                    return line
    return None


def _compiled_chapters(chapter: "Chapter") -> list[tuple[int, int]]:
    """The (first, last) lines of each chapter of a book compiled into one file, or
    nothing. A new chapter starts at a heading as high as the reference headings (or
    higher) that follows a reference list: ``# Chapter 37`` … ``## References`` …
    ``# Chapter 38``. Split only when at least two such chapters each have a reference
    list and markers: a Notes list then a Bibliography, or an appendix after the
    references, stay one chapter. Only a list under a heading as high as the highest
    reference heading ends a chapter: one deeper (a ``Notes:`` aside or a ``### Notes``
    in a section, before the chapter's ``## Bibliography``) is part of the chapter."""
    document = chapter.document
    words = chapter.settings.heading_words
    reference_lines = [block.first_line for block in document.blocks.of_kind("heading") if is_reference_heading(document, block, words)]
    if len(reference_lines) < 2:
        return []  # the common case: nothing is held per heading
    headings = list(document.blocks.of_kind("heading"))
    listed = set(reference_lines)
    top = min(block.level for block in headings if block.first_line in listed)
    starts = [0]
    seen_list = False
    for block in headings:
        if is_reference_heading(document, block, words):
            seen_list = seen_list or block.level == top
        elif seen_list and block.level <= top:
            starts.append(block.first_line)
            seen_list = False
    if len(starts) > MAX_BOOK_CHAPTERS or len(starts) * len(document.lines) > MAX_BOOK_WORK:
        return []  # each chapter is parsed on its own, over the file's lines: bounded work
    spans = [(start, end - 1) for start, end in zip(starts, starts[1:] + [len(document.lines)])]
    citing_lines = sorted(document.line_of(marker.start) for marker in chapter.markers if marker.cites)
    complete = sum(1 for first, last in spans if _holds_one(citing_lines, first, last) and _holds_one(reference_lines, first, last))
    return spans if complete >= 2 else []


def _holds_one(sorted_lines: list[int], first: int, last: int) -> bool:
    """Whether one of ``sorted_lines`` is between ``first`` and ``last``."""
    index = bisect_left(sorted_lines, first)
    return index < len(sorted_lines) and sorted_lines[index] <= last


def _only_lines(document: Document, first: int, last: int) -> str:
    """The document's text with every line outside ``first``..``last`` left empty."""
    lines = document.lines
    return "\n" * first + "\n".join(lines[first : last + 1]) + "\n" * (len(lines) - 1 - last)


def _in_list(document: Document, references: Optional[ReferenceList], marker: Marker) -> bool:
    if references is None:
        return False
    first, end = _list_offsets(document, references)
    return first <= marker.start < end


class _Definitions(NamedTuple):
    """The offsets ``[start, end)`` of each link reference definition outside the
    reference list (``[label]: url "title"``), in order: it renders nothing, so a
    marker in its title cites nothing a reader sees (a list written as ``[1]: url``
    definitions is the list, and is read as one)."""

    starts: list[int]
    ends: list[int]

    @classmethod
    def of(cls, document: Document, references: Optional[ReferenceList]) -> "_Definitions":
        starts: list[int] = []
        ends: list[int] = []
        line_starts = document.line_starts
        for block in document.blocks.of_kind("ref_def"):
            if references is not None and references.first_line <= block.first_line <= references.last_line:
                continue
            following = block.last_line + 1
            starts.append(line_starts[block.first_line])
            ends.append(line_starts[following] if following < len(line_starts) else len(document.text) + 1)
        return cls(starts, ends)

    def hold(self, offset: int) -> bool:
        index = bisect_right(self.starts, offset) - 1
        return index >= 0 and offset < self.ends[index]


def _list_offsets(document: Document, references: ReferenceList) -> tuple[int, int]:
    """The offsets the list's lines cover, ``[first, end)``: an offset is within them
    exactly when its line is (``holds_line``), without looking its line up (asked
    for every marker)."""
    starts = document.line_starts
    following = references.last_line + 1
    return starts[references.first_line], starts[following] if following < len(starts) else len(document.text) + 1
